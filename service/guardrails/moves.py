"""Words that move the conversation on rather than state a fact (tenth round, fix-10b): an
invitation to continue in private messages ("DM us", "Pop us a DM with your order ID") and the
generic verb of a next step whose object is named elsewhere ("we'll set it up", "we'll send it
over"). They are left out of the loose word check; every other word of the sentence, and every
fact and commitment in it, is checked as before ("DM us and we'll waive the fee" is refused for
the waiver)."""

from __future__ import annotations

import re

from service.guardrails.workings import FRAMING

DM_MOVE = re.compile(
    r"\b(?:(?:pop|drop|shoot|send|slide)\s+(?:us|me)\s+(?:a\s+)?(?:quick\s+)?(?:dm|direct message|private message|pm)|"
    r"slide into (?:our|my) dms|(?:dm|pm|direct message|private message|message)\s+(?:us|me)(?:\s+privately|\s+directly)?|"
    r"(?:in|via|by|over)\s+(?:a\s+)?(?:dms?|direct messages?|private messages?))\b", re.I)
"""An invitation to continue in private messages: a channel move, no fact."""
NEXT_STEP_VERB = re.compile(
    r"\b(?:set(?:ting)?\s+(?:(?:it|that|this|them|one|everything)\s+)?up|send(?:ing)?\s+(?:(?:it|that|this|them|one)\s+)?(?:over|across|your way)|"
    r"sort(?:ing)?\s+(?:(?:it|that|this|them|everything)\s+)?(?:out)?|get(?:ting)?\s+(?:it|that|this|them|everything)\s+(?:going|started|moving|sorted))\b"
    r"(?=\s*(?:for you|straight away|right away|now)?\s*(?:[,.!;:)]|$|\s(?:the|your|a|an)\b))", re.I)
"""The generic verb of a next step ("we'll set it up", "send it over", "get that going"): what is
set up or sent is named in the sentence or the one before, and is checked there."""


def unframed(text: str) -> str:
    """``text`` without the words that frame a sum (:data:`~service.guardrails.workings.FRAMING`),
    invitations to private messages and the generic verbs of a next step."""
    return NEXT_STEP_VERB.sub(" ", DM_MOVE.sub(" ", FRAMING.sub(" ", text)))
