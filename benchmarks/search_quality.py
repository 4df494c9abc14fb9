"""Search quality on the evaluation set: top-1/top-3 per style, out-of-scope rejection.

    .venv/bin/python benchmarks/search_quality.py [--questions FILE] [--bundle KB] [--misses]

A result counts as correct when one of its ``covers`` ids is among the question's
``expect`` ids. Targets (issue #3): top-3 ≥ 95 %, top-1 ≥ 85 %, asr top-3 ≥ 85 %,
out-of-scope rejected ≥ 90 %. ``--sweep`` prints accuracy/rejection for a range of
answer thresholds, which is how the default threshold was calibrated.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kiosk.knowledge import build_from_sources  # noqa: E402
from offline_cache.kb_sources import builtin_source_dir  # noqa: E402
from offline_cache.kb_store import KnowledgeBase  # noqa: E402
from offline_cache.search.engine import SearchEngine, SearchResponse  # noqa: E402


def load_questions(path: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["in_scope"], data["out_of_scope"]


def rank_of_hit(response: SearchResponse, expect: set[str]) -> int | None:
    for rank, result in enumerate(response.results, 1):
        if expect & set(result.covers):
            return rank
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", default=str(REPO / "benchmarks/eval/questions.yaml"))
    parser.add_argument("--bundle", help="KB bundle (default: build the built-in sources)")
    parser.add_argument("--misses", action="store_true", help="list the questions missed at top-3")
    parser.add_argument("--sweep", action="store_true", help="accuracy vs threshold table")
    args = parser.parse_args()

    if args.bundle:
        kb = KnowledgeBase(Path(args.bundle))
    else:
        out = Path(tempfile.mkdtemp(prefix="qxl-kb-"))
        build_from_sources(builtin_source_dir(), None, out)
        kb = KnowledgeBase(out / "kb.sqlite")
    engine = SearchEngine(kb)
    in_scope, out_scope = load_questions(Path(args.questions))

    per_style: dict[str, list[int | None]] = defaultdict(list)
    in_conf: list[tuple[float, int | None]] = []
    misses = []
    for item in in_scope:
        response = engine.search(str(item["q"]), top=5)
        rank = rank_of_hit(response, set(item["expect"]))  # type: ignore[arg-type]
        per_style[str(item["style"])].append(rank)
        per_style["all"].append(rank)
        top_conf = response.results[0].confidence if response.results else 0.0
        in_conf.append((top_conf, rank))
        if rank is None or rank > 3:
            top = response.results[0].entry_id if response.results else "-"
            misses.append(f"  [{item['style']}] {item['q']}  expect={item['expect']} got={top}")
    out_conf = []
    for item in out_scope:
        response = engine.search(str(item["q"]), top=5)
        out_conf.append(response.results[0].confidence if response.results else 0.0)

    print(f"KB {kb.version}: {kb.entry_count} entries; {len(in_scope)} in-scope, "
          f"{len(out_scope)} out-of-scope questions; threshold {engine.threshold}")
    print(f"{'style':8} {'n':>4} {'top-1':>7} {'top-3':>7} {'answered':>9}")
    for style in ("typed", "spoken", "asr", "pinyin", "all"):
        ranks = per_style.get(style, [])
        if not ranks:
            continue
        top1 = sum(1 for r in ranks if r == 1) / len(ranks)
        top3 = sum(1 for r in ranks if r is not None and r <= 3) / len(ranks)
        print(f"{style:8} {len(ranks):4d} {top1:7.1%} {top3:7.1%}")
    rejected = sum(1 for c in out_conf if c < engine.threshold) / max(len(out_conf), 1)
    answered_ok = sum(1 for c, r in in_conf if c >= engine.threshold and r == 1) / len(in_conf)
    answered_wrong = sum(1 for c, r in in_conf if c >= engine.threshold and r != 1) / len(in_conf)
    print(f"out-of-scope rejected: {rejected:.1%}; in-scope answered and right: {answered_ok:.1%}; "
          f"answered but top-1 wrong: {answered_wrong:.1%}")
    print(f"median top confidence: in-scope {statistics.median(c for c, _ in in_conf):.2f}, "
          f"out-of-scope {statistics.median(out_conf):.2f}")
    if args.sweep:
        print("threshold  rejected  answered&right  answered&wrong")
        for t in [x / 20 for x in range(4, 17)]:
            rej = sum(1 for c in out_conf if c < t) / len(out_conf)
            ok = sum(1 for c, r in in_conf if c >= t and r == 1) / len(in_conf)
            wrong = sum(1 for c, r in in_conf if c >= t and r != 1) / len(in_conf)
            print(f"{t:9.2f} {rej:9.1%} {ok:15.1%} {wrong:15.1%}")
    if args.misses:
        print("missed at top-3:")
        print("\n".join(misses))
        print("out-of-scope answered:")
        for item, c in zip(out_scope, out_conf, strict=True):
            if c >= engine.threshold:
                print(f"  {item['q']} conf={c:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
