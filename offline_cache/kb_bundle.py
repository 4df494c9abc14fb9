"""Compile KB sources into a read-only, versioned bundle: one SQLite file and a manifest.

The format is documented in ``docs/kb-format.md``; the sync process ships bundles
signed by the district server, so a change here bumps :data:`BUNDLE_FORMAT`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from offline_cache.kb_schema import Entry
from offline_cache.kb_sources import Sources
from offline_cache.search import analyzer
from offline_cache.statutes import Law

BUNDLE_FORMAT = 1
BUNDLE_FILE = "kb.sqlite"
MANIFEST_FILE = "manifest.json"

# FTS columns of the question side, in order; search/engine.py's BM25 weights follow it.
# Answers have their own table so that their long posting lists are read only when
# the question side finds too little.  (``detail=column`` was measured and made
# bm25-ordered recall 13× slower; docs/search.md.)
INDEX_COLUMNS = ("title_q", "alts", "kw", "py", "ini")

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, topic TEXT NOT NULL,
                      title TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE entry_terms (rowid INTEGER PRIMARY KEY, words TEXT NOT NULL, py TEXT NOT NULL,
                          ini TEXT NOT NULL);
CREATE TABLE term_df (family TEXT NOT NULL, term TEXT NOT NULL, df INTEGER NOT NULL,
                      PRIMARY KEY (family, term)) WITHOUT ROWID;
CREATE VIRTUAL TABLE entry_index USING fts5(title_q, alts, kw, py, ini,
                      tokenize = "unicode61 remove_diacritics 0");
CREATE VIRTUAL TABLE answer_index USING fts5(answer,
                      tokenize = "unicode61 remove_diacritics 0");
CREATE TABLE vocab (word TEXT PRIMARY KEY, pinyin TEXT NOT NULL, initials TEXT NOT NULL,
                    freq INTEGER NOT NULL);
CREATE INDEX vocab_pinyin ON vocab (pinyin);
CREATE INDEX vocab_initials ON vocab (initials);
CREATE TABLE topics (id TEXT PRIMARY KEY, name TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE coverage (id TEXT PRIMARY KEY, topic TEXT NOT NULL, question TEXT NOT NULL);
CREATE TABLE tips (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE synonyms (phrase TEXT PRIMARY KEY, terms TEXT NOT NULL);
CREATE TABLE laws (name TEXT PRIMARY KEY, title TEXT NOT NULL);
CREATE TABLE articles (rowid INTEGER PRIMARY KEY, law TEXT NOT NULL, number INTEGER NOT NULL,
                       suffix TEXT NOT NULL, chapter TEXT NOT NULL, text TEXT NOT NULL,
                       UNIQUE (law, number, suffix));
CREATE VIRTUAL TABLE article_index USING fts5(words, tokenize = "unicode61 remove_diacritics 0");
"""


@dataclass(frozen=True)
class Manifest:
    format: int
    version: str
    built_at: str
    sha256: str
    counts: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "version": self.version, "built_at": self.built_at,
                "sha256": self.sha256, "counts": self.counts}


def _join(tokens: Iterable[str]) -> str:
    return " ".join(tokens)


@dataclass(frozen=True)
class _LineTokens:
    index_words: tuple[str, ...]
    words: tuple[str, ...]
    pinyin: tuple[str, ...]
    initials: tuple[str, ...]


@lru_cache(maxsize=100_000)
def _analyse_line(line: str) -> _LineTokens:
    return _LineTokens(tuple(analyzer.word_tokens(line)), tuple(analyzer.words(analyzer.normalize(line))),
                       tuple(analyzer.pinyin_bigrams(line)), tuple(analyzer.initials_tokens(line)))


def _tokens(lines: Iterable[str], family: str) -> list[str]:
    """Tokens of several lines; analysis is cached per line (phrasings repeat a lot)."""
    out: list[str] = []
    for line in lines:
        for part in line.splitlines():
            out.extend(getattr(_analyse_line(part), family))
    return out


def index_row(entry: Entry) -> tuple[str, ...]:
    side = [entry.title, entry.question, *entry.phrasings, *entry.keywords]
    return (
        _join(_tokens([entry.title, entry.question], "index_words")),
        _join(_tokens(entry.phrasings, "index_words")),
        _join(_tokens(entry.keywords, "index_words")),
        _join(_tokens(side, "pinyin")),
        _join(_tokens(side, "initials")),
    )


def content_version(sources_digest: str, when: dt.date) -> str:
    return f"{when:%Y.%m.%d}-{sources_digest[:8]}"


def _sources_digest(sources: Sources, laws: Mapping[str, Law] | None) -> str:
    h = hashlib.sha256()
    for entry in sorted(sources.entries, key=lambda e: e.id):
        h.update(json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=True).encode())
    h.update(json.dumps(sources.synonyms, ensure_ascii=False, sort_keys=True).encode())
    h.update(json.dumps(sources.directory, ensure_ascii=False, sort_keys=True, default=str).encode())
    for tip in sources.tips:
        h.update(f"{tip.id}{tip.text}".encode())
    for name in sorted(laws or {}):
        h.update(f"{name}:{len((laws or {})[name].articles)}".encode())
    return h.hexdigest()


