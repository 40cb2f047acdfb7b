"""Claim-level grounding: is every fact a reply states supported by one source passage?

A reply is split into **claims** (sentences) and each claim into **clauses** (at ``;``, ``,``
and ``and/but/or``, ``so`` before a new subject). A clause carries **facts** — numbers (with
their unit, and a time with its weekday: "2-year" is not "2 weeks"), amounts, durations and dates,
eligibility words (``free``, ``unlimited``, ``waived``, ``no fee``, ``today``,
``tomorrow``), colours and materials, and the actions the reply commits to ("I'll refund you",
"your extension is approved": ``act:refund``, ``act:approve``) — and a **scope**: the
membership levels the fact is said of (``Gold``, ``Silver``, ``Bronze``, ``guests``; "members" is every member level, "other members" the levels
not named before, "everyone"/"all customers" every level). Facts and passages are read in
:mod:`service.guardrails.passages`.

A clause with facts or a scope is supported only by **one passage** (a sentence, bullet, or
one cell of a table row read with its row and column headers) of an in-force source in which

* every fact of the clause appears,
* each fact is said of a scope that covers the clause's (a fact the source states for Gold is
  not support for the same fact said of Bronze, or said of everyone), and
* at least half of the clause's content words appear (with the passage's title and heading).

So true words from different places cannot be stitched into a false claim. A source passage
states an action only where it does not deny or forbid it in the same clause ("Do not promise the
manager will approve an extension" supports no approval). Clauses without
facts need the looser support of the old check: most of their content words in the cited
sources. **Conversational** sentences (greetings, thanks, empathy, offers to help, questions;
:mod:`service.guardrails.courtesy`) need no support, but only while they carry no fact and no commitment word ("refund",
"replacement", "credit", "free"...); then they are claims like any other. In an empathy clause a
day or what the customer waits for ("I'm sorry your refund hasn't shown up yet") is their
situation, not a claim, unless the clause looks ahead. A clause about levels with no fact is
judged by the passages that give its rule level by level, when there are any (:func:`_scope_support`);
a bullet and each pair of neighbouring sentences of a paragraph are passages too. A clause that
only says its neighbour of everyone ("..., whatever your membership level") is judged with that
neighbour's words. A figure or an action the sources give level by level is not supported for another level by a passage naming no level.

The customer's own figures and details may be repeated about their case, never turned into a
rule (:mod:`service.guardrails.case`); a figure said again with "the" ("the $20 charge") is the
one said before. The customer's amounts, and their sums and differences with each other or with a
source's amounts, are their case too ("your $60 refund plus the $25 belt makes $85"), and so are the figures a reply works out in front of them where the working holds (a total, a half, a conversion: :mod:`service.guardrails.workings`). An item of a
list that no cited source gives, beside items they do, is refused (the list check, :mod:`service.guardrails.lists`). Claims built from a passage's own words that say the opposite of it (an
exception denied, a capability denied, a figure of another label of a list, a price for a level a source waives it for) are refused
(:mod:`service.guardrails.contradictions`). Advice is judged without its frame ("it's a good idea
to ..."), and a verdict exclamation ("Not too late at all!") or a bare yes ("Good news: yes, you can.") rests on the reasons the reply gives.

Sentences are read as the forbidden patterns read them (look-alike letters folded). A commitment made without a condition, for a
customer whose own duration does not meet the threshold the source grants it past, is refused; a clause whose subject is a pronoun
is supported only by a passage that names what it stands for; in a clause judging the customer's case their own words, their charge
said back with "the", a source price times their count, and their day in a verdict on their plan are their situation.

Every finding names the claim and why it is not supported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from service.domain.text import sentences, stem
from service.guardrails.case import (about_case, addresses_customer, broken_threshold, charge_said_back, converts, misjudged, multiples, names_count,
                                     other_value, source_amounts, unmet_commitment, worked_amounts)
from service.guardrails.contradictions import Sources, denied_capability, denied_exception, mislabelled
from service.guardrails.conversational import ANYONE_FEELS, ASKING, COMMITMENT_WORD, FUTURE, LEVEL_LEAD_IN
from service.guardrails.commitments import acts_in
from service.guardrails.courtesy import asks, asserted_facts, clause_spans, excused, is_conversational
from service.guardrails.asides import acknowledged, good_news_frame, their_reason, without_names
from service.guardrails.light_asides import their_quotes
from service.guardrails.echoes import echoed_aside
from service.guardrails.answers import yes_denied
from service.guardrails.reading import (another_way, counted_words, one_suffices, denied_request, emoji_parts, lead_in, said_again, unasked_detail,
                                        unlisted, verdict)
from service.guardrails.lists import flattened_items, lead_in_level, under_lead_in
from service.guardrails.level_contrasts import contrast_words, denied_antecedent, label_and_levels, label_words
from service.guardrails.follow_ups import check_following
from service.guardrails.levels import addressed_level, claim_negated, others_resolved, says_universally, scope_of
from service.guardrails.normalise import clean
from service.guardrails.number_lists import listed
from service.guardrails.numbers import prepare
from service.guardrails.outright import charge_outright, takes_their_amount
from service.guardrails.their_case import judged_case, their_duration
from service.guardrails.passages import Fact, Passage, facts_of
from service.guardrails.joining import joined
from service.guardrails.relatives import relative_head, without_verdict
from service.guardrails.conditions import charged_on_condition
from service.guardrails.identifiers import inside_identifier
from service.guardrails.invitations import unsupported_wait, without_sourced_wait
from service.guardrails.procedural import unsupported_frame_words
from service.guardrails.moves import misstated_level, names_no_level, restated_level, step_condition, unframed, without_lead_in, without_wishes
from service.guardrails.level_denials import level_contradicted
from service.guardrails.negated_prices import negated_price
from service.guardrails.comparisons import compared_rightly, measurable
from service.guardrails.case_denials import denial_for_level
from service.guardrails.status_actions import too_late
from service.guardrails.level_windows import past_their_window
from service.guardrails.verdicts import past_window, within_window
from service.guardrails.amount_thresholds import short_of_threshold
from service.guardrails.wrappers import noted_their_words, without_wrappers
from service.guardrails.workings import Workings, in_their_working, only_worked, operator_words, plain, without_spans, without_their_amounts
from service.guardrails.their_level import said_of_their_level
from service.guardrails.support import antecedent_of, best_passage as _best_passage, flat_denial

_CAUTION = re.compile(r"\b(?:is|are|was|were|'s|'re)(?: not|n'?t) (?:what (?:it|they|this|these)(?:'?s|'?re| is| are) (?:made|designed|meant|built|intended)"
                      r"|(?:made|designed|meant|built|intended|recommended|suitable|suited)\b)(?: for)?"
                      r"|\b(?:we|i) (?:wouldn'?t|would not|don'?t|do not) recommend\b", re.I)
"""A caution: what a product is not made for or what is not recommended (it grants nothing)."""
_LIST_MARKER = re.compile(r"\s*(?:\(?\d{1,2}[.)]|[a-z][.)]|[-*•])\s*")
"""A list item's number split off as a sentence ("1."): no claim."""


