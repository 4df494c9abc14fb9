"""The kiosk window: a stack of screens, the session, the inactivity reset, the lock.

Navigation lives here; each screen only emits signals.  Every call into
:class:`kiosk.services.KioskServices` that searches or touches the disk runs on the
:class:`ui.tasks.TaskRunner`, never on the GUI thread.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from kiosk.logsetup import RING_BUFFER, get_logger
from kiosk.pinyin_input import PinyinComposer
from kiosk.services import KioskServices
from kiosk.session import Session
from kiosk.technician import PinGate
from kiosk.texts import Texts
from kiosk.voice import VoiceEngines
from offline_cache.kb_schema import Entry
from offline_cache.kb_store import StoredArticle
from offline_cache.search.engine import QueryRejected, SearchResponse
from speech import CommandMatch, Intent
from ui.screens.answer import AnswerScreen
from ui.screens.ask import AskScreen
from ui.screens.browse import StatuteScreen, TopicsScreen
from ui.screens.home import HomeScreen
from ui.screens.idle import IdleScreen
from ui.screens.simple import (
    CallbackScreen,
    HumanScreen,
    OutOfServiceScreen,
    RateScreen,
    StillThereScreen,
)
from ui.screens.takeaway import TakeAwayScreen
from ui.screens.technician import PinScreen, TechnicianScreen
from ui.style import ELDERLY, NORMAL, stylesheet
from ui.tasks import TaskRunner
from ui.voice import Turn, VoiceController

log = get_logger("ui")

_ACTIVITY_EVENTS = {QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
                    QEvent.Type.Wheel}
HOT_QUESTION_IDS = ("labour.unpaid-wages", "marriage.divorce-by-agreement",
                    "land.rural-expropriation-compensation", "inheritance.elder-support",
                    "injury.recognition", "services.legal-aid-eligibility")
# Hidden technician entry: this many taps in the top-left corner within the window.
CORNER_PX = 90
CORNER_TAPS = 5
CORNER_WINDOW_S = 3.0


class MainWindow(QMainWindow):
    session_reset = Signal(str)   # reason
    answer_shown = Signal(str)    # entry id
    event_recorded = Signal(str)  # event type
    results_shown = Signal()      # suggestions or final results are on screen

    def __init__(
        self,
        texts: Texts,
        services: KioskServices | None,
        unavailable_reason: str = "",
        idle_timeout_s: int = 60,
        countdown_s: int = 15,
        kiosk_mode: bool = True,
        pin_hash: str = "",
        voice_engines: VoiceEngines | None = None,
        robot: bool = False,
    ) -> None:
        super().__init__()
        self.texts = texts
        self.services = services
        self.unavailable_reason = unavailable_reason
        self.kiosk_mode = kiosk_mode
        self.technician_exit_allowed = False
        self.session = Session()
        self.tasks = TaskRunner(parent=self)
        self.setWindowTitle(texts["app.title"])
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self._apply_theme(elderly=False)
        self._corner_taps: list[float] = []
        self.robot = robot
        self.voice: VoiceController | None = None
        self._voice_choices: list[str] = []
        self._voice_pending_search = False
        self._awaiting_confirmation = False
        self._last_spoken = ""
        self.voice_prompt = ""  # the last thing the kiosk said, shown for tests and staff
        self.pin_gate = PinGate(pin_hash)

        self.out_of_service = OutOfServiceScreen(texts)
        self.pin = PinScreen(texts, self.pin_gate)
        self.technician = TechnicianScreen(texts)
        self._frames: dict[QWidget, QScrollArea] = {}
        for fixed in (self.out_of_service, self.pin, self.technician):
            self._add_screen(fixed)
        self.pin.accepted.connect(self.show_technician)
        self.pin.cancelled.connect(self._leave_technician)
        self.technician.back_requested.connect(self._leave_technician)
        self.technician.exit_requested.connect(self.technician_exit)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if services is None:
            self.go(self.out_of_service)
            return

        kb = services.kb
        hot = [(i, e.title) for i in HOT_QUESTION_IDS if (e := kb.entry(i)) is not None]
        self.idle = IdleScreen(texts, kb.tips(), robot=robot)
        self.home = HomeScreen(texts)
        self.ask = AskScreen(texts, hot, PinyinComposer(kb.words_for_pinyin))
        self.answer = AnswerScreen(texts, kb)
        self.topics = TopicsScreen(texts, kb)
        self.statutes = StatuteScreen(texts, kb, PinyinComposer(kb.words_for_pinyin, max_chars=60))
        self.human = HumanScreen(texts)
        self.callback = CallbackScreen(texts)
        self.rate = RateScreen(texts)
        self.still_there = StillThereScreen(texts)
        self.takeaway = TakeAwayScreen(texts)
        for screen in (self.idle, self.home, self.ask, self.answer, self.topics, self.statutes,
                       self.human, self.callback, self.rate, self.still_there, self.takeaway):
            self._add_screen(screen)
        self._wire()

        self._idle_timeout_ms = idle_timeout_s * 1000
        self._countdown_s = countdown_s
        self._remaining = countdown_s
        self._back_from_prompt: QWidget | None = None
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._ask_still_there)
        self.countdown_timer = QTimer(self)
        self.countdown_timer.setInterval(1000)
        self.countdown_timer.timeout.connect(self._tick_countdown)
        self.go(self.idle)
        if voice_engines is not None:
            self.voice = VoiceController(voice_engines, self.tasks, self)
            self._wire_voice(self.voice)
            self.voice.start()
        else:
            self._voice_available(False, "voice not configured")

    def _add_screen(self, screen: QWidget) -> None:
        """Put a screen in the stack inside a frame that scrolls only if the display is
        too small for it (the robot's 1280×800 head in elderly mode), so that no page
        can make the window larger than the display."""
        frame = QScrollArea()
        frame.setWidgetResizable(True)
        frame.setFrameShape(QFrame.Shape.NoFrame)
        frame.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frame.setWidget(screen)
        self._frames[screen] = frame
        self.stack.addWidget(frame)

    # --- wiring ------------------------------------------------------------------
    def _wire(self) -> None:
        self.idle.touched.connect(self.start_session)
        self.home.chosen.connect(self._open_tile)
        self.home.elderly_toggled.connect(self.toggle_elderly)
        self.home.end_requested.connect(self.finish)
        self.ask.search_requested.connect(self.search)
        self.ask.suggest_requested.connect(self.suggest)
        self.ask.entry_chosen.connect(self.open_entry)
        self.ask.human_requested.connect(lambda: self.go(self.human))
        self.ask.topics_requested.connect(lambda: self.go(self.topics))
        self.ask.back_requested.connect(lambda: self.go(self.home))
        self.topics.entry_chosen.connect(self.open_entry)
        self.topics.back_requested.connect(lambda: self.go(self.ask))
        self.statutes.lookup_requested.connect(self.lookup_statutes)
        self.statutes.back_requested.connect(lambda: self.go(self.home))
        self.answer.back_requested.connect(lambda: self.go(self.ask))
        self.answer.human_requested.connect(lambda: self.go(self.human))
        self.answer.print_requested.connect(self.take_away)
        self.takeaway.back_requested.connect(lambda: self.go(self.answer))
        self.human.route_chosen.connect(self.request_human)
        self.human.back_requested.connect(lambda: self.go(self.home))
        self.callback.submitted.connect(self.request_callback)
        self.callback.back_requested.connect(lambda: self.go(self.human))
        self.rate.rated.connect(self.submit_rating)
        self.rate.skipped.connect(lambda: self.reset_session("end_button"))
        self.still_there.still_here.connect(self._resume)

    def _wire_voice(self, voice: VoiceController) -> None:
        voice.available.connect(self._voice_available)
        voice.partial.connect(self._voice_partial)
        voice.question.connect(self._voice_question)
        voice.matched.connect(self._voice_matched)
        voice.nothing_heard.connect(self._voice_nothing_heard)
        voice.speaking.connect(self._voice_speaking)
        self.ask.voice_requested.connect(self.start_voice_question)
        self.answer.read_aloud_requested.connect(self.speak)

    def go(self, screen: QWidget) -> None:
        if screen is getattr(self, "human", None):
            self.human.reset()
        if screen is getattr(self, "callback", None):
            self.callback.reset()
        self.stack.setCurrentWidget(self._frames[screen])

    def current(self) -> QWidget | None:
        frame = self.stack.currentWidget()
        return frame.widget() if isinstance(frame, QScrollArea) else frame

    # --- session -----------------------------------------------------------------
    def start_session(self) -> None:
        self.session = Session()
        self.go(self.home)
        self.idle_timer.start(self._idle_timeout_ms)

    def _open_tile(self, target: str) -> None:
        if target == "ask":
            self.go(self.ask)
        elif target == "statutes":
            self.go(self.statutes)
        elif target == "human":
            self.go(self.human)
        elif target == "voice":
            self.start_voice_question()
        elif target.startswith("entry:"):
            self.open_entry(target.removeprefix("entry:"))
        else:
            log.info("tile %s is not available on this device", target)

    def toggle_elderly(self) -> None:
        self.session.elderly_mode = not self.session.elderly_mode
        self._apply_theme(self.session.elderly_mode)
        key = "home.elderly_off" if self.session.elderly_mode else "home.elderly_on"
        self.home.elderly.setText(self.texts[key])

    def _apply_theme(self, elderly: bool) -> None:
        self.setStyleSheet(stylesheet(ELDERLY if elderly else NORMAL))

    # --- asking ------------------------------------------------------------------
    def search(self, question: str, source: str = "touch") -> None:
        services, session = self.services, self.session
        assert services is not None
        self.tasks.run("search", lambda: services.ask(session, question, source=source),
                       self._show_response, self._search_failed)

    def suggest(self, partial_question: str) -> None:
        services = self.services
        assert services is not None
        self.tasks.run("search", lambda: services.suggest(partial_question),
                       lambda r: self._show_response(r, final=False), lambda _e: None)

    def _show_response(self, response: SearchResponse, final: bool = True) -> None:
        self.ask.show_response(response, final)
        if final:
            self.event_recorded.emit("question_asked")
            if self._voice_pending_search:
                self._confirm_by_voice(response)
        self.results_shown.emit()

    def _search_failed(self, error: BaseException) -> None:
        if isinstance(error, QueryRejected):
            self.ask.show_message("ask.too_long" if error.code == "too_long" else "ask.empty")
        else:
            log.error("search failed: %s", type(error).__name__)
            self.ask.show_message("ask.no_results")

    def lookup_statutes(self, query: str) -> None:
        services = self.services
        assert services is not None
        self.tasks.run("statutes", lambda: services.lookup_statutes(query),
                       self._show_articles, lambda e: self._show_articles([]))

    def _show_articles(self, articles: list[StoredArticle]) -> None:
        self.statutes.show_articles(articles)
        self.results_shown.emit()

    def open_entry(self, entry_id: str) -> None:
        assert self.services is not None
        entry = self.services.open_entry(self.session, entry_id)
        if entry is None:
            log.warning("entry %s not in this KB", entry_id)
            return
        self._show_entry(entry)

    def _show_entry(self, entry: Entry) -> None:
        self.answer.show_entry(entry)
        self.go(self.answer)
        self.answer_shown.emit(entry.id)

    def take_away(self, entry_id: str) -> None:
        """Print the slip in the background; the QR code shows on screen either way."""
        services, session = self.services, self.session
        assert services is not None
        self.takeaway.show_working()
        self.go(self.takeaway)
        self.tasks.run("print", lambda: services.take_away(session, entry_id),
                       self._took_away, lambda e: self._record_failed(e, self.takeaway.status))

    def _took_away(self, take: Any) -> None:
        self.takeaway.show_takeaway(take)
        self.event_recorded.emit("handoff")

    # --- voice -------------------------------------------------------------------
    def start_voice_question(self) -> None:
        """The microphone button (booth) or the wake phrase (robot): listen for a question."""
        if self.voice is None or not self.voice.ready:
            self.ask.show_message("voice.unavailable")
            return
        if self.current() in (self.idle, None):
            self.start_session()
        self.ask.reset()
        self.go(self.ask)
        self.ask.show_message("voice.listening")
        self.voice.listen(Turn.QUESTION)

    def _voice_available(self, ok: bool, reason: str) -> None:
        if self.services is None:
            return
        for btn in (self.home.voice, self.ask.voice):
            btn.setEnabled(ok)
            btn.setText(self.texts["home.voice" if btn is self.home.voice else "voice.speak"]
                        if ok else self.texts["voice.unavailable"])
        if ok and self.voice is not None and self.services is not None:
            # Frequent answers and prompts are synthesized ahead, so they start at once.
            kb, engines = self.services.kb, self.voice.engines
            texts = [e.short_answer for i in HOT_QUESTION_IDS if (e := kb.entry(i)) is not None]
            texts += [self.texts[k] for k in ("voice.not_this", "voice.nothing_heard", "ask.no_results")]
            self.tasks.run("voice-prewarm", lambda: engines.prewarm(texts), lambda _n: None,
                           lambda e: log.warning("prewarming speech failed: %s", e))
        if ok and self.robot:
            self._listen_for_wake()

    def _voice_partial(self, text: str) -> None:
        if self.current() is self.ask and not self._awaiting_confirmation:
            self.ask.input.setText(text)

    def _voice_question(self, text: str) -> None:
        self.ask.set_question(text)
        self._voice_pending_search = True
        self.search(text, source="voice")

    def _confirm_by_voice(self, response: SearchResponse) -> None:
        """Read the closest question back and listen for 是 / 不是 / 第N个."""
        self._voice_pending_search = False
        self._voice_choices = [r.entry_id for r in response.results[:3]]
        if not self._voice_choices:
            self.speak(self.texts["ask.no_results"])
            return
        self._awaiting_confirmation = True
        self.speak(self.texts.format("voice.did_you_mean", title=response.results[0].title))

    def _voice_speaking(self, speaking: bool) -> None:
        if self.voice is None:
            return
        if speaking:
            if self.robot:  # the wake phrase or 停 interrupts the robot while it talks
                self.voice.listen(Turn.WAKE, keep_speaking=True)
            return
        if self._awaiting_confirmation:
            self.voice.listen(Turn.CONFIRM, choices=len(self._voice_choices))
        elif self.robot:
            self._listen_for_wake()

    def _voice_matched(self, match: CommandMatch | None) -> None:
        confirming, self._awaiting_confirmation = self._awaiting_confirmation, False
        if match is None:
            if confirming:
                self.speak(self.texts["voice.not_this"])
            elif self.robot:
                self._listen_for_wake()
            return
        intent = match.intent
        if confirming and intent in (Intent.YES, Intent.CHOICE):
            index = (match.index or 0) if intent is Intent.CHOICE else 0
            if index < len(self._voice_choices):
                self.open_entry(self._voice_choices[index])
                if self.answer.entry is not None:
                    self.speak(self.answer.entry.short_answer)
            return
        if intent is Intent.NO:
            self.speak(self.texts["voice.not_this"])
        elif intent is Intent.WAKE:
            self.start_voice_question()  # stops any speech first (barge-in)
        elif intent is Intent.BACK:
            self.go(self.ask if self.current() is self.answer else self.home)
        elif intent is Intent.REPEAT and self._last_spoken:
            self.speak(self._last_spoken)
        elif intent is Intent.PRINT and self.answer.entry is not None:
            self.take_away(self.answer.entry.id)
        elif intent is Intent.HUMAN:
            self.go(self.human)
        elif intent is Intent.STOP and self.voice is not None:
            self.voice.stop_speaking()
        if self.robot and intent is not Intent.WAKE:
            self._listen_for_wake()

    def _voice_nothing_heard(self) -> None:
        self._awaiting_confirmation = False
        if self.current() is self.ask:
            self.ask.show_message("voice.nothing_heard")
        if self.robot:
            self._listen_for_wake()

    def _listen_for_wake(self) -> None:
        if self.voice is not None and self.voice.ready:
            self.voice.listen(Turn.WAKE)

    def speak(self, text: str) -> None:
        if self.voice is not None and self.voice.ready:
            self._last_spoken = self.voice_prompt = text
            self.voice.speak(text, elderly=self.session.elderly_mode)

    # --- people and events -------------------------------------------------------
    def request_human(self, route: str) -> None:
        if route == "callback":
            self.go(self.callback)
            return
        services, session = self.services, self.session
        assert services is not None
        self.tasks.run("outbox", lambda: services.request_human(session, route),
                       lambda _e: self._confirm(self.human.confirmation, "human.recorded",
                                                "human_help_requested"),
                       lambda e: self._record_failed(e, self.human.confirmation))

    def request_callback(self, phone: str) -> None:
        services, session = self.services, self.session
        assert services is not None
        self.tasks.run("outbox", lambda: services.request_callback(session, phone, consent=True),
                       lambda _e: self._callback_recorded(),
                       lambda e: self._record_failed(e, self.callback.message))

    def _callback_recorded(self) -> None:
        self.callback.reset()
        self.go(self.human)
        self._confirm(self.human.confirmation, "callback.recorded", "callback_request")

    def _confirm(self, label: Any, key: str, event_type: str) -> None:
        label.setText(self.texts[key])
        self.event_recorded.emit(event_type)

    def _record_failed(self, error: BaseException, label: Any = None) -> None:
        log.error("could not record an event: %s", error)
        if label is not None:
            label.setText(self.texts["errors.not_recorded"])

    def finish(self) -> None:
        """The 结束 button: ask for a rating if there was anything to rate, then reset."""
        if self.session.viewed_entries or self.session.questions:
            self.rate.reset()
            self.go(self.rate)
        else:
            self.reset_session("end_button")

    def submit_rating(self, level: str, reason: str) -> None:
        services, session = self.services, self.session
        assert services is not None

        def done(_event: Any) -> None:
            self.event_recorded.emit("rating")
            self.reset_session("end_button")

        def failed(error: BaseException) -> None:
            self._record_failed(error)
            self.reset_session("end_button")

        self.tasks.run("outbox", lambda: services.rate(session, level, reason), done, failed)

    def reset_session(self, reason: str) -> None:
        """Wipe everything of this visit from the screens and memory; back to idle."""
        if self.services is None:
            return
        self.idle_timer.stop()
        self.countdown_timer.stop()
        self.tasks.cancel("search")
        self.tasks.cancel("statutes")
        self.tasks.cancel("print")
        self._voice_pending_search = self._awaiting_confirmation = False
        if self.voice is not None:
            self.voice.cancel()
            self.voice.stop_speaking()
        old = self.session
        services = self.services
        self.tasks.run("session-end", lambda: services.end_session(old, reason),
                       lambda _e: None, self._record_failed)
        self.session = Session()
        self.ask.reset()
        self.answer.clear()
        self.topics.show_topics()
        self.statutes.reset()
        self.human.reset()
        self.callback.reset()
        self.rate.reset()
        self.takeaway.clear()
        self._apply_theme(elderly=False)
        self.home.elderly.setText(self.texts["home.elderly_on"])
        self.go(self.idle)
        self.session_reset.emit(reason)
        if self.robot:
            self._listen_for_wake()

    # --- inactivity and the hidden corner ----------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Called for every event of the application: keep the common path short.
        kind = event.type()
        if kind not in _ACTIVITY_EVENTS:
            return False
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if watched is self.windowHandle():
                self._count_corner_tap(event.position().toPoint())
            if self.voice is not None and self._is_mine(watched):
                self._awaiting_confirmation = False  # barge-in: any touch silences the kiosk
                self.voice.stop_speaking()
        if self.services is not None and self.current() not in (
                self.idle, self.still_there, self.pin, self.technician):
            self.idle_timer.start(self._idle_timeout_ms)
        return False

    def _is_mine(self, watched: QObject) -> bool:
        return watched is self.windowHandle() or (
            isinstance(watched, QWidget) and watched.window() is self)

    def _count_corner_tap(self, pos: QPoint) -> None:
        if pos.x() > CORNER_PX or pos.y() > CORNER_PX:
            self._corner_taps.clear()
            return
        now = time.monotonic()
        self._corner_taps = [t for t in self._corner_taps if now - t < CORNER_WINDOW_S] + [now]
        if len(self._corner_taps) >= CORNER_TAPS and self.pin_gate.enabled:
            self._corner_taps.clear()
            self.pin.clear()
            self.go(self.pin)

    def _ask_still_there(self) -> None:
        if self.current() is self.idle:
            return
        self._back_from_prompt = self.current()
        self._remaining = self._countdown_s
        self.still_there.show_seconds(self._remaining)
        self.go(self.still_there)
        self.countdown_timer.start()

    def _tick_countdown(self) -> None:
        self._remaining -= 1
        if self._remaining <= 0:
            self.reset_session("idle_timeout")
        else:
            self.still_there.show_seconds(self._remaining)

    def _resume(self) -> None:
        self.countdown_timer.stop()
        self.go(self._back_from_prompt or self.home)
        self.idle_timer.start(self._idle_timeout_ms)

    # --- technician --------------------------------------------------------------
    def show_technician(self) -> None:
        status = self.services.status() if self.services else []
        if self.unavailable_reason:
            status.insert(0, ("OUT OF SERVICE", self.unavailable_reason))
        voice = self.voice
        status.append(("voice", "ready" if voice and voice.ready else
                       f"unavailable: {voice.reason if voice else 'not configured'}"))
        self.technician.show_status(status, RING_BUFFER.lines())
        self.go(self.technician)

    def _leave_technician(self) -> None:
        if self.services is None:
            self.go(self.out_of_service)
        else:
            self.reset_session("technician")

    def technician_exit(self) -> None:
        log.warning("technician exit")
        self.technician_exit_allowed = True
        self.close()

    # --- kiosk lock --------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.kiosk_mode and not self.technician_exit_allowed:
            event.ignore()
            return
        if self.voice is not None:
            self.voice.shutdown()
        self.tasks.shutdown()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Technician exit on a service keyboard: Ctrl+Alt+Shift+Q (docs/operations.md).
        mods = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                | Qt.KeyboardModifier.ShiftModifier)
        if event.key() == Qt.Key.Key_Q and (event.modifiers() & mods) == mods:
            self.technician_exit()
            return
        super().keyPressEvent(event)
