"""Audio helpers for the speech tests (imported by conftest and the test modules).

Everything is generated: espeak-ng for speech, sox for format conversion,
Python for silence, tones and noise.  Nothing is downloaded.
"""

from __future__ import annotations

import math
import random
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest

# What every generated Korean clip says; the test grammar's phrases.
KO_HELLO = "안녕하세요"
KO_THANKS = "감사합니다"
KO_OUT_OF_GRAMMAR = "오늘 날씨가 좋네요"
KO_MONOLOGUE = "저는 학생입니다 오늘 학교에 갑니다 그리고 도서관에서 책을 읽습니다"


def require_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is required by the speech tests: apt-get install {package}")
    return path


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def espeak_wav(text: str, path: Path, voice: str = "ko", rate_wpm: int | None = None) -> Path:
    """espeak-ng speaking ``text`` into ``path`` (22050 Hz mono, espeak's native format)."""
    cmd = [require_tool("espeak-ng", "espeak-ng"), "-v", voice, "-w", str(path)]
    if rate_wpm is not None:
        cmd += ["-s", str(rate_wpm)]
    run([*cmd, text])
    return path


def sox(*args: str | Path) -> None:
    run([require_tool("sox", "sox"), *[str(a) for a in args]])


def write_wav(path: Path, pcm: bytes, rate: int = 16000, channels: int = 1, width: int = 2) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(pcm)
    return path


def read_pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        return w.readframes(w.getnframes())


def silence(seconds: float, rate: int = 16000) -> bytes:
    return b"\x00\x00" * round(seconds * rate)


def tone(seconds: float, freq: float = 440.0, amplitude: float = 8000.0, rate: int = 16000) -> bytes:
    """A sine; amplitudes over 32767 clip like an overdriven microphone."""
    n = round(seconds * rate)
    return struct.pack(
        f"<{n}h",
        *(max(-32768, min(32767, round(amplitude * math.sin(2 * math.pi * freq * i / rate))))
          for i in range(n)),
    )


def noise(seconds: float, level: float = 1000.0, rate: int = 16000, seed: int = 7) -> bytes:
    """Gaussian white noise with RMS ``level``."""
    rng = random.Random(seed)
    n = round(seconds * rate)
    return struct.pack(
        f"<{n}h", *(max(-32768, min(32767, round(rng.gauss(0.0, level)))) for _ in range(n))
    )
