"""ESC/POS over real transports: a TCP listener on 127.0.0.1 and a pty."""

from __future__ import annotations

import socket
import time

import pytest

from kiosk.config import PrinterSettings
from kiosk.printing.errors import RESIDENT_PAPER_OUT, Fault, PrintError
from kiosk.printing.escpos_backend import EscposBackend, parse_address
from kiosk.printing.printer import make_printer, print_slip, print_test_slip

STATUS_PAPER_OUT = {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}  # offline, stopped at paper end
STATUS_COVER_OPEN = {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}


def settings(address: str, paper: str = "58mm", timeout_s: float = 2.0,
             kind: str = "escpos-network") -> PrinterSettings:
    return PrinterSettings(kind=kind, paper=paper, address=address, timeout_s=timeout_s)  # type: ignore[arg-type]


@pytest.mark.parametrize("paper,width", [("58mm", 384), ("80mm", 576)])
def test_network_print_rebuilds_to_the_handoff_qr(
    network_printer, make_slip, escpos_parse, qr_of, paper, width
):
    printer = network_printer()
    slip = make_slip()
    result = print_slip(settings(printer.address, paper), slip)
    assert result.ok, result.reason_for_technician
    assert result.status is not None and result.status.ready
    assert not printer.errors

    job = escpos_parse(bytes(printer.received[0]))
    names = job.names()
    fragments = names.count("GS v 0")
    # status, init, the raster in fragments, feed, cut, the confirming status
    assert names == (
        ["DLE EOT"] * 4 + ["ESC @"] + ["GS v 0"] * fragments + ["ESC d", "GS V"]
        + ["DLE EOT"] * 4
    )
    image = job.image()
    assert image.width == width
    assert qr_of(image) == [slip.qr_url]


def test_status_paper_out_refuses_before_sending(network_printer, make_slip):
    printer = network_printer(status=STATUS_PAPER_OUT)
    result = print_slip(settings(printer.address), make_slip())
    assert not result.ok
    assert result.fault is Fault.NOT_READY
    assert "paper out" in result.reason_for_technician
    assert printer.address in result.reason_for_technician
    assert result.resident_message.startswith(RESIDENT_PAPER_OUT)
    assert result.show_qr_on_screen
    # nothing but status queries went to the printer
    assert all(not stream.rasters for stream in printer.streams)


def test_status_cover_open_is_reported(network_printer):
    printer = network_printer(status=STATUS_COVER_OPEN)
    backend = EscposBackend("escpos-network", printer.address, 2.0)
    status = backend.status()
    assert status.answered and not status.ready
    assert status.cover_open and not status.paper_out
    assert status.problems() == ["cover open"]


def test_paper_near_end_prints_with_a_warning(network_printer, make_slip):
    printer = network_printer(status={1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E})
    result = print_slip(settings(printer.address), make_slip())
    assert result.ok
    assert "paper near end" in result.reason_for_technician


def test_silent_printer_gives_a_bounded_precise_error(network_printer, make_slip):
    printer = network_printer("silent")
    start = time.monotonic()
    result = print_slip(settings(printer.address, timeout_s=0.5), make_slip())
    elapsed = time.monotonic() - start
    assert not result.ok
    assert result.fault is Fault.NO_ANSWER
    assert "did not answer the status query DLE EOT 1 within 0.5 s" in result.reason_for_technician
    assert elapsed < 5


def test_silent_printer_status_raises(network_printer):
    printer = network_printer("silent")
    backend = EscposBackend("escpos-network", printer.address, 0.3)
    start = time.monotonic()
    with pytest.raises(PrintError) as err:
        backend.status()
    assert err.value.fault is Fault.NO_ANSWER
    assert time.monotonic() - start < 3


def test_printer_that_stops_reading_mid_job_times_out(network_printer, make_slip):
    # Answers the first status round, then never reads again (its buffer is full).
    printer = network_printer("stall-after-status")
    start = time.monotonic()
    result = print_slip(settings(printer.address, paper="80mm", timeout_s=0.5), make_slip())
    assert not result.ok
    assert result.fault is Fault.TIMEOUT, result.reason_for_technician
    assert "did not take data for 0.5 s while sending the slip image" in (
        result.reason_for_technician
    )
    assert time.monotonic() - start < 10


