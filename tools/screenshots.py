"""Render every screen at the three device resolutions, normal and elderly mode.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py docs/screenshots

Writes ``<device>-<screen>-<mode>.png`` plus the three slip layouts. Uses a fresh data
directory and the built-in KB (with ../shared/statutes when present).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.app import build_window  # noqa: E402
from kiosk.config import load_settings  # noqa: E402
from kiosk.printing.examples import render_examples  # noqa: E402
from kiosk.technician import hash_pin  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

DEVICES = {"booth-portrait": (1080, 1920), "booth-landscape": (1920, 1080), "robot": (1280, 800)}


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def scenes(window: MainWindow) -> list[tuple[str, Callable[[], None]]]:
    def ask() -> None:
        window.go(window.ask)
        window.ask.set_question("老板拖欠工资")
        window.ask.show_response(window.services.suggest("老板拖欠工资"))  # type: ignore[union-attr]

    def answer() -> None:
        window.open_entry("labour.unpaid-wages")

    def takeaway() -> None:
        window.open_entry("labour.unpaid-wages")
        window.go(window.takeaway)
        window.takeaway.show_takeaway(window.services.take_away(window.session, "labour.unpaid-wages"))  # type: ignore[union-attr]

    def statutes() -> None:
        window.go(window.statutes)
        window.statutes.show_articles(window.services.lookup_statutes("民法典 1087"))  # type: ignore[union-attr]

    def technician() -> None:
        window.show_technician()

    return [
        ("idle", lambda: window.go(window.idle)),
        ("home", lambda: window.go(window.home)),
        ("ask", ask),
        ("answer", answer),
        ("topics", lambda: window.go(window.topics)),
        ("statutes", statutes),
        ("human", lambda: window.go(window.human)),
        ("callback", lambda: window.go(window.callback)),
        ("rate", lambda: window.go(window.rate)),
        ("still-there", lambda: (window.still_there.show_seconds(12), window.go(window.still_there))),
        ("takeaway", takeaway),
        ("technician", technician),
    ]


def main(out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    data = Path(tempfile.mkdtemp(prefix="qxl-shots-"))
    statutes = REPO.parent / "shared" / "statutes"
    config = data / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{data}"\n'
                      + (f'[kb]\nstatutes_dir = "{statutes}"\n' if statutes.is_dir() else "")
                      + f'[ui]\ntechnician_pin_hash = "{hash_pin("2468")}"\n', encoding="utf-8")
    settings = load_settings(config)
    written = 0
    for device, (width, height) in DEVICES.items():
        for mode in ("normal", "elderly"):
            window = build_window(settings, windowed=True)
            window.resize(width, height)
            window.show()
            window.start_session()
            if mode == "elderly":
                window.toggle_elderly()
            for name, show in scenes(window):
                show()
                settle(app)
                window.grab().save(str(out_dir / f"{device}-{name}-{mode}.png"))
                written += 1
            window.technician_exit_allowed = True
            window.close()
            window.deleteLater()
            settle(app)
    out_of_service = build_window(load_settings(config, environ={
        "QXL_SYSTEM_CONFIG": "/nonexistent", "QXL__KB__BUNDLE_PATH": str(data / "missing.sqlite")}),
        windowed=True)
    out_of_service.resize(*DEVICES["booth-portrait"])
    out_of_service.show()
    settle(app)
    out_of_service.grab().save(str(out_dir / "booth-portrait-out-of-service-normal.png"))
    out_of_service.technician_exit_allowed = True
    out_of_service.close()
    slips = render_examples(out_dir)
    print(f"wrote {written + 1} screens and {len(slips)} slips to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
