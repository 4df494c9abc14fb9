"""Printed handoff slips: content, rendering and printers (no Qt here).

What callers use::

    from kiosk.printing import Handoff, build_slip, make_printer

    handoff = Handoff.create(settings.sync.server_url, question, [entry.id], entry.topic)
    slip = build_slip(entry, handoff, settings.device.service_point, settings.device.tier,
                      kb_version)
    result = make_printer(settings.printer).print_slip(slip)   # in a background executor
    if not result.ok:
        show_qr(slip.qr_url, result.resident_message)

and :func:`handoff_event_payload` for the outbox event, :func:`print_test_slip`
for ``kiosk print-test``.
"""

from kiosk.printing.errors import Fault, PrintError
from kiosk.printing.handoff import Contact, Handoff, handoff_event_payload
from kiosk.printing.printer import (
    PrintResult,
    SlipPrinter,
    make_printer,
    print_slip,
    print_test_slip,
)
from kiosk.printing.slip import Slip, build_slip
from kiosk.printing.status import PrinterStatus

__all__ = [
    "Contact",
    "Fault",
    "Handoff",
    "PrintError",
    "PrintResult",
    "PrinterStatus",
    "Slip",
    "SlipPrinter",
    "build_slip",
    "handoff_event_payload",
    "make_printer",
    "print_slip",
    "print_test_slip",
]