def states_a_caution(text: str) -> bool:
    """Does ``text`` carry a caution ("isn't what they're made for")? Then the check reads the
    customer's words (``customer_words`` of :func:`check_claims`)."""
    return _CAUTION.search(text) is not None


def _verdict_clauses(t: str) -> list[str]:
    """The clauses of a prepared sentence that judge the customer's case and name no level nor
    commit to anything ("a blouse bought last week is well within that")."""
    return [t[a:b] for a, b in clause_spans(t) if scope_of(t[a:b]) is None and about_case(t[a:b], t[a:], False) and not acts_in(t[a:b], "claim")]


def reads_customer_words(text: str) -> bool:
    """Does the check read the customer's words for ``text``: a caution, or a clause judging the
    customer's case (in which their own words, "the blouse", "last week", are their situation)?"""
    spelled = prepare(clean(text))
    return states_a_caution(text) or states_a_caution(spelled) or any(_verdict_clauses(prepare(s)) for s in sentences(clean(text)))


@dataclass
class ClaimFinding:
    claim: str
    reason: str

    def __str__(self) -> str:
        return f"{self.reason}: {self.claim[:140]!r}"


_SAID_WHEN = frozenset({"today", "tomorrow"})
_LEVEL_WORDS = frozenset(map(stem, ("gold", "silver", "bronze", "guest", "member", "membership", "level", "customer", "everyone", "anyone", "other", "benefit", "perk")))
"""Content words (stemmed as the policy stems them) that only name whom a clause is about ("a Gold and Silver benefit": fix-14d)."""


@dataclass
class ClaimCheck:
    findings: list[ClaimFinding]
    supports: list[float]


