"""Support for one clause: the single source passage that states all its facts, for the levels
it says them of, with enough of its words (:func:`best_passage`); used by
:mod:`service.guardrails.claims`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from service.guardrails.kinds import agree
from service.guardrails.level_denials import denial_stands, denied_alike
from service.guardrails.level_grants import granted_words, unconditional_grant
from service.guardrails.levels import ALL_LEVELS, covers, says_universally
from service.guardrails.passages import Fact, Passage

PASSAGE_OVERLAP = 0.5
"""Share of a clause's content words that its one supporting passage must contain."""
NO_CHARGE = frozenset({"free", "no-fee", "waived"})
"""Eligibility words that all say the customer pays nothing for the thing named: one supports
another ("there's no fee for the upgrade" where the source has "the overnight fee is waived");
the level they are said of and the thing (the passage's words) must still match."""
UNIVERSAL_OVERLAP = 0.75
"""The same share for a clause said of everyone ("every customer can ..."): the universal
passage must state what the clause states, not just mention customers and returns."""


def same_fact(fact: Fact, claimed: Fact) -> bool:
    """A time said without am/pm ("9:00") matches the source's "9:00am"; "9:00pm" does not. A
    unit or a weekday both sides give must be the same ("2-year" is not "2 weeks"); a time said of
    "the other days" (qualifier ``!sun``) is any day's but that one's. "Free", "no fee" and
    "waived" are one fact (:data:`NO_CHARGE`)."""
    if claimed.qual.startswith("!"):  # "on the other days": any day but that one
        if fact.qual == claimed.qual[1:]:
            return False
    elif fact.qual and claimed.qual and fact.qual != claimed.qual:
        return False
    if not agree(fact.kind, claimed.kind):  # "20 characters" is not "$20 per order" (:mod:`~service.guardrails.kinds`)
        return False
    source, claim = fact.value, claimed.value
    if source in NO_CHARGE and claim in NO_CHARGE:
        return True  # "no fee for the upgrade" is what "the overnight fee is waived" / "free for Gold" says
    return source == claim or (re.fullmatch(r"\d{1,2}:\d{2}", claim) is not None and source[:-2] == claim and source[-2:] in ("am", "pm"))


def best_passage(facts: list[Fact], scope: frozenset[str] | None, words: frozenset[str], passages: Sequence[Passage],
                  content_words: "callable", *, universal: bool = False, negated: bool | None = None,  # type: ignore[valid-type]
                  antecedent: frozenset[str] = frozenset()) -> tuple[float, str]:
    """The best single passage for a clause. A clause that says something of everyone in so many
    words (``universal``) is supported only by a passage that also says it of everyone. A clause
    whose subject is a pronoun ("..., and it's free on orders of $75") is supported only by a
    single sentence that names what the pronoun stands for (``antecedent``: "gift wrapping"), so a
    fact of another thing (free shipping) is not tied to it."""
    if not facts and scope is not None:
        return _scope_support(scope, words, passages, content_words, universal=universal, negated=negated)
    best_overlap = 0.0
    reasons: list[str] = []
    # A figure or an action the sources give level by level ("Silver, Bronze members and guests: the
    # upgrade costs $20"; "Gold and Silver: the fee is always removed"): a passage naming no level
    # ("the customer's agreement to the $20 fee if it applies") is no support for giving it to a
    # level none of them gives it to.
    leveled = set()
    for f in facts:
        if f.scope is not None and (f.value.startswith("act:") or f.value[:1].isdigit()):
            given = [x.scope for p in passages for x in p.facts() if same_fact(x, f) and x.scope not in (None, ALL_LEVELS)]
            if given and not any(covers(g, f.scope) for g in given):
                leveled.add(f.value)
    # A passage naming no level ("You can ask us to cancel at any time") states it of everyone,
    # unless a source gives one of the clause's facts to particular levels.
    plain = scope == ALL_LEVELS and not any(same_fact(x, f) and x.scope not in (None, ALL_LEVELS)
                                            for p in passages for x in p.facts() for f in facts)
    for p in passages:
        if antecedent and (p.parts or not antecedent & content_words(p.text)):
            continue
        pf = p.facts()
        ok = True
        for f in facts:
            candidates = [x for x in pf if same_fact(x, f) and not (x.scope is None and f.value in leveled and not everyones_figure(p, x))]
            if not candidates:
                ok = False
                break
            if not any(covers(x.scope, f.scope) for x in candidates):
                ok = False
                said = sorted({lvl for x in candidates for lvl in (x.scope or ())})
                reasons.append(f"{f.value} is stated for {', '.join(said) or 'no level'} in {p.source}, not for "
                               f"{', '.join(sorted(f.scope)) if f.scope else 'everyone'}")
                break
        if not ok:
            continue
        if scope == ALL_LEVELS and not (plain and all(lv is None for lv, _ in p.segments())) and (
                all(lv != ALL_LEVELS for lv, _ in p.segments()) or (universal and not says_universally(p.text))):
            continue  # "any customer can ...": only a source that says so of everyone supports it
        pwords = content_words(f"{p.context} {p.text}")
        measured = granted_words(words, facts) if unconditional_grant(p, facts, same_fact) else words  # (eleventh round)
        measured = _without_fee_words(measured, facts, content_words)
        overlap = len(measured & pwords) / len(measured) if measured else 1.0
        best_overlap = max(best_overlap, overlap)
        if overlap >= (UNIVERSAL_OVERLAP if universal else PASSAGE_OVERLAP):
            return overlap, ""
    if negated and facts and (denied_by_complement(facts, words, passages, content_words) or denial_stands(scope or ALL_LEVELS, words, passages, content_words)
                              or denied_alike(scope or _one_scope(facts), words, passages, content_words)):
        return PASSAGE_OVERLAP, ""
    if reasons:
        return best_overlap, reasons[0]
    missing = ", ".join(f.value.replace("act:", "a commitment to ") + (f" ({f.qual})" if f.qual else "") for f in facts) or "its scope"
    if best_overlap:
        return best_overlap, f"no single in-force source passage states {missing} in these words (best overlap {best_overlap:.2f})"
    return 0.0, f"no in-force source passage states {missing}" + (f" for {', '.join(sorted(scope))}" if scope else "")


