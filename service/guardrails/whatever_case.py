"""An action promised whatever the case, where the sources give it only in some cases (issue 13,
tenth round).

"Whatever the system shows, we credit any charge a customer doesn't recognise" where the article
says to credit the charge when it was our error, and otherwise only for Gold members: the words
are the source's and the action is one it names, so the overlap check passes it, but the reply
drops the source's condition and promises the action in every case. A clause that commits to an
action ("we credit", "I'll refund") said of every case, in so many words ("whatever the system
shows", "no matter what", "any charge you don't recognise", "always"), with no condition of its
own ("if it was our error"), is refused when a source gives that action only to some levels or
only in a case it names ("**Our error:** start processing a credit").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.guardrails.commitments import acts_in
from service.guardrails.levels import ALL_LEVELS, SUBORDINATE, scope_of
from service.guardrails.numbers import prepare

_EVERY_CASE = re.compile(
    r"\b(?:whatever|however|no matter what|regardless of what)\s+(?:the\s+|our\s+|your\s+)?(?:system|records?|account|bill|statement|it)\s+(?:shows?|says?)\b"
    r"|\bno matter what\b|\bregardless\b(?!\s+of\s+(?:their|your|the)\s+(?:level|membership))|\bin (?:every|any) case\b|\beither way\b|\balways\b"
    r"|\b(?:any|every|all)\s+(?:of\s+(?:the|your)\s+)?(?:[\w-]+\s+)?(?:charges?|purchases?|fees?|orders?|payments?|transactions?)\b"
    r"(?!\s+(?:that|which)\s+(?:was|were|is|are|turns?|turned|proves?|proved)\b)",
    re.I)
"""Words that say an action holds in every case."""
_CASE_LABEL = re.compile(r"^\W*\*\*[^*:\n]{1,50}:\*\*|^\W*[A-Z][^:\n]{0,40}:\s")
"""A passage that opens with the case it is for ("**Our error:** ...")."""


def every_case_action(sentence: str, passages: Iterable) -> str | None:
    """Why ``sentence`` promises in every case an action the sources give only in some (None if it does not)."""
    t = prepare(sentence)
    every = _EVERY_CASE.search(t)
    if every is None or SUBORDINATE.search(t) or scope_of(t) not in (None, ALL_LEVELS):
        return None  # a condition of its own, or levels named: the level rules judge it
    acts = {a for _, _, a in acts_in(t, "claim")}
    if not acts:
        return None
    for p in passages:
        for f in p.facts():
            if f.value not in acts:
                continue
            if f.scope is not None and f.scope != ALL_LEVELS:
                return (f"promises {f.value[4:]} {every.group(0).strip()!r}, but the source gives it only to "
                        f"{', '.join(sorted(f.scope))}: {p.text.strip()[:80]!r}")
            if _CASE_LABEL.search(p.text):
                return f"promises {f.value[4:]} {every.group(0).strip()!r}, but the source gives it only in a case: {p.text.strip()[:80]!r}"
    return None
