"""Slip rendering and QR generation time (on demand; the tests assert no timings).

    .venv/bin/python benchmarks/slip_bench.py [--repeat 30]

Times, for a real entry (marriage.divorce-by-agreement) with a fresh handoff
each round: QR generation at each layout's module size, rendering the whole
slip for 58 mm, 80 mm and A4 (fitting + drawing, 1-bit), the ESC/POS byte
stream a roll slip becomes, and the A4 PDF.  The first call, which loads the
fonts and asks fontconfig for their coverage, is timed apart as "cold".
Prints medians and p90 in milliseconds.  Targets on a 2-core machine:
rendering ≤ 150 ms per layout, QR generation ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGETS_MS = {"render": 150.0, "qr": 20.0}


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def _row(name: str, times: list[float], target: float | None) -> str:
    times = sorted(times)
    median = statistics.median(times)
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    verdict = "" if target is None else ("  ok" if median <= target else f"  OVER {target:g} ms")
    return f"{name:<28} median {median:7.1f} ms   p90 {p90:7.1f} ms{verdict}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    from escpos.printer import Dummy

    from kiosk.printing.examples import example_slip
    from kiosk.printing.qr import qr_image
    from kiosk.printing.render import STYLES, pdf_bytes, render_slip

    slip = example_slip()
    t = time.perf_counter()
    render_slip(slip, "80mm")
    print(f"{'cold first render (80mm)':<28} {(time.perf_counter() - t) * 1000:7.1f} ms "
          "(font loading + fontconfig coverage, once per process)")

    for paper in ("58mm", "80mm", "a4"):
        style = STYLES[paper]
        times = _time(lambda s=style: qr_image(slip.qr_url, s.qr_max, s.qr_module), args.repeat)
        print(_row(f"QR {paper}", times, TARGETS_MS["qr"]))
    for paper in ("58mm", "80mm", "a4"):
        times = _time(lambda p=paper: render_slip(slip, p), args.repeat)
        print(_row(f"render {paper}", times, TARGETS_MS["render"]))

    image = render_slip(slip, "80mm")[0]

    def escpos_bytes() -> bytes:
        dummy = Dummy()
        dummy.profile.profile_data = {"media": {"width": {"pixels": image.width}}}
        dummy.image(image, impl="bitImageRaster", fragment_height=480)
        return bytes(dummy.output)

    print(_row("ESC/POS stream 80mm", _time(escpos_bytes, args.repeat), None)
          + f"   ({len(escpos_bytes()) / 1024:.0f} KiB)")
    pages = render_slip(slip, "a4")
    print(_row("A4 PDF", _time(lambda: pdf_bytes(pages), args.repeat), None)
          + f"   ({len(pdf_bytes(pages)) / 1024:.0f} KiB, {len(pages)} page(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
