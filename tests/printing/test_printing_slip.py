"""Slip content from real entries, and what survives on each paper."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kiosk.printing.handoff import Handoff
from kiosk.printing.slip import (
    A4_LIMITS,
    DISCLAIMER,
    NO_ANSWER_TITLE,
    THERMAL_LIMITS,
    build_slip,
    for_paper,
)
from kiosk.printing.text import ELLIPSIS, MORE_NOTE

LONG_ANSWER = ("依照《民法典》第1087条，离婚时夫妻共同财产由双方协议处理。" * 800)[:20_000]


def test_slip_carries_the_entry_and_the_handoff(entry, make_slip):
    slip = make_slip()
    assert slip.title == entry.title
    assert slip.question == entry.question
    assert slip.short_answer == entry.short_answer
    assert slip.where == entry.where and slip.bring == entry.bring
    assert slip.time_limits == entry.time_limits and slip.steps == entry.steps
    assert slip.citations == tuple(c.display() for c in entry.citations)
    assert slip.citations[0].startswith("《民法典》第")
    assert slip.qr_url.startswith("https://fl.chengbei.example/h/")
    assert slip.disclaimer == DISCLAIMER == "仅供参考，不构成法律意见"
    assert "12348" in "".join(slip.hotline)
    assert slip.version_line[0] == "知识库 2026.11-test"
    assert entry.id in slip.version_line[1]
    assert slip.printed_at.tzinfo is not None
    assert not slip.truncated and slip.more_note == ""


def test_slip_time_is_the_given_local_time(entry):
    h = Handoff.create("https://s.example", "q")
    when = dt.datetime(2026, 11, 26, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    slip = build_slip(entry, h, "某站", "镇街道站", "v1", printed_at=when)
    assert slip.printed_at_text == "2026-11-26 14:30"


def test_no_entry_hands_over_to_a_person():
    h = Handoff.create("https://s.example", "我家的事说不清")
    slip = build_slip(None, h, "某站", "村社区室", "v1")
    assert slip.title == NO_ANSWER_TITLE
    assert "12348" in slip.short_answer
    assert slip.needs_lawyer and slip.entry_id == ""
    assert slip.question == "我家的事说不清"


def test_real_entry_fits_a_roll_without_cuts(make_slip):
    thermal = for_paper(make_slip(), "58mm")
    assert thermal.answer == ""  # the full answer is behind the QR code
    assert not thermal.truncated


@pytest.mark.parametrize("paper", ["58mm", "80mm", "a4"])
def test_twenty_thousand_characters_are_cut_sensibly(entry, make_slip, paper):
    long_entry = dataclasses.replace(entry, answer=LONG_ANSWER, short_answer=LONG_ANSWER[:3000])
    slip = make_slip(long_entry, question="我想问" + "很长的问题" * 400)
    fitted = for_paper(slip, paper)
    limits = A4_LIMITS if paper == "a4" else THERMAL_LIMITS
    assert fitted.truncated and fitted.more_note == MORE_NOTE == "完整内容请扫码查看"
    assert len(fitted.question) <= limits.question and fitted.question.endswith(ELLIPSIS)
    assert len(fitted.short_answer) <= limits.short_answer
    assert fitted.short_answer.endswith(ELLIPSIS)
    if paper == "a4":
        assert len(fitted.answer) <= limits.answer and fitted.answer.endswith(ELLIPSIS)
        # cut at a sentence end, never inside 《民法典》第1087条
        assert fitted.answer.endswith("。" + ELLIPSIS) or fitted.answer.endswith("处理" + ELLIPSIS)
    else:
        assert fitted.answer == ""
    for text in (fitted.short_answer, fitted.answer):
        head = text.rstrip(ELLIPSIS)
        assert not head.endswith(("第", "第1", "第10", "第108", "《", "《民", "《民法"))
        assert head.count("《") == head.count("》")


def test_long_lists_are_capped(entry, make_slip):
    many = tuple(f"第{i}步：带好材料去窗口办理" for i in range(1, 20))
    slip = make_slip(dataclasses.replace(entry, steps=many, bring=many))
    fitted = for_paper(slip, "80mm")
    assert len(fitted.steps) == THERMAL_LIMITS.steps + 1
    assert fitted.steps[-1] == f"……另有{19 - THERMAL_LIMITS.steps}项"
    assert fitted.truncated


def test_repr_keeps_the_question_out(make_slip):
    slip = make_slip(question="我的身份证号是110101199003071234")
    assert "110101199003071234" not in repr(slip)
