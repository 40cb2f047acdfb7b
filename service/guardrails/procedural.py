"""Procedural lines (fourteenth round, fx-14b): the words with which a reply runs the conversation
rather than state a fact. A request for the customer's details ("Send your order ID to confirm"),
the fallback condition of a source's last step ("If none of that works, ..."), the agent's next
step waiting on the customer's reply ("... as soon as I hear back"), the frame of conditional
advice ("a password reset would be a good idea", "If you think someone else used your account"),
a hedged cause ("the cause may be your connection"), an invitation to join a level and the
"for example" before a level's benefit, and an offer of help when the customer runs into trouble.

Only these frame words leave the loose word check, and only where the cited sources do not have
them (:func:`unsupported_frame_words`; the fallback condition goes before the clauses are read,
:mod:`service.guardrails.moves`); what the frame holds (the detail asked for, the step offered, the advice, the cause, the level's benefit)
is checked as ever, and so is every fact, level and commitment of the sentence: "If none of that
works, I'll refund you" is refused for the refund, "Silver, for example, gets 90 days" for the
level, "I'll update the order to arrive today as soon as I hear back" for the day.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.guardrails.wrappers import WRAPPERS

FALLBACK_LEAD_IN = re.compile(
    r"^\W*(?:(?:and|so|but)\s+)?if\s+(?:(?:none|neither)\s+of\s+(?:that|this|these|those|them|the above)(?:\s+steps)?|nothing(?:\s+else)?"
    r"|(?:that|this|it|these|those|the steps)(?:\s+still)?)\s+"
    r"(?:works?|helps?|fix(?:es)?\s+it|does\s+the\s+trick|(?:do(?:es)?n'?t|do(?:es)?\s+not|won'?t)\s+(?:work|help|fix\s+it))"
    r"(?:\s+(?:for\s+you|either|out))?\s*,\s*(?=\S)", re.I)
"""The condition of a source's fallback step ("If none of that works, ...", "If it still doesn't
help, ..."): the steps before it failed. What the reply offers then is checked."""
DETAIL_REQUEST = re.compile(
    r"^(?P<lead>\W*(?:(?:and|so|then)\s+)?(?:(?:please|just|simply|kindly)\s+)*)"
    r"(?:send|share|give|tell|text|provide|confirm|pop|drop)(?:\s+(?:me|us))?(?:\s+(?:over|across|through))?(?=\s+(?:your|the)\b)", re.I)
"""A request for the customer's details, its verb ("Send your order ID", "Please share the order
number"): the detail asked for is checked (a detail the source does not need is refused)."""
REQUEST_PURPOSE = re.compile(r"\s+(?:to|so\s+(?:i|we)\s+can)\s+(?:confirm|verify|check|look\s+(?:it|that)\s+up)"
                             r"(?:\s+(?:it|that|this|things|everything))?(?:\s+for\s+you)?(?=\s*[.!]?\s*$)", re.I)
"""The purpose closing such a request ("... to confirm.", "... so I can check"): no fact."""
ON_THEIR_REPLY = re.compile(
    r"\b(?:as\s+soon\s+as|once|when|the\s+moment)\s+(?:(?:i|we)\s+(?:hear\s+(?:back(?:\s+from\s+you)?|from\s+you)|get\s+your\s+(?:reply|answer|confirmation))"
    r"|you(?:'ve|\s+have)?\s+(?:replied|reply|confirm(?:ed)?|get\s+back\s+to\s+(?:me|us)|let\s+(?:me|us)\s+know))\b", re.I)
"""The agent's next step waiting on the customer's reply ("I'll update the order as soon as I hear
back"): when, not what; the step itself is checked."""
ADVICE_AFTER = re.compile(r"\b(?:would|could|might|may|will|is|'s|'d)\s+be\s+(?:a\s+)?(?:very\s+|really\s+)?(?:good|great|wise|smart|sensible|safe)"
                          r"(?:\s+(?:idea|move|step|call|bet))?\b", re.I)
