"""Audio sources: WAV files as a microphone, and the real capture process."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from speech_helpers import silence, sox, tone, write_wav

from speech.audio_source import MicrophoneSource, WavFileSource
from speech.errors import AudioFormatError, SpeechUnavailable
from speech.pcm import rms


def _collect(source: WavFileSource | MicrophoneSource) -> bytes:
    return b"".join(source.chunks())


@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (22050, 1), (44100, 2), (48000, 2),
                                                (16000, 1)])
def test_wav_source_converts_any_rate_and_channels(tmp_path: Path, rate: int, channels: int) -> None:
    mono16 = write_wav(tmp_path / "ref.wav", tone(1.0, freq=300, amplitude=10000))
    path = tmp_path / "in.wav"
    sox(mono16, "-r", str(rate), "-c", str(channels), path)
    source = WavFileSource(path)
    out = _collect(source)
    assert source.info.sample_rate == rate
    assert len(out) // 2 == pytest.approx(16000, abs=4)
    assert rms(out) == pytest.approx(rms(tone(1.0, amplitude=10000)), rel=0.05)
    assert source.frames_read == pytest.approx(rate, abs=1)


def test_chunks_are_about_chunk_ms_long(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", silence(1.0, rate=44100), rate=44100)
    sizes = [len(c) for c in WavFileSource(path, chunk_ms=100).chunks()]
    assert all(abs(size - 3200) <= 4 for size in sizes[:-1])


def test_realtime_pacing_and_prompt_close(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", silence(0.6))
    started = time.monotonic()
    _collect(WavFileSource(path, realtime=True))
    assert time.monotonic() - started >= 0.5

    long = write_wav(tmp_path / "long.wav", silence(30.0))
    source = WavFileSource(long, realtime=True)
    threading.Timer(0.3, source.close).start()
    started = time.monotonic()
    _collect(source)
    assert time.monotonic() - started < 1.0


def test_only_what_is_consumed_is_read(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", silence(60.0))
    source = WavFileSource(path)
    iterator = source.chunks()
    for _ in range(5):
        next(iterator)
    assert source.frames_read == 5 * 1600


def test_missing_and_bad_files(tmp_path: Path) -> None:
    with pytest.raises(AudioFormatError, match="no such file"):
        WavFileSource(tmp_path / "nope.wav")
    text = tmp_path / "notes.wav"
    text.write_text("not audio")
    with pytest.raises(AudioFormatError, match="not a RIFF/WAVE"):
        WavFileSource(text)


def test_truncated_wav_reads_what_is_there(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", tone(1.0))
    data = path.read_bytes()
    cut = len(data) // 2 + 1  # mid-sample
    path.write_bytes(data[:cut])
    out = _collect(WavFileSource(path))
    assert len(out) // 2 == (cut - 44) // 2


def test_missing_microphone_device_is_reported() -> None:
    source = MicrophoneSource("qxl_no_such_device")
    started = time.monotonic()
    with pytest.raises(SpeechUnavailable) as info:
        _collect(source)
    assert time.monotonic() - started < 3.0
    reason = info.value.reason
    assert reason.startswith("no microphone: arecord device qxl_no_such_device could not open")
    assert "qxl_no_such_device" in reason
    assert "exit code 1" in reason


def test_missing_capture_program_is_reported(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SpeechUnavailable, match="no microphone: arecord is not installed"):
        _collect(MicrophoneSource())


@pytest.mark.parametrize("backend", ["arecord", "parec"])
def test_capture_from_a_device_is_paced_and_resampled(pulse_env: str, backend: str) -> None:
    device = "pulse" if backend == "arecord" else "qxl_null.monitor"
    source = MicrophoneSource(device, backend=backend)  # type: ignore[arg-type]
    started = time.monotonic()
    chunks = []
    for chunk in source.chunks():
        chunks.append(chunk)
        if sum(len(c) for c in chunks) >= 16000:  # 0.5 s at 16 kHz
            source.close()
    assert 0.3 < time.monotonic() - started < 5.0
    assert all(len(c) == 3200 for c in chunks)  # 100 ms at 48 kHz became 100 ms at 16 kHz
    assert source.pid is None  # the capture process is gone


def test_microphone_that_goes_away_mid_stream(pulse_env: str) -> None:
    source = MicrophoneSource("pulse")
    iterator = source.chunks()
    next(iterator)
    pid = source.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # what an unplugged USB microphone looks like to us
    with pytest.raises(SpeechUnavailable) as info:
        for _ in iterator:
            pass
    assert "no microphone: arecord device pulse stopped mid-stream (killed by signal 9)" in (
        info.value.reason)


def test_close_from_another_thread_ends_capture_quietly(pulse_env: str) -> None:
    source = MicrophoneSource("pulse")
    threading.Timer(0.5, source.close).start()
    started = time.monotonic()
    _collect(source)  # no exception: closing is not a failure
    assert time.monotonic() - started < 2.0
    assert _collect(source) == b""  # a closed source stays closed
