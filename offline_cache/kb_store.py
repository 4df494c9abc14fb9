"""Open a compiled knowledge-base bundle read-only and read entries, tips and statutes."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offline_cache.kb_bundle import BUNDLE_FORMAT, MANIFEST_FILE
from offline_cache.kb_schema import Citation, Entry, Tip
from offline_cache.search import analyzer
from offline_cache.statutes import ArticleRef, resolve_law_name

REQUIRED_TABLES = {"meta", "entries", "entry_terms", "term_df", "entry_index", "answer_index", "vocab",
                   "articles",
                   "laws", "tips", "topics", "synonyms", "coverage"}


class KnowledgeBaseUnavailable(RuntimeError):
    """The bundle is missing, unreadable, corrupt or of an unknown format.

    ``reason`` is for the technician screen; residents see a calm 暂停服务 screen.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"knowledge base {path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class StoredArticle:
    law: str
    law_title: str
    number: int
    suffix: str
    chapter: str
    text: str

    @property
    def citation(self) -> str:
        return f"《{self.law}》第{self.number}条{self.suffix}"


class KnowledgeBase:
    """A read-only view of one bundle. Safe to share between threads (one connection each)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise KnowledgeBaseUnavailable(path, "file not found")
        try:
            self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                       check_same_thread=False)
            tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
            missing = REQUIRED_TABLES - tables
            if missing:
                raise KnowledgeBaseUnavailable(path, f"not a KB bundle (missing {sorted(missing)})")
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise KnowledgeBaseUnavailable(path, f"unreadable or corrupt ({exc})") from None
        if meta.get("format") != str(BUNDLE_FORMAT):
            raise KnowledgeBaseUnavailable(
                path, f"bundle format {meta.get('format')!r}, this kiosk reads {BUNDLE_FORMAT}")
        self.version: str = meta["version"]
        self.entry_count = int(meta["entry_count"])
        self._directory: dict[str, Any] = json.loads(meta.get("directory") or "{}")
        self.pinyin_syllables = frozenset(meta.get("pinyin_syllables", "").split())
        self.synonyms: dict[str, list[str]] = {
            k: json.loads(v) for k, v in self._db.execute("SELECT phrase, terms FROM synonyms")}
        self._law_titles = dict(self._db.execute("SELECT name, title FROM laws").fetchall())

    @property
    def db(self) -> sqlite3.Connection:
        return self._db

    def close(self) -> None:
        self._db.close()

    def manifest(self) -> dict[str, Any] | None:
        manifest = self.path.parent / MANIFEST_FILE
        try:
            data: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data

    # --- entries -----------------------------------------------------------------
    def entry(self, entry_id: str) -> Entry | None:
        row = self._db.execute("SELECT body FROM entries WHERE id = ?", (entry_id,)).fetchone()
        return Entry.from_json(json.loads(row[0])) if row else None

    def topics(self) -> list[tuple[str, str]]:
        return self._db.execute("SELECT id, name FROM topics ORDER BY position").fetchall()

    def entries_in_topic(self, topic: str) -> list[tuple[str, str]]:
        """(id, title) of a topic's entries, in source order."""
        return self._db.execute(
            "SELECT id, title FROM entries WHERE topic = ? ORDER BY rowid", (topic,)).fetchall()

    def tips(self) -> list[Tip]:
        out = []
        for (body,) in self._db.execute("SELECT body FROM tips ORDER BY rowid"):
            d = json.loads(body)
            out.append(Tip(d["id"], d["kind"], d["title"], d["text"],
                           tuple(Citation(c["law"], c["article"], c["suffix"]) for c in d["citations"]),
                           d["entry"]))
        return out

    def words_for_pinyin(self, typed: str, limit: int = 12) -> list[str]:
        """Chinese words for what was typed on the pinyin keyboard, most frequent first.

        ``lihun`` and ``lih`` match 离婚 by full pinyin prefix; ``lh`` by initials.
        """
        typed = "".join(ch for ch in typed.lower() if "a" <= ch <= "z")
        if not typed:
            return []
        escaped = typed.replace("%", "").replace("_", "")
        rows = self._db.execute(
            "SELECT word FROM vocab WHERE pinyin LIKE ? OR initials = ? "
            "ORDER BY (initials = ?) DESC, freq DESC, length(word) LIMIT ?",
            (escaped + "%", escaped, escaped, limit)).fetchall()
        return [r[0] for r in rows]

    def directory(self) -> dict[str, Any]:
        return self._directory

    # --- statutes ----------------------------------------------------------------
    def article(self, ref: ArticleRef) -> StoredArticle | None:
        law = resolve_law_name(ref.law, self._law_titles)
        if law is None:
            return None
        row = self._db.execute(
            "SELECT chapter, text FROM articles WHERE law = ? AND number = ? AND suffix = ?",
            (law, ref.number, ref.suffix)).fetchone()
        if row is None:
            return None
        return StoredArticle(law, self._law_titles[law], ref.number, ref.suffix, row[0], row[1])

    def cited_article(self, citation: Citation) -> StoredArticle | None:
        return self.article(ArticleRef(citation.law, citation.article, citation.suffix))

    def search_articles(self, query: str, limit: int = 20) -> list[StoredArticle]:
        """Full-text search over statute articles, best match first."""
        tokens = analyzer.word_tokens(query)[:32]
        if not tokens:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        rows = self._db.execute(
            "SELECT a.law, a.number, a.suffix, a.chapter, a.text FROM article_index "
            "JOIN articles a ON a.rowid = article_index.rowid "
            "WHERE article_index MATCH ? ORDER BY bm25(article_index) LIMIT ?",
            (match, limit)).fetchall()
        return [StoredArticle(r[0], self._law_titles[r[0]], r[1], r[2], r[3], r[4]) for r in rows]