def check_claims(
    sentences: Sequence[str],
    passages: Sequence[Passage],
    *,
    content_words: "callable",  # type: ignore[valid-type]
    loose_support: "callable",  # type: ignore[valid-type]
    exempt_numbers: Iterable[str] = (),
    case_amounts: Iterable[str] = (),
    customer_words: frozenset[str] = frozenset(),
    case_durations: Iterable[tuple[str, str]] = (),
    asked_amounts: Iterable[str] = (),
    case_details: Iterable[str] = (),
    case_level: str | None = None,
    identifiers: Iterable[str] = (),
    lacked_words: frozenset[str] = frozenset(),
) -> ClaimCheck:
    """Check each sentence. A sentence that is not conversational needs most of its content
    words in the cited sources (``loose_support(words) -> share``, at least 0.6); each of its
    clauses that states a fact or a scope needs one passage (:func:`_best_passage`).
    ``exempt_numbers`` are numbers and details the customer stated (not amounts) or known facts
    (an order id), which a reply may repeat about the customer (:mod:`~service.guardrails.case`).
    ``case_amounts`` are the amounts the customer stated: said of their case, with what the reply
    works out from them (:func:`~service.guardrails.case.worked_amounts`), they are no claim.
    ``customer_words``: the content words of the customer's messages; a caution that says what they asked about is not what a
    product is made for ("..., so wading through streams isn't what they're made for") is left out of the loose word check.
    A verdict exclamation ("Not too late at all!") rests on the reasons the reply gives, which are checked; in a reply that states no fact it is a claim.
    ``case_details``: details the customer gave in their own words (a street address), left out of the loose word check where said back as they are.
    ``case_durations``: (value, unit) of the durations the customer stated ("ordered 3 days ago"); a
    commitment made without a condition to an action a source grants only past a threshold the
    customer's duration does not meet ("I've placed a replacement order" where the source says
    "a week or longer") is refused, though the reply does not repeat the figure.
    ``case_level``: the one level the customer gave; a rule's figure said again with "the" in a verdict on their case
    ("your jacket is past the six months") is the rule of their level. A list lead-in naming a level gives its items that level."""
    check = ClaimCheck([], [])
    identifiers = list(identifiers)
    names = [i for i in identifiers if re.fullmatch(r"[^\W\d_]+(?:[' -][^\W\d_]+)*", i)]  # the customer's name addressing them (round 16b)
    reply = _Reply(passages, content_words, loose_support, set(exempt_numbers), check, frozenset(case_amounts), customer_words,
                   durations=tuple(case_durations), asked_amounts=frozenset(asked_amounts), details=tuple(case_details),
                   level=case_level, identifiers=tuple(i for i in identifiers if any(ch.isdigit() for ch in i)), lacked=lacked_words, names=tuple(names))
    reply.workings = Workings(reply.case, reply.exempt, reply.asked, passages, reply.asked_amounts)
    verdicts, last = [], {}  # last: the sentence checked before (:mod:`~service.guardrails.follow_ups`)
    asking, leading, request = False, None, False  # leading: the level a list lead-in gives its items (lists.py)
    for sentence in map(clean, sentences):  # read as the forbidden patterns read it: NFKC, format characters out, look-alikes folded
        for part in (flat := flattened_items(sentence, LEVEL_LEAD_IN)):  # a list run into one sentence, items under its level
            reply.check_parts(part)
        if flat:
            continue
        sentence = without_lead_in(sentence)
        item = _LIST_MARKER.match(sentence)
        # The items of a question's list ("could you send me: - why you'd like to refund the skirt,")
        # are parts of the question.
        why = denied_request(sentence, reply.sources, sentence[item.end():] if item and (asking or request) else sentence if request == "marker" else None)
        why = why or unsupported_wait(sentence, reply.sources.texts)  # "Message us if it's not there in a couple of days." (round 16c)
        request = ("marker" if _LIST_MARKER.fullmatch(sentence) else True) if request and (item or request == "marker") else asks(sentence)  # its items ask
        if not why and item and asking and excused(sentence[item.end():]) and not FUTURE.search(sentence):
            continue  # the items of a question's list are parts of the question, unless one asks for a secret ("- its CVV")
        if why:
            check.findings.append(ClaimFinding(sentence, why))
            continue
        waited = without_sourced_wait(sentence, reply.sources.texts)  # "Call us back if it's still not there after 7 days." (round 16c)
        if _LIST_MARKER.fullmatch(sentence) or is_conversational(sentence) or acknowledged(sentence, reply.asked, content_words, names) or (
                reply.case and is_conversational(without_their_amounts(prepare(sentence), reply.case, reply.asked_amounts))) or (
                waited and is_conversational(waited)) or echoed_aside(sentence, reply.asked, content_words, names, reply.exempt):  # round 19b
            asking = asking if item else sentence.rstrip().endswith((":", "?"))
            leading = leading if item else lead_in_level(sentence) if LEVEL_LEAD_IN.match(sentence) else None
            continue
        leading = leading if item else None  # an item under "A few things Gold adds:" is said of Gold; so in a list run into one sentence
        sentence = under_lead_in(sentence, leading) if leading else sentence
        asking = asking and bool(item)
        if verdict(sentence):
            verdicts.append(sentence)
            continue
        check_following(reply, sentence, last)
    for sentence in verdicts:  # a bare yes beside a no of the reply's own is a claim (:mod:`~service.guardrails.answers`)
        if yes_denied(sentence, sentences):
            check.findings.append(ClaimFinding(sentence, "a yes that another sentence of the reply denies"))
        elif not reply.said:
            reply.check(sentence)
    return check


