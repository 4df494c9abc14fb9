"""Helpers for driving the real window as a resident would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import build_window
from kiosk.config import load_settings
from ui.main_window import MainWindow


def visible_text(widget: QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget))


def buttons(widget: QWidget) -> dict[str, QPushButton]:
    return {b.text(): b for b in widget.findChildren(QPushButton) if b.isVisibleTo(widget)}


def tap(qtbot: QtBot, widget: QWidget) -> None:
    """Tap the centre of a widget once it is laid out and on screen, as a finger would."""
    qtbot.waitUntil(lambda: widget.isVisible() and widget.width() > 0, timeout=2000)
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:  # scroll it into view first, as a resident would
        qtbot.wait(20)
        parent.ensureWidgetVisible(widget)
        qtbot.wait(20)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_chinese(widget: QWidget, text: str) -> None:
    """Deliver text the way an input method does (QTest's keyClicks only knows Latin-1)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def make_window(qtbot: QtBot, settings_file: Path, size: tuple[int, int] = (1080, 1920)) -> MainWindow:
    window = build_window(load_settings(settings_file), windowed=True)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.technician_exit_allowed = True
    return window
