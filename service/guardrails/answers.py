"""A bare yes to the customer's question (fifteenth round, f15a).

"Good news: yes, you can." answers the question the customer asked and states nothing of its
own: the reason is in the reply's other sentences ("For Bronze members, an item qualifies ... your
receipt on its own is enough."), which are checked as ever. Like a verdict exclamation ("Not too
late at all!", :func:`service.guardrails.reading.verdict`) it rests on those reasons: it stands
when the reply states a fact, and only when no other sentence of the reply says no to the customer
("Yes, you can. Unfortunately Bronze members can't return it after 90 days."). In a reply that
states no fact, or with anything after the verb ("Yes, you can return it any time"), it is a
claim and is checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

BARE_YES = re.compile(
    r"^\W*(?:(?:(?:some\s+)?(?:good|great|happy|welcome)\s+news|so|well|ok(?:ay)?|short answer|the short answer(?:\s+is)?)\s*[:,!.—–-]*\s+)?"
    r"(?:yes|yep|yeah|yup)(?:\s*[,!.—–-]\s*|\s+)"
    r"(?:(?:you|we|it|that|they)\s+(?:absolutely\s+|definitely\s+|certainly\s+|still\s+)?(?:can|do|does|are|is|will|should|may)"
    r"|(?:you|we|it|they)(?:'re|'ll)(?:\s+(?:absolutely|definitely|certainly|still))?)"
    r"(?:\s*,?\s*(?-i:[A-Z][a-z'-]+))?\s*[.!]*$", re.I)
"""A yes and its bare verb ("Good news: yes, you can.", "Yes, it does!", "Yep, you're still fine"
is not: "fine" is a verdict word read as ever)."""
DENIAL = re.compile(r"\b(?:can'?t|cannot|can\s+not|unable|unfortunately|sadly|afraid|no longer|too late|won'?t\s+be\s+able|"
                    r"(?:is|are|'s|'re)(?:\s+not|n'?t)\s+(?:eligible|able|possible|allowed|covered|available))\b", re.I)
"""A sentence that says no to the customer: a yes beside it is not borne out by the reply."""


def bare_yes(sentence: str) -> bool:
    """Is ``sentence`` a yes with its bare verb and nothing after it (:data:`BARE_YES`)?"""
    return bool(BARE_YES.match(sentence.strip().strip("\"'")))


def yes_denied(sentence: str, others: Iterable[str]) -> bool:
    """Is ``sentence`` a bare yes in a reply whose other sentences say no to the customer? Then it
    is checked as a claim (and finds no support)."""
    return bare_yes(sentence) and any(DENIAL.search(o) for o in others if o is not sentence and not bare_yes(o))
