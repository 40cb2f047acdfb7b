"""Words that move the conversation on rather than state a fact (tenth round, fix-10b): an
invitation to continue in private messages ("DM us", "Pop us a DM with your order ID") and the
generic verb of a next step whose object is named elsewhere ("we'll set it up", "we'll send it
over"). They are left out of the loose word check; every other word of the sentence, and every
fact and commitment in it, is checked as before ("DM us and we'll waive the fee" is refused for
the waiver)."""

from __future__ import annotations

import re

from service.guardrails.asides import without_hedges, without_summary_lead_in
from service.guardrails.conversational import COMMITMENT_WORD
from service.guardrails.identifiers import identifiers
from service.guardrails.passages import facts_of
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


TALK_FRAME = re.compile(
    r"\b(?:please|just|do)\s+note(?:\s+that)?\b|(?<!'ll )(?<!will )(?<!\bi )(?<!\bwe )(?<!\bto )\bnote\s+that\b|\b(?:(?:just|please)\s+)?(?:keep|bear)\s+in\s+mind(?:\s+that)?\b|\bjust so you know\b|"
    r"\bto answer your (?:[\w-]+ )?question\b|\b(?:(?:just|simply|please)\s+)?reply(?:\s+(?:here|to (?:this|my) (?:email|message)))?(?=\s+(?:and|with)\b|\s*[,.!]|$)",
    re.I)
"""The words that frame what follows as a remark or an answer ("Just note ...", "To answer your
second question: ..."), and the invitation to reply (twelfth round, fix-12b): what follows is
checked, the frame is no fact."""
BACK_REFERENCE = re.compile(
    r"\b(?:longer|later|colder|warmer|more|less|fewer|bigger|smaller|older|sooner)\s+than\s+(?:that|this|those|these)\b"
    r"|\bif\s+(?:it'?s|it\s+has|it\s+is)\s+(?:been|taking|taken)\s+(?:any\s+|even\s+|much\s+)?longer\b"
    r"|\b(?:add|bring|wear|pack|take|put on)\s+(?:another|an extra|one more|extra)\b", re.I)
"""A comparison with the figure just stated ("If it's been longer", "colder than that"): the
figure is the one the sentence before gave, checked there; the comparison adds no word to check.
Nor does one more of a thing named ("add another layer"): the thing itself is checked."""
FILLER = re.compile(r"\b(?:still(?=\s+(?:at|in|on)\s+(?:the\s+)?[A-Z])|onto|straight(?=\s+(?:onto|into|to|on|away|back)\b))\b")
"""Adverbs and a preposition the stop list misses ("still at Order Received", "straight onto that
order"): they say how or where, never what, and add no word to check. Only "still" before a named status goes ("I'll still check" keeps it:
taking out a word the sources have would lower the share)."""
_WISH_LEAD_IN = re.compile(
    r"^\W*(?:(?:and|so|but)\s+)?if\s+you(?:'d|\s+would|'re|\s+are)?\s+(?:still\s+|already\s+|really\s+)?"
    r"(?:like|prefer|rather|want|wish|happy|keen|know\s+what|decide)\b[^,.;:!?]{0,60}?"
    r"(?=\s*(?:,|$)|\s+(?:i|we)(?:'ll|'m|'d|\s+will|\s+can|\s+am|\s+are)\b)", re.I)
"""A condition on what the customer wishes, prefers or already knows ("If you'd like to go ahead",
"If you already know what you're looking for", "If you'd rather not use a different card"), up to
the agent's own clause."""


def wish_lead_in(clause: str) -> bool:
    """Is ``clause`` (all of it) a condition on the customer's wish, carrying no figure and no
    commitment word ("If you'd like a refund to your card" names the refund; twelfth round)? It
    states nothing of a level and no fact; the clause after it is checked as ever."""
    m = _WISH_LEAD_IN.match(clause)
    return bool(m) and not clause[m.end():].strip(" ,.!") and _plain_wish(m.group(0))


