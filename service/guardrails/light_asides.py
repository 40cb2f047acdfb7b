"""Friendly asides with no policy fact (seventeenth round, fix17f).

Around its facts a reply jokes about the customer's situation ("Ha, your jeans have earned a rest!",
"New phone, new headaches!"), leads into a list ("A few highlights:"), says why a step it asks for
helps ("That'll make the report more useful."), draws the customer's own next move from the fact it
has just stated ("So it's worth checking the forecast for your trip against that.") and says back the
customer's own quoted words in a step ("... before trying "jeans" again.").

None of these states a rule, a level, an amount, a duration or a promise, so none needs a source.
Each is recognised by its form, and only while it carries no fact and no commitment word: the caller
(:func:`service.guardrails.asides.aside`, reached from
:func:`service.guardrails.courtesy.is_conversational`) has already found none, and a figure, a level
or a commitment in any of them ("Ha, your jeans have earned a free hem!", "That'll make your refund
quicker") keeps the sentence a claim, checked as ever. Quoted words are left out of the loose word
check only when every content word of the quote is the customer's and the quote is short and carries
no figure and no commitment word (:func:`their_quotes`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from service.guardrails.conversational import COMMITMENT_WORD, FUTURE

_OPENER = r"^\W*(?:(?:ha(?:ha)*|hah|heh|hehe|lol|oh|ah|well),?\s+)?"
_HASSLE = (r"(?:headaches?|hassles?|problems?|troubles?|woes|drama|challenges?|adventures?|surprises?|quirks?|struggles?|"
           r"puzzles?|mysteries|mystery|faff|stress|worries)")

EARNED_REST = re.compile(
    _OPENER + r"(?:your|those|these|the)\s+(?:[\w'-]+\s+){0,2}?[\w'-]+\s+"
    r"(?:(?:have|has|'ve|'s)\s+(?:(?:really|certainly|definitely|truly|clearly)\s+)?(?:earned|deserved)|(?:really\s+|certainly\s+|definitely\s+)?deserves?|"
    r"(?:are|is|'re|'s)\s+(?:(?:more\s+than\s+|well\s+)?(?:due|ready))\s+for)\s+"
    r"(?:a|an|their|its|some)\s+(?:(?:well-earned|good|nice|long|little|proper)\s+)?(?:rest|break|breather|day off|holiday|vacation|nap|retirement|medal|lie-in)"
    r"(?:,?\s+(?:then|now|at last|by now))?\s*!+$"
    r"|" + _OPENER + r"(?:your|those|these|the)\s+(?:[\w'-]+\s+){0,2}?[\w'-]+\s+(?:have|has|'ve|'s)\s+(?:(?:really|certainly|clearly)\s+)?"
    r"(?:seen\s+(?:some\s+action|a\s+lot|better\s+days)|been\s+through\s+(?:a\s+lot|the\s+wars|it)|had\s+(?:quite\s+)?a\s+workout|been\s+(?:working|busy)\s+(?:hard|overtime))\s*!+$",
    re.I)
"""A joke about the customer's own things ("Ha, your jeans have earned a rest!", "Those boots have seen
better days!"): said of their things, in idioms of rest and wear, never of the shop."""
PARALLEL_QUIP = re.compile(
    r"^\W*(?P<a>[a-z]+)\s+[\w'-]+(?:\s+[\w'-]+)?\s*[,;:—–-]+\s*(?P=a)\s+" + _HASSLE + r"(?:,?\s+(?:right|eh|huh))?\s*[!?]+$", re.I)
"""A quip on the customer's situation in two matched halves ("New phone, new headaches!", "Different
device, different problems!"): the second half names only a hassle, no benefit ("New level, new
perks!" is not of this form)."""
LIST_LEAD_IN = re.compile(
    r"^\W*(?:(?:so|ok(?:ay)?|now|right),?\s+)?(?:here\s+(?:are|is|'s)\s+|there\s+are\s+)?(?:(?:a\s+few|a\s+couple\s+of|some|the|my|a\s+handful\s+of)\s+)?"
    r"(?:(?:main|key|quick|big|biggest|top|important|headline|useful|handy|essential)\s+)?"
    r"(?:highlights?|points?|things|details?|differences?|takeaways?|tips?|pointers|basics|essentials|notes?|bits)"
    r"(?:\s+(?:to\s+know|worth\s+knowing|to\s+keep\s+in\s+mind|to\s+bear\s+in\s+mind|at\s+a\s+glance|for\s+you|in\s+brief))?\s*:$", re.I)
"""A lead-in to a list ("A few highlights:", "Key points to know:", "Here are the main differences:"):
the items after it are checked on their own (a level in the lead-in makes it a level's list,
:data:`~service.guardrails.conversational.LEVEL_LEAD_IN`, read before this)."""
_HELPED_THING = (r"(?:(?:the|my|our|your|that|this)\s+)?(?:report|request|note|search|check|look|investigation|feedback|message|summary|"
                 r"write-up|ticket|form)|things|it|everything|this|that")
