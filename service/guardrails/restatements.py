"""A consequence that says the clause before it again in other words (twelfth round): "As a Gold
member you have unlimited returns, so there's no time limit on sending them back". Its
eligibility word ("no time limit" is ``unlimited``) was stated by the clause before it in the same
sentence, and that clause is the claim, checked for its level there; the consequence adds no fact
and commits to nothing. A consequence whose word the clause before it does not state ("you have 6
months, so there's no time limit") is a claim of its own.
"""

from __future__ import annotations

import re

from service.guardrails.commitments import acts_in
from service.guardrails.passages import Fact

_CONSEQUENCE = re.compile(r"(?:\bso|\bwhich means|\bmeaning|\bthat means|\bin other words|\bi\.e\.?)[\s,]*$", re.I)
"""What joins the consequence to the clause before it (the clause splitter leaves "so" before the clause)."""
_OPENS = re.compile(r"^\W*(?:so|which means|meaning|that means|in other words)\b[\s,]*", re.I)
_WORDS = frozenset({"unlimited", "free", "waived", "no-fee", "no-receipt"})
_NO_CHARGE = frozenset({"free", "waived", "no-fee"})


def _same(a: str, b: str) -> bool:
    return a == b or (a in _NO_CHARGE and b in _NO_CHARGE)


def restated(f: Fact, sentence_facts: list[Fact], clause: str, before: str) -> bool:
    """Is ``f``, in ``clause`` (after ``before``, the sentence up to it), the eligibility word of
    the clause before it said again as its consequence?"""
    if f.value not in _WORDS or not (_CONSEQUENCE.search(before) or _OPENS.match(clause)) or acts_in(clause, "claim"):
        return False
    start, end = len(before), len(before) + len(clause)
    own = [x for x in sentence_facts if start <= x.start < end]
    before = [x for x in sentence_facts if x.start < start]
    return all(x.value in _WORDS for x in own) and all(any(_same(o.value, x.value) for o in before) for x in own)
