"""ESC/POS real-time status (``DLE EOT n``) decoded into a typed :class:`PrinterStatus`.

Every answer byte has bits 1 and 4 set and bits 0 and 7 clear (``0x12`` plus flags):

=====  ===========================  ==============================================
``n``  asks for                     flags used here
=====  ===========================  ==============================================
1      printer status               bit 3: offline
2      offline cause                bit 2: cover open; bit 3: paper fed by button;
                                    bit 5: stopped at paper end; bit 6: error
3      error cause                  bit 3: auto-cutter error; bit 5: unrecoverable;
                                    bit 6: auto-recoverable
4      roll paper sensor            bits 2–3: near end; bits 5–6: paper end
=====  ===========================  ==============================================
"""

from __future__ import annotations

from dataclasses import dataclass

DLE_EOT = b"\x10\x04"
PRINTER, OFFLINE_CAUSE, ERROR_CAUSE, PAPER = 1, 2, 3, 4
FIXED_MASK, FIXED_BITS = 0x93, 0x12


def is_status_byte(value: int) -> bool:
    return value & FIXED_MASK == FIXED_BITS


def query(n: int) -> bytes:
    return DLE_EOT + bytes((n,))


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; ``answered`` is False when it said nothing."""

    answered: bool = True
    online: bool = True
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    cutter_error: bool = False
    unrecoverable_error: bool = False
    recoverable_error: bool = False

    @property
    def ready(self) -> bool:
        return self.online and not (
            self.cover_open or self.paper_out or self.cutter_error
            or self.unrecoverable_error or self.recoverable_error
        )

    def problems(self) -> list[str]:
        """Technician-facing descriptions, most actionable first."""
        found = []
        if self.paper_out:
            found.append("paper out (roll paper end sensor)")
        if self.cover_open:
            found.append("cover open")
        if self.cutter_error:
            found.append("auto-cutter error (paper jam at the cutter?)")
        if self.unrecoverable_error:
            found.append("unrecoverable error: power-cycle the printer")
        if self.recoverable_error:
            found.append("auto-recoverable error (head overheated?)")
        if not self.online and not found:
            found.append("offline")
        return found

    def warnings(self) -> list[str]:
        return ["paper near end: refill soon"] if self.paper_near_end else []

    def describe(self) -> str:
        if not self.answered:
            return "status unknown (the printer does not answer status queries)"
        return "; ".join(self.problems() + self.warnings()) or "ready"


UNKNOWN = PrinterStatus(answered=False)


def decode(answers: dict[int, int]) -> PrinterStatus:
    """Decode the answers to ``DLE EOT n`` (n → byte); missing ones count as all-clear."""
    printer = answers.get(PRINTER, FIXED_BITS)
    offline = answers.get(OFFLINE_CAUSE, FIXED_BITS)
    error = answers.get(ERROR_CAUSE, FIXED_BITS)
    paper = answers.get(PAPER, FIXED_BITS)
    return PrinterStatus(
        answered=True,
        online=not printer & 0x08,
        cover_open=bool(offline & 0x04),
        paper_out=bool(paper & 0x60) or bool(offline & 0x20),
        paper_near_end=bool(paper & 0x0C),
        cutter_error=bool(error & 0x08),
        unrecoverable_error=bool(error & 0x20),
        recoverable_error=bool(error & 0x40),
    )
