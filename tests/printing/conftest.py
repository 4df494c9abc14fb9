"""Fixtures for the printing tests: real entries, real sockets, a pty, zbar, CUPS.

The ESC/POS "printers" here are real listeners on 127.0.0.1 (and a real pty for
the serial link) that parse the byte stream the way a printer does: they answer
``DLE EOT n`` at a command boundary and record everything else.  The raster
image is rebuilt from the ``GS v 0`` commands and read back with zbar.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import select
import shutil
import socket
import struct
import subprocess
import threading
import time
import tty
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image
from pyzbar import pyzbar

from kiosk.printing.handoff import Handoff
from kiosk.printing.slip import Slip, build_slip
from offline_cache.kb_schema import Entry, ValidationResult
from offline_cache.kb_sources import builtin_source_dir, load_sources

SERVER_URL = "https://fl.chengbei.example/"
ENTRY_ID = "marriage.divorce-by-agreement"
STATUS_OK = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}
STATUS_PAPER_OUT = {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}
STATUS_COVER_OPEN = {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}
CUPS_QUEUE = os.environ.get("QXL_CUPS_QUEUE", "qxl-pdf")
CUPS_PDF_DIR = Path(os.environ.get("QXL_CUPS_PDF_DIR", "/var/spool/cups-pdf/qxl"))


# ---------------------------------------------------------------------------
# Real content


@pytest.fixture(scope="session")
def entries() -> list[Entry]:
    result = ValidationResult()
    sources = load_sources(builtin_source_dir(), result)
    return sources.entries


@pytest.fixture(scope="session")
def entry(entries: list[Entry]) -> Entry:
    return next(e for e in entries if e.id == ENTRY_ID)


@pytest.fixture
def make_slip(entry: Entry) -> Callable[..., Slip]:
    """A slip for ``entry`` (default: the real divorce-by-agreement answer)."""

    def make(entry_: Entry | None = entry, question: str | None = None, **changes: object) -> Slip:
        base = entry_ if entry_ is not None else entry
        handoff = Handoff.create(
            SERVER_URL, base.question if question is None else question, [base.id], base.topic
        )
        slip = build_slip(entry_, handoff, "城北区公共法律服务中心（演示）", "区中心", "2026.11-test")
        return dataclasses.replace(slip, **changes) if changes else slip

    return make


# ---------------------------------------------------------------------------
# QR decoding


def decode_qr(image: Image.Image) -> list[str]:
    """Every QR code zbar finds in ``image``."""
    grey = image.convert("L")
    return [
        sym.data.decode("utf-8")
        for sym in pyzbar.decode(grey, symbols=[pyzbar.ZBarSymbol.QRCODE])
    ]


@pytest.fixture
def qr_of() -> Callable[[Image.Image], list[str]]:
    return decode_qr


# ---------------------------------------------------------------------------
# ESC/POS stream parsing


class EscposStream:
    """Commands parsed out of bytes sent to a printer."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, bytes]] = []
        self.rasters: list[Image.Image] = []

    def image(self) -> Image.Image:
        """The GS v 0 fragments stacked into one image (white background)."""
        assert self.rasters, "no GS v 0 raster in the stream"
        width = max(r.width for r in self.rasters)
        out = Image.new("1", (width, sum(r.height for r in self.rasters)), 1)
        y = 0
        for r in self.rasters:
            out.paste(r, (0, y))
            y += r.height
        return out

    def names(self) -> list[str]:
        return [name for name, _ in self.commands]


