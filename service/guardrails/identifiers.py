"""Identifiers no one gave (issue 13, ninth round).

A token of letters and digits ("cedric1987", "dana.pryce88", "SAVE20", "NW-81011") names one thing: a
username, a code, an order. The number check reads only numbers that stand alone, so "Usernames
are your first name followed by your birth year, for example cedric1987" passed on its words. Here
such a token must be in a cited source, the policy's approved texts, the customer's messages or the
known facts (their order id); one that none of them gives is made up. Numbers with a unit or an
ordinal ("2FA", "10am", "3rd", "1-year") are not identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"(?<![\w@./-])(?=[\w.-]*\d)(?=[\w.-]*[a-z])[a-z0-9](?:[\w-]|\.(?=\w))*[a-z0-9](?![\w@/-]|\.\w)", re.I)
"""A word with at least one letter and one digit (not part of an e-mail address, a link or a path)."""
_NOT_AN_ID = re.compile(r"\d+(?:[.,]\d+)*[a-z]{0,5}|\d+(?:[.,]\d+)*(?:-[a-z]+)+|[a-z]+-\d+(?:[.,]\d+)*(?:-[a-z]+)+", re.I)
"""A number with a unit, an ordinal or a suffix ("2FA", "10am", "3rd", "20F"), or one joined to
words ("1-year", "34.5-inch", "one-2-one")."""


def identifiers(text: str) -> set[str]:
    """The identifier-like tokens of ``text``, lower case."""
    return {m.group(0).lower() for m in _TOKEN.finditer(text) if not _NOT_AN_ID.fullmatch(m.group(0))}


def known_identifiers(texts: Iterable[str]) -> frozenset[str]:
    """Every token of letters and digits the given texts carry (the allowed ones), lower case."""
    return frozenset(m.group(0).lower() for t in texts for m in _TOKEN.finditer(t))


def made_up(sentence: str, known: frozenset[str]) -> str | None:
    """The first identifier of ``sentence`` that no source, customer message or fact gives."""
    for token in sorted(identifiers(sentence)):
        if token not in known:
            return f"no source or customer message gives {token!r}"
    return None


def inside_identifier(start: int, text: str, values: Iterable[str]) -> bool:
    """Does the figure at ``start`` of ``text`` sit inside one of ``values``, the identifiers the
    caller sent for the placeholders ("NW-42419", filled in for ``{order_id}``)? Its digits are the
    order's name, not a figure to ground, whatever level the sentence is said of ("As a Silver
    member ... once I've confirmed order ID NW-42419": fix-15c)."""
    for value in values:
        for m in re.finditer(re.escape(value), text, re.I):
            if m.start() <= start < m.end():
                return True
    return False


def in_a_token(start: int, text: str) -> bool:
    """Does the figure at ``start`` of ``text`` sit inside an identifier token ("NW-93018", filled
    into an approved reply for ``{order_id}``)? Then it names a thing, not a figure of a rule."""
    return any(m.start() <= start < m.end() and not _NOT_AN_ID.fullmatch(m.group(0)) for m in _TOKEN.finditer(text))
