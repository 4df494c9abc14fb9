"""Small building blocks shared by the screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QScroller, QVBoxLayout, QWidget

MIN_TARGET_PX = 64
WidgetT = TypeVar("WidgetT", bound=QWidget)


def text_label(text: str = "", name: str = "", selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def button(text: str, on_click: Callable[[], None], name: str = "") -> QPushButton:
    btn = QPushButton(text)
    if name:
        btn.setObjectName(name)
    btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    # An explicit minimum keeps a long label from widening the whole window (the
    # stack is as wide as its widest page); rows are laid out so labels still fit.
    btn.setMinimumWidth(MIN_TARGET_PX)
    btn.clicked.connect(lambda _checked=False: on_click())
    return btn


class ScrollPage(QScrollArea):
    """A vertically scrolling column with kinetic (finger) scrolling."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.column = QVBoxLayout(self.body)
        self.column.setSpacing(16)
        self.setWidget(self.body)
        # Kinetic scrolling for fingers. TouchGesture rather than LeftMouseButtonGesture:
        # the mouse gesture holds every press to tell a tap from a drag and was
        # measured to swallow taps on buttons after a scroll (tests/test_ui_flows.py).
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)

    def add(self, widget: WidgetT) -> WidgetT:
        """Append a widget and show it now (children added to a visible parent are
        otherwise shown only on the next event-loop turn)."""
        self.column.addWidget(widget)
        widget.show()
        return widget

    def clear(self) -> None:
        while self.column.count():
            item = self.column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone from the tree now, freed by Qt later
                widget.deleteLater()
