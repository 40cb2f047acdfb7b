"""Relative clauses: a clause opening with "which" or "who" says its fact of the thing the clause
before it names ("A 15 inch neck fits our Medium, Zoe, which covers 15 to 15.5 in": the range is
the Medium's). Read alone, its words ("covers") match no passage; read with its head, the passage
must also name that thing, and a figure of another label of a list stays refused ("... our Large,
which covers 15 to 15.5 in"). Used by :mod:`service.guardrails.claims` (fix-15c)."""

from __future__ import annotations

import re

_RELATIVE = re.compile(r"^\W*(?:which|who|whose)\b", re.I)
_ASIDE_WORDS = 2
"""A clause of at most this many words between the head and the relative clause is an aside (a name)."""


def relative_head(text: str, spans: list[tuple[int, int]], i: int) -> str:
    """The clause clause ``i`` of ``text`` is a relative clause of: the nearest clause before it of
    more than :data:`_ASIDE_WORDS` words (a name said between them, ", Zoe,", is passed over). Empty
    when clause ``i`` does not open with "which", "who" or "whose", or no such clause precedes it."""
    if i < 1 or not _RELATIVE.match(text[spans[i][0]:spans[i][1]]):
        return ""
    for a, b in reversed(spans[:i]):
        if len(text[a:b].split()) > _ASIDE_WORDS:
            return text[a:b]
    return ""
