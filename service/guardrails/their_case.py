"""Clauses that judge the customer's own case rightly (issue 13, fourteenth round): their figures
in them are their case, not rules. Read by :mod:`service.guardrails.claims` beside
:func:`~service.guardrails.case.about_case`.

* a part payment they proposed, taken where a source lets customers pay part of a price
  (:func:`~service.guardrails.outright.takes_part_payment`);
* their duration said to be inside their level's window, where it is
  (:func:`~service.guardrails.verdicts.within_window`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from service.guardrails.outright import takes_part_payment
from service.guardrails.verdicts import within_window


def judged_case(clause: str, case: Iterable[str], durations: Iterable[tuple[str, str]], passages: Sequence, level: str | None) -> bool:
    """Does ``clause`` judge the customer's own case rightly (a part payment taken, a window met)?"""
    return takes_part_payment(clause, case, passages) or within_window(clause, durations, passages, level)
