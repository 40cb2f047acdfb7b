"""Which reply sentences may rest on the customer's history.

History items are sources for claims about *this customer* ("on 8 November we said your refund
would be processed"), never for policy ("refunds always take 3 days"): a sentence may use them
only when it speaks about the customer's own case and states no general rule.
"""

from __future__ import annotations

import re

_ABOUT_CUSTOMER = re.compile(r"\b(?:you|your|yours|we said|we told you|on \d{1,2} [A-Z][a-z]+)\b", re.I)
_GENERAL_RULE = re.compile(
    r"\b(?:polic(?:y|ies)|always|never|all customers|every customer|any customer|customers can|eligible|entitled|"
    r"guarantee[ds]?|within \d+ (?:business |working )?days|free of charge|terms|rules?|by law)\b",
    re.I,
)


def about_customer(sentence: str) -> bool:
    """True when ``sentence`` is a claim about the customer's own case, not a general rule."""
    return bool(_ABOUT_CUSTOMER.search(sentence)) and not _GENERAL_RULE.search(sentence)