def test_printer_closing_mid_job_is_connection_lost(network_printer, make_slip):
    printer = network_printer("close-mid-job", close_after=2000)
    start = time.monotonic()
    result = print_slip(settings(printer.address, timeout_s=2.0), make_slip())
    assert not result.ok
    assert result.fault is Fault.CONNECTION_LOST, result.reason_for_technician
    assert "closed the connection" in result.reason_for_technician
    assert time.monotonic() - start < 5


def test_nothing_listening_is_a_connect_error(make_slip):
    # An ephemeral port nobody listens on: bind, note the port, close.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = print_slip(settings(f"127.0.0.1:{port}", timeout_s=1.0), make_slip())
    assert not result.ok
    assert result.fault is Fault.CONNECT
    assert f"127.0.0.1:{port}" in result.reason_for_technician
    assert result.resident_message.endswith("告诉工作人员。")


def test_print_test_slip_for_technicians(network_printer, qr_of):
    printer = network_printer()
    result = print_test_slip(settings(printer.address, "80mm"), server_url="https://x.example//")
    assert result.ok, result.reason_for_technician
    urls = qr_of(printer.job().image())
    assert len(urls) == 1 and urls[0].startswith("https://x.example/print-test/")


def test_serial_link_over_a_pty(serial_printer, make_slip, qr_of):
    slip = make_slip()
    printer = make_printer(settings(serial_printer.devfile, kind="escpos-serial"))
    result = printer.print_slip(slip)
    assert result.ok, result.reason_for_technician
    assert not serial_printer.errors
    # the serial reader may still be catching up with the last bytes
    deadline = time.monotonic() + 5
    while serial_printer.stream.names()[-1:] != ["DLE EOT"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert qr_of(serial_printer.stream.image()) == [slip.qr_url]


def test_missing_serial_device_is_a_connect_error(make_slip):
    result = print_slip(settings("/dev/ttyQXL-none", kind="escpos-serial"), make_slip())
    assert not result.ok
    assert result.fault is Fault.CONNECT
    assert "/dev/ttyQXL-none" in result.reason_for_technician


def test_missing_usb_device_is_a_precise_error(make_slip):
    result = print_slip(settings("0416:5011", kind="escpos-usb"), make_slip())
    assert not result.ok
    assert result.fault in (Fault.CONNECT, Fault.CONFIG)
    assert "0416:5011" in result.reason_for_technician or "usb" in result.reason_for_technician


@pytest.mark.parametrize(
    "kind,address,expected",
    [
        ("escpos-network", "192.0.2.7", "192.0.2.7:9100"),
        ("escpos-network", "printer.local:9101", "printer.local:9101"),
        ("escpos-network", "[::1]:9100", "::1:9100"),
        ("escpos-serial", "/dev/ttyUSB0", "/dev/ttyUSB0@9600"),
        ("escpos-serial", "/dev/ttyS1@115200", "/dev/ttyS1@115200"),
        ("escpos-usb", "0416:5011", "USB 0416:5011"),
        ("escpos-usb", "0x04b8:0x0202", "USB 04b8:0202"),
    ],
)
def test_addresses(kind, address, expected):
    assert parse_address(kind, address).describe() == expected


@pytest.mark.parametrize(
    "kind,address",
    [
        ("escpos-network", ""),
        ("escpos-network", "host:port"),
        ("escpos-network", "host:70000"),
        ("escpos-serial", "ttyUSB0"),
        ("escpos-serial", "/dev/ttyUSB0@fast"),
        ("escpos-usb", "printer"),
        ("escpos-usb", "0416"),
    ],
)
def test_bad_addresses_are_config_errors(kind, address, make_slip):
    with pytest.raises(PrintError) as err:
        parse_address(kind, address)
    assert err.value.fault is Fault.CONFIG
    assert repr(address) in err.value.reason
    # and through the factory: a printer that always fails with that reason
    result = print_slip(settings(address, kind=kind), make_slip())
    assert not result.ok and result.fault is Fault.CONFIG


def test_escpos_cannot_print_a4(make_slip):
    result = print_slip(settings("127.0.0.1:9", paper="a4"), make_slip())
    assert not result.ok
    assert result.fault is Fault.CONFIG
    assert "a4" in result.reason_for_technician
