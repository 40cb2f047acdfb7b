"""A count of the options a reply lists after it ("3 ways: mail, in store, or a drop-off center";
twelfth round).

The count is the reply's own working over its list, checked twice: it must equal the number of
items the reply lists after its colon, and a source passage on those items must state the same
count, in figures or in words ("There are three return methods:" under "Ways to send a return:
mail, store or drop-off center"). The items themselves are checked as clauses of their own. "2
ways: mail, in store or a drop-off center" miscounts its list; "4 ways: ..." with four items is a
count no source gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.domain.text import stem

_SPELLED = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
_COUNTED_LIST = re.compile(r"(?P<n>\d{1,2})\s+(?P<noun>[a-z][\w-]*)(?:\s+[^\W\d][\w'-]*){0,6}?\s*:\s*(?P<items>[^.!?:]+)", re.I)
_ASIDE = re.compile(r"\([^()]*\)")
_ITEM_SEP = re.compile(r"\s*,\s*(?:(?:or|and)\s+)?|\s+(?:or|and)\s+", re.I)
_STOP = frozenset("the a an to of in on at by or and we you your our it for with".split())


def _words(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in re.findall(r"[a-z][a-z-]+", text.lower()) if w not in _STOP)


def listed_items(text: str, start: int) -> tuple[int, list[str]] | None:
    """(count, items) when the figure at ``start`` of ``text`` counts the list after its colon."""
    m = _COUNTED_LIST.match(text, start)
    if not m:
        return None
    items = [x.strip() for x in _ITEM_SEP.split(_ASIDE.sub(" ", m.group("items"))) if x.strip()]
    return int(m.group("n")), items


def counts_its_list(text: str, start: int, passages: Iterable) -> bool:
    """Is the figure at ``start`` of the prepared ``text`` a count of the items listed after it,
    stated by a source passage on those items?"""
    found = listed_items(text, start)
    if not found or len(found[1]) < 2:
        return False
    n, items = found
    if n != len(items) or n not in _SPELLED:
        return False
    said = re.compile(rf"(?:(?<![\w.]){n}|\b{_SPELLED[n]})\s+(?!of\b|or\b|to\b)[a-z]", re.I)  # "three return methods", not "two of something"
    named = _words(" ".join(items))
    return bool(named) and any(said.search(p.text) and len(named & _words(f"{getattr(p, 'context', '')} {p.text}")) >= 0.5 * len(named)
                               for p in passages)


_NUMERAL = r"\d{1,2}|two|three|four|five|six|seven|eight|nine|ten"
_SELECTION = re.compile(rf"(?<![\w.])(?P<n>{_NUMERAL})\s+of\s+(?:these|the|those|the following)\s+(?P<m>{_NUMERAL})\s+(?P<noun>[a-z][\w-]*)", re.I)
"""A selection from a list ("3 of these 4 details"; thirteenth round)."""
_SOURCE_SELECTION = re.compile(rf"(?<![\w.])(?P<n>{_NUMERAL})\s+of(?:\s+(?:these|the|those|the following)\s+(?P<m>{_NUMERAL})\b|\s*:\s*(?P<items>[^.!?:]+))", re.I)
"""A source's selection: "3 of these 4", or "three of: full name, ZIP code, phone number, email address"."""


def _figure(word: str) -> int:
    return int(word) if word.isdigit() else {v: k for k, v in _SPELLED.items()}[word.lower()]


def selected_from(text: str, start: int, passages: Iterable) -> bool:
    """Is the figure at ``start`` of the prepared ``text`` one of a selection from a list ("could you
    confirm 3 of these 4 details?") that a source passage on the same things gives, the same
    figures both ways ("the customer must provide 3 of these 4 details", or "three of: full name,
    ZIP code, phone number, email address")? "2 of these 4 details" where the source says 3 is a
    selection no source gives."""
    m = next((m for m in _SELECTION.finditer(text) if start in (m.start("n"), m.start("m"))), None)
    if m is None:
        return False
    n, total = _figure(m.group("n")), _figure(m.group("m"))
    if n >= total:
        return False
    noun = _words(m.group("noun"))
    for p in passages:
        plain = p.text.replace("**", "")
        for s in _SOURCE_SELECTION.finditer(plain):
            if _figure(s.group("n")) != n:
                continue
            items = [x for x in _ITEM_SEP.split(_ASIDE.sub(" ", s.group("items"))) if x.strip()] if s.group("items") else None
            size = len(items) if items is not None else _figure(s.group("m"))
            if size == total and (items is not None or noun <= _words(f"{getattr(p, 'context', '')} {plain}")):
                return True
    return False


_SENT_COUNT = re.compile(r"\byou(?:'ve|\s+have)?\s+(?:already\s+)?(?:sent|given|provided|shared|confirmed|told\s+(?:us|me))\s+(?:us\s+|me\s+)?(\d{1,2})\b(?!\s*(?:%|days?|weeks?|months?|years?))", re.I)
"""A count of what the customer has sent ("You've sent 2")."""
_DETAIL_KINDS = {
    "email": (re.compile(r"\be-?mail\b", re.I), re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")),
    "phone": (re.compile(r"\bphone\b", re.I), re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")),
    "zip": (re.compile(r"\bzip\b|\bpostcode\b|\bpostal code\b", re.I), re.compile(r"(?<![\d-])\d{5}(?:-\d{4})?(?![\d-])")),
    "name": (re.compile(r"\bname\b", re.I), re.compile(r"\b(?:[Ii]'?m|[Ii]m|I am|[Mm]y name is|[Nn]ame'?s|[Tt]his is)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z'-]+)+")),
}
"""The details a customer verifies with: how the reply names each, how it looks in the customer's text."""


def details_counted(reply: str, customer_texts: Iterable[str]) -> frozenset[str]:
    """The count in "You've sent 2" where it is the number of the details the reply names (full
    name, ZIP, phone, email) that the customer's messages hold ("im Carla Ruiz, zip 30308": 2):
    their case counted, no rule (fourteenth round). Another count ("You've sent 3") is a figure
    like any other."""
    said = {m.group(1) for m in _SENT_COUNT.finditer(reply)}
    if not said:
        return frozenset()
    theirs = " ".join(customer_texts)
    found = sum(1 for named, looks in _DETAIL_KINDS.values() if named.search(reply) and looks.search(theirs))
    return frozenset(n for n in said if int(n) == found and found > 0)
