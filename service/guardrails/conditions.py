"""The customer's own charge in a commitment made under the condition the sources make it under
(issue 13, fix-15c):

    "I'll check whether order NW-93018 was placed in error; if it was our mistake, I'll start
    processing a credit for the $64."

The source's step gives the action for the charge itself, to everyone, on a condition ("**Our
error:** start processing a credit for the charge on the order"), as the article's approved reply
does ("if it was our mistake, I'll start processing a credit for you"). Said under that same
condition, the customer's $64 is the charge the step speaks of: their figure, not a rule. The same
commitment under another condition ("if the system shows the purchase as valid, I'll start a credit
for the $64", where only Gold members get it) or with no condition ("I'll credit the $64") is a claim
like any other. Read by :meth:`~service.guardrails.claims._Reply._their_amount`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from service.guardrails.courtesy import clause_spans
from service.guardrails.identifiers import in_a_token
from service.guardrails.passages import Fact, Passage

Words = Callable[[str], frozenset[str]]

_CONDITION = re.compile(r"^\W*(?:and\s+|but\s+|so\s+)?(?:if|when|once|provided|as long as|in case)\b", re.I)
_CONDITIONAL = re.compile(r"\b(?:if|when|once|provided|as long as|in case)\b|^\W*\**[A-Z][\w' ]{2,40}:\**", re.I)
"""A passage that makes its action under a condition: an "if" before it, or a step's label ("**Our error:**")."""
_SAID_BACK = re.compile(r"\b(?:the|that|this|your)\s+$", re.I)
"""Their charge said back ("for the $64"), not a new figure ("a $64 credit")."""


def condition_at(text: str, at: int) -> str:
    """The condition the clause of ``text`` holding ``at`` is said under: the clause right before it,
    when that clause opens with "if", "when", "once" ... ("if it was our mistake"). Empty otherwise."""
    spans = clause_spans(text)
    i = next((k for k, (a, b) in enumerate(spans) if a <= at < b), 0)
    if i < 1:
        return ""
    a, b = spans[i - 1]
    return text[a:b] if _CONDITION.match(text[a:b]) else ""


def charged_on_condition(amount: Fact, facts: Sequence[Fact], text: str, passages: Sequence[Passage], words: Words) -> bool:
    """Is the customer's charge ``amount`` (said back, "the $64") the charge of the actions of
    ``facts``, said under a condition with which a level-less source passage, with no figure of its
    own, makes every one of those actions (every word of the reply's condition before the action in
    the passage)?"""
    acts = [x for x in facts if x.value.startswith("act:")]
    condition = words(condition_at(text, amount.start))
    if not acts or not condition or amount.scope is not None or not _SAID_BACK.search(text, max(0, amount.start - 8), amount.start):
        return False
    return all(any(_on_condition(p, act.value, condition, words) for p in passages if not p.parts) for act in acts)


def _on_condition(p: Passage, act: str, condition: frozenset[str], words: Words) -> bool:
    facts = p.facts()
    if any(f.value[:1].isdigit() and not in_a_token(f.start, p.text) for f in facts):  # the order id filled in is no figure
        return False
    for f in facts:
        before = p.text[:f.start]
        if f.value == act and f.scope is None and _CONDITIONAL.search(before) and condition <= words(before):
            return True
    return False
