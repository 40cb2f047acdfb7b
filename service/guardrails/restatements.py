"""A consequence that says the clause before it again in other words (twelfth round): "As a Gold
member you have unlimited returns, so there's no time limit on sending them back". Its
eligibility word ("no time limit" is ``unlimited``) was stated by the clause before it in the same
sentence, and that clause is the claim, checked for its level there; the consequence adds no fact
and commits to nothing. A consequence whose word the clause before it does not state ("you have 6
months, so there's no time limit") is a claim of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

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


# ---- "any one of these is enough", said again (thirteenth round) ------------------------------

ANY_ONE_RULE = re.compile(r"\bany (?:one|1|single one) of\b[^.;]*?\b(?:is enough|is sufficient|will do|qualifies)\b"
                           r"|\bonly (?:one|1) of\b[^.;]*?\b(?:needs? to|has to|must)\b", re.I)
"""A source's rule that one of its conditions is enough ("Meeting any one of the conditions for the customer's level is enough")."""
_THOSE = r"(?:those|these|them|the conditions|the options|the (?:two|three|four|2|3|4)(?: conditions| options)?)"
_HOLDS = r"(?:needs? to|has to|must) (?:apply|be true|be met|hold|be the case)|(?:is|'s) (?:enough|sufficient|all (?:it takes|you need|that'?s needed))"
_ONE_SUFFICES = re.compile(rf"^\W*(?:(?:only|just|any|and)\s+)*(?:one|1)\s+of\s+{_THOSE}\s+(?:{_HOLDS})\b", re.I)
"""The rule said again of the conditions just listed ("Only one of those needs to apply")."""
_ALL_NEEDED = re.compile(rf"\b(?:all|each|every one|both)(?:\s+(?:of\s+)?{_THOSE}|\s+(?:two|three|four|2|3|4))?\s+(?:{_HOLDS.replace('needs? to', 'needs? to|need to')}"
                         r"|(?:are|is) (?:all )?(?:needed|required))\b|\byou(?:'ll| will)? need (?:all|each|both) of (?:them|those|these)\b", re.I)
"""The rule turned round: every condition needed ("All of those need to apply", "you need both of them")."""
LEAD = re.compile(rf"(?:^|(?<=[\s,;]))(?:(?:only|just|any)\s+)*(?:one|1)\s+of\s+{_THOSE}\s+(?:{_HOLDS})\b", re.I)
VERDICT_WORDS = "covers cover covered qualifies qualify counts count works work meets meet enough fine does do it that this"
_AFTER = re.compile(r"^[\s,;:-]*(?:so|which means|meaning|that means|and so)?[\s,]*$", re.I)


def one_suffices(clause: str, sentence: str, passages: Sequence, asked: frozenset[str], words: Callable[[str], frozenset[str]]) -> bool:
    """A clause saying again a source's rule that any one of its conditions is enough ("Only one of
    those needs to apply"), or the verdict on the customer's case that follows it, in their own words
    ("so your receipt covers it"): it adds no fact (the conditions are checked where they are listed)."""
    if not any(ANY_ONE_RULE.search(p.text.replace("**", "")) for p in passages):
        return False
    if _ONE_SUFFICES.match(clause):
        return True
    at = sentence.find(clause)
    lead = next(LEAD.finditer(sentence, 0, at), None) if at > 0 else None
    if lead is None or not (_AFTER.match(sentence[lead.end():at]) or _OPENS.match(clause)):
        return False
    said = words(re.sub(r"^\W*(?:so|which means|meaning|that means)\b", " ", clause, flags=re.I))
    return bool(said & asked) and said <= asked | words(VERDICT_WORDS) and not re.search(r"\bnot\b|n't\b|\bno\b", clause, re.I)


def all_needed(sentence: str, passages: Sequence) -> str | None:
    """Every condition said to be needed ("All of those need to apply", "Each of these needs to be
    true") where a source says any one of them is enough."""
    m = _ALL_NEEDED.search(sentence)
    rule = next((r for p in passages for r in [ANY_ONE_RULE.search(p.text.replace("**", ""))] if r), None) if m else None
    return f"the sources say any one of the conditions is enough ({rule.group(0)[:60]!r}); the reply says {m.group(0)!r}" if m and rule else None
