"""Answer: the short answer first, in large type; then what to do; then the law."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.texts import Texts
from offline_cache.kb_schema import Entry
from offline_cache.kb_store import KnowledgeBase
from ui.widgets import ScrollPage, button, text_label


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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        self.title = text_label("", "title")
        layout.addWidget(self.title)
        self.page = ScrollPage()
        layout.addWidget(self.page, 1)
        actions = QHBoxLayout()
        self.read_aloud = button(texts["answer.read_aloud"], self._read_aloud)
        self.print = button(texts["answer.print"], self._print)
        self.human = button(texts["answer.human"], self.human_requested.emit)
        self.back = button(texts["answer.back"], self.back_requested.emit, "secondary")
        for w in (self.read_aloud, self.print, self.human, self.back):
            actions.addWidget(w)
        layout.addLayout(actions)

    def show_entry(self, entry: Entry) -> None:
        self.entry = entry
        t = self._texts
        self.title.setText(entry.title)
        self.page.clear()
        col = self.page.column
        col.addWidget(text_label(t["answer.short"], "muted"))
        col.addWidget(text_label(entry.short_answer, "shortAnswer"))
        if entry.needs_lawyer:
            col.addWidget(text_label("⚠ " + t["answer.needs_lawyer"]))
        sections = (("answer.steps", entry.steps), ("answer.bring", entry.bring),
                    ("answer.where", entry.where), ("answer.time_limits", entry.time_limits))
        for key, items in sections:
            if items:
                col.addWidget(text_label(t[key], "muted"))
                col.addWidget(text_label("\n".join(f"{i}. {s}" for i, s in enumerate(items, 1))))
        if entry.costs:
            col.addWidget(text_label(t["answer.costs"], "muted"))
            col.addWidget(text_label(entry.costs))
        col.addWidget(text_label(t["answer.details"], "muted"))
        col.addWidget(text_label(entry.answer))
        if entry.citations:
            col.addWidget(text_label(t["answer.citations"], "muted"))
            for citation in entry.citations:
                article = self._kb.cited_article(citation)
                col.addWidget(text_label(article.text if article else citation.display(), selectable=True)
                              if article else text_label(citation.display()))
        col.addWidget(text_label(t["app.disclaimer"], "muted"))
        col.addWidget(text_label(t.format("app.kb_version", version=self._kb.version), "muted"))
        col.addStretch(1)
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
