"""The handoff: what a printed slip's QR code hands to a person.

A resident who has read an answer can take their case further: to the duty
lawyer at the service point, to the 12348 hotline, or home on their own phone.
The slip carries one QR code for all three, a URL on the district server::

    {server_url}/h/{token}

Design of the URL and the token
-------------------------------
* ``token`` is ``secrets.token_urlsafe(16)``: 128 random bits, 22 URL-safe
  characters.  It is a bearer secret: whoever holds the slip (or a photo of it)
  can open the page, nobody can guess one.  It carries no meaning (no device id,
  date or counter), so it tells nothing about the resident.
* The kiosk sends the server only ``token_sha256``, the SHA-256 of the token, in
  the ``handoff`` outbox event (see :func:`handoff_event_payload`; contact
  details travel in the outbox's sealed ``personal`` part, never the payload).  The server
  stores that hash and looks a visit to ``/h/{token}`` up by hashing the token
  again, as with a password-reset link: neither a copy of the outbox nor of the
  server's database is enough to open anyone's page.
* ``reference`` (``K7M-3QX``) is a short code for people: the resident reads it
  out on the phone to 12348 or shows it at the counter, and staff type it in.
  Its alphabet leaves out 0/O, 1/I/L so it survives being read aloud or
  handwritten.  It is *not* a secret and opens nothing on its own: the server
  shows a case by reference only to signed-in staff.  31⁶ ≈ 8.9·10⁸ codes make a
  clash between live cases unlikely; the server rejects a duplicate and the
  kiosk can draw again.
* The URL is short (about 50 characters with the default server) so the QR code
  stays at version 4 and its modules stay large on 58 mm paper.

The district server's pick-up page comes later.  What it will do with a visit:
staff who are signed in see the case (question as understood, matched entries,
topic, and the contact details when the resident gave them); anyone else, that
is the resident's own phone, gets a summary with no personal data: the matched
answers, where to go, what to bring, the 12348 number.  Until the outbox has
delivered the event the page says the case is on its way.

Personal data: the question text and contact details are the resident's.  They
go into the outbox event and onto the slip, never into a log line; ``repr()`` of
a :class:`Handoff` leaves out the token and the question.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

EVENT_TYPE = "handoff"
EVENT_VERSION = 1
TOKEN_BYTES = 16
# Unambiguous for people: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 6


def new_token() -> str:
    """128 random bits, URL-safe base64 without padding (22 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_reference() -> str:
    """A short code for staff, formatted like ``K7M-3QX``."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    half = REFERENCE_LENGTH // 2
    return f"{chars[:half]}-{chars[half:]}"


def normalise_reference(text: str) -> str:
    """What staff type, made comparable: upper case, separators dropped, dash put back."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    half = REFERENCE_LENGTH // 2
    return f"{cleaned[:half]}-{cleaned[half:]}" if len(cleaned) == REFERENCE_LENGTH else cleaned


def handoff_url(server_url: str, token: str) -> str:
    """``{server_url}/h/{token}`` with exactly one slash between the parts."""
    base = server_url.strip().rstrip("/")
    if not base:
        raise ValueError("server_url is empty: set sync.server_url")
    return f"{base}/h/{token}"


def token_digest(token: str) -> str:
    """What the server stores and looks visits up by."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Contact:
    """Contact details the resident chose to give (asking for consent is the caller's job)."""

    phone: str = ""
    name: str = ""
    note: str = field(default="", metadata={"doc": "e.g. a good time to call"})

    def to_json(self) -> dict[str, str]:
        data = {"phone": self.phone.strip(), "name": self.name.strip(), "note": self.note.strip()}
        return {k: v for k, v in data.items() if v}

    def __repr__(self) -> str:  # never leak the values into a log by accident
        return f"Contact(fields={sorted(self.to_json())})"


@dataclass(frozen=True)
class Handoff:
    token: str = field(repr=False)
    reference: str
    url: str = field(repr=False)
    created: dt.datetime
    question: str = field(repr=False)
    entry_ids: tuple[str, ...]
    topic: str

    @classmethod
    def create(
        cls,
        server_url: str,
        question: str,
        entry_ids: Iterable[str] = (),
        topic: str = "",
        now: dt.datetime | None = None,
    ) -> Handoff:
        """A new handoff for ``question`` (the text as the kiosk understood it)."""
        token = new_token()
        created = now if now is not None else dt.datetime.now(dt.UTC)
        if created.tzinfo is None:
            raise ValueError("created time must be timezone-aware")
        return cls(
            token=token,
            reference=new_reference(),
            url=handoff_url(server_url, token),
            created=created,
            question=" ".join(question.split()),
            entry_ids=tuple(entry_ids),
            topic=topic,
        )


def handoff_event_payload(handoff: Handoff, contact: Contact | None = None) -> dict[str, Any]:
    """The ``handoff`` outbox event, shaped for :meth:`offline_cache.outbox.Outbox.append`::

        event = handoff_event_payload(handoff, contact)
        outbox.append(event["type"], event["payload"], device_id, personal=event.get("personal"))

    ``payload`` carries the token's hash (never the token), the reference, the
    question as understood, the matched entry ids and the topic.  ``personal``
    (sealed by the outbox, never in ``payload``) is there only when ``contact``
    is given and holds at least one value.
    """
    event: dict[str, Any] = {
        "type": EVENT_TYPE,
        "payload": {
            "version": EVENT_VERSION,
            "token_sha256": token_digest(handoff.token),
            "reference": handoff.reference,
            "created": handoff.created.isoformat(),
            "question": handoff.question,
            "entry_ids": list(handoff.entry_ids),
            "topic": handoff.topic,
        },
    }
    if contact is not None and contact.to_json():
        event["personal"] = contact.to_json()
    return event
