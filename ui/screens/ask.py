"""Ask: type (on-screen pinyin keyboard or any input method), see "您是想问……？"
choices while typing, hot questions, and browse by topic."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.pinyin_input import PinyinComposer
from kiosk.texts import Texts
from offline_cache.search.engine import SearchResponse
from ui.keyboard import PinyinKeyboard
from ui.widgets import ScrollPage, button, text_label

MAX_INPUT_CHARS = 200
SUGGEST_DELAY_MS = 300
MAX_CHOICES = 4


class AskScreen(QWidget):
    search_requested = Signal(str)
    suggest_requested = Signal(str)
    entry_chosen = Signal(str)
    human_requested = Signal()
    topics_requested = Signal()
    voice_requested = Signal()
    back_requested = Signal()

    def __init__(self, texts: Texts, hot: list[tuple[str, str]], composer: PinyinComposer,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        self._hot = hot
        self.composer = composer
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(text_label(texts["ask.prompt"], "title"))
        self.input = QLineEdit()
        self.input.setMaxLength(MAX_INPUT_CHARS)
        self.input.setPlaceholderText(texts["ask.placeholder"])
        self.input.returnPressed.connect(self.submit)
        self.input.textEdited.connect(self._typed_elsewhere)
        layout.addWidget(self.input)
        self.status = text_label("", "muted")
        layout.addWidget(self.status)
        self.results = ScrollPage()
        layout.addWidget(self.results, 1)
        self.keyboard = PinyinKeyboard(composer, texts)
        self.keyboard.changed.connect(self._composed)
        self.keyboard.submitted.connect(self.submit)
        layout.addWidget(self.keyboard)
        bottom = QHBoxLayout()
        self.voice = button(texts["voice.speak"], self.voice_requested.emit)
        self.topics = button(texts["ask.browse_topics"], self.topics_requested.emit, "secondary")
        self.human = button(texts["answer.human"], self.human_requested.emit, "secondary")
        self.back = button(texts["answer.back"], self.back_requested.emit, "secondary")
        for w in (self.voice, self.topics, self.human, self.back):
            bottom.addWidget(w)
        layout.addLayout(bottom)
        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(SUGGEST_DELAY_MS)
        self._suggest_timer.timeout.connect(self._suggest)
        self.show_hot()

    # --- typing ------------------------------------------------------------------
    def _composed(self, display: str) -> None:
        self.input.setText(display)
        self._suggest_timer.start()

    def _typed_elsewhere(self, text: str) -> None:
        self.composer.set_text(text)
        self.keyboard.sync()
        self._suggest_timer.start()

    def set_question(self, text: str) -> None:
        """Put text in the box as if typed (used by voice input)."""
        self.composer.set_text(text)
        self.keyboard.sync()
        self.input.setText(self.composer.display)

    def _suggest(self) -> None:
        query = self.composer.query
        if query:
            self.suggest_requested.emit(query)
        else:
            self.show_hot()

    def submit(self) -> None:
        self._suggest_timer.stop()
        query = self.composer.query
        if not query.strip():
            self.status.setText(self._texts["ask.empty"])
            return
        self.status.setText(self._texts["ask.searching"])
        self.search_requested.emit(query)

    # --- results -----------------------------------------------------------------
    def show_hot(self) -> None:
        self.results.clear()
        self.results.add(text_label(self._texts["ask.hot_questions"], "muted"))
        for entry_id, title in self._hot:
            choice = button(title, partial(self.entry_chosen.emit, entry_id), "secondary")
            self.results.add(choice)
        self.results.column.addStretch(1)

    def show_response(self, response: SearchResponse, final: bool = True) -> None:
        self.results.clear()
        if not response.results:
            self.status.setText(self._texts["ask.no_results"] if final else "")
        elif response.answered or not final:
            self.status.setText(self._texts["ask.did_you_mean"])
        else:
            self.status.setText(self._texts["ask.not_sure"])
        for result in response.results[:MAX_CHOICES]:
            choice = button(result.title, partial(self.entry_chosen.emit, result.entry_id), "secondary")
            self.results.add(choice)
        if final and not response.answered:
            self.results.add(button(self._texts["answer.human"], self.human_requested.emit))
        self.results.column.addStretch(1)

    def show_message(self, key: str) -> None:
        self.status.setText(self._texts[key])

    def reset(self) -> None:
        self._suggest_timer.stop()
        self.composer.clear()
        self.keyboard.sync()
        self.input.setText("")  # unlike clear(), also empties the undo history
        self.status.clear()
        self.show_hot()
