"""Truncation and line breaking rules."""

from __future__ import annotations

import pytest

from kiosk.printing.text import (
    ELLIPSIS,
    NO_LINE_END,
    NO_LINE_START,
    graphemes,
    protected_spans,
    safe_cut,
    shorten,
    wrap,
)

LEGAL = (
    "离婚时，夫妻的共同财产由双方协议处理；协议不成的，由人民法院根据财产的具体情况，"
    "按照照顾子女、女方和无过错方权益的原则判决。依照《中华人民共和国民法典》第1087条，"
    "另见第1091条之一第二款和《最高人民法院关于适用〈中华人民共和国民法典〉婚姻家庭编的解释（一）》。"
    "冷静期30天，费用12,348.50元，约占3.5%。"
)
EMOJI = "我想问👨‍👩‍👧一家人🇨🇳的事👍🏽，é字。"


def _inside_a_span(text: str, index: int) -> bool:
    return any(start < index < end for start, end in protected_spans(text))


@pytest.mark.parametrize("text", [LEGAL, EMOJI, LEGAL + EMOJI * 3])
def test_every_cut_is_safe(text):
    clusters = graphemes(text)
    cluster_ends = {0}
    pos = 0
    for c in clusters:
        pos += len(c)
        cluster_ends.add(pos)
    for limit in range(1, len(text) + 5):
        short, was_cut = shorten(text, limit)
        assert was_cut == (len(text) > limit)
        if not was_cut:
            assert short == text
            continue
        assert len(short) <= limit
        assert short.endswith(ELLIPSIS)
        head = short[: -len(ELLIPSIS)]
        assert text.startswith(head)
        cut = len(head)
        assert cut in cluster_ends, f"cut mid-character at {cut} for limit {limit}"
        assert not _inside_a_span(text, cut), f"cut inside a protected span: {head[-8:]!r}"


@pytest.mark.parametrize("limit", range(40, 80))
def test_never_inside_an_article_number(limit):
    short, _ = shorten(LEGAL, limit)
    head = short.rstrip(ELLIPSIS)
    # no dangling article number or book title
    for bad in ("第1", "第10", "第108", "1087", "《中华"):
        if bad in head:
            assert "第1087条" in head or "《中华人民共和国民法典》" in head, head
    assert head.count("《") == head.count("》")


def test_citations_are_one_unit():
    text = "依照《民法典》第1087条处理"
    spans = [text[s:e] for s, e in protected_spans(text)]
    assert "《民法典》第1087条" in spans
    for limit in range(3, 15):
        head = shorten(text, limit)[0].rstrip(ELLIPSIS)
        assert head in ("", "依照", "依照《民法典》第1087条", "依照《民法典》第1087条处")


def test_prefers_sentence_ends():
    text = "第一句说完了。第二句还没有说完但是很长很长很长"
    assert shorten(text, 12)[0] == "第一句说完了…"


def test_numbers_stay_whole():
    text = "工资是12348元整，请尽快处理这个问题"
    for limit in range(4, 12):
        head = shorten(text, limit)[0].rstrip(ELLIPSIS)
        assert "1234" not in head or "12348" in head


def test_graphemes():
    assert graphemes("a👨‍👩‍👧b🇨🇳🇺🇸👍🏽é") == ["a", "👨‍👩‍👧", "b", "🇨🇳", "🇺🇸", "👍🏽", "é"]
    assert graphemes("㙍䶮") == ["㙍", "䶮"]


def test_safe_cut_whole_text():
    assert safe_cut("abc", 10) == 3


def _width(s: str) -> float:
    return sum(1.0 if ord(c) > 0x2E80 else 0.5 for c in s)


@pytest.mark.parametrize("width", [6, 8, 10, 13, 17, 24])
def test_wrap_rules(width):
    text = LEGAL + "\n" + EMOJI + " Hello world, see https://fl.chengbei.example/h/abc"
    lines = wrap(text, width, _width)
    rebuilt = "".join(lines).replace(" ", "")
    assert rebuilt == text.replace("\n", "").replace(" ", "")
    for i, line in enumerate(lines):
        assert _width(line) <= width, line
        if i and line and line[0] in NO_LINE_START:
            # allowed only when the previous line could give nothing up
            assert len(graphemes(lines[i - 1])) <= 1, (lines[i - 1], line)
        if line and i + 1 < len(lines):
            assert line[-1] not in NO_LINE_END, line


def test_wrap_keeps_words_together():
    lines = wrap("请拨打12348热线 hotline", 8, _width)
    assert any("12348" in line for line in lines)
    assert any("hotline" in line for line in lines)


def test_wrap_splits_a_word_longer_than_a_line():
    lines = wrap("x" * 30, 5, _width)
    assert lines == ["x" * 10, "x" * 10, "x" * 10]


def test_wrap_keeps_empty_paragraphs():
    assert wrap("甲\n\n乙", 10, _width) == ["甲", "", "乙"]
