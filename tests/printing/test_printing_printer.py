"""The printing API the UI and CLI call: factory, screen-only, test slip, status decoding."""

from __future__ import annotations

import pytest

from kiosk.config import PrinterSettings
from kiosk.printing import status as st
from kiosk.printing.errors import RESIDENT_SCREEN_ONLY, Fault
from kiosk.printing.printer import (
    CupsSlipPrinter,
    EscposSlipPrinter,
    ScreenOnlyPrinter,
    build_test_slip,
    make_printer,
    print_slip,
    print_test_slip,
)


def test_kind_none_is_screen_only(make_slip):
    result = print_slip(PrinterSettings(kind="none"), make_slip())
    assert not result.ok and result.show_qr_on_screen
    assert result.fault is None
    assert result.resident_message == RESIDENT_SCREEN_ONLY
    assert "kind = none" in result.reason_for_technician


@pytest.mark.parametrize(
    "kind,address,cls",
    [
        ("none", "", ScreenOnlyPrinter),
        ("cups", "qxl-pdf", CupsSlipPrinter),
        ("escpos-network", "127.0.0.1:9100", EscposSlipPrinter),
        ("escpos-serial", "/dev/ttyUSB0", EscposSlipPrinter),
        ("escpos-usb", "0416:5011", EscposSlipPrinter),
    ],
)
def test_factory(kind, address, cls):
    printer = make_printer(PrinterSettings(kind=kind, address=address))
    assert isinstance(printer, cls)
    assert printer.paper == "80mm"
    assert printer.describe()


def test_misconfigured_printer_fails_every_time_with_the_reason(make_slip):
    printer = make_printer(PrinterSettings(kind="cups", address=""))
    for _ in range(2):
        result = printer.print_slip(make_slip())
        assert not result.ok and result.fault is Fault.CONFIG
        assert "CUPS queue name" in result.reason_for_technician


def test_test_slip_has_no_resident_data():
    slip = build_test_slip(PrinterSettings(kind="escpos-network", address="10.0.0.5:9100"),
                           server_url="https://fl.example/")
    assert slip.qr_url.startswith("https://fl.example/print-test/")
    assert "10.0.0.5:9100" in slip.short_answer
    assert "测试" in slip.question
    bare = build_test_slip(PrinterSettings())
    assert bare.qr_url.startswith("QXL-PRINT-TEST ")


def test_print_test_slip_screen_only():
    result = print_test_slip(PrinterSettings(kind="none"))
    assert not result.ok and result.fault is None


def test_status_decoding():
    ok = st.decode({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12})
    assert ok.ready and ok.describe() == "ready"
    out = st.decode({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72})
    assert not out.ready and not out.online and out.paper_out
    assert out.problems() == ["paper out (roll paper end sensor)"]
    near = st.decode({4: 0x1E})
    assert near.ready and near.paper_near_end and "near end" in near.describe()
    cutter = st.decode({1: 0x1A, 2: 0x52, 3: 0x1A})
    assert not cutter.ready and cutter.cutter_error
    offline = st.decode({1: 0x1A})
    assert offline.problems() == ["offline"]
    assert not st.UNKNOWN.answered and "unknown" in st.UNKNOWN.describe()
    assert st.is_status_byte(0x12) and st.is_status_byte(0x72) and not st.is_status_byte(0x00)
