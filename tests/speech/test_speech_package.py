"""Package rules: no Qt in speech/, and engines built from the kiosk's settings."""

from __future__ import annotations

import ast
from pathlib import Path

import speech
from kiosk.config import SpeechSettings
from speech.settings import components_from_settings

SPEECH_DIR = Path(speech.__file__).parent


def test_no_qt_import_anywhere_in_speech() -> None:
    offenders = []
    for path in sorted(SPEECH_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6", "ui"}]
    assert not offenders


def test_components_from_settings(tmp_path: Path) -> None:
    settings = SpeechSettings(output_device="null", tts_rate=180, wake_phrases=("你好小法",))
    parts = components_from_settings(settings, tmp_path / "tts")
    assert parts.synthesizer.voice == "cmn"
    assert parts.rate() == 180
    assert parts.rate(elderly=True) == 135
    assert parts.player.device == "null"
    assert parts.matcher.match_wake("你好小法") is not None
    wav = parts.synthesizer.get("您好", parts.rate())
    assert wav.parent == tmp_path / "tts"
    result = parts.player.play_and_wait(wav, timeout=10)
    assert result is not None and result.ok
