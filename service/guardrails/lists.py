"""List items: a clause of a sentence that is one item of a list ("a gift card, a paper check,
the card on file, or your Apple Pay wallet"), judged alone by :mod:`service.guardrails.claims`
(an option added to a true list is refused there)."""

from __future__ import annotations

import re

from service.guardrails.levels import scope_of
from service.guardrails.numbers import prepare

_LIST_ITEM = re.compile(r"^\s*(?:(?:and|or|plus)\s+)?(?:(?:a|an|the|your|our|their|any|some)\s+)?[\w'-]+(?:\s+[\w'-]+){0,7}\s*[.!]?$", re.I)
"""A clause that may be an item of a list: a short phrase with no punctuation of its own."""
_VERBISH = re.compile(r"\b(?:i|we|you|it|they|is|are|was|were|be|can|could|will|would|should|may|might|must|has|have|had|do|does|did|suits?|gone|"
                      r"here|there|news|if|so|whichever|whatever)\b|'(?:s|ll|re|ve|d|m)\b", re.I)
_PURPOSE = re.compile(r"^\s*(?:(?:and|so)\s+)?(?:in order\s+)?to\s+(?!(?:a|an|the|your|our|their|my|any|some|store|account)\b)[a-z]+", re.I)
"""A purpose said before advice ("To keep them looking good afterwards, wash them ..."): a
phrase with a verb of its own, not an item."""
_IF_YOU = re.compile(r"\s+(?:if|whichever|whatever)\s+(?:you|that|it)\b.*$", re.I)


def list_item(clause: str) -> str | None:
    """The clause as a list item ("or your Apple Pay wallet if you prefer" is "your Apple Pay
    wallet"): a short noun phrase with no verb; None if it is not one."""
    t = _IF_YOU.sub("", clause.strip())
    return t if _LIST_ITEM.match(t) and not _VERBISH.search(t) and not _PURPOSE.match(t) else None


_LEVEL_NAME = re.compile(r"\b(gold|silver|bronze)\b", re.I)
_ITEM = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|[-*•])\s*")


def lead_in_level(lead_in: str) -> str | None:
    """The level a list lead-in says its items are of: the first one it names ("A few things
    *Gold* adds over Silver:", "Here's what Silver changes:"); None for a lead-in naming none."""
    m = _LEVEL_NAME.search(lead_in) if lead_in.rstrip().endswith(":") else None
    return m.group(1).capitalize() if m else None


_FIRST_CLAUSE_END = re.compile(r"[,;]|\s(?:and|but|or|while|whereas|where)\s", re.I)


def _first_scope(text: str) -> frozenset[str] | None:
    """The levels the first clause of ``text`` names ("Bronze gets 90 days, ..." names Bronze)."""
    t = prepare(text)
    return scope_of(_FIRST_CLAUSE_END.split(t, maxsplit=1)[0])


def under_lead_in(item: str, level: str) -> str:
    """A list item under a lead-in of ``level`` whose first clause names no level of its own
    ("- the $20 overnight upgrade fee is waived" under "A few things Gold adds over Silver:") is
    said of that level: read as "Gold: the $20 overnight upgrade fee is waived", so the level it
    is said of is checked (under "Silver adds over Bronze:" the same item is refused). An item
    naming its own level first ("- Bronze gets 90 days") is read as written."""
    m = _ITEM.match(item)
    if not m:
        return item
    body = item[m.end():]
    return item if _first_scope(body) is not None else f"{level}: {body}"


_FLAT = re.compile(r"^(?P<lead>[^:;]{5,80}:)\s+(?P<items>[^:]+;[^:]+)$")


def flattened_items(sentence: str, lead_in_pattern: re.Pattern[str]) -> list[str]:
    """A list a plain channel ran into one sentence ("A few things Gold adds over Silver:
    unlimited returns, where Silver has 6 months; the $20 overnight upgrade fee is waived."):
    its items, each read under the lead-in's level as a list item would be (:func:`under_lead_in`).
    Empty unless the sentence opens with a lead-in naming a level and its items are set apart by ";"."""
    m = _FLAT.match(sentence.strip())
    level = lead_in_level(m.group("lead")) if m and lead_in_pattern.match(m.group("lead")) else None
    if not level:
        return []
    items = [x.strip() for x in m.group("items").split(";") if x.strip()]
    return [under_lead_in(f"- {x}", level) for x in items]
