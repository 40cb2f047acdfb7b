"""A benefit denied to a level, held against what the sources grant that level (issue 13, twelfth round).

"As a Gold member you can't get a credit for the shipping fee" where a source says "Already
shipped, Gold, Silver or Bronze: ... we can add a credit to the account for the amount of the
shipping fee" is a wrong denial: word overlap finds the Gold passage and passed it. A source is
read part by part (:func:`regions`): each part is said of the levels its label or sentence names
(carried on to the parts after it: "the date can't be changed, but we can add a credit"), and it
grants, denies, or grants on a condition. So:

* :func:`denial_against_grant`: a clause denying a level something ("isn't available", "we aren't
  able to offer", "not for Bronze"), or keeping it to some levels ("only available to Gold and
  Silver members", said to the others), is refused where a part of a source grants that thing,
  in the clause's words and with no condition, to a level it denies; a part that denies it, keeps
  it to other levels, or never speaks of the level leaves the denial standing;
* :func:`fee_kept_for_level`: a level told it won't pay a fee ("As a guest you won't pay the extra
  fee") where a source says that level's fee stays (or gives the level a price for it);
* :func:`denial_stands`: the other side, used by :mod:`service.guardrails.support`: a denial for
  some levels on a topic the sources treat level by level, where no part grants it to those
  levels, is supported ("for guest orders we aren't able to offer a credit for the shipping fee");
* :func:`denied_alike`: likewise a denial for levels a source denies everything on the topic ("Guests:
  unfortunately there is nothing we can do"), where no part grants those levels anything on it (fix-15b).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from service.guardrails.levels import ALL_LEVELS, SUBORDINATE, level_groups, scope_of, segment_spans
from service.guardrails.numbers import prepare
from service.guardrails.waivers import free_for_paying_level, price_waived_for_level

Words = Callable[[str], frozenset[str]]

_PIECE = re.compile(r"[;!?]|\.(?=\s|$)|:\s|,\s*(?:and|but|while|whereas)\b|\s(?:but|whereas|while)\s", re.I)
_DENIES = re.compile(r"\b(?:can'?t|cannot|can not|could(?:n'?t| not)|unable|won'?t|will not|not|never|nothing|stays?|remains?|no longer|must wait)\b"
                     r"|n't\b|^\W*no\W*$", re.I)
"""A part that denies ("the fee stays", "there is nothing we can do", a table cell "No"); "with no shipping fee" grants."""
_CONDITION = re.compile(r"\b(?:if|unless|provided|as long as|only (?:if|when|after|once))\b", re.I)
_LEVEL_WORDS = "gold silver bronze guest guests member members membership level levels account accounts customer customers"
_DENIAL_WORDS = ("available availability able offer offered option options unfortunately afraid sorry benefit benefits something "
                 "thing get gets eligible include included possible only just genuinely really actually simply")
"""The words of the denial itself and of its hedge, not of the thing denied."""
_FLAT = re.compile(r"\b(?:can'?t|cannot|can not|unable|(?:is|are|was)(?:n'?t| not) (?:able|available|eligible|included|offered|possible|something)|"
                   r"not (?:available|eligible|included|offered|for)|(?:do|does)(?:n'?t| not) (?:get|qualify|include|come with|apply)|won'?t be able)\b", re.I)
_ONLY = re.compile(r"\b(?:only|just|exclusively)\s+(?:(?:available|offered|open|possible|given)\s+)?(?:to|for)\b|\b(?:is|are)\s+(?:a\s+)?(?:benefit|perk)\s+(?:for|of)\b"
                   r"|\bfor\s+[\w ,]{0,40}?(?:members|guests)\s+only\b", re.I)
"""A thing kept to some levels ("only available to Gold and Silver members", "is a benefit for Gold and Silver members")."""
_YOU = re.compile(r"\b(?:you|your|you'?re|you'?ll)\b", re.I)
_WAIVER = re.compile(r"\b(?:waived?|free|complimentary|no (?:[\w-]+ )?(?:fee|charge|cost))\b", re.I)
_PRICE = re.compile(r"[$€£]\s?\d")


@dataclass(frozen=True)
class Part:
    levels: frozenset[str]
    words: frozenset[str]
    """The part's words with its label's ("Already shipped, Gold, Silver or Bronze")."""
    denies: bool
    conditional: bool
    text: str


@lru_cache(maxsize=4096)
def _regions(text: str, hint: frozenset[str] | None, words: Words) -> tuple[Part, ...]:
    t = prepare(text.replace("**", ""))
    out: list[Part] = []
    carried, label = hint, frozenset()
    pos = 0
    for brk in [*_PIECE.finditer(t), None]:
        end = brk.start() if brk else len(t)
        piece = t[pos:end].strip()
        pos = brk.end() if brk else len(t)
        if not piece:
            continue
        groups = list(level_groups(piece))
        if brk is not None and brk.group(0).startswith(":"):
            if groups:
                carried = frozenset().union(*(g[2] for g in groups))
            label = words(piece)  # a label ("**Gold and Silver members:**") says whom, not what is granted
            continue
        # a piece naming levels apart ("Silver/Bronze can also return with ..., guests with a receipt") is cut at each
        spans = [(a, b, levels) for a, b, levels, _ in segment_spans(piece, groups)] if groups else [(0, len(piece), carried)]
        if groups:
            label = frozenset()
        for a, b, levels in spans:
            if levels is None:
                continue
            sub = piece[a:b]
            carried = levels
            main = SUBORDINATE.sub(" ", sub)
            # "with no shipping fee" says the thing is free: the part speaks of "free shipping" (fix-15b)
            free = words("free") if _WAIVER.search(sub) else frozenset()
            out.append(Part(levels, words(sub) | label | free, bool(_DENIES.search(main)), bool(_CONDITION.search(sub)), sub))
    return tuple(out)


def regions(passages: Iterable, words: Words) -> list[tuple[object, Part]]:
    """(passage, part) for each part of each passage said of some levels."""
    return [(p, part) for p in passages if not p.parts and p.source != "the policy"
            for part in _regions(p.text, p.scope_hint, words)]


def _thing(text: str, words: Words) -> frozenset[str]:
    return words(text) - words(_LEVEL_WORDS) - words(_DENIAL_WORDS)


def _shared(thing: frozenset[str], words: frozenset[str]) -> int:
    """How many of ``thing``'s words ``words`` has, a word matching on its first five letters ("extend", "extension")."""
    heads = {w[:5] for w in words if len(w) >= 5}
    return sum(1 for w in thing if w in words or (len(w) >= 5 and w[:5] in heads))


