"""List items: a clause of a sentence that is one item of a list ("a gift card, a paper check,
the card on file, or your Apple Pay wallet"), judged alone by :mod:`service.guardrails.claims`
(an option added to a true list is refused there)."""

from __future__ import annotations

import re

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
