"""Clauses that judge the customer's own case rightly (issue 13, fourteenth round): their figures
in them are their case, not rules. Read by :mod:`service.guardrails.claims` beside
:func:`~service.guardrails.case.about_case`.

* a part payment they proposed, taken where a source lets customers pay part of a price
  (:func:`~service.guardrails.outright.takes_part_payment`);
* their duration said to be inside their level's window, where it is
  (:func:`~service.guardrails.verdicts.within_window`);
* their duration alone, said back as the lead of such a verdict ("At about three weeks, your dress is
  still inside the thirty-day window": :func:`their_duration`, round 17d).

Their case said to be past their level's window, as the contrast to another condition of that level, is
read by :func:`service.guardrails.level_windows.past_their_window` (round 18d).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from service.guardrails.outright import takes_part_payment
from service.guardrails.verdicts import within_window


def judged_case(clause: str, case: Iterable[str], durations: Iterable[tuple[str, str]], passages: Sequence, level: str | None) -> bool:
    """Does ``clause`` judge the customer's own case rightly (a part payment taken, a window met)?"""
    return takes_part_payment(clause, case, passages) or within_window(clause, durations, passages, level)


_DURATION_ONLY = re.compile(r"^\W*(?:(?:so|and|but)\s+)?(?:at|after|with|it'?s been|that'?s)?\s*(?:(?:about|around|roughly|approximately|just|only|nearly|almost|"
                            r"a little over|a bit over|under|over)\s+)?(?P<n>\d+(?:\.\d+)?)\s*(?P<u>day|week|month|year)s?(?:\s+(?:ago|in|on|old|later|now))?\W*$", re.I)


def their_duration(clause: str, durations: Iterable[tuple[str, str]]) -> bool:
    """Does the prepared ``clause`` only say back a duration the customer gave ("At about 3 weeks",
    "after 2 months")? It is the figure a verdict beside it judges, no claim of its own; the verdict
    is checked (:func:`~service.guardrails.verdicts.window_verdict` refuses a wrong one)."""
    m = _DURATION_ONLY.match(clause)
    return m is not None and (m.group("n"), m.group("u").lower()) in set(durations)
