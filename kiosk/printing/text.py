"""Text rules for slips: characters, safe truncation and Chinese line breaking.

* A "character" is a user-perceived one (a grapheme cluster, simplified): an
  emoji with skin tone or ZWJ parts, a flag, a letter with combining marks are
  never split.
* Truncation never cuts inside a protected span: a citation ``《民法典》第1087条``,
  a title ``《…》``, an article number ``第1087条``, a number ``30``/``12348`` or a
  Latin word.  It prefers to stop after a sentence, then after a clause, and
  ends with ``…``.
* Line breaking follows the usual Chinese rules (禁则): closing punctuation
  never starts a line, opening punctuation never ends one, and runs of digits
  or Latin letters stay together when they fit on a line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

ELLIPSIS = "…"
MORE_NOTE = "完整内容请扫码查看"

_CN_NUM = "0-9０-９零〇一二三四五六七八九十百千万两"
_PROTECTED = re.compile(
    # a cited work with its article: 《民法典》第1087条之一第二款
    rf"《[^《》\n]{{0,60}}》(?:第[{_CN_NUM}]+条(?:之[{_CN_NUM}]+)?(?:第[{_CN_NUM}]+[款项])*)?"
    # an article / paragraph / chapter number on its own
    rf"|第[{_CN_NUM}]+[条款项章节编](?:之[{_CN_NUM}]+)?(?:第[{_CN_NUM}]+[款项])*"
    # numbers (with decimals, thousands, percent) and Latin words
    r"|[0-9０-９]+(?:[.,．][0-9０-９]+)*[%％]?"
    r"|[A-Za-z][A-Za-z'’\-]*"
)
_STRONG_STOPS = frozenset("。！？；!?;\n")
_WEAK_STOPS = frozenset("，、：,:）)》”’")
# Stripped from the end of a cut before the ellipsis goes on.
_TRAILING_JUNK = frozenset("，、：；,:;。.！!？? \t\n（(《“‘「『【〔〈[{")

# Closing marks that must not start a line; opening marks that must not end one.
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…‥%％·～,.;:?!)]}〜ー—")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
_WORD = re.compile(
    # a citation stays on one line when it fits: 《民法典》第1087条
    rf"《[^《》\n]{{1,20}}》第[{_CN_NUM}]+条(?:之[{_CN_NUM}]+)?"
    r"|[A-Za-z0-9０-９][A-Za-z0-9０-９.,:/%％@_\-+#=?&'’]*"
)


def _is_extender(ch: str) -> bool:
    cp = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or cp == 0x200D  # zero-width joiner
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors
        or 0xE0100 <= cp <= 0xE01EF
        or 0x1F3FB <= cp <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= cp <= 0xE007F  # emoji tag sequences
    )


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def graphemes(text: str) -> list[str]:
    """Split ``text`` into user-perceived characters (simplified UAX #29)."""
    clusters: list[str] = []
    for ch in text:
        if clusters:
            last = clusters[-1]
            joins = (
                _is_extender(ch)
                or last[-1] == "\u200d"
                or (last == "\r" and ch == "\n")
                or (
                    _is_regional_indicator(ch)
                    and len(last) == 1
                    and _is_regional_indicator(last)
                )
            )
            if joins:
                clusters[-1] = last + ch
                continue
        clusters.append(ch)
    return clusters


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) that a cut must not fall inside."""
    return [m.span() for m in _PROTECTED.finditer(text)]


def safe_boundaries(text: str) -> list[int]:
    """Every index where ``text`` may be cut, in order (0 and len(text) included)."""
    inside = bytearray(len(text) + 1)  # 1 where a cut is forbidden
    for start, end in protected_spans(text):
        for i in range(start + 1, end):
            inside[i] = 1
    bounds = [0]
    pos = 0
    for cluster in graphemes(text):
        pos += len(cluster)
        if not inside[pos]:
            bounds.append(pos)
    return bounds


def safe_cut(text: str, limit: int) -> int:
    """The best index ≤ ``limit`` to cut ``text`` at.

    Prefers the end of a sentence in the last 40 % of the budget, then the end
    of a clause in the last 25 %, then the last safe boundary.
    """
    if limit >= len(text):
        return len(text)
    bounds = [b for b in safe_boundaries(text) if b <= limit]
    best = bounds[-1]
    for stops, share in ((_STRONG_STOPS, 0.6), (_WEAK_STOPS, 0.75)):
        floor = int(limit * share)
        for b in reversed(bounds):
            if b < floor or b == 0:
                break
            if text[b - 1] in stops:
                return b
    return best


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` characters, ending in ``…``; and whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = safe_cut(text, max(0, limit - len(ELLIPSIS)))
    head = text[:cut]
    while head and head[-1] in _TRAILING_JUNK:
        head = head[:-1]
    return head + ELLIPSIS, True


# ---------------------------------------------------------------------------
# Line breaking


def _tokens(paragraph: str) -> list[str]:
    """Unbreakable pieces: citations, Latin/digit runs, spaces, and single characters."""
    tokens: list[str] = []
    pos = 0
    for m in _WORD.finditer(paragraph):
        if m.start() > pos:
            tokens.extend(graphemes(paragraph[pos : m.start()]))
        tokens.append(m.group())
        pos = m.end()
    if pos < len(paragraph):
        tokens.extend(graphemes(paragraph[pos:]))
    return tokens


def wrap(text: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` (paragraphs on ``\\n``).

    ``measure`` gives the width of a piece of text.  Closing punctuation that
    would start a line takes the previous character down with it; opening
    punctuation that would end a line goes down to the next one.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph.rstrip(), max_width, measure))
    return lines


def _wrap_paragraph(paragraph: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    if not paragraph:
        return [""]
    lines: list[list[str]] = []
    line: list[str] = []
    width = 0.0

    def flush() -> None:
        nonlocal line, width
        while line and line[-1].isspace():
            line.pop()
        lines.append(line)
        line, width = [], 0.0

    pending = _tokens(paragraph)
    pending.reverse()
    while pending:
        tok = pending.pop()
        if not line and tok.isspace():
            continue
        w = measure(tok)
        if width + w <= max_width:
            line.append(tok)
            width += w
            continue
        if w > max_width:
            parts = graphemes(tok)
            if len(parts) > 1:  # a word wider than a line: split it into characters
                pending.extend(reversed(parts))
                continue
            if line:  # one character wider than a line: it gets a line of its own
                flush()
            line.append(tok)
            flush()
            continue
        carry: list[str] = []
        # 禁则: no closing mark at the start of the next line (take the character
        # before it, and any closing marks in between, down with it)…
        if tok[0] in NO_LINE_START:
            while len(line) > 1:
                carry.insert(0, line.pop())
                if carry[0][0] not in NO_LINE_START:
                    break
        # …and no opening mark at the end of this one.
        while len(line) > 1 and line[-1][-1] in NO_LINE_END:
            carry.insert(0, line.pop())
        if carry and sum(measure(c) for c in carry) + w > max_width:
            line.extend(carry)  # the rule cannot be kept: break here anyway
            carry = []
        flush()
        for c in carry:
            line.append(c)
            width += measure(c)
        pending.append(tok)
    if line:
        flush()
    return ["".join(parts) for parts in lines]
