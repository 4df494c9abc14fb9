"""The technician's way in: a PIN, stored only as a salted scrypt hash, with lock-out.

The hash goes into ``ui.technician_pin_hash`` (``kiosk hash-pin`` makes one).  After
:data:`MAX_FAILURES` wrong PINs the entry is locked for :data:`LOCKOUT_S` seconds, so a
curious resident cannot try PINs at the booth.  An empty hash disables the entry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_FAILURES = 5
LOCKOUT_S = 300
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    if not (4 <= len(pin) <= 12 and pin.isdigit()):
        raise ValueError("a technician PIN is 4 to 12 digits")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def _verify(pin: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
        salt, digest = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=len(digest))
    return hmac.compare_digest(candidate, digest)


@dataclass
class PinGate:
    stored_hash: str
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    locked_until: float = field(default=0.0)

    @property
    def enabled(self) -> bool:
        return bool(self.stored_hash)

    def locked_for(self) -> float:
        """Seconds of lock-out left (0 when not locked)."""
        return max(0.0, self.locked_until - self.clock())

    def attempt(self, pin: str) -> bool:
        if not self.enabled or self.locked_for() > 0:
            return False
        if _verify(pin, self.stored_hash):
            self.failures = 0
            return True
        self.failures += 1
        if self.failures >= MAX_FAILURES:
            self.locked_until = self.clock() + LOCKOUT_S
            self.failures = 0
        return False
