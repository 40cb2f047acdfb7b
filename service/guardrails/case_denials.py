"""A denial to a level where the source's part for that level grants (issue 13, sixteenth round).

"Since the purchase shows as valid, there's nothing we can do to remove the charge for Gold
members": the source denies the removal to Silver, Bronze and guests, and gives Gold members a
credit anyway; "remove the charge" and "credit" share no word, so the denial passed on the other
levels' words. "Since it was placed as a guest, there's nothing we can do to move the delivery":
the source denies a guest only an order already shipped, and lets any level delay one that has
not. A denial is checked here as a grant is (fix-16a): :func:`denial_for_level` refuses a denial
said of some levels (named, or the customer's: "we can't take the charge off your account") where
a passage on its topic that denies things part by part has a part granting those levels
something outright, and no part denying those levels shares a word of the sentence beyond its
levels and its hedge: a true denial says the case the source denies ("since it has already
shipped and was placed as a guest", "we can't remove the charge for Silver members").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.guardrails.level_denials import regions
from service.guardrails.levels import ALL_LEVELS, scope_of
from service.guardrails.numbers import prepare

Words = Callable[[str], frozenset[str]]

DENIAL = re.compile(r"\bnothing (?:else |more |further )?(?:that )?(?:we|i)(?: can|'re able| are able| could)\b|\b(?:can'?t|cannot|can not|unable)\b"
                     r"|\b(?:are|is|'re|'s)(?:n'?t| not) (?:able|eligible|possible)\b|\bnot eligible\b", re.I)
"""A denial of the customer's request ("there's nothing we can do", "we can't", "you're not eligible")."""
_GRANTS = re.compile(r"\b(?:we|you|they|agents?)\s+(?:can|could|will|give|get|add|send|offer|generate|issue|refund|credit)\b|\bgenerate\b|\bcan be\b", re.I)
"""A part that grants ("we give the credit anyway", "we can delay the delivery"), not a step ("Apologise for the inconvenience")."""
_YOU = re.compile(r"\b(?:you|your|you'?re)\b", re.I)
_HEDGE = ("gold silver bronze guest guests member members membership level levels account accounts customer customers "
          "nothing anything do does done can able unable eligible afraid sorry unfortunately since because as so i'm we're "
          "there's really genuinely simply")


def denial_for_level(clause: str, passages: Iterable, words: Words, addressed: frozenset[str] | None, sentence: str = "") -> str | None:
    """The grant a denial to some levels leaves out (see the module's docstring), else None."""
    t = prepare(clause)
    if not DENIAL.search(t):
        return None
    s = prepare(sentence or clause)
    levels = scope_of(t) or scope_of(s) or (addressed if _YOU.search(s) else None)
    if not levels or levels == ALL_LEVELS:
        return None
    said = words(s) - words(_HEDGE)
    if not said:
        return None
    found = regions(passages, words)
    if any(part.denies and part.levels & levels and part.words & said for _, part in found):
        return None  # a source denies these levels what the sentence names: the denial stands
    for source in dict.fromkeys(p.source for p, _ in found):  # a chunk's sentences are passages of one source
        mine = [part for q, part in found if q.source == source]
        if not any(part.denies for part in mine) or not any(part.words & said for part in mine):
            continue
        for part in mine:
            if part.levels & levels and not part.denies and not part.conditional and _GRANTS.search(part.text) and (part.levels != ALL_LEVELS or part.words & said):
                to = ", ".join(sorted(levels & part.levels))
                return f"{source} denies this only in another case or to other levels, and grants {to}: {part.text.strip()[:80]!r}"
    return None
