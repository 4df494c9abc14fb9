"""Slips as pictures: 1-bit rolls for ESC/POS printers, A4 pages (PDF) for CUPS.

Everything is drawn here with our own font (see :mod:`kiosk.printing.fonts`), so
what prints does not depend on the fonts or code pages inside a printer.

* Roll paper at 203 dpi: 384 dots across for 58 mm, 576 for 80 mm; one image
  as long as the slip needs, white is 1 and black 0 (Pillow mode ``"1"``).
* A4 at 200 dpi: 1654 × 2339 pages, the QR code at the top right of page 1,
  a footer with the reference and page number on every page.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from kiosk.printing.fonts import FontSet, font_set
from kiosk.printing.qr import qr_image
from kiosk.printing.slip import LAWYER_NOTE, Paper, Slip, for_paper
from kiosk.printing.text import wrap

THERMAL_DPI = 203
THERMAL_WIDTHS: dict[str, int] = {"58mm": 384, "80mm": 576}
A4_DPI = 200
A4_SIZE = (1654, 2339)
WHITE, BLACK = 255, 0
_RENDER_LOCK = threading.RLock()


@dataclass(frozen=True)
class Style:
    width: int
    margin: int
    body: int
    small: int
    title: int
    heading: int
    qr_module: int
    qr_max: int
    line_gap: float = 0.42  # extra space between lines, as a share of the font size
    section_gap: int = 10


STYLES: dict[str, Style] = {
    "58mm": Style(width=384, margin=8, body=24, small=20, title=32, heading=26,
                  qr_module=7, qr_max=368),
    "80mm": Style(width=576, margin=16, body=26, small=22, title=38, heading=30,
                  qr_module=8, qr_max=400, section_gap=12),
    "a4": Style(width=A4_SIZE[0], margin=125, body=31, small=26, title=50, heading=38,
                qr_module=9, qr_max=440, line_gap=0.36, section_gap=18),
}


# ---------------------------------------------------------------------------
# Elements: things stacked down a page, each knowing its height and how to draw.


@dataclass
class _Element:
    height: int
    keep_with_next: bool = field(default=False, kw_only=True)

    def draw(self, page: Image.Image, y: int) -> None:
        """Draw at vertical position ``y``."""


@dataclass
class _Gap(_Element):
    pass


@dataclass
class _Rule(_Element):
    x0: int = 0
    x1: int = 0
    thickness: int = 2

    def draw(self, page: Image.Image, y: int) -> None:
        mid = y + self.height // 2
        ImageDraw.Draw(page).rectangle(
            (self.x0, mid - self.thickness // 2, self.x1, mid + (self.thickness - 1) // 2),
            fill=BLACK,
        )


@dataclass
class _TextLine(_Element):
    text: str = ""
    fonts: FontSet | None = None
    x: int = 0
    width: int = 0
    align: str = "left"
    prefix: str = ""  # a bullet or step number hanging left of ``x``
    prefix_x: int = 0

    def draw(self, page: Image.Image, y: int) -> None:
        assert self.fonts is not None
        ascent, descent = self.fonts.primary.getmetrics()
        baseline = y + (self.height - (ascent + descent)) // 2 + ascent
        draw = ImageDraw.Draw(page)
        if self.prefix:
            draw.text((self.prefix_x, baseline), self.prefix, font=self.fonts.primary,
                      fill=BLACK, anchor="ls")
        runs = self.fonts.runs(self.text)
        total = sum(run.font.getlength(run.text) for run in runs)
        x = float(self.x)
        if self.align == "center":
            x += max(0.0, (self.width - total) / 2)
        elif self.align == "right":
            x += max(0.0, self.width - total)
        for run in runs:
            draw.text((x, baseline), run.text, font=run.font, fill=BLACK, anchor="ls")
            x += run.font.getlength(run.text)


@dataclass
class _Picture(_Element):
    image: Image.Image | None = None
    x: int = 0

    def draw(self, page: Image.Image, y: int) -> None:
        assert self.image is not None
        page.paste(self.image, (self.x, y))


@dataclass
class _Side(_Element):
    """A column of elements with a picture beside it (the A4 header)."""

    column: list[_Element] = field(default_factory=list)
    picture: _Picture | None = None

    def draw(self, page: Image.Image, y: int) -> None:
        cy = y
        for el in self.column:
            el.draw(page, cy)
            cy += el.height
        if self.picture is not None:
            self.picture.draw(page, y)


class _Builder:
    """Turns slip fields into elements for one style and text width."""

    def __init__(self, style: Style, x: int, width: int) -> None:
        self.style = style
        self.x = x
        self.width = width
        self.body = font_set(style.body)
        self.bold = font_set(style.body, bold=True)
        self.small = font_set(style.small)
        self.title = font_set(style.title, bold=True)
        self.heading = font_set(style.heading, bold=True)
        self.out: list[_Element] = []

    def line_height(self, fonts: FontSet) -> int:
        return round(fonts.size * (1 + self.style.line_gap))

    def text(
        self, text: str, fonts: FontSet | None = None, align: str = "left", indent: int = 0,
        first_prefix: str = "", keep_with_next: bool = False,
    ) -> None:
        """Wrapped text; ``first_prefix`` (a bullet or number) hangs left of the indent."""
        fonts = fonts or self.body
        if first_prefix:
            indent = max(indent, round(fonts.measure(first_prefix)))
        lines = wrap(text, self.width - indent, fonts.measure)
        height = self.line_height(fonts)
        for i, line in enumerate(lines):
            self.out.append(_TextLine(
                height, text=line, fonts=fonts, x=self.x + indent, width=self.width - indent,
                align=align, keep_with_next=keep_with_next,
                prefix=first_prefix if i == 0 else "", prefix_x=self.x,
            ))

    def parts(self, parts: Sequence[str], fonts: FontSet | None = None, align: str = "left",
              sep: str = " · ") -> None:
        """``parts`` on one line when they fit, else one part (wrapped) per line."""
        fonts = fonts or self.body
        parts = [p for p in parts if p]
        joined = sep.join(parts)
        if fonts.measure(joined) <= self.width:
            self.text(joined, fonts, align=align)
            return
        for part in parts:
            self.text(part, fonts, align=align)

    def paragraphs(self, text: str) -> None:
        """Text whose line breaks start paragraphs, a little space between them."""
        for i, para in enumerate(p for p in text.split("\n") if p.strip()):
            if i:
                self.gap(max(2, self.style.section_gap // 2))
            self.text(para)

    def gap(self, px: int | None = None) -> None:
        self.out.append(_Gap(self.style.section_gap if px is None else px))

    def rule(self, thickness: int = 2) -> None:
        self.out.append(_Rule(self.style.section_gap * 2, x0=self.x, x1=self.x + self.width - 1,
                              thickness=thickness))

    def section(self, label: str) -> None:
        self.gap()
        self.text(label, self.heading, keep_with_next=True)
        self.gap(max(2, self.style.section_gap // 3))
        self.out[-1].keep_with_next = True

    def items(self, label: str, items: Sequence[str], numbered: bool = False) -> None:
        if not items:
            return
        self.text(label, self.bold, keep_with_next=True)
        for n, item in enumerate(items, 1):
            prefix = f"{n}. " if numbered and not item.startswith("……") else "· "
            self.text(item, first_prefix=prefix)

    def picture_centered(self, image: Image.Image) -> None:
        x = self.x + (self.width - image.width) // 2
        self.out.append(_Picture(image.height, image=image, x=x))


def _next_steps(b: _Builder, slip: Slip) -> None:
    if slip.where or slip.bring or slip.time_limits or slip.steps:
        b.section("下一步")
        b.items("去哪里办", slip.where)
        b.items("要带什么", slip.bring)
        b.items("时间限制", slip.time_limits)
        b.items("怎么办", slip.steps, numbered=True)


def _body(b: _Builder, slip: Slip, full_answer: bool) -> None:
    b.section("您的问题")
    b.text(slip.question or "（未记录问题）")
    b.section("简要回答")
    b.text(slip.short_answer)
    if slip.needs_lawyer and slip.entry_id:
        b.gap()
        b.text("※ " + LAWYER_NOTE, b.bold)
    if full_answer and slip.answer:
        b.section("详细解答")
        b.paragraphs(slip.answer)
    _next_steps(b, slip)
    if slip.citations:
        b.section("法律依据")
        b.text("、".join(slip.citations))
    if slip.more_note:
        b.gap()
        b.text(slip.more_note, b.bold, align="center")


def _footer_lines(b: _Builder, slip: Slip) -> None:
    b.parts(slip.hotline, b.bold, align="center", sep="")
    b.rule(thickness=1)
    b.parts(slip.version_line, b.small, align="center")
    b.text(slip.disclaimer, b.small, align="center")


def _stack(elements: Sequence[_Element], width: int, height: int | None = None) -> Image.Image:
    total = sum(el.height for el in elements)
    page = Image.new("1", (width, height if height is not None else total), 1)
    y = 0
    for el in elements:
        el.draw(page, y)
        y += el.height
    return page


def render_thermal(slip: Slip, paper: Paper = "80mm") -> Image.Image:
    """One 1-bit image for a roll printer; ``slip`` should already be :func:`for_paper`."""
    with _RENDER_LOCK:
        return _render_thermal(slip, paper)


def _render_thermal(slip: Slip, paper: Paper) -> Image.Image:
    if paper not in THERMAL_WIDTHS:
        raise ValueError(f"{paper!r} is not roll paper (58mm or 80mm)")
    style = STYLES[paper]
    b = _Builder(style, style.margin, style.width - 2 * style.margin)
    b.gap(style.section_gap)
    b.text(slip.heading, b.heading, align="center")
    b.parts((slip.service_point, slip.tier), b.small, align="center")
    b.rule()
    b.text(f"打印时间：{slip.printed_at_text}", b.small)
    b.text(f"编号：{slip.reference}", b.bold)
    b.rule()
    b.text(slip.title, b.title)
    _body(b, slip, full_answer=False)
    b.gap(style.section_gap * 2)
    qr = qr_image(slip.qr_url, min(style.qr_max, b.width), style.qr_module)
    b.picture_centered(qr)
    b.text(slip.qr_caption, b.small, align="center")
    b.text(f"编号 {slip.reference}", b.heading, align="center")
    b.gap()
    _footer_lines(b, slip)
    b.gap(style.section_gap)
    return _stack(b.out, style.width)


def render_a4(slip: Slip) -> list[Image.Image]:
    """A4 pages (1-bit, 200 dpi); ``slip`` should already be :func:`for_paper`."""
    with _RENDER_LOCK:
        return _render_a4(slip)


def _render_a4(slip: Slip) -> list[Image.Image]:
    style = STYLES["a4"]
    width = A4_SIZE[0]
    content_w = width - 2 * style.margin
    qr = qr_image(slip.qr_url, style.qr_max, style.qr_module)
    header_w = content_w - qr.width - style.section_gap * 2
    head = _Builder(style, style.margin, header_w)
    head.text(slip.heading, head.heading)
    head.parts((slip.service_point, slip.tier), head.body)
    head.text(f"打印时间：{slip.printed_at_text}", head.body)
    head.text(f"编号：{slip.reference}", head.bold)
    head.gap()
    head.text(slip.qr_caption, head.small)
    head.parts(slip.hotline, head.small, sep="")
    qr_el = _Picture(qr.height, image=qr, x=width - style.margin - qr.width)
    header_h = max(sum(el.height for el in head.out), qr.height)

    b = _Builder(style, style.margin, content_w)
    b.out.append(_Side(header_h, column=head.out, picture=qr_el))
    b.rule(thickness=3)
    b.text(slip.title, b.title)
    _body(b, slip, full_answer=True)
    b.gap(style.section_gap * 2)
    b.parts(slip.hotline, b.bold, align="center", sep="")
    return _paginate(b.out, style, slip)


def _paginate(elements: list[_Element], style: Style, slip: Slip) -> list[Image.Image]:
    width, height = A4_SIZE
    # 12 mm top, 18 mm bottom: the footer sits in the bottom margin, ≥ 6 mm from the edge.
    top, bottom = A4_DPI * 12 // 25, height - A4_DPI * 18 // 25
    pages: list[list[tuple[int, _Element]]] = [[]]
    y = top
    for i, el in enumerate(elements):
        need = el.height
        j = i
        while elements[j].keep_with_next and j + 1 < len(elements):  # keep headings with text
            j += 1
            need += elements[j].height
        if y + min(need, bottom - top) > bottom and pages[-1]:
            pages.append([])
            y = top
            if isinstance(el, _Gap):
                continue
        pages[-1].append((y, el))
        y += el.height
    images = []
    for n, placed in enumerate(pages, 1):
        page = Image.new("1", (width, height), 1)
        for y0, el in placed:
            el.draw(page, y0)
        # Every page: the disclaimer and versions, then reference and page number.
        foot = _Builder(style, style.margin, width - 2 * style.margin)
        foot.rule(thickness=1)
        foot.out[-1].height = style.small // 2
        foot.parts((slip.disclaimer, *slip.version_line), foot.small, align="center")
        foot.text(f"青小律 · 编号 {slip.reference} · 第 {n}/{len(pages)} 页", foot.small,
                  align="center")
        y = bottom + 4
        for el in foot.out:
            el.draw(page, y)
            y += el.height
        images.append(page)
    return images


def render_slip(slip: Slip, paper: Paper) -> list[Image.Image]:
    """``slip`` fitted to ``paper`` and drawn: one image for a roll, pages for A4.

    Safe to call from several threads: the fonts are shared, so drawing is
    serialised by a lock.
    """
    fitted = for_paper(slip, paper)
    if paper == "a4":
        return render_a4(fitted)
    return [render_thermal(fitted, paper)]


def pdf_bytes(pages: Sequence[Image.Image], title: str = "青小律小票") -> bytes:
    """Pages as one PDF at 200 dpi (1-bit pages are CCITT G4 compressed)."""
    buf = io.BytesIO()
    first, rest = pages[0], list(pages[1:])
    first.save(buf, "PDF", resolution=float(A4_DPI), save_all=True, append_images=rest,
               title=title, author="青小律", creator="qingxiaolv kiosk")
    return buf.getvalue()


def save_png(image: Image.Image, path: Path, dpi: int = THERMAL_DPI) -> Path:
    image.save(path, "PNG", dpi=(dpi, dpi), optimize=False)
    return path

