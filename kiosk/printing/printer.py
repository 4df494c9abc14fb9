"""The one printing API the UI and the CLI call.

``make_printer(settings.printer)`` gives a :class:`SlipPrinter` for the configured
kind; ``printer.print_slip(slip)`` draws and prints and never raises for a
printer problem: it returns a :class:`PrintResult` whose ``ok`` says whether
paper came out.  When it is False the caller shows the slip's QR code on
screen and ``resident_message``; ``reason_for_technician`` goes to the log and
the technician screen.  ``printer.kind = "none"`` means screen only.

All calls block (up to a few times ``printer.timeout_s``): the UI runs them in
its background executor, never on the GUI thread.
"""

from __future__ import annotations

import abc
import datetime as dt
import io
import time
from dataclasses import dataclass, field

from PIL import Image

from kiosk.config import PrinterSettings
from kiosk.logsetup import get_logger
from kiosk.printing.cups_backend import CupsBackend
from kiosk.printing.errors import (
    RESIDENT_PRINTED,
    RESIDENT_SCREEN_ONLY,
    Fault,
    PrintError,
)
from kiosk.printing.escpos_backend import EscposBackend
from kiosk.printing.fonts import FontNotFoundError
from kiosk.printing.render import THERMAL_DPI, pdf_bytes, render_slip
from kiosk.printing.slip import HEADING, Paper, Slip
from kiosk.printing.status import PrinterStatus

log = get_logger("print")

TEST_REFERENCE = "TST-TST"


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    reason_for_technician: str
    resident_message: str
    fault: Fault | None = None
    status: PrinterStatus | None = None
    job_id: str = ""
    elapsed_s: float = field(default=0.0, compare=False)

    @property
    def show_qr_on_screen(self) -> bool:
        return not self.ok


class SlipPrinter(abc.ABC):
    """A configured printer. Each call opens and closes its own connection."""

    kind: str
    paper: Paper

    def __init__(self, paper: Paper) -> None:
        self.paper = paper

    def print_slip(self, slip: Slip) -> PrintResult:
        """Draw ``slip`` for this paper and print it; never raises for printer trouble."""
        start = time.monotonic()
        try:
            images = render_slip(slip, self.paper)
        except (FontNotFoundError, ValueError, OSError) as exc:
            return self._failed(PrintError(Fault.RENDER, f"cannot draw the slip: {exc}"), slip, start)
        try:
            status, job_id = self._send(images, slip)
        except PrintError as exc:
            return self._failed(exc, slip, start)
        except Exception as exc:  # a driver's surprise must not cost the resident the QR code
            log.error("printer %s raised %s", self.describe(), type(exc).__name__, exc_info=True)
            error = PrintError(Fault.IO, f"unexpected {type(exc).__name__} from the driver: {exc}")
            return self._failed(error, slip, start)
        notes = status.warnings() if status is not None else []
        reason = f"printed on {self.describe()}" + (f"; {'; '.join(notes)}" if notes else "")
        elapsed = time.monotonic() - start
        log.info("slip %s printed (%s) in %.2f s", slip.reference, self.kind, elapsed)
        for note in notes:
            log.warning("printer %s: %s", self.describe(), note)
        return PrintResult(True, reason, RESIDENT_PRINTED, status=status, job_id=job_id,
                           elapsed_s=elapsed)

    def _failed(self, exc: PrintError, slip: Slip, start: float) -> PrintResult:
        log.error("slip %s not printed: %s", slip.reference, exc)
        message = exc.resident_message
        if slip.reference and slip.reference != TEST_REFERENCE:
            message += f"也可以把编号 {slip.reference} 告诉工作人员。"
        return PrintResult(False, f"{self.describe()}: {exc}", message, fault=exc.fault,
                           elapsed_s=time.monotonic() - start)

    @abc.abstractmethod
    def _send(self, images: list[Image.Image], slip: Slip) -> tuple[PrinterStatus | None, str]:
        """Print the rendered slip; (status after, job id). Raises :class:`PrintError`."""

    def status(self) -> PrinterStatus | None:
        """The printer's status where it can tell; ``None`` when it cannot."""
        return None

    @abc.abstractmethod
    def describe(self) -> str:
        """Kind and address, for technicians."""


class ScreenOnlyPrinter(SlipPrinter):
    kind = "none"

    def print_slip(self, slip: Slip) -> PrintResult:
        return PrintResult(
            False, "printer.kind = none: no printer configured, QR code shown on screen",
            RESIDENT_SCREEN_ONLY, fault=None,
        )

    def _send(self, images: list[Image.Image], slip: Slip) -> tuple[PrinterStatus | None, str]:
        raise AssertionError("unreachable")

    def describe(self) -> str:
        return "no printer (screen only)"


