"""ESC/POS roll printers through python-escpos: network, serial or USB.

A job is: open → status (``DLE EOT``) → refuse if not ready → ``ESC @`` →
the slip as a raster image (``GS v 0``, python-escpos ``bitImageRaster``) →
feed and cut → status again → close.

Every blocking step is bounded by ``printer.timeout_s``: the TCP connect, each
write (a whole fragment of the image) and each status read.  A printer that
accepts a connection and then never answers, or closes it mid-job, ends in a
:class:`~kiosk.printing.errors.PrintError` naming the step, never in a hang.

The status query after the job matters on a network printer: the printer reads
its input in order, so its answer proves every byte before it arrived, and
only then is the socket closed (closing with unread input would reset the
connection and could drop the end of the job).

A network printer must answer status queries (every Epson-compatible printer
does on port 9100); one that does not is reported as hung.  Serial and USB
links are often one-way, so there a missing answer means "status unknown" and
the job goes ahead.

Addresses (``printer.address``):

* ``escpos-network``: ``host:port`` (port 9100 when left out; ``[::1]:9100`` for IPv6);
* ``escpos-serial``: ``/dev/ttyUSB0``, or ``/dev/ttyUSB0@115200`` for a baud rate other than 9600;
* ``escpos-usb``: ``vid:pid`` in hex, e.g. ``0416:5011``.
"""

from __future__ import annotations

import copy
import functools
import socket
import time
from dataclasses import dataclass
from typing import Any, Literal

from PIL import Image

from kiosk.logsetup import get_logger
from kiosk.printing import status as st
from kiosk.printing.errors import RESIDENT_PAPER_OUT, Fault, PrintError
from kiosk.printing.status import PrinterStatus

log = get_logger("print")

EscposKind = Literal["escpos-network", "escpos-serial", "escpos-usb"]
ESC_INIT = b"\x1b@"
IMAGE_IMPL = "bitImageRaster"  # GS v 0: the most widely supported raster command
FRAGMENT_ROWS = 480  # rows per GS v 0 command; small enough for cheap printers' buffers
DEFAULT_PORT = 9100
# A modest send buffer (no autotuning up to megabytes), so a job is "sent" only
# when the printer has taken most of it and a printer that stops reading trips
# the timeout while the job is being sent.  32 KiB is still far more than the
# fastest receipt printer prints in a round trip on a LAN.
SEND_BUFFER_BYTES = 32 * 1024
DEFAULT_BAUD = 9600
STATUS_QUERIES = (st.PRINTER, st.OFFLINE_CAUSE, st.ERROR_CAUSE, st.PAPER)


@dataclass(frozen=True)
class EscposAddress:
    kind: EscposKind
    host: str = ""
    port: int = DEFAULT_PORT
    devfile: str = ""
    baudrate: int = DEFAULT_BAUD
    vid: int = 0
    pid: int = 0

    def describe(self) -> str:
        if self.kind == "escpos-network":
            return f"{self.host}:{self.port}"
        if self.kind == "escpos-serial":
            return f"{self.devfile}@{self.baudrate}"
        return f"USB {self.vid:04x}:{self.pid:04x}"


def parse_address(kind: str, address: str) -> EscposAddress:
    """``printer.address`` for ``kind``; :class:`PrintError` (``config``) when it cannot work."""
    address = address.strip()

    def bad(expected: str) -> PrintError:
        return PrintError(Fault.CONFIG, f"printer.address {address!r}: expected {expected} for {kind}")

    if kind == "escpos-network":
        host, port_text = address, ""
        if address.startswith("["):
            host, _, rest = address[1:].partition("]")
            port_text = rest.removeprefix(":")
        elif address.count(":") == 1:
            host, _, port_text = address.partition(":")
        if not host:
            raise bad("host:port")
        try:
            port = int(port_text) if port_text else DEFAULT_PORT
        except ValueError:
            raise bad("host:port with a numeric port") from None
        if not 0 < port < 65536:
            raise bad("a port between 1 and 65535")
        return EscposAddress("escpos-network", host=host, port=port)
    if kind == "escpos-serial":
        devfile, _, baud_text = address.partition("@")
        if not devfile.startswith("/"):
            raise bad("a device path such as /dev/ttyUSB0 (optionally @baud)")
        try:
            baud = int(baud_text) if baud_text else DEFAULT_BAUD
        except ValueError:
            raise bad("/dev/ttyUSB0@BAUD with a numeric baud rate") from None
        return EscposAddress("escpos-serial", devfile=devfile, baudrate=baud)
    if kind == "escpos-usb":
        vid_text, sep, pid_text = address.partition(":")
        try:
            vid, pid = int(vid_text, 16), int(pid_text, 16)
        except ValueError:
            raise bad("vid:pid in hex, such as 0416:5011") from None
        if not sep or not (0 < vid <= 0xFFFF and 0 < pid <= 0xFFFF):
            raise bad("vid:pid in hex, such as 0416:5011")
        return EscposAddress("escpos-usb", vid=vid, pid=pid)
    raise PrintError(Fault.CONFIG, f"printer.kind {kind!r} is not an ESC/POS printer")


