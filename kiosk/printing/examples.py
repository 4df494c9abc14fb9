"""Example slips for the docs' screenshots (``render_examples``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.printing.handoff import Handoff, handoff_url
from kiosk.printing.render import A4_DPI, THERMAL_DPI, render_slip, save_png
from kiosk.printing.slip import Paper, Slip, build_slip

EXAMPLE_ENTRY = "marriage.divorce-by-agreement"
EXAMPLE_SERVER = "https://fl.chengbei.example/"
DEMO_ID = "dEmO-ExAmPlE_0nLy_QxL22"  # fixed, so the screenshots do not change run to run
EXAMPLE_TIME = dt.datetime(2026, 11, 26, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def example_slip(entry_id: str = EXAMPLE_ENTRY) -> Slip:
    """A slip for a real entry of the built-in knowledge base, with a demo handoff."""
    from offline_cache.kb_schema import ValidationResult
    from offline_cache.kb_sources import builtin_source_dir, load_sources

    sources = load_sources(builtin_source_dir(), ValidationResult())
    entry = next(e for e in sources.entries if e.id == entry_id)
    handoff = Handoff(token=DEMO_ID, reference="K7M-3QX", url=handoff_url(EXAMPLE_SERVER, DEMO_ID),
                      created=EXAMPLE_TIME, question=entry.question, entry_ids=(entry.id,),
                      topic=entry.topic)
    return build_slip(entry, handoff, "城北区公共法律服务中心（演示）", "区中心",
                      kb_version="2026.11-demo", printed_at=EXAMPLE_TIME)


def render_examples(out_dir: Path) -> list[Path]:
    """Write slip-58mm.png, slip-80mm.png and slip-a4.png (page 1) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    slip = example_slip()
    written = []
    papers: tuple[Paper, ...] = ("58mm", "80mm", "a4")
    for paper in papers:
        image = render_slip(slip, paper)[0]
        dpi = A4_DPI if paper == "a4" else THERMAL_DPI
        written.append(save_png(image, out_dir / f"slip-{paper}.png", dpi=dpi))
    return written