"""The frame of advice said after it ("a password reset would be a good idea"): the advice is the claim."""
BELIEF_CONDITION = re.compile(r"\bif\s+you\s+(?:(?:ever\s+)?(?:think|suspect|believe|feel|fear)|(?:'re|\s+are)\s+(?:worried|concerned))(?:\s+that)?\b", re.I)
"""The customer's belief a piece of advice rests on ("If you think someone else may have used your
account"): the belief's frame; what they believe is weighed with the source's words."""
SAFE_PURPOSE = re.compile(r"\b(?:to|and|so\s+as\s+to)\s+keep\s+(?:it|them|your\s+(?:account|details|information|data))\s+(?:safe|secure|protected)\b", re.I)
"""The purpose of a security step ("... to keep it secure"): no fact."""
HEDGED_CAUSE = re.compile(r"\b(?:the\s+(?:cause|reason|culprit|problem|issue)\s+(?:may|might|could|is\s+likely\s+to)\s+be"
                          r"|(?:may|might|could)\s+be\s+(?:the\s+(?:cause|reason|culprit)|to\s+blame))\b", re.I)
"""A hedge on a cause ("the cause may be your connection"): the cause named is checked."""
JOINING = re.compile(r"\b(?:becoming|joining|signing\s+up\s+(?:as|for))(?=\s+(?:a\s+|our\s+)?(?:member|membership|gold|silver|bronze)\b)", re.I)
"""An invitation to join a level ("becoming a member gives ..."): the level and what it gives are checked."""
EXAMPLE = re.compile(r"\b(?:for\s+(?:example|instance|comparison)|(?:by|in)\s+comparison|e\.g\.)", re.I)
"""The "for example" before one level's benefit, and the "for comparison" before another size's figure ("For comparison,
Medium is fifteen to fifteen and a half": round 18c): the benefit and its level, the size and its figure are checked."""
GET_FORMS = re.compile(r"\b(?:gets|getting|gives|give|giving|gave)(?:\s+you)?\b", re.I)
"""Inflections of "get" (a stop word) and "give": the verb of having, the thing had is checked."""
TROUBLE_OFFER = re.compile(r"\bif\s+you\s+(?:run\s+into|have|hit|come\s+across|need)\s+(?:any\s+)?(?:more\s+|other\s+|further\s+)?"
                           r"(?:trouble|problems?|issues?|difficult(?:y|ies)|questions?|help)\b", re.I)
"""The condition of an offer of further help ("I'm happy to help if you run into any trouble")."""
WELCOME_TO = re.compile(r"\b(?:you'?re|you\s+are)\s+(?:(?:very|more\s+than|always|of\s+course|most)\s+)*welcome\s+to\b", re.I)
"""Permission in courteous words ("You're very welcome to place a new order"): what is permitted is checked."""
ASKED_NAME = re.compile(r"\b(?:change|update|correct|switch)\s+(?:it|that|my\s+(?:account\s+)?name|the\s+name)?\s*to\s+"
                        r"((?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*)(?:\s+[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*){1,3})"
                        r"|\bnew\s+name\s+(?:is|will\s+be)\s+((?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*)(?:\s+[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*){1,3})")
"""The full name a customer asks their account to be changed to ("change it to Priya Raman-Holt")."""
_FRAMES = (ON_THEIR_REPLY, ADVICE_AFTER, BELIEF_CONDITION, SAFE_PURPOSE, HEDGED_CAUSE, JOINING, EXAMPLE, GET_FORMS, TROUBLE_OFFER, WELCOME_TO, *WRAPPERS)  # WRAPPERS: round 17g


def without_fallback(text: str) -> str:
    """``text`` without a leading fallback condition (:data:`FALLBACK_LEAD_IN`)."""
    return FALLBACK_LEAD_IN.sub("", text, count=1)


def without_procedure(text: str) -> str:
    """``text`` without the frame words of a procedural line (see the module): for the loose word check only."""
    m = DETAIL_REQUEST.match(text)
    if m:
        text = m.group("lead") + " " + REQUEST_PURPOSE.sub("", text[m.end():], count=1)
    for frame in _FRAMES:
        text = frame.sub(" ", text)
    return text


def unsupported_frame_words(text: str, content_words: Callable[[str], frozenset[str]],
                            loose_support: Callable[[frozenset[str]], float]) -> frozenset[str]:
    """The content words of ``text`` that only its procedural frames carry (:func:`without_procedure`)
    and the cited sources do not have: left out of the loose word check. A frame word the sources
    have ("send me", "tell me" where the article asks the agent to) still counts for the sentence."""
    framed = content_words(text) - content_words(without_procedure(text))
    return frozenset(w for w in framed if not loose_support(frozenset({w})))


def asked_names(customer_texts: Iterable[str]) -> frozenset[str]:
    """The full names the customer asked their account to be changed to: a reply may say them back."""
    return frozenset(n for t in customer_texts for m in ASKED_NAME.finditer(t) for n in m.groups() if n)

