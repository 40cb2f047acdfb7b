"""A customer's amount judged as meeting a money threshold it does not meet (issue 13, round 11).

A source may grant something past an amount ("Orders of $75 or more qualify for free standard
shipping") or within one ("a refund applies when the amount in error is less than $10"). A reply
that says of the customer's own amount that it meets the rule ("your basket is at $70, so you
already qualify for free standard shipping") where the amount falls on the wrong side of it
states a verdict no source supports, though the amount itself is the customer's: it is refused,
as a customer's duration judged past a threshold is (:func:`service.guardrails.case.broken_threshold`).

Not judged: a sentence that denies anything (a denial grants nothing), one that works out what
the customer would still need ("adding $5 or more would get you free shipping"), a verdict said
only in a clause that states the threshold itself, and a rule the source gives level by level.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.guardrails.commitments import NEGATION
from service.guardrails.numbers import prepare

Words = Callable[[str], frozenset[str]]

_MONEY = r"[$€£]\s?(?P<{n}>\d+(?:\.\d+)?)"
_AT_LEAST = re.compile(r"\b(?:more than|over|above|at least)\s+" + _MONEY.format(n="n") + r"|"
                       + _MONEY.format(n="n2") + r"\s+or\s+(?:more|over|above)\b", re.I)
_AT_MOST = re.compile(r"\b(?:less than|under|below|up to|no more than)\s+" + _MONEY.format(n="n") + r"|"
                      + _MONEY.format(n="n2") + r"\s+or\s+(?:less|under|below)\b", re.I)
_MEETS = re.compile(r"\bqualif(?:y|ies|ied)\b|\beligible\b|\benough\b|\bcover(?:s|ed)?\b|\bappl(?:y|ies)\b"
                    r"|\b(?:gets?|getting)\s+(?:you\s+)?(?:a\s+)?free\b|\b(?:is|are|'s|ships?)\s+free\b", re.I)
_STILL_NEEDED = re.compile(r"\b(?:add|adding|added|another|more|extra|top(?:ping)?\s+up|short|need|needs|needed|away|until|once|if you)\b", re.I)
_CLAUSE = re.compile(r"[,;:]|\s(?:so|and|but|which)\s", re.I)


def _limit(m: re.Match[str]) -> float:
    return float(m.group("n") or m.group("n2"))


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
    verdicts = [c for c in _CLAUSE.split(t) if c and _MEETS.search(c) and not _AT_LEAST.search(c) and not _AT_MOST.search(c)]
    if not verdicts or any(_STILL_NEEDED.search(c) for c in verdicts):
        return None
    amount, said = float(value), words(t)
    for p in passages:
        if getattr(p, "parts", ()):
            continue
        pt = prepare(p.text.replace("**", ""))
        for pattern, broken in ((_AT_LEAST, lambda x: amount < x), (_AT_MOST, lambda x: amount >= x)):
            for m in pattern.finditer(pt):
                if not broken(_limit(m)):
                    continue
                rest = words(pt[:m.start()] + " " + pt[m.end():])
                shared = len(rest & said)
                if (shared >= 3 or (shared >= 2 and shared >= 0.5 * len(rest))) and not by_level(p.source, m.group(0)):
                    return f"{p.source} sets {m.group(0)!r} for this; the customer's ${value} does not meet it"
    return None
