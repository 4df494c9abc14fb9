"""The technician's screens: a PIN pad behind a hidden corner, then status, logs and exit."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.technician import PinGate
from kiosk.texts import Texts
from ui.widgets import ScrollPage, button, text_label


class PinScreen(QWidget):
    accepted = Signal()
    cancelled = Signal()

    def __init__(self, texts: Texts, gate: PinGate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        self.gate = gate
        self._digits = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addWidget(text_label(texts["technician.pin_prompt"], "title"))
        self.display = text_label("", "shortAnswer")
        self.message = text_label("", "muted")
        layout.addWidget(self.display)
        layout.addWidget(self.message)
        grid = QGridLayout()
        self.keys = {}
        for index, digit in enumerate("123456789"):
            self.keys[digit] = button(digit, partial(self._press, digit))
            grid.addWidget(self.keys[digit], index // 3, index % 3)
        self.keys["0"] = button("0", partial(self._press, "0"))
        grid.addWidget(button("清除", self.clear, "secondary"), 3, 0)
        grid.addWidget(self.keys["0"], 3, 1)
        self.ok = button("确定", self._submit)
        grid.addWidget(self.ok, 3, 2)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(button(texts["technician.back"], self.cancelled.emit, "secondary"))

    def _press(self, digit: str) -> None:
        if len(self._digits) < 12:
            self._digits += digit
        self.display.setText("●" * len(self._digits))

    def clear(self) -> None:
        self._digits = ""
        self.display.clear()
        self.message.clear()

    def _submit(self) -> None:
        pin, self._digits = self._digits, ""
        self.display.clear()
        if self.gate.attempt(pin):
            self.message.clear()
            self.accepted.emit()
            return
        locked = self.gate.locked_for()
        if locked > 0:
            self.message.setText(self._texts.format("technician.locked", minutes=int(locked // 60) + 1))
        else:
            self.message.setText(self._texts["technician.wrong_pin"])


class TechnicianScreen(QWidget):
    exit_requested = Signal()
    back_requested = Signal()

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addWidget(text_label(texts["technician.title"], "title"))
        self.status = text_label("", selectable=True)
        layout.addWidget(self.status)
        self.logs = ScrollPage()
        layout.addWidget(self.logs, 1)
        row = QHBoxLayout()
        row.addWidget(button(texts["technician.back"], self.back_requested.emit, "secondary"))
        row.addWidget(button(texts["technician.exit"], self.exit_requested.emit))
        layout.addLayout(row)

    def show_status(self, status: list[tuple[str, str]], log_lines: list[str]) -> None:
        self.status.setText("\n".join(f"{k}: {v}" for k, v in status))
        self.logs.clear()
        self.logs.add(text_label("\n".join(log_lines[-60:]), "muted", selectable=True))
        self.logs.column.addStretch(1)
