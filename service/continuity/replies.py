"""Replies that use the customer's history, whichever engine wrote them.

:func:`revise` runs on every candidate reply before the policy checks:

1. a sentence that asks for a fact the customer already gave (order id, e-mail, phone,
   username, membership level...) is removed: the reply uses the fact instead of asking;
2. when a commitment is broken, or pending and about what the customer asks now, the reply
   opens with an approved acknowledgement (``knowledge/continuity.yaml``) naming the day and
   channel it was made on; the reply cites that interaction in ``history_citations``.

The acknowledgement only reports what was said; the policy checks still run on the result (a
history item supports claims about this customer, never policy: :mod:`service.continuity.claims`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from service.domain.text import sentences
from service.replies.policy import Candidate
from service.summaries.model import Commitment
from service.continuity.context import CustomerContext
from service.errors import InvalidInput

_REQUEST_CUE = re.compile(
    r"\?|\b(?:could|can|would) you\b|\bplease (?:send|share|confirm|provide|tell|give|reply|let)|\b(?:send|share|confirm|provide|"
    r"give) (?:me|us)?\s*(?:your|the)\b|\bwhat(?:'s| is) (?:your|the)\b|\blet (?:me|us) know (?:your|the)\b|\bconfirm\b",
    re.I,
)
_FACT_NOUNS = {
    "order_id": re.compile(r"\border (?:id|number|no\.?|#|reference)|\border ids?\b|\bprevious order id\b", re.I),
    "email": re.compile(r"\be-?mail(?: address)?\b", re.I),
    "phone": re.compile(r"\bphone(?: number)?\b|\bmobile number\b", re.I),
    "username": re.compile(r"\busername\b", re.I),
    "membership_level": re.compile(r"\bmembership (?:level|tier|status)\b", re.I),
    "account_id": re.compile(r"\baccount (?:id|number)\b", re.I),
    "tracking_number": re.compile(r"\btracking (?:number|id|code)\b", re.I),
}
_TYPE_WORDS = {
    "refund": ("refund", "money back", "money"), "credit": ("credit",), "replacement": ("replacement", "replace"),
    "return_label": ("label", "return"), "callback": ("call", "callback", "phone"), "visit": ("technician", "visit"),
    "pickup": ("pick up", "pickup", "collect"), "cancellation": ("cancel",), "email": ("e-mail", "email", "confirmation"),
    "shipping": ("ship", "deliver", "arriv", "track"), "escalation": ("manager", "supervisor", "escalat"),
    "follow_up": ("update", "hear", "get back", "news"), "investigation": ("claim", "update", "investigat", "review"),
    "hold": ("hold", "reserve"),
}


@dataclass(frozen=True)
class Templates:
    ref: str
    acknowledge: dict[str, str]
    channels: dict[str, str]
    what: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Templates:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            return cls(f"{raw['id']}@{int(raw['version'])}", dict(raw["acknowledge"]), dict(raw["channels"]), dict(raw["what"]))
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"{path}: not a continuity template file ({exc})") from None

    def texts(self) -> list[str]:
        return [*self.acknowledge.values(), *self.channels.values(), *self.what.values()]

    def render(self, c: Commitment) -> str:
        made = datetime.fromisoformat(c.made_at.replace("Z", "+00:00"))
        key = "broken" if c.status == "broken" else "pending"
        return self.acknowledge[key].format(date=f"{made.day} {made:%B}", channel=self.channels.get(c.channel, f"by {c.channel}"),
                                            what=self.what.get(c.type, self.what["other"]))


def asks_for(sentence: str) -> set[str]:
    """The fact kinds a sentence asks the customer for."""
    if not _REQUEST_CUE.search(sentence):
        return set()
    return {kind for kind, rx in _FACT_NOUNS.items() if rx.search(sentence)}


def re_asks(text: str, known: dict[str, str] | set[str]) -> list[str]:
    """Sentences of ``text`` that ask for a fact already known (the eval's and tests' measure)."""
    kinds = set(known)
    return [s for s in sentences(text) if asks_for(s) & kinds]


def relevant(ctx: CustomerContext, current_texts: list[str]) -> Commitment | None:
    """The commitment a reply must acknowledge."""
    opened = ctx.open_commitments()
    now = " ".join(current_texts).lower()
    asked = [c for c in opened if any(w in now for w in _TYPE_WORDS.get(c.type, ()))]
    broken = [c for c in opened if c.status == "broken"]
    # a broken promise about what the customer asks now, else the newest broken one, else a
    # pending one the customer asks about
    return next((c for c in asked if c.status == "broken"), None) or (broken[0] if broken else None) or (
        asked[0] if asked else None)


def _drop_asks(line: str, kinds: set[str]) -> str:
    kept = [s for s in sentences(line) if not (asks_for(s) & kinds)]
    return " ".join(kept)


def revise(candidate: Candidate, ctx: CustomerContext | None, *, channel: str, templates: Templates | None,
           current_texts: list[str], max_chars: int) -> Candidate:
    """The candidate with re-asks removed and the relevant commitment acknowledged."""
    if ctx is None:
        return candidate
    kinds = set(ctx.known_facts())
    text = candidate.text
    if kinds:
        lines = text.split("\n")
        text = "\n".join(_drop_asks(ln, kinds) if ln.strip() else ln for ln in lines)
    history_citations = list(getattr(candidate, "history_citations", []) or [])
    commitment = relevant(ctx, current_texts) if templates is not None else None
    if commitment is not None and commitment.sources and commitment.sources[0] not in history_citations:
        ack = templates.render(commitment)  # type: ignore[union-attr]
        text = _prepend(text, ack, channel, max_chars)
        history_citations.insert(0, commitment.sources[0])
    if text == candidate.text and history_citations == list(getattr(candidate, "history_citations", []) or []):
        return candidate
    return replace(candidate, text=text, history_citations=history_citations)


def _prepend(text: str, ack: str, channel: str, max_chars: int) -> str:
    if channel == "email":
        lines = text.split("\n")
        # greeting, blank, body...: the acknowledgement opens the body
        at = next((i for i, ln in enumerate(lines) if i > 0 and ln.strip()), len(lines))
        if at < len(lines) and re.match(r"^(?:kind |best |warm )?regards|^thanks|^thank you|^sincerely", lines[at], re.I):
            lines.insert(at, "")
            lines.insert(at, ack)
        else:
            lines[at:at + 1] = [f"{ack} {lines[at]}".strip()] if at < len(lines) else [ack]
        return "\n".join(lines)
    body = " ".join(sentences(text))
    out = f"{ack} {body}".strip()
    while len(out) > max_chars and sentences(body):
        body = " ".join(sentences(body)[:-1])
        out = f"{ack} {body}".strip()
    return out


def history_sources(ctx: CustomerContext | None, templates: Templates | None) -> dict[str, str]:
    """Interaction id -> what a reply citing it may rest on: its text, its day and channel, and
    the approved acknowledgement wording (for the policy check's ``Evidence.history``)."""
    if ctx is None:
        return {}
    extra = " ".join(templates.texts()) if templates is not None else ""
    out: dict[str, str] = {}
    for c in ctx.summary.commitments:
        if not c.sources:
            continue
        made = datetime.fromisoformat(c.made_at.replace("Z", "+00:00"))
        rendered = templates.render(c) if templates is not None else ""
        out[c.sources[0]] = f"{rendered} {c.text} {made.day} {made:%B %Y} {c.channel} {extra}"
    return out


def citation_dicts(ids: list[str], ctx: CustomerContext | None) -> list[dict[str, Any]]:
    if ctx is None:
        return []
    by_id = ctx.by_id
    commitments = {c.sources[0]: c for c in ctx.summary.commitments if c.sources}
    out = []
    for i in ids:
        it = by_id.get(i)
        if it is None:
            continue
        c = commitments.get(i)
        out.append({"interaction_id": i, "channel": it.channel, "ts": it.ts.isoformat().replace("+00:00", "Z"),
                    "commitment": c.type if c else None, "status": c.status if c else None})
    return out


class HistoryHook:
    """What the suggestion service asks of the history (all no-ops for a request without a customer)."""

    def __init__(self, templates: Templates | None) -> None:
        self.templates = templates

    @staticmethod
    def _ctx(conv: Any) -> CustomerContext | None:
        return getattr(conv, "context", None)

    def facts(self, conv: Any) -> dict[str, str]:
        ctx = self._ctx(conv)
        return ctx.template_facts() if ctx is not None else {}

    def sources(self, conv: Any) -> dict[str, str]:
        return history_sources(self._ctx(conv), self.templates)

    def revise(self, candidate: Candidate, conv: Any, max_chars: int) -> Candidate:
        return revise(candidate, self._ctx(conv), channel=conv.channel, templates=self.templates,
                      current_texts=conv.customer_texts(), max_chars=max_chars)

    def has_history(self, conv: Any) -> bool:
        return self._ctx(conv) is not None

    def prompt_inputs(self, prompt: Any, conv: Any, mask: Any) -> dict[str, Any]:
        if "customer_history" not in (getattr(prompt, "inputs", None) or ()):
            return {}
        ctx = self._ctx(conv)
        return {"customer_history": ctx.prompt_data(mask) if ctx is not None else None}

    def citations(self, candidate: Candidate, conv: Any) -> list[dict[str, Any]]:
        return citation_dicts(list(candidate.history_citations), self._ctx(conv))
