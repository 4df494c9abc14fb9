"""Logging for an unattended box.

Named loggers per subsystem (``qxl.kb``, ``qxl.ui``, ``qxl.speech``, ``qxl.print``,
``qxl.outbox``…), records to stdout for journald, and an in-memory ring buffer
the technician screen reads.  Residents' personal data never goes into a log
line: code logs ids and counts, not text typed by residents, and the
:class:`RedactingFilter` is a second line of defence that masks anything that
looks like a phone or ID-card number.
"""

from __future__ import annotations

import collections
import logging
import re
import sys
import threading

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def redact(text: str) -> str:
    """Mask mainland mobile numbers and resident ID-card numbers."""
    return _PHONE.sub("1**********", _ID_CARD.sub("******************", text))


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RingBufferHandler(logging.Handler):
    """Keeps the last ``capacity`` formatted records for the technician screen."""

    def __init__(self, capacity: int = 500) -> None:
        super().__init__()
        self._lines: collections.deque[str] = collections.deque(maxlen=capacity)
        self._lock_lines = threading.Lock()
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        with self._lock_lines:
            self._lines.append(line)

    def lines(self) -> list[str]:
        with self._lock_lines:
            return list(self._lines)


RING_BUFFER = RingBufferHandler()


def get_logger(subsystem: str) -> logging.Logger:
    return logging.getLogger(f"qxl.{subsystem}")


def configure_logging(level: int = logging.INFO, stream: bool = True) -> None:
    """Install the ring buffer and (optionally) a stdout handler on the ``qxl`` tree."""
    root = logging.getLogger("qxl")
    root.setLevel(level)
    redactor = RedactingFilter()
    if RING_BUFFER not in root.handlers:
        RING_BUFFER.addFilter(redactor)
        root.addHandler(RING_BUFFER)
    if stream and not any(getattr(h, "_qxl_stdout", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(redactor)
        handler._qxl_stdout = True  # type: ignore[attr-defined]
        root.addHandler(handler)
