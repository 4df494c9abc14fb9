"""What can go wrong when printing, said twice: for the technician and for the resident."""

from __future__ import annotations

from enum import StrEnum


class Fault(StrEnum):
    """Why a print failed, for the technician screen and for counting in logs."""

    CONFIG = "config"  # printer settings that cannot work
    CONNECT = "connect"  # cannot reach or open the printer
    NOT_READY = "not-ready"  # printer answered: paper out, cover open, offline, error
    NO_ANSWER = "no-answer"  # printer did not answer a status query in time
    TIMEOUT = "timeout"  # printer stopped taking data
    CONNECTION_LOST = "connection-lost"  # printer closed the connection mid-job
    IO = "io"  # another I/O error
    CUPS_DOWN = "cups-down"  # cupsd not running or not reachable
    QUEUE_MISSING = "queue-missing"  # no CUPS queue of that name
    QUEUE_DISABLED = "queue-disabled"  # queue stopped or rejecting jobs
    SUBMIT = "submit"  # lp refused the job
    RENDER = "render"  # the slip could not be drawn (no CJK font…)


RESIDENT_PRINTER_DOWN = "打印机暂时用不了。请用手机扫描屏幕上的二维码。"
RESIDENT_PAPER_OUT = "打印机没纸了。请用手机扫描屏幕上的二维码，或请工作人员加纸。"
RESIDENT_SCREEN_ONLY = "本机不打印小票。请用手机扫描屏幕上的二维码。"
RESIDENT_PRINTED = "小票已打印，请从出纸口取走。"


class PrintError(Exception):
    """A print that did not happen; ``reason`` says precisely why, for a technician.

    It never holds the resident's text: only settings, states and OS errors.
    """

    def __init__(self, fault: Fault, reason: str, resident_message: str = RESIDENT_PRINTER_DOWN):
        super().__init__(reason)
        self.fault = fault
        self.reason = reason
        self.resident_message = resident_message

    def __str__(self) -> str:
        return f"[{self.fault}] {self.reason}"
