"""CUPS through a real cupsd and the cups-pdf queue set up by deploy/ci/start-cups.sh."""

from __future__ import annotations

import socket

import pytest

from kiosk.config import PrinterSettings
from kiosk.printing.cups_backend import CupsBackend
from kiosk.printing.errors import Fault, PrintError
from kiosk.printing.printer import make_printer, print_slip

pytestmark = pytest.mark.slow


def cups_settings(queue: str, paper: str = "a4") -> PrinterSettings:
    return PrinterSettings(kind="cups", paper=paper, address=queue, timeout_s=15.0)  # type: ignore[arg-type]


def test_a4_slip_through_cups_pdf_decodes_to_the_handoff_url(
    cups_queue, make_slip, wait_for_pdf, pdf_pages, qr_of
):
    slip = make_slip()
    result = print_slip(cups_settings(cups_queue), slip)
    assert result.ok, result.reason_for_technician
    assert result.job_id.startswith(f"{cups_queue}-")
    pdf = wait_for_pdf(result.job_id, f"qxl-slip-{slip.reference}")
    pages = pdf_pages(pdf)
    assert pages, "pdftoppm produced no page"
    # 150 dpi rendering of an A4 page
    assert abs(pages[0].width - 1240) <= 2 and abs(pages[0].height - 1754) <= 2
    assert qr_of(pages[0]) == [slip.qr_url]


def test_roll_slip_through_cups_as_png(cups_queue, make_slip, wait_for_pdf, pdf_pages, qr_of):
    slip = make_slip()
    result = print_slip(cups_settings(cups_queue, paper="80mm"), slip)
    assert result.ok, result.reason_for_technician
    pdf = wait_for_pdf(result.job_id, f"qxl-slip-{slip.reference}")
    found = [url for page in pdf_pages(pdf) for url in qr_of(page)]
    assert found == [slip.qr_url]


def test_missing_queue_is_a_precise_error(cups_queue, make_slip):
    result = print_slip(cups_settings("qxl-no-such-queue"), make_slip())
    assert not result.ok
    assert result.fault is Fault.QUEUE_MISSING
    assert "'qxl-no-such-queue' does not exist" in result.reason_for_technician
    assert result.show_qr_on_screen


def test_dead_cupsd_is_a_precise_error(lpstat_tool, make_slip):
    # A loopback port nobody listens on stands for a cupsd that is not running.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    printer = make_printer(cups_settings("qxl-pdf"), cups_server=f"127.0.0.1:{port}")
    result = printer.print_slip(make_slip())
    assert not result.ok
    assert result.fault is Fault.CUPS_DOWN
    assert f"scheduler at 127.0.0.1:{port} is not running" in result.reason_for_technician


def test_check_queue_passes_for_the_real_queue(cups_queue):
    CupsBackend(cups_queue, timeout_s=15.0).check_queue()


@pytest.mark.parametrize("name", ["", "has space", "a/b", "x#y"])
def test_bad_queue_names_are_config_errors(name):
    with pytest.raises(PrintError) as err:
        CupsBackend(name)
    assert err.value.fault is Fault.CONFIG
