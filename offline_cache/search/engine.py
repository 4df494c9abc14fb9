"""Rank knowledge-base entries for a resident's question, and say how sure we are.

Two stages, both explainable (``kiosk ask --explain`` prints them):

1. **Recall** with SQLite FTS5/BM25 over our own tokens (words and character bigrams,
   pinyin syllable bigrams, pinyin initials), after expanding colloquial phrases with
   the curated synonym list (老公 → 配偶, 不给工资 → 拖欠工资).
2. **Re-rank** the top candidates by *coverage*: the share of the question's meaning
   (IDF-weighted concepts) that the entry's question side (title, question,
   phrasings, keywords) contains, measured separately in words, in sound (pinyin
   bigrams, which forgive a recogniser's homophones) and in initials; the best of
   the three is the entry's confidence.  Final score = 0.65·confidence +
   0.35·(BM25 / best BM25).

The top result counts as *answered* only when its confidence reaches the calibrated
threshold (docs/search.md); otherwise the kiosk offers the closest questions and a
person.  Questions with no legal words (weather, bus routes) have near-zero coverage.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from offline_cache.kb_bundle import idf
from offline_cache.kb_store import KnowledgeBase
from offline_cache.search import analyzer

MAX_QUERY_CHARS = 200
CANDIDATES = 40
MAX_WORD_TERMS = 24
MAX_PINYIN_TERMS = 48
# Column weights for bm25(), in the order of kb_bundle.INDEX_COLUMNS.
BM25_WEIGHTS = (5.0, 3.0, 3.0, 1.5, 2.5)
ANSWER_WEIGHT = 0.3
COMMON_TERM_SHARE = 0.02  # a term in more than 2 % of entries is "common" for recall
ALWAYS_KEEP = 3
DEFAULT_ANSWER_THRESHOLD = 0.5
# Confidence is scaled by this when no word of the question is in the KB's own vocabulary.
OFF_DOMAIN_FACTOR = 0.6
_VOWELS = set("aeiouv")


class QueryRejected(ValueError):
    """The question cannot be searched as given; ``code`` selects the resident message."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class Concept:
    """One unit of the question's meaning; matched if any alternative is in an entry."""

    label: str
    alternatives: tuple[tuple[str, ...], ...]  # each alternative: words that must all appear
    weight: float


@dataclass
class Result:
    entry_id: str
    title: str
    topic: str
    covers: list[str]
    score: float
    confidence: float
    bm25: float
    matched: list[str] = field(default_factory=list)


