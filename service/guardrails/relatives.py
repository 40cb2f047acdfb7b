"""Relative clauses: a clause opening with "which" or "who" says its fact of the thing the clause
before it names ("A 15 inch neck fits our Medium, Zoe, which covers 15 to 15.5 in": the range is
the Medium's). Read alone, its words ("covers") match no passage; read with its head, the passage
must also name that thing, and a figure of another label of a list stays refused ("... our Large,
which covers 15 to 15.5 in"). Used by :mod:`service.guardrails.claims` (fix-15c).

A relative clause that gives a verdict on what the clause before it says ("So you'd send the medium
back, which is no problem as a Gold member since you have unlimited returns") says nothing of a thing
named there: it has no head, and its claim is its reason, read with the level it names ("as a Gold
member you have unlimited returns": :func:`without_verdict`, round 17d). Said of Silver, the reason is
refused like any other."""

from __future__ import annotations

import re

_RELATIVE = re.compile(r"^\W*(?:which|who|whose)\b", re.I)
_ASIDE_WORDS = 2
"""A clause of at most this many words between the head and the relative clause is an aside (a name)."""


_VERDICT = re.compile(r"(?:^|(?<=,))\s*which\s+(?:is|'s|would be|will be|should be|isn'?t|is not)\s+(?:(?:absolutely|totally|completely|perfectly|really)\s+)?"
                      r"(?:no problem(?: at all)?|(?:not )?an? (?:problem|issue|worry)|no (?:issue|worry)|fine|ok|okay|allowed|covered)\b"
                      r"(?P<reason>(?:(?!\bwhich\b)[^,.;])*)", re.I)
_REASON = re.compile(r"\b(?:since|because|as)\s+(?=you\b|your\b|(?:gold|silver|bronze)\b|guests?\b|members?\b)", re.I)


def without_verdict(text: str) -> str:
    """``text`` (a clause or a sentence) with each verdict relative said as its reason only: the verdict's frame
    and the word that opens its reason left out ("which is no problem as a Gold member since you have unlimited
    returns": "a Gold member you have unlimited returns"). Other text as it is."""
    return _VERDICT.sub(lambda m: " " + _REASON.sub(" ", m.group("reason")).strip(), text)


def relative_head(text: str, spans: list[tuple[int, int]], i: int) -> str:
    """The clause clause ``i`` of ``text`` is a relative clause of: the nearest clause before it of
    more than :data:`_ASIDE_WORDS` words (a name said between them, ", Zoe,", is passed over). Empty
    when clause ``i`` does not open with "which", "who" or "whose", gives a verdict ("which is no problem"),
    or no such clause precedes it."""
    if i < 1 or not _RELATIVE.match(text[spans[i][0]:spans[i][1]]) or _VERDICT.match(text[spans[i][0]:spans[i][1]].lstrip(" ,")):
        return ""
    for a, b in reversed(spans[:i]):
        if len(text[a:b].split()) > _ASIDE_WORDS:
            return text[a:b]
    return ""