_FLAT_DENIAL = re.compile(r"\b(?:nothing (?:else |more )?(?:that )?(?:we|i)(?: can|'re able| are able| could)|(?:can'?t|cannot) do anything|can'?t|cannot|can not|(?:are|is)(?:n'?t| not) (?:able|available|eligible|included|offered|possible)|unable|not (?:available|eligible|included|offered)|"
                          r"(?:do|does)(?:n'?t| not) (?:get|qualify|include|come with|apply))\b", re.I)


_FEE_WORDS = "fee fees charge charges cost costs"


def _without_fee_words(words: frozenset[str], facts: list[Fact], content_words: Callable[[str], frozenset[str]]) -> frozenset[str]:
    """A clause's words without the noun of its "no ... fee" (fact ``no-fee``): that word is the fact
    itself, matched to a source's "free" or "waived" (:data:`NO_CHARGE`), not a word of the thing
    ("the item sent separately with no shipping fee" against "Free separate shipping": fix-14d)."""
    if not any(f.value == "no-fee" for f in facts):
        return words
    return words - content_words(_FEE_WORDS) or words


def _one_scope(facts: list[Fact]) -> frozenset[str] | None:
    """The levels all of ``facts`` are said of, when they are said of the same ones ("since it was placed as a
    guest, there's nothing we can adjust": the act is said of guests)."""
    scopes = {f.scope for f in facts}
    return next(iter(scopes)) if len(scopes) == 1 else None


def flat_denial(clause: str) -> bool:
    """A clause that says its levels do not get something ("we aren't able to ...", "isn't
    available"), not one whose fact is itself a "no" ("with no shipping fee")."""
    return _FLAT_DENIAL.search(clause) is not None


def denied_by_complement(facts: list[Fact], words: frozenset[str], passages: Sequence[Passage], content_words: Callable[[str], frozenset[str]]) -> bool:
    """A clause denying its levels what the sources give level by level to other levels only ("for
    Bronze members we can't send it with no shipping fee" where Gold and Silver get it): each fact
    is given, on the clause's topic, to named levels none of which is the clause's, no source gives
    it to everyone or to the clause's levels, and the source that gives it names the clause's levels
    (a level it never names is not held to be left out)."""
    for f in facts:
        if not f.scope or f.scope == ALL_LEVELS:
            return False
        said = [(p, x) for p in passages for x in p.facts() if same_fact(x, f)]
        if not said or any(x.scope is None or x.scope == ALL_LEVELS or x.scope & f.scope for _, x in said):
            return False
        sources = {p.source for p, _ in said
                   if len(words & content_words(f"{p.context} {p.text}")) >= PASSAGE_OVERLAP * len(words)}
        named = frozenset().union(*(lv or () for p in passages if p.source in sources for lv, _ in p.segments()))
        if not sources or not f.scope <= named:
            return False
    return True


