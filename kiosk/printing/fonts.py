"""Fonts for rendering slips: our own CJK font, never the printer's.

The face is Noto Sans CJK SC from Debian's ``fonts-noto-cjk``; when that file is
not where Debian puts it, fontconfig is asked (``fc-match``, then ``fc-list
:lang=zh-cn``).  A character the CJK face lacks (most emoji, some symbols) is
drawn with a fallback face (DejaVu Sans, then Symbola for emoji when
``fonts-symbola`` is installed) when one has it, and as ``□`` otherwise, so
odd input never crashes rendering and never prints as nothing.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from kiosk.printing.text import graphemes

NOTO_CJK_REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_CJK_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
# Symbols (DejaVu, fonts-dejavu-core), then monochrome emoji (Symbola, fonts-symbola,
# optional): both print well in 1 bit, unlike colour emoji fonts.
FALLBACK_FAMILIES = (
    ("DejaVu Sans", Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")),
    ("Symbola", Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")),
)
SC_FAMILY = "Noto Sans CJK SC"
MISSING_GLYPH = "□"
_FC_TIMEOUT_S = 10.0
# Format characters that draw nothing: dropped when no face has a glyph for them.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f")


class FontNotFoundError(RuntimeError):
    """No font with Chinese characters is installed."""


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int = 0


def _run_fc(args: list[str]) -> str:
    if shutil.which(args[0]) is None:
        return ""
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=_FC_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""


def _face_index(path: Path, family: str) -> int | None:
    """Index of ``family`` inside a collection, via fc-query."""
    out = _run_fc(["fc-query", "-f", "%{index}\t%{family}\n", str(path)])
    for line in out.splitlines():
        index, _, families = line.partition("\t")
        if family in families.split(","):
            return int(index)
    return None


@functools.cache
def find_cjk_font(bold: bool = False) -> FontFace:
    """The Simplified Chinese face to render with; :class:`FontNotFoundError` if none."""
    return locate_cjk_font(NOTO_CJK_BOLD if bold else NOTO_CJK_REGULAR, bold)


def locate_cjk_font(debian: Path, bold: bool = False) -> FontFace:
    """``debian`` (its SC face) if it exists, else what fontconfig has for zh-cn."""
    if debian.is_file():
        sc_index = _face_index(debian, SC_FAMILY)
        return FontFace(debian, 2 if sc_index is None else sc_index)  # 2 is SC in Debian's .ttc
    weight = ":weight=bold" if bold else ""
    out = _run_fc(["fc-match", "-f", "%{file}\t%{index}\t%{lang}", f"{SC_FAMILY}{weight}:lang=zh-cn"])
    file, _, rest = out.partition("\t")
    index_text, _, langs = rest.partition("\t")
    if file and "zh-cn" in langs.split("|") and Path(file).is_file():
        return FontFace(Path(file), int(index_text) if index_text.isdigit() else 0)
    out = _run_fc(["fc-list", "-f", "%{file}\t%{index}\n", ":lang=zh-cn"])
    for line in sorted(out.splitlines()):
        file, _, index_text = line.partition("\t")
        if file and Path(file).is_file():
            return FontFace(Path(file), int(index_text) if index_text.isdigit() else 0)
    raise FontNotFoundError(
        "no font with Chinese characters found: install Debian's fonts-noto-cjk "
        f"(expected {debian}; fc-match/fc-list found none for zh-cn)"
    )


@functools.cache
def find_fallback_fonts() -> tuple[FontFace, ...]:
    """Faces for symbols and emoji the CJK face lacks, in order of preference."""
    faces = []
    for family, path in FALLBACK_FAMILIES:
        if path.is_file():
            faces.append(FontFace(path))
            continue
        out = _run_fc(["fc-match", "-f", "%{family}\t%{file}", family])
        found_family, _, file = out.partition("\t")
        if family in found_family.split(",") and Path(file).is_file():
            faces.append(FontFace(Path(file)))
    return tuple(faces)


def _parse_charset(text: str) -> list[tuple[int, int]]:
    ranges = []
    for part in text.split():
        lo, _, hi = part.partition("-")
        try:
            ranges.append((int(lo, 16), int(hi or lo, 16)))
        except ValueError:
            continue
    return ranges


class Coverage:
    """Which code points a face has, from fontconfig's charset (all, if unknown)."""

    def __init__(self, face: FontFace) -> None:
        out = _run_fc(["fc-query", "-i", str(face.index), "-f", "%{charset}", str(face.path)])
        self._ranges = _parse_charset(out)
        self._known = bool(self._ranges)
        self._cache: dict[str, bool] = {}

    def has(self, ch: str) -> bool:
        if not self._known:
            return True
        hit = self._cache.get(ch)
        if hit is None:
            cp = ord(ch)
            hit = any(lo <= cp <= hi for lo, hi in self._ranges)
            self._cache[ch] = hit
        return hit

    def has_all(self, cluster: str) -> bool:
        return all(self.has(ch) or ch in _INVISIBLE for ch in cluster)


@functools.cache
def coverage(face: FontFace) -> Coverage:
    return Coverage(face)


@functools.cache
def load_font(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face.path), size=size, index=face.index)


@dataclass(frozen=True)
class Run:
    """A piece of a line drawn with one font."""

    text: str
    font: ImageFont.FreeTypeFont


class FontSet:
    """The CJK face at one size, with fallback faces for what it lacks."""

    def __init__(self, size: int, bold: bool = False) -> None:
        self.size = size
        self.primary_face = find_cjk_font(bold)
        self.primary = load_font(self.primary_face, size)
        self._faces = [(coverage(self.primary_face), self.primary)] + [
            (coverage(face), load_font(face, size)) for face in find_fallback_fonts()
        ]
        self._widths: dict[str, float] = {}

    def _font_for(self, cluster: str) -> tuple[str, ImageFont.FreeTypeFont]:
        """What to draw for one character, and with which font."""
        for cov, font in self._faces:
            if cov.has_all(cluster):
                return cluster, font
        # An emoji sequence no face has whole (skin tone, ZWJ family, keycap) is
        # drawn as its first character when a face has that.
        base = cluster[0]
        if base not in _INVISIBLE:
            for cov, font in self._faces:
                if cov.has(base):
                    return base, font
        if all(ch in _INVISIBLE for ch in cluster):
            return "", self.primary
        return MISSING_GLYPH, self.primary

    def runs(self, text: str) -> list[Run]:
        """``text`` as runs of one font each; characters no face has become ``□``."""
        runs: list[Run] = []
        for cluster in graphemes(text):
            shown, font = self._font_for(cluster)
            if not shown:
                continue
            if runs and runs[-1].font is font:
                runs[-1] = Run(runs[-1].text + shown, font)
            else:
                runs.append(Run(shown, font))
        return runs

    def measure(self, text: str) -> float:
        """Width of ``text`` in pixels as :meth:`runs` would draw it."""
        total = 0.0
        for cluster in graphemes(text):
            w = self._widths.get(cluster)
            if w is None:
                shown, font = self._font_for(cluster)
                w = font.getlength(shown) if shown else 0.0
                self._widths[cluster] = w
            total += w
        return total


@functools.cache
def font_set(size: int, bold: bool = False) -> FontSet:
    """A shared :class:`FontSet`; :func:`kiosk.printing.render.render_slip` draws under a lock."""
    return FontSet(size, bold)
