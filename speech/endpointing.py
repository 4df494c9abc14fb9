"""End-of-speech detection: when has the resident finished talking?

Two independent signals are combined because each alone fails in a public hall:

* **energy** (RMS of 20 ms frames against an adaptive noise floor) is fooled by
  door slams, coughs and a fan that switches on;
* **the recognizer's partial text** is fooled by vosk's habit of emitting words
  for noise, and lags the audio by a few hundred milliseconds.

Speech counts as *started* once the recognizer has produced some text and at
least ``min_speech_s`` of frames were loud enough.  Activity (the clock the
silence timer measures from) is refreshed by a loud frame *or* a change of
the partial text, so a quiet speaker whose words still arrive is not cut off.
A text change is dated ``text_lag_s`` (0.3 s) back, since vosk reports words
a little after they were spoken: otherwise the last word, arriving late,
would restart the silence timer and every turn would end 0.3 s later.

Decisions, checked after every frame, on audio time (samples fed, not the wall
clock, so tests on files are exact and a slow machine cannot shorten a turn):

1. ``max_utterance_s`` (10 s) of audio: MAX_LENGTH if speech started, else
   NOTHING_HEARD;
2. speech started and ``silence_s`` (0.7 s) since the last activity: END_OF_SPEECH;
3. nothing started after ``no_speech_s`` (5 s) and no loud frame in the last
   ``silence_s``: NOTHING_HEARD (a loud sound just at the deadline gets the
   chance to turn into words, up to the hard cap).

Noise floor: it follows quiet frames down quickly (tau 0.1 s), rises slowly
through non-speech frames (tau 1 s) and very slowly through speech frames
(tau 8 s).  So a fan that starts mid-turn stops counting as speech after a
few seconds, while the pauses between syllables keep the floor low during a
long sentence.  A frame is speech when it is ``margin_db`` above the floor
and above an absolute minimum (digital hiss must never count).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from speech.pcm import SAMPLE_WIDTH, clipped_fraction, rms

__all__ = [
    "EndpointConfig",
    "EndpointReason",
    "Endpointer",
    "is_speech_frame",
    "speech_threshold",
    "update_noise_floor",
]


class EndpointReason(enum.Enum):
    END_OF_SPEECH = "end_of_speech"
    MAX_LENGTH = "max_length"
    NOTHING_HEARD = "nothing_heard"


@dataclass(frozen=True)
class EndpointConfig:
    silence_s: float = 0.7
    max_utterance_s: float = 10.0
    no_speech_s: float = 5.0
    frame_s: float = 0.02
    margin_db: float = 10.0
    min_level: float = 100.0  # about -50 dBFS
    min_floor: float = 10.0
    min_speech_s: float = 0.15
    text_lag_s: float = 0.3  # how late the recognizer's partial text trails the audio
    floor_down_tau_s: float = 0.1
    floor_up_tau_s: float = 1.0
    floor_up_speech_tau_s: float = 8.0
    clip_threshold: int = 32000


def speech_threshold(floor: float, config: EndpointConfig) -> float:
    """The RMS a frame must exceed to count as speech over noise ``floor``."""
    return max(config.min_level, floor * 10 ** (config.margin_db / 20))


def is_speech_frame(level: float, floor: float, config: EndpointConfig) -> bool:
    return level > speech_threshold(floor, config)


def update_noise_floor(
    floor: float | None, level: float, speech: bool, config: EndpointConfig
) -> float:
    """Next noise-floor estimate after a frame of RMS ``level``.

    ``None`` means no estimate yet: the first frame is taken as the floor
    (the resident has not started talking in the first 20 ms after the prompt).
    """
    if floor is None:
        return max(config.min_floor, level)
    if level < floor:
        tau = config.floor_down_tau_s
    elif speech:
        tau = config.floor_up_speech_tau_s
    else:
        tau = config.floor_up_tau_s
    alpha = 1.0 - math.exp(-config.frame_s / tau)
    return max(config.min_floor, floor + (level - floor) * alpha)


class Endpointer:
    """State machine over 20 ms frames; feed audio and the recognizer's partial text.

    Not thread-safe: owned by the thread that feeds the recognizer.
    """

    def __init__(self, config: EndpointConfig | None = None, sample_rate: int = 16000) -> None:
        self.config = config or EndpointConfig()
        self.sample_rate = sample_rate
        self._frame_bytes = max(1, round(self.config.frame_s * sample_rate)) * SAMPLE_WIDTH
        self._pending = b""
        self._frames = 0
        self.noise_floor: float | None = None
        self.speech_s = 0.0  # total duration of loud frames
        self.last_loud_s: float | None = None
        self.last_activity_s: float | None = None
        self.heard_words = False
        self.clipped_frames = 0
        self.decision: EndpointReason | None = None
        self._last_text = ""

    @property
    def elapsed_s(self) -> float:
        return self._frames * self._frame_bytes / SAMPLE_WIDTH / self.sample_rate

    @property
    def speech_started(self) -> bool:
        return self.heard_words and self.speech_s >= self.config.min_speech_s

    @property
    def clipping(self) -> bool:
        """More than 2 % of the frames so far clipped: ask the resident to step back."""
        return self._frames > 0 and self.clipped_frames / self._frames > 0.02

    def feed(self, pcm: bytes, partial_text: str = "") -> EndpointReason | None:
        """Account for ``pcm`` (PCM16 mono) heard while the partial text was ``partial_text``.

        Returns the decision once one is reached, and the same decision on every
        later call.
        """
        if self.decision is not None:
            return self.decision
        text = partial_text.strip()
        if text != self._last_text:
            self._last_text = text
            if text:
                self.heard_words = True
                spoken_at = max(0.0, self.elapsed_s - self.config.text_lag_s)
                self.last_activity_s = max(self.last_activity_s or 0.0, spoken_at)
        data = self._pending + pcm
        usable = len(data) - len(data) % self._frame_bytes
        self._pending = data[usable:]
        for start in range(0, usable, self._frame_bytes):
            self._frame(data[start : start + self._frame_bytes])
            self.decision = self._decide()
            if self.decision is not None:
                break
        return self.decision

    def _frame(self, frame: bytes) -> None:
        cfg = self.config
        level = rms(frame)
        loud = self.noise_floor is not None and is_speech_frame(level, self.noise_floor, cfg)
        self.noise_floor = update_noise_floor(self.noise_floor, level, loud, cfg)
        if clipped_fraction(frame, cfg.clip_threshold) > 0.01:
            self.clipped_frames += 1
        self._frames += 1
        if loud:
            self.speech_s += cfg.frame_s
            self.last_loud_s = self.elapsed_s
            self.last_activity_s = self.elapsed_s

    def _decide(self) -> EndpointReason | None:
        cfg = self.config
        now = self.elapsed_s
        eps = 1e-9
        if now >= cfg.max_utterance_s - eps:
            return (
                EndpointReason.MAX_LENGTH if self.speech_started else EndpointReason.NOTHING_HEARD
            )
        if self.speech_started:
            since = now - (self.last_activity_s or 0.0)
            if since >= cfg.silence_s - eps:
                return EndpointReason.END_OF_SPEECH
            return None
        if now >= cfg.no_speech_s - eps:
            quiet_for = now - self.last_loud_s if self.last_loud_s is not None else now
            if quiet_for >= cfg.silence_s - eps:
                return EndpointReason.NOTHING_HEARD
        return None

    def finish(self) -> EndpointReason:
        """The audio ended (a file ran out, the microphone was closed): decide now."""
        if self.decision is None:
            self.decision = (
                EndpointReason.END_OF_SPEECH if self.speech_started else EndpointReason.NOTHING_HEARD
            )
        return self.decision
