"""Search latency and memory at the real size and with 10,000 / 100,000 entries.

    .venv/bin/python benchmarks/search_speed.py [--sizes real,10000,100000] [--repeat 3]

For each size a bundle is built (synthetic entries are made from the real KB's own
sentences, shuffled, so that term statistics stay realistic), then a fresh process
opens it and runs every evaluation question ``--repeat`` times; it prints p50/p95
latency and the process's peak RSS. Finally it times ``kiosk ask`` from process start
to the printed answer (median of 7 runs). Targets on a 2-core machine (issue #3):
p95 ≤ 20 ms at 10,000 entries, ≤ 60 ms at 100,000; first answer ≤ 1.0 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PROBE = r"""
import json, resource, sys, time, yaml
from pathlib import Path
from offline_cache.kb_store import KnowledgeBase
from offline_cache.search.engine import SearchEngine
kb = KnowledgeBase(Path(sys.argv[1]))
engine = SearchEngine(kb)
data = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))
questions = [q["q"] for q in data["in_scope"] + data["out_of_scope"]]
engine.search("热身")
times = []
for _ in range(int(sys.argv[3])):
    for q in questions:
        t = time.perf_counter()
        engine.search(str(q))
        times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({"n": len(times), "p50": times[len(times) // 2],
                  "p95": times[int(len(times) * 0.95)], "max": times[-1],
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def synthetic_entries(count: int, seed: int = 7) -> list[object]:
    from offline_cache.kb_schema import ValidationResult
    from offline_cache.kb_sources import builtin_source_dir, load_sources

    real = load_sources(builtin_source_dir(), ValidationResult()).entries
    rng = random.Random(seed)
    sentences = [s for e in real for s in (e.question, *e.phrasings, *e.steps)]
    answers = [e.answer for e in real]
    out = []
    for i in range(count):
        base = real[i % len(real)]
        out.append(dataclasses.replace(
            base, id=f"synthetic.e{i}", title=rng.choice(sentences)[:30],
            question=rng.choice(sentences) + rng.choice(sentences),
            phrasings=tuple(rng.sample(sentences, 5)), answer=rng.choice(answers),
            covers=(f"synthetic.e{i}",)))
    return out


def build(size: str, folder: Path) -> Path:
    from kiosk.knowledge import build_from_sources
    from offline_cache.kb_bundle import build_bundle
    from offline_cache.kb_schema import ValidationResult
    from offline_cache.kb_sources import builtin_source_dir, load_sources

    if size == "real":
        build_from_sources(builtin_source_dir(), None, folder)
    else:
        sources = load_sources(builtin_source_dir(), ValidationResult())
        extra = synthetic_entries(int(size) - len(sources.entries))
        build_bundle(sources, None, folder, extra_entries=extra)  # type: ignore[arg-type]
    return folder / "kb.sqlite"


def first_answer_seconds(bundle: Path, runs: int = 7) -> list[float]:
    config = Path(tempfile.mkdtemp()) / "k.toml"
    config.write_text(f'[paths]\ndata_dir = "{config.parent}"\n[kb]\nbundle_path = "{bundle}"\n')
    env = dict(os.environ, QXL_SYSTEM_CONFIG="/nonexistent")
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(REPO / ".venv/bin/kiosk"), "--config", str(config), "ask", "老板不给工资咋办",
                        "--json"], check=True, capture_output=True, env=env)
        out.append(time.perf_counter() - started)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="real,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    questions = REPO / "benchmarks/eval/questions.yaml"
    work = Path(tempfile.mkdtemp(prefix="qxl-speed-"))
    real_bundle = None
    print(f"{'entries':>8} {'build s':>8} {'MB':>6} {'queries':>8} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'max ms':>7} {'peak RSS MB':>11}")
    for size in args.sizes.split(","):
        started = time.perf_counter()
        bundle = build(size, work / size)
        built = time.perf_counter() - started
        if size == "real":
            real_bundle = bundle
        proc = subprocess.run([sys.executable, "-c", PROBE, str(bundle), str(questions), str(args.repeat)],
                              check=True, capture_output=True, text=True, cwd=REPO)
        r = json.loads(proc.stdout)
        print(f"{size:>8} {built:8.1f} {bundle.stat().st_size / 1e6:6.1f} {r['n']:8d} {r['p50']:7.2f} "
              f"{r['p95']:7.2f} {r['max']:7.1f} {r['rss_mb']:11.0f}", flush=True)
    if real_bundle is not None:
        times = first_answer_seconds(real_bundle)
        print(f"kiosk ask, process start to answer: median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}, {len(times)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
