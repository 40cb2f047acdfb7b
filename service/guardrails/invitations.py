"""Invitations to come back on a condition that carries a wait (issue 13, round 16c).

"Message us if it's not there in a couple of days.", "If it hasn't arrived by Friday, just let us
know.", "Reply here if it still hasn't turned up in 3 days.": an invitation to message, DM, call,
reply or write back whose condition names how long to wait tells the customer when the case counts
as a problem. That wait is a claim: it must be one the cited sources give as a threshold ("a week
or longer", "7 days or less", the upper end of "5-7 business days", "up to 10 days"), not a time
they give for something else ("shipping can take a couple of days"), and a named day ("by
Friday", "tomorrow") must be one a source names. The same invitation with no wait ("Reply here if
it still hasn't arrived") or with the source's own wait ("Message us if it's not there after a
week") is unchanged.

Used by :func:`service.guardrails.claims.check_claims`: :func:`unsupported_wait` before a sentence is read as
conversational, :func:`without_sourced_wait` to read an invitation with the source's own wait as one without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_INVITE = re.compile(
    r"\b(?:message|dm|pm|text|call|ring|phone|e-?mail|contact|write to)\s+(?:us|me)\b|\bwrite (?:back|in|to us)\b|\b(?:reach|reach out|get|come|check|pop) back\b"
    r"|\breach out\b|\bget (?:back )?in touch\b|\blet (?:us|me) know\b|\btell (?:us|me)\b|\b(?:reply|respond)\b|\bdrop (?:us|me) a\b"
    r"|\bgive (?:us|me) a (?:shout|call|ring|buzz)\b|\bsend (?:us|me) a (?:dm|message|note|line|direct message|private message)\b", re.I)
"""An invitation to come back in any channel: message/DM/call/reply/write back/drop us a line/let us know."""
_CONDITION = re.compile(r"\b(?:if|once|when|whenever|should|in case|unless)\b", re.I)
_NUM = r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|twenty|thirty|a couple(?: of)?|a few|few|several|another)"
_UNIT = r"(?:business |working |calendar )?(?:days?|weeks?|hours?|months?)"
_SPAN = re.compile(r"\b(?P<num>" + _NUM + r")(?:\s*(?:-|–|to)\s*(?P<upper>\d+|two|three|four|five|six|seven|eight|nine|ten))?\s+(?:more\s+|or so\s+)?(?P<unit>" + _UNIT + r")\b", re.I)
"""A length of time ("a couple of days", "48 hours", "a week", "5-7 business days")."""
_WAIT = re.compile(r"\b(?:in|within|after|by|past|beyond|for|over|before|inside)\s+(?:the\s+next\s+|another\s+|the\s+)?(?=" + _NUM + r"\s)"
                   r"|\bby\s+(?=(?:the\s+end\s+of\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|the weekend|next week|the end of (?:the|this|next) (?:week|month)))"
                   r"|\b(?=(?:tomorrow|tonight|this weekend|next week|(?:on |this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b)", re.I)
"""Where a wait starts in a condition: "in 3 days", "after a week", "by Friday", "tomorrow"."""
_DAY = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|weekend|next week|end of (?:the|this|next) (?:week|month))\b", re.I)
_WORDS = {"a": 1, "an": 1, "one": 1, "another": 1, "two": 2, "a couple": 2, "a couple of": 2, "three": 3, "a few": 3, "few": 3, "four": 4, "five": 5,
          "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "twenty": 20, "thirty": 30}
_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30}
_THRESHOLD_BEFORE = re.compile(r"(?:\b(?:after|within|up to|at least|more than|less than|longer than|over|under|past|beyond|inside|"
                               r"(?:been|waiting|waited)(?:\s+for)?)\s+|[-–]\s*|\bto\s+(?=\d))$", re.I)
_THRESHOLD_AFTER = re.compile(r"^\s*(?:or (?:longer|more|less|fewer|over|under)|\+|and (?:over|up|longer)|have passed|has passed|or so\b)", re.I)
"""A length of time a source gives as a threshold: "a week or longer", "less than a week", "after 7 days", "(7 days or less)"."""


def _days(num: str, unit: str) -> float | None:
    """A length of time in days; None for a vague one ("several days")."""
    n = num.lower()
    value = float(n) if n[0].isdigit() else _WORDS.get(n)
    base = next((d for u, d in _DAYS.items() if unit.lower().split()[-1].startswith(u)), None)
    return None if value is None or base is None else value * base


def _thresholds(texts: Iterable[str]) -> set[float]:
    """The lengths of time (in days) the sources give as a threshold or as the upper end of a range."""
    found: set[float] = set()
    for text in texts:
        for m in _SPAN.finditer(text):
            upper = m.group("upper")
            if upper:
                found.add(_days(upper, m.group("unit")) or -1)
            if _THRESHOLD_BEFORE.search(text[max(0, m.start() - 40):m.start()]) or _THRESHOLD_AFTER.match(text[m.end():]):
                found.add(_days(m.group("num"), m.group("unit")) or -1)
    return found


def unsupported_wait(sentence: str, texts: Iterable[str]) -> str | None:
    """An invitation whose condition names a wait (:data:`_WAIT`) that no cited source (``texts``)
    gives as a threshold, or a named day no source names; None otherwise."""
    if not _INVITE.search(sentence):
        return None
    if not _CONDITION.search(sentence):
        return None
    texts = [t.replace("**", "") for t in texts]
    for w in _WAIT.finditer(sentence):  # in the condition or before it: "Reach out again on Monday if it still hasn't arrived."
        if re.search(r"\b(?:ago|since)\b", sentence[w.end():w.end() + 30], re.I):
            continue  # the customer's past ("if it shipped over a week ago"): no wait

        rest = sentence[w.end():]
        span = _SPAN.match(rest)
        if span:
            days = _days(span.group("num"), span.group("unit"))
            if days is None or days not in _thresholds(texts):
                return f"a wait no cited source gives before coming back ({(w.group(0) + span.group(0)).strip()!r})"
            continue
        day = _DAY.match(rest) or _DAY.search(rest[:30])
        if day and not any(re.search(r"\b" + re.escape(day.group(0)) + r"\b", t, re.I) for t in texts):
            return f"a day no cited source gives before coming back ({day.group(0)!r})"
    return None


def without_sourced_wait(sentence: str, texts: Iterable[str]) -> str | None:
    """The invitation ``sentence`` without its waits, when it has one and every one is a threshold a
    cited source gives ("Call us back if it's still not there after 7 days." where the source says
    "7 days or less" / "a week or longer"): what is left is read as any sentence is; None otherwise."""
    texts = list(texts)
    if not _INVITE.search(sentence) or not _CONDITION.search(sentence) or unsupported_wait(sentence, texts):
        return None
    out, found = sentence, False
    for w in reversed(list(_WAIT.finditer(sentence))):
        span = _SPAN.match(sentence, w.end())
        if span:
            out, found = out[:w.start()].rstrip() + out[span.end():], True
    return out if found else None