def everyones_figure(p: Passage, x: Fact) -> bool:
    """A figure an article's approved reply states with no level ("Credits for returned items can
    take up to 7 days to appear") is every customer's: that reply is sent whatever the level, so
    the article's level-by-level steps that repeat it ("Silver, Bronze and guests: explain that
    credits can take up to 7 days") do not make it theirs alone. Only a figure, never an action
    (the approved "if it was, I'll remove it" grants no removal to a level the steps refuse), and
    only where the approved reply names no level at all (its "$20 for other members and guests"
    stays theirs)."""
    return (p.source.startswith("the approved ") and x.value[:1].isdigit() and x.scope is None
            and all(lv is None for lv, _ in p.segments()))


def _scope_support(scope: frozenset[str], words: frozenset[str], passages: Sequence[Passage], content_words: "callable", *,  # type: ignore[valid-type]
                   universal: bool, negated: bool | None) -> tuple[float, str]:
    """A clause about some levels that states no fact ("Any member who is late can get an
    extension"). The passages on its topic decide; when some of them state it level by level,
    only those do (a general sentence of the same article is no support for a level it treats
    differently), and one part of one of them must be said of all the clause's levels, with
    the same polarity (what a passage denies a level is no support for granting it)."""
    need = UNIVERSAL_OVERLAP if universal else PASSAGE_OVERLAP
    best = 0.0
    on_topic: list[tuple[Passage, float]] = []
    for p in passages:
        if p.parts:
            continue  # joined sentences are for facts stated over two sentences, not for levels
        pwords = content_words(f"{p.context} {p.text}")
        overlap = len(words & pwords) / len(words) if words else 1.0
        best = max(best, overlap)
        if overlap >= need:
            on_topic.append((p, overlap))
    leveled = [(p, o) for p, o in on_topic if any(lv is not None for lv, _ in p.segments())]
    for p, overlap in leveled or on_topic:
        if scope == ALL_LEVELS and (all(lv != ALL_LEVELS for lv, _ in p.segments()) or (universal and not says_universally(p.text))):
            continue
        if any(covers(lv, scope) and (negated is None or neg == negated) for lv, neg in p.segments()):
            return overlap, ""
    levels = ", ".join(sorted(scope))
    if negated and (denial_stands(scope, words, passages, content_words) or denied_alike(scope, words, passages, content_words)):  # (twelfth round; 15b)
        return PASSAGE_OVERLAP, ""
    if leveled:
        return best, f"the sources state this level by level, and none says it of {levels} (nor with the same polarity)"
    return best, f"no in-force source passage states it for {levels}"


_PRONOUN_SUBJECT = re.compile(r"^\W*(?:(?:and|but|so|plus|though)\s+)?(?:it|it'?s|they|they'?re|its)\b(?!\s+(?:depends|means|sounds|looks|seems)\b)", re.I)
_VERB = re.compile(r"\b(?:is|are|was|were|costs?|has|have|comes?|runs?|takes?)\b", re.I)
"""The verb that ends a clause's subject ("Gift wrapping *is* $5 per item")."""


def antecedent_of(text: str, spans: list[tuple[int, int]], i: int, content_words: "callable") -> frozenset[str]:  # type: ignore[valid-type]
    """What clause ``i``'s pronoun subject stands for ("Gift wrapping is $5 per item, and it's free
    on orders of $75": "gift wrapping"): the subject of the clause before it in the sentence with
    a verb (past a name or an aside, "..., Mateo, and it's ..."), its words before its verb. Empty
    when the clause does not open with a pronoun."""
    if i == 0 or not _PRONOUN_SUBJECT.match(text[spans[i][0]:spans[i][1]]):
        return frozenset()
    for a, b in reversed(spans[:i]):
        verb = _VERB.search(text, a, b)
        if verb is not None:
            return content_words(text[a:verb.start()])
    return frozenset()
