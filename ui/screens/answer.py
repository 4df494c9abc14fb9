"""Answer: the short answer first, in large type; then what to do; then the law.

The widgets are made once and refilled for each answer: making and styling ~30
widgets per answer was measured to stall the event loop for up to 100 ms
(benchmarks/ui_bench.py), refilling them takes a fraction of that.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.texts import Texts
from offline_cache.kb_schema import Entry
from offline_cache.kb_store import KnowledgeBase
from ui.widgets import ScrollPage, button, text_label

MAX_CITATIONS = 10
SECTIONS = ("answer.steps", "answer.bring", "answer.where", "answer.time_limits", "answer.costs",
            "answer.details")


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
        col = self.page
        col.add(text_label(texts["answer.short"], "muted"))
        self.short = col.add(text_label("", "shortAnswer"))
        self.lawyer = col.add(text_label("⚠ " + texts["answer.needs_lawyer"]))
        self.sections: dict[str, tuple[QLabel, QLabel]] = {}
        for key in SECTIONS:
            self.sections[key] = (col.add(text_label(texts[key], "muted")), col.add(text_label("")))
        self.citations_heading = col.add(text_label(texts["answer.citations"], "muted"))
        self.citation_buttons: list[QPushButton] = []
        self.article_labels: list[QLabel] = []
        for index in range(MAX_CITATIONS):
            toggle = button("", partial(self._toggle_article, index), "secondary")
            self.citation_buttons.append(col.add(toggle))
            self.article_labels.append(col.add(text_label("", selectable=True)))
        self.footer = col.add(text_label("", "muted"))
        col.column.addStretch(1)
        actions = QGridLayout()
        self.read_aloud = button(texts["answer.read_aloud"], self._read_aloud)
        self.print = button(texts["answer.print"], self._print)
        self.human = button(texts["answer.human"], self.human_requested.emit)
        self.back = button(texts["answer.back"], self.back_requested.emit, "secondary")
        for index, w in enumerate((self.print, self.read_aloud, self.human, self.back)):
            actions.addWidget(w, index // 2, index % 2)
        layout.addLayout(actions)
        self.clear()

    def show_entry(self, entry: Entry) -> None:
        self.entry = entry
        self.title.setText(entry.title)
        self.short.setText(entry.short_answer)
        self.lawyer.setVisible(entry.needs_lawyer)
        numbered = {"answer.steps": entry.steps, "answer.bring": entry.bring,
                    "answer.where": entry.where, "answer.time_limits": entry.time_limits}
        for key, (heading, body) in self.sections.items():
            if key in numbered:
                text = "\n".join(f"{i}. {s}" for i, s in enumerate(numbered[key], 1))
            else:
                text = entry.costs if key == "answer.costs" else entry.answer
            heading.setVisible(bool(text))
            body.setVisible(bool(text))
            body.setText(text)
        self.citations_heading.setVisible(bool(entry.citations))
        for index, (toggle, article) in enumerate(zip(self.citation_buttons, self.article_labels,
                                                       strict=True)):
            citation = entry.citations[index] if index < len(entry.citations) else None
            toggle.setVisible(citation is not None)
            toggle.setText(citation.display() + " ▸" if citation else "")
            article.setVisible(False)
            article.clear()
        self.footer.setText(self._texts["app.disclaimer"] + "\n"
                            + self._texts.format("app.kb_version", version=self._kb.version))
        self.page.verticalScrollBar().setValue(0)

    def _toggle_article(self, index: int) -> None:
        """Show or hide a cited article's own text under its button."""
        if self.entry is None or index >= len(self.entry.citations):
            return
        citation = self.entry.citations[index]
        toggle, article = self.citation_buttons[index], self.article_labels[index]
        if not article.text():
            stored = self._kb.cited_article(citation)
            article.setText(stored.text if stored else citation.display())
        article.setVisible(not article.isVisible())
        toggle.setText(citation.display() + (" ▾" if article.isVisible() else " ▸"))

    def _read_aloud(self) -> None:
        if self.entry:
            self.read_aloud_requested.emit(self.entry.short_answer)

    def _print(self) -> None:
        if self.entry:
            self.print_requested.emit(self.entry.id)

    def clear(self) -> None:
        """Forget the answer shown (the session reset calls this)."""
        self.entry = None
        self.title.clear()
        self.short.clear()
        self.lawyer.setVisible(False)
        for heading, body in self.sections.values():
            heading.setVisible(False)
            body.clear()
            body.setVisible(False)
        self.citations_heading.setVisible(False)
        for toggle, article in zip(self.citation_buttons, self.article_labels, strict=True):
            toggle.setVisible(False)
            toggle.setText("")
            article.clear()
            article.setVisible(False)
        self.footer.clear()