def _on(thing: frozenset[str], part: Part) -> bool:
    """Does ``part`` speak of ``thing`` (two of its words or more, and most of them)?"""
    return len(thing) >= 2 and _shared(thing, part.words) >= max(2, math.ceil(0.6 * len(thing)))




def granted_to(levels: frozenset[str], thing: frozenset[str], passages: Iterable, words: Words, waiver: bool = False) -> tuple[object, Part] | None:
    """The first part of a source granting ``thing`` to one of ``levels`` with no condition. Where the
    thing denied is a waiver (``waiver``: "the overnight fee is waived for Gold members only"), a part that
    prices it for the level ("Overnight upgrade fee ($20): Bronze $20") grants no waiver: it says the same
    as the denial (fifteenth round, fix-15b)."""
    for p, part in regions(passages, words):
        if part.levels & levels and not part.denies and not part.conditional and _on(thing, part) and not (
                waiver and _PRICE.search(part.text) and not _WAIVER.search(part.text)):
            return p, part
    return None


def _denied(clause: str, addressed: frozenset[str] | None, sentence: str = "") -> list[tuple[frozenset[str], str]]:
    """(levels, text) of each part of ``clause`` denying its levels something; a thing kept to some
    levels is denied to the others (all the levels the sentence keeps it to: "only for Gold | and
    Silver members" is cut into two clauses)."""
    t = prepare(clause)
    if SUBORDINATE.search(t) and not _FLAT.search(SUBORDINATE.sub(" ", t)):
        return []
    groups = list(level_groups(t))
    if _ONLY.search(t) and groups and not _FLAT.search(t):
        kept = frozenset().union(*(g[2] for g in groups))
        at = sentence.find(t)
        if at >= 0:  # the run of levels the clause's last group opens in the sentence
            run = [g for g in level_groups(sentence) if g[0] <= at + groups[-1][0] < g[1] or at + groups[-1][0] <= g[0] <= at + len(t) + 12]
            kept = kept.union(*(g[2] for g in run))
        return [(ALL_LEVELS - kept, t)] if kept != ALL_LEVELS and len(kept) < 4 else []
    if not groups:
        return [(addressed, t)] if addressed and addressed != ALL_LEVELS and _YOU.search(t) and _FLAT.search(t) else []
    return [(levels, t[a:b]) for a, b, levels, neg in segment_spans(t, groups)
            if neg and levels != ALL_LEVELS and _FLAT.search(SUBORDINATE.sub(" ", t[a:b]))]


