"""What a slip says: built from an answer, the service point and a handoff.

:func:`build_slip` gives the full content; :func:`for_paper` fits it to the
paper.  On a 58/80 mm roll the full answer is left to the QR code's page and the
other fields are cut with :func:`~kiosk.printing.text.shorten`; the A4 page
prints everything a real entry has, with budgets only against runaway text.
Whenever something was cut, a ``完整内容请扫码查看`` line says where the rest is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from kiosk.printing.handoff import Handoff
from kiosk.printing.text import MORE_NOTE, shorten
from offline_cache.kb_schema import Entry

HEADING = "青小律 · 公共法律服务"
HOTLINE = ("法律咨询请拨打 12348 ", "公共法律服务热线")
DISCLAIMER = "仅供参考，不构成法律意见"
QR_CAPTION = "扫码查看完整内容，或转给值班律师"
LAWYER_NOTE = "这类问题建议找律师：请把本条交给值班律师，或拨打 12348。"
NO_ANSWER_TITLE = "转人工咨询"
NO_ANSWER_TEXT = "暂时没有找到现成的答案。请把本条交给工作人员，或拨打 12348，我们会尽快帮您。"


Paper = Literal["58mm", "80mm", "a4"]


@dataclass(frozen=True)
class Limits:
    """Character budgets per field; ``answer = 0`` leaves the full answer to the QR page."""

    title: int
    question: int
    short_answer: int
    answer: int
    item: int
    steps: int
    where: int
    bring: int
    time_limits: int
    citations: int


THERMAL_LIMITS = Limits(
    title=30, question=80, short_answer=160, answer=0, item=48,
    steps=6, where=3, bring=6, time_limits=4, citations=8,
)
# A4 prints everything a real entry has (a few hundred characters); the budgets
# only stop runaway text from printing a ream: 4,000 characters are about three pages.
A4_LIMITS = Limits(
    title=60, question=300, short_answer=600, answer=4000, item=200,
    steps=20, where=10, bring=20, time_limits=10, citations=30,
)


@dataclass(frozen=True)
class Slip:
    heading: str
    service_point: str
    tier: str
    printed_at: dt.datetime
    reference: str
    title: str
    question: str
    short_answer: str
    answer: str
    where: tuple[str, ...]
    bring: tuple[str, ...]
    time_limits: tuple[str, ...]
    steps: tuple[str, ...]
    citations: tuple[str, ...]
    needs_lawyer: bool
    entry_id: str
    entry_version: int
    kb_version: str
    qr_url: str
    hotline: tuple[str, ...] = HOTLINE  # one line, or these parts on their own lines
    disclaimer: str = DISCLAIMER
    qr_caption: str = QR_CAPTION
    truncated: bool = False

    @property
    def printed_at_text(self) -> str:
        return self.printed_at.strftime("%Y-%m-%d %H:%M")

    @property
    def more_note(self) -> str:
        """``完整内容请扫码查看`` when something was cut, else empty."""
        return MORE_NOTE if self.truncated else ""

    @property
    def version_line(self) -> tuple[str, ...]:
        """Knowledge-base version and the entry the answer came from."""
        entry = f"{self.entry_id} 第{self.entry_version}版" if self.entry_id else ""
        return (f"知识库 {self.kb_version}", entry)

    def __repr__(self) -> str:  # the question is the resident's: keep it out of logs
        return f"Slip(reference={self.reference!r}, entry_id={self.entry_id!r})"


def build_slip(
    entry: Entry | None,
    handoff: Handoff,
    service_point: str,
    tier: str,
    kb_version: str,
    printed_at: dt.datetime | None = None,
) -> Slip:
    """The full slip for ``entry`` (``None``: no answer was found, hand over to a person)."""
    when = printed_at if printed_at is not None else dt.datetime.now().astimezone()
    slip = Slip(
        heading=HEADING,
        service_point=service_point,
        tier=tier,
        printed_at=when,
        reference=handoff.reference,
        title=NO_ANSWER_TITLE,
        question=handoff.question,
        short_answer=NO_ANSWER_TEXT,
        answer="",
        where=(),
        bring=(),
        time_limits=(),
        steps=(),
        citations=(),
        needs_lawyer=True,
        entry_id="",
        entry_version=0,
        kb_version=kb_version,
        qr_url=handoff.url,
    )
    if entry is None:
        return slip
    return dataclasses.replace(
        slip,
        title=entry.title,
        short_answer=entry.short_answer.strip(),
        answer=entry.answer.strip(),
        where=entry.where,
        bring=entry.bring,
        time_limits=entry.time_limits,
        steps=entry.steps,
        citations=tuple(c.display() for c in entry.citations),
        needs_lawyer=entry.needs_lawyer,
        entry_id=entry.id,
        entry_version=entry.version,
    )


def _shorten_items(
    items: tuple[str, ...], max_items: int, max_chars: int
) -> tuple[tuple[str, ...], bool]:
    out: list[str] = []
    cut = len(items) > max_items
    for item in items[:max_items]:
        text, was_cut = shorten(_tidy(item), max_chars)
        out.append(text)
        cut = cut or was_cut
    if len(items) > max_items:
        out.append(f"……另有{len(items) - max_items}项")
    return tuple(out), cut


def limits_for(paper: Paper) -> Limits:
    return A4_LIMITS if paper == "a4" else THERMAL_LIMITS


def for_paper(slip: Slip, paper: Paper) -> Slip:
    """``slip`` with every field within the budget of ``paper``."""
    return shorten_slip(slip, limits_for(paper))


def shorten_slip(slip: Slip, lim: Limits) -> Slip:
    """``slip`` with every field within ``lim``; ``truncated`` tells whether anything was cut."""
    cut = False

    def one(text: str, limit: int, keep_lines: bool = False) -> str:
        nonlocal cut
        if limit <= 0:
            return ""
        text = _tidy(text, keep_lines)
        short, was_cut = shorten(text, limit)
        cut = cut or was_cut
        return short

    def many(items: tuple[str, ...], max_items: int) -> tuple[str, ...]:
        nonlocal cut
        short, was_cut = _shorten_items(items, max_items, lim.item)
        cut = cut or was_cut
        return short

    citations = slip.citations[: lim.citations]
    if len(slip.citations) > lim.citations:
        citations += (f"等{len(slip.citations)}条",)
        cut = True
    shortened = dataclasses.replace(
        slip,
        title=one(slip.title, lim.title),
        question=one(slip.question, lim.question),
        short_answer=one(slip.short_answer, lim.short_answer),
        answer=one(slip.answer, lim.answer, keep_lines=True),
        where=many(slip.where, lim.where),
        bring=many(slip.bring, lim.bring),
        time_limits=many(slip.time_limits, lim.time_limits),
        steps=many(slip.steps, lim.steps),
        citations=citations,
    )
    return dataclasses.replace(shortened, truncated=slip.truncated or cut)


def _tidy(text: str, keep_lines: bool = False) -> str:
    """Whitespace runs made single spaces (paragraph breaks kept when asked)."""
    if not keep_lines:
        return " ".join(text.split())
    paragraphs = (" ".join(p.split()) for p in text.splitlines())
    return "\n".join(p for p in paragraphs if p)
