"""One listening turn: audio source → recognizer → endpointing, on a background thread.

:func:`listen` is the turn as a plain generator of events (easy to test and to
drive from any kind of thread); :class:`ListenSession` runs it on a daemon
thread and delivers callbacks:

* ``on_partial(text)`` whenever the partial text changes,
* ``on_final(text)`` once when the resident has finished (end of speech, the
  10 s cap, or the end of the audio), with :attr:`ListenSession.outcome`
  holding the full :class:`~speech.recognizer.RecognitionResult`,
* ``on_timeout(reason)`` once when nothing was heard (``"nothing_heard"``),
* ``on_error(exc)`` once when the microphone fails (:class:`SpeechUnavailable`).

Callbacks run on the session thread; the Qt wrapper turns them into signals.
:meth:`ListenSession.cancel` closes the source (which unblocks a microphone
read), cancels the recognizer and waits up to 200 ms for the thread; no
callback is delivered after ``cancel`` returns, even if the thread is still
inside a vosk call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from speech.audio_source import AudioSource
from speech.endpointing import EndpointConfig, Endpointer, EndpointReason
from speech.errors import RecognitionCancelled, SpeechUnavailable
from speech.recognizer import RecognitionResult, StreamingRecognizer

__all__ = ["ListenEvent", "ListenOutcome", "ListenSession", "listen"]

log = logging.getLogger("qxl.speech")


@dataclass(frozen=True)
class ListenEvent:
    kind: Literal["partial", "final", "timeout"]
    text: str = ""
    reason: EndpointReason | None = None
    result: RecognitionResult | None = None
    audio_s: float = 0.0  # audio consumed when the event was produced
    finalize_s: float | None = None  # final only: endpoint decision → final result, wall clock
    clipping: bool = False  # the microphone clipped: ask the resident to step back


@dataclass(frozen=True)
class ListenOutcome:
    """How a session ended."""

    kind: Literal["final", "timeout", "error", "cancelled"]
    text: str = ""
    reason: str = ""
    result: RecognitionResult | None = None
    audio_s: float = 0.0
    finalize_s: float | None = None  # endpoint decision → final result, wall clock
    clipping: bool = False
    error: SpeechUnavailable | None = None


def listen(
    source: AudioSource,
    recognizer: StreamingRecognizer,
    config: EndpointConfig | None = None,
) -> Iterator[ListenEvent]:
    """Run one turn; yields partial events, then one final or timeout event.

    Stops early, without a last event, if the recognizer is cancelled.  A
    failing microphone raises :class:`SpeechUnavailable` from the iteration.
    Only the audio needed for the decision is read from ``source``.
    """
    endpointer = Endpointer(config, recognizer.sample_rate)
    last = ""
    reason: EndpointReason | None = None
    try:
        for chunk in source.chunks():
            text = recognizer.accept(chunk)
            if text != last:
                last = text
                yield ListenEvent("partial", text, audio_s=endpointer.elapsed_s)
            reason = endpointer.feed(chunk, recognizer.raw_partial)
            if reason is not None:
                break
        else:
            reason = endpointer.finish()
    except RecognitionCancelled:
        return
    finally:
        source.close()
    if recognizer.cancelled:
        return
    if reason is EndpointReason.NOTHING_HEARD:
        yield ListenEvent("timeout", reason=reason, audio_s=endpointer.elapsed_s)
        return
    decided = time.monotonic()
    try:
        result = recognizer.finish()
    except RecognitionCancelled:
        return
    finalize_s = time.monotonic() - decided
    if not result.heard_anything and not result.text:
        yield ListenEvent("timeout", reason=EndpointReason.NOTHING_HEARD,
                          audio_s=endpointer.elapsed_s)
        return
    yield ListenEvent("final", result.text, reason=reason, result=result,
                      audio_s=endpointer.elapsed_s, finalize_s=finalize_s,
                      clipping=endpointer.clipping)


class ListenSession:
    """:func:`listen` on a background thread with callbacks, cancellable within 200 ms."""

    def __init__(
        self,
        source: AudioSource,
        recognizer: StreamingRecognizer,
        *,
        config: EndpointConfig | None = None,
        on_partial: Callable[[str], None] | None = None,
        on_final: Callable[[str], None] | None = None,
        on_timeout: Callable[[str], None] | None = None,
        on_error: Callable[[SpeechUnavailable], None] | None = None,
    ) -> None:
        self.source = source
        self.recognizer = recognizer
        self.config = config
        self.on_partial = on_partial
        self.on_final = on_final
        self.on_timeout = on_timeout
        self.on_error = on_error
        self._deliver_lock = threading.RLock()  # re-entrant: cancel() from a callback
        self._cancelled = False
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self.outcome: ListenOutcome | None = None

    def start(self) -> ListenSession:
        if self._thread is not None:
            raise RuntimeError("a ListenSession runs once")
        self._thread = threading.Thread(target=self._run, name="qxl-listen", daemon=True)
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _deliver(self, callback: Callable[..., None] | None, *args: object) -> bool:
        with self._deliver_lock:
            if self._cancelled:
                return False
            if callback is not None:
                try:
                    callback(*args)
                except Exception:
                    log.exception("speech callback raised")
            return True

    def _finish(self, outcome: ListenOutcome) -> None:
        with self._deliver_lock:
            if self.outcome is None:
                self.outcome = outcome

    def _run(self) -> None:
        try:
            for event in listen(self.source, self.recognizer, self.config):
                if event.kind == "partial":
                    self._deliver(self.on_partial, event.text)
                elif event.kind == "timeout":
                    reason = event.reason.value if event.reason else "nothing_heard"
                    self._finish(ListenOutcome("timeout", reason=reason, audio_s=event.audio_s))
                    self._deliver(self.on_timeout, reason)
                else:
                    self._finish(ListenOutcome(
                        "final", event.text, event.reason.value if event.reason else "",
                        event.result, event.audio_s, event.finalize_s, event.clipping))
                    self._deliver(self.on_final, event.text)
            self._finish(ListenOutcome("cancelled", reason="cancelled"))
        except SpeechUnavailable as exc:
            self._finish(ListenOutcome("error", reason=exc.reason, error=exc))
            self._deliver(self.on_error, exc)
        except Exception as exc:
            log.exception("listen session failed")
            error = SpeechUnavailable(f"speech recognition failed: {exc}")
            self._finish(ListenOutcome("error", reason=error.reason, error=error))
            self._deliver(self.on_error, error)
        finally:
            self._done.set()

    def cancel(self, timeout_s: float = 0.2) -> bool:
        """Stop listening; True if the worker thread ended within ``timeout_s``.

        After this returns no callback runs, whatever the thread is doing.
        """
        with self._deliver_lock:
            self._cancelled = True
            if self.outcome is None:
                self.outcome = ListenOutcome("cancelled", reason="cancelled")
        self.recognizer.cancel()
        self.source.close()
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout_s)
        return not thread.is_alive()

    def wait(self, timeout_s: float | None = None) -> ListenOutcome | None:
        """Block until the session ends; its outcome, or None on time-out."""
        if not self._done.wait(timeout_s):
            return None
        return self.outcome
