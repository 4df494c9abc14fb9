"""Browse by topic, and look up statutes by law and article or by full text."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.pinyin_input import PinyinComposer
from kiosk.texts import Texts
from offline_cache.kb_store import KnowledgeBase, StoredArticle
from ui.keyboard import PinyinKeyboard
from ui.widgets import ScrollPage, button, text_label


class TopicsScreen(QWidget):
    entry_chosen = Signal(str)
    back_requested = Signal()

    def __init__(self, texts: Texts, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kb = kb
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        self.title = text_label(texts["ask.browse_topics"], "title")
        layout.addWidget(self.title)
        self.page = ScrollPage()
        layout.addWidget(self.page, 1)
        self.back = button(texts["answer.back"], self._back, "secondary")
        layout.addWidget(self.back)
        self._texts = texts
        self._in_topic = False
        self.show_topics()

    def show_topics(self) -> None:
        self._in_topic = False
        self.title.setText(self._texts["ask.browse_topics"])
        self.page.clear()
        grid_holder = QWidget()
        grid = QGridLayout(grid_holder)
        for index, (topic_id, name) in enumerate(self._kb.topics()):
            grid.addWidget(button(name, partial(self.show_topic, topic_id, name), "secondary"),
                           index // 2, index % 2)
        self.page.add(grid_holder)
        self.page.column.addStretch(1)

    def show_topic(self, topic_id: str, name: str) -> None:
        self._in_topic = True
        self.title.setText(name)
        self.page.clear()
        for entry_id, title in self._kb.entries_in_topic(topic_id):
            self.page.add(button(title, partial(self.entry_chosen.emit, entry_id), "secondary"))
        self.page.column.addStretch(1)

    def _back(self) -> None:
        if self._in_topic:
            self.show_topics()
        else:
            self.back_requested.emit()


class StatuteScreen(QWidget):
    """法规查询: pick a law and type an article number, or search the text of all laws."""

    back_requested = Signal()
    lookup_requested = Signal(str)

    def __init__(self, texts: Texts, kb: KnowledgeBase, composer: PinyinComposer,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kb = kb
        self._texts = texts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(text_label(texts["statutes.title"], "title"))
        layout.addWidget(text_label(texts["statutes.hint"], "muted"))
        self.input = QLineEdit()
        self.input.setPlaceholderText(texts["statutes.placeholder"])
        self.input.returnPressed.connect(self._submit)
        self.input.textEdited.connect(self._typed_elsewhere)
        layout.addWidget(self.input)
        laws = QGridLayout()
        for index, law in enumerate(("民法典", "劳动合同法", "法律援助法", "土地管理法")):
            laws.addWidget(button(law, partial(self._pick_law, law), "secondary"), index // 2, index % 2)
        layout.addLayout(laws)
        self.page = ScrollPage()
        layout.addWidget(self.page, 1)
        self.composer = composer
        self.keyboard = PinyinKeyboard(composer, texts)
        self.keyboard.changed.connect(self.input.setText)
        self.keyboard.submitted.connect(self._submit)
        layout.addWidget(self.keyboard)
        self.back = button(texts["answer.back"], self.back_requested.emit, "secondary")
        layout.addWidget(self.back)

    def _typed_elsewhere(self, text: str) -> None:
        self.composer.set_text(text)
        self.keyboard.sync()

    def _pick_law(self, law: str) -> None:
        self.composer.set_text(law + " ")
        self.keyboard.sync()
        self.input.setText(self.composer.display)

    def _submit(self) -> None:
        query = self.composer.query or self.input.text()
        if query.strip():
            self.lookup_requested.emit(query)

    def show_articles(self, articles: list[StoredArticle]) -> None:
        self.page.clear()
        if not articles:
            self.page.add(text_label(self._texts["statutes.none"]))
        for article in articles:
            self.page.add(text_label(f"《{article.law}》 {article.chapter}", "muted"))
            self.page.add(text_label(article.text, selectable=True))
        self.page.column.addStretch(1)

    def reset(self) -> None:
        self.composer.clear()
        self.keyboard.sync()
        self.input.setText("")  # unlike clear(), also empties the undo history
        self.page.clear()
