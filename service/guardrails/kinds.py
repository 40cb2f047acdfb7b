"""What a number measures, as its text says: a true figure of one thing is no support for the same
figure said of another ("up to 20 characters" is not the "$20 per order" of the same article; "5%
shrinkage" is not the "5-10 wears" between washes; "$10 per order" is not the "$10 per item" of
name stitching), and a temperature below zero is not the same temperature above it ("-20°F" is
not the source's "20°F").

A **kind** is a path: ``$`` (an amount, ``$/item`` or ``$/order`` with what it is charged per),
``%``, ``deg`` (``deg/f``, ``deg/c``), ``chr`` (a count of characters or letters) and, since the
tenth round's look at fresh-v11, ``dur/return`` (a return window: "return items within 12 months")
and ``dur/term`` (how long a thing lasts: "a membership level lasts for 12 months"), which never
support each other; "" when the text says nothing. Two kinds agree when one is the other or a part of it (``$`` agrees with
``$/item``, ``deg`` with ``deg/f``). An amount, a percentage and a temperature are only ever
supported by a source figure of the same kind: a source that means a price writes the price."""

from __future__ import annotations

import re

from service.guardrails.numbers import prepare

STRICT = frozenset({"$", "%", "deg"})
"""Kinds a claim states only on a source figure of the same kind."""

_PER = re.compile(r"\**\s*(?:(?:per|/|an?|each)\s*(item|order|month|year|week|day|piece|person|night)s?\b|each\b)", re.I)
_PERCENT = re.compile(r"\**\s*(?:percent|per\s?cent|pct)\b", re.I)
_DEGREES = re.compile(r"\**\s*(?:°|º|˚|degrees?\b|deg\b)\s*(?:(f)\b|(c)\b|(fahrenheit|celsius|centigrade)\b)?", re.I)
_SCALE = re.compile(r" ?([FC])\b")
"""A scale written against the figure ("20F", as an SMS reply writes it)."""
_CHARACTERS = re.compile(r"\**\s*(?:characters?|letters?|chars?)\b", re.I)
_DURATION = re.compile(r"\**\s*(?:days?|weeks?|months?|years?)\b", re.I)
_TERM = re.compile(r"\b(?:lasts?|lasting|valid|good|reviewed every|renews? every)\s+(?:for\s+)?(?:up to\s+)?\**$", re.I)
"""How long a thing holds ("a membership level lasts for 12 months")."""
_RETURN_WITHIN = re.compile(r"\breturn\w*\b[^.;:!?]{0,30}\b(?:within|for|up to|in)\s+(?:the\s+(?:last|first)\s+)?\**$", re.I)
"""A return window ("can return items within 12 months")."""
_RANGE_END = re.compile(r"\s*(?:-|–|to)\s*\d+(?:\.\d+)?")
_MINUS = re.compile(r"(?:(?<![\w.])[-−–]|\bminus\s+|\bnegative\s+)\**$", re.I)
_BELOW_ZERO = re.compile(r"\s*(?:below\s+zero|below\b(?!\s+(?:freezing|the|that|this|a|an)\b))", re.I)


def kind_of(t: str, start: int, end: int, token: str) -> str:
    """The kind of the number ``token`` found at ``t[start:end]`` (see the module doc)."""
    if token[:1] in "$€£":
        per = _PER.match(t, end)
        return "$/" + _per(per.group(1)) if per else "$"
    if token.endswith("%") or _PERCENT.match(t, end):
        return "%"
    rng = _RANGE_END.match(t, end)  # "5-10 wears", "20 to 25 degrees": the unit after the range
    for at in (end, rng.end()) if rng else (end,):
        deg = _DEGREES.match(t, at) or _SCALE.match(t, at)
        if deg:
            scale = next((g for g in deg.groups() if g), "")[:1].lower()
            return "deg/" + scale if scale else "deg"
        if _CHARACTERS.match(t, at):
            return "chr"
    if _DURATION.match(t, end):  # "return within 12 months" is not "lasts 12 months"
        before = t[max(0, start - 50):start]
        if _TERM.search(before):
            return "dur/term"
        if _RETURN_WITHIN.search(before):
            return "dur/return"
    return ""


def _per(word: str | None) -> str:
    word = (word or "item").lower()  # "$5 each": per item
    return "item" if word == "piece" else word


def signed(t: str, start: int, end: int, value: str, kind: str) -> str:
    """A temperature below zero as a negative value ("-20°F", "minus twenty degrees", "20
    degrees below zero"); any other value as it is."""
    if not kind.startswith("deg") or not value[:1].isdigit():
        return value
    if _MINUS.search(t, max(0, start - 10), start):
        return "-" + value
    deg = _DEGREES.match(t, end)
    if _BELOW_ZERO.match(t, deg.end() if deg else end):
        return "-" + value
    return value


_SIGNED = re.compile(r"(?:(?<![\w.])[-−–]|\bminus\s+)(\d+(?:\.\d+)?)\b", re.I)


def below_zero(text: str) -> frozenset[str]:
    """The figures ``text`` says with a minus, unit or not ("it gets to -5 in the mornings": "-5"),
    as :func:`signed` writes a temperature, so a customer's own temperature may be said back."""
    return frozenset("-" + m.group(1) for m in _SIGNED.finditer(prepare(text)))


def agree(source: str, claim: str) -> bool:
    """Does a source figure of kind ``source`` support the same figure said as ``claim``?"""
    if not claim:
        return True
    if not source:
        return claim.split("/")[0] not in STRICT
    return source == claim or source.startswith(claim + "/") or claim.startswith(source + "/")
