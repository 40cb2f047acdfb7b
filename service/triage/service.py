"""Help-desk triage, the use case: a new or updated ticket in, intent + queue + priority +
language + sentiment + a one-line summary out.

The pieces: ``signatures.py`` (the webhook's HMAC, checked over the raw body first),
``payloads.py`` (generic JSON and Zendesk events into one ticket), ``signals.py`` (urgency,
priority, language, sentiment, summary). Idempotent per (tenant, source, ticket id, event id):
the first answer is stored (the :class:`~service.ports.TriageEvents` port, ``triage_events`` in
``service/adapters/sql/triage_repo.py``) together with its audit record, in one transaction,
and a replay returns it without classifying again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog

from service.audit import AuditEntry, elapsed_ms
from service.domain.pii import Redactor
from service.errors import Conflict, Forbidden, InvalidInput
from service.intents.classifier import Classification
from service.ports import TriageEvents
from service.triage.payloads import PARSERS, Ticket, parse_ticket
from service.triage.signals import detect_language, one_line_summary, raise_priority, sentiment, urgency_signals
from service.triage.signatures import TOLERANCE_S, verify_signature

log = structlog.get_logger("service.triage")

FALLBACK_QUEUE = "triage"
"""Queue for tickets the classifier abstains on: a person routes them."""
AUDIT_ENDPOINT = "hooks.triage"


@dataclass
class TriageOutcome:
    response: dict[str, Any]
    replayed: bool
    ticket: Ticket | None
    classification: Classification | None

    def audit_record(self) -> dict[str, Any]:
        """What an audit entry needs (hook point for the audit trail): ids, versions, result."""
        r = self.response
        return {"endpoint": AUDIT_ENDPOINT, "source": r["source"], "ticket_id": r["ticket_id"], "event_id": r["event_id"],
                "taxonomy_version": r["taxonomy_version"], "intent": r["intent"], "confidence": r["confidence"],
                "queue": r["queue"], "priority": r["priority"], "signals": r["urgency_signals"], "replayed": self.replayed}


class TriageService:
    """Verifies, parses, de-duplicates and triages help-desk events.

    ``store`` keeps the first answer per (tenant, source, ticket id, event id) with its audit
    record (:class:`~service.ports.TriageEvents`: the ``triage_events`` table in production,
    :class:`MemoryTriageStore` in tests).
    """

    def __init__(self, intents: Any, store: TriageEvents, secrets: Callable[[str], Any], *, tolerance_s: int = TOLERANCE_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.intents = intents
        self.store = store
        self.secrets = secrets
        self.tolerance_s = tolerance_s
        self.clock = clock
        self._locks: dict[tuple[str, ...], asyncio.Lock] = {}

    async def handle(self, tenant: str, source: str, body: bytes, headers: Mapping[str, str], *,
                     key_id: str | None = None) -> TriageOutcome:
        """Triage one delivery. A new event is stored with its audit record (``key_id``: the API
        key that delivered it) in one transaction; a replay returns the stored answer."""
        started = time.perf_counter()
        if source not in PARSERS:
            raise InvalidInput(f"unknown source {source!r}; known: {', '.join(PARSERS)}")
        secret = await self.secrets(tenant)
        if not secret:
            raise Forbidden(f"tenant {tenant!r} has no webhook secret; see `assist keys webhook-secret`")
        verify_signature(secret, body, headers, now=self.clock(), tolerance_s=self.tolerance_s)
        ticket = parse_ticket(source, body)
        key = (tenant, ticket.source, ticket.ticket_id, ticket.event_id)
        fingerprint = ticket.fingerprint()
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                stored = await self.store.get(key)
                if stored is not None:
                    return TriageOutcome(_replayed(stored, fingerprint, ticket), True, ticket, None)
                response, classification = await self.triage(ticket)
                outcome = TriageOutcome(response, False, ticket, classification)
                audit = audit_entry(outcome, tenant, key_id, elapsed_ms(started))
                first = await self.store.put(key, response, fingerprint, subjects=ticket.subjects(), audit=audit)
                if first is not None:  # another worker stored it first: answer as it did
                    return TriageOutcome(_replayed(first, fingerprint, ticket), True, ticket, None)
                return outcome
        finally:
            if not lock.locked() and self._locks.get(key) is lock:
                self._locks.pop(key, None)

    async def triage(self, ticket: Ticket) -> tuple[dict[str, Any], Classification]:
        result: Classification = await self.intents.aclassify_conversation(ticket.conversation())
        taxonomy = self.intents.taxonomy
        intent = taxonomy.get(result.intent)
        texts = [ticket.subject, *ticket.customer_texts()]
        signals = urgency_signals(texts)
        mood = sentiment(ticket.customer_texts() or [ticket.subject])
        default = intent.priority if intent else "normal"
        redactor = Redactor()  # placeholders are per request
        response = {
            "source": ticket.source,
            "ticket_id": ticket.ticket_id,
            "event_id": ticket.event_id,
            "event": ticket.event,
            "intent": result.intent,
            "confidence": round(float(result.confidence), 4),
            "intent_source": result.source,
            "alternatives": [{"intent": a.intent, "confidence": round(float(a.confidence), 4)} for a in result.alternatives],
            "queue": intent.queue if intent else FALLBACK_QUEUE,
            "priority": raise_priority(default, signals, mood["label"]),
            "default_priority": default,
            "urgency_signals": signals,
            "language": detect_language(texts),
            "sentiment": mood,
            "summary": one_line_summary(ticket, intent.description if intent else None, signals, redact=redactor.redact),
            "channel": ticket.channel,
            "taxonomy_version": result.taxonomy_version,
            "triaged_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return response, result


def audit_entry(outcome: TriageOutcome, tenant: str, key_id: str | None, latency_ms: float) -> AuditEntry:
    """The audit record of a triaged event (issue 6): ids, versions and the result, no ticket text."""
    rec = outcome.audit_record()
    return AuditEntry(
        endpoint=AUDIT_ENDPOINT, tenant_id=tenant, key_id=key_id,
        input_redacted={"source": rec["source"], "ticket_id": rec["ticket_id"], "event_id": rec["event_id"]},
        params={"taxonomy_version": rec["taxonomy_version"]}, outcome="ok", latency_ms=latency_ms, output=rec,
    )


def _replayed(stored: tuple[dict[str, Any], str | None], fingerprint: str, ticket: Ticket) -> dict[str, Any]:
    response, first = stored
    if first is not None and first != fingerprint:
        raise Conflict(f"event {ticket.event_id!r} of ticket {ticket.ticket_id!r} was already delivered with other "
                       "content; a new event needs a new event id")
    return response


class MemoryTriageStore:
    """In-process :class:`~service.ports.TriageEvents` (tests, single worker without a database);
    the audit entries stored with the answers are kept in ``audit``."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, ...], tuple[dict[str, Any], str | None]] = {}
        self.audit: list[Any] = []

    async def get(self, key: tuple[str, ...]) -> tuple[dict[str, Any], str | None] | None:
        return self.rows.get(key)

    async def put(self, key: tuple[str, ...], response: dict[str, Any], fingerprint: str | None = None,
                  subjects: list[str] | None = None, audit: Any = None) -> tuple[dict[str, Any], str | None] | None:
        """Store the first answer (and its audit entry); returns the already stored one if there was one."""
        if key in self.rows:
            return self.rows[key]
        self.rows[key] = (response, fingerprint)
        if audit is not None:
            self.audit.append(audit)
        return None
