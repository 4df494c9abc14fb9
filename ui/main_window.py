"""The kiosk window: a stack of screens, the session, and the inactivity reset.

Navigation lives here; each screen only emits signals.  All calls into
:class:`kiosk.services.KioskServices` that touch the disk or search run on the
:class:`ui.tasks.TaskRunner`, never on the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from kiosk.logsetup import get_logger
from kiosk.services import KioskServices
from kiosk.session import Session
from kiosk.texts import Texts
from offline_cache.kb_schema import Entry
from offline_cache.search.engine import QueryRejected, SearchResponse
from ui.screens.answer import AnswerScreen
from ui.screens.ask import AskScreen
from ui.screens.home import HomeScreen
from ui.screens.idle import IdleScreen
from ui.screens.simple import HumanScreen, OutOfServiceScreen, RateScreen, StillThereScreen
from ui.style import ELDERLY, NORMAL, stylesheet
from ui.tasks import TaskRunner

log = get_logger("ui")

_ACTIVITY_EVENTS = {QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
                    QEvent.Type.Wheel}
HOT_QUESTION_IDS = ("labour.unpaid-wages", "marriage.divorce-by-agreement",
                    "land.rural-expropriation-compensation", "inheritance.elder-support",
                    "injury.recognition", "services.legal-aid-eligibility")


class MainWindow(QMainWindow):
    session_reset = Signal(str)  # reason
    answer_shown = Signal(str)   # entry id
    event_recorded = Signal(str)  # event type

    def __init__(
        self,
        texts: Texts,
        services: KioskServices | None,
        unavailable_reason: str = "",
        idle_timeout_s: int = 60,
        countdown_s: int = 15,
        kiosk_mode: bool = True,
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

        self.out_of_service = OutOfServiceScreen(texts)
        self.stack.addWidget(self.out_of_service)
        if services is None:
            self.stack.setCurrentWidget(self.out_of_service)
            return
        kb = services.kb
        hot = [(i, e.title) for i in HOT_QUESTION_IDS if (e := kb.entry(i)) is not None]
        self.idle = IdleScreen(texts, kb.tips())
        self.home = HomeScreen(texts)
        self.ask = AskScreen(texts, hot)
        self.answer = AnswerScreen(texts, kb)
        self.human = HumanScreen(texts)
        self.rate = RateScreen(texts)
        self.still_there = StillThereScreen(texts)
        for screen in (self.idle, self.home, self.ask, self.answer, self.human, self.rate,
                       self.still_there):
            self.stack.addWidget(screen)
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
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.stack.setCurrentWidget(self.idle)

    # --- wiring ------------------------------------------------------------------
    def _wire(self) -> None:
        self.idle.touched.connect(self.start_session)
        self.home.chosen.connect(self._open_tile)
        self.home.elderly_toggled.connect(self.toggle_elderly)
        self.home.end_requested.connect(self.finish)
        self.ask.search_requested.connect(self.search)
        self.ask.entry_chosen.connect(self.open_entry)
        self.ask.human_requested.connect(lambda: self.go(self.human))
        self.ask.back_requested.connect(lambda: self.go(self.home))
        self.answer.back_requested.connect(lambda: self.go(self.ask))
        self.answer.human_requested.connect(lambda: self.go(self.human))
        self.human.route_chosen.connect(self.request_human)
        self.human.back_requested.connect(lambda: self.go(self.home))
        self.rate.rated.connect(self.submit_rating)
        self.rate.skipped.connect(lambda: self.reset_session("end_button"))
        self.still_there.still_here.connect(self._resume)

    def go(self, screen: QWidget) -> None:
        if isinstance(screen, HumanScreen):
            screen.reset()
        self.stack.setCurrentWidget(screen)

    def current(self) -> QWidget | None:
        return self.stack.currentWidget()

    # --- session -----------------------------------------------------------------
    def start_session(self) -> None:
        self.session = Session()
        self.go(self.home)
        self.idle_timer.start(self._idle_timeout_ms)

    def _open_tile(self, target: str) -> None:
        if target == "ask":
            self.go(self.ask)
            self.ask.input.setFocus()
        elif target == "human":
            self.go(self.human)
        elif target.startswith("entry:"):
            self.open_entry(target.removeprefix("entry:"))
        else:
            log.info("tile %s is not available on this device yet", target)

    def toggle_elderly(self) -> None:
        self.session.elderly_mode = not self.session.elderly_mode
        self._apply_theme(self.session.elderly_mode)
        key = "home.elderly_off" if self.session.elderly_mode else "home.elderly_on"
        if self.services is not None:
            self.home.elderly.setText(self.texts[key])

    def _apply_theme(self, elderly: bool) -> None:
        self.setStyleSheet(stylesheet(ELDERLY if elderly else NORMAL))

    def search(self, question: str) -> None:
        services, session = self.services, self.session
        assert services is not None
        self.tasks.run("search", lambda: services.ask(session, question),
                       self._show_response, self._search_failed)

    def _show_response(self, response: SearchResponse) -> None:
        self.ask.show_response(response)
        self.event_recorded.emit("question_asked")

    def _search_failed(self, error: BaseException) -> None:
        if isinstance(error, QueryRejected):
            self.ask.show_message("ask.too_long" if error.code == "too_long" else "ask.empty")
        else:
            log.error("search failed: %s", error)
            self.ask.show_message("ask.no_results")

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

    def request_human(self, route: str) -> None:
        services, session = self.services, self.session
        assert services is not None
        self.tasks.run("outbox", lambda: services.request_human(session, route),
                       lambda _e: self._confirm_human(), self._record_failed)

    def _confirm_human(self) -> None:
        self.human.confirmation.setText(self.texts["human.recorded"])
        self.event_recorded.emit("human_help_requested")

    def finish(self) -> None:
        """The 结束 button: ask for a rating, then reset."""
        if self.session.viewed_entries or self.session.questions:
            self.go(self.rate)
        else:
            self.reset_session("end_button")

    def submit_rating(self, level: str) -> None:
        services, session = self.services, self.session
        assert services is not None

        def done(_event: Any) -> None:
            self.event_recorded.emit("rating")
            self.reset_session("end_button")

        self.tasks.run("outbox", lambda: services.rate(session, level), done, self._record_failed)

    def _record_failed(self, error: BaseException) -> None:
        log.error("could not record an event: %s", error)

    def reset_session(self, reason: str) -> None:
        """Wipe everything of this visit from the screens and memory; back to idle."""
        if self.services is None:
            return
        self.idle_timer.stop()
        self.countdown_timer.stop()
        self.tasks.cancel("search")
        old = self.session
        services = self.services
        self.tasks.run("session-end", lambda: services.end_session(old, reason),
                       lambda _e: None, self._record_failed)
        self.session = Session()
        self.ask.reset()
        self.answer.clear()
        self.human.reset()
        self._apply_theme(elderly=False)
        self.home.elderly.setText(self.texts["home.elderly_on"])
        self.go(self.idle)
        self.session_reset.emit(reason)

    # --- inactivity --------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() in _ACTIVITY_EVENTS and self.services is not None
                and self.stack.currentWidget() not in (self.idle, self.still_there)):
            self.idle_timer.start(self._idle_timeout_ms)
        return super().eventFilter(watched, event)

    def _ask_still_there(self) -> None:
        if self.stack.currentWidget() is self.idle:
            return
        self._back_from_prompt = self.stack.currentWidget()
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

    # --- kiosk lock --------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.kiosk_mode and not self.technician_exit_allowed:
            event.ignore()
            return
        self.tasks.shutdown()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Technician exit on a service keyboard: Ctrl+Alt+Shift+Q (documented in docs/operations.md).
        mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | \
            Qt.KeyboardModifier.ShiftModifier
        if event.key() == Qt.Key.Key_Q and (event.modifiers() & mods) == mods:
            log.warning("technician exit from the service keyboard")
            self.technician_exit_allowed = True
            self.close()
            return
        super().keyPressEvent(event)
