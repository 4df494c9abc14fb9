"""Synthesis with espeak-ng's Mandarin voice through pyttsx3, its quirks, and the cache."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from speech.errors import SpeechUnavailable
from speech.pcm import read_wav_header
from speech.synthesizer import (
    CachedSynthesizer,
    EspeakSynthesizer,
    SynthesisFailed,
    speech_rate,
    wav_has_audio,
)

ANSWER = "您好，劳动合同到期后单位不续签的，应当支付经济补偿。"


def duration(path: Path) -> float:
    with path.open("rb") as fh:
        return read_wav_header(fh).duration_s


class FirstWriteLost(EspeakSynthesizer):
    """pyttsx3 writing nothing, on demand, to exercise the retry and the fallback.

    The real engine runs; the file it wrote is then removed, which is what a
    caller sees when a write is lost (see the two tests on the real quirk).
    """

    def __init__(self, lost_writes: int, **kwargs: object) -> None:
        super().__init__("cmn", **kwargs)  # type: ignore[arg-type]
        self.lost_writes = lost_writes
        self.pyttsx3_calls = 0

    def _pyttsx3_write(self, text: str, path: Path, rate: int) -> None:
        self.pyttsx3_calls += 1
        super()._pyttsx3_write(text, path, rate)
        if self.pyttsx3_calls <= self.lost_writes:
            path.unlink()


def test_pyttsx3_writes_a_mandarin_wav(tmp_path: Path) -> None:
    synth = EspeakSynthesizer("cmn")
    out = synth.synthesize(ANSWER, tmp_path / "a.wav", 170)
    assert out == tmp_path / "a.wav"
    assert synth.last_backend == "pyttsx3"
    assert wav_has_audio(out)
    assert 2.0 < duration(out) < 15.0
    assert not list(tmp_path.glob(".tts-*"))  # no temporary files left


_RAW_PYTTSX3 = """
import os, sys, pyttsx3
engine = pyttsx3.init("espeak")
engine.setProperty("voice", "cmn")
engine.save_to_file(sys.argv[1], sys.argv[2])
engine.runAndWait()
print(os.path.exists(sys.argv[2]))
"""

_OURS = """
import sys
from pathlib import Path
from speech.synthesizer import EspeakSynthesizer
synth = EspeakSynthesizer("cmn")
for rate in (170, 80, 128, 300):
    synth.synthesize(sys.argv[1], Path(sys.argv[2]) / f"{rate}.wav", rate)
    print(synth.last_backend)
"""


def test_the_upstream_quirk_still_exists(tmp_path: Path) -> None:
    """Why the wait exists: a fresh process's first runAndWait returns before the WAV.

    If a pyttsx3 upgrade makes this fail, the quirk is fixed upstream; the
    workaround stays harmless.
    """
    out = tmp_path / "raw.wav"
    proc = subprocess.run([sys.executable, "-c", _RAW_PYTTSX3, ANSWER * 4, str(out)],
                          capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[0] == "False"


def test_first_call_in_a_fresh_process_gets_the_whole_right_file(tmp_path: Path) -> None:
    """The real quirks, handled: complete files, each at its own rate, nothing lagging."""
    text = ANSWER * 2
    proc = subprocess.run([sys.executable, "-c", _OURS, text, str(tmp_path)],
                          capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["pyttsx3"] * 4
    cli = EspeakSynthesizer("cmn", use_pyttsx3=False)
    for rate in (170, 80, 128, 300):
        reference = cli.synthesize(text, tmp_path / f"cli-{rate}.wav", rate)
        assert duration(tmp_path / f"{rate}.wav") == pytest.approx(duration(reference), rel=0.02)


def test_lost_first_write_is_retried(tmp_path: Path) -> None:
    synth = FirstWriteLost(lost_writes=1)
    out = synth.synthesize(ANSWER, tmp_path / "a.wav", 170)
    assert wav_has_audio(out)
    assert synth.last_backend == "pyttsx3"
    assert synth.pyttsx3_calls == 2
    assert synth.failures == ["pyttsx3: pyttsx3 returned without writing a WAV"]


def test_pyttsx3_that_never_writes_falls_back_to_the_cli(tmp_path: Path) -> None:
    synth = FirstWriteLost(lost_writes=99)
    out = synth.synthesize(ANSWER, tmp_path / "a.wav", 170)
    assert synth.last_backend == "espeak-ng"
    assert synth.pyttsx3_calls == 2
    assert wav_has_audio(out)
    assert 2.0 < duration(out) < 15.0


def test_cli_only_and_text_starting_with_a_dash(tmp_path: Path) -> None:
    synth = EspeakSynthesizer("cmn", use_pyttsx3=False)
    out = synth.synthesize("-v 不是一个选项", tmp_path / "a.wav", 170)
    assert synth.last_backend == "espeak-ng"
    assert wav_has_audio(out)


def test_unknown_voice_fails_clearly_instead_of_using_another_voice(tmp_path: Path) -> None:
    """pyttsx3 only reports a bad voice on its error topic and speaks with the old one."""
    synth = EspeakSynthesizer("qxl-no-such-voice")
    with pytest.raises(SynthesisFailed) as info:
        synth.synthesize(ANSWER, tmp_path / "a.wav", 170)
    assert isinstance(info.value, SpeechUnavailable)
    assert "SetVoiceByName failed" in info.value.reason
    assert "espeak-ng -v qxl-no-such-voice: Error: The specified espeak-ng voice does not exist" in (
        info.value.reason)
    assert not (tmp_path / "a.wav").exists()


def test_empty_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="empty"):
        EspeakSynthesizer().synthesize("  \n", tmp_path / "a.wav", 170)


def test_synthesis_never_plays_audio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyttsx3's say() shells out to aplay, uninterruptibly; we must never go there."""
    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    marker = tmp_path / "aplay-was-run"
    shim = shim_dir / "aplay"
    shim.write_text(f"#!/bin/sh\ntouch {marker}\n")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{shim_dir}{os.pathsep}{os.environ['PATH']}")
    EspeakSynthesizer().synthesize(ANSWER, tmp_path / "a.wav", 170)
    EspeakSynthesizer(use_pyttsx3=False).synthesize(ANSWER, tmp_path / "b.wav", 170)
    assert not marker.exists()


