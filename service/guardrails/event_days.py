"""A message the sources send on an event's day said to come before or after it (issue 13, round 17g).

"Members receive an email on launch day." (store-dates-and-hours) is not "Members get an email a week
before launch day" nor "the day before launch": the event is the source's, the timing is moved. The
loose word check finds all the words ("week" and "before" are in the article for other things), and a
timing with no figure ("the day before") is no fact to compare, so the timing itself is read here: a
reply that puts something before or after an event whose day the sources name ("on launch day") is
refused unless a source too says something happens before or after that event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SOURCE_DAY = re.compile(r"\bon\s+(?:the\s+)?(?P<event>[a-z][a-z-]+)\s+day\b", re.I)
"""An event's day in a source ("on launch day")."""
_NOT_EVENTS = frozenset({"the", "a", "an", "that", "this", "same", "next", "first", "last", "each", "every", "any", "one", "which", "what", "your", "their", "our"})


def _relative(event: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?P<rel>before|after|ahead\s+of|prior\s+to|in\s+the\s+run[- ]up\s+to)\s+(?:the\s+)?{re.escape(event)}(?:\s+day)?\b", re.I)


def moved_event_day(sentence: str, sources: Iterable[str]) -> str | None:
    """Why ``sentence`` moves what the sources do on an event's day to before or after it, or None."""
    texts = list(sources)
    events = {m.group("event").lower() for t in texts for m in _SOURCE_DAY.finditer(t)} - _NOT_EVENTS
    for event in sorted(events):
        m = _relative(event).search(sentence)
        if m and not any(_relative(event).search(t) for t in texts):
            return f"said {m.group('rel')} {event} where the sources say on {event} day: {sentence.strip()[:120]!r}"
    return None
