"""Exceptions of the speech layer.

The UI needs to tell three things apart: speech cannot work at all on this
device right now (:class:`SpeechUnavailable`: hide the microphone button, show
the reason on the technician screen), an audio file is unusable
(:class:`AudioFormatError`), and a listen was cancelled on purpose
(:class:`RecognitionCancelled`, which is not a failure).
"""

from __future__ import annotations


class SpeechUnavailable(RuntimeError):
    """Voice input or output cannot work; ``reason`` says why in one line.

    The reason is written for the technician ("no microphone: arecord: audio
    open error: No such file or directory"), never shown to residents as is.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AudioFormatError(ValueError):
    """A WAV file is missing, truncated or in an encoding we cannot read."""


class RecognitionCancelled(Exception):
    """The stream was cancelled; raised by a recognizer fed after ``cancel()``."""
