"""A verdict on the customer's case said as a sentence of its own, after the sentence that lists
their level's conditions and says any one of them is enough (issue 13, fix-15c):

    "Bronze members can return an item bought within the last 90 days, or with the receipt, or in
    its original packaging, and meeting any one of those is enough. Your receipt covers it."

The verdict adds no fact: the conditions were checked where they were listed, and the sentence
before found supported. It names the condition in the customer's own words ("your receipt"), one
they said they have; a condition they said they lack ("no receipt", "I lost the receipt") or never
named ("you're covered", a receipt for a customer who spoke of none) makes it a claim, checked as
ever. The same-sentence form ("..., so your receipt covers it") is
:func:`~service.guardrails.restatements.one_suffices`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from service.guardrails.passages import facts_of
from service.guardrails.restatements import ANY_ONE_RULE, LEAD, VERDICT_WORDS

Words = Callable[[str], frozenset[str]]

_LACKS = re.compile(r"\b(?:no|without|lost|(?:threw|thrown) away|can'?t find|cannot find|(?:do|does|did)(?:n'?t| not) (?:have|keep|get)|"
                    r"(?:have|has)(?:n'?t| not)(?: got)?|never (?:got|had|kept)|not (?:in|with) (?:the|its|their|my) )\b(?:\s+(?:the|a|an|my|any|its|original))*\s+([\w-]+(?:\s+[\w-]+)?)",
                    re.I)
"""What the customer says they lack ("no receipt", "I lost the receipt", "don't have the original packaging")."""
_NEGATED = re.compile(r"\bnot\b|n't\b|\bno\b|\bnever\b", re.I)
_MAX_WORDS = 8


def lacked_words(customer_texts: Iterable[str], words: Words) -> frozenset[str]:
    """The content words of the things the customer says they do not have ("no receipt": receipt)."""
    return frozenset().union(*(words(m.group(1)) for t in customer_texts for m in _LACKS.finditer(t)))


def verdict_after_rule(sentence: str, last: dict, passages: Sequence, asked: frozenset[str], lacked: frozenset[str], words: Words) -> bool:
    """Is ``sentence`` a verdict on the customer's case ("Your receipt covers it.") following
    ``last`` (the sentence checked before it, found supported) that listed the conditions and said
    any one is enough, where a source says so too? Its words are the customer's and verdict words
    only, at least one of them a condition the sentence before named and the customer said they have."""
    before = last.get("text", "")
    if not last.get("clean") or not LEAD.search(before) and not ANY_ONE_RULE.search(before):
        return False
    if len(sentence.split()) > _MAX_WORDS or _NEGATED.search(sentence) or facts_of(sentence, acts="claim"):
        return False
    if not any(ANY_ONE_RULE.search(p.text.replace("**", "")) for p in passages):
        return False
    said = words(sentence)
    named = said & asked & words(before)
    return bool(named) and not named & lacked and said <= asked | words(VERDICT_WORDS)
