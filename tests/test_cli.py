"""The ``kiosk`` command as scripts use it: real subprocesses, real bundle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import __version__


def kiosk(*args: str, config: Path | None = None,
          stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "kiosk.cli"]
    if config:
        cmd += ["--config", str(config)]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, input=stdin,
                          env=dict(os.environ), timeout=60, check=False)


def test_version() -> None:
    proc = kiosk("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"kiosk {__version__}"


def test_ask_json_contract(settings_file: Path) -> None:
    proc = kiosk("ask", "离婚", "--json", "--top", "3", config=settings_file)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"query", "answered", "results", "elapsed_ms"}
    assert data["query"] == "离婚"
    assert isinstance(data["answered"], bool)
    assert 1 <= len(data["results"]) <= 3
    for result in data["results"]:
        assert set(result) == {"id", "title", "covers", "score"}
        assert isinstance(result["score"], float)
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    assert any(c.startswith("marriage.") for c in data["results"][0]["covers"])


def test_ask_reads_questions_from_stdin_in_order(settings_file: Path) -> None:
    questions = ["离婚", "", "明天天气怎么样", "问" * 100_000, "lh"]
    proc = kiosk("ask", "--json", "-", config=settings_file, stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == len(questions)
    assert lines[0]["query"] == "离婚" and lines[0]["results"]
    assert lines[1]["error"] == "empty"
    assert lines[3]["error"] == "too_long"
    assert lines[4]["query"] == "lh"


@pytest.mark.parametrize(("args", "fragment"), [
    (("ask", ""), "empty"),
    (("ask", "   "), "empty"),
    (("ask", "x" * 100_000), "at most 200"),  # 128 KiB is the argv limit per string
    (("ask",), "no question given"),
])
def test_bad_questions_get_one_line_and_no_traceback(settings_file: Path, args: tuple[str, ...],
                                                      fragment: str) -> None:
    proc = kiosk(*args, config=settings_file)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert fragment in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[ui]\nidle_timeout_s = "x"\n')
    proc = kiosk("ask", "离婚", config=cfg)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "ui.idle_timeout_s" in proc.stderr


@pytest.mark.parametrize(("content", "message"), [
    (None, "file not found"),                       # a bundle path the technician set, missing
    (b"this is not sqlite" * 100, "corrupt"),
])
def test_unusable_bundle_is_a_clear_error(tmp_path: Path, content: bytes | None, message: str) -> None:
    bundle = tmp_path / "kb.sqlite"
    if content is not None:
        bundle.write_bytes(content)
    cfg = tmp_path / "k.toml"
    cfg.write_text(f'[paths]\ndata_dir = "{tmp_path}"\n[kb]\nbundle_path = "{bundle}"\n')
    proc = kiosk("ask", "离婚", config=cfg)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_first_start_builds_the_builtin_kb_into_the_data_dir(tmp_path: Path) -> None:
    cfg = tmp_path / "k.toml"
    cfg.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n')
    proc = kiosk("ask", "离婚", "--json", config=cfg)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "data" / "kb" / "kb.sqlite").is_file()
    assert (tmp_path / "data" / "kb" / "manifest.json").is_file()