_ADVICE = re.compile(r"\b(?:it'?s|it is|it'?d be|it would be) (?:always )?(?:a )?(?:good|great|smart|wise|sensible|best|worth) (?:idea )?(?:to )?"
                     r"|\b(?:i'?d|we'?d|i would|we would|i|we) (?:(?:strongly|also|really|always) )?(?:recommend|suggest|advise)(?:ing)?(?: that)?(?: you)?\b"
                     r"|\byou (?:may|might|'ll|will) (?:want|like|wish) to\b|\byou should\b|\b(?:make|be) sure (?:to|you)\b|\bremember to\b|\bdon'?t forget to\b",
                     re.I)
"""The frame of a piece of advice ("it's a good idea to", "I'd recommend"): the advice is the claim."""
_DEFINITE = re.compile(r"\b(?:the|that|this|your|those|these)\s+(?:[\w-]+\s+)?$", re.I)
_ARITHMETIC = re.compile(r"\b(?:difference|total|sum|gap|comes? to|works? out|adds? up|altogether|in all)\b", re.I)
"""A clause working a figure out ("the difference is $5"): the customer's figures worked out are their case."""
_QUALIFIER = "whatever whichever regardless matter good news"
"""With level words only, the words of a clause that says its neighbour of everyone ("whatever your membership level")."""


def _loose_text(sentence: str, exempt: set[str] | frozenset[str] = frozenset(), theirs: "callable" = lambda clause, t: False) -> str:  # type: ignore[valid-type]
    """What a sentence says, for the looser word check: advice without its frame, and without
    the clauses that are conversational on their own ("..., so you're in good company!") or that
    judge the customer's own figure ("..., so a jumper from three weeks ago is fine": its words
    are the customer's, and its figure is checked against the rule, :mod:`~service.guardrails.case`)
    or state only the customer's amounts (``theirs``: "you'd need another $23 in your basket")."""
    t = _ADVICE.sub(" ", sentence)
    spans = clause_spans(t)
    if len(spans) < 2:  # one clause of the customer's figures only ("Add $13.50 more to qualify."): no words to weigh
        return "" if re.search(r"[$€£]\s?\d", t) and theirs(t, t) and not COMMITMENT_WORD.search(t) else t
    # a request for the customer's details ("Reply with your account email, or your PIN if ...") is
    # kept: what it asks for is what the alternatives after it are weighed with (ninth round)
    mine = [_judges_their_figure(t, a, b, exempt) or theirs(t[a:b], t) for a, b in spans]
    mine = [m or (i + 1 < len(mine) and mine[i + 1] and step_condition(t[a:b])) for i, ((a, b), m) in enumerate(zip(spans, mine))]
    # Only the customer's figures, the rest conversational and no commitment word: no words to weigh.
    if any(mine) and not COMMITMENT_WORD.search(t):
        rest = without_spans(t, [span for span, m in zip(spans, mine) if m])
        if not rest or is_conversational(rest):
            return ""
    kept = [t[a:b] for (a, b), m in zip(spans, mine)
            if not m and (len(t[a:b].split()) < 2 or ASKING.search(t[a:b]) or not is_conversational(t[a:b]))]
    return " ".join(kept) if kept else t


def _judges_their_figure(t: str, a: int, b: int, exempt: set[str] | frozenset[str]) -> bool:
    """A clause about the customer's case carrying their figure, judged right against the limit
    the sentence states (one judged wrong, "within 90 days, so four months ago is fine", stays)."""
    clause = t[a:b]
    if not exempt or scope_of(clause) is not None or not about_case(clause, t[a:], False):
        return False
    theirs = [f for f in facts_of(prepare(clause)) if f.value in exempt]
    return bool(theirs) and not any(misjudged(f.value, f.qual, clause, t) for f in theirs)


