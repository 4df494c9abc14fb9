"""Ask: type a question, see "您是想问……？" choices, hot questions and topics."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.texts import Texts
from offline_cache.search.engine import SearchResponse
from ui.widgets import ScrollPage, button, text_label

MAX_INPUT_CHARS = 200


class AskScreen(QWidget):
    search_requested = Signal(str)
    entry_chosen = Signal(str)
    human_requested = Signal()
    back_requested = Signal()

    def __init__(self, texts: Texts, hot: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        self._hot = hot
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addWidget(text_label(texts["ask.prompt"], "title"))
        row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setMaxLength(MAX_INPUT_CHARS)
        self.input.setPlaceholderText(texts["ask.placeholder"])
        self.input.returnPressed.connect(self.submit)
        self.search = button(texts["ask.search"], self.submit)
        row.addWidget(self.input, 1)
        row.addWidget(self.search)
        layout.addLayout(row)
        self.status = text_label("", "muted")
        layout.addWidget(self.status)
        self.results = ScrollPage()
        layout.addWidget(self.results, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(button(texts["answer.human"], self.human_requested.emit, "secondary"))
        bottom.addWidget(button(texts["answer.back"], self.back_requested.emit, "secondary"))
        layout.addLayout(bottom)
        self.show_hot()

    def submit(self) -> None:
        text = self.input.text()
        if not text.strip():
            self.status.setText(self._texts["ask.empty"])
            return
        self.status.setText(self._texts["ask.searching"])
        self.search_requested.emit(text)

    def show_hot(self) -> None:
        self.results.clear()
        self.results.column.addWidget(text_label(self._texts["ask.hot_questions"], "muted"))
        for entry_id, title in self._hot:
            choice = button(title, partial(self.entry_chosen.emit, entry_id), "secondary")
            self.results.column.addWidget(choice)
        self.results.column.addStretch(1)

    def show_response(self, response: SearchResponse) -> None:
        self.results.clear()
        if not response.results:
            self.status.setText(self._texts["ask.no_results"])
        elif response.answered:
            self.status.setText(self._texts["ask.did_you_mean"])
        else:
            self.status.setText(self._texts["ask.not_sure"])
        for result in response.results[:4]:
            self.results.column.addWidget(
                button(result.title, partial(self.entry_chosen.emit, result.entry_id), "secondary"))
        if not response.answered:
            self.results.column.addWidget(button(self._texts["answer.human"],
                                                 self.human_requested.emit))
        self.results.column.addStretch(1)

    def show_message(self, key: str) -> None:
        self.status.setText(self._texts[key])

    def reset(self) -> None:
        self.input.clear()
        self.status.clear()
        self.show_hot()
