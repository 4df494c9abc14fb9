"""Package rules: no Qt in speech/."""

from __future__ import annotations

import ast
from pathlib import Path

import speech

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
