"""Clauses, and the sentences that make no claim.

A reply's sentence is split into **clauses** at ``;``, ``,`` and conjunctions
(:func:`clause_spans`). A **conversational** sentence (greeting, thanks, empathy, an offer to
help, a question, small talk, an aside about the customer's situation, the next step of the
conversation: :mod:`service.guardrails.next_steps`; a hedged lead-in to the customer's own steps or
advice to reset a password: :mod:`service.guardrails.hedged_steps`) needs no support from the
sources, but only while it carries no fact and no commitment word (:func:`is_conversational`);
otherwise it is a claim like any other, checked in :mod:`service.guardrails.claims`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.guardrails.asides import aside, situation_spans
from service.guardrails.hedged_steps import hedged_lead_in, security_step
from service.guardrails.commitments import acts_in
from service.guardrails.humour import laughed, light_humour
from service.guardrails.conversational import (ANYONE_FEELS, ASKING, COMMITMENT_WORD, CONTINUATION, CONVERSATIONAL, EMPATHY_HEAD, FRIENDLY, FUTURE,
                                                HELP_WITH, INTERJECTION, LEVEL_LEAD_IN, NAME_ONLY, NOUN_PHRASE, TOPIC, VOCATIVE, WISH, small_talk, verbless_exclamation)
from service.guardrails.levels import scope_of
from service.guardrails.moves import without_identifiers
from service.guardrails.number_lists import JOINT
from service.guardrails.next_steps import next_step
from service.guardrails.numbers import prepare
from service.guardrails.passages import Fact, facts_of

_CLAUSE = re.compile(r"(?!" + JOINT + r"|(?<=gold)\s*,\s*silver\s*,?\s*(?:and|or)\s+bronze\b|(?<=gold, silver)\s*,?\s*(?:and|or)\s+bronze\b)\s*(?:;|,|\s(?:and|but|or|while|whereas)\s|\sso\s(?=(?:i|i'[a-z]+|we|we'[a-z]+|you|you'[a-z]+|it|it's|that|that's|this|these|those|they|he|she|"
                     r"there|the|your|our|my|a|an|if|please|just|let|feel|no|any|all|every|each|\d)\b)"
                     r"|\s(?=(?:once|after|as soon as|when)\s+(?:i|we)(?:'ve|\s+have)\s+(?:\w+\s+)?\w+ed\b))\s*", re.I)
"""Clauses end at ";", "," and conjunctions; "so" joins clauses only before a new subject ("so
we'll check", not "it's so slow today"); the agent's own step a commitment waits for ("I'll refund
the $8 once I've checked your account") is a clause of its own (ninth round); all three member levels listed ("Gold, Silver or Bronze") are one (eleventh)."""

def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of ``text`` (split at ``;``, ``,`` and conjunctions)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _CLAUSE.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans or [(0, len(text))]



_QUESTION_TIME = frozenset({"today", "tomorrow"})


def asserted_facts(sentence: str, facts: list[Fact]) -> list[Fact]:
    """A question asserts nothing about when: "Would you like to start the return today?" states
    no fact "today" (numbers and eligibility words in a question still count)."""
    if sentence.rstrip().rstrip("\"')").endswith("?"):
        return [f for f in facts if f.value not in _QUESTION_TIME]
    return facts


@lru_cache(maxsize=8192)  # a pure function of the text: the clauses of approved replies and chunks recur in every check
def is_conversational(sentence: str) -> bool:
    """Greeting, thanks, empathy, an offer, an exclamation, a list lead-in, small talk or a
    question, with no fact and no commitment. In a clause of empathy ("I'm sorry your refund
    hasn't shown up yet") a commitment word or a day is the customer's situation, not a claim;
    the object of an offer to help ("I can help with a refund") is its topic. Numbers, levels and
    eligibility words ("free", "waived") are claims wherever they stand."""
    s = sentence.strip().strip("\"'")
    rest = INTERJECTION.sub("", s)
    interjected = rest != s and bool(rest.strip())
    s = rest if rest.strip() else s
    if light_humour(s, laughing=laughed(sentence)) and excused(s):
        return True  # "Ha, the floor-sweeping look isn't for everyone!" (seventeenth round)
    if (scope_of(ANYONE_FEELS.sub(" ", s)) is not None and not LEVEL_LEAD_IN.match(s)) or not excused(s):
        return False
    if interjected and NAME_ONLY.match(s):
        return True  # "Good news, Kwame!"
    s = VOCATIVE.sub("", s)
    if _turns(s):
        return False
    return (bool(CONVERSATIONAL.match(s)) or (bool(FRIENDLY.match(s)) and not _states(s)) or (s.endswith("?") and len(s.split()) <= 25)
            or asks(s) or small_talk(s) or verbless_exclamation(s) or _empathy(s) or aside(s) or next_step(s)
            or hedged_lead_in(s) or security_step(s))  # round 18e: hedged lead-ins and safe security advice


TURN = re.compile(r"^\W*(?:but|however|unfortunately|sadly|though|although|yet|except|that said)\b[\s,]*", re.I)


def _turns(s: str) -> bool:
    """A courtesy that turns to a statement ("I'm sorry, but we don't accept returns on sale
    items"): the turned clause is judged on its own, and the sentence is conversational only if
    that clause is too ("Sorry about that, but let me check for you")."""
    spans = clause_spans(s)
    for a, b in spans[1:]:
        m = TURN.match(s[a:b])
        if m and not is_conversational(s[a + m.end():b]):
            return True
    return False


_STATEMENT = re.compile(r"\b(?:is|are|was|were|has|have|had|will|can|could|'s|'re|'ve|'ll|gets?|got)\b", re.I)


def _states(s: str) -> bool:
    """A friendly line followed by a statement of its own ("No harm done, your account is now
    unlocked"): a later clause of three words or more that states something and is not
    conversational itself makes the sentence a claim."""
    for a, b in clause_spans(s)[1:]:
        part = re.sub(r"^(?:and|so|or|plus|also)\s+", "", s[a:b].strip(), flags=re.I)
        if len(part.split()) >= 3 and _STATEMENT.search(part) and not CONTINUATION.match(part) and not is_conversational(part):
            return True
    return False


def asks(s: str) -> bool:
    """A request for details that introduces a list ("To set that up, could you send me:")."""
    return s.rstrip().endswith(":") and bool(ASKING.search(s)) and len(s.split()) <= 25


def _empathy(s: str) -> bool:
    """An empathy clause followed only by clauses that go on describing the customer's situation
    ("..., especially after checking with your neighbours"); a clause of its own ("but ...",
    "so we'll ...") is a claim."""
    spans = clause_spans(s)
    return (len(s.split()) <= 30 and bool(EMPATHY_HEAD.match(s[spans[0][0]:spans[0][1]]))
            and all(CONTINUATION.match(s[a:b]) for a, b in spans[1:]))


def excused(s: str) -> bool:
    """No fact and no commitment word outside what an empathy clause or an offer to help may carry."""
    t = prepare(without_identifiers(s))  # "about order NW-31664": the order's name, no figure (twelfth round)
    facts = asserted_facts(t, facts_of(t))
    commitments = list(COMMITMENT_WORD.finditer(t))
    if not facts and not commitments:
        return True
    spans = clause_spans(t)
    # An empathy clause that looks ahead ("I understand, it will arrive tomorrow") is a promise.
    # Nor one that grants what it names ("I'm sorry I can refund the difference": ninth round).
    empathy = situation_spans(t, spans, [(a, b) for a, b in spans if EMPATHY_HEAD.match(t[a:b]) and not FUTURE.search(t, a, b) and not acts_in(t[a:b], "claim")])
    helping = []
    for i, (a, b) in enumerate(spans):
        m = HELP_WITH.search(t, a, b)
        if m:
            # "help with a refund or a replacement": the object runs on over bare noun phrases.
            end = b
            for na, nb in spans[i + 1:]:
                if not NOUN_PHRASE.match(t[na:nb]):
                    break
                end = nb
            helping.append((m.end(), end))

    def inside(pos: int, where: list[tuple[int, int]]) -> bool:
        return any(a <= pos < b for a, b in where)

    wished = [(m.end(), b) for a, b in spans for m in [WISH.search(t, a, b)] if m]
    return (all(f.value in _QUESTION_TIME and inside(f.start, empathy) for f in facts)
            and all(inside(m.start(), helping) or (TOPIC.match(m.group(0)) and inside(m.start(), empathy + wished)) for m in commitments))