def parse_escpos(buf: bytes | bytearray, stream: EscposStream, start: int = 0) -> int:
    """Parse complete commands from ``buf[start:]``; the index after the last one.

    Raises AssertionError on a byte sequence a printer would not understand.
    """
    p = start
    n = len(buf)
    while p < n:
        b = buf[p]
        if b == 0x10:  # DLE EOT n
            if p + 3 > n:
                break
            assert buf[p + 1] == 0x04, f"unknown DLE command at {p}: {bytes(buf[p:p + 3])!r}"
            stream.commands.append(("DLE EOT", bytes(buf[p + 2 : p + 3])))
            p += 3
        elif b == 0x1B:  # ESC
            if p + 2 > n:
                break
            c = buf[p + 1]
            if c == ord("@"):
                stream.commands.append(("ESC @", b""))
                p += 2
            elif c in (ord("d"), ord("J")):
                if p + 3 > n:
                    break
                stream.commands.append((f"ESC {chr(c)}", bytes(buf[p + 2 : p + 3])))
                p += 3
            else:
                raise AssertionError(f"unknown ESC command at {p}: {bytes(buf[p:p + 3])!r}")
        elif b == 0x1D:  # GS
            if p + 3 > n:
                break
            c = buf[p + 1]
            if c == ord("V"):
                m = buf[p + 2]
                size = 4 if m in (65, 66) else 3
                if p + size > n:
                    break
                stream.commands.append(("GS V", bytes(buf[p + 2 : p + size])))
                p += size
            elif c == ord("v"):
                if p + 8 > n:
                    break
                assert buf[p + 2] == ord("0"), "GS v must be GS v 0"
                xl, xh, yl, yh = buf[p + 4], buf[p + 5], buf[p + 6], buf[p + 7]
                width_bytes, height = xl + 256 * xh, yl + 256 * yh
                end = p + 8 + width_bytes * height
                if end > n:
                    break
                data = bytes(buf[p + 8 : end])
                # In GS v 0 a set bit is a black dot; in Pillow's "1" mode 1 is white.
                raster = Image.frombytes("1", (width_bytes * 8, height), data)
                stream.rasters.append(raster.point(lambda v: 255 - v))
                stream.commands.append(("GS v 0", struct.pack("<HH", width_bytes, height)))
                p = end
            else:
                raise AssertionError(f"unknown GS command at {p}: {bytes(buf[p:p + 3])!r}")
        elif b == 0x0A:
            stream.commands.append(("LF", b""))
            p += 1
        else:
            raise AssertionError(f"unexpected byte 0x{b:02x} at {p}")
    return p


@pytest.fixture
def escpos_parse() -> Callable[[bytes], EscposStream]:
    def parse(data: bytes) -> EscposStream:
        stream = EscposStream()
        end = parse_escpos(data, stream)
        assert end == len(data), f"{len(data) - end} trailing bytes do not form a command"
        return stream

    return parse


# ---------------------------------------------------------------------------
# A network ESC/POS printer on 127.0.0.1


class FakeNetworkPrinter:
    """Listens on 127.0.0.1:<ephemeral>, one thread per connection.

    ``behaviour``:
      * ``"ok"``: answer status queries with ``status``, record everything;
      * ``"silent"``: accept, then never read and never answer;
      * ``"close-mid-job"``: answer status, then reset the connection once
        ``close_after`` bytes of the first raster have arrived;
      * ``"stall-after-status"``: answer the first status round, then stop reading.
    """

    def __init__(self, behaviour: str = "ok", status: dict[int, int] | None = None,
                 close_after: int = 1000) -> None:
        self.behaviour = behaviour
        self.status = dict(status or STATUS_OK)
        self.close_after = close_after
        self.received: list[bytearray] = []
        self.streams: list[EscposStream] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if behaviour == "stall-after-status":
            # A small receive window (inherited by accepted sockets), as a printer
            # with a full input buffer has: the job cannot hide in kernel buffers.
            self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(8)
        self._server.settimeout(0.1)
        self.port = self._server.getsockname()[1]
        self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._accept_thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._conns.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        buf = bytearray()
        stream = EscposStream()
        self.received.append(buf)
        self.streams.append(stream)
        conn.settimeout(0.1)
        parsed = 0
        answered = 0
        try:
            if self.behaviour == "silent":
                self._stop.wait()
                return
            while not self._stop.is_set():
                if self.behaviour == "stall-after-status" and answered >= 4:
                    self._stop.wait()
                    return
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                buf.extend(chunk)
                before = len(stream.commands)
                parsed = parse_escpos(buf, stream, parsed)
                for name, arg in stream.commands[before:]:
                    if name == "DLE EOT" and self.behaviour != "silent":
                        conn.sendall(bytes((self.status[arg[0]],)))
                        answered += 1
                if (self.behaviour == "close-mid-job" and "ESC @" in stream.names()
                        and len(buf) >= self.close_after):
                    # Reset, as a printer that reboots or drops the link would.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
        except (OSError, AssertionError) as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    def job(self) -> EscposStream:
        """The stream of the connection that carried the raster."""
        for stream in self.streams:
            if stream.rasters:
                return stream
        raise AssertionError(f"no job received; streams: {[s.names() for s in self.streams]}")

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._accept_thread.join(5)
        for t in self._threads:
            t.join(5)
        for c in self._conns:
            with contextlib.suppress(OSError):
                c.close()


