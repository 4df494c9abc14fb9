"""Voice in the UI: push-to-talk at the booth, the wake phrase on the robot, read-aloud.

Every engine call runs off the GUI thread (model load and synthesis on the
TaskRunner, listening on the speech session's own thread); results arrive here as
signals.  Barge-in: :meth:`VoiceController.stop_speaking` is called on any touch and
on a wake phrase or "停", and cuts playback within 200 ms.
"""

from __future__ import annotations

import threading
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.logsetup import get_logger
from kiosk.voice import VoiceEngines
from speech import CommandMatch, ListenSession, SpeechUnavailable
from speech.playback import PlaybackResult
from ui.tasks import TaskRunner

log = get_logger("ui.voice")


class Turn(Enum):
    QUESTION = "question"          # free speech: a legal question
    CONFIRM = "confirm"            # 是 / 不是 / 第N个
    WAKE = "wake"                  # robot: wake phrase or a short command


class VoiceController(QObject):
    available = Signal(bool, str)        # usable?, reason for the technician when not
    listening = Signal(bool)
    partial = Signal(str)
    question = Signal(str)               # final text of a QUESTION turn
    matched = Signal(object)             # CommandMatch of a CONFIRM or WAKE turn (or None)
    nothing_heard = Signal()
    speaking = Signal(bool)
    # From the listening threads, tagged with the turn's generation so that the
    # outcome of a cancelled turn is dropped.
    _partial = Signal(int, str)
    _final = Signal(int, str, str)       # generation, turn, text
    _timeout = Signal(int, str)
    _error = Signal(int, str)
    _played = Signal(object)

    def __init__(self, engines: VoiceEngines, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engines = engines
        self.tasks = tasks
        self.ready = False
        self.reason = "loading the speech model"
        self._session: ListenSession | None = None
        self._generation = 0
        self._lock = threading.Lock()
        self._turn = Turn.QUESTION
        self._choices = 3
        self._partial.connect(self._on_partial)
        self._final.connect(self._on_final)
        self._timeout.connect(self._on_timeout)
        self._error.connect(self._on_error)
        self._played.connect(lambda _r: self._set_speaking(False))
        self._speaking = False

    def start(self) -> None:
        """Load the model in the background; :attr:`available` says how it went."""
        self.tasks.run("voice-load", self.engines.load, self._loaded, self._load_failed)

    def _loaded(self, _model: object) -> None:
        self.ready, self.reason = True, ""
        self.available.emit(True, "")

    def _load_failed(self, error: BaseException) -> None:
        self.ready = False
        self.reason = (error.reason if isinstance(error, SpeechUnavailable)
                       else f"{type(error).__name__}: {error}")
        log.warning("voice unavailable: %s", self.reason)
        self.available.emit(False, self.reason)

    # --- listening ---------------------------------------------------------------
    def listen(self, turn: Turn, choices: int = 3, keep_speaking: bool = False) -> bool:
        """Start a listening turn.  Making a recognizer takes ~0.1 s, so the turn is
        set up on a short-lived thread and the GUI thread returns at once."""
        if not self.ready:
            return False
        self.cancel()
        if not keep_speaking:
            self.stop_speaking()
        with self._lock:
            self._generation += 1
            generation = self._generation
        self._turn, self._choices = turn, choices
        grammar = None
        if turn is Turn.CONFIRM:
            grammar = self.engines.matcher.grammar_phrases(wake=False, commands=True, confirmations=True,
                                                           max_choices=choices)
        elif turn is Turn.WAKE:
            grammar = self.engines.matcher.grammar_phrases(wake=True, commands=True)

        def start() -> None:
            try:
                session = self.engines.listen(
                    grammar,
                    on_partial=lambda text: self._partial.emit(generation, text),
                    on_final=lambda text: self._final.emit(generation, turn.value, text),
                    on_timeout=lambda reason: self._timeout.emit(generation, reason),
                    on_error=lambda exc: self._error.emit(generation, exc.reason),
                )
            except SpeechUnavailable as exc:
                self._error.emit(generation, exc.reason)
                return
            with self._lock:
                current = generation == self._generation
                if current:
                    self._session = session
            if not current:
                session.cancel()

        threading.Thread(target=start, name="qxl-listen-start", daemon=True).start()
        self.listening.emit(True)
        return True

    def cancel(self) -> None:
        """Stop listening; whatever the turn still reports is dropped."""
        with self._lock:
            self._generation += 1
            session, self._session = self._session, None
        if session is not None:
            threading.Thread(target=session.cancel, name="qxl-listen-cancel", daemon=True).start()
            self.listening.emit(False)

    def _current(self, generation: int) -> bool:
        with self._lock:
            if generation != self._generation:
                return False
            self._session = None
        return True

    def _on_partial(self, generation: int, text: str) -> None:
        if generation == self._generation:
            self.partial.emit(text)

    def _on_final(self, generation: int, turn: str, text: str) -> None:
        if not self._current(generation):
            return
        self.listening.emit(False)
        if turn == Turn.QUESTION.value:
            self.question.emit(text)
            return
        matcher = self.engines.matcher
        match: CommandMatch | None = (matcher.match_confirmation(text, self._choices)
                                      or matcher.match_command(text)) if turn == Turn.CONFIRM.value \
            else (matcher.match_wake(text) or matcher.match_command(text))
        self.matched.emit(match)

    def _on_timeout(self, generation: int, _reason: str) -> None:
        if not self._current(generation):
            return
        self.listening.emit(False)
        self.nothing_heard.emit()

    def _on_error(self, generation: int, reason: str) -> None:
        if not self._current(generation):
            return
        self.listening.emit(False)
        self.ready, self.reason = False, reason
        log.warning("voice input failed: %s", reason)
        self.available.emit(False, reason)

    # --- speaking ----------------------------------------------------------------
    def speak(self, text: str, elderly: bool = False) -> None:
        """Synthesize in the background (cached answers start at once), then play."""
        engines = self.engines
        self.tasks.run("speak", lambda: engines.synthesize(text, elderly), self._play,
                       lambda e: log.warning("synthesis failed: %s", e))

    def _play(self, wav: Path) -> None:
        if self.engines.play(wav, on_finished=self._finished_from_thread):
            self._set_speaking(True)

    def _finished_from_thread(self, result: PlaybackResult) -> None:
        self._played.emit(result)

    def stop_speaking(self) -> None:
        """Barge-in: cut playback now (and drop a synthesis still in flight).

        The player is signalled from a short-lived thread: a player that ignores
        SIGTERM is killed after a grace period, and the GUI must not wait for that."""
        self.tasks.cancel("speak")
        if self._speaking:
            threading.Thread(target=self.engines.stop_speaking, name="qxl-barge-in", daemon=True).start()
            self._set_speaking(False)

    def _set_speaking(self, speaking: bool) -> None:
        """Report each change once (a stopped player also reports its end later)."""
        if speaking != self._speaking:
            self._speaking = speaking
            self.speaking.emit(speaking)

    def shutdown(self) -> None:
        self.cancel()
        self.stop_speaking()
