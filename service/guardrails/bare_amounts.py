"""Amounts a customer wrote without a currency (ninth round, fix-9e): "I was charged twice for
premium, ninety-nine each", "billed 45 twice". In a sentence about a charge or payment, a bare
number said per item ("each", "apiece") or straight after the charge verb is an amount of theirs.

Not a count, a duration or a percentage: "charged 3 times", "paid 2 days ago", "billed 10%" are no
amounts; nor a number in a sentence that speaks of no charge ("I ordered 2 each").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.guardrails.numbers import _TEENS, _TENS, _UNITS

_CHARGE = re.compile(r"\b(?:charg\w*|bill\w*|paid|pay\w*|cost\w*|price\w*|fees?|debited|taken)\b", re.I)
_PER_ITEM = re.compile(r"(?<![\w$€£.,])(\d{1,5}(?:\.\d\d)?)\s+(?:each|apiece|a piece|per (?:item|charge|bill|month|year))\b(?!\s+time)", re.I)
_AFTER_VERB = re.compile(
    r"\b(?:charged|billed|paid|debited)\s+(?:me\s+)?(?:for\s+)?(\d{1,5}(?:\.\d\d)?)(?![\d.,%])"
    r"(?!\s*(?:%|percent|times?|days?|weeks?|months?|years?|hours?|minutes?|items?|pieces?|orders?|x)\b)",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?\n]+")
_WORDS = {**_UNITS, **_TEENS, **_TENS}
_EACH_WORD = re.compile(r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:[\s-](?P<tu>" + "|".join(_UNITS) + r"))?|(?P<one>"
                        + "|".join([*_TEENS, *_UNITS]) + r"))(?=\s+(?:each|apiece|a piece)\b(?!\s+time))", re.I)

_NUMBER = r"(?:\d{1,5}(?:\.\d\d)?|(?:" + "|".join(_TENS) + r")(?:[\s-](?:" + "|".join(_UNITS) + r"))?|" + "|".join([*_TEENS, *_UNITS]) + r")"
_SHOULD_BE = re.compile(r"\b(?:should(?:\s+have)?\s+been|should\s+be|supposed\s+to\s+be|meant\s+to\s+be|instead\s+of)\s+(?:only\s+|just\s+)?(" + _NUMBER + r")\b(?![.,]\d)"
                        r"(?!\s*(?:%|percent|times?|days?|weeks?|months?|years?|hours?|minutes?|items?|pieces?|orders?|x)\b)", re.I)
"""The amount a charge should have been, bare ("billed $60 for something that should have been fifty four";
fourteenth round): read only in a sentence that also states an amount with its currency."""


def _as_digits(number: str) -> str:
    """A number written in digits or in words ("fifty four") as digits."""
    if number[:1].isdigit():
        return number
    parts = re.split(r"[\s-]+", number.lower())
    return str(sum(_WORDS[w] for w in parts))


def _each_digits(text: str) -> str:
    """Number words before "each" as digits ("ninety-nine each" -> "99 each")."""
    def digits(m: re.Match[str]) -> str:
        if m.group("one"):
            return str(_WORDS[m.group("one").lower()])
        return str(_TENS[m.group("tens").lower()] + (_UNITS[m.group("tu").lower()] if m.group("tu") else 0))
    return _EACH_WORD.sub(digits, text)


def bare_amounts(prepared_texts: Iterable[str]) -> frozenset[str]:
    """The bare amounts of the customer's texts (number words already written as digits)."""
    out: set[str] = set()
    for t in prepared_texts:
        for s in _SENTENCE.findall(_each_digits(t)):
            if _CHARGE.search(s):
                out.update(m.group(1) for rx in (_PER_ITEM, _AFTER_VERB) for m in rx.finditer(s))
                if re.search(r"[$€£]\s?\d", s):
                    out.update(_as_digits(m.group(1)) for m in _SHOULD_BE.finditer(s))
    return frozenset(out)