def write_entries(db: sqlite3.Connection, entries: Iterable[Entry]) -> int:
    """Insert entries with their index rows and term sets; returns the count."""
    df: dict[str, Counter[str]] = {"words": Counter(), "py": Counter(), "core": Counter()}
    count = 0
    for rowid, entry in enumerate(entries, start=1):
        side = [entry.title, entry.question, *entry.phrasings, *entry.keywords]
        words = sorted(set(_tokens(side, "words")))
        py = sorted(set(_tokens(side, "pinyin")))
        ini = sorted(set(_tokens(side, "initials")))
        df["words"].update(words)
        df["py"].update(py)
        df["core"].update(set(_tokens([entry.title, entry.question, *entry.keywords], "words")))
        db.execute("INSERT INTO entries VALUES (?, ?, ?, ?, ?)",
                   (rowid, entry.id, entry.topic, entry.title,
                    json.dumps(entry.to_json(), ensure_ascii=False)))
        db.execute("INSERT INTO entry_terms VALUES (?, ?, ?, ?)",
                   (rowid, " ".join(words), " ".join(py), " ".join(ini)))
        db.execute("INSERT INTO entry_index (rowid, title_q, alts, kw, py, ini) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (rowid, *index_row(entry)))
        db.execute("INSERT INTO answer_index (rowid, answer) VALUES (?, ?)",
                   (rowid, _join(_tokens([entry.short_answer, entry.answer], "index_words"))))
        count += 1
    for family, counter in df.items():
        db.executemany("INSERT INTO term_df VALUES (?, ?, ?)",
                       ((family, term, n) for term, n in counter.items()))
    write_vocab(db, df["words"])
    return count


def write_vocab(db: sqlite3.Connection, word_df: Counter[str]) -> None:
    """Words of the question side with their pinyin, for the on-screen pinyin keyboard."""
    from pypinyin import lazy_pinyin

    rows = []
    for word, freq in word_df.items():
        if len(word) < 2 or not all(analyzer.CJK.match(ch) for ch in word):
            continue
        syllables = lazy_pinyin(word, errors="ignore")
        if len(syllables) != len(word):
            continue
        rows.append((word, "".join(syllables), "".join(s[0] for s in syllables), freq))
    db.executemany("INSERT INTO vocab VALUES (?, ?, ?, ?)", rows)


def write_statutes(db: sqlite3.Connection, laws: Mapping[str, Law]) -> int:
    count = 0
    for law in laws.values():
        db.execute("INSERT INTO laws VALUES (?, ?)", (law.name, law.title))
        for article in law.articles.values():
            cur = db.execute(
                "INSERT INTO articles (law, number, suffix, chapter, text) VALUES (?, ?, ?, ?, ?)",
                (law.name, article.number, article.suffix, article.chapter, article.text))
            db.execute("INSERT INTO article_index (rowid, words) VALUES (?, ?)",
                       (cur.lastrowid, _join(analyzer.word_tokens(article.text))))
            count += 1
    return count


def build_bundle(
    sources: Sources,
    laws: Mapping[str, Law] | None,
    out_dir: Path,
    today: dt.date | None = None,
    extra_entries: Iterable[Entry] = (),
) -> Manifest:
    """Write ``kb.sqlite`` and ``manifest.json`` into ``out_dir`` atomically.

    ``extra_entries`` exists for benchmarks that pad the KB with synthetic entries.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    digest = _sources_digest(sources, laws)
    version = content_version(digest, today or dt.date.today())
    tmp = out_dir / f".{BUNDLE_FILE}.tmp"
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(SCHEMA)
        n_entries = write_entries(db, [*sources.entries, *extra_entries])
        db.executemany("INSERT INTO topics VALUES (?, ?, ?)",
                       ((tid, name, i) for i, (tid, name) in enumerate(sources.topics.items())))
        db.executemany("INSERT INTO coverage VALUES (?, ?, ?)",
                       ((c.id, c.topic, c.question) for c in sources.coverage))
        for tip in sources.tips:
            body = {"id": tip.id, "kind": tip.kind, "title": tip.title, "text": tip.text,
                    "entry": tip.entry,
                    "citations": [{"law": c.law, "article": c.article, "suffix": c.suffix}
                                  for c in tip.citations]}
            db.execute("INSERT INTO tips VALUES (?, ?)", (tip.id, json.dumps(body, ensure_ascii=False)))
        db.executemany("INSERT INTO synonyms VALUES (?, ?)",
                       ((k, json.dumps(v, ensure_ascii=False)) for k, v in sources.synonyms.items()))
        n_articles = write_statutes(db, laws) if laws else 0
        meta = {
            "format": str(BUNDLE_FORMAT),
            "version": version,
            "directory": json.dumps(sources.directory, ensure_ascii=False, default=str),
            "pinyin_syllables": " ".join(sorted(analyzer.pinyin_syllable_set())),
            "entry_count": str(n_entries),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.execute("INSERT INTO entry_index(entry_index) VALUES ('optimize')")
        db.execute("INSERT INTO answer_index(answer_index) VALUES ('optimize')")
        db.commit()
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("VACUUM")
    finally:
        db.close()
    sha = hashlib.sha256(tmp.read_bytes()).hexdigest()
    manifest = Manifest(
        format=BUNDLE_FORMAT, version=version,
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), sha256=sha,
        counts={"entries": n_entries, "articles": n_articles, "tips": len(sources.tips),
                "coverage": len(sources.coverage), "synonyms": len(sources.synonyms),
                "laws": len(laws or {})},
    )
    os.replace(tmp, out_dir / BUNDLE_FILE)
    manifest_tmp = out_dir / f".{MANIFEST_FILE}.tmp"
    manifest_tmp.write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
    os.replace(manifest_tmp, out_dir / MANIFEST_FILE)
    return manifest


def idf(df: int, n: int) -> float:
    """BM25-style inverse document frequency, never negative."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))
