"""What agents did with suggestions: shown, accepted, edited (with the sent text), rejected (with
a reason), plus a rating. Each event is linked to the suggestion's audit record and is itself
recorded in the audit trail, in the same transaction."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from service.audit.entry import AuditEntry
from service.audit.trail import AuditTrail
from service.errors import Conflict, InvalidInput, NotFound
from service.ports import FeedbackEvent, FeedbackStore, SuggestionRef

EVENTS = ("shown", "accepted", "edited", "rejected")
FINAL_EVENTS = ("accepted", "edited", "rejected")
MAX_TEXT = 20_000


def _words(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text.lower())


def edit_distance(suggested: str, sent: str) -> float:
    """Word-level Levenshtein distance between the suggestion and what the agent sent, divided
    by the longer length: 0 = sent as suggested, 1 = nothing kept."""
    a, b = _words(suggested), _words(sent)
    if not a and not b:
        return 0.0
    if not a or not b:
        return 1.0
    prev = list(range(len(b) + 1))
    for i, wa in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, wb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (wa != wb))
        prev = cur
    return round(prev[-1] / max(len(a), len(b)), 4)


@dataclass(frozen=True)
class FeedbackIn:
    event: str
    sent_text: str | None = None
    reason: str | None = None
    rating: int | None = None

    def validate(self) -> None:
        if self.event not in EVENTS:
            raise InvalidInput(f"event must be one of {', '.join(EVENTS)}, got {self.event!r}")
        if self.event == "edited" and not (self.sent_text or "").strip():
            raise InvalidInput("an 'edited' event needs sent_text: the reply the agent actually sent")
        if self.event == "rejected" and not (self.reason or "").strip():
            raise InvalidInput("a 'rejected' event needs a reason")
        if self.sent_text is not None and self.event != "edited":
            raise InvalidInput("sent_text is only for 'edited' events")
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise InvalidInput("rating must be between 1 and 5")
        for name in ("sent_text", "reason"):
            value = getattr(self, name)
            if value is not None and len(value) > MAX_TEXT:
                raise InvalidInput(f"{name} is longer than {MAX_TEXT} characters")


class FeedbackService:
    def __init__(self, store: FeedbackStore, trail: AuditTrail) -> None:
        self.store: FeedbackStore = store
        self.trail = trail

    async def submit(self, tenant: str, suggestion_id: str, data: FeedbackIn) -> dict[str, Any]:
        """Record one event. A suggestion has at most one decision (accepted, edited or
        rejected): the same decision sent again returns the recorded one (``replayed``, nothing
        written), a different one is a :class:`Conflict`. ``shown`` is not a decision and may be
        sent any number of times. The suggestion's row is locked for the check (PostgreSQL;
        SQLite's writers are serialised), so concurrent decisions cannot both be written. The
        event and its audit record commit together."""
        data.validate()
        async with self.store.transaction() as tx:
            suggestion = await tx.lock_suggestion(suggestion_id)
            if suggestion is None or suggestion.tenant_id != tenant:
                raise NotFound(f"no suggestion {suggestion_id!r}")
            if data.event in FINAL_EVENTS:
                decided = await tx.decision(tenant, suggestion_id, FINAL_EVENTS)
                if decided is not None:
                    if _same(decided, data):
                        return _out(decided, suggestion, feedback_audit_id=None, replayed=True)
                    raise Conflict(f"suggestion {suggestion_id!r} already has the decision {decided.event!r} "
                                   f"(recorded {decided.created_at.isoformat()}); a suggestion has one decision")
            distance = edit_distance(suggestion.text, data.sent_text) if data.event == "edited" and data.sent_text else None
            row = FeedbackEvent(
                id=str(uuid.uuid4()), tenant_id=tenant, suggestion_id=suggestion_id, audit_id=suggestion.audit_id,
                event=data.event, sent_text=data.sent_text, reason=(data.reason or "").strip() or None,
                rating=data.rating, edit_distance=distance, created_at=datetime.now(UTC),
            )
            await tx.add(row)
            record = await self.trail.append(tx.uow, AuditEntry(
                endpoint="feedback",
                tenant_id=tenant,
                input={"suggestion_id": suggestion_id, "event": data.event, "sent_text": data.sent_text, "reason": data.reason, "rating": data.rating},
                prompt=suggestion.prompt,
                params={"intent": suggestion.intent, "channel": suggestion.channel, "engine": suggestion.engine},
                outcome=data.event,
                output={"feedback_id": row.id, "suggestion_id": suggestion_id, "suggestion_audit_id": suggestion.audit_id, "edit_distance": distance, "rating": data.rating},
            ))
        return _out(row, suggestion, feedback_audit_id=record.id, replayed=False)


def _same(row: FeedbackEvent, data: FeedbackIn) -> bool:
    reason = (data.reason or "").strip() or None
    return (row.event, row.sent_text, row.reason, row.rating) == (data.event, data.sent_text, reason, data.rating)


def _out(row: FeedbackEvent, suggestion: SuggestionRef, *, feedback_audit_id: str | None, replayed: bool) -> dict[str, Any]:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return {
        "id": row.id,
        "suggestion_id": row.suggestion_id,
        "audit_id": suggestion.audit_id,
        "feedback_audit_id": feedback_audit_id,
        "event": row.event,
        "rating": row.rating,
        "edit_distance": row.edit_distance,
        "prompt": suggestion.prompt,
        "intent": suggestion.intent,
        "created_at": created.isoformat(),
        "replayed": replayed,
    }
