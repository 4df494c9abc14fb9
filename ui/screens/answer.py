"""Answer: the short answer first, in large type; then what to do; then the law."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.texts import Texts
from offline_cache.kb_schema import Entry
from offline_cache.kb_store import KnowledgeBase
from ui.widgets import ScrollPage, button, text_label


def _toggle(text: QLabel, toggle: QPushButton, _checked: bool = False) -> None:
    """Show or hide a cited article's own text under its button."""
    text.setVisible(not text.isVisible())
    label = toggle.text()[:-2]
    toggle.setText(label + (" ▾" if text.isVisible() else " ▸"))


class AnswerScreen(QWidget):
    back_requested = Signal()
    human_requested = Signal()
    print_requested = Signal(str)
    read_aloud_requested = Signal(str)

    def __init__(self, texts: Texts, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        self._kb = kb
        self.entry: Entry | None = None
        self.citation_buttons: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        self.title = text_label("", "title")
        layout.addWidget(self.title)
        self.page = ScrollPage()
        layout.addWidget(self.page, 1)
        actions = QGridLayout()
        self.read_aloud = button(texts["answer.read_aloud"], self._read_aloud)
        self.print = button(texts["answer.print"], self._print)
        self.human = button(texts["answer.human"], self.human_requested.emit)
        self.back = button(texts["answer.back"], self.back_requested.emit, "secondary")
        for index, w in enumerate((self.print, self.read_aloud, self.human, self.back)):
            actions.addWidget(w, index // 2, index % 2)
        layout.addLayout(actions)

    def show_entry(self, entry: Entry) -> None:
        self.entry = entry
        t = self._texts
        self.title.setText(entry.title)
        self.page.clear()
        col = self.page
        col.add(text_label(t["answer.short"], "muted"))
        col.add(text_label(entry.short_answer, "shortAnswer"))
        if entry.needs_lawyer:
            col.add(text_label("⚠ " + t["answer.needs_lawyer"]))
        sections = (("answer.steps", entry.steps), ("answer.bring", entry.bring),
                    ("answer.where", entry.where), ("answer.time_limits", entry.time_limits))
        for key, items in sections:
            if items:
                col.add(text_label(t[key], "muted"))
                col.add(text_label("\n".join(f"{i}. {s}" for i, s in enumerate(items, 1))))
        if entry.costs:
            col.add(text_label(t["answer.costs"], "muted"))
            col.add(text_label(entry.costs))
        col.add(text_label(t["answer.details"], "muted"))
        col.add(text_label(entry.answer))
        self.citation_buttons = []
        if entry.citations:
            col.add(text_label(t["answer.citations"], "muted"))
            for citation in entry.citations:
                article = self._kb.cited_article(citation)
                toggle = button(citation.display() + " ▸", lambda: None, "secondary")
                col.add(toggle)
                self.citation_buttons.append(toggle)
                if article is not None:
                    text = text_label(article.text, selectable=True)
                    toggle.clicked.connect(partial(_toggle, text, toggle))
                    col.add(text).setVisible(False)  # collapsed until tapped
        col.add(text_label(t["app.disclaimer"], "muted"))
        col.add(text_label(t.format("app.kb_version", version=self._kb.version), "muted"))
        col.column.addStretch(1)
        self.page.verticalScrollBar().setValue(0)

    def _read_aloud(self) -> None:
        if self.entry:
            self.read_aloud_requested.emit(self.entry.short_answer)

    def _print(self) -> None:
        if self.entry:
            self.print_requested.emit(self.entry.id)

    def clear(self) -> None:
        self.entry = None
        self.title.clear()
        self.page.clear()
