"""What a resident can do at the booth, as plain functions the UI calls off its thread.

This layer knows nothing of Qt: it searches the knowledge base and records events in
the outbox.  Every method that records an event returns only after the event is
committed, so the screen confirms nothing that could still be lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.config import Settings
from kiosk.datadir import DataDir
from kiosk.logsetup import get_logger, redact
from kiosk.printing import Handoff, PrintResult, build_slip, handoff_event_payload, make_printer
from kiosk.session import Session
from offline_cache.kb_schema import Entry
from offline_cache.kb_store import KnowledgeBase, StoredArticle
from offline_cache.outbox import Event, Outbox
from offline_cache.search.engine import MAX_QUERY_CHARS, SearchEngine, SearchResponse
from offline_cache.statutes import parse_article_ref

log = get_logger("services")

RATINGS = ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")
HUMAN_ROUTES = ("hotline", "window", "callback")
# Optional reasons offered after a low rating; codes, never free text (no personal data).
RATING_REASONS = ("not_found", "hard_to_understand", "hard_to_use", "need_person")


@dataclass(frozen=True)
class TakeAway:
    """What the resident takes home: a reference, the QR code's URL, the print outcome."""

    reference: str
    url: str
    printed: PrintResult


@dataclass
class KioskServices:
    settings: Settings
    kb: KnowledgeBase
    engine: SearchEngine
    outbox: Outbox
    last_print: str = "none yet"  # for the technician screen: the latest print's outcome

    @classmethod
    def open(cls, settings: Settings) -> KioskServices:
        from kiosk.knowledge import open_knowledge_base

        data = DataDir(settings.data_dir).ensure()
        kb = open_knowledge_base(settings)
        outbox = Outbox(data.outbox_path, data.secrets_dir / "outbox.key")
        return cls(settings, kb, SearchEngine(kb, settings.kb.answer_threshold), outbox)

    @property
    def device_id(self) -> str:
        return self.settings.device.device_id

    def ask(self, session: Session, question: str, source: str = "touch", top: int = 5) -> SearchResponse:
        """Search and record the question (its text and matched ids; no personal data)."""
        response = self.engine.search(question, top=top)
        session.questions.append(question)
        self.outbox.append("question_asked", {
            "session": session.id,
            "text": redact(response.query),
            "source": source,
            "answered": response.answered,
            "results": [r.entry_id for r in response.results],
            "kb_version": self.kb.version,
        }, self.device_id)
        log.info("question answered=%s top=%s (%.1f ms)", response.answered,
                 response.results[0].entry_id if response.results else None, response.elapsed_ms)
        return response

    def suggest(self, question: str, top: int = 4) -> SearchResponse:
        """Matches while the resident is still typing: nothing is recorded."""
        return self.engine.search(question, top=top)

    def lookup_statutes(self, query: str, limit: int = 20) -> list[StoredArticle]:
        """"民法典 1087" gives that article; anything else searches all articles' text."""
        ref = parse_article_ref(query)
        if ref is not None:
            article = self.kb.article(ref)
            if article is not None:
                return [article]
        return self.kb.search_articles(query[:MAX_QUERY_CHARS], limit)

    def status(self) -> list[tuple[str, str]]:
        """Device status lines for the technician screen (no personal data)."""
        manifest = self.kb.manifest() or {}
        return [
            ("device", f"{self.settings.device.device_id} ({self.settings.device.role})"),
            ("service point", f"{self.settings.device.service_point} · {self.settings.device.tier}"),
            ("knowledge base", f"{self.kb.version}, {self.kb.entry_count} entries, {self.kb.path}"),
            ("kb built", str(manifest.get("built_at", "unknown"))),
            ("outbox", f"{self.outbox.count(unsent_only=True)} unsent of {self.outbox.count()}"),
            ("data dir", str(self.settings.data_dir)),
            ("printer", f"{self.settings.printer.kind} {self.settings.printer.address}".strip()),
            ("last print", self.last_print),
            ("speech model", self.settings.speech.asr_model_dir or "not configured"),
        ]

    def open_entry(self, session: Session, entry_id: str) -> Entry | None:
        entry = self.kb.entry(entry_id)
        if entry is not None:
            session.viewed_entries.append(entry_id)
        return entry

    def rate(self, session: Session, level: str, reason: str = "") -> Event:
        if level not in RATINGS:
            raise ValueError(f"unknown rating {level!r}")
        if reason and reason not in RATING_REASONS:
            raise ValueError(f"unknown rating reason {reason!r}")
        session.rated = True
        return self.outbox.append("rating", {
            "session": session.id, "level": level, "reason": reason,
            "entries": list(dict.fromkeys(session.viewed_entries)),
        }, self.device_id)

    def request_human(self, session: Session, route: str) -> Event:
        if route not in HUMAN_ROUTES:
            raise ValueError(f"unknown route {route!r}")
        return self.outbox.append("human_help_requested", {
            "session": session.id, "route": route,
            "entries": list(dict.fromkeys(session.viewed_entries)),
            "questions": [redact(q) for q in session.questions[-3:]],
        }, self.device_id)

    def request_callback(self, session: Session, phone: str, consent: bool) -> Event:
        """Record a callback request; the phone number is sealed, never in the payload."""
        if not consent:
            raise ValueError("a callback needs the resident's consent")
        if not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
            raise ValueError("not a mainland mobile number")
        entries = list(dict.fromkeys(session.viewed_entries))
        topic = entries[-1].split(".")[0] if entries else ""
        session.personal["phone"] = phone
        try:
            return self.outbox.append("callback_request", {
                "session": session.id, "topic": topic, "entries": entries, "consent": True,
            }, self.device_id, personal={"phone": phone})
        finally:
            session.personal.pop("phone", None)

    def take_away(self, session: Session, entry_id: str) -> TakeAway:
        """Make a handoff for an answer, record it, then print its slip.

        The ``handoff`` event is committed *before* printing, so the QR code on the
        paper (or the screen) always leads to a case the server will receive.  A
        printer problem never raises: the result says so and the caller shows the
        same QR code on screen.
        """
        entry = self.kb.entry(entry_id)
        if entry is None:
            raise ValueError(f"no entry {entry_id!r}")
        # A resident may type a phone or ID number into a question: it is masked before
        # the question goes onto paper or into an event (contact data is only ever
        # taken with consent, sealed, through request_callback).
        question = redact(session.questions[-1]) if session.questions else entry.question
        handoff = Handoff.create(self.settings.sync.server_url, question, [entry.id], entry.topic)
        event = handoff_event_payload(handoff)
        self.outbox.append(event["type"], event["payload"], self.device_id,
                           personal=event.get("personal"))
        slip = build_slip(entry, handoff, self.settings.device.service_point,
                          self.settings.device.tier, self.kb.version)
        result = make_printer(self.settings.printer).print_slip(slip)
        if result.ok:
            self.last_print = f"{handoff.reference} printed"
        elif result.fault is None:
            self.last_print = f"{handoff.reference} shown on screen (no printer configured)"
        else:
            self.last_print = f"{handoff.reference} FAILED: {result.reason_for_technician}"
            log.warning("slip %s not printed: %s", handoff.reference, result.reason_for_technician)
        return TakeAway(handoff.reference, handoff.url, result)

    def end_session(self, session: Session, reason: str) -> Event:
        event = self.outbox.append("session_ended", {
            "session": session.id, "reason": reason,
            "duration_s": round(session.duration_s, 1),
            "questions": len(session.questions), "rated": session.rated,
        }, self.device_id)
        session.wipe()
        return event
