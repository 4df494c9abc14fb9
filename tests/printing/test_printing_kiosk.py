"""The kiosk's own print path end to end: a resident's 打印 makes a handoff, records it in
the outbox, prints through a real printer path, and the QR on paper decodes to the URL
whose token the outbox knows (by its hash)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from kiosk.config import PrinterSettings, load_settings
from kiosk.services import KioskServices, TakeAway
from kiosk.session import Session

# DLE EOT answers of a printer whose paper ran out (as in conftest.STATUS_PAPER_OUT).
STATUS_PAPER_OUT = {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}


@pytest.fixture
def services(tmp_path: Path, kb_bundle: Path) -> KioskServices:
    config = tmp_path / "k.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[kb]\nbundle_path = "{kb_bundle}"\n')
    svc = KioskServices.open(load_settings(config))
    yield svc
    svc.outbox.close()


def with_printer(svc: KioskServices, printer: PrinterSettings) -> KioskServices:
    return dataclasses.replace(svc, settings=dataclasses.replace(svc.settings, printer=printer))


def recorded_hash(svc: KioskServices) -> str:
    con = sqlite3.connect(svc.outbox.path)
    try:
        (payload,) = con.execute("SELECT payload FROM events WHERE type = 'handoff'").fetchone()
    finally:
        con.close()
    return str(json.loads(payload)["token_sha256"])


def token_hash(take: TakeAway) -> str:
    return hashlib.sha256(take.url.rsplit("/", 1)[1].encode()).hexdigest()


def test_cups_slip_qr_matches_the_outbox(services: KioskServices, cups_queue: str,
                                         wait_for_pdf: Callable[..., Path],
                                         pdf_pages: Callable[[Path], list[Image.Image]],
                                         qr_of: Callable[[Image.Image], list[str]]) -> None:
    svc = with_printer(services, PrinterSettings(kind="cups", address=cups_queue, paper="a4"))
    session = Session(questions=["老板不给工资咋办"])
    take = svc.take_away(session, "labour.unpaid-wages")
    assert take.printed.ok, take.printed.reason_for_technician
    pdf = wait_for_pdf(take.printed.job_id, f"qxl-slip-{take.reference}")
    urls = [url for page in pdf_pages(pdf) for url in qr_of(page)]
    assert urls == [take.url]
    assert recorded_hash(svc) == token_hash(take)


def test_escpos_slip_qr_matches_the_outbox(services: KioskServices, network_printer: Callable[..., object],
                                           escpos_parse: Callable[[bytes], object],
                                           qr_of: Callable[[Image.Image], list[str]]) -> None:
    printer = network_printer()
    svc = with_printer(services, PrinterSettings(kind="escpos-network", paper="80mm",
                                                 address=printer.address, timeout_s=5.0))  # type: ignore[attr-defined]
    take = svc.take_away(Session(), "marriage.child-custody")
    assert take.printed.ok, take.printed.reason_for_technician
    job = escpos_parse(bytes(printer.received[0]))  # type: ignore[attr-defined]
    assert qr_of(job.image()) == [take.url]  # type: ignore[attr-defined]
    assert recorded_hash(svc) == token_hash(take)


def test_paper_out_falls_back_to_the_screen_and_still_records(
        services: KioskServices, network_printer: Callable[..., object]) -> None:
    printer = network_printer(status=STATUS_PAPER_OUT)
    svc = with_printer(services, PrinterSettings(kind="escpos-network", paper="58mm",
                                                 address=printer.address, timeout_s=2.0))  # type: ignore[attr-defined]
    take = svc.take_away(Session(), "labour.unpaid-wages")
    assert not take.printed.ok and take.printed.show_qr_on_screen
    assert "paper out" in take.printed.reason_for_technician
    assert any(key == "last print" and "paper out" in value for key, value in svc.status())
    assert take.printed.resident_message  # a calm sentence; the QR is on screen
    assert recorded_hash(svc) == token_hash(take)  # the on-screen QR still leads to a recorded case


def test_print_test_command_for_technicians(tmp_path: Path, network_printer: Callable[..., object],
                                            escpos_parse: Callable[[bytes], object],
                                            qr_of: Callable[[Image.Image], list[str]]) -> None:
    import os
    import subprocess
    import sys

    printer = network_printer()
    config = tmp_path / "k.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[printer]\nkind = "escpos-network"\n'
                      f'address = "{printer.address}"\npaper = "58mm"\n')  # type: ignore[attr-defined]
    run = [sys.executable, "-m", "kiosk.cli", "--config", str(config), "print-test"]
    proc = subprocess.run(run, capture_output=True, text=True, timeout=60, env=dict(os.environ), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK")
    job = escpos_parse(bytes(printer.received[0]))  # type: ignore[attr-defined]
    assert qr_of(job.image())  # type: ignore[attr-defined]
    config.write_text(config.read_text().replace(printer.address, "127.0.0.1:9"))  # type: ignore[attr-defined]
    proc = subprocess.run(run, capture_output=True, text=True, timeout=60, env=dict(os.environ), check=False)
    assert proc.returncode == 1
    assert proc.stdout.startswith("FAILED:") and "127.0.0.1:9" in proc.stdout
