"""A bare follow-up commitment ("I'll set that up for you", "Let me arrange that") after a
sentence that grants the customer's level an action (issue 13, eleventh round).

"As a Gold member you can always get an extension. I'll set that up for you.": "that" is the
extension the sentence before granted to the level the customer is; the follow-up states nothing
of its own and commits to that action for that level. It is supported when the sentence before
was checked and found supported, states the action without denying it, and says it of the level
the customer is (addressed as, or gave). A follow-up after a denial ("we can't extend Bronze
subscriptions"), after a sentence that failed, or for a level the action was not said of is
checked as ever (and finds no support).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.guardrails.case_verdicts import verdict_after_rule
from service.guardrails.levels import covers
from service.guardrails.passages import Passage, facts_of

_THAT = r"(?:that|this|it|the extension|the refund|the credit|the replacement)"
FOLLOW_UP = re.compile(
    r"^\W*(?:(?:great|ok(?:ay)?|sure|right|so),?\s+)?(?:i'?ll|i will|let me|i can|i'?d be (?:happy|glad) to|i'?m (?:happy|glad) to)\s+(?:go ahead and\s+|get\s+)?"
    rf"(?:set {_THAT} up|arrange {_THAT}|sort {_THAT} out|take care of {_THAT}|put {_THAT} through|process {_THAT}|"
    rf"get {_THAT} (?:done|sorted|set up|started|going|arranged|processed))"
    r"(?: for you)?(?: (?:now|right away|straight away|right now))?\s*[.!]?\s*$", re.I)


def supported_follow_up(sentence: str, last: dict, level: str | None, passages: "Sequence[Passage]" = ()) -> bool:
    """Is ``sentence`` a bare follow-up to ``last`` (the sentence checked before it: its text and
    whether it was found supported) committing to an action that sentence gave ``level``, and that
    a source passage grants ``level`` by name (not merely a general step)?"""
    if not FOLLOW_UP.match(sentence) or not last.get("clean") or level is None:
        return False
    acts = [f for f in facts_of(last.get("text", ""), acts="passage") if f.value.startswith("act:")]
    lv = frozenset({level})
    return bool(acts) and all(f.scope is not None and covers(f.scope, lv) and any(
        x.value == f.value and x.scope is not None and covers(x.scope, lv) for p in passages for x in p.facts()) for f in acts)


def check_following(reply: "object", sentence: str, last: dict) -> None:
    """Check ``sentence`` with ``reply`` (a :class:`~service.guardrails.claims._Reply`), unless it
    is a supported follow-up or a verdict on the customer's case after the rule that any one
    condition is enough (:mod:`~service.guardrails.case_verdicts`); remember it as the last sentence checked."""
    mark = len(reply.out.findings)  # type: ignore[attr-defined]
    level = next(iter(reply.addressed), None) if reply.addressed and len(reply.addressed) == 1 else reply.level  # type: ignore[attr-defined]
    if not supported_follow_up(sentence, last, level, reply.passages) and not verdict_after_rule(  # type: ignore[attr-defined]
            sentence, last, reply.passages, reply.asked, reply.lacked, reply.content_words):  # type: ignore[attr-defined]  ("Your receipt covers it.": fix-15c)
        reply.check_parts(sentence)  # type: ignore[attr-defined]
    last.update(text=sentence, clean=len(reply.out.findings) == mark)  # type: ignore[attr-defined]
