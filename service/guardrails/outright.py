"""An action a level gets outright (ninth round, fix-9e): "Gold members always get the refund
they ask for". Said to a customer of that level, their own charged amount in the commitment ("As
a Gold member ... I'll refund the extra $99") is their figure, not a claim about a rule.

Only the extra charge ("the extra $99", not "the full $120"), and only when a source passage
gives every action of the clause to the customer's level with no figure and no condition: "Silver members get a refund if the amount in error is less than $10"
and "Bronze members ...: if it confirms the error, they get the refund" grant nothing outright.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from service.guardrails.amount_thresholds import limit_of, money_limits
from service.guardrails.level_contrasts import removed_outright
from service.guardrails.passages import Fact, Passage

_CONDITION = re.compile(r"\b(?:if|unless|only|provided|as long as|when|once|after|within|up to|less than|more than|at least|at most)\b", re.I)


def charge_outright(amount: Fact, facts: Sequence[Fact], level: str | None, passages: Sequence[Passage], text: str) -> bool:
    """The customer's own charge ``amount`` in an action of ``facts`` their level gets outright:
    the refund of the extra charge (:func:`granted_outright`: "Gold members always get the refund
    they ask for"), or removing or waiving the charge itself
    (:func:`~service.guardrails.level_contrasts.removed_outright`: "As a Gold member, that extra $12
    will be removed"); never one a source makes on a figure."""
    acts = [x for x in facts if x.value.startswith("act:")]
    scope = amount.scope or (frozenset({level}) if level else None)
    return (granted_outright(acts, level, passages, text, amount.start) or removed_outright([x.value for x in acts], scope, passages)
            or granted_within_limit(amount, acts, level, passages, text))


_ERROR_NAMED = re.compile(r"^[$€£]?\s?[\d.,]+(?:[\s-]dollars?)?\s+(?:difference|overcharge|error|extra|too much|over)\b", re.I)
"""The amount named as the amount in error ("the $6 difference", "the 6-dollar overcharge")."""


def granted_within_limit(amount: Fact, acts: Sequence[Fact], level: str | None, passages: Sequence[Passage], text: str) -> bool:
    """The customer's own amount in error, named so ("I'll refund the $6 difference"), in an action
    a passage gives their level on one money limit that amount meets ("Silver members: get a refund
    if the amount in error is less than $10"; fourteenth round). The same words for $12, or for a
    level whose rule has no such limit (Bronze: "check the system"), grant nothing."""
    if not level or not acts or not _ERROR_NAMED.match(text[amount.start:]) and not _extra_charge(text, amount.start):
        return False
    x = float(amount.value)
    for act in acts:
        if not any(_on_limit_met(p, act.value, level, x) for p in passages if not p.parts):
            return False
    return True


def _on_limit_met(p: Passage, act: str, level: str, x: float) -> bool:
    t = p.text.replace("**", "")
    limits = [(m, meets) for pattern, meets, _ in money_limits([x]) for m in pattern.finditer(t)]
    figures = {f.value for f in p.facts() if f.value[:1].isdigit()}
    if len(limits) != 1 or len(figures) != 1:
        return False
    m, meets = limits[0]
    return meets(x, limit_of(m)) and any(f.value == act and f.scope is not None and level in f.scope and len(f.scope) <= 2 for f in p.facts())


def granted_outright(acts: Sequence[Fact], level: str | None, passages: Sequence[Passage], text: str, at: int) -> bool:
    """Is the amount at ``at`` of ``text`` named as the extra charge ("the extra $99", "the
    duplicate charge of $99"), and does a passage give each of ``acts`` to ``level`` with no
    figure and no condition? ("I'll refund the full $120" of a $120 bill against $60 expected
    is not the extra charge.)"""
    if not level or not acts or not _extra_charge(text, at):
        return False
    for act in acts:
        if not any(_outright(p, act.value, level) for p in passages if not p.parts):
            return False
    return True


_EXTRA = re.compile(r"\b(?:extra|duplicate[d]?|double[d]?|second|repeat(?:ed)?)\s+(?:charge\s+(?:of\s+)?|payment\s+(?:of\s+)?)?$", re.I)


_THAT = re.compile(r"\b(?:that|the|this)\s+$", re.I)


def _extra_charge(text: str, at: int) -> bool:
    """Is the amount at ``at`` named as the extra charge, there ("the extra $99") or where the
    sentence named it before ("the second $99 payment ..., I'll refund that $99": fourteenth round)?"""
    if _EXTRA.search(text, max(0, at - 30), at):
        return True
    amount = re.match(r"[$€£]\s?\d[\d,]*(?:\.\d+)?", text[at:])
    return bool(amount and _THAT.search(text, max(0, at - 8), at)) and any(
        _EXTRA.search(text, max(0, m.start() - 30), m.start()) for m in re.finditer(re.escape(amount.group(0)) + r"(?![\d.])", text[:at]))


def _outright(p: Passage, act: str, level: str) -> bool:
    facts = p.facts()
    if any(f.value[:1].isdigit() for f in facts) or _CONDITION.search(p.text):
        return False
    return any(f.value == act and f.scope is not None and level in f.scope and len(f.scope) <= 2 for f in facts)


_THE_AMOUNT = re.compile(r"\b(?:for that amount|that amount|the amount (?:the customer|they|he|she)\b|confirm the amount\b|how much (?:the|their|it)\b)", re.I)
_AMOUNT_WORDS = frozenset({"amount", "much", "cost"})


def takes_their_amount(clause: str, passages: Sequence[Passage], content_words) -> bool:  # type: ignore[no-untyped-def]
    """Does a source do what ``clause`` does with an amount it takes from the customer ("Ask how
    much the extra item cost and issue the refund for that amount"; "Confirm the amount the
    customer was overcharged")? Then the customer's own amount in the clause ("I'll issue a refund
    of $89", "I'll confirm the $6.50") is that amount, not a figure of the rule. Only where the
    reply says it of a level (so the action is checked against that level); the passage names
    no figure of its own, and every other word of the clause is one of its words; whether the
    action is theirs to get is checked as ever (a guest's refund of their $89 is still refused)."""
    words = content_words(re.sub(r"[$€£]\s?\d[\d,.]*", " ", clause)) - _AMOUNT_WORDS
    if not words:
        return False
    for p in passages:
        if p.parts or not _THE_AMOUNT.search(p.text) or any(f.value[:1].isdigit() for f in p.facts()):
            continue
        if words <= content_words(p.text) | _AMOUNT_WORDS:
            return True
    return False


_TAKES = re.compile(r"\b(?:take|taking|charge|charging|process|processing|put through|accept|accepting|pay|paying)\s+(?:(?:the|your|just|only)\s+)?"
                    r"[$€£]\s?(\d+(?:\.\d+)?)(?![\d.])", re.I)
_PART = re.compile(r"\b(?:pay|paid|paying|payments?)\b[^.;]{0,40}\b(?:all or (?:a )?part|part of it|in part|in parts)\b"
                   r"|\b(?:part|partial) payments?\b", re.I)
_DENIED = re.compile(r"\b(?:not|n't|cannot|never|no)\b", re.I)


def takes_part_payment(clause: str, case: Iterable[str], passages: Sequence[Passage]) -> bool:
    """A clause that takes the part payment the customer proposed ("I can pay $50 today?": "I'll take
    $50 now") where a source lets customers pay part of a price it gives, more than that amount
    ("customers may pay all or part of it", of "$99 a year"): their plan, agreed to, not a rule
    (fourteenth round). An amount they did not give, one past the price, or an article that allows no
    part payment is a claim like any other."""
    m = _TAKES.search(clause)
    mine = {float(a) for a in case if a.replace(".", "", 1).isdigit()}
    if not m or float(m.group(1)) not in mine:
        return False
    x = float(m.group(1))
    for p in passages:
        t = p.text.replace("**", "")
        if p.parts or not _PART.search(t) or _DENIED.search(t):
            continue
        if any(float(a) > x for a in re.findall(r"[$€£]\s?(\d+(?:\.\d+)?)", t)) or any(float(a) > x for a in re.findall(r"[$€£]\s?(\d+(?:\.\d+)?)", p.context or "")):
            return True
    return False
