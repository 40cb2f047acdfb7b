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
from service.guardrails.levels import scope_of
from service.guardrails.passages import facts_of
from service.guardrails.procedural import without_fallback
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
    loose word check: what the agent does then is checked, the customer's wish is theirs. So is a
    fallback condition ("If none of that works, ...": :mod:`~service.guardrails.procedural`)."""
    text = without_fallback(text)
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


_REQUEST = re.compile(r"^\W*(?:(?:and|so|but)\s+)?(?:(?:(?:could|can|would|will)\s+you\s+(?:please\s+|kindly\s+|just\s+)?"
                      r"|(?:please\s+|just\s+)+)(?:tell|send|share|confirm|give|provide|let\s+(?:me|us)\s+know|reply\s+with|check)\b"
                      r"|(?:send|give|share|dm|pm|message|email|text)\s+(?:us|me)\s+(?:your|the|those|these|both|either)\b"
                      r"|(?:tell\s+(?:us|me)|let\s+(?:us|me)\s+know)\s+(?:your|the|which|what|when|how)\b|reply\s+with\b)", re.I)
"""A question or request for the customer's details: "Could you tell me ...", "Please send ...", and the bare imperative
that names what to send ("Send us your full name or account ID", "Tell us which order", "Reply with your order ID": round 18e).
A bare "Give us a call" names no detail and is no request here."""


def asks_their_details(clause: str, sentence: str, facts: int) -> bool:
    """Is ``clause`` (with ``facts`` facts of its own) part of a question or request for the customer's
    details ("Could you tell me the amount you were billed, and the amount you expected, so I can ...")?
    It states nothing of the level named before it (thirteenth round, fix-13b, after twelfth round's order
    ids); a clause of it with a fact, a figure or a commitment word ("so I can refund the difference") keeps
    the level and is checked."""
    return (bool(_REQUEST.match(sentence)) and not facts and not COMMITMENT_WORD.search(clause)
            and not re.search(r"\d|\b(?:today|tomorrow|free|unlimited|gold|silver|bronze|guests?|members?)\b", clause, re.I))


_GRANT_OR_DENIAL = re.compile(r"\d|\b(?:today|tomorrow|free|unlimited|waived?|gold|silver|bronze|guests?|members?|membership|level|"
                              r"not|no|never|nothing|cannot|unable|only|always|eligible|available|benefits?)\b|n't\b", re.I)
"""The words with which a clause would say something of a level: a figure, an eligibility word, a level,
a denial or a limit ("only", "always")."""


def bare_of_level(clause: str, facts: int) -> bool:
    """A clause with no fact, no commitment word and no word of grant, denial or level ("order number"
    in "confirm your username, email and order number", "in progress" in a list of a refund's
    statuses, "DM us your account details"): it cannot say anything of the level addressed before it,
    so it does not take that level (fourteenth round, fix-14d); its words are checked as ever, and a
    denial or a grant said to the level keeps it."""
    # the generic verb of a next step ("Let me set that up for you") follows up what was granted to the level: it keeps it
    return not facts and not COMMITMENT_WORD.search(clause) and not _GRANT_OR_DENIAL.search(clause) and not NEXT_STEP_VERB.search(clause)


_LVL = r"(?:gold|silver|bronze|guest)"
_NOTED = r"(?:(?:i|we)(?:'ve| have)?\s+(?:noted|note|see|can see|understand|confirmed|checked)|thanks for (?:letting (?:me|us) know|confirming))(?:\s+that)?\s+"
_THEIR_LEVEL = re.compile(
    r"^\W*(?:(?:and|so|but|since|as|because|now)\s+)?(?:"
    rf"(?:it|this|that|your (?:order|purchase))\s*(?:'s|is|was)\s+(?:(?:just|only|still)\s+)?(?:an?\s+)?{_LVL}\s+(?:checkout|order|purchase)"
    # "(the order) was placed as a guest", "you placed it / checked out as a guest" (fifteenth round, fix-15b)
    rf"|(?:(?:it|this|that|the order|your order|the purchase|(?:order\s+)?[A-Z]{{2}}-\d+)\s+)?(?:was|were)\s+(?:placed|made|ordered|bought)\s+(?:as|through|via|with)\s+an?\s+{_LVL}(?:\s+(?:checkout|account))?"
    rf"|you\s+(?:placed|made|ordered|bought)\s+(?:it|this|that|the order|your order)\s+(?:as|through|via|with)\s+an?\s+{_LVL}(?:\s+(?:checkout|account))?"
    rf"|you\s+(?:checked out|shopped|ordered)\s+as\s+an?\s+{_LVL}"
    # "I've noted that your account is Gold", "I see you're on Silver": the level said back after a verb of noting
    rf"|{_NOTED}(?:your\s+(?:account|membership|level)\s*(?:'s|is)\s+(?:at\s+)?{_LVL}(?:\s+(?:level|membership|account))?"
    rf"|you(?:'re|\s+are)\s+(?:on\s+(?:the\s+)?{_LVL}(?:\s+level)?|an?\s+{_LVL}(?:\s+(?:member|customer|shopper))?))"
    r")\W*$", re.I)
"""A clause that only says which level the customer's order or account is ("it was a guest order", "was placed as
a guest", "I've noted that your account is Gold"); never the customer addressed by their level without a verb of
noting ("since you're a Bronze member, you're eligible ..." is a rule of that level)."""


def restated_level(clause: str, level: str | None) -> str:
    """``clause``, or nothing where it only says back the level the customer gave ("it was a guest
    order" to a customer who checked out as a guest): their situation, no rule of the level
    (fourteenth round, fix-14d). Another level than theirs stays a claim."""
    return "" if level and _THEIR_LEVEL.match(clause) and scope_of(clause) == frozenset({level}) else clause


def misstated_level(clause: str, level: str | None) -> str | None:
    """A clause saying the customer's level back (:data:`_THEIR_LEVEL`) as another level than the one they
    gave ("I can see your account is Gold" to a Silver member): the rules of that level, said next, are not
    theirs (fifteenth round, fix-15b)."""
    scope = scope_of(clause) if level and _THEIR_LEVEL.match(clause) else None
    if scope is None or level in scope:
        return None
    return f"the customer gave their level as {level}; the reply says it is {', '.join(sorted(scope))}"


def names_no_level(clause: str, sentence: str, facts: int) -> bool:
    """A clause of ``sentence`` that says nothing of the level named before it: a condition on the
    customer's wish ("If you'd like to go ahead"), part of a request for their details, or a clause
    with no word that could say anything of a level (:func:`bare_of_level`)."""
    return wish_lead_in(clause) or asks_their_details(clause, sentence, facts) or bare_of_level(clause, facts)


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


_STEP_DONE = re.compile(r"^\W*(?:once|when|after|as soon as)\s+(?:it|that|this|they|those)(?:'s|'re|\s+is|\s+are|\s+has been|\s+have been)\s+"
                        r"(?:been\s+)?[a-z]+ed\W*$", re.I)
"""A bare condition on a step done ("Once it's added", "when that's processed"): no fact of its own."""


def step_condition(clause: str) -> bool:
    """A clause that only says when the next one holds ("Once it's added, your refund will be updated
    to $110: ..."): read with that clause in the loose word check (fourteenth round), so one word of it
    is not weighed alone; a commitment word in it ("Once it's approved") is still weighed."""
    return bool(_STEP_DONE.match(clause)) and not COMMITMENT_WORD.search(clause)