def denial_against_grant(clause: str, passages: Iterable, words: Words, addressed: frozenset[str] | None = None, sentence: str = "") -> str | None:
    """A level denied what a source grants it outright (see the module's docstring)."""
    passages = list(passages)
    for levels, part in _denied(clause, addressed, sentence):
        found = granted_to(levels, _thing(part, words), passages, words, waiver=bool(_WAIVER.search(part)))
        if found:
            p, grant = found
            to = ", ".join(sorted(levels & grant.levels))
            return f"{p.source} grants this to {to}: {grant.text.strip()[:80]!r}"
    return None


_NO_PAY = re.compile(r"\b(?:won'?t|will not|do(?:es)?n'?t|do(?:es)? not|never|no need to)\s+(?:have to\s+|need to\s+)?(?:pay|be charged)\b"
                     r"|\b(?:fee|charge)s?\s+(?:is|are|will be|gets?|'s)\s+(?:waived|removed|dropped|taken off)\b", re.I)
_KEPT = re.compile(r"\b(?:stays?|remains?|applies|still (?:pay|charged)|cannot remove|can'?t remove|pays?)\b|[$€£]\s?\d", re.I)


def fee_kept_for_level(clause: str, passages: Iterable, words: Words, addressed: frozenset[str] | None = None) -> str | None:
    """A level told it won't pay a fee that a source keeps for that level ("Bronze members and
    guests: the fee stays"; a table cell "Overnight upgrade fee ($20) Guest: $20")."""
    if not _NO_PAY.search(clause) or _CONDITION.search(clause):
        return None
    levels = scope_of(clause) or (addressed if _YOU.search(clause) else None)
    if not levels or levels == ALL_LEVELS:
        return None
    thing = _thing(clause, words) - words("pay paid charged won't will")
    for p, part in regions(passages, words):
        if part.levels & levels and part.levels != ALL_LEVELS and _KEPT.search(part.text) and not part.conditional and (thing & part.words) \
                and not re.search(r"\b(?:waived|removed|free)\b", part.text, re.I):
            return f"{p.source} keeps this fee for {', '.join(sorted(levels & part.levels))}: {part.text.strip()[:80]!r}"
    return None


def level_contradicted(clause: str, passages: Iterable, words: Words, addressed: frozenset[str] | None = None, sentence: str = "") -> str | None:
    """A price for a level the sources waive it for (:mod:`service.guardrails.waivers`), a denial
    against a grant, a fee waived for a level that pays it."""
    passages = list(passages)
    return (price_waived_for_level(clause, passages, words, addressed) or denial_against_grant(clause, passages, words, addressed, sentence)
            or fee_kept_for_level(clause, passages, words, addressed) or denial_against_condition(clause, passages, words, addressed, sentence)
            or free_for_paying_level(clause, passages, words, addressed))