@functools.cache
def _network_class() -> Any:
    """python-escpos' Network, minus its socket leak when a connect fails, plus IPv6.

    Built on first use: importing python-escpos takes a third of a second, which
    the kiosk should not pay at start for a printer it may never use.
    """
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Network

    class _Network(Network):
        def open(self, raise_not_found: bool = True) -> None:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            except OSError as exc:  # create_connection closes what it opened
                self.device = None
                raise DeviceNotFoundError(str(exc)) from None
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
            self.device = sock

    return _Network


def _fault_for(exc: BaseException) -> Fault:
    if isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__:
        return Fault.TIMEOUT
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return Fault.CONNECTION_LOST
    return Fault.IO


class EscposBackend:
    """One ESC/POS printer; each call opens and closes its own connection."""

    def __init__(self, kind: str, address: str, timeout_s: float = 5.0) -> None:
        self.address = parse_address(kind, address)
        if timeout_s <= 0:
            raise PrintError(Fault.CONFIG, f"printer.timeout_s must be positive, got {timeout_s}")
        self.timeout_s = timeout_s
        # A network printer must answer status queries; serial and USB links may be one-way.
        self.status_required = self.address.kind == "escpos-network"

    @property
    def where(self) -> str:
        return self.address.describe()

    # -- connection --------------------------------------------------------------

    def _make(self) -> Any:
        a = self.address
        try:
            if a.kind == "escpos-network":
                return _network_class()(host=a.host, port=a.port, timeout=self.timeout_s)
            if a.kind == "escpos-serial":
                from escpos.printer import Serial

                return Serial(devfile=a.devfile, baudrate=a.baudrate, timeout=self.timeout_s)
            from escpos.printer import Usb

            return Usb(idVendor=a.vid, idProduct=a.pid, timeout=int(self.timeout_s * 1000))
        except RuntimeError as exc:  # python-escpos: a transport's dependency is missing
            raise PrintError(Fault.CONFIG, f"{a.kind} unavailable: {exc}") from None

    def _open(self) -> Any:
        from escpos.exceptions import DeviceNotFoundError

        printer = self._make()
        try:
            printer.open()
        except DeviceNotFoundError as exc:
            detail = " ".join(str(getattr(exc, "msg", "") or exc).split())
            raise PrintError(Fault.CONNECT, f"cannot open printer {self.where}: {detail}") from None
        except RuntimeError as exc:
            raise PrintError(Fault.CONFIG, f"{self.address.kind} unavailable: {exc}") from None
        dev = printer.device
        if dev is None:
            raise PrintError(Fault.CONNECT, f"cannot open printer {self.where}")
        if self.address.kind == "escpos-serial":
            dev.write_timeout = self.timeout_s
            dev.reset_input_buffer()
        elif self.address.kind == "escpos-usb":
            dev.default_timeout = int(self.timeout_s * 1000)
            _use_bulk_endpoints(printer)
        return printer

    def _close(self, printer: Any) -> None:
        """Close without ever blocking longer than the timeout."""
        try:
            if self.address.kind == "escpos-serial":
                dev = printer._device
                if dev:
                    dev.reset_output_buffer()  # never wait on a stuck port (close would)
                    dev.close()
                printer._device = False
            else:
                if self.address.kind == "escpos-network":
                    _drain(printer)
                printer.close()
        except OSError as exc:
            log.warning("closing printer %s: %s", self.where, exc)

    def _send(self, printer: Any, data: bytes, phase: str) -> None:
        try:
            printer._raw(data)
        except OSError as exc:
            raise self._io_error(exc, phase) from None

    def _io_error(self, exc: OSError, phase: str) -> PrintError:
        fault = _fault_for(exc)
        if fault is Fault.TIMEOUT:
            why = f"printer {self.where} did not take data for {self.timeout_s:g} s while {phase}"
        elif fault is Fault.CONNECTION_LOST:
            why = f"printer {self.where} closed the connection while {phase} ({exc})"
        else:
            why = f"I/O error with printer {self.where} while {phase}: {exc}"
        return PrintError(fault, why)

    # -- status ----------------------------------------------------------------

    def _read_status_byte(self, printer: Any, n: int, phase: str) -> int | None:
        """The answer to ``DLE EOT n``; ``None`` when the printer said nothing in time."""
        self._send(printer, st.query(n), phase)
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                if self.address.kind == "escpos-serial":
                    data = printer.device.read(1)
                else:
                    data = bytes(printer._read())
            except OSError as exc:
                if _fault_for(exc) is Fault.TIMEOUT:
                    return None
                raise self._io_error(exc, phase) from None
            if not data:
                if self.address.kind == "escpos-network":
                    raise PrintError(
                        Fault.CONNECTION_LOST,
                        f"printer {self.where} closed the connection while {phase}",
                    )
                if time.monotonic() >= deadline:
                    return None
                continue
            for value in reversed(data):
                if st.is_status_byte(value):
                    return value
            if time.monotonic() >= deadline:
                raise PrintError(
                    Fault.IO, f"printer {self.where} answered DLE EOT {n} with {data.hex()}, "
                    "not a status byte: is it an ESC/POS printer?",
                )

    def _query_status(self, printer: Any, phase: str) -> PrinterStatus:
        answers: dict[int, int] = {}
        for n in STATUS_QUERIES:
            value = self._read_status_byte(printer, n, phase)
            if value is None:
                if self.status_required:
                    raise PrintError(
                        Fault.NO_ANSWER,
                        f"printer {self.where} accepted the connection but did not answer the "
                        f"status query DLE EOT {n} within {self.timeout_s:g} s while {phase}: "
                        "hung, or not an ESC/POS printer",
                    )
                return st.UNKNOWN
            answers[n] = value
        return st.decode(answers)

    def status(self) -> PrinterStatus:
        """Ask the printer how it is (opens and closes a connection)."""
        printer = self._open()
        try:
            return self._query_status(printer, "reading its status")
        finally:
            self._close(printer)

    # -- printing --------------------------------------------------------------

    def print_image(self, image: Image.Image) -> PrinterStatus:
        """Print a 1-bit slip image and cut; the status after the job comes back.

        :class:`PrintError` with fault ``not-ready`` if the printer reports paper
        out, cover open or an error before the job (nothing is sent then).
        """
        printer = self._open()
        try:
            before = self._query_status(printer, "checking it before printing")
            _raise_if_not_ready(before, self.where, "before printing")
            _set_media_width(printer, image.width)
            self._send(printer, ESC_INIT, "initialising")
            try:
                printer.image(image, impl=IMAGE_IMPL, fragment_height=FRAGMENT_ROWS)
                printer.cut()
            except OSError as exc:
                raise self._io_error(exc, "sending the slip image") from None
            self._wait_written(printer)
            if not before.answered:  # a one-way link: do not wait for silence twice
                return before
            after = self._query_status(printer, "confirming the job")
            _raise_if_not_ready(after, self.where, "after the job (the slip may be incomplete)")
            return after
        finally:
            self._close(printer)

    def _wait_written(self, printer: Any) -> None:
        """On a serial port, wait (bounded) until the driver has sent everything."""
        if self.address.kind != "escpos-serial":
            return
        deadline = time.monotonic() + self.timeout_s
        dev = printer.device
        try:
            while dev.out_waiting:
                if time.monotonic() >= deadline:
                    raise PrintError(
                        Fault.TIMEOUT,
                        f"printer {self.where} did not take data for {self.timeout_s:g} s "
                        "while sending the slip image (serial output stuck: flow control?)",
                    )
                time.sleep(0.01)
        except OSError as exc:
            raise self._io_error(exc, "sending the slip image") from None


