"""One resident's visit: from the first touch to the reset for the next person.

Holds only what the screens need; :meth:`Session.wipe` drops all of it.  Contact
details a resident types (with consent) live in :attr:`personal` only until they
are sealed into the outbox, and are wiped with the session.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field


@dataclass
class Session:
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started: float = field(default_factory=time.monotonic)
    elderly_mode: bool = False
    questions: list[str] = field(default_factory=list)
    viewed_entries: list[str] = field(default_factory=list)
    personal: dict[str, str] = field(default_factory=dict)
    rated: bool = False

    def wipe(self) -> None:
        """Forget everything the resident typed, saw or chose."""
        self.questions.clear()
        self.viewed_entries.clear()
        for key in list(self.personal):
            self.personal[key] = ""
        self.personal.clear()
        self.elderly_mode = False
        self.rated = False

    @property
    def duration_s(self) -> float:
        return time.monotonic() - self.started
