"""Contact details back in a summary made from masked text.

Both engines read the history through one :class:`~service.domain.pii.Redactor` per request, so
their answers hold placeholders (``[EMAIL_1]``). :func:`restore_summary` puts back the kinds the
agent may see (e-mail, phone, address by default); card numbers, national ids, IBANs and secrets
stay masked.
"""

from __future__ import annotations

from typing import Any

from service.domain.pii import Redactor
from service.summaries.model import Summary


def restore_summary(summary: Summary, redactor: Redactor, kinds: frozenset[str]) -> Summary:
    """Put back the contact details the agent may see, everywhere in the summary."""
    if not redactor.mapping or not kinds:
        return summary

    def fix(obj: Any) -> Any:
        if isinstance(obj, str):
            return redactor.restore(obj, kinds)
        if isinstance(obj, list):
            return [fix(x) for x in obj]
        if isinstance(obj, dict):
            return {k: (v if k == "sources" else fix(v)) for k, v in obj.items()}
        if hasattr(obj, "__dataclass_fields__"):
            for name in obj.__dataclass_fields__:
                if name != "sources":
                    setattr(obj, name, fix(getattr(obj, name)))
            return obj
        return obj

    for name in ("headline", "current_need", "sentiment", "next_step"):
        setattr(summary, name, fix(getattr(summary, name)))
    for name in ("open_issues", "commitments", "facts", "timeline"):
        setattr(summary, name, [fix(x) for x in getattr(summary, name)])
    return summary
