"""Attract screen: rotating 普法 tips and stories; any touch starts a session."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.texts import Texts
from offline_cache.kb_schema import Tip
from ui.widgets import text_label

ROTATE_MS = 8000


class IdleScreen(QWidget):
    touched = Signal()

    def __init__(self, texts: Texts, tips: list[Tip], robot: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        self._tips = tips
        self._index = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        self.title = text_label(texts["app.title"], "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tip_kind = text_label("", "muted")
        self.tip_title = text_label("", "title")
        self.tip_text = text_label("", "tip")
        self.start = text_label(texts["idle.touch_or_speak" if robot else "idle.touch_to_start"],
                                "shortAnswer")
        self.start.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        layout.addStretch(1)
        for w in (self.tip_kind, self.tip_title, self.tip_text):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(self.start)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.next_tip)
        self._timer.start(ROTATE_MS)
        self.next_tip()

    def next_tip(self) -> None:
        if not self._tips:
            return
        tip = self._tips[self._index % len(self._tips)]
        self._index += 1
        self.tip_kind.setText(self._texts["idle.case_label" if tip.kind == "case" else "idle.tip_label"])
        self.tip_title.setText(tip.title)
        cites = "、".join(c.display() for c in tip.citations)
        self.tip_text.setText(f"{tip.text}\n{cites}" if cites else tip.text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit()
        event.accept()
