"""Read and validate the human-edited knowledge-base sources.

Layout of a source folder (the built-in one is ``offline_cache/content``)::

    coverage.yaml          the questions the KB must answer (from shared/kb)
    entries/<topic>.yaml   ``entries:`` list of answers for one topic
    tips.yaml              ``tips:`` 普法 tips and 以案说法 stories for the idle screen
    synonyms.yaml          ``synonyms:`` colloquial phrase → legal terms
    directory.yaml         service points and hotlines (demo data a district replaces)

Every problem is reported as ``file:line: message`` so an editor can jump to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from offline_cache.kb_schema import (
    ENTRY_ID,
    GROUPS,
    OPTIONAL,
    REQUIRED,
    SHORT_ANSWER_MAX,
    TITLE_MAX,
    Citation,
    Entry,
    Tip,
    ValidationResult,
)
from offline_cache.statutes import Law


def builtin_source_dir() -> Path:
    return Path(str(resources.files("offline_cache") / "content"))


@dataclass
class CoverageItem:
    id: str
    topic: str
    question: str
    cite: tuple[str, ...]


@dataclass
class Sources:
    folder: Path
    topics: dict[str, str] = field(default_factory=dict)
    coverage: list[CoverageItem] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    entry_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    tips: list[Tip] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    directory: dict[str, Any] = field(default_factory=dict)


def _load_yaml_with_lines(path: Path, result: ValidationResult) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        result.add(path.name, line, f"not valid YAML: {getattr(exc, 'problem', exc)}")
    except (OSError, UnicodeDecodeError) as exc:
        result.add(path.name, 1, f"cannot read: {exc}")
    return None, None


def _item_lines(root: yaml.Node | None, key: str) -> list[int]:
    """1-based line of each item of the top-level sequence under ``key``."""
    if not isinstance(root, yaml.MappingNode):
        return []
    for k, v in root.value:
        if k.value == key and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def _str_list(raw: Any) -> tuple[str, ...] | None:
    if raw is None:
        return ()
    if isinstance(raw, list) and all(isinstance(x, str) and x.strip() for x in raw):
        return tuple(x.strip() for x in raw)
    return None


def _citations(raw: Any) -> tuple[Citation, ...] | None:
    if not isinstance(raw, list):
        return None
    out = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("law"), str):
            return None
        article = item.get("article")
        if isinstance(article, bool) or not isinstance(article, int) or article <= 0:
            return None
        out.append(Citation(item["law"], article, str(item.get("suffix", ""))))
    return tuple(out)


def parse_entry(raw: Any, file: str, line: int, result: ValidationResult) -> Entry | None:
    """Validate one raw YAML mapping; report problems and return the entry or None."""
    if not isinstance(raw, Mapping):
        result.add(file, line, "an entry must be a mapping")
        return None
    before = len(result.problems)
    for key in REQUIRED:
        if key not in raw:
            result.add(file, line, f"missing field '{key}'")
    for key in raw:
        if key not in REQUIRED and key not in OPTIONAL:
            result.add(file, line, f"unknown field '{key}'")
    if len(result.problems) > before:
        return None

    entry_id = raw["id"]
    where = f"entry {entry_id!r}: "
    if not isinstance(entry_id, str) or not ENTRY_ID.match(entry_id):
        result.add(file, line, f"{where}id must look like 'topic.some-name'")
    for key in ("title", "question", "short_answer", "answer"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            result.add(file, line, f"{where}'{key}' must be non-empty text")
    if isinstance(raw["short_answer"], str) and len(raw["short_answer"].strip()) > SHORT_ANSWER_MAX:
        result.add(file, line, f"{where}short_answer has {len(raw['short_answer'].strip())} characters, "
                               f"at most {SHORT_ANSWER_MAX}")
    if isinstance(raw["title"], str) and len(raw["title"].strip()) > TITLE_MAX:
        result.add(file, line, f"{where}title longer than {TITLE_MAX} characters")
    lists = {}
    for key in ("phrasings", "keywords", "steps", "bring", "where", "time_limits", "covers", "groups"):
        value = _str_list(raw.get(key))
        if value is None:
            result.add(file, line, f"{where}'{key}' must be a list of non-empty strings")
            value = ()
        lists[key] = value
    if len(lists["phrasings"]) < 3:
        result.add(file, line, f"{where}give at least 3 alternative phrasings")
    if not lists["covers"]:
        result.add(file, line, f"{where}'covers' must name at least one coverage id")
    for group in lists["groups"]:
        if group not in GROUPS:
            result.add(file, line, f"{where}unknown group {group!r} (known: {', '.join(GROUPS)})")
    citations = _citations(raw["citations"])
    if citations is None:
        result.add(file, line, f"{where}citations must be a list of {{law: NAME, article: N}}")
        citations = ()
    reviewed = raw["reviewed"]
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError:
            reviewed = None
    if not isinstance(reviewed, dt.date):
        result.add(file, line, f"{where}reviewed must be a date (YYYY-MM-DD)")
    version = raw["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        result.add(file, line, f"{where}version must be a positive integer")
    costs = raw.get("costs", "")
    if not isinstance(costs, str):
        result.add(file, line, f"{where}costs must be text")
    needs_lawyer = raw.get("needs_lawyer", False)
    if not isinstance(needs_lawyer, bool):
        result.add(file, line, f"{where}needs_lawyer must be true or false")
    if len(result.problems) > before:
        return None
    assert isinstance(reviewed, dt.date)
    return Entry(
        id=entry_id, topic=raw["topic"], title=raw["title"].strip(), question=raw["question"].strip(),
        phrasings=lists["phrasings"], short_answer=raw["short_answer"].strip(),
        answer=raw["answer"].strip(), citations=citations, covers=lists["covers"],
        reviewed=reviewed, version=version, keywords=lists["keywords"], steps=lists["steps"],
        bring=lists["bring"], where=lists["where"], time_limits=lists["time_limits"],
        costs=costs.strip(), needs_lawyer=needs_lawyer, groups=lists["groups"],
    )


def load_sources(folder: Path, result: ValidationResult) -> Sources:
    """Read a source folder; problems go into ``result``, good parts into the return value."""
    src = Sources(folder=folder)
    if not folder.is_dir():
        result.add(str(folder), 1, "source folder not found")
        return src

    cov, _ = _load_yaml_with_lines(folder / "coverage.yaml", result)
    if isinstance(cov, Mapping):
        src.topics = dict(cov.get("topics") or {})
        for item in cov.get("items") or []:
            src.coverage.append(CoverageItem(item["id"], item["topic"], item["q"],
                                             tuple(item.get("cite") or ())))

    seen: dict[str, str] = {}
    for path in sorted((folder / "entries").glob("*.yaml")):
        data, root = _load_yaml_with_lines(path, result)
        if data is None:
            continue
        if not isinstance(data, Mapping) or not isinstance(data.get("entries"), list):
            result.add(path.name, 1, "expected a top-level 'entries:' list")
            continue
        lines = _item_lines(root, "entries")
        for index, raw in enumerate(data["entries"]):
            line = lines[index] if index < len(lines) else 1
            entry = parse_entry(raw, path.name, line, result)
            if entry is None:
                continue
            if entry.id in seen:
                result.add(path.name, line, f"duplicate id {entry.id!r} (first in {seen[entry.id]})")
                continue
            if src.topics and entry.topic not in src.topics:
                result.add(path.name, line, f"entry {entry.id!r}: unknown topic {entry.topic!r}")
            seen[entry.id] = path.name
            src.entries.append(entry)
            src.entry_lines[entry.id] = (path.name, line)

    tips_path = folder / "tips.yaml"
    if tips_path.exists():
        data, root = _load_yaml_with_lines(tips_path, result)
        lines = _item_lines(root, "tips")
        for index, raw in enumerate((data or {}).get("tips") or []):
            line = lines[index] if index < len(lines) else 1
            citations = _citations(raw.get("citations", [])) if isinstance(raw, Mapping) else None
            if (not isinstance(raw, Mapping) or citations is None
                    or raw.get("kind") not in ("tip", "case")
                    or not all(isinstance(raw.get(k), str) and raw.get(k) for k in ("id", "title", "text"))):
                result.add("tips.yaml", line, "a tip needs id, kind (tip|case), title, text, citations")
                continue
            src.tips.append(Tip(raw["id"], raw["kind"], raw["title"], raw["text"].strip(),
                                citations, str(raw.get("entry", ""))))

    syn_path = folder / "synonyms.yaml"
    if syn_path.exists():
        data, _ = _load_yaml_with_lines(syn_path, result)
        for phrase, terms in ((data or {}).get("synonyms") or {}).items():
            if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                result.add("synonyms.yaml", 1, f"synonyms for {phrase!r} must be a list of strings")
                continue
            src.synonyms[str(phrase)] = terms

    dir_path = folder / "directory.yaml"
    if dir_path.exists():
        data, _ = _load_yaml_with_lines(dir_path, result)
        if isinstance(data, Mapping):
            src.directory = dict(data)
    return src


def check_sources(
    src: Sources,
    laws: Mapping[str, Law] | None,
    result: ValidationResult,
    require_coverage: bool = True,
) -> None:
    """Cross-file checks: coverage, citations against statutes, tips' links.

    ``kiosk kb check`` requires full coverage; a build only requires every entry to
    be valid, so that content can be published topic by topic.
    """
    entry_ids = {e.id for e in src.entries}
    covered: dict[str, set[str]] = {}
    for entry in src.entries:
        file, line = src.entry_lines.get(entry.id, ("?", 1))
        for cov_id in entry.covers:
            covered.setdefault(cov_id, set()).update(c.key for c in entry.citations)
        known = {c.id for c in src.coverage}
        for cov_id in entry.covers:
            if known and cov_id not in known:
                result.add(file, line, f"entry {entry.id!r}: covers unknown coverage id {cov_id!r}")
        if laws is not None:
            for cit in entry.citations:
                problem = citation_problem(cit, laws)
                if problem:
                    result.add(file, line, f"entry {entry.id!r}: {problem}")
    for item in src.coverage if require_coverage else ():
        if item.id not in covered:
            result.add("coverage.yaml", 1, f"coverage id {item.id!r} is not covered by any entry")
            continue
        for cite in item.cite:
            law, _, article = cite.partition(":")
            if f"{law}:{article}" not in covered[item.id]:
                result.add("coverage.yaml", 1,
                           f"coverage id {item.id!r} expects citation {cite} in a covering entry")
    for tip in src.tips:
        if require_coverage and tip.entry and tip.entry not in entry_ids:
            result.add("tips.yaml", 1, f"tip {tip.id!r} links to unknown entry {tip.entry!r}")
        if laws is not None:
            for cit in tip.citations:
                problem = citation_problem(cit, laws)
                if problem:
                    result.add("tips.yaml", 1, f"tip {tip.id!r}: {problem}")


def citation_problem(cit: Citation, laws: Mapping[str, Law]) -> str | None:
    law = laws.get(cit.law)
    if law is None:
        return f"citation {cit.key}: no statute named {cit.law!r} in the statute folder"
    if law.article(cit.article, cit.suffix) is None:
        return f"citation {cit.key}: {cit.law} has no article {cit.article}{cit.suffix}"
    return None
