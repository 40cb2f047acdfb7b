"""Signals: the recorded events that say where the knowledge falls short, PII masked.

One event format comes in, whether it was read from the database (``service.adapters.sql.gaps_repo``) or
from the eval data set (``evals/datasets/gaps.jsonl``)::

    {"type": "feedback", "at", "event": "rejected"|"edited"|..., "customer_text", "suggestion_text",
     "sent_text", "reason", "intent", "articles": [cited ids], "conversation_id"}
    {"type": "search", "at", "query", "mode", "top_score" (None: no hits), "articles"}
    {"type": "suggestion", "at", "customer_text", "skipped_reason", "escalation", "articles", ...}
    {"type": "intent", "at", "text", "intent" (None: abstained), "confidence"}

Signals: ``rejected`` (with the reason), ``edited`` (with the text actually sent),
``no_knowledge`` (a suggestion skipped because no approved article matched), ``low_score`` (a
search with no hits, or a dense search whose best score is under ``low_score``; hybrid scores
are rank fusions, not similarities, so only an empty result counts there), ``abstained`` (the
intent classifier returned no intent) and ``escalation`` (a conversation handed to a person with
no article retrieved). Accepted suggestions and good searches are not signals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from service.domain.pii import Redactor

KINDS = ("rejected", "edited", "no_knowledge", "low_score", "abstained", "escalation")
FEEDBACK_KINDS = ("rejected", "edited")
LOW_SCORE = 0.35
"""Best dense (cosine) score under which a search counts as a low-score retrieval."""
MAX_TEXT = 2000


@dataclass(frozen=True)
class Signal:
    kind: str
    at: datetime
    text: str
    """The customer's words (masked): what the topic is about."""
    sent_text: str | None = None
    """What the agent sent instead of the suggestion (edited), masked."""
    reason: str | None = None
    intent: str | None = None
    articles: tuple[str, ...] = ()
    """Articles the suggestion cited (feedback) or the search returned."""
    conversation_id: str | None = None
    ref: str = ""
    """Where the signal came from (feedback or audit record id), for reviewers."""
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def cites(self) -> tuple[str, ...]:
        """Articles an agent acted against: the citations of a rejected or edited suggestion."""
        return self.articles if self.kind in FEEDBACK_KINDS else ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "at": self.at.isoformat(), "text": self.text, "sent_text": self.sent_text, "reason": self.reason,
            "intent": self.intent, "articles": list(self.articles), "conversation_id": self.conversation_id, "ref": self.ref,
        }


def parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        ts = value
    else:
        ts = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _clean(text: Any, redactor: Redactor) -> str:
    return redactor.redact(" ".join(str(text or "").split())[:MAX_TEXT])


def from_event(event: Mapping[str, Any], *, low_score: float = LOW_SCORE) -> Signal | None:
    """The signal an event carries, or None. Every free text is PII-masked here (again: the audit
    copies already are; feedback text is stored as the agent typed it)."""
    redactor = Redactor()
    kind: str | None = None
    etype = event.get("type")
    text = event.get("customer_text") or event.get("query") or event.get("text") or ""
    articles = tuple(str(a) for a in event.get("articles") or ())
    if etype == "feedback" and event.get("event") in FEEDBACK_KINDS:
        kind = str(event["event"])
    elif etype == "suggestion":
        if event.get("skipped_reason") == "no_knowledge":
            kind = "no_knowledge"
        elif (event.get("escalation") or event.get("skipped_reason") == "escalation") and not articles:
            kind = "escalation"
    elif etype == "search":
        score = event.get("top_score")
        if score is None or not articles or (event.get("mode") == "dense" and float(score) < low_score):
            kind = "low_score"
    elif etype == "intent" and event.get("intent") is None:
        kind = "abstained"
    if kind is None or not str(text).strip():
        return None
    return Signal(
        kind=kind,
        at=parse_time(event["at"]),
        text=_clean(text, redactor),
        sent_text=_clean(event.get("sent_text"), redactor) or None if kind == "edited" else None,
        reason=_clean(event.get("reason"), redactor) or None if kind == "rejected" else None,
        intent=event.get("intent"),
        articles=articles,
        conversation_id=event.get("conversation_id"),
        ref=str(event.get("ref") or ""),
    )


def signals_from(events: Iterable[Mapping[str, Any]], *, low_score: float = LOW_SCORE) -> list[Signal]:
    out = [s for s in (from_event(e, low_score=low_score) for e in events) if s is not None]
    out.sort(key=lambda s: (s.at, s.ref))
    return out
