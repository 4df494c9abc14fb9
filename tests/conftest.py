"""Shared fixtures. Tests never touch a real device's configuration or data.

* Every test runs with ``QXL_SYSTEM_CONFIG`` pointing nowhere, HOME/XDG dirs in a
  temporary folder and Qt on the offscreen platform.
* ``statutes_dir`` is ``../shared/statutes``; where it is absent the tests that need
  it skip with a reason, except under CI (``CI`` set), where its absence fails.
* ``kb_bundle`` builds the built-in knowledge base once per test session.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("QXL_SYSTEM_CONFIG", str(tmp_path / "no-system-config.toml"))
    monkeypatch.delenv("QXL_CONFIG", raising=False)
    for name in list(os.environ):
        if name.startswith("QXL__"):
            monkeypatch.delenv(name)
    return home


@pytest.fixture(autouse=True)
def no_threads_left_behind() -> Iterator[None]:
    """Fail a test that leaves a non-daemon thread running (napari's habit)."""
    before = set(threading.enumerate())
    yield
    leftover = [t for t in threading.enumerate()
                if t not in before and t.is_alive() and not t.daemon]
    for thread in leftover:
        thread.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"threads left running: {still}"


def require_shared(path: Path) -> Path:
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing: CI must run with ../shared beside the checkout")
    pytest.skip(f"{path} not present (the statute texts live in ../shared, beside the checkout)")


@pytest.fixture(scope="session")
def statutes_dir() -> Path:
    return require_shared(SHARED / "statutes")


@pytest.fixture(scope="session")
def kb_bundle(tmp_path_factory: pytest.TempPathFactory, statutes_dir: Path) -> Path:
    from kiosk.knowledge import build_from_sources
    from offline_cache.kb_sources import builtin_source_dir

    out = tmp_path_factory.mktemp("kb")
    build_from_sources(builtin_source_dir(), statutes_dir, out)
    return out / "kb.sqlite"


@pytest.fixture
def settings_file(tmp_path: Path, kb_bundle: Path) -> Path:
    """A kiosk config for one test: its own data dir, the session's KB bundle."""
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n'
        f'[kb]\nbundle_path = "{kb_bundle}"\n'
        f'[ui]\nidle_timeout_s = 60\nidle_countdown_s = 3\n',
        encoding="utf-8")
    return path
