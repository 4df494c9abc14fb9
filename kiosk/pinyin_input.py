"""The on-screen pinyin keyboard's logic, without Qt.

Residents type letters; while they do, the composer offers Chinese words whose pinyin
starts with the letters (``lihun`` → 离婚) or whose initials are the letters (``lh`` →
离婚), and picking one commits it.  Letters left uncommitted are still searched as
pinyin by the engine, so a resident who never picks a word is understood too.
No system input method is needed.
"""

from __future__ import annotations

from collections.abc import Callable

MAX_BUFFER = 24


class PinyinComposer:
    def __init__(self, lookup: Callable[[str], list[str]], max_chars: int = 200) -> None:
        self._lookup = lookup
        self._max_chars = max_chars
        self.text = ""
        self.buffer = ""
        self.candidates: list[str] = []

    @property
    def display(self) -> str:
        return self.text + self.buffer

    @property
    def query(self) -> str:
        """What to search: committed text and any letters still being composed."""
        return f"{self.text} {self.buffer}".strip()

    def press(self, key: str) -> None:
        """A letter a–z, a digit, or a space (which commits the letters as typed)."""
        if key == " ":
            self.text = (self.text + self.buffer + " ")[: self._max_chars]
            self.buffer = ""
        elif key.isascii() and key.isalpha():
            if len(self.buffer) < MAX_BUFFER:
                self.buffer += key.lower()
        elif key.isdigit():
            self.text = (self.text + self.buffer + key)[: self._max_chars]
            self.buffer = ""
        self._refresh()

    def backspace(self) -> None:
        if self.buffer:
            self.buffer = self.buffer[:-1]
        else:
            self.text = self.text[:-1]
        self._refresh()

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.candidates):
            self.text = (self.text + self.candidates[index])[: self._max_chars]
            self.buffer = ""
            self._refresh()

    def set_text(self, text: str) -> None:
        """Text typed by other means (a hardware keyboard, an input method, voice)."""
        self.text = text[: self._max_chars]
        self.buffer = ""
        self._refresh()

    def clear(self) -> None:
        self.text = ""
        self.buffer = ""
        self.candidates = []

    def _refresh(self) -> None:
        self.candidates = self._lookup(self.buffer) if self.buffer else []
