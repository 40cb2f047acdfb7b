"""Facts a customer (or the business) already gave: order ids, contact details, amounts...

Each fact is a span of an interaction (found by :func:`service.summaries.rules.extract_facts`) or
a value of a known metadata key, with the interactions that state it. The ids each interaction
names also tie interactions into one issue (:mod:`service.summaries.issues`) and a promise to
what fulfils it (:mod:`service.summaries.commitments`).
"""

from __future__ import annotations

import re

from service.domain.interactions import Interaction
from service.summaries import rules as R
from service.summaries.memo import PLAIN, Analysis
from service.summaries.model import Fact

_ID_KINDS = ("order_id", "tracking_number", "ticket_id", "account_id", "return_id", "gift_card", "invoice_id",
             "claim_id", "reference")
_META_FACTS = {
    "order_id": "order_id",
    "tracking_number": "tracking_number",
    "tracking": "tracking_number",
    "ticket_id": "ticket_id",
    "case_id": "ticket_id",
    "return_id": "return_id",
    "rma": "return_id",
    "amount": "amount",
    "total": "amount",
    "refund_amount": "amount",
    "invoice_id": "invoice_id",
    "account_id": "account_id",
}

_NON_ALNUM = re.compile(r"[\W_]+")


def _norm(value: str) -> str:
    return _NON_ALNUM.sub("", value.lower())


def _amount_key(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit() or ch == ".")
    try:
        return f"{float(digits):.2f}"
    except ValueError:
        return _norm(value)


def _add_source(sources: list[str], iid: str) -> None:
    if iid not in sources:
        sources.append(iid)


def find_facts(items: list[Interaction], texts: list[str], an: Analysis = PLAIN) -> tuple[list[Fact], list[frozenset[str]]]:
    """The facts stated in the history (spans of the texts and known metadata keys), each with its
    sources, and per interaction the normalised ids it names (orders, tickets, bare numbers)."""
    by_key: dict[tuple[str, str], Fact] = {}
    by_value: dict[str, Fact] = {}
    numbers: list[tuple[str, str, str]] = []  # value, iid, role
    ids_by_item: list[frozenset[str]] = []
    for it, text in zip(items, texts):
        hits: list[R.FactHit] = an.fact_hits(text, it.author_role) if text else []
        for key, val in (it.meta or {}).items():
            kind = _META_FACTS.get(str(key).lower())
            if kind and isinstance(val, (str, int, float)) and not isinstance(val, bool) and str(val).strip():
                hits.append(R.FactHit(kind, str(val).strip()))
        ids: set[str] = set()
        for h in hits:
            nv = _amount_key(h.value) if h.kind == "amount" else _norm(h.value)
            if not nv:
                continue
            if h.kind in _ID_KINDS:
                ids.add(nv)
            if h.kind == "number":
                numbers.append((h.value, it.id, it.author_role))
                ids.add(nv)
                continue
            fact = by_key.get((h.kind, nv))
            if fact is None:
                fact = Fact(kind=h.kind, value=h.value, sources=[], given_by=it.author_role)
                by_key[(h.kind, nv)] = fact
                by_value.setdefault(nv, fact)
            _add_source(fact.sources, it.id)
        ids_by_item.append(frozenset(ids))
    for value, iid, role in numbers:
        nv = _norm(value)
        fact = by_value.get(nv)
        if fact is None:
            fact = Fact(kind="reference", value=value, sources=[], given_by=role)
            by_key[("reference", nv)] = fact
            by_value[nv] = fact
        _add_source(fact.sources, iid)
    # An amount that is only part of a bigger number, or a bare reference that is a phone: drop.
    facts = list(by_key.values())
    return facts, ids_by_item
