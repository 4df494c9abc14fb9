"""The durable outbox: events the sync process sends to the district server.

A resident's submission is committed here *before* the screen confirms it, with
``synchronous=FULL`` in WAL mode, so neither a dead network nor a power cut loses
it.  Events are never updated except to mark them sent.

Personal data (names, ID numbers, phone numbers) never goes into ``payload``: the
caller passes it separately as ``personal`` and it is sealed with Fernet
(AES-128-CBC + HMAC) under a per-device key kept in ``secrets/outbox.key`` (0600).
The sync process unseals it only to send it over TLS to the district server.

Event schema (version :data:`EVENT_SCHEMA_VERSION`; docs/events.md):
``{"schema": 1, "id": uuid4, "type": str, "created_at": RFC 3339 UTC, "device_id": str,
"payload": {...}}``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

EVENT_SCHEMA_VERSION = 1
DB_SCHEMA_VERSION = 1

EVENT_TYPES = frozenset({
    "question_asked",       # text as understood + matched entry ids, no personal data
    "rating",               # five-level satisfaction + optional reason code
    "human_help_requested", # 找真人: which route (12348, window, callback)
    "callback_request",     # resident asked to be called back (phone sealed)
    "handoff",              # printed/shown QR slip: reference + token + entry ids
    "session_ended",        # how the session ended: button, idle reset
})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    schema INTEGER NOT NULL,
    payload TEXT NOT NULL,
    sealed BLOB,
    sent_at TEXT
);
CREATE INDEX IF NOT EXISTS events_unsent ON events (seq) WHERE sent_at IS NULL;
"""


class OutboxError(RuntimeError):
    """The outbox cannot be written (disk full, read-only, corrupt): nothing was recorded."""


@dataclass(frozen=True)
class Event:
    seq: int
    id: str
    type: str
    created_at: str
    device_id: str
    schema: int
    payload: dict[str, Any]
    has_personal: bool

    def to_wire(self) -> dict[str, Any]:
        return {"schema": self.schema, "id": self.id, "type": self.type,
                "created_at": self.created_at, "device_id": self.device_id,
                "payload": self.payload}


def _load_or_create_key(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key


class Outbox:
    def __init__(self, path: Path, key_path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fernet = Fernet(_load_or_create_key(key_path))
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > DB_SCHEMA_VERSION:
                raise OutboxError(f"{path}: outbox schema {version} is newer than this kiosk")
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={DB_SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise OutboxError(f"{path}: cannot open outbox ({exc})") from None
        os.chmod(path, 0o600)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def append(
        self,
        event_type: str,
        payload: dict[str, Any],
        device_id: str,
        personal: dict[str, str] | None = None,
    ) -> Event:
        """Durably record an event; raises :class:`OutboxError` if it could not be."""
        if event_type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {event_type!r}")
        event_id = str(uuid.uuid4())
        created = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        sealed = (self._fernet.encrypt(json.dumps(personal, ensure_ascii=False).encode())
                  if personal else None)
        with self._lock:
            try:
                cur = self._db.execute(
                    "INSERT INTO events (id, type, created_at, device_id, schema, payload, sealed) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (event_id, event_type, created, device_id, EVENT_SCHEMA_VERSION, body, sealed))
            except sqlite3.Error as exc:
                raise OutboxError(f"could not record {event_type} event: {exc}") from None
        seq = cur.lastrowid
        assert seq is not None
        return Event(seq, event_id, event_type, created, device_id, EVENT_SCHEMA_VERSION,
                     payload, sealed is not None)

    def pending(self, limit: int = 100) -> list[Event]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, id, type, created_at, device_id, schema, payload, sealed IS NOT NULL "
                "FROM events WHERE sent_at IS NULL ORDER BY seq LIMIT ?", (limit,)).fetchall()
        return [Event(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), bool(r[7])) for r in rows]

    def unseal(self, event_id: str) -> dict[str, str] | None:
        """Personal data of one event, for the sync process only."""
        with self._lock:
            row = self._db.execute("SELECT sealed FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None or row[0] is None:
            return None
        try:
            data: dict[str, str] = json.loads(self._fernet.decrypt(row[0]))
        except InvalidToken:
            raise OutboxError(f"event {event_id}: sealed data does not decrypt with this key") from None
        return data

    def mark_sent(self, event_ids: list[str]) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._lock:
            self._db.executemany("UPDATE events SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
                                 ((now, i) for i in event_ids))

    def count(self, unsent_only: bool = False) -> int:
        where = " WHERE sent_at IS NULL" if unsent_only else ""
        with self._lock:
            return int(self._db.execute(f"SELECT COUNT(*) FROM events{where}").fetchone()[0])
