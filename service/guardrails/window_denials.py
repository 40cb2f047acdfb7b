"""A denial verdict on a return the customer's own duration lets through (issue 13, sixteenth round).

"As it was bought 20 days ago with no receipt, it doesn't qualify for a return" said to a guest,
where the returns source lets a guest return anything bought within the last 30 days: the reply
judges the customer's case, and its denial is wrong, though every word of it is the source's
(fix-16a). :func:`window_denial` reads the sentence, the customer's durations and level, and the
window the cited passages give that level (read as
:func:`service.guardrails.verdicts.window_verdict` reads it); any one of a level's conditions is
enough, so a case inside the window qualifies whatever else it lacks. A denial of a case past the
window ("at 45 days without the receipt it doesn't qualify") is left to the claim check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from service.guardrails.levels import scope_of
from service.guardrails.numbers import DAYS_PER_UNIT as _DAYS, prepare

DENIED_CASE = re.compile(r"\b(?:(?:does|do|will|would)(?:n'?t| not)|won'?t)\s+(?:\w+\s+)?(?:qualify|meet (?:the|either|any|those|these)|count)\b"
                         r"|\b(?:is|are|'s|'re)(?:n'?t| not)\s+(?:\w+\s+)?(?:eligible|returnable|able to be returned)\b|\bnot eligible\b"
                         r"|\b(?:can'?t|cannot|can not|couldn'?t|won'?t be able to)\s+(?:\w+\s+)?(?:be returned|be sent back|return|accept (?:it|the|this|that))\b", re.I)
"""A denial of the customer's return ("it doesn't qualify", "isn't eligible for a return", "can't be returned")."""
_RULE = re.compile(r"\b(?:alone|on (?:its|their) own|by itself|only|if|unless|once|when|provided|as long as|whether)\b", re.I)
"""A clause stating the rule, not a verdict ("original packaging alone doesn't qualify a guest return")."""
_BREAK = re.compile(r"[;:]|,\s*(?=(?:so|but|and|which|because|since|as)\b)|\s(?=(?:so|but)\s)|\s[-–—]\s", re.I)


def window_denial(sentence: str, durations: Iterable[tuple[str, str]], passages: Sequence, level: str | None, limits_of) -> str | None:
    """A clause denying the customer's return (:data:`DENIED_CASE`) where every duration the customer
    gave is within the window the sources give their level (``limits_of(passages, levels)``, in days)."""
    given = [float(v) * _DAYS[u] for v, u in durations if u in _DAYS and v.replace(".", "", 1).isdigit()]
    if not given:
        return None
    for clause in _BREAK.split(prepare(sentence.replace("**", ""))):
        if not clause or not DENIED_CASE.search(clause) or _RULE.search(clause):
            continue
        about = scope_of(clause) or scope_of(sentence) or (frozenset({level}) if level else None)
        if about is None or len(about) != 1:
            continue
        limits = limits_of(passages, about)
        if limits and all(d <= min(limits) for d in given):
            return (f"the customer's return is denied, but their own figure is within the {next(iter(about))} window "
                    f"of {min(limits):g} days, and any one condition is enough")
    return None
