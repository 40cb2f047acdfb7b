"""The customer's whole story for one request: stored history + the request's conversation.

:func:`request_interactions` turns the request's messages into interactions with stable ids (the
message's own id, else ``<conversation_id>:<n>``, else a hash of its content), so a message sent
twice, or recorded and sent again, counts once. :func:`merge` adds them to the stored history
(same id, or the same words from the same role already stored in the last three days: once).
:class:`CustomerContext` holds the merged history and its extractive summary; replies read the
facts already given and the commitments still open or broken from it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from service.domain.interactions import DEFAULT_DIRECTION, Interaction
from service.summaries.model import Commitment, Summary

DEDUP_WINDOW = timedelta(days=3)
"""A request message with the words of a stored message of the same role this recent is that message."""
ASK_KINDS = ("order_id", "email", "phone", "username", "membership_level", "account_id", "address", "tracking_number")
"""Facts a reply must never ask for again once the customer (or the record) gave them."""


ID_KINDS = frozenset({"order_id", "tracking_number", "reference"})


@dataclass
class WireMessage:
    role: str
    text: str
    id: str | None = None
    ts: datetime | None = None


def _content_id(conversation_id: str | None, channel: str, m: WireMessage) -> str:
    digest = hashlib.sha256(f"{conversation_id}\x00{channel}\x00{m.role}\x00{m.text}".encode()).hexdigest()[:20]
    return f"msg-{digest}"


def request_interactions(messages: Sequence[WireMessage], *, customer_id: str, channel: str,
                         conversation_id: str | None, now: datetime) -> list[Interaction]:
    """The request's messages as interactions, oldest first; messages without a time are placed
    one second apart just before ``now``."""
    count = len(messages)
    out: list[Interaction] = []
    seen: set[str] = set()
    for i, m in enumerate(messages):
        if not m.text.strip():
            continue
        iid = m.id or (f"{conversation_id}:{i + 1}" if conversation_id else _content_id(conversation_id, channel, m))
        if iid in seen:
            continue
        seen.add(iid)
        out.append(Interaction(
            id=iid, customer_id=customer_id, channel=channel, direction=DEFAULT_DIRECTION.get(m.role, "inbound"),
            author_role=m.role, ts=m.ts or (now - timedelta(seconds=count - i)), text=m.text, thread_id=conversation_id,
        ))
    return out


def from_items(items: Sequence[dict[str, Any]], customer_id: str) -> list[Interaction]:
    """Help-desk items (interaction fields, ``metadata``, no customer yet) as interactions of one customer."""
    return [Interaction(customer_id=customer_id, id=i["id"], channel=i["channel"], direction=i["direction"],
                        author_role=i["author_role"], ts=i["ts"], text=i["text"], thread_id=i["thread_id"],
                        kind=i["kind"], meta=i["metadata"]) for i in items]


def merge(stored: Sequence[Interaction], request: Sequence[Interaction]) -> tuple[list[Interaction], list[Interaction]]:
    """(merged history oldest first, the request interactions that were not already stored)."""
    ids = {it.id for it in stored}
    recent: set[tuple[str, str]] = set()
    if stored and request:
        horizon = min(r.ts for r in request) - DEDUP_WINDOW
        recent = {(it.author_role, " ".join(it.text.split()).lower()) for it in stored if it.ts >= horizon and it.text}
    new = [r for r in request if r.id not in ids and (r.author_role, " ".join(r.text.split()).lower()) not in recent]
    merged = sorted([*stored, *new], key=lambda it: it.ts)
    return merged, new


@dataclass
class CustomerContext:
    customer_id: str
    history: list[Interaction]
    summary: Summary
    stored_total: int
    """Interactions in the whole story (stored, even those not loaded, plus the request's new ones)."""
    as_of: datetime
    """The request's now (the injected clock): promises due before it and not kept are broken."""
    request_ids: list[str] = field(default_factory=list)
    recorded: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def by_id(self) -> dict[str, Interaction]:
        return {it.id: it for it in self.history}

    def known_facts(self) -> dict[str, str]:
        """Fact kind -> value, for what must never be asked again (first value given wins)."""
        out: dict[str, str] = {}
        for f in self.summary.facts:
            kind = f.kind if f.kind != "reference" else "order_id"
            if kind in ASK_KINDS and (f.given_by == "customer" or kind in ("order_id", "tracking_number", "account_id")):
                out.setdefault(kind, f.value)
        return out

    def template_facts(self) -> dict[str, str]:
        """Facts approved reply templates may be filled with ({order_id})."""
        known = self.known_facts()
        return {"order_id": known["order_id"]} if "order_id" in known else {}

    def open_commitments(self) -> list[Commitment]:
        """Broken commitments (newest first), then pending ones (newest first)."""
        broken = [c for c in self.summary.commitments if c.status == "broken"]
        pending = [c for c in self.summary.commitments if c.status == "pending"]
        return list(reversed(broken)) + list(reversed(pending))

    def latest_customer_message(self) -> Interaction | None:
        return next((it for it in reversed(self.history) if it.author_role == "customer" and it.kind == "message"), None)

    def prompt_data(self, mask: Any) -> dict[str, Any]:
        """The summary as data for the LLM prompt, every string masked by ``mask`` (the request's
        redactor), so the model sees placeholders, never contact details."""
        s = self.summary
        return {
            "need": mask(s.current_need.get("text", "")),
            # An order or tracking number is an id, not personal data: masked alone, without its
            # cue, a bare 10-digit id would read as a phone number.
            "facts_given": [{"kind": f.kind, "value": f.value if f.kind in ID_KINDS else mask(f.value)} for f in s.facts
                            if f.given_by == "customer" or f.kind in ("order_id", "tracking_number")][:12],
            "commitments": [{"type": c.type, "status": c.status, "made_at": c.made_at[:10], "channel": c.channel,
                             "text": mask(c.text), "source": c.sources[0] if c.sources else None}
                            for c in self.open_commitments()[:6]],
            "channels": list(s.coverage.get("channels", [])),
            "interactions": len(self.history),
        }
