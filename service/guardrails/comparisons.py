"""A level compared with the figure just stated (round 16b): "Bronze members can return items within
90 days. Silver gets longer than that", "Silver has 6 months; Bronze has less time than that",
"Silver gets twice that". The comparison states the level's own figure without its number, so
the figure checks never see it: its direction is read against the figure the sources give that
level for the same thing (a figure of the same article as the one compared with, in the same
dimension: a time, a price). A comparison the level's figure does not bear out is a claim the
sources contradict. A comparison naming no level ("If it's been longer than that") is the
customer's case, and is left to the other checks."""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.guardrails.levels import ALL_LEVELS, scope_of
from service.guardrails.passages import facts_of
from service.guardrails.numbers import DAYS_PER_UNIT as _DAYS, prepare

_COMPARED = re.compile(
    r"\b(?:(?P<more>(?:longer|more|extra)(?:\s+(?:time|days|weeks|months|window|period|return window))?|further)"
    r"|(?P<less>(?:shorter|less|fewer)(?:\s+(?:time|days|weeks|months|window|period|return window))?))\s+than\s+(?:that|this|those|theirs|them)\b"
    r"|\b(?P<mult>twice|double|three times|half|a third of|a quarter of)\s+(?:that|this|theirs)\b", re.I)
"""A comparison with the figure just stated: which way it goes, or by how much."""
_UNLIMITED = frozenset({"unlimited"})
_MULTIPLE = {"twice": 2.0, "double": 2.0, "three times": 3.0, "half": 0.5, "a third of": 1 / 3, "a quarter of": 0.25}


_CASE = re.compile(r"\b(?:if|when|whenever|once|unless|since|as long as|it'?s been|it has been|you'?ve|you have|you'?re|you are|your|i|we)\b", re.I)
"""The customer's case or a condition ("if it's been longer than that"): no level's figure is compared."""


def _compared_level(before: str) -> frozenset[str] | None:
    """The levels the comparison is said of: those its own clause names (the text before it back to
    the last comma, colon or "and"), where that clause speaks of no case or condition."""
    piece = re.split(r"[;:,]|\s(?:and|but|while|whereas)\s", before)[-1]
    scope = scope_of(piece)
    return None if not scope or scope == ALL_LEVELS or _CASE.search(piece) else scope


def _measure(value: str, qual: str, kind: str) -> tuple[str, float] | None:
    """A figure as (dimension, amount): times in days, prices in their currency; "unlimited" as an
    endless time. None for a figure of another kind."""
    if value in _UNLIMITED:
        return "time", float("inf")
    try:
        number = float(value)
    except ValueError:
        return None
    if qual in _DAYS:
        return "time", number * _DAYS[qual]
    if kind.startswith("$"):
        return "money", number
    return None


def _bears_out(m: re.Match, theirs: float, reference: float) -> bool:
    """Does the level's own figure go the way the comparison says from the reference figure?"""
    if m.group("more"):
        return theirs > reference
    if m.group("less"):
        return theirs < reference
    factor = _MULTIPLE[m.group("mult").lower()]
    return abs(theirs - reference * factor) <= 0.1 * reference * factor


def compared_wrongly(sentences: Iterable[str], passages: Iterable) -> list[str]:
    """Comparisons of a level with the figure just stated that the level's source figure does not
    bear out (see the module's docstring)."""
    passages = [p for p in passages if p.source != "the policy"]
    out: list[str] = []
    last = None  # (value, qual, kind) of the figure last stated
    for sentence in sentences:
        text = prepare(sentence)
        facts = facts_of(text)
        for m in _COMPARED.finditer(text):
            before = [f for f in facts if f.start < m.start() and _measure(f.value, f.qual, f.kind)]
            reference = (before[-1].value, before[-1].qual, before[-1].kind) if before else last
            scope = _compared_level(text[:m.start()])
            if reference is None or not scope or scope == ALL_LEVELS:
                continue
            measured = _measure(*reference)
            why = measured and _against_sources(m, scope, reference, measured, passages)
            if why:
                out.append(f"{why}: {sentence.strip()[:100]!r}")
        for f in facts:
            if _measure(f.value, f.qual, f.kind):
                last = (f.value, f.qual, f.kind)
    return out


def _against_sources(m: re.Match, scope: frozenset[str], reference: tuple[str, str, str], measured: tuple[str, float],
                     passages: list) -> str | None:
    """Where every figure the sources give the compared levels, in the article that states the
    reference figure and in its dimension, goes the other way: why."""
    for level, theirs in _figures(scope, reference, measured, passages):
        if theirs and not any(_bears_out(m, x, measured[1]) for x, _, _ in theirs):
            _, f, _ = theirs[0]
            value, qual, _ = reference
            return (f"the sources give {level} {f.value}{' ' + f.qual if f.qual else ''}, not {m.group(0)!r} "
                    f"{value}{' ' + qual if qual else ''}")
    return None


def _figures(scope: frozenset[str], reference: tuple[str, str, str], measured: tuple[str, float], passages: list):
    """For each level of ``scope``: the figures (amount, fact, passage) the sources give it in the
    article that states the reference figure, in the reference's dimension."""
    value, qual, _ = reference
    articles = {p.source.split(" of ")[-1] for p in passages for f in p.facts() if f.value == value and f.qual == qual}
    for level in sorted(scope):
        theirs = [(_measure(f.value, f.qual, f.kind), f, p) for p in passages if p.source.split(" of ")[-1] in articles
                  for f in p.facts() if f.scope and f.scope != ALL_LEVELS and level in f.scope]
        yield level, [(x[1], f, p) for x, f, p in theirs if x and x[0] == measured[0]]


def measurable(value: str, qual: str, kind: str) -> bool:
    """Is this a figure a level can be compared with (a time, a price)?"""
    return _measure(value, qual, kind) is not None


def compared_rightly(clause: str, reference: tuple[str, str, str] | None, passages: Iterable, words) -> bool:
    """A clause that compares a level with the figure just stated (``reference``: value, unit,
    kind) the way the level's own source figure bears out ("Bronze has less time than that" after
    Silver's 6 months), with no word beyond the level, the comparison and the words of the
    passages that give the level its figure: it states that figure in other words."""
    m = _COMPARED.search(clause)
    measured = _measure(*reference) if reference and m else None
    if not measured:
        return False
    scope = _compared_level(clause[:m.start()])
    passages = [p for p in passages if p.source != "the policy"]
    if not scope or scope == ALL_LEVELS:
        return False
    rest = words(clause[:m.start()] + " " + clause[m.end():]) - words("gold silver bronze guest guests member members level get gets have has")
    for _, theirs in _figures(scope, reference, measured, passages):
        right = [p for x, _, p in theirs if _bears_out(m, x, measured[1])]
        if not right or not rest <= frozenset().union(*(words(f"{p.context} {p.text}") for p in right)):
            return False
    return True
