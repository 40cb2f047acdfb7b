"""What a suggestion request is and what it answers: the conversation, the checked replies and
the ``llm`` block saying what the LLM did, and the prepared request the engines share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.domain.messages import Message
from service.domain.pii import Redactor
from service.errors import InvalidInput
from service.guardrails.facts import split_facts
from service.ports import SearchHit
from service.replies.policy import CHANNELS, Evidence

MAX_SUGGESTIONS = 5
ROLES = ("customer", "agent", "bot", "system")


@dataclass
class Conversation:
    channel: str
    messages: list[Message]
    customer: dict[str, str] = field(default_factory=dict)
    """Known facts: ``first_name``, ``order_id``, ``id`` (customer id)."""
    conversation_id: str | None = None
    locale: str | None = None
    context: Any = None
    """The customer's whole story (:class:`service.continuity.context.CustomerContext`), or None."""

    def customer_texts(self) -> list[str]:
        return [m.text for m in self.messages if m.role == "customer"]

    def facts(self) -> dict[str, str]:
        """The placeholder values that look like what they claim to be (see
        :mod:`service.guardrails.facts`); the others are left out of every reply."""
        return split_facts(self._given())[0]

    def rejected_facts(self) -> list[str]:
        """The placeholder keys whose value was left out (recorded in the audit trail)."""
        return split_facts(self._given())[1]

    def _given(self) -> dict[str, str]:
        return {k: str(v).strip() for k, v in self.customer.items() if k in ("first_name", "order_id") and v and str(v).strip()}


def validate(conv: Conversation, n: int) -> None:
    if conv.channel not in CHANNELS:
        raise InvalidInput(f"unknown channel {conv.channel!r}; expected one of {', '.join(CHANNELS)}")
    if not 1 <= n <= MAX_SUGGESTIONS:
        raise InvalidInput(f"n must be between 1 and {MAX_SUGGESTIONS}")
    if not conv.messages:
        raise InvalidInput("messages must not be empty")
    for i, m in enumerate(conv.messages):
        if m.role not in ROLES:
            raise InvalidInput(f"messages[{i}].role must be one of {', '.join(ROLES)}")
    if not any(m.role == "customer" and m.text.strip() for m in conv.messages):
        raise InvalidInput("the conversation needs at least one non-empty customer message")


@dataclass
class Suggestion:
    id: str
    rank: int
    text: str
    engine: str
    citations: list[dict[str, Any]]
    prompt: str | None
    model: str | None
    confidence: float
    checks: list[dict[str, Any]]
    repaired: bool = False
    history_citations: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "history_citations": self.history_citations,
            "id": self.id,
            "rank": self.rank,
            "text": self.text,
            "engine": self.engine,
            "citations": self.citations,
            "prompt": self.prompt,
            "model": self.model,
            "confidence": self.confidence,
            "checks": self.checks,
            "repaired": self.repaired,
        }


@dataclass
class Attempt:
    kind: str
    """``first`` or ``repair``."""
    outcome: str
    """``passed``, ``failed_checks``, ``invalid_output``, ``truncated`` or an LLM skip reason."""
    findings: list[str] = field(default_factory=list)
    text: str | None = None
    """The reply the checks saw (kept for the audit trail; not returned to clients)."""

    def as_dict(self) -> dict[str, Any]:
        return {"attempt": self.kind, "outcome": self.outcome, "findings": self.findings}


@dataclass
class SuggestResult:
    suggestions: list[Suggestion]
    channel: str
    intent: str | None
    escalation: dict[str, Any] | None
    policy: str
    llm: dict[str, Any]
    timings: dict[str, float]
    knowledge: list[SearchHit]
    audit: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "suggestions": [s.as_dict() for s in self.suggestions],
            "channel": self.channel,
            "intent": self.intent,
            "escalation": self.escalation,
            "policy": self.policy,
            "llm": self.llm,
            "timings": self.timings,
        }


@dataclass
class Prepared:
    """One request after masking, escalation scan, intent and retrieval: what every engine reads."""

    tenant: str
    conv: Conversation
    n: int
    redactor: Redactor
    masked: list[Message]
    facts: dict[str, str]
    hits: list[SearchHit]
    evidence: Evidence
    intent: str | None
    escalation: Any
    started: float
    retrieval_ms: float = 0.0
    refs: dict[str, str] = field(default_factory=dict)
    """A1 → chunk id, for the prompt."""


SHORT_CONVERSATION_CHARS = 4000
"""Conversations with at most this many characters are scanned (PII, escalation) on the event
loop; longer ones in a worker thread, so a 200-message conversation never stalls other requests."""


def short(conv: Conversation) -> bool:
    """Is ``conv`` short enough to scan on the event loop (cheaper than a thread hand-off)?"""
    total = 0
    for m in conv.messages:
        total += len(m.text)
        if total > SHORT_CONVERSATION_CHARS:
            return False
    return True