def denial_stands(scope: frozenset[str], clause_words: frozenset[str], passages: Iterable, words: Words) -> bool:
    """A denial for ``scope`` on a thing the sources treat level by level: some part speaks of it
    for named levels, and no part naming one of ``scope``'s levels on the same thing (one word
    is enough; a part said of every level needs most of them) grants it, even on a condition."""
    thing = clause_words - words(_LEVEL_WORDS) - words(_DENIAL_WORDS)
    if len(thing) < 2 or scope == ALL_LEVELS:
        return False
    parts = [part for _, part in regions(passages, words)]
    if any(part.levels & scope and not part.denies and (_shared(thing, part.words) if part.levels != ALL_LEVELS else _on(thing, part)) for part in parts):
        return False
    return any(part.levels != ALL_LEVELS and _on(thing, part) for part in parts)


_GROUNDED = re.compile(r"\b(?:if|unless|provided|as long as|only (?:if|when|after|once)|since|because|given (?:that|it|your)|as (?:it|it'?s|your|the|this)|"
                       r"past|beyond|outside|more than|over|already|late|early|yet|at this point|in your case|this time)\b|\d", re.I)
"""What makes a denial a verdict on the customer's case ("since it's 3 days late", "at this point") or a rule with its condition."""


def denial_against_condition(clause: str, passages: Iterable, words: Words, addressed: frozenset[str] | None = None, sentence: str = "") -> str | None:
    """A level flatly denied what a source grants it on a condition (round 14e): "As a Silver member,
    you can't get an extension" where a source says "Silver members: get an extension only if they
    are 1 day late". The denial says the level never gets it; the source says it does, when the
    condition holds. A denial that says why in this case, or names the condition ("since it's 3 days
    late", "only if ..."), is a verdict or the rule, not this; a grant the source gives outright is
    :func:`denial_against_grant`'s."""
    if _GROUNDED.search(sentence or clause):
        return None
    passages = list(passages)
    for levels, part in _denied(clause, addressed, sentence):
        thing = _thing(part, words)
        if not thing or levels == ALL_LEVELS:
            continue
        for p, grant in regions(passages, words):
            if not (grant.levels & levels) or grant.levels == ALL_LEVELS or grant.denies or not grant.conditional:
                continue
            around = grant.words | words(getattr(p, "context", ""))
            own = _shared(thing, words(grant.text))
            if (len(thing) == 1 and own == 1) or (len(thing) >= 2 and own >= 1 and _shared(thing, around) >= max(2, math.ceil(0.6 * len(thing)))):
                to = ", ".join(sorted(levels & grant.levels))
                return f"{p.source} grants this to {to} on a condition the reply leaves out: {grant.text.strip()[:80]!r}"
    return None



_BLANKET = "nothing anything"


def denied_alike(scope: frozenset[str] | None, clause_words: frozenset[str], passages: Iterable, words: Words) -> bool:
    """A denial for ``scope`` ("there's nothing we can adjust on the shipping this time" said of a guest, "we
    can't replace it for guest orders") where a part of a source denies those levels everything ("Already
    shipped, guest: unfortunately there is nothing we can do"; "Guests: ... there is nothing we can do"), in a
    passage on the clause's topic (a word of the thing denied in the passage or its headings), and no part
    grants those levels anything on that thing. A denial to a level whose parts deny only some things ("the
    date can't be changed, but we can add a credit") is not supported here (fifteenth round, fix-15b)."""
    if not scope or scope == ALL_LEVELS:
        return False
    blanket = words(_BLANKET)
    thing = clause_words - words(_LEVEL_WORDS) - words(_DENIAL_WORDS) - blanket
    if not thing:
        return False
    found = regions(passages, words)
    if any(part.levels & scope and not part.denies and (_shared(thing, part.words) if part.levels != ALL_LEVELS else _on(thing, part)) for _, part in found):
        return False
    # the topic: the clause's words but its levels' ("invalid" meets a heading's "not valid")
    topic = {w for v in clause_words - words(_LEVEL_WORDS) - blanket for w in (v, re.sub(r"^(?:in|un)(?=\w{4})", "", v))}
    return any(part.denies and scope <= part.levels and part.levels != ALL_LEVELS and not part.conditional and part.words & blanket
               and topic & words(f"{getattr(p, 'context', '')} {p.text}") for p, part in found)
