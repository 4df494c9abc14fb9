"""Take it home: the slip's QR code, large on screen, with the reference for staff.

Always available, and the automatic fallback when printing fails.
"""

from __future__ import annotations

import io

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.printing.qr import qr_image
from kiosk.services import TakeAway
from kiosk.texts import Texts
from ui.widgets import button, text_label

QR_PX = 520


class TakeAwayScreen(QWidget):
    back_requested = Signal()

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addWidget(text_label(texts["takeaway.title"], "title"))
        self.status = text_label("", "shortAnswer")
        layout.addWidget(self.status)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.qr, 1)
        self.reference = text_label("", "title")
        self.reference.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.reference)
        layout.addWidget(text_label(texts["takeaway.how"]))
        self.back = button(texts["answer.back"], self.back_requested.emit, "secondary")
        layout.addWidget(self.back)
        self.url = ""

    def show_working(self) -> None:
        self.clear()
        self.status.setText(self._texts["takeaway.printing"])

    def show_takeaway(self, take: TakeAway) -> None:
        self.url = take.url
        if take.printed.ok:
            self.status.setText(self._texts["takeaway.printed"])
        elif take.printed.fault is None:  # no printer at this booth: screen only
            self.status.setText(self._texts["takeaway.scan"])
        else:
            self.status.setText(take.printed.resident_message or self._texts["takeaway.print_failed"])
        buffer = io.BytesIO()
        qr_image(take.url, max_px=QR_PX, module_px=12).convert("L").save(buffer, format="PNG")
        pixmap = QPixmap()
        pixmap.loadFromData(buffer.getvalue(), "PNG")
        self.qr.setPixmap(pixmap)
        self.reference.setText(self._texts.format("takeaway.reference", reference=take.reference))

    def clear(self) -> None:
        self.url = ""
        self.qr.clear()
        self.reference.clear()
        self.status.clear()
