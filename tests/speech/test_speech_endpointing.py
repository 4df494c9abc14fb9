"""End-of-speech detection on synthetic audio: silence, noise, tones, clipping."""

from __future__ import annotations

import pytest
from speech_helpers import noise, silence, tone

from speech.endpointing import (
    EndpointConfig,
    Endpointer,
    EndpointReason,
    is_speech_frame,
    speech_threshold,
    update_noise_floor,
)

CHUNK = 3200  # 100 ms at 16 kHz


def run(segments: list[tuple[bytes, str]], config: EndpointConfig | None = None,
        chunk: int = CHUNK) -> tuple[EndpointReason | None, float, Endpointer]:
    """Feed (audio, partial text) segments in chunks; the decision and when it came."""
    endpointer = Endpointer(config)
    for audio, text in segments:
        for i in range(0, len(audio), chunk):
            decision = endpointer.feed(audio[i : i + chunk], text)
            if decision is not None:
                return decision, endpointer.elapsed_s, endpointer
    return None, endpointer.elapsed_s, endpointer


def test_threshold_is_relative_to_the_floor_with_an_absolute_minimum() -> None:
    cfg = EndpointConfig()
    assert speech_threshold(10.0, cfg) == cfg.min_level
    assert speech_threshold(1000.0, cfg) == pytest.approx(3162.3, rel=1e-3)
    assert is_speech_frame(5000.0, 1000.0, cfg)
    assert not is_speech_frame(2000.0, 1000.0, cfg)


def test_noise_floor_falls_fast_and_rises_slowly() -> None:
    cfg = EndpointConfig()
    assert update_noise_floor(None, 500.0, False, cfg) == 500.0
    assert update_noise_floor(None, 0.0, False, cfg) == cfg.min_floor
    down = update_noise_floor(1000.0, 100.0, False, cfg)
    up = update_noise_floor(100.0, 1000.0, False, cfg)
    up_in_speech = update_noise_floor(100.0, 1000.0, True, cfg)
    assert 1000.0 - down > up - 100.0 > up_in_speech - 100.0 > 0


def test_silence_only_is_nothing_heard_at_five_seconds() -> None:
    decision, at, _ = run([(silence(8.0), "")])
    assert decision is EndpointReason.NOTHING_HEARD
    assert at == pytest.approx(5.0)


def test_a_steady_tone_from_the_start_is_background() -> None:
    """Whatever is there when listening starts is the floor, not speech."""
    decision, _, endpointer = run([(tone(8.0), "")])
    assert decision is EndpointReason.NOTHING_HEARD
    assert endpointer.speech_s == 0.0


def test_steady_noise_is_nothing_heard() -> None:
    decision, at, endpointer = run([(noise(8.0, level=2000), "")])
    assert decision is EndpointReason.NOTHING_HEARD
    assert at == pytest.approx(5.0)
    assert endpointer.speech_s == 0.0
    assert endpointer.noise_floor == pytest.approx(2000, rel=0.15)


def test_noise_that_starts_mid_turn_stops_counting_as_speech() -> None:
    """A fan switching on: loud at first, part of the floor a few seconds later."""
    decision, at, endpointer = run([(silence(1.0), ""), (noise(9.0, level=3000), "")])
    assert decision is EndpointReason.NOTHING_HEARD
    assert 5.0 <= at < 9.0
    assert not endpointer.speech_started


def test_speech_then_silence_ends_after_the_silence_window() -> None:
    decision, at, endpointer = run([
        (silence(0.5), ""),
        (tone(1.5, amplitude=8000), "你好"),
        (silence(3.0), "你好"),
    ])
    assert decision is EndpointReason.END_OF_SPEECH
    assert at == pytest.approx(2.0 + 0.7, abs=0.03)
    assert endpointer.speech_started


def test_speech_over_background_noise_ends_too() -> None:
    decision, at, _ = run([
        (noise(0.5, level=300), ""),
        (tone(1.0, amplitude=9000), "你好"),
        (noise(3.0, level=300, seed=2), "你好"),
    ])
    assert decision is EndpointReason.END_OF_SPEECH
    assert at == pytest.approx(1.5 + 0.7, abs=0.05)


def test_loud_sound_without_words_is_not_speech() -> None:
    """A cough or a door: energy but the recognizer heard no words."""
    decision, at, _ = run([(silence(0.5), ""), (tone(0.5, amplitude=15000), ""),
                           (silence(8.0), "")])
    assert decision is EndpointReason.NOTHING_HEARD
    assert at == pytest.approx(5.0)


