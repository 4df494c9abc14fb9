"""Chinese numerals as used in article numbers (第一千二百六十条)."""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int:
    """Convert 一千零八十七 → 1087; also accepts ASCII digits. Raises ValueError."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
    return total + digit


def int_to_cn(number: int) -> str:
    """Convert 1087 → 一千零八十七 (the form statutes print)."""
    if number < 0:
        raise ValueError("negative article number")
    if number == 0:
        return "零"
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    pending_zero = False
    started = False
    for value, unit in units:
        d = number // value % 10
        if d == 0:
            if started:
                pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        if not (d == 1 and unit == "十" and not started):
            parts.append(digits[d])
        parts.append(unit)
        started = True
    return "".join(parts)
