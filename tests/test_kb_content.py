"""The shipped legal content: complete, cited to real articles, honest about its limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from offline_cache.kb_schema import SHORT_ANSWER_MAX, ValidationResult
from offline_cache.kb_sources import Sources, builtin_source_dir, check_sources, load_sources
from offline_cache.statutes import load_statutes

# Real national numbers only; local numbers are the district's to fill in.
ALLOWED_PHONES = {"12348", "12345", "110", "120", "122", "12315", "12333", "12338", "12369", "96110"}
_NUMBERISH = re.compile(r"(?<![\d.])(?:0\d{2,3}-?)?\d{3,}(?![\d.])")


@pytest.fixture(scope="module")
def sources() -> Sources:
    result = ValidationResult()
    src = load_sources(builtin_source_dir(), result)
    assert result.ok, "\n".join(map(str, result.problems))
    return src


def test_sources_pass_the_full_check_against_the_real_statutes(sources: Sources, statutes_dir: Path) -> None:
    result = ValidationResult()
    check_sources(sources, load_statutes(statutes_dir), result)
    assert result.ok, "\n".join(map(str, result.problems))


def test_every_coverage_id_is_covered_with_its_expected_citations(sources: Sources) -> None:
    assert len(sources.coverage) == 115
    covered = {c for e in sources.entries for c in e.covers}
    assert {c.id for c in sources.coverage} <= covered
    assert len(sources.topics) == 17


def test_every_citation_resolves_to_an_existing_article(sources: Sources, statutes_dir: Path) -> None:
    laws = load_statutes(statutes_dir)
    citations = [(e.id, c) for e in sources.entries for c in e.citations]
    citations += [(t.id, c) for t in sources.tips for c in t.citations]
    assert len(citations) > 300
    missing = [f"{owner}: {c.key}" for owner, c in citations
               if c.law not in laws or laws[c.law].article(c.article, c.suffix) is None]
    assert not missing


def test_short_answers_fit_speech_and_slips(sources: Sources) -> None:
    for entry in sources.entries:
        assert 10 <= len(entry.short_answer) <= SHORT_ANSWER_MAX, entry.id
        assert len(entry.phrasings) >= 3, entry.id


def test_only_real_national_hotlines_appear(sources: Sources) -> None:
    """No invented phone numbers: any 3+ digit run that looks like a number to dial must
    be an allowed hotline, or a figure with a unit (days, yuan, articles, years)."""
    units = "日天年月元条倍%％岁周小时分钟个次万亿人户款项元起号届期"
    for entry in sources.entries:
        text = "\n".join([entry.short_answer, entry.answer, *entry.steps, *entry.where, *entry.bring,
                          *entry.time_limits, entry.costs])
        for match in _NUMBERISH.finditer(text):
            number = match.group()
            after = text[match.end(): match.end() + 1]
            if number in ALLOWED_PHONES or (after and after in units):
                continue
            context = text[max(0, match.start() - 15):match.end() + 5]
            pytest.fail(f"{entry.id}: unexpected number {number!r} in …{context}…")


def test_entries_needing_a_lawyer_say_so(sources: Sources) -> None:
    flagged = [e for e in sources.entries if e.needs_lawyer]
    assert len(flagged) >= 15
    for entry in flagged:
        text = entry.answer + entry.short_answer + "".join(entry.steps)
        assert any(w in text for w in ("律师", "法律援助", "12348")), entry.id


def test_directory_is_marked_as_demo_data_and_invents_no_numbers(sources: Sources) -> None:
    directory = sources.directory
    assert directory["demo"] is True
    assert "演示" in directory["notice"]
    tiers = {p["tier"] for p in directory["points"]}
    assert tiers == {"区中心", "镇街道站", "村社区室"}
    for point in directory["points"]:
        assert point["phone"] == "" or point["phone"] in ALLOWED_PHONES
    assert {h["number"] for h in directory["hotlines"]} >= {"12348", "12345"}


def test_tips_are_short_and_cases_are_stories(sources: Sources) -> None:
    tips = [t for t in sources.tips if t.kind == "tip"]
    cases = [t for t in sources.tips if t.kind == "case"]
    assert len(tips) >= 20 and len(cases) >= 8
    assert all(len(t.text) <= 80 for t in tips)
    assert all(t.citations for t in sources.tips)
