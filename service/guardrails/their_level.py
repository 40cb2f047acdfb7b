"""A figure said of the customer's own case, read as said of their level (issue 13, fourteenth round, fix-14d).

A reply to a customer whose level is known ("I'm a Silver member") checks or conditions their case
against the rule of their level without naming the level again: "once I've confirmed it's only
1 day past due, I'll extend your subscription" (the source: "Silver members: get an extension only
if they are 1 day late"). The figure names no level, so the claim check read it as said of
everyone, and the source gives it to Silver only. In a clause that checks or conditions the
customer's case (:data:`THEIR_CASE`), a figure with no level that the sources give to the
customer's level is read as said of that level: it still needs a passage giving it to that level,
so the same words to a Bronze member, whose level the source denies the extension, are refused.

So is the window in a verdict on their case ("At about three weeks, your dress is still inside the
thirty-day window", said to a guest): the window is their level's, and must be the one the sources
give it (thirty days for a guest, not sixty; round 17d).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from service.guardrails.levels import ALL_LEVELS
from service.guardrails.passages import Fact, Passage
from service.guardrails.support import same_fact
from service.guardrails.verdicts import judges_window

THEIR_CASE = re.compile(
    r"\b(?:if|once|when|whether|confirm(?:ed|s)?|check(?:ed|s)?|verif(?:y|ied|ies)|see)\s+(?:that\s+)?"
    r"(?:it|you|your\s+[\w-]+|the\s+(?:payment|credit|refund|order|return|item|charge))\b", re.I)
"""A condition on, or the agent's check of, the customer's case ("if it's still missing after", "confirmed it's only")."""


def said_of_their_level(facts: Iterable[Fact], clause: str, level: str | None, passages: Sequence[Passage]) -> list[Fact]:
    """``facts`` of ``clause``, each figure with no level read as said of the customer's ``level``
    where the clause checks or conditions their case and a source gives that figure to their level."""
    facts = list(facts)
    if not level or not (THEIR_CASE.search(clause) or judges_window(clause)):
        return facts
    mine = frozenset({level})

    def given(f: Fact) -> bool:
        return any(same_fact(x, f) and x.scope not in (None, ALL_LEVELS) and level in x.scope for p in passages for x in p.facts())

    return [replace(f, scope=mine) if f.scope is None and f.value[:1].isdigit() and given(f) else f for f in facts]
