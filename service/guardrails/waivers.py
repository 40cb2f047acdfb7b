"""A price said of a level that a source waives it for (fix-10b): "For Gold members the overnight
upgrade is $20" where a source says "Gold members have the overnight fee waived" (or a table cell
reads "Overnight upgrade fee ($20) Gold: Waived"). A price stated for everyone elsewhere ("Overnight
shipping: $20 per order") does not make it the price of the level the sources exempt. Since round 15d the
price may name no level at all where the customer gave theirs (:func:`price_to_waived_level`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.domain.text import sentences
from service.guardrails.commitments import NEGATION
from service.guardrails.levels import ALL_LEVELS, scope_of
from service.guardrails.numbers import prepare

_WAIVED = r"(?:waived?|free|no (?:extra )?(?:charge|fee|cost)|at no (?:extra )?(?:charge|cost))"
_FREE_WORD = re.compile(r"\b" + _WAIVED + r"\b", re.I)
_LEVEL = {"gold": "gold", "silver": "silver", "bronze": "bronze", "guest": "guests?"}
_YOU = re.compile(r"\b(?:you|your|you'll|you're)\b", re.I)
_PRICE = re.compile(r"[$€£]\s?\d")
_GENERIC = "fee fees charge charges cost costs price prices member members level levels customer customers order orders per"


def _waives(sentence: str, level: str) -> bool:
    """Does the source sentence waive something for ``level`` ("Gold members have the overnight fee
    waived", "Overnight upgrade fee ($20) Gold: Waived", "free for Gold members")?"""
    name = _LEVEL[level]
    return bool(re.search(r"\b" + name + r"\b[^.;|]{0,60}\b" + _WAIVED + r"\b", sentence, re.I)
                or re.search(r"\b" + _WAIVED + r"\s+for\s+(?:our\s+)?" + name + r"\b", sentence, re.I))


def price_waived_for_level(clause: str, passages: Iterable, words, addressed: frozenset[str] | None = None) -> str | None:
    """A clause giving a price for the levels it names (else the level the reply addressed the
    customer as), where a source sentence waives the thing it names for one of those levels."""
    scope = scope_of(clause) or (addressed if _YOU.search(clause) else None)
    if not scope or scope == ALL_LEVELS or not _PRICE.search(clause) or _FREE_WORD.search(clause) or NEGATION.search(clause):
        return None
    said = words(clause)
    for p in passages:
        for s in sentences(p.text):
            parts = _SEGMENT.split(s)
            for i, part in enumerate(parts):
                for level in sorted(scope):
                    if _waives(part, level) and not NEGATION.search(part) and (thing := _waived_thing(parts, i, words)) and thing <= said:
                        return f"{p.source} waives this for {level}: {s.strip()[:80]!r}"
    return None


_SEGMENT = re.compile(r"[,;()]|\s(?:and|but|while|whereas)\s", re.I)
_NOT_THING = _GENERIC + " waived waive free extra gold silver bronze guest guests have has get gets"


def _waived_thing(parts: list[str], i: int, words) -> frozenset[str]:
    """What the part waives ("the overnight fee": overnight); said before it where the part only
    names the level ("overnight shipping is $20 (free for Gold members)")."""
    for part in reversed(parts[:i + 1]):
        thing = words(part) - words(_NOT_THING)
        if thing:
            return thing
    return frozenset()


_NO_PAY = re.compile(r"\b(?:don'?t|do not|doesn'?t|does not|won'?t|will not|never|no need to)\s+(?:have to\s+|need to\s+|ever\s+)?pay\b|\bcosts? (?:you )?nothing\b"
                     r"|\bcomplimentary\b|\bon the house\b", re.I)
"""A thing said to cost the level nothing in words with a "not" in them ("Silver members don't pay for overnight shipping")."""
_IF = re.compile(r"\b(?:if|unless|when|once|provided|as long as|orders? (?:of|over|above)|spend)\b", re.I)
_LEVEL_NAMES = {"gold", "silver", "bronze", "guest"}


def free_for_paying_level(clause: str, passages: Iterable, words, addressed: frozenset[str] | None = None) -> str | None:
    """The other side of :func:`price_waived_for_level` (round 14e): a thing said to be free, waived
    or not paid for the levels a clause names (else the level the reply addressed the customer as),
    where a source waives that thing for other levels only ("Overnight shipping: $20 per order. Gold
    members have the overnight fee waived." against "Silver members get overnight shipping for
    free"). A free thing with its condition ("orders of $75 or more") is another rule."""
    scope = scope_of(clause) or (addressed if _YOU.search(clause) else None)
    if not scope or scope == ALL_LEVELS or _IF.search(clause):
        return None
    if not ((_FREE_WORD.search(clause) and not NEGATION.search(clause)) or _NO_PAY.search(clause)):
        return None
    said = words(clause)
    waived: dict[str, tuple[str, str]] = {}
    for p in passages:
        for s in sentences(p.text):
            parts = _SEGMENT.split(s)
            for i, part in enumerate(parts):
                if NEGATION.search(part):
                    continue
                for level in _LEVEL_NAMES:
                    if _waives(part, level) and (thing := _waived_thing(parts, i, words)) and thing <= said:
                        waived.setdefault(level, (p.source, s.strip()))
    if waived and not scope & set(waived):
        level, (source, s) = sorted(waived.items())[0]
        return f"{source} waives this for {', '.join(sorted(waived))} only, not for {', '.join(sorted(scope))}: {s[:80]!r}"
    return None


_CONTRAST = re.compile(r"\b(?:normally|usually|otherwise|standard|regular(?:ly)?|typically|other(?:wise)?|non-\w+|else|only|if|unless|except)\b", re.I)
"""A price said as the rule for others or on a condition ("normally $20", "otherwise it's $20"): not the customer's price."""
_AMOUNT = re.compile(r"[$€£]\s?(\d+(?:\.\d{2})?)")


def price_to_waived_level(claims: list[str], passages: Iterable, level: str | None) -> str | None:
    """A price told, with no level named, to a customer whose own level (from their messages) a
    source waives it for (round 15d): a Gold member told "The upgrade is twenty dollars, charged
    to the card on your account" where the article says "Gold members: the overnight fee is
    waived. Silver, Bronze members and guests: the upgrade costs $20". The figure is the other
    levels' price; said to them plainly, it is their price. A reply that says the thing is free
    or waived anywhere, or frames the price as someone else's ("normally", "otherwise", "other
    members"), is left to the claim check."""
    if not level or level not in _LEVEL or any(_FREE_WORD.search(s) or _NO_PAY.search(s) for s in claims):
        return None
    passages = [p for p in passages if p.source != "the policy"]
    for s in map(prepare, claims):
        if scope_of(s) is not None or _CONTRAST.search(s) or NEGATION.search(s) or s.rstrip().endswith("?"):
            continue
        for value in _AMOUNT.findall(s):
            value = value.removesuffix(".00")
            given = level_prices(passages, value)
            if not given or any(level in f.scope for _, f in given):
                continue
            waiving = waiving_sentence(passages, given, level)
            if waiving:
                return (f"${value} is the price the source gives {', '.join(sorted(given[0][1].scope))}; it waives it for the customer's level "
                        f"({level}): {waiving.strip()[:80]!r}: {s.strip()[:100]!r}")
    return None


def level_prices(passages: Iterable, value: str) -> list:
    """The (passage, fact) pairs giving the amount ``value`` to some levels, not to everyone."""
    return [(p, f) for p in passages for f in p.facts() if f.value == value and f.scope not in (None, ALL_LEVELS)]


def waiving_sentence(passages: Iterable, given: list, level: str) -> str | None:
    """The first sentence of the articles holding ``given`` (:func:`level_prices`) that waives the
    thing for ``level`` and denies nothing; None where none does (or ``level`` is no level name)."""
    if level not in _LEVEL:
        return None
    sources = {p.source.split(" of ")[-1] for p, _ in given}
    return next((x for p in passages if p.source.split(" of ")[-1] in sources
                 for x in sentences(p.text) if _waives(x, level) and not NEGATION.search(x)), None)