@pytest.fixture
def network_printer() -> Iterator[Callable[..., FakeNetworkPrinter]]:
    made: list[FakeNetworkPrinter] = []

    def make(behaviour: str = "ok", status: dict[int, int] | None = None,
             close_after: int = 1000) -> FakeNetworkPrinter:
        printer = FakeNetworkPrinter(behaviour, status, close_after)
        made.append(printer)
        return printer

    yield make
    for printer in made:
        printer.close()


# ---------------------------------------------------------------------------
# A serial ESC/POS printer on a pty


class FakeSerialPrinter:
    """The printer end of a pseudo-terminal; the kiosk opens ``devfile``."""

    def __init__(self, status: dict[int, int] | None = None) -> None:
        self.status = dict(status or STATUS_OK)
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.devfile = os.ttyname(self._slave)
        self.received = bytearray()
        self.stream = EscposStream()
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        parsed = 0
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if not ready:
                    continue
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # EIO: nobody has the other end open right now
                    time.sleep(0.01)
                    continue
                self.received.extend(chunk)
                before = len(self.stream.commands)
                parsed = parse_escpos(self.received, self.stream, parsed)
                for name, arg in self.stream.commands[before:]:
                    if name == "DLE EOT":
                        os.write(self.master, bytes((self.status[arg[0]],)))
        except (OSError, AssertionError) as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        os.close(self.master)
        os.close(self._slave)


@pytest.fixture
def serial_printer() -> Iterator[FakeSerialPrinter]:
    printer = FakeSerialPrinter()
    yield printer
    printer.close()


# ---------------------------------------------------------------------------
# CUPS


def _cups_unavailable() -> str | None:
    for tool in ("lp", "lpstat", "pdftoppm"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (apt-get install cups-client poppler-utils)"
    done = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, timeout=10,
                          env={**os.environ, "LC_ALL": "C"}, check=False)
    if "scheduler is running" not in done.stdout:
        return "cupsd is not running (run deploy/ci/start-cups.sh as root)"
    done = subprocess.run(["lpstat", "-p", CUPS_QUEUE], capture_output=True, text=True,
                          timeout=10, env={**os.environ, "LC_ALL": "C"}, check=False)
    if done.returncode != 0:
        return f"CUPS queue {CUPS_QUEUE} missing (run deploy/ci/start-cups.sh as root)"
    return None


@pytest.fixture
def cups_queue() -> str:
    """The cups-pdf queue; skipped where CUPS is not set up, but never on CI."""
    problem = _cups_unavailable()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have CUPS: {problem}")
        pytest.skip(problem)
    return CUPS_QUEUE


@pytest.fixture
def lpstat_tool() -> None:
    """The CUPS client tools, without needing a running cupsd."""
    if shutil.which("lpstat") is None or shutil.which("lp") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have cups-client (lp, lpstat)")
        pytest.skip("cups-client (lp, lpstat) not installed")


def _job_active(queue: str, job_id: str) -> bool:
    done = subprocess.run(["lpstat", "-o", queue], capture_output=True, text=True, timeout=10,
                          env={**os.environ, "LC_ALL": "C"}, check=False)
    return any(line.split()[:1] == [job_id] for line in done.stdout.splitlines())


@pytest.fixture
def wait_for_pdf() -> Callable[[str, str, float], Path]:
    """Wait (bounded) for cups-pdf to finish job ``job_id`` whose title has ``marker``."""

    def wait(job_id: str, marker: str, timeout_s: float = 60.0) -> Path:
        deadline = time.monotonic() + timeout_s
        queue = job_id.rsplit("-", 1)[0]
        number = job_id.rsplit("-", 1)[1]
        while time.monotonic() < deadline:
            found = [p for p in CUPS_PDF_DIR.glob(f"*{marker}*.pdf") if f"job_{number}" in p.name]
            if found and not _job_active(queue, job_id):
                return found[0]
            time.sleep(0.2)
        listing = sorted(p.name for p in CUPS_PDF_DIR.glob("*"))
        raise AssertionError(f"no PDF for job {job_id} in {CUPS_PDF_DIR} after {timeout_s}s: {listing}")

    return wait


@pytest.fixture
def pdf_pages(tmp_path: Path) -> Callable[[Path], list[Image.Image]]:
    """A PDF as PNG pages through ``pdftoppm -png -r 150``."""

    def convert(pdf: Path) -> list[Image.Image]:
        prefix = tmp_path / "page"
        subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(prefix)], check=True,
                       timeout=60, capture_output=True)
        pages = []
        for png in sorted(tmp_path.glob("page*.png")):
            with Image.open(png) as im:
                pages.append(im.copy())
        return pages

    return convert