def test_words_without_energy_are_not_speech() -> None:
    """vosk hallucinating words in near-silence does not start a turn."""
    decision, _, _ = run([(silence(8.0), "嗯")])
    assert decision is EndpointReason.NOTHING_HEARD


def test_partial_text_changes_keep_the_turn_open() -> None:
    """Words still arriving (recognizer lag, a quiet tail) postpone the end."""
    decision, at, _ = run([
        (silence(0.3), ""),
        (tone(1.0), "我想"),
        (silence(0.5), "我想"),
        (silence(0.5), "我想问"),  # text changed 1.8 s in, with no loud frame
        (silence(2.0), "我想问"),
    ])
    assert decision is EndpointReason.END_OF_SPEECH
    # The new word was spoken about text_lag_s (0.3 s) before it showed up.
    assert at == pytest.approx(1.8 - 0.3 + 0.7, abs=0.03)


def test_late_text_for_words_already_heard_does_not_delay_the_end() -> None:
    decision, at, _ = run([
        (silence(0.3), ""),
        (tone(1.0), "我想"),
        (silence(0.2), "我想问"),  # the last word's text trails its audio by 0.2 s
        (silence(2.0), "我想问"),
    ])
    assert decision is EndpointReason.END_OF_SPEECH
    assert at == pytest.approx(1.3 + 0.7, abs=0.03)


def syllables(seconds: float) -> bytes:
    """Speech-like energy: 250 ms bursts with 100 ms dips between them."""
    burst = tone(0.25, freq=220, amplitude=9000) + silence(0.1)
    return burst * round(seconds / 0.35)


def test_continuous_speech_is_capped_at_ten_seconds() -> None:
    decision, at, _ = run([(silence(0.3), ""), (syllables(15.0), "一直在说")])
    assert decision is EndpointReason.MAX_LENGTH
    assert at == pytest.approx(10.0)


def test_speech_starting_at_the_deadline_gets_its_chance() -> None:
    decision, at, _ = run([
        (silence(4.8), ""),
        (tone(0.4), ""),  # loud at 4.8-5.2 s, the words come a moment later
        (tone(1.0), "你好"),
        (silence(2.0), "你好"),
    ])
    assert decision is EndpointReason.END_OF_SPEECH
    assert at == pytest.approx(6.2 + 0.7, abs=0.03)


def test_clipping_speech_still_ends_and_is_flagged() -> None:
    decision, at, endpointer = run([
        (silence(0.3), ""),
        (tone(1.0, freq=300, amplitude=90000), "你好"),  # hard-clipped, nearly square
        (silence(2.0), "你好"),
    ])
    assert decision is EndpointReason.END_OF_SPEECH
    assert at == pytest.approx(1.3 + 0.7, abs=0.03)
    assert endpointer.clipping


def test_normal_level_is_not_flagged_as_clipping() -> None:
    _, _, endpointer = run([(silence(0.3), ""), (tone(1.0, amplitude=8000), "你好"),
                            (silence(1.0), "你好")])
    assert not endpointer.clipping


@pytest.mark.parametrize("chunk", [2, 320, 1000, 4800, 32000])
def test_decision_does_not_depend_on_chunk_size(chunk: int) -> None:
    decision, at, _ = run([(silence(0.5), ""), (tone(1.0), "好"), (silence(2.0), "好")],
                          chunk=chunk)
    assert decision is EndpointReason.END_OF_SPEECH
    assert at == pytest.approx(2.2, abs=0.03)


def test_decision_is_sticky_and_finish_decides_at_end_of_audio() -> None:
    endpointer = Endpointer()
    assert endpointer.feed(silence(6.0)) is EndpointReason.NOTHING_HEARD
    assert endpointer.feed(tone(1.0), "你好") is EndpointReason.NOTHING_HEARD

    endpointer = Endpointer()
    endpointer.feed(silence(0.3))
    endpointer.feed(tone(0.5), "你好")
    assert endpointer.finish() is EndpointReason.END_OF_SPEECH
    assert Endpointer().finish() is EndpointReason.NOTHING_HEARD


def test_custom_timings() -> None:
    cfg = EndpointConfig(silence_s=0.3, no_speech_s=1.0, max_utterance_s=2.0)
    decision, at, _ = run([(silence(3.0), "")], cfg)
    assert decision is EndpointReason.NOTHING_HEARD
    assert at == pytest.approx(1.0)
    decision, at, _ = run([(silence(0.2), ""), (tone(0.5), "好"), (silence(1.0), "好")], cfg)
    assert decision is EndpointReason.END_OF_SPEECH
    assert at == pytest.approx(1.0, abs=0.03)
