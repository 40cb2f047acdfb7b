"""An invitation to join a level for a longer window than the customer's own (fourteenth round,
fx-14b): "If you'd like, becoming a member gives longer return windows (Bronze, for example, gets
90 days)", said to a guest. No passage says "members get longer windows"; the passages on the
topic give each level its window, and the comparison holds when every level invited to has a
longer one than the customer's level. The example's figure is checked as ever, of its level."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from service.guardrails.passages import Passage
from service.guardrails.procedural import JOINING, without_procedure

LONGER = re.compile(r"\b(?:longer|more\s+time|extended|more\s+generous)\b", re.I)
"""A comparison of windows ("longer return windows"), the benefit an invitation to join names."""
_DAYS = {"day": 1.0, "week": 7.0, "month": 30.0, "year": 365.0}
_LEVEL_NAMES = "gold silver bronze guest guests member members membership level levels"


def joined(clause: str, scope: frozenset[str] | None, level: str | None, passages: Sequence[Passage],
           content_words: Callable[[str], frozenset[str]], why: str | None) -> str | None:
    """The finding for ``clause`` (one with no fact of its own), ``why`` as the checks found it, read as
    an invitation to join levels for a longer window than the customer's own ("becoming a member gives
    longer return windows", said to a guest): it stands when the passages on its topic give every level
    invited to a longer window (or an unlimited one) than the customer's level, and is refused when one
    of them is not longer. Not such an invitation, or the customer's level unknown or among those
    invited: ``why`` as it was."""
    if not scope or level is None or level in scope or not JOINING.search(clause) or not LONGER.search(clause):
        return why
    topic = content_words(LONGER.sub(" ", without_procedure(clause))) - content_words(_LEVEL_NAMES)
    longest: dict[str, float] = {}
    for p in passages:
        if p.parts or not topic or len(topic & content_words(f"{p.context} {p.text}")) < 0.5 * len(topic):
            continue
        for f in p.facts():
            days = (float("inf") if f.value == "unlimited" else float(f.value) * _DAYS[f.qual]
                    if f.qual in _DAYS and f.value.replace(".", "", 1).isdigit() else None)
            for lv in f.scope or () if days is not None else ():
                longest[lv] = max(longest.get(lv, 0.0), days)
    if level in longest and all(longest.get(lv, 0.0) > longest[level] for lv in scope):
        return None
    return why or f"an invitation to join {', '.join(sorted(scope))} for a longer window, which the sources do not give it over {level}"
