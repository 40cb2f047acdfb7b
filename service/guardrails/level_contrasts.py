"""What one level gets set against another, and what a level is granted outright (issue 13, ninth round).

Used by :mod:`service.guardrails.claims`:

* :func:`contrast_words`: a figure said again with "the" of another level in a contrast ("Gold
  members get the $20 overnight upgrade fee waived, while Silver members ... pay the $20") is the
  figure of the thing named where the sentence first stated it: that clause's words say what the
  figure is, so the contrast clause is read with them (it still needs a passage giving the figure
  to its own level: "Overnight upgrade fee ($20) Silver: $20");
* :func:`removed_outright`: an action on the charge itself (removing, waiving it) that a source
  grants a level with no condition and no figure ("Gold and Silver members: ... the extra fee is
  always removed"): the customer's own amount
  named in that commitment ("As a Gold member, that extra $12 will be removed") is their case,
  not a figure the commitment rests on. Where the level's passage sets a condition or a figure,
  or denies the action ("Bronze members and guests: the fee stays"), the amount stays a claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from service.guardrails.levels import ALL_LEVELS, covers, scope_of
from service.guardrails.passages import Fact, Passage
from service.guardrails.support import antecedent_of, flat_denial

_THE = re.compile(r"\b(?:the|that|this)\s+$", re.I)
_CONDITION = re.compile(r"\b(?:only if|only when|if|unless|provided|as long as|less than|more than|under|over|at least|up to|check)\b", re.I)
_FIGURE = re.compile(r"\d")
_ON_THE_CHARGE = frozenset({"act:remove", "act:waive"})
"""Actions done to the charge itself: its amount is the customer's. A refund's amount is worked out
(the difference between billed and expected), so "I'll refund the full $120" stays a claim."""
_NOT_THE_THING = " member members waived waive free complimentary unlimited"


def contrast_words(text: str, spans: Sequence[tuple[int, int]], i: int, facts: Iterable[Fact],
                   content_words: Callable[[str], frozenset[str]]) -> frozenset[str]:
    """The content words of the earlier clause of ``text`` that first stated a figure which clause
    ``i`` says again with "the" of another level; empty when there is none."""
    start, end = spans[i]
    facts = list(facts)
    out: set[str] = set()
    for f in facts:
        if not (start <= f.start < end) or not f.value[:1].isdigit() or f.scope is None or not _THE.search(text, max(0, f.start - 6), f.start):
            continue
        first = next((o for o in facts if o.value == f.value and o.qual == f.qual and o.start < start and o.scope is not None
                      and not (o.scope & f.scope)), None)
        if first is None:
            continue
        a, b = next((a, b) for a, b in spans if a <= first.start < b)
        # what the figure is ("overnight upgrade fee"), not what the earlier level gets ("waived")
        out |= content_words(text[a:b]) - content_words(" ".join(sorted(first.scope)) + _NOT_THE_THING)
    return frozenset(out) or _elliptical_contrast(text, spans, i, facts, content_words)


_NO_CHARGE = re.compile(r"\b(?:waived?|free|complimentary|no (?:[\w-]+ )?(?:fee|charge|cost))\b", re.I)
"""The other side of a price contrast: a level that pays nothing for the thing."""
_PAYS = " pay pays paid cost costs charged charge get gets for everyone else other others rest"
"""The words of an elliptical contrast clause besides its level and figure ("Silver members pay $20", "$20 for Silver")."""


def _elliptical_contrast(text: str, spans: Sequence[tuple[int, int]], i: int, facts: list[Fact],
                         content_words: Callable[[str], frozenset[str]]) -> frozenset[str]:
    """A figure said of a level in a clause that names no thing of its own, set against another
    level just before ("the $20 fee is waived for Gold; Silver members pay $20", "waived for Gold,
    $20 for Silver"): the figure is the price of the thing the earlier clause names, so the clause
    is read with that clause's words (fourteenth round, fix-14d). It still needs a passage giving
    the figure to its own level ("Overnight upgrade fee ($20) Silver: $20"); "Gold members pay $20"
    is refused where Gold's is waived."""
    start, end = spans[i]
    mine = [f for f in facts if start <= f.start < end and f.value[:1].isdigit() and f.scope is not None]
    if i == 0 or not mine:
        return frozenset()
    level = frozenset().union(*(f.scope for f in mine))
    if content_words(text[start:end]) - content_words(" ".join(sorted(level)) + " member members" + _PAYS):
        return frozenset()  # the clause names its own thing ("Silver members pay $20 for gift wrapping")
    a, b = spans[i - 1]
    other = scope_of(text[a:b])
    if other is None or other == ALL_LEVELS or other & level or not _NO_CHARGE.search(text, a, b):
        return frozenset()  # only set against a level that pays nothing: "Silver pays $20, Gold pays $20" is two prices
    return content_words(text[a:b]) - content_words(" ".join(sorted(other)) + _NOT_THE_THING)


def removed_outright(acts: Iterable[str], level: frozenset[str] | None, passages: Iterable[Passage]) -> bool:
    """Does a passage grant each of ``acts`` to ``level`` in so many words, with no condition and
    no figure of its own?"""
    acts = set(acts)
    if not acts or not acts <= _ON_THE_CHARGE or not level or level == ALL_LEVELS:
        return False
    granted: set[str] = set()
    for p in passages:
        if p.parts or _CONDITION.search(p.text) or _FIGURE.search(p.text):
            continue
        scope = scope_of(p.text) or p.scope_hint
        if scope is None or scope == ALL_LEVELS or not covers(scope, level):
            continue
        granted |= {x.value for x in p.facts() if x.value in acts and x.scope is not None and covers(x.scope, level)}
    return acts <= granted


_LABEL = re.compile(r"^\W*(?:\*\*)?(?P<label>[^:.!?*]{2,60}?)(?:\*\*)?:(?:\*\*)?\s+")
"""The label of a list item or a comparison line ("- **Subscription payment extension:** ...", "Returns: ...")."""
_VERDICT_WORDS = " not no yes available availability able eligible offered included applicable member members only just"
"""The words with which a clause of a comparison says yes or no for a level ("Bronze not available")."""


def _label(text: str) -> str | None:
    m = _LABEL.match(text)
    return m.group("label") if m and not re.search(r"\d", m.group("label")) else None


def label_words(text: str, spans: Sequence[tuple[int, int]], i: int, content_words: Callable[[str], frozenset[str]]) -> frozenset[str]:
    """A later clause of a labelled comparison that only gives a level's yes or no ("**Subscription
    payment extension:** Silver if 1 day late, Bronze not available") is said of the thing the label
    names, so it is read with the label's words (fourteenth round, fix-14d): "Bronze not available"
    is then held against the source's "Subscription payment extension ... Bronze: No", and
    "Silver not available" refused where Silver has it. Empty when the clause names its own thing."""
    label = _label(text)
    if i == 0 or label is None:
        return frozenset()
    start, end = spans[i]
    clause = text[start:end]
    level = scope_of(clause)
    own = content_words(clause) - content_words(" ".join(sorted(level or ())) + " member members guest guests")
    if level is None or not own or own - content_words(_VERDICT_WORDS):
        return frozenset()  # a bare level ("..., not available for Bronze or guests") goes with the clause before it
    return content_words(label)


def label_and_levels(text: str, spans: Sequence[tuple[int, int]], i: int, content_words: Callable[[str], frozenset[str]], level_words: frozenset[str]) -> bool:
    """The first clause of a labelled line that, past its label, only names levels ("Adding to a
    shipped order: Gold" before "and Silver get the item sent separately"): a bare list of levels,
    which says nothing either way; what they get is said in the clause after it (fix-14d)."""
    label = _label(text)
    if i != 0 or label is None or len(spans) < 2:
        return False
    start, end = spans[0]
    rest = text[start:end][_LABEL.match(text).end():]
    return bool(content_words(rest)) and content_words(rest) <= level_words


def denied_antecedent(text: str, spans: Sequence[tuple[int, int]], i: int, content_words: Callable[[str], frozenset[str]]) -> frozenset[str]:
    """The words of what a pronoun denial stands for ("Sending a forgotten item separately with no
    shipping fee is a benefit for Gold and Silver members, so it isn't available on a guest
    account": the separate sending), so the denial is held against the sources' rule for that
    thing, level by level, rather than against "available" and "account" (fourteenth round,
    fix-14d). Empty when the clause does not open on a pronoun or denies nothing."""
    start, end = spans[i]
    if not flat_denial(text[start:end]):
        return frozenset()
    return antecedent_of(text, spans, i, content_words)
