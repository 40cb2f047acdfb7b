"""Friendly wrappers around a sourced fact, and the customer's own reason noted back (issue 13, round 17g).

A reply often wraps a fact the sources state in words of its own that state nothing:

* an offer put as a question: "Would you like me to go ahead with the $20 charge?" (:data:`OFFER_FRAME`);
* advice to watch for what the fact promises: "Members get an email on launch day, so keep an eye on
  your inbox!" (:data:`WATCH_ADVICE`);
* a level's benefit wished on the customer: "Enjoy the Silver perks in the meantime, like your six-month
  return window!" (:data:`ENJOY_WRAPPER`).

Their words are left out of the loose word check only where the cited sources lack them
(:func:`~service.guardrails.procedural.unsupported_frame_words`); the fact inside (the $20 said of the
customer's level, the six months said of Silver, the email on launch day) is checked as ever, so the
same wrapper round a wrong figure, level or day is still refused.

And the customer's reason noted back in their own words ("I've noted the reason, pilling after one
wash." after "The sweater started pilling after one wash"): :func:`noted_their_words` gives the words
of the note that are the customer's, which are their situation, not a claim of policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable

OFFER_FRAME = re.compile(
    r"\b(?:(?:would|do)\s+you\s+(?:like|want)\s+(?:me|us)\s+to|(?:shall|should|can|may)\s+(?:i|we))\s+"
    r"(?:go\s+ahead\s+(?:with|and)|proceed\s+with|move\s+forward\s+with)\b", re.I)
"""The frame of an offer put as a question ("Would you like me to go ahead with", "Shall I proceed with"):
what is offered after it is checked."""
WATCH_ADVICE = re.compile(
    r"\b(?:(?:so|and)\s+)?(?:(?:please|just|do)\s+)?(?:keep\s+an\s+eye\s+(?:out\s+)?(?:on|for)|watch\s+(?:out\s+for|for)?|look\s+out\s+for|"
    r"keep\s+checking|check)\s+(?:your|the)\s+(?:(?:e-?mail|mail)\s+)?(?:inbox|e-?mails?|mailbox|spam(?:\s+folder)?|junk(?:\s+folder)?|"
    r"promotions?\s+(?:tab|folder))\b", re.I)
"""Advice to watch one's inbox for a message the sentence has named ("so keep an eye on your inbox",
"check your spam folder"): the message itself is checked, the advice states nothing."""
ENJOY_WRAPPER = re.compile(
    r"^\W*enjoy\b|\b(?:in\s+the\s+meantime|meanwhile)\b|\b(?:perks?|benefits?)(?=\s+(?:in\s+the\s+meantime|meanwhile)\b|\s*,?\s*(?:like|such\s+as|including)\b)",
    re.I)
"""A level's benefits wished on the customer ("Enjoy the Silver perks in the meantime, like ..."): the
wish, the wait and the word "perks" before an example; the level and the benefit named are checked."""
WRAPPERS = (OFFER_FRAME, WATCH_ADVICE, ENJOY_WRAPPER)
"""The frames of this module, for the procedural frames of the loose word check."""


def without_wrappers(clause: str) -> str:
    """``clause`` without the wrappers of this module, for the words a passage must share with it: "Enjoy
    the Silver perks in the meantime" is measured as "the Silver", said of Silver."""
    for frame in WRAPPERS:
        clause = frame.sub(" ", clause)
    return clause


NOTE_FRAME = re.compile(
    r"^\W*(?:i|we)(?:'ve|\s+have)?\s+(?:(?:just|also|already)\s+)?(?:noted(?:\s+down)?|recorded|logged|written\s+down|wrote\s+down|"
    r"made\s+a\s+note\s+of|put\s+down)\s+(?:the|your)\s+(?:reason(?:\s+for\s+(?:the|your)\s+(?:refund|return|request))?|issue|problem|fault)"
    r"(?:\s+as)?\s*[,:-]?\s*", re.I)
"""A note of the customer's reason, said back before the reason itself ("I've noted the reason, ...",
"We've logged the issue as ...")."""


def noted_their_words(sentence: str, customer_words: frozenset[str], content_words: Callable[[str], frozenset[str]]) -> frozenset[str]:
    """The words of the reason ``sentence`` notes back that are the customer's own ("pilling", "wash"
    in "I've noted the reason, pilling after one wash." after "started pilling after one wash"): their
    situation said back, no claim of the shop's. Empty unless the sentence opens with a note of the reason
    (:data:`NOTE_FRAME`); words the customer did not write are checked as ever."""
    m = NOTE_FRAME.match(sentence)
    if not m or not customer_words:
        return frozenset()
    return content_words(sentence[m.end():]) & customer_words
