"""Statute texts: import from the Markdown format of ``shared/statutes``, look up, search.

A file holds one law (the Civil Code is split by book and numbered continuously,
so its books merge into one law, ``民法典``).  Articles start a paragraph with
``第N条`` in Chinese numerals; following paragraphs belong to the article until
the next article or heading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from offline_cache.cn_numerals import cn_to_int, int_to_cn

_ARTICLE_START = re.compile(
    r"^第([零〇一二三四五六七八九十百千两]+)条(之[一二三四五六七八九十]+)?[ \u3000]*(.*)$")
_DATE_SUFFIX = re.compile(r"\(\d{4}-\d{2}-\d{2}\)$")
_HEADING = re.compile(r"^(#+)\s*(.*?)\s*$")


@dataclass(frozen=True)
class Article:
    law: str
    number: int
    suffix: str  # "" or "之一" for inserted articles
    chapter: str
    text: str

    @property
    def label(self) -> str:
        return f"第{int_to_cn(self.number)}条{self.suffix}"

    @property
    def citation(self) -> str:
        return f"{self.law}第{self.number}条{self.suffix}"


@dataclass
class Law:
    name: str  # short name used in citations: 劳动合同法, 民法典
    title: str  # full title: 中华人民共和国劳动合同法
    source_files: list[str] = field(default_factory=list)
    articles: dict[tuple[int, str], Article] = field(default_factory=dict)

    def article(self, number: int, suffix: str = "") -> Article | None:
        return self.articles.get((number, suffix))


class StatuteFormatError(ValueError):
    """A statute file does not follow the expected layout."""


def law_name_for_file(path: Path) -> str:
    """``劳动合同法(2012-12-28).md`` → ``劳动合同法``; ``民法典-总则.md`` → ``民法典``."""
    stem = _DATE_SUFFIX.sub("", path.stem)
    return stem.split("-", 1)[0]


def parse_statute_file(path: Path) -> tuple[str, str, list[Article]]:
    """Return (law name, full title, articles) for one file."""
    text = path.read_text(encoding="utf-8")
    name = law_name_for_file(path)
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        raise StatuteFormatError(f"{path.name}:1: expected a '# title' line")
    title = lines[0][2:].strip()
    try:
        body_start = next(i for i, line in enumerate(lines) if line.strip() == "<!-- INFO END -->") + 1
    except StopIteration:
        raise StatuteFormatError(f"{path.name}: no '<!-- INFO END -->' marker") from None

    articles: list[Article] = []
    chapter = ""
    current: tuple[int, str, list[str]] | None = None

    def flush() -> None:
        if current is not None:
            number, suffix, paragraphs = current
            articles.append(Article(name, number, suffix, chapter_of_current, "\n".join(paragraphs)))

    chapter_of_current = ""
    for raw in lines[body_start:]:
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            current = None
            if len(heading.group(1)) == 2:
                chapter = re.sub(r"\s+", " ", heading.group(2))
            continue
        start = _ARTICLE_START.match(line)
        if start:
            flush()
            chapter_of_current = chapter
            current = (cn_to_int(start.group(1)), start.group(2) or "", [line])
        elif current is not None:
            current[2].append(line)
    flush()
    return name, title, articles


def load_statutes(folder: Path) -> dict[str, Law]:
    """Import every ``*.md`` law in ``folder`` (its README is skipped)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"statute folder not found: {folder}")
    laws: dict[str, Law] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        name, title, articles = parse_statute_file(path)
        law = laws.setdefault(name, Law(name=name, title=title))
        law.source_files.append(path.name)
        for article in articles:
            law.articles.setdefault((article.number, article.suffix), article)
    return laws


# --- citation references -------------------------------------------------------

_REF = re.compile(
    r"^[《<]?(?:中华人民共和国)?(?P<law>[^《》<>\s第]+?)[》>]?\s*[:：]?\s*"
    r"(?:第\s*)?(?P<num>\d+|[零〇一二三四五六七八九十百千两]+)\s*(?:条)?(?P<suffix>之[一二三四五六七八九十]+)?$"
)


@dataclass(frozen=True)
class ArticleRef:
    law: str
    number: int
    suffix: str = ""

    def __str__(self) -> str:
        return f"{self.law}第{self.number}条{self.suffix}"


def parse_article_ref(text: str) -> ArticleRef | None:
    """Parse "民法典第1087条", "劳动合同法 82", "《劳动合同法》第八十二条", "民法典:1087"."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _REF.match(cleaned)
    if not match:
        return None
    try:
        number = cn_to_int(match.group("num"))
    except ValueError:
        return None
    return ArticleRef(match.group("law"), number, match.group("suffix") or "")


def resolve_law_name(query: str, names: Iterable[str]) -> str | None:
    """Match a typed law name to a known one: exact, then unique prefix or containment."""
    known = list(names)
    if query in known:
        return query
    candidates = [n for n in known if n.startswith(query) or query in n]
    if len(candidates) == 1:
        return candidates[0]
    shortest = sorted(candidates, key=len)
    return shortest[0] if shortest else None
