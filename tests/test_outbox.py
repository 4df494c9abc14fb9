"""The outbox on real SQLite files: durable, sealed, and honest when the disk is full."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from offline_cache.outbox import EVENT_SCHEMA_VERSION, Outbox, OutboxError


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    box = Outbox(tmp_path / "outbox" / "outbox.sqlite", tmp_path / "secrets" / "outbox.key")
    yield box
    box.close()


def test_event_envelope_and_order(outbox: Outbox) -> None:
    first = outbox.append("rating", {"level": "satisfied"}, "dev-1")
    second = outbox.append("session_ended", {"reason": "idle_timeout"}, "dev-1")
    pending = outbox.pending()
    assert [e.id for e in pending] == [first.id, second.id]
    wire = pending[0].to_wire()
    assert set(wire) == {"schema", "id", "type", "created_at", "device_id", "payload"}
    assert wire["schema"] == EVENT_SCHEMA_VERSION
    assert wire["created_at"].endswith("Z")
    outbox.mark_sent([first.id])
    assert [e.id for e in outbox.pending()] == [second.id]
    assert outbox.count() == 2 and outbox.count(unsent_only=True) == 1


def test_unknown_event_type_is_refused(outbox: Outbox) -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        outbox.append("party", {}, "dev-1")


def test_personal_data_is_sealed_at_rest(outbox: Outbox, tmp_path: Path) -> None:
    phone = "13912345678"
    event = outbox.append("callback_request", {"topic": "labour"}, "dev-1",
                          personal={"name": "王秀英", "phone": phone})
    assert event.has_personal
    raw = (tmp_path / "outbox" / "outbox.sqlite").read_bytes()
    wal = tmp_path / "outbox" / "outbox.sqlite-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert phone.encode() not in raw
    assert "王秀英".encode() not in raw
    assert outbox.unseal(event.id) == {"name": "王秀英", "phone": phone}
    key = tmp_path / "secrets" / "outbox.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "outbox" / "outbox.sqlite").stat().st_mode) == 0o600


def test_a_killed_process_loses_no_committed_event(tmp_path: Path) -> None:
    """Write events in a child, SIGKILL it right after the last commit, read them back."""
    db, key = tmp_path / "o.sqlite", tmp_path / "k"
    script = textwrap.dedent(f"""
        import os, signal, sys
        from pathlib import Path
        from offline_cache.outbox import Outbox
        box = Outbox(Path({str(db)!r}), Path({str(key)!r}))
        for i in range(50):
            box.append("rating", {{"n": i}}, "dev")
        print("committed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == -signal.SIGKILL
    assert "committed" in proc.stdout
    box = Outbox(db, key)
    try:
        assert [e.payload["n"] for e in box.pending(limit=100)] == list(range(50))
    finally:
        box.close()


def test_full_disk_raises_and_keeps_what_was_there(outbox: Outbox) -> None:
    outbox.append("rating", {"level": "satisfied"}, "dev-1")
    # Simulate a full disk: SQLite reports SQLITE_FULL once the page limit is reached.
    outbox._db.execute("PRAGMA max_page_count = 1")
    with pytest.raises(OutboxError, match="could not record rating"):
        for _ in range(1000):
            outbox.append("rating", {"level": "x" * 2000}, "dev-1")
    assert outbox.pending()[0].payload == {"level": "satisfied"}


def test_a_newer_schema_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(OutboxError, match="newer than this kiosk"):
        Outbox(path, tmp_path / "k")


def test_a_corrupt_outbox_is_an_outbox_error(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(OutboxError, match="cannot open outbox"):
        Outbox(path, tmp_path / "k")
