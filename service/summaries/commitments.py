"""Commitments: what the business promised (refund, callback, replacement, e-mail...) and whether
it was kept, broken or is still pending, each with the interactions that show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from service.domain.interactions import Interaction
from service.summaries import rules as R
from service.summaries.memo import PLAIN, Analysis
from service.summaries.model import Commitment, iso

_BUSINESS = ("agent", "bot")


@dataclass


class Promise:
    type: str
    text: str
    index: int
    item: Interaction
    due: datetime | None
    ids: frozenset[str]
    status: str = "pending"
    evidence: str = ""
    decided_by: list[str] = field(default_factory=list)
    complaints: list[int] = field(default_factory=list)
    """Indexes of the customer messages that said this promise was not kept."""


def find_promises(items: list[Interaction], sents: list[list[str]], ids_by_item: list[frozenset[str]]) -> list[Promise]:
    """What the business (an agent or a bot) promised, one per type per message, with its due date."""
    out: list[Promise] = []
    for idx, (it, ss) in enumerate(zip(items, sents)):
        if it.author_role not in _BUSINESS or not ss:
            continue
        prev_types: list[str] = []
        seen: set[str] = set()
        for s in ss:
            parts = R.clauses(s)
            promised = [c for c in parts if R.is_promise(c)]
            if not promised and len(parts) > 1 and R.is_promise(s):
                promised = [s]
            for c in promised:
                use = R.commitment_types(c) or R.commitment_types(s) or prev_types or ["other"]
                for t in use:
                    if t in seen:
                        continue
                    seen.add(t)
                    out.append(Promise(type=t, text=R.trim(R.strip_greeting(s), 240), index=idx, item=it,
                                        due=R.due_date(c, it.ts) or R.due_date(s, it.ts), ids=ids_by_item[idx]))
            types = R.commitment_types(s)
            if types:
                prev_types = types
    return out


def decide(promises: list[Promise], items: list[Interaction], texts: list[str],
           ids_by_item: list[frozenset[str]], as_of: datetime, an: Analysis = PLAIN) -> None:
    """Each promise's status: kept (a later event or agent message), broken (the customer says so,
    or its due date passed), else pending."""
    complaint = [it.author_role == "customer" and bool(t) and an.complaint(t) for it, t in zip(items, texts)]
    for p in promises:
        events = R.KEPT_BY_EVENT.get(p.type, ())
        channels = R.KEPT_BY_MESSAGE_CHANNEL.get(p.type, ())
        for j in range(p.index + 1, len(items)):
            it = items[j]
            if it.kind != "message":
                if it.kind in events and (not p.ids or not ids_by_item[j] or p.ids & ids_by_item[j]):
                    p.status, p.evidence = "kept", f"{it.kind} event"
                    p.decided_by.append(it.id)
                    break
                if p.type == "email" and it.channel == "email" and it.direction in ("outbound", "internal"):
                    p.status, p.evidence = "kept", "e-mail sent"
                    p.decided_by.append(it.id)
                    break
                continue
            if it.author_role == "agent" and it.channel in channels and it.direction == "outbound":
                p.status, p.evidence = "kept", f"later agent {it.channel} message"
                p.decided_by.append(it.id)
                break
            if complaint[j] and R.complains_about(texts[j], p.type, complaint=True):
                p.complaints.append(j)
                if p.status != "broken":
                    p.status, p.evidence = "broken", "customer reported it was not kept"
                    p.decided_by.append(it.id)
        if p.status == "pending" and p.due is not None and p.due < as_of:
            p.status, p.evidence = "broken", f"due {iso(p.due)} passed with no sign it was kept"
        elif p.status == "pending":
            p.evidence = "not due yet" if p.due else "no due date given"


def to_commitment(p: Promise) -> Commitment:
    """The promise as the summary shows it: the promise first in its sources, then what decided it."""
    sources = [p.item.id] + [s for s in p.decided_by if s != p.item.id]
    return Commitment(type=p.type, text=p.text, status=p.status, made_at=iso(p.item.ts), channel=p.item.channel,
                      due=iso(p.due) if p.due else None, evidence=p.evidence, sources=sources)
