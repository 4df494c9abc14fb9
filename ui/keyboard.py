"""On-screen keyboard: letters for pinyin, digits, and a bar of Chinese candidates.

Needs no system input method.  All logic is in :class:`kiosk.pinyin_input.PinyinComposer`;
this widget only turns taps into composer calls and shows its state.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.pinyin_input import PinyinComposer
from kiosk.texts import Texts
from ui.widgets import button

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
CANDIDATE_SLOTS = 6


class PinyinKeyboard(QWidget):
    changed = Signal(str)    # what the input shows now
    submitted = Signal()

    def __init__(self, composer: PinyinComposer, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.composer = composer
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        bar = QHBoxLayout()
        self.candidate_buttons: list[QPushButton] = []
        for index in range(CANDIDATE_SLOTS):
            candidate = button("", partial(self._choose, index), "secondary")
            candidate.setVisible(False)
            self.candidate_buttons.append(candidate)
            bar.addWidget(candidate)
        bar.addStretch(1)
        layout.addLayout(bar)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.keys: dict[str, QPushButton] = {}
        for row, letters in enumerate(ROWS):
            offset = 0 if row < 2 else row - 1
            for col, letter in enumerate(letters):
                key = button(letter.upper() if letter.isalpha() else letter, partial(self._press, letter),
                             "key")
                self.keys[letter] = key
                grid.addWidget(key, row, col * 2 + offset, 1, 2)
        layout.addLayout(grid)
        bottom = QHBoxLayout()
        self.backspace = button("⌫", self._backspace, "key")
        self.space = button("空格", partial(self._press, " "), "key")
        self.clear_key = button("清空", self._clear, "key")
        self.enter = button(texts["ask.search"], self.submitted.emit, "key")
        for w, stretch in ((self.clear_key, 1), (self.space, 3), (self.backspace, 1), (self.enter, 2)):
            bottom.addWidget(w, stretch)
        layout.addLayout(bottom)

    def _press(self, key: str) -> None:
        self.composer.press(key)
        self._update()

    def _backspace(self) -> None:
        self.composer.backspace()
        self._update()

    def _clear(self) -> None:
        self.composer.clear()
        self._update()

    def _choose(self, index: int) -> None:
        self.composer.choose(index)
        self._update()

    def sync(self) -> None:
        """Show the composer's state after it was changed from outside."""
        self._update(emit=False)

    def _update(self, emit: bool = True) -> None:
        candidates = self.composer.candidates
        for index, candidate in enumerate(self.candidate_buttons):
            if index < len(candidates):
                candidate.setText(candidates[index])
                candidate.setVisible(True)
            else:
                candidate.setText("")
                candidate.setVisible(False)
        if emit:
            self.changed.emit(self.composer.display)