STEP_HELPS = re.compile(
    r"^\W*(?:(?:that|this|it|those|these)(?:\s+(?:detail|details|info|information))?|knowing\s+(?:that|this|those|them))"
    r"(?:'ll|'d|\s+will|\s+would|\s+should|\s+can|\s+really|\s+just|\s+always)?\s+"
    r"(?:(?:make|makes)\s+(?:" + _HELPED_THING + r")\s+(?:(?:a\s+lot|much|far|a\s+bit|even|so\s+much)\s+)?"
    r"(?:more\s+(?:useful|helpful|accurate|specific|detailed|complete|precise|targeted)|easier|quicker|faster|smoother|simpler|clearer)"
    r"(?:\s+(?:for\s+(?:them|the\s+team|our\s+team|everyone|you|me|us)|to\s+(?:act\s+on|follow\s+up|look\s+into)))?"
    r"|(?:help|helps)\s+(?:me|us|the\s+team|our\s+team|them)\s+(?:narrow\s+(?:it|things)\s+down|pin\s?point\s+(?:it|the\s+(?:problem|issue|cause))"
    r"|look\s+into\s+(?:it|this|that)|understand\s+(?:what'?s\s+(?:going\s+on|happening)|the\s+(?:problem|issue)))"
    r"(?:\s+(?:faster|quicker|more\s+quickly))?)\s*[.!]*$", re.I)
"""The agent's word on why a step it asks for helps ("That'll make the report more useful.", "That
helps us narrow it down."): the step is checked where it is asked; the comment names only the
report, the search or the check it helps, never a refund, a delivery or a time."""
WORTH_CHECKING = re.compile(
    r"^\W*(?:(?:so|and|then),?\s+)?(?:(?:it'?s|it\s+is|it'?d\s+be|it\s+would\s+be|it\s+might\s+be|it\s+may\s+be)\s+(?:well\s+|probably\s+|also\s+|definitely\s+)?worth\s+"
    r"|(?:you\s+(?:might|may|'ll|will)\s+want\s+to|(?:i'?d|i\s+would)\s+(?:suggest|recommend))\s+)"
    r"(?:checking|check|comparing|compare|weighing|weigh|looking\s+at|look\s+at|holding|hold|measuring|measure)\s+(?:up\s+)?"
    r"(?:the|your)\s+[^,.;:!?\d$€£%]{1,50}?\s+(?:against|with|next\s+to|alongside)\s+(?:that|this|those|these|them|it)"
    r"(?:\s+(?:figure|number|range|rating|limit|temperature|guide|chart|measurements?))?\s*[.!]*$", re.I)
"""The customer's own next move drawn from the fact just stated ("So it's worth checking the forecast
for your trip against that."): it sets their situation against "that", the fact checked where it is
stated, and adds none of its own."""


def light_aside(sentence: str) -> bool:
    """Is ``sentence`` (with no fact and no commitment word: the caller has checked) a friendly aside
    of a form no source states: a joke about the customer's things or situation, a list lead-in, the
    agent's word on why a step helps, or the customer's next move set against the fact just stated?"""
    s = sentence.strip()
    return any(p.match(s) for p in (EARNED_REST, PARALLEL_QUIP, LIST_LEAD_IN, STEP_HELPS, WORTH_CHECKING))


_SHOP = re.compile(r"\b(?:we|we'\w+|i|i'\w+|us|our|ours)\b", re.I)
_QUOTE = re.compile(r"\"([^\"\n]{1,40})\"|(?<![\w])'([^'\n]{1,40})'(?![\w])")


def their_quotes(sentence: str, customer_words: frozenset[str], content_words: Callable[[str], frozenset[str]]) -> list[str]:
    """The quoted words of ``sentence`` that are the customer's own ("... before trying "jeans" again."
    after "even 'jeans'"): what they typed or said, said back in quotes, is their situation and no
    claim, so the loose word check leaves it out. Only short quotes (four words at most) with content
    words, every one the customer's, and no figure and no commitment word ("a "full refund"" stays),
    in a step the customer takes: a sentence that looks ahead, commits or speaks of the shop ("Then
    we'll send you a coupon before you try "jeans" again") is weighed with every word, as ever."""
    if not customer_words or FUTURE.search(sentence) or COMMITMENT_WORD.search(sentence) or _SHOP.search(sentence):
        return []
    out = []
    for m in _QUOTE.finditer(sentence):
        quoted = m.group(1) or m.group(2) or ""
        words = content_words(quoted)
        if (words and words <= customer_words and len(quoted.split()) <= 4 and not re.search(r"\d|[$€£%]", quoted)
                and not COMMITMENT_WORD.search(quoted)):
            out.append(m.group(0))
    return out
