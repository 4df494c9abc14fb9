"""The core knows nothing of Qt: importing it must not load PySide6."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", [
    "offline_cache", "offline_cache.search.engine", "offline_cache.outbox",
    "kiosk.config", "kiosk.services", "kiosk.cli", "speech",
])
def test_core_module_pulls_in_no_qt(module: str) -> None:
    code = (f"import sys, {module}; "
            "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui')));"
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{module} imported Qt modules: {proc.stdout} {proc.stderr}"
