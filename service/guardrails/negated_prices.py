"""A waiver said as a price the level does not pay (round 16b): "Gold members don't pay the twenty
dollars", "as a Gold member you won't be charged the $20 upgrade fee", "no $20 fee for you". The
figure names the thing: it is the price a source gives other levels ("Silver, Bronze members and
guests: the upgrade costs $20") in the article that waives it for the level the clause names
("Gold members: the overnight fee is waived"). Said of that level, the clause is the waiver in
other words; said of a level the source gives the price to, it takes the price away from a level
that pays it. Read by :mod:`service.guardrails.claims` clause by clause."""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.guardrails.levels import ALL_LEVELS, scope_of
from service.guardrails.waivers import level_prices, waiving_sentence

_AMOUNT = r"[$€£]\s?(\d+(?:\.\d{2})?)"
_NOT_PAID = re.compile(
    r"\b(?:don'?t|do not|doesn'?t|does not|won'?t|will not|aren'?t|are not|isn'?t|is not|never|no need to|not)\s+(?:have to\s+|need to\s+|ever\s+|be\s+|get\s+)?"
    r"(?:pay|paying|charged|billed)\s+(?:(?:the|that|this|a|any|an|extra|those)\s+)*" + _AMOUNT
    + r"|\b(?:no|without (?:the |a |any |that )?)\s*(?:extra\s+)?" + _AMOUNT + r"\s*(?:[\w-]+\s+)?(?:fee|charge|cost)\b"
    + r"|\b(?:skips?|avoids?|saves?)\s+(?:the |that |this )" + _AMOUNT
    + r"|" + _AMOUNT + r"\s*(?:[\w-]+\s+)?(?:fee|charge|cost)?\s*(?:doesn'?t|does not|won'?t|will not)\s+apply\b", re.I)
"""A price the clause says is not paid: the amount is the object of the "not pay" ("don't pay the
$20", "won't be charged the $20 upgrade fee", "aren't charged the $20", "no $20 fee", "skip the
$20", "the $20 fee doesn't apply")."""
_NOT_YET = re.compile(r"\b(?:until|till|unless|before|if|when|once|yet|again|twice|more than|on top|separately|without (?:your|asking|confirming))\b", re.I)
"""A price not paid yet, or on a condition ("you won't be charged the $20 until you confirm"): timing, not a waiver."""
_YOU = re.compile(r"\b(?:you|your|you'll|you're)\b", re.I)


def _not_paid(clause: str) -> str | None:
    """The amount the clause says is not paid, or None."""
    m = _NOT_PAID.search(clause)
    if not m:
        return None
    return next(g for g in m.groups() if g).removesuffix(".00")


def negated_price(clause: str, passages: Iterable, level: str | None = None,
                  addressed: frozenset[str] | None = None) -> tuple[str, str] | None:
    """``("waived", amount)`` where the clause says a level does not pay an amount a source gives
    other levels and waives for this one (every level the clause names, else the level it
    addressed, else the customer's ``level`` where it speaks to "you"); ``("kept", why)`` where
    a level it names is one a source gives the amount to; None where the clause is no such
    price or the sources say neither."""
    value = _not_paid(clause)
    if value is None or _NOT_YET.search(clause):
        return None
    scope = scope_of(clause) or (addressed or (frozenset({level}) if level else None) if _YOU.search(clause) else None)
    if not scope or scope == ALL_LEVELS:
        return None
    passages = [p for p in passages if p.source != "the policy"]
    given = level_prices(passages, value)
    if not given:
        return None
    paying = sorted(scope & frozenset().union(*(f.scope for _, f in given)))
    if paying:
        p, f = next((p, f) for p, f in given if f.scope & scope)
        return "kept", (f"{p.source} gives the ${value} to {', '.join(sorted(f.scope))}; said not paid by {', '.join(paying)}")
    if not all(waiving_sentence(passages, given, lvl) for lvl in scope):
        return None
    return "waived", value
