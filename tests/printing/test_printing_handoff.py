from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re

import pytest

from kiosk.printing.handoff import (
    REFERENCE_ALPHABET,
    Contact,
    Handoff,
    handoff_event_payload,
    handoff_url,
    normalise_reference,
)

REFERENCE = re.compile(rf"^[{REFERENCE_ALPHABET}]{{3}}-[{REFERENCE_ALPHABET}]{{3}}$")


def test_token_is_128_random_bits_urlsafe():
    tokens = {Handoff.create("https://s.example", "q").token for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token)
        assert len(base64.urlsafe_b64decode(token + "==")) == 16


def test_reference_is_short_and_unambiguous():
    refs = [Handoff.create("https://s.example", "q").reference for _ in range(500)]
    assert all(REFERENCE.match(r) for r in refs), refs[:5]
    assert not set("".join(refs)) & set("01OIL")
    assert len(set(refs)) > 490


def test_normalise_reference():
    assert normalise_reference(" k7m 3qx ") == "K7M-3QX"
    assert normalise_reference("k7m-3qx") == "K7M-3QX"


@pytest.mark.parametrize(
    "server",
    ["https://fl.chengbei.example", "https://fl.chengbei.example/", "https://fl.chengbei.example//",
     "  https://fl.chengbei.example/  "],
)
def test_url_has_exactly_one_slash_before_h(server):
    assert handoff_url(server, "TOKEN") == "https://fl.chengbei.example/h/TOKEN"


def test_url_keeps_a_path_prefix():
    assert handoff_url("https://d.example/legal/", "T") == "https://d.example/legal/h/T"


def test_empty_server_url_is_refused():
    with pytest.raises(ValueError, match=r"sync\.server_url"):
        handoff_url(" / ", "T")


def test_handoff_fields():
    now = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
    h = Handoff.create("https://s.example/", "  我们两口子\n都同意离婚 ", ["marriage.a", "marriage.b"],
                       "marriage", now=now)
    assert h.url == f"https://s.example/h/{h.token}"
    assert h.created == now
    assert h.question == "我们两口子 都同意离婚"
    assert h.entry_ids == ("marriage.a", "marriage.b")
    assert h.topic == "marriage"


def test_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone"):
        Handoff.create("https://s.example", "q", now=dt.datetime(2026, 1, 1))


def test_repr_keeps_secrets_and_resident_text_out():
    h = Handoff.create("https://s.example", "我的电话是13812345678")
    text = repr(h)
    assert h.token not in text and "13812345678" not in text and "电话" not in text
    assert h.reference in text
    assert "13812345678" not in repr(Contact(phone="13812345678"))


def test_event_without_contact():
    h = Handoff.create("https://s.example", "问题", ["marriage.x"], "marriage")
    event = handoff_event_payload(h)
    assert event["type"] == "handoff"
    assert "personal" not in event
    payload = event["payload"]
    assert payload["token_sha256"] == hashlib.sha256(h.token.encode()).hexdigest()
    assert h.token not in repr(event)
    assert payload["reference"] == h.reference
    assert payload["question"] == "问题"
    assert payload["entry_ids"] == ["marriage.x"]
    assert payload["topic"] == "marriage"
    assert dt.datetime.fromisoformat(payload["created"]) == h.created


def test_event_with_contact_keeps_it_out_of_the_payload():
    h = Handoff.create("https://s.example", "问题")
    event = handoff_event_payload(h, Contact(phone=" 13812345678 ", name="王"))
    assert event["personal"] == {"phone": "13812345678", "name": "王"}
    assert "13812345678" not in repr(event["payload"])


def test_empty_contact_is_no_contact():
    h = Handoff.create("https://s.example", "问题")
    assert "personal" not in handoff_event_payload(h, Contact(phone="  "))