def _raise_if_not_ready(status: PrinterStatus, where: str, when: str) -> None:
    if not status.answered or status.ready:
        return
    problems = status.problems()
    message = RESIDENT_PAPER_OUT if status.paper_out else None
    err = PrintError(Fault.NOT_READY, f"printer {where} {when}: {'; '.join(problems)}")
    if message:
        err.resident_message = message
    raise err


def _set_media_width(printer: Any, width: int) -> None:
    """Tell python-escpos the paper width (a private copy: profiles are shared)."""
    data = copy.deepcopy(printer.profile.profile_data)
    data.setdefault("media", {}).setdefault("width", {})["pixels"] = width
    printer.profile.profile_data = data


def _drain(printer: Any) -> None:
    """Read what the printer sent unasked, so closing does not reset the connection."""
    sock = printer._device
    if not sock:
        return
    try:
        sock.setblocking(False)
        while sock.recv(64):
            pass
    except OSError:
        pass


def _use_bulk_endpoints(printer: Any) -> None:
    """Pick the printer's bulk IN/OUT endpoints instead of python-escpos' fixed 0x82/0x01."""
    try:
        interface = printer.device.get_active_configuration()[(0, 0)]
        for endpoint in interface:
            if endpoint.bmAttributes & 0x03 != 0x02:  # bulk only
                continue
            if endpoint.bEndpointAddress & 0x80:
                printer.in_ep = endpoint.bEndpointAddress
            else:
                printer.out_ep = endpoint.bEndpointAddress
    except (OSError, LookupError, AttributeError, NotImplementedError) as exc:
        log.warning("USB endpoints not detected, using python-escpos defaults: %s", exc)
