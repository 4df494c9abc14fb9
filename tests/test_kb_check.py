"""`kiosk kb check` on broken sources: each problem names the file and the line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from offline_cache.kb_sources import builtin_source_dir

ENTRY = """  - id: {id}
    topic: labour
    title: 测试条目
    question: 测试问题？
    phrasings: [一, 二, 三]
    short_answer: 这是一个足够长的简短回答，用来测试。
    answer: 完整回答。
    citations: [{{law: {law}, article: {article}}}]
    covers: [labour.unpaid-wages]
    reviewed: 2026-11-26
    version: 1
"""


def test_problems_name_file_and_line(tmp_path: Path, statutes_dir: Path) -> None:
    sources = tmp_path / "content"
    shutil.copytree(builtin_source_dir(), sources)
    broken = sources / "entries" / "zz-broken.yaml"
    broken.write_text(
        "entries:\n"
        + ENTRY.format(id="labour.unpaid-wages", law="劳动合同法", article=30)  # duplicate id, line 2
        + ENTRY.format(id="labour.new-one", law="劳动合同法", article=999)       # no such article, line 13
        + ENTRY.format(id="labour.other", law="不存在的法", article=1)           # no such law, line 24
        + "  - id: labour.incomplete\n    topic: labour\n",                       # missing fields, line 35
        encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "kb", "check", "--sources", str(sources),
                           "--statutes", str(statutes_dir)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 1
    out = proc.stdout
    assert "zz-broken.yaml:2: duplicate id 'labour.unpaid-wages'" in out
    assert ("zz-broken.yaml:13: entry 'labour.new-one': "
            "citation 劳动合同法:999: 劳动合同法 has no article 999") in out
    assert ("zz-broken.yaml:24: entry 'labour.other': "
            "citation 不存在的法:1: no statute named '不存在的法'") in out
    assert "zz-broken.yaml:35: missing field 'title'" in out
    assert out.strip().splitlines()[-1].endswith("problem(s)")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    sources = tmp_path / "content"
    shutil.copytree(builtin_source_dir(), sources)
    (sources / "entries" / "zz-bad.yaml").write_text("entries:\n  - id: x\n    title: [unclosed\n",
                                                      encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "kb", "check", "--sources", str(sources)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert "zz-bad.yaml:" in proc.stdout and "not valid YAML" in proc.stdout