@dataclass
class SearchResponse:
    query: str
    answered: bool
    results: list[Result]
    elapsed_ms: float
    threshold: float

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "answered": self.answered,
            "results": [{"id": r.entry_id, "title": r.title, "covers": r.covers,
                         "score": round(r.score, 4)} for r in self.results],
            "elapsed_ms": round(self.elapsed_ms, 3),
        }


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class SearchEngine:
    def __init__(self, kb: KnowledgeBase, threshold: float | None = None) -> None:
        self.kb = kb
        self.threshold = DEFAULT_ANSWER_THRESHOLD if threshold is None or threshold < 0 else threshold
        self._n = max(kb.entry_count, 1)
        self._idf_max = idf(0, self._n)
        # Longest synonym keys first, so 不给工资 wins over 工资.
        self._synonym_keys = sorted(kb.synonyms, key=len, reverse=True)

    # --- query analysis ------------------------------------------------------------
    def _df(self, family: str, terms: Iterable[str]) -> dict[str, int]:
        terms = list(set(terms))
        if not terms:
            return {}
        marks = ",".join("?" * len(terms))
        rows = self.kb.db.execute(
            f"SELECT term, df FROM term_df WHERE family = ? AND term IN ({marks})", (family, *terms))
        return dict(rows.fetchall())

    def _idf(self, df: dict[str, int], term: str) -> float:
        return idf(df[term], self._n) if term in df else self._idf_max

    def _word_concepts(self, norm: str) -> tuple[list[Concept], list[str], dict[str, int]]:
        """Concepts in words (synonym phrases first), extra tokens for recall, and the
        document frequencies of every word looked at."""
        remaining = norm
        groups: list[tuple[str, list[str]]] = []
        for key in self._synonym_keys:
            if key in remaining:
                groups.append((key, [key, *self.kb.synonyms[key]]))
                remaining = remaining.replace(key, " ")
        words = analyzer.words(remaining)
        alt_words = {alt: tuple(analyzer.words(alt)) or (alt,) for _, alts in groups for alt in alts}
        all_terms = set(words) | {w for ws in alt_words.values() for w in ws}
        df = self._df("words", all_terms)
        concepts = [Concept(w, ((w,),), self._idf(df, w)) for w in dict.fromkeys(words)]
        for key, alts in groups:
            alternatives = tuple(alt_words[a] for a in alts)
            weight = max(min(self._idf(df, w) for w in alt) for alt in alternatives)
            concepts.append(Concept(key, alternatives, weight))
        expansion = [w for ws in alt_words.values() for w in ws]
        return concepts, expansion, df

    def _pinyin_positions(self, norm: str) -> list[tuple[str, ...]]:
        positions: list[tuple[str, ...]] = analyzer.pinyin_pairs(norm)
        # Typed pinyin: consecutive Latin words form one stream of syllables, so
        # "bei pian le" reads like "beipianle" (residents type a space per syllable).
        stream: list[str] = []
        for part in [*analyzer.latin_query_parts(norm), ""]:
            syllables = (analyzer.segment_pinyin(part, self.kb.pinyin_syllables)
                         if set(part) & _VOWELS else None)
            if syllables:
                stream.extend(analyzer.fuzzy_syllable(s) for s in syllables)
                continue
            positions.extend((a + b,) for a, b in itertools.pairwise(stream))
            stream = []
        return positions

    def _initials(self, norm: str) -> list[str]:
        return [p for p in analyzer.latin_query_parts(norm)
                if 2 <= len(p) <= 8 and not set(p) & _VOWELS]

    def _recall_clause(self, columns: str, terms: list[str], df: dict[str, int],
                       limit: int) -> str | None:
        """An FTS5 clause over ``columns`` worth a posting-list read.

        FTS5 scores every row that matches, so a term found in a large share of the
        entries costs much and tells little.  Rare terms are OR-ed (rarest first);
        when a question has only common terms they are AND-ed instead, which keeps
        the rows to score few.  The re-rank still counts every term of the question.
        """
        known = sorted({t for t in terms if df.get(t, 0) > 0}, key=lambda t: df[t])
        common = max(50, int(self._n * COMMON_TERM_SHARE))
        rare = [t for t in known if df[t] <= common][:limit]
        if rare:
            return f"{columns} : (" + " OR ".join(map(_fts_quote, rare)) + ")"
        if known:
            return f"{columns} : (" + " AND ".join(map(_fts_quote, known[:ALWAYS_KEEP])) + ")"
        return None

    # --- search --------------------------------------------------------------------
    def search(self, query: str, top: int = 5) -> SearchResponse:
        started = time.perf_counter()
        norm = analyzer.normalize(query)
        if not norm:
            raise QueryRejected("empty", "the question is empty")
        if len(norm) > MAX_QUERY_CHARS:
            raise QueryRejected(
                "too_long", f"the question has {len(norm)} characters; at most {MAX_QUERY_CHARS}")
        top = max(1, min(top, 50))

        concepts, expansion, word_df = self._word_concepts(norm)
        positions = self._pinyin_positions(norm)
        initials = self._initials(norm)
        # Recall terms: words and synonym expansions; pinyin bigrams of every adjacent
        # pair already stand in for character bigrams, whatever the segmenter did.
        word_terms = [c.label for c in concepts if len(c.alternatives) == 1] + expansion
        py_df = self._df("py", [g for pos in positions for g in pos])
        py_terms = [g for pos in positions for g in pos]
        clauses = [
            self._recall_clause("{title_q alts kw}", word_terms, word_df, MAX_WORD_TERMS),
            self._recall_clause("py", py_terms, py_df, MAX_PINYIN_TERMS),
            ("ini : (" + " OR ".join(map(_fts_quote, initials)) + ")") if initials else None,
        ]
        if not any(clauses):
            return SearchResponse(query, False, [], _ms(started), self.threshold)

        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        rows = self.kb.db.execute(
            f"SELECT rowid, -bm25(entry_index, {weights}) FROM entry_index "
            f"WHERE entry_index MATCH ? ORDER BY bm25(entry_index, {weights}) LIMIT ?",
            (" OR ".join(c for c in clauses if c), CANDIDATES)).fetchall()
        answer_terms = list(dict.fromkeys([c.label for c in concepts] + expansion))[:MAX_WORD_TERMS]
        if len(rows) < CANDIDATES // 4 and answer_terms:
            # Too little on the question side: look in the answers too, at a discount.
            seen = {rowid for rowid, _ in rows}
            more = self.kb.db.execute(
                "SELECT rowid, -bm25(answer_index) * ? FROM answer_index WHERE answer_index MATCH ? "
                "ORDER BY bm25(answer_index) LIMIT ?",
                (ANSWER_WEIGHT, " OR ".join(map(_fts_quote, answer_terms)), CANDIDATES)).fetchall()
            rows += [(rowid, s) for rowid, s in more if rowid not in seen]
        if not rows:
            return SearchResponse(query, False, [], _ms(started), self.threshold)

        # Does the question use any word of the KB's own vocabulary (titles, questions,
        # keywords, synonym phrases) or sound like one? Chit-chat such as 现在几点了
        # can share a word with a resident's phrasing, but not with the law's words.
        core_df = self._df("core", [w for c in concepts for alt in c.alternatives for w in alt])
        domain_evidence = bool(core_df) or any(len(c.alternatives) > 1 for c in concepts) \
            or bool(initials) or (not concepts and bool(positions))
        py_weights = [max((self._idf(py_df, g) for g in pos), default=0.0) for pos in positions]
        best_bm25 = max(s for _, s in rows) or 1.0
        total_w = sum(c.weight for c in concepts)
        total_p = sum(py_weights)
        results = []
        for rowid, bm25 in rows:
            words_s, py_s, ini_s, entry_id, title, topic = self.kb.db.execute(
                "SELECT t.words, t.py, t.ini, e.id, e.title, e.topic FROM entry_terms t "
                "JOIN entries e ON e.rowid = t.rowid WHERE t.rowid = ?", (rowid,)).fetchone()
            entry_words, entry_py, entry_ini = set(words_s.split()), set(py_s.split()), set(ini_s.split())
            matched = [c.label for c in concepts
                       if any(all(w in entry_words for w in alt) for alt in c.alternatives)]
            cov_words = (sum(c.weight for c in concepts if c.label in matched) / total_w) if total_w else 0.0
            cov_py = (sum(w for pos, w in zip(positions, py_weights, strict=True)
                          if any(g in entry_py for g in pos)) / total_p) if total_p else 0.0
            cov_ini = (sum(1 for i in initials if i in entry_ini) / len(initials)) if initials else 0.0
            confidence = max(cov_words, 0.9 * cov_py, 0.9 * cov_ini)
            if not domain_evidence:
                confidence *= OFF_DOMAIN_FACTOR
            score = 0.65 * confidence + 0.35 * (bm25 / best_bm25)
            results.append(Result(entry_id, title, topic, [], score, confidence, bm25, matched))
        results.sort(key=lambda r: r.score, reverse=True)
        results = results[:top]
        for r in results:
            entry = self.kb.entry(r.entry_id)
            r.covers = list(entry.covers) if entry else []
        answered = results[0].confidence >= self.threshold
        return SearchResponse(query, answered, results, _ms(started), self.threshold)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
