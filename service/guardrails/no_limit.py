"""No time limit said to a customer whose level does not have it (fifteenth round, f15a).

"Good news: yes, you can return it any time" to a customer who said "I'm Bronze": the sentence
names no level and no figure, so the claim check reads "any time" as loose words, and the
sources have them ("Gold members: unlimited returns. There is no time limit"). But the reply says
it to the customer, of their case, and the cited sources give it only to other levels. A sentence
addressed to the customer ("you", "your") that names no level, says there is no limit ("any
time", "no time limit", "whenever you like", "unlimited") without denying it, and shares the
action of the passages that give it ("return") is refused when every cited passage giving no
limit for that action names levels and none of them is the customer's. Said to a Gold member, to a
customer of no known level, or of something else ("message us any time") it is left to the claim
check as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from service.guardrails.levels import scope_of

Words = Callable[[str], frozenset[str]]

NO_LIMIT = re.compile(r"\b(?:(?:at\s+)?any\s?time|whenever\s+you\s+(?:like|want|wish)|no\s+(?:time\s+)?limit|unlimited|"
                      r"(?:there'?s|there\s+is)\s+no\s+(?:deadline|window|cut-?off)|as\s+long\s+as\s+you\s+(?:like|want)|with\s+no\s+(?:deadline|cut-?off))\b", re.I)
"""Words that say there is no time limit ("any time", "no time limit", "whenever you like")."""
_YOU = re.compile(r"\b(?:you|your|you'?re|you'?ll)\b", re.I)
_DENIED = re.compile(r"\b(?:not|never|no longer|isn'?t|aren'?t|can'?t|cannot|won'?t|doesn'?t|don'?t|only\s+gold)\b|n't\b", re.I)
_STOP = frozenset("""any time anytime limit unlimited whenever like want wish deadline window long good news yes""".split())


_BOUNDARY = re.compile(r"[;.!?](?:\s|$)|\n")


def _around(text: str, pos: int) -> frozenset[str] | None:
    """The levels the words at ``pos`` of ``text`` are said of: those of its own part (between
    ";" and sentence ends), else of the part before it ("Gold members: unlimited returns. There is
    no time limit")."""
    cuts = [0, *(m.end() for m in _BOUNDARY.finditer(text)), len(text)]
    i = max(k for k, c in enumerate(cuts) if c <= pos)
    for a in range(i, max(i - 2, -1), -1):
        scope = scope_of(text[cuts[a]:cuts[i + 1] if i + 1 < len(cuts) else len(text)])
        if scope is not None:
            return scope
    return None


def _scoped(p_text: str, texts: Sequence[str]) -> list[frozenset[str] | None]:
    """The levels each no-limit phrase of a passage is said of: read in the passage, or in a longer
    passage of the same source that holds it (a bullet's sentence after "Gold members: unlimited returns.")."""
    out = []
    for m in NO_LIMIT.finditer(p_text):
        scope = _around(p_text, m.start())
        for t in texts if scope is None else ():
            at = t.find(p_text)
            if at >= 0 and t != p_text:
                scope = _around(t, at + m.start())
                if scope is not None:
                    break
        out.append(scope)
    return out


def no_limit_verdict(sentence: str, passages: Sequence, level: str | None, words: Words) -> str | None:
    """A finding when ``sentence`` tells the customer of ``level`` there is no limit on an action the
    cited ``passages`` give without limit only to other levels; else None."""
    if level is None or not NO_LIMIT.search(sentence) or not _YOU.search(sentence) or scope_of(sentence) is not None:
        return None
    if _DENIED.search(sentence):
        return None
    action = words(NO_LIMIT.sub(" ", sentence)) - _STOP
    texts = [p.text for p in passages]
    giving = [p for p in passages if NO_LIMIT.search(p.text) and action & words(p.text + " " + getattr(p, "context", ""))]
    if not giving:
        return None
    scopes = [x for p in giving for x in _scoped(p.text, texts)]
    if any(s is None or level in s for s in scopes):
        return None
    return f"no time limit said to a {level} customer, which the sources give only to {', '.join(sorted(frozenset().union(*scopes)))}"
