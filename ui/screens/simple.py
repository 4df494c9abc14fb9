"""The small screens: 找真人, rating, 还在吗 countdown, and 暂停服务."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.services import HUMAN_ROUTES, RATING_REASONS, RATINGS
from kiosk.texts import Texts
from ui.widgets import button, text_label

LOW_RATINGS = ("neutral", "dissatisfied", "very_dissatisfied")


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
    """Five levels (非常满意 … 非常不满意); after a low one, an optional reason."""

    rated = Signal(str, str)  # level, reason code ("" for none)
    skipped = Signal()

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _column(self)
        layout.addWidget(text_label(texts["rate.title"], "title"))
        self.buttons = {}
        for level in RATINGS:
            self.buttons[level] = button(texts[f"rate.{level}"], partial(self._choose, level))
            layout.addWidget(self.buttons[level])
        self.reason_prompt = text_label(texts["reason.prompt"], "muted")
        layout.addWidget(self.reason_prompt)
        self.reasons = {}
        for reason in RATING_REASONS:
            self.reasons[reason] = button(texts[f"reason.{reason}"], partial(self._reason, reason),
                                          "secondary")
            self.reasons[reason].setCheckable(True)
            layout.addWidget(self.reasons[reason])
        self.submit = button(texts["reason.submit"], self._submit)
        layout.addWidget(self.submit)
        layout.addStretch(1)
        self.skip = button(texts["home.end"], self.skipped.emit, "secondary")
        layout.addWidget(self.skip)
        self._level = ""
        self._reason_code = ""
        self.reset()

    def _choose(self, level: str) -> None:
        self._level = level
        if level in LOW_RATINGS:
            self._show_reasons(True)
        else:
            self.rated.emit(level, "")

    def _reason(self, reason: str) -> None:
        self._reason_code = reason
        for code, btn in self.reasons.items():
            btn.setChecked(code == reason)
            btn.setText(("✓ " if code == reason else "") + btn.text().removeprefix("✓ "))

    def _submit(self) -> None:
        self.rated.emit(self._level, self._reason_code)

    def _show_reasons(self, visible: bool) -> None:
        for w in (self.reason_prompt, self.submit, *self.reasons.values()):
            w.setVisible(visible)
        for level, btn in self.buttons.items():
            btn.setVisible(not visible or level == self._level)

    def reset(self) -> None:
        self._level = ""
        self._reason_code = ""
        for btn in self.reasons.values():
            btn.setChecked(False)
            btn.setText(btn.text().removeprefix("✓ "))
        self._show_reasons(False)


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


class CallbackScreen(QWidget):
    """Consent first, then an 11-digit phone number on a big keypad."""

    submitted = Signal(str)
    back_requested = Signal()

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        self._digits = ""
        layout = _column(self)
        layout.addWidget(text_label(texts["callback.title"], "title"))
        self.consent_text = text_label(texts["callback.consent"])
        layout.addWidget(self.consent_text)
        self.agree = button(texts["callback.agree"], self._agreed)
        layout.addWidget(self.agree)
        self.prompt = text_label(texts["callback.phone_prompt"], "muted")
        self.display = text_label("", "shortAnswer")
        self.message = text_label("", "muted")
        for w in (self.prompt, self.display, self.message):
            layout.addWidget(w)
        self.pad = QWidget()
        grid = QGridLayout(self.pad)
        self.keys = {}
        for index, digit in enumerate("1234567890"):
            self.keys[digit] = button(digit, partial(self._press, digit))
            grid.addWidget(self.keys[digit], index // 3, index % 3)
        grid.addWidget(button("⌫", self._backspace, "secondary"), 3, 1)
        self.submit = button(texts["callback.submit"], self._submit)
        grid.addWidget(self.submit, 3, 2)
        layout.addWidget(self.pad)
        layout.addStretch(1)
        layout.addWidget(button(texts["answer.back"], self.back_requested.emit, "secondary"))
        self.reset()

    def _agreed(self) -> None:
        self.agree.setVisible(False)
        for w in (self.prompt, self.display, self.pad):
            w.setVisible(True)

    def _press(self, digit: str) -> None:
        if len(self._digits) < 11:
            self._digits += digit
        self.display.setText(self._digits)

    def _backspace(self) -> None:
        self._digits = self._digits[:-1]
        self.display.setText(self._digits)

    def _submit(self) -> None:
        if len(self._digits) != 11 or not self._digits.startswith("1"):
            self.message.setText(self._texts["callback.bad_phone"])
            return
        self.submitted.emit(self._digits)

    def reset(self) -> None:
        """Forget the number: it must not outlive the request or the session."""
        self._digits = ""
        self.display.clear()
        self.message.clear()
        self.agree.setVisible(True)
        for w in (self.prompt, self.display, self.pad):
            w.setVisible(False)
