"""Money thresholds: the one reader of the amounts a source grants something past or within (issue 13).

A source may grant something past an amount ("Orders of $75 or more qualify for free standard
shipping") or within one ("a refund applies when the amount in error is less than $10"). One pair
of patterns (:data:`AT_LEAST`, :data:`AT_MOST`) reads those limits, and :func:`unmet_limit` finds
the first limit of the passages on the same thing that none of the customer's figures meets. Two
rules use it:

* :func:`broken_amount_threshold`: the reply says of an amount of the customer's, said in the
  sentence, that it meets the rule ("your basket is at $70, so you already qualify for free
  standard shipping") where the amount falls on the wrong side of it: refused, as a customer's
  duration judged past a threshold is (:func:`service.guardrails.case.broken_threshold`);
* :func:`service.guardrails.verdicts.amount_verdict`: a grant to the customer ("you get the
  refund", a commitment) where the source grants it only past an amount none of the customer's
  amounts meets, said or not.

Not judged: a sentence that denies anything (a denial grants nothing), one that works out what
the customer would still need ("adding $5 or more would get you free shipping"), a verdict said
only in a clause that states the threshold itself, and a rule the source gives level by level
for another level than the customer's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from service.guardrails.commitments import NEGATION
from service.guardrails.numbers import prepare

Words = Callable[[str], frozenset[str]]

_MONEY = r"[$€£]\s?(?P<{n}>\d+(?:\.\d+)?)"
AT_LEAST = re.compile(r"\b(?:more than|over|above|at least|from)\s+" + _MONEY.format(n="n") + r"|"
                      + _MONEY.format(n="n2") + r"\s+or\s+(?:more|over|above)\b", re.I)
"""A limit an amount must reach ("$75 or more", "over $50")."""
AT_MOST = re.compile(r"\b(?:less than|under|below|up to|no more than)\s+" + _MONEY.format(n="n") + r"|"
                     + _MONEY.format(n="n2") + r"\s+or\s+(?:less|under|below)\b", re.I)
"""A limit an amount must stay under ("less than $10")."""
GRANTED = re.compile(r"\b(?:you|you'?ll|you will|you do|you can|you'?re|you are)\s+(?:(?:still|also|definitely|already|easily|now)\s+)?"
                     r"(?:get|receive|qualify|be getting|getting|eligible|entitled|due)\b"
                     r"|\b(?:it|that|this|your(?:\s+[\w$.]+){1,2})\s+(?:(?:still|also|easily|already|now)\s+)?(?:qualif(?:y|ies)|is eligible|is refundable|ships? (?:for )?free)\b",
                     re.I)
"""A grant said of the customer's case ("you get the refund", "you already qualify", "your $60 cart
qualifies"), not a rule ("orders of $75 or more qualify")."""

Limit = tuple[re.Pattern[str], Callable[[float, float], bool], Iterable[float]]


def limit_of(m: re.Match[str]) -> float:
    """The amount of a limit ("less than $10": 10)."""
    return _limit(m)


def _limit(m: re.Match[str]) -> float:
    return float(next(g for g in m.groups() if g and g[0].isdigit()))


def money_limits(values: Iterable[float]) -> list[Limit]:
    """The two money limits, each with what meeting it means, for the customer's ``values``."""
    values = list(values)
    return [(AT_MOST, lambda v, x: v < x, values), (AT_LEAST, lambda v, x: v >= x, values)]


def unmet_limit(passages: Iterable, limits: Sequence[Limit], on_it: Callable[[str, re.Match[str]], bool],
                scale: Callable[[re.Match[str]], float] = lambda m: 1.0) -> tuple[object, re.Match[str]] | None:
    """The first (passage, limit) of ``passages`` (a passage in parts is read in its parts) that
    none of the given values meets, among the limits ``on_it(passage text, limit)`` accepts."""
    for p in passages:
        if getattr(p, "parts", ()):
            continue
        t = prepare(p.text.replace("**", ""))
        for pattern, meets, given in limits:
            given = list(given)
            for m in pattern.finditer(t) if given else ():
                x = _limit(m) * scale(m)
                if not any(meets(v, x) for v in given) and on_it(t, m):
                    return p, m
    return None