@dataclass
class _Reply:
    """One reply being checked: what it has said so far (a figure said again with "the" refers back)."""

    passages: Sequence[Passage]
    content_words: "callable"  # type: ignore[valid-type]
    loose_support: "callable"  # type: ignore[valid-type]
    exempt: set[str]
    out: ClaimCheck
    case: frozenset[str] = frozenset()
    asked: frozenset[str] = frozenset()
    durations: tuple[tuple[str, str], ...] = ()
    asked_amounts: frozenset[str] = frozenset()
    details: tuple[str, ...] = ()
    level: str | None = None
    """The one level the customer gave, if any."""
    identifiers: tuple[str, ...] = ()
    """The caller's placeholder values with digits in them (an order id)."""
    lacked: frozenset[str] = frozenset()
    """Content words of what the customer says they do not have."""
    said: dict[str, frozenset[str] | None] = field(default_factory=dict)
    addressed: frozenset[str] | None = None
    named: frozenset[str] = frozenset()
    workings: Workings = field(default_factory=Workings)
    names: tuple[str, ...] = ()
    """The customer's name, left out of the loose word check where it only addresses them (round 16b)."""
    figure: tuple[str, str, str] | None = None
    """The last time or price stated (value, unit, kind): what "longer than that" compares with (round 16b)."""
    _sources: Sources | None = None
    _given: frozenset[str] | None = None

    @property
    def sources(self) -> Sources:
        if self._sources is None:
            self._sources = Sources(self.passages, self.content_words)
        return self._sources

    def check_parts(self, sentence: str) -> None:
        """Check ``sentence``; when it fails as written but an emoji ends a sentence inside it ("Love that idea 🧵
        Name stitching ..."), its parts are read as sentences, friendly ones left out (:func:`~service.guardrails.reading.emoji_parts`)."""
        marks = (len(self.out.findings), len(self.out.supports), dict(self.said))
        self.check(sentence)
        parts = emoji_parts(sentence) if len(self.out.findings) > marks[0] else [sentence]
        if len(parts) > 1:
            del self.out.findings[marks[0]:], self.out.supports[marks[1]:]
            self.said = marks[2]
            for part in parts:
                if not is_conversational(part):
                    self.check(part)

    def check(self, sentence: str) -> None:
        # "ninety-nine dollars" is a number, not three words; the customer's address said back is theirs; in good news
        # said back, their name does not count as a supported word ("Great news that your refund was approved, Kemal!")
        loose = without_names(sentence, self.names, generic=False) if good_news_frame(sentence, self.names) else sentence
        counted = counted_words(sentence, self.asked, self.content_words)  # "Jessamine is nine letters, so it fits"
        for d in [*self.details, *(c for c, _, _ in counted), *their_quotes(sentence, self.asked, self.content_words)]:  # their quoted words (17f)
            loose = loose.replace(d, " ")
        for c, _, why in counted:
            if why:
                return self.out.findings.append(ClaimFinding(sentence, why))
            sentence = sentence.replace(c, " ")  # their word's count is no claim
        said = prepare(unframed(plain(_loose_text(without_verdict(without_wishes(loose)), self.exempt, self._their_words))))
        words = self.content_words(said) - unsupported_frame_words(said, self.content_words, self.loose_support)  # procedural frames (fx-14b)
        # in a clause judging their case, the customer's own words are their situation ("a blouse bought last week")
        theirs = words & frozenset().union(*(self.content_words(c) & self.asked for c in _verdict_clauses(prepare(sentence))),
                                           *(self.content_words(c) & (self.asked | self.content_words(operator_words(c))) for c in self._workings_of(sentence)))
        theirs |= words & noted_their_words(sentence, self.asked, self.content_words)  # "I've noted the reason, pilling after one wash." (round 17g)
        if words and not self.workings.converts_length(sentence):  # "87 cm is roughly 34.3 inches": their length, converted
            rest = words - theirs
            share = (len(theirs) + (len(rest) * self.loose_support(rest) if rest else 0)) / len(words)
            self.out.supports.append(share)
            if share < 0.6:
                self.out.findings.append(ClaimFinding(sentence, f"not supported by the cited sources (support {share:.2f})"))
                return
        why = unasked_detail(sentence, clause_spans(sentence), self.content_words, self.loose_support)
        if why:
            self.out.findings.append(ClaimFinding(sentence, why))
            return
        text, self.named = others_resolved(prepare(sentence), self.named)  # "Gold ... free. For other members it's $20": Silver, Bronze
        self.workings.begin(text)
        why = denied_exception(text, self.sources)
        if why:
            self.out.findings.append(ClaimFinding(sentence, why))
            return
        # "As a Silver member, you ... You also get ...": the later sentence (or list item: tenth round) is said of the level the reply addressed
        carried = self.addressed if scope_of(text) is None and (addresses_customer(text) or _LIST_MARKER.match(text)) else None
        raw = asserted_facts(text, facts_of(text, carried, acts="claim"))
        sentence_facts = [self._referred(f, text) for f in raw]
        referred = {f.start for f, r in zip(sentence_facts, raw, strict=True) if f.scope != r.scope}
        self.addressed = addressed_level(text) or (None if scope_of(text) is not None else self.addressed)
        why = unmet_commitment(text, [f.value for f in sentence_facts], self.durations, self.passages, self.content_words)
        if why:
            self.out.findings.append(ClaimFinding(sentence, why))
            return
        spans = clause_spans(text)
        for i, (start, end) in enumerate(spans):
            clause = text[start:end]
            said = restated_level(clause, self.level)  # "it was a guest order": the customer's level said back (fix-14d)
            if why := misstated_level(clause, self.level):  # "your account is Gold" to a Silver member (fix-15b)
                self.out.findings.append(ClaimFinding(clause, why))
                continue
            if past_their_window(clause, text, self.durations, self.passages, self.level, self.content_words):
                continue  # "even though it's past 90 days, ...": their case against their level's window, rightly (round 18d)
            own = scope_of(ANYONE_FEELS.sub(" ", said))  # "That would give anyone a fright" names no level
            scope, about = own or (None if names_no_level(said, text, sum(start <= f.start < end for f in sentence_facts)) else carried), about_case(clause, text[start:], own is not None) or judged_case(clause, self.case, self.durations, self.passages, self.level)
            mine = [f for f in sentence_facts if start <= f.start < end]
            if neg := negated_price(clause, self.passages, self.level, self.addressed):  # "Gold members don't pay the $20" (round 16b)
                if neg[0] == "kept":
                    self.out.findings.append(ClaimFinding(clause, neg[1]))
                    continue
                if not (mine := [f for f in mine if f.value != neg[1]]):
                    continue
            before = [f for f in sentence_facts if f.start < start and measurable(f.value, f.qual, f.kind)]
            if not mine and compared_rightly(clause, (before[-1].value, before[-1].qual, before[-1].kind) if before else self.figure,
                                             self.passages, self.content_words):
                continue  # "Bronze has less time than that" after Silver's 6 months (round 16b)
            # A clause that only says the customer's duration in another unit ("..., and three weeks
            # is 21 days") states nothing of the level named before it.
            local = [] if self._converted(clause) else [
                f for f in mine if not self._repeated(f, about, text, clause) and not another_way(f, sentence_facts, self.passages) and not said_again(f, sentence_facts, clause, text[:start], self.content_words)
                and not converts(f.value, f.qual, clause, self.durations)
                and not self._their_amount(f, mine, own, about, clause, text)
                and not ((own is None or own == self.addressed) and self.workings.explains(f.value, f.qual, f.start, clause, text))]
            # The customer's figure judged as meeting a rule it does not meet ("it's been 4 days, so
            # you qualify for a replacement order" where the source says a week or longer).
            why = next(filter(None, (broken_threshold(f.value, f.qual, text, self.passages, self.content_words)
                                     or (misjudged(f.value, f.qual, clause, text) and f"the customer's {f.value} {f.qual}s are judged "
                                         "against a limit this sentence states and do not meet it")
                                     for f in mine if f not in local)), None)
            if why:
                self.out.findings.append(ClaimFinding(clause, why))
                continue
            if not local and own is None and only_worked(mine, text):
                scope = None  # "..., so $99 back to you": the customer's figures worked out name no level of theirs (round 17d)
            if not local and scope is None:
                why = self._contradicted(clause, local) or unlisted(clause, spans, text, self.content_words, self.loose_support)
                if why:
                    self.out.findings.append(ClaimFinding(clause, why))
                continue
            # a denial for a level is read with the condition it follows ("If the code isn't valid, we can't
            # replace it for guests")
            lead = lead_in(text, spans, i, condition=not local and scope is not None and claim_negated(text, start, end) is True)
            cwords = self.content_words(plain(without_wrappers(without_verdict(clause)))) | (self.content_words(plain(lead)) if lead else frozenset())
            # "..., while Silver members pay the $20": the $20 is the thing named where the sentence first stated it
            cwords |= contrast_words(text, spans, i, sentence_facts, self.content_words) if local else label_words(text, spans, i, self.content_words) | denied_antecedent(text, spans, i, self.content_words)
            head = relative_head(text, spans, i) if local else ""  # "..., which covers 15 to 15.5 in": the Medium's range
            cwords |= self.content_words(plain(head)) if head else frozenset()
            earlier = [f for f in sentence_facts if f.start < start]  # "6 weeks is about 42 days, so the shorts are past the 30 days"
            if about and any(f.value in self.exempt and f not in local for f in mine) or (
                    about and own is None and any(f.value in self.exempt or converts(f.value, f.qual, text[:start], self.durations) for f in earlier)) or (
                    about and own is None and local and all(f.start in referred and (self.level is None or f.scope is None or self.level in f.scope) for f in local)):
                # ("your jacket is past the six months": the rule's figure said before, of its level; ninth round)
                # "5 weeks is past the 30 days": the customer's figure set against the rule's, whose
                # figure must be the source's; the clause's other words are the comparison.
                cwords = frozenset()
            # A bare list of levels ("Bronze members" before "and guests can't") says nothing either way.
            negated = None if cwords <= _LEVEL_WORDS or label_and_levels(text, spans, i, self.content_words, _LEVEL_WORDS) else claim_negated(text, start, end)
            universal = says_universally(clause)
            if not local and universal and cwords - _LEVEL_WORDS <= self.content_words(_QUALIFIER) and len(spans) > 1:
                # "..., whatever your membership level": what the clause it qualifies says, of everyone
                a, b = spans[1] if i == 0 else spans[i - 1]
                cwords, negated = self.content_words(text[a:b]) - _LEVEL_WORDS, None
            # a verdict on their case against the rule's figure ("so it's outside the 6 months"): "it" is theirs (fourteenth round)
            antecedent = antecedent_of(text, spans, i, self.content_words) - _LEVEL_WORDS if local and not (about and not cwords) else frozenset()
            best, why = _best_passage(said_of_their_level(local, clause, self.level, self.passages), scope, cwords, self.passages, self.content_words, universal=universal, negated=negated if not local else bool(negated and flat_denial(clause)),
                                      antecedent=antecedent)
            self.out.supports.append(best)
            why = (why if local else joined(clause, scope, self.level, self.passages, self.content_words, why)) or self._contradicted(f"{head} {clause}" if head else clause, local)
            if why:
                self.out.findings.append(ClaimFinding(clause, why))
        for f in sentence_facts:
            self.said.setdefault(f.value, f.scope)
            self.figure = (f.value, f.qual, f.kind) if measurable(f.value, f.qual, f.kind) else self.figure

    def _contradicted(self, clause: str, local: list[Fact]) -> str | None:
        """A capability the sources deny, a figure of another label (:mod:`~service.guardrails.contradictions`), a level denied what a source grants it."""
        return (denied_capability(clause, self.sources) or mislabelled(clause, [f.value for f in local if f.value[:1].isdigit()], self.sources)
                or level_contradicted(clause, self.passages, self.content_words, self.addressed, self.workings.current)
                or denial_for_level(clause, self.passages, self.content_words, self.addressed or (frozenset({self.level}) if self.level else None), self.workings.current)  # round 16a
                or too_late(clause, self.workings.current, self.workings.before, self.passages))  # round 14e: an action at a status too late for it

    def _their_words(self, clause: str, sentence: str) -> bool:
        """A clause the loose word check leaves out: it states only the customer's amounts, or it
        is a caution ("isn't what they're made for", "isn't recommended") whose other words are
        mostly the customer's ("wading through streams"), with no fact or level of its own."""
        if self._only_their_amounts(clause, sentence) or self._converted(clause) or self.workings.converts_length(clause) or past_window(
                clause, self.durations, self.passages, self.level) or within_window(prepare(clause), self.durations, self.passages, self.level) or their_duration(
                prepare(clause), self.durations) or one_suffices(clause, sentence, self.passages, self.asked, self.content_words) or short_of_threshold(
                clause, self.case, self.passages) or their_reason(clause, self.asked, self.content_words):
            return True
        if not self.asked or not _CAUTION.search(clause) or facts_of(prepare(clause)) or scope_of(clause) is not None:
            return False
        words = self.content_words(_CAUTION.sub(" ", clause))
        return bool(words) and len(words & self.asked) >= 0.5 * len(words)

    def _workings_of(self, sentence: str) -> list[str]:
        """The clauses of ``sentence`` that only say the customer's amounts or work them out and commit to nothing
        ("With the $25 belt added, your refund goes from $60 to $85"): in them the customer's own words ("belt",
        "refund") are their situation, as in a verdict on their case; a wrong sum is no working of theirs (round 17d)."""
        return [c for a, b in clause_spans(sentence) for c in [sentence[a:b]] if self._only_their_amounts(c, sentence) and not acts_in(prepare(c), "claim")]

    def _converted(self, clause: str) -> bool:
        """A clause that only says the customer's duration in another unit ("6 weeks is about 42 days")."""
        facts = facts_of(prepare(clause)) if self.durations else []
        return len(facts) >= 2 and any(converts(f.value, f.qual, clause, self.durations) for f in facts) and all(
            converts(f.value, f.qual, clause, self.durations) or (f.value, f.qual) in self.durations for f in facts)

    def _only_their_amounts(self, clause: str, sentence: str) -> bool:
        """Does ``clause`` of ``sentence`` state amounts, all of them the customer's (:meth:`_their_amount`)?"""
        if not self.case or not any(c in prepare(clause) for c in "$€£"):  # "sixty dollars" is "$60" (round 18c)
            return False
        c, t = prepare(clause), prepare(sentence)
        at = t.find(c)
        if at < 0:
            return False
        facts = facts_of(t, acts="claim")
        mine = [f for f in facts if at <= f.start < at + len(c)]
        money = [f for f in mine if t[f.start:f.start + 1] in "$€£"]
        return bool(money) and all(self._their_amount(f, mine, scope_of(c), addresses_customer(t), c, t) for f in money)

    def _their_amount(self, f: Fact, mine: list[Fact], scope: frozenset[str] | None, about: bool, clause: str, text: str) -> bool:
        """An amount the customer stated, or worked out from theirs, said of their case in a clause
        that names no level: their own amount in a clause about them or addressed to them ("at $68
        your cart ..."), the sum or difference of it and an amount the sentence states ("your $60
        refund plus the $25 belt makes $85") likewise, and the difference of two of their amounts
        in a sentence addressed to them ("a difference of $6"), even in a commitment, checked on its own ("I'll refund the $6"; never an amount they ask for)."""
        if text[f.start:f.start + 1] not in "$€£" or scope is not None:
            return False
        self._given = source_amounts(self.passages) if self._given is None else self._given
        # the other side of the sum: an amount of the customer's or of a source, never one worked out
        stated = [x.value for x in facts_of(text) if text[x.start:x.start + 1] in "$€£" and x.start != f.start and x.value in self._given]
        # a source's price for the customer's count, the count named beside it ("$5 per item, so $15 for three")
        if "/" not in f.kind and any(f.value in multiples([a], [c]) and names_count(clause, int(c)) for a in stated for c in self.exempt if c.isdigit() and 1 < int(c) <= 20):
            return True
        if not self.case:
            return False
        theirs = worked_amounts(self.case)
        if f.value in theirs:
            return about or addresses_customer(text) or _ARITHMETIC.search(clause) is not None
        if f.scope and f.value in self.case and f.value not in self.asked_amounts and takes_their_amount(clause, self.passages, self.content_words):
            return True  # "issue the refund for that amount", said of their level: the source takes the figure from them (outright.py)
        if any(x.value.startswith("act:") for x in mine):  # in an action their level gets outright (outright.py)
            return f.value in self.case and f.value not in self.asked_amounts and (charge_outright(f, mine, self.level, self.passages, text)
                                                                              or charged_on_condition(f, mine, text, self.passages, self.content_words))
        # their own charge said back with "the" ("I'll check whether the $12 was an error"), never in
        # a commitment ("we've removed the $7 fee" rests on the amount as much as on the action) and
        # never an amount they ask for
        if (f.value in self.case and f.value not in self.asked_amounts and _DEFINITE.search(text, max(0, f.start - 30), f.start)
                and not acts_in(text, "claim")):
            return True
        worked = worked_amounts(self.case, stated)
        if f.value in self.case:
            # their own amount, in a clause about them or one that works a sum out of it ("$18 for
            # the socks comes to $63", "the difference between the $198 billed and ...": ninth round)
            return about or addresses_customer(clause) or charge_said_back(clause, text) or _ARITHMETIC.search(clause) is not None or any(x.value in worked and x.start != f.start and text[x.start:x.start + 1] in "$€£"
                                                              for x in mine) or in_their_working(f.value, f.start, clause, text, self.case, self.asked_amounts)
        return (about or addresses_customer(clause)) and f.value in worked

    def _referred(self, f: Fact, text: str) -> Fact:
        """A figure said again with "the" ("confirm you're happy with the $20 charge") is the one
        said before, of the levels it was said of."""
        if f.scope is None and self.said.get(f.value) is not None and _DEFINITE.search(text, max(0, f.start - 30), f.start):
            return replace(f, scope=self.said[f.value])
        return f

    def _repeated(self, f: Fact, about: bool, text: str, clause: str) -> bool:
        """The customer's own figure or detail, said again about their case: no claim. Tied to a
        level, only in a verdict on the case; restating a passage that gives another value for
        the same thing, it has become the rule's figure. A figure inside the order id is no figure, and an
        amount that only the order id's digits give is no figure of theirs."""
        if inside_identifier(f.start, text, self.identifiers):
            return True
        if text[f.start:f.start + 1] in "$€£" and any(f.value == x.value for i in self.identifiers for x in facts_of(i)):
            return False  # "less than $16" for order NW-16: an amount is never the order id's digits (the customer's amounts are not exempt)
        if f.value not in self.exempt or not (f.scope is None or about) or (not about and listed(f.start, text)):  # "30, 32, 34 and 36 inch"
            return False
        if not f.value[:1].isdigit() and f.value in _SAID_WHEN:
            return about  # "so $50 today works": the day they named, in a verdict on their plan
        return about or other_value(f.value, f.qual, text, clause, self.passages, self.content_words) is None
