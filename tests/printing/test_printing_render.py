"""Rendered slips: every layout scans, nothing spills into the margins, odd text is safe."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from pyzbar import pyzbar

from kiosk.printing.examples import render_examples
from kiosk.printing.fonts import (
    MISSING_GLYPH,
    FontNotFoundError,
    FontSet,
    coverage,
    locate_cjk_font,
)
from kiosk.printing.qr import qr_image, qr_matrix
from kiosk.printing.render import A4_SIZE, STYLES, THERMAL_WIDTHS, pdf_bytes, render_slip

RARE = "㙍䶮"
EMOJI = "👨‍👩‍👧🇨🇳👍🏽😀✅"
LONG_ANSWER = ("依照《民法典》第1087条，离婚时夫妻共同财产由双方协议处理；协议不成的，由人民法院判决。\n"
               * 400)[:20_000]
# At 203 dpi (rolls) and 200 dpi (A4): the smallest QR side we accept, in pixels.
MIN_QR_PX = {"58mm": 200, "80mm": 260, "a4": 280}  # ≈ 25, 32 and 35 mm


def _qr_codes(image: Image.Image) -> list[pyzbar.Decoded]:
    return pyzbar.decode(image.convert("L"), symbols=[pyzbar.ZBarSymbol.QRCODE])


def _margins_are_white(image: Image.Image, margin: int) -> bool:
    grey = image.convert("L")
    left = grey.crop((0, 0, margin - 1, grey.height))
    right = grey.crop((grey.width - margin + 1, 0, grey.width, grey.height))
    return left.getextrema()[0] == 255 and right.getextrema()[0] == 255


@pytest.mark.parametrize("paper", ["58mm", "80mm", "a4"])
def test_layouts_decode_and_stay_inside_the_margins(make_slip, paper):
    slip = make_slip()
    pages = render_slip(slip, paper)
    first = pages[0]
    assert first.mode == "1"
    if paper == "a4":
        assert all(p.size == A4_SIZE for p in pages)
    else:
        assert len(pages) == 1 and first.width == THERMAL_WIDTHS[paper]
    codes = _qr_codes(first)
    assert [c.data.decode() for c in codes] == [slip.qr_url]
    assert codes[0].rect.width >= MIN_QR_PX[paper], codes[0].rect
    for page in pages:
        assert _margins_are_white(page, STYLES[paper].margin)


@pytest.mark.parametrize("paper", ["58mm", "80mm", "a4"])
def test_twenty_thousand_characters_render(entry, make_slip, paper):
    long_entry = dataclasses.replace(entry, answer=LONG_ANSWER, short_answer=LONG_ANSWER[:2000])
    slip = make_slip(long_entry, question=("为什么" + RARE + EMOJI) * 300)
    pages = render_slip(slip, paper)
    if paper == "a4":
        assert 2 <= len(pages) <= 8
    else:
        assert pages[0].height < 4000  # a roll slip stays a slip
    assert [c.data.decode() for c in _qr_codes(pages[0])] == [slip.qr_url]
    for page in pages:
        assert _margins_are_white(page, STYLES[paper].margin)


@pytest.mark.parametrize("paper", ["58mm", "80mm", "a4"])
def test_rare_characters_and_emoji_do_not_crash(make_slip, paper):
    slip = make_slip(question=f"我叫王{RARE}，想问{EMOJI}怎么办\u200b\ufe0f", title=f"测试{RARE}{EMOJI}")
    pages = render_slip(slip, paper)
    assert [c.data.decode() for c in _qr_codes(pages[0])] == [slip.qr_url]


def test_fontset_uses_the_cjk_face_for_rare_characters():
    fonts = FontSet(24)
    runs = fonts.runs(RARE)
    assert [r.text for r in runs] == [RARE]
    assert runs[0].font is fonts.primary


def test_fontset_never_draws_a_character_its_font_lacks():
    fonts = FontSet(24)
    text = f"甲{EMOJI}乙\U0010fff0丙"
    shown = "".join(r.text for r in fonts.runs(text))
    assert shown.startswith("甲") and shown.endswith("丙")
    assert MISSING_GLYPH in shown  # the private-use character has no glyph anywhere
    for run in fonts.runs(text):
        face = fonts.primary_face if run.font is fonts.primary else None
        if face is not None:
            assert all(coverage(face).has(ch) for ch in run.text), run.text
    assert fonts.measure(text) > 0


def test_cjk_font_falls_back_to_fontconfig(tmp_path):
    face = locate_cjk_font(tmp_path / "missing.ttc")
    assert face.path.is_file()
    assert coverage(face).has("中")


def test_no_cjk_font_is_a_clear_error(tmp_path, monkeypatch):
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<fontconfig>'
        f"<dir>{tmp_path}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    with pytest.raises(FontNotFoundError, match="fonts-noto-cjk"):
        locate_cjk_font(tmp_path / "missing.ttc")


def test_qr_is_error_correction_m_and_scales_to_fit():
    url = "https://fl.chengbei.example/h/" + "A" * 22
    matrix = qr_matrix(url)
    assert len(matrix) == 33 + 8  # version 4 plus the quiet zone
    image = qr_image(url, max_px=400, module_px=8)
    assert image.size == (41 * 8, 41 * 8)
    assert qr_image(url, max_px=200, module_px=8).size == (41 * 4, 41 * 4)
    with pytest.raises(ValueError, match="server_url"):
        qr_image("https://x.example/" + "a" * 2000, max_px=384, module_px=6)


def test_pdf_has_every_page(make_slip, entry):
    long_entry = dataclasses.replace(entry, answer=LONG_ANSWER)
    pages = render_slip(make_slip(long_entry), "a4")
    data = pdf_bytes(pages)
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == len(pages)
    assert b"/CCITTFaxDecode" in data  # 1-bit pages stay small


def test_render_examples(tmp_path: Path):
    written = render_examples(tmp_path)
    assert [p.name for p in written] == ["slip-58mm.png", "slip-80mm.png", "slip-a4.png"]
    for path in written:
        with Image.open(path) as im:
            codes = _qr_codes(im)
        assert len(codes) == 1 and codes[0].data.decode().startswith(
            "https://fl.chengbei.example/h/"
        )


def test_png_round_trip_keeps_the_raster(make_slip):
    image = render_slip(make_slip(), "58mm")[0]
    buf = io.BytesIO()
    image.save(buf, "PNG")
    with Image.open(io.BytesIO(buf.getvalue())) as back:
        assert back.mode == "1" and back.size == image.size


@pytest.mark.parametrize("paper", ["58mm", "80mm", "a4"])
def test_no_answer_slip_renders(make_slip, paper):
    slip = make_slip(None, question="我家的事说不清楚")
    assert slip.entry_id == ""
    pages = render_slip(slip, paper)
    assert [c.data.decode() for c in _qr_codes(pages[0])] == [slip.qr_url]
