"""The small screens: 找真人, rating, 还在吗 countdown, and 暂停服务."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.services import HUMAN_ROUTES, RATINGS
from kiosk.texts import Texts
from ui.widgets import button, text_label


def _column(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(48, 48, 48, 48)
    layout.setSpacing(20)
    return layout


class HumanScreen(QWidget):
    route_chosen = Signal(str)
    back_requested = Signal()

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _column(self)
        layout.addWidget(text_label(texts["human.title"], "title"))
        self.buttons = {}
        for route in HUMAN_ROUTES:
            self.buttons[route] = button(texts[f"human.{route}"], partial(self.route_chosen.emit, route))
            layout.addWidget(self.buttons[route])
        self.confirmation = text_label("", "shortAnswer")
        layout.addWidget(self.confirmation)
        layout.addStretch(1)
        layout.addWidget(button(texts["answer.back"], self.back_requested.emit, "secondary"))

    def reset(self) -> None:
        self.confirmation.clear()


class RateScreen(QWidget):
    rated = Signal(str)
    skipped = Signal()

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _column(self)
        layout.addWidget(text_label(texts["rate.title"], "title"))
        self.buttons = {}
        for level in RATINGS:
            self.buttons[level] = button(texts[f"rate.{level}"], partial(self.rated.emit, level))
            layout.addWidget(self.buttons[level])
        layout.addStretch(1)
        self.skip = button(texts["home.end"], self.skipped.emit, "secondary")
        layout.addWidget(self.skip)


class StillThereScreen(QWidget):
    still_here = Signal()

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        layout = _column(self)
        layout.addStretch(1)
        title = text_label(texts["reset.still_there"], "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.countdown = text_label("", "shortAnswer")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.countdown)
        self.continue_button = button(texts["reset.continue"], self.still_here.emit)
        layout.addWidget(self.continue_button)
        layout.addStretch(1)

    def show_seconds(self, seconds: int) -> None:
        self.countdown.setText(self._texts.format("reset.countdown", seconds=seconds))


class OutOfServiceScreen(QWidget):
    """Shown to residents when the knowledge base cannot be opened; never a crash dialog."""

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _column(self)
        layout.addStretch(1)
        for text, name in ((texts["app.out_of_service"], "title"),
                           (texts["app.out_of_service_detail"], "shortAnswer")):
            label = text_label(text, name)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(1)
