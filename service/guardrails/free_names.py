"""The same thing named free in other words (twelfth round): "the overnight upgrade is free" for
Gold where the source says "Gold members: the overnight fee is waived" under "Upgrading an order
to overnight shipping"; "the free separate shipment" where it says "a separate order with no
shipping fee".

A passage supports the name when it says the thing is free, waived or at no charge for every
level the claim says it of (a passage naming no level, for any), shares at least one of the
thing's words, and finds the rest in its own words or its title and headings (a word found as a
longer or shorter form of one, "shipment" and "ship", counts). A passage that says something
else is free names nothing the thing is called by ("orders of $75 ship free" is no support for
"gift wrapping is free"), and a level the passage prices the thing for, or leaves out, is
refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.guardrails.levels import covers, scope_of
from service.guardrails.passages import facts_of

Words = Callable[[str], frozenset[str]]
_NO_CHARGE = frozenset({"free", "waived", "no-fee"})
_FREE_WORDS = r"(?:free|complimentary|waived?|no (?:extra )?(?:charge|cost|fee))"
OPEN = re.compile(r"(?:\bwhether|\b(?:ask(?:s|ed|ing)?|wonder(?:s|ed|ing)?|questions?)\s+(?:about|if|whether))\b[^.;:!?]{0,60}\b" + _FREE_WORDS + r"\b|\b" + _FREE_WORDS + r"\b[^.;:!?]{0,60}\bdepends? on\b|\?\s*$", re.I)
"""A thing named free only as an open question (round 15d): "check the account to see whether free
international shipping is included", "Free international shipping depends on your account", a title
"Does my account include free international shipping?", "Any account holder asking about free shipping
outside the country". Such a sentence says nothing is free."""
_OPEN_TITLE = re.compile(r"[^?]*\b" + _FREE_WORDS + r"\b[^?]*\?", re.I)
"""A title that asks whether a thing is free: its words are no support for the thing being free."""


def _found(word: str, among: frozenset[str]) -> bool:
    return word in among or any(len(w) >= 4 and len(word) >= 4 and (word.startswith(w) or w.startswith(word)) for w in among)


def named_free(named: frozenset[str], sentence: str, passages: Iterable, words: Words, head: str = "") -> bool:
    """Does one passage say the thing of ``named`` words (``head``: the last of them, what it is)
    is free, for the levels ``sentence`` says it of, where no passage naming it prices it for them?"""
    claimed = scope_of(sentence)
    passages = [p for p in passages if not getattr(p, "parts", ())]
    if any(named <= words(p.text) and any(f.value[:1].isdigit() and "$" in p.text and (claimed is None or f.scope is None or f.scope & claimed)
                                          for f in p.facts()) for p in passages):
        return False  # "Gift wrapping is $5 per item": no other passage makes it free
    for p in passages:
        own = words(p.text)
        if not all(_found(w, own) for w in (words(head) or named)):
            continue
        heading = own | words(_OPEN_TITLE.sub(" ", getattr(p, "context", "")))
        if not all(_found(w, heading) for w in named):
            continue
        facts = p.facts()
        free = [f for f in facts if f.value in _NO_CHARGE]
        priced = [f for f in facts if f.value[:1].isdigit() and f.scope is not None and claimed is not None and f.scope & claimed]
        if free and not priced and any(covers(f.scope, claimed) for f in free):
            return True
    return False