def test_elderly_mode_is_slower() -> None:
    assert speech_rate(170) == 170
    assert speech_rate(170, elderly=True) == 128
    assert speech_rate(90, elderly=True) == 80  # never slower than 80 wpm


def test_slower_rate_gives_longer_audio(tmp_path: Path) -> None:
    synth = EspeakSynthesizer()
    normal = synth.synthesize(ANSWER, tmp_path / "normal.wav", speech_rate(170))
    slow = synth.synthesize(ANSWER, tmp_path / "slow.wav", speech_rate(170, elderly=True))
    assert duration(slow) > duration(normal) * 1.15


def test_cache_synthesises_once_and_lookup_is_instant(tmp_path: Path) -> None:
    cache = CachedSynthesizer(EspeakSynthesizer(), tmp_path / "cache")
    assert cache.lookup(ANSWER, 170) is None
    first = cache.get(ANSWER, 170)
    assert (cache.hits, cache.misses) == (0, 1)
    mtime = first.stat().st_mtime_ns
    started = time.perf_counter()
    again = cache.lookup(ANSWER, 170)
    elapsed = time.perf_counter() - started
    assert again == first
    assert elapsed < 0.05  # one utime() call, no synthesis
    assert cache.get(ANSWER, 170) == first
    assert (cache.hits, cache.misses) == (1, 1)
    assert first.stat().st_mtime_ns >= mtime  # still the same file


def test_cache_key_covers_text_voice_and_rate(tmp_path: Path) -> None:
    cache = CachedSynthesizer(EspeakSynthesizer("cmn"), tmp_path / "cache")
    other_voice = CachedSynthesizer(EspeakSynthesizer("yue"), tmp_path / "cache")
    keys = {
        cache.key(ANSWER, 170),
        cache.key(ANSWER, 128),
        cache.key(ANSWER + "。", 170),
        other_voice.key(ANSWER, 170),
    }
    assert len(keys) == 4
    assert cache.key(f"  {ANSWER}\n", 170) == cache.key(ANSWER, 170)


def test_prewarm_and_synthesize_interface(tmp_path: Path) -> None:
    cache = CachedSynthesizer(EspeakSynthesizer(), tmp_path / "cache")
    texts = ["您好", "请稍等", "", "您好"]
    assert cache.prewarm(texts, [170, speech_rate(170, elderly=True)]) == 4
    assert cache.prewarm(texts, 170) == 0
    copy = cache.synthesize("您好", tmp_path / "out" / "hello.wav", 170)
    assert copy.read_bytes() == cache.get("您好", 170).read_bytes()


def test_concurrent_requests_for_one_text_synthesise_once(tmp_path: Path) -> None:
    cache = CachedSynthesizer(EspeakSynthesizer(), tmp_path / "cache")
    paths: list[Path] = []
    threads = [threading.Thread(target=lambda: paths.append(cache.get(ANSWER, 170)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(set(paths)) == 1
    assert cache.misses == 1


def test_prune_keeps_the_most_recently_used(tmp_path: Path) -> None:
    cache = CachedSynthesizer(EspeakSynthesizer(), tmp_path / "cache")
    old = cache.get("第一句", 170)
    new = cache.get("第二句", 170)
    os.utime(old, (1, 1))
    cache.max_bytes = new.stat().st_size
    assert cache.prune() == 1
    assert not old.exists()
    assert new.exists()
