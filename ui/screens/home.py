"""Home: large tiles for the booth's services, from the district plan."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.texts import Texts
from ui.widgets import button, text_label

# Tile → what it opens: "ask", "statutes", "human", or an entry id of the KB.
TILES: tuple[tuple[str, str], ...] = (
    ("home.ask", "ask"),
    ("home.statutes", "statutes"),
    ("home.legal_aid", "entry:services.legal-aid-eligibility"),
    ("home.mediation", "entry:services.mediation-how"),
    ("home.notary", "entry:services.notary-what"),
    ("home.directory", "entry:services.service-locations"),
    ("home.hotline", "entry:services.hotline-12348"),
    ("home.complaint", "human"),
)


class HomeScreen(QWidget):
    chosen = Signal(str)
    elderly_toggled = Signal()
    end_requested = Signal()

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.setSpacing(20)
        layout.addWidget(text_label(texts["app.title"], "title"))
        layout.addWidget(text_label(texts["home.greeting"]))
        grid = QGridLayout()
        grid.setSpacing(16)
        self.tiles = {}
        for index, (key, target) in enumerate(TILES):
            tile = button(texts[key], partial(self.chosen.emit, target), "tile")
            tile.setMinimumHeight(120)
            # Tiles take the free height: bigger targets, no empty band on tall screens.
            tile.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
            self.tiles[target] = tile
            grid.addWidget(tile, index // 2, index % 2)
        layout.addLayout(grid, 1)
        bottom = QHBoxLayout()
        self.voice = button(texts["home.voice"], lambda: self.chosen.emit("voice"))
        self.elderly = button(texts["home.elderly_on"], self.elderly_toggled.emit, "secondary")
        self.end = button(texts["home.end"], self.end_requested.emit, "secondary")
        for w in (self.voice, self.elderly, self.end):
            bottom.addWidget(w)
        layout.addLayout(bottom)
