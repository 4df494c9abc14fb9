"""Killable playback with real player processes (no sound card on the test machine)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from speech_helpers import silence, tone, write_wav

from speech.playback import PlaybackResult, Player


@pytest.fixture
def long_wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "long.wav", tone(20.0, amplitude=3000))


@pytest.fixture
def short_wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "short.wav", silence(0.3))


def test_no_sound_device_is_reported_not_hung(short_wav: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    results: list[PlaybackResult] = []
    player = Player("qxl_no_such_card")
    assert player.play(short_wav, results.append)  # started; the failure comes back async
    result = player.wait(5.0)
    assert result is not None
    assert not result.ok and not result.stopped
    assert result.returncode == 1
    assert result.error.startswith("aplay: ")
    assert "audio open error" in result.error
    assert results == [result]
    assert not player.is_playing


def test_missing_player_program(short_wav: Path, monkeypatch: pytest.MonkeyPatch,
                                tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    results: list[PlaybackResult] = []
    assert not Player().play(short_wav, results.append)
    assert results == [PlaybackResult(ok=False, error="aplay is not installed")]


def test_missing_file(tmp_path: Path) -> None:
    results: list[PlaybackResult] = []
    assert not Player().play(tmp_path / "nope.wav", results.append)
    assert results[0].error.startswith("no such file")


def test_plays_to_the_end_on_a_null_device(short_wav: Path) -> None:
    player = Player("null")  # ALSA's null device is always there
    result = player.play_and_wait(short_wav, timeout=5.0)
    assert result == PlaybackResult(ok=True, returncode=0)


@pytest.mark.parametrize("backend", ["paplay", "aplay"])
def test_stop_silences_real_playback_within_200_ms(
    pulse_env: str, long_wav: Path, backend: str
) -> None:
    device = "qxl_null" if backend == "paplay" else "pulse"
    results: list[PlaybackResult] = []
    player = Player(device, backend=backend)  # type: ignore[arg-type]
    assert player.play(long_wav, results.append)
    time.sleep(0.5)
    assert player.is_playing  # paced by the (null) sound card: still playing
    pid = player.pid
    assert pid is not None
    started = time.monotonic()
    assert player.stop()
    elapsed = time.monotonic() - started
    assert elapsed < 0.2
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the process is gone (and reaped)
    result = player.wait(2.0)
    assert result is not None and result.stopped and not result.ok
    assert results == [result]
    assert not player.stop()  # nothing left to stop


def test_stop_kills_a_player_that_ignores_sigterm(tmp_path: Path, short_wav: Path) -> None:
    stubborn = ["sh", "-c", "trap '' TERM; sleep 30 & wait; sleep 30", "sh", "{wav}"]
    player = Player(command=stubborn)
    assert player.play(short_wav)
    time.sleep(0.2)
    started = time.monotonic()
    assert player.stop()
    assert time.monotonic() - started < 0.3  # 100 ms grace, then SIGKILL
    result = player.wait(2.0)
    assert result is not None and result.stopped


def test_new_play_replaces_the_current_one(pulse_env: str, long_wav: Path,
                                           short_wav: Path) -> None:
    player = Player("qxl_null", backend="paplay")
    first: list[PlaybackResult] = []
    second: list[PlaybackResult] = []
    done = threading.Event()
    assert player.play(long_wav, first.append)
    time.sleep(0.3)
    def on_second(result: PlaybackResult) -> None:
        second.append(result)
        done.set()

    assert player.play(short_wav, on_second)
    assert done.wait(5.0)
    deadline = time.monotonic() + 2
    while not first and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first and first[0].stopped
    assert second == [PlaybackResult(ok=True, returncode=0)]


def test_command_template(tmp_path: Path) -> None:
    player = Player("dev0", command=["myplayer", "--out={device}", "{wav}"])
    assert player.build_command(tmp_path / "a.wav") == ["myplayer", "--out=dev0",
                                                        str(tmp_path / "a.wav")]
    assert Player().build_command(Path("a.wav")) == ["aplay", "-q", "a.wav"]
    assert Player("hw:1", backend="paplay").build_command(Path("a.wav")) == [
        "paplay", "--device=hw:1", "a.wav"]