def _plain_wish(text: str) -> bool:
    return not COMMITMENT_WORD.search(text) and not re.search(r"\d|\b(?:today|tomorrow|free|unlimited|gold|silver|bronze|guests?|members?)\b", text, re.I)


def without_wishes(text: str) -> str:
    """``text`` without a leading condition on the customer's wish (:func:`wish_lead_in`), for the
    loose word check: what the agent does then is checked, the customer's wish is theirs."""
    m = _WISH_LEAD_IN.match(text)
    return text[m.end():] if m and _plain_wish(m.group(0)) else text


def without_identifiers(text: str) -> str:
    """``text`` without its identifiers ("order NW-31664"): a name for the customer's order, not a
    figure (an identifier no one gave is refused on its own: :mod:`~service.guardrails.identifiers`)."""
    for token in identifiers(text):
        text = re.sub(rf"(?<![\w-]){re.escape(token)}(?![\w-])", " ", text, flags=re.I)
    return text


def unframed(text: str) -> str:
    """``text`` without the words that frame a sum (:data:`~service.guardrails.workings.FRAMING`),
    invitations to private messages and the generic verbs of a next step; without the frame of a
    remark and a comparison with the figure just stated; without the hedged result of advice and
    the judgement of a hedged pick (:func:`~service.guardrails.asides.without_hedges`, fourteenth round)."""
    text = FILLER.sub(" ", BACK_REFERENCE.sub(" ", TALK_FRAME.sub(" ", without_hedges(text))))
    return NEXT_STEP_VERB.sub(" ", DM_MOVE.sub(" ", FRAMING.sub(" ", text)))


_REQUEST = re.compile(r"^\W*(?:(?:and|so|but)\s+)?(?:(?:could|can|would|will)\s+you\s+(?:please\s+|kindly\s+|just\s+)?"
                      r"|(?:please\s+|just\s+)+)(?:tell|send|share|confirm|give|provide|let\s+(?:me|us)\s+know|reply\s+with|check)\b", re.I)


def asks_their_details(clause: str, sentence: str, facts: int) -> bool:
    """Is ``clause`` (with ``facts`` facts of its own) part of a question or request for the customer's
    details ("Could you tell me the amount you were billed, and the amount you expected, so I can ...")?
    It states nothing of the level named before it (thirteenth round, fix-13b, after twelfth round's order
    ids); a clause of it with a fact, a figure or a commitment word ("so I can refund the difference") keeps
    the level and is checked."""
    return (bool(_REQUEST.match(sentence)) and not facts and not COMMITMENT_WORD.search(clause)
            and not re.search(r"\d|\b(?:today|tomorrow|free|unlimited|gold|silver|bronze|guests?|members?)\b", clause, re.I))


def names_no_level(clause: str, sentence: str, facts: int) -> bool:
    """A clause of ``sentence`` that says nothing of the level named before it: a condition on the
    customer's wish ("If you'd like to go ahead") or part of a request for their details."""
    return wish_lead_in(clause) or asks_their_details(clause, sentence, facts)


_LEAD_IN = re.compile(
    r"^\s*(?:here(?: are|'s| is) (?:a (?:few|couple(?: of)?)|some|what|the|how)\b[^:.!?]{0,60}|(?:try|follow) (?:these|the following)\b[^:.!?]{0,40}"
    r"|(?:a few|some) (?:things|steps|tips|options)\b[^:.!?]{0,40}|(?:one|another) (?:thing|detail) (?:worth knowing|to (?:know|note|bear in mind))|(?:also,? )?(?:worth knowing|good to know|just so you know)(?: for (?:next time|the future|future reference|later))?):\s+(?=\S)",
    re.I,
)


def without_lead_in(sentence: str) -> str:
    """A list lead-in ("Here are a few things to try: ...") joined to its first item is no claim:
    the item is checked on its own; so is a summary lead-in ("In short: ...", fourteenth round)."""
    sentence = without_summary_lead_in(sentence)
    m = _LEAD_IN.match(sentence)
    return sentence[m.end():] if m and not facts_of(m.group(0)) else sentence
