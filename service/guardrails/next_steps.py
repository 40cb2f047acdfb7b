"""The next step of the conversation, no policy outcome in it (fifteenth round, f15a).

A reply often ends by saying where the conversation goes next: an invitation to write again, or
to move to private messages, while the case is still open ("DM us if it still hasn't turned up.",
"Message us back if it doesn't arrive.", "Drop us a line if you're still stuck."), or the agent's
own look at what the customer raised ("I'll check that for you right away."). Neither states a
rule, a figure, a level or an outcome, so neither needs a source.

Each is recognised by its whole form, and only while its condition carries no commitment word and
looks no further ahead than the customer's case: "DM us your card number" asks for a detail (not
this form), "DM us and we'll refund it" and "DM us if it hasn't arrived and we'll send a new one"
promise an outcome, "I'll check that and refund you" names one; all are checked as before. The
caller (:func:`service.guardrails.courtesy.is_conversational`) still reads every figure, level
and commitment word of the sentence first.
"""

from __future__ import annotations

import re

from service.guardrails.conversational import COMMITMENT_WORD, FUTURE

CHANNEL_INVITE = re.compile(
    r"^\W*(?:(?:so|and|otherwise),?\s+)?(?:(?:please|just|simply|feel free to|do)\s+)*"
    r"(?:(?:dm|pm|direct message|private message|message|text|email|ping|write to)\s+(?:us|me)(?:\s+(?:back|again|directly|privately|here))?"
    r"|send\s+(?:us|me)\s+an?\s+(?:dm|pm|direct message|private message|message|note|email)"
    r"|drop\s+(?:us|me)\s+an?\s+(?:line|message|note|dm)|give\s+(?:us|me)\s+a\s+(?:shout|nudge)|write\s+(?:back|again|in again)"
    r"|get\s+back\s+to\s+(?:us|me)|reply\s+(?:here|to this (?:message|email|thread))|(?:come|check)\s+back\s+to\s+(?:us|me))"
    r"(?:\s+(?:any ?time|anytime))?"
    r"\s+(?P<cond>(?:if|when|once|whenever|in case|should)\b[^,;:.!?]{1,70})\s*[.!]*$", re.I)
"""An invitation to write again, or to move to private messages, on a condition of the case still
being open ("DM us if it still hasn't turned up."): where the conversation goes next, no fact."""
OWN_CHECK = re.compile(
    r"^\W*(?:(?:so|ok(?:ay)?|sure|right|great),?\s+)?(?:i'?ll|i will|we'?ll|we will|let me|let us|i'?m going to|we'?re going to|i can)\s+"
    r"(?:now\s+|just\s+|quickly\s+|first\s+|gladly\s+|happily\s+|personally\s+)?"
    r"(?:check|double-check|look into|look at|check on|dig into|take a (?:quick |closer )?look at|have a (?:quick |closer )?look at|find out about)\s+"
    r"(?:that|this|it|that one|this one)(?:\s+(?:for you|now|right away|straight away|right now|first|quickly|immediately|asap|personally)){0,2}\s*[.!]*$", re.I)
"""The agent's own look at what the customer raised ("I'll check that for you right away."):
nothing found, granted or changed yet."""
_OURS_OR_WHEN = re.compile(r"\b(?:we|i|us|our|today|tonight|tomorrow|weekend|(?:mon|tues|wednes|thurs|fri|satur|sun)day|days?|weeks?|months?|hours?|"
                           r"business|working)\b|\d", re.I)
"""A condition that says what we do or sets a time ("if it's not there by Friday", "in a couple of
days"): a time the customer is told to wait is a claim, checked as ever."""


def next_step(sentence: str) -> bool:
    """Is ``sentence`` (with no fact, level or commitment word, which the caller has checked) an
    invitation to write again on a condition that keeps to the customer's case
    (:data:`CHANNEL_INVITE`), or the agent's own look at what they raised (:data:`OWN_CHECK`)?"""
    s = sentence.strip()
    if OWN_CHECK.match(s):
        return True
    m = CHANNEL_INVITE.match(s)
    if not m:
        return False
    cond = m.group("cond")
    # "if you want a refund", "if it's not here and we'll resend it": an outcome in the condition is a claim
    return not COMMITMENT_WORD.search(cond) and not FUTURE.search(cond) and not _OURS_OR_WHEN.search(cond)