class EscposSlipPrinter(SlipPrinter):
    def __init__(self, backend: EscposBackend, paper: Paper) -> None:
        if paper == "a4":
            raise PrintError(Fault.CONFIG, "printer.paper = a4 needs printer.kind = cups")
        super().__init__(paper)
        self.backend = backend
        self.kind = backend.address.kind

    def _send(self, images: list[Image.Image], slip: Slip) -> tuple[PrinterStatus | None, str]:
        return self.backend.print_image(images[0]), ""

    def status(self) -> PrinterStatus | None:
        return self.backend.status()

    def describe(self) -> str:
        return f"{self.kind} {self.backend.where} ({self.paper})"


class CupsSlipPrinter(SlipPrinter):
    kind = "cups"

    def __init__(self, backend: CupsBackend, paper: Paper) -> None:
        super().__init__(paper)
        self.backend = backend

    def _send(self, images: list[Image.Image], slip: Slip) -> tuple[PrinterStatus | None, str]:
        title = f"qxl-slip-{slip.reference}"
        if self.paper == "a4":
            data = pdf_bytes(images, title=f"{HEADING} {slip.reference}")
            return None, self.backend.submit(data, ".pdf", title, ["media=A4"])
        png = _png_bytes(images[0])
        return None, self.backend.submit(png, ".png", title, [f"ppi={THERMAL_DPI}"])

    def describe(self) -> str:
        return f"cups queue {self.backend.queue} ({self.paper})"


def _png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(THERMAL_DPI, THERMAL_DPI))
    return buf.getvalue()


class _BrokenPrinter(SlipPrinter):
    """Settings that cannot work: every print fails with the same precise reason."""

    def __init__(self, error: PrintError, kind: str, paper: Paper) -> None:
        super().__init__(paper)
        self.error = error
        self.kind = kind

    def _send(self, images: list[Image.Image], slip: Slip) -> tuple[PrinterStatus | None, str]:
        raise self.error

    def describe(self) -> str:
        return f"{self.kind} (misconfigured)"


def make_printer(settings: PrinterSettings, cups_server: str | None = None) -> SlipPrinter:
    """The printer ``settings`` describe; bad settings give a printer that always fails."""
    try:
        if settings.kind == "none":
            return ScreenOnlyPrinter(settings.paper)
        if settings.kind == "cups":
            queue = CupsBackend(settings.address, settings.timeout_s, server=cups_server)
            return CupsSlipPrinter(queue, settings.paper)
        backend = EscposBackend(settings.kind, settings.address, settings.timeout_s)
        return EscposSlipPrinter(backend, settings.paper)
    except PrintError as exc:
        log.error("printer settings unusable: %s", exc)
        return _BrokenPrinter(exc, settings.kind, settings.paper)


def print_slip(settings: PrinterSettings, slip: Slip) -> PrintResult:
    """Print ``slip`` on the printer ``settings`` describe (blocking; see the module doc)."""
    return make_printer(settings).print_slip(slip)


def build_test_slip(
    settings: PrinterSettings,
    server_url: str = "",
    service_point: str = "",
    tier: str = "",
    now: dt.datetime | None = None,
) -> Slip:
    """A slip with no resident data that exercises every part of the layout."""
    when = now if now is not None else dt.datetime.now().astimezone()
    stamp = when.strftime("%Y%m%dT%H%M%S")
    base = server_url.strip().rstrip("/")
    return Slip(
        heading=HEADING,
        service_point=service_point or "（技术人员测试）",
        tier=tier or "-",
        printed_at=when,
        reference=TEST_REFERENCE,
        title="打印测试 Print test",
        question="这是一张测试小票，不含居民信息。生僻字：㙍䶮；符号：①②③ ✓",
        short_answer=(
            f"打印机：{settings.kind}，纸张：{settings.paper}，地址：{settings.address or '-'}，"
            f"超时 {settings.timeout_s:g} 秒。下面的二维码应能用手机扫出。"
        ),
        answer="",
        where=("本机所在服务点",),
        bring=("无",),
        time_limits=(),
        steps=("检查文字是否清楚、没有缺字", "用手机扫描二维码", "检查切纸是否整齐"),
        citations=("《民法典》第1087条",),
        needs_lawyer=False,
        entry_id="",
        entry_version=0,
        kb_version="-",
        qr_url=f"{base}/print-test/{stamp}" if base else f"QXL-PRINT-TEST {stamp}",
    )


def print_test_slip(
    settings: PrinterSettings,
    server_url: str = "",
    service_point: str = "",
    tier: str = "",
) -> PrintResult:
    """For ``kiosk print-test``: print :func:`build_test_slip` and report plainly."""
    return make_printer(settings).print_slip(build_test_slip(settings, server_url, service_point, tier))
