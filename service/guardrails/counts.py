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