# ---- an amount said in the reply, judged as meeting a limit -------------------------------------

_MEETS = re.compile(r"\bqualif(?:y|ies|ied)\b|\beligible\b|\benough\b|\bcover(?:s|ed)?\b|\bappl(?:y|ies)\b"
                    r"|\b(?:gets?|getting)\s+(?:you\s+)?(?:a\s+)?free\b|\b(?:is|are|'s|ships?)\s+free\b", re.I)
_STILL_NEEDED = re.compile(r"\b(?:add|adding|added|another|more|extra|top(?:ping)?\s+up|short|need|needs|needed|away|until|once|if you)\b", re.I)
_CLAUSE = re.compile(r"[,;:]|\s(?:so|and|but|which)\s", re.I)


def broken_amount_threshold(value: str, sentence: str, passages: Iterable, words: Words,
                            by_level: Callable[[str, str], bool]) -> str | None:
    """``value``: one of the customer's amounts said in ``sentence`` ("$70"). A finding when the
    sentence judges it as meeting an amount threshold of a passage on the same thing that it does
    not meet, else None. ``by_level(source, threshold)``: the source gives that threshold level by level."""
    t = prepare(sentence)
    if not value.replace(".", "", 1).isdigit() or not re.search(r"[$€£]\s?" + re.escape(value) + r"(?![\d.])", t):
        return None
    if NEGATION.search(t):
        return None
    # the verdict must be said somewhere other than where the threshold itself is stated
    verdicts = [c for c in _CLAUSE.split(t) if c and _MEETS.search(c) and not AT_LEAST.search(c) and not AT_MOST.search(c)]
    if not verdicts or any(_STILL_NEEDED.search(c) for c in verdicts) or _said_as_still_needed(value, t):
        return None
    said = words(t)

    def on_it(pt: str, m: re.Match[str]) -> bool:
        rest = words(pt[:m.start()] + " " + pt[m.end():])
        shared = len(rest & said)
        return shared >= 3 or (shared >= 2 and shared >= 0.5 * len(rest))

    for p in passages:  # one at a time: the level test needs the passage's source
        found = unmet_limit([p], money_limits([float(value)]), lambda pt, m: on_it(pt, m) and not by_level(p.source, m.group(0)))
        if found:
            return f"{p.source} sets {found[1].group(0)!r} for this; the customer's ${value} does not meet it"
    return None


def _said_as_still_needed(value: str, t: str) -> bool:
    """The amount is said as what the customer still needs ("so you're $14 away", "add $13.50 more"):
    a difference to the threshold, not their amount judged as meeting it (fourteenth round). A
    wrong difference is no working and is checked as a claim like any other figure."""
    at = re.search(r"[$€£]\s?" + re.escape(value) + r"(?![\d.])", t)
    clause = next((c for c in _CLAUSE.split(t[at.start():]) if c), "") if at else ""
    before = _CLAUSE.split(t[:at.start()])[-1] if at else ""
    return bool(_STILL_NEEDED.search(before + " " + clause))


def short_of_threshold(clause: str, case: Iterable[str], passages: Iterable) -> bool:
    """A clause that only says how far the customer's own amount is from a threshold a source gives
    ("Add $13.50 more to qualify" for a $61.50 cart and "$75 or more"; "you're $14 away"): their
    case worked out, no rule, where every amount of the clause is that difference, said as still needed."""
    t = prepare(clause)
    found = [float(m.group(1)) for m in re.finditer(r"[$€£]\s?(\d+(?:\.\d+)?)(?![\d.])", t)]
    mine = [float(a) for a in case if a.replace(".", "", 1).isdigit()]
    if not found or not mine or not _STILL_NEEDED.search(t) or NEGATION.search(t):
        return False
    limits = {_limit(m) for p in passages if not getattr(p, "parts", ()) for m in AT_LEAST.finditer(prepare(p.text.replace("**", "")))}
    return all(any(abs((x - c) - v) < 0.005 for x in limits for c in mine if c < x) for v in found)
