"""Reply policy: loaded from ``knowledge/policy.yaml`` (reviewed content) and applied to every
suggestion, whichever engine wrote it.

Checks, each deterministic and cheap (no model):

* ``grounded``     every factual sentence is supported by the cited chunks (content-word
  overlap with the chunk text or the article's approved reply, and every number in the
  sentence present in them); greetings, thanks and sign-offs are exempt;
* ``citations``    every cited chunk was retrieved for this request, belongs to an approved
  article, and a reply that states facts cites at least one;
* ``pii``          no personal data beyond what the customer gave in this conversation, and no
  unrestored mask placeholders;
* ``forbidden``    no forbidden commitment (refunds beyond policy, compensation, overriding
  policy, guarantees, liability) and no sign of followed injected instructions;
* ``disclosures``  the disclosures required for the channel, intent or cited topics are there;
* ``tone``         no forbidden phrase, no shouting, at most ``max_exclamations`` exclamation marks
  and none run together ("!!", "?!");
* ``channel``      length per channel; SMS and voice plain text; e-mail greeting and sign-off.

Customer text and article text are data: nothing here reads instructions from them. The
``escalation`` section decides when the customer's words hand the conversation to a person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from service.domain.pii import PLACEHOLDER_RE, Redactor, _normalise
from service.domain.text import sentences, stem
from service.continuity.claims import about_customer
from service.errors import InvalidInput
from service.guardrails.case_verdicts import lacked_words
from service.guardrails.case import asked_amounts, case_amounts, case_details, case_durations, detail_kind
from service.guardrails.claims import check_claims
from service.guardrails.counts import details_counted
from service.guardrails.asides import good_news_they_denied
from service.guardrails.comparisons import compared_wrongly
from service.guardrails.event_days import moved_event_day
from service.guardrails.free_things import unsupported_free
from service.guardrails.identifiers import known_identifiers, made_up
from service.guardrails.kinds import below_zero
from service.guardrails.level_rules import customer_level, level_findings
from service.guardrails.normalise import clean, search_each
from service.guardrails.other_languages import OTHER_GREETING, OTHER_SIGN_OFF, glossed, reply_language
from service.guardrails.passages import Passage, facts_of, split_passages
from service.guardrails.pii_examples import is_example, sample_details
from service.guardrails.plaintext import UNSAFE
from service.guardrails.restricted import universal_of_some
from service.guardrails.sourced_offers import unoffered_matches
from service.guardrails.specifics import unstated_specifics
from service.guardrails.sizes import unstated_size
from service.guardrails.added_items import added_item
from service.guardrails.verdicts import verdict_findings
from service.guardrails.workings import counted_items
from service.ports import SearchHit
from service.replies.policy_file import (  # the policy as data, re-exported for the checks' callers
    CHANNELS,  # noqa: F401
    Disclosure,  # noqa: F401
    Escalation,  # noqa: F401
    Policy,
    PolicyError,
    Rule,  # noqa: F401
    load_policy,
    parse_policy,  # noqa: F401
)

CHECKS = ("grounded", "citations", "pii", "forbidden", "disclosures", "tone", "channel")
SUPPORT_THRESHOLD = 0.6
"""Share of a sentence's content words that must appear in the cited sources."""


# ---- what a check looks at ----------------------------------------------------------------


@dataclass
class Candidate:
    """One reply before it may reach an agent."""

    text: str
    citations: list[str]
    """Chunk ids."""
    engine: str
    """``llm``, ``grounded`` or ``policy``."""
    history_citations: list[str] = field(default_factory=list)
    """Stored interaction ids the reply rests on for claims about this customer (issue 14)."""


@dataclass
class Evidence:
    """What a reply may rest on, for one request."""

    channel: str
    hits: dict[str, SearchHit]
    """Retrieved chunks by chunk id (approved, in force, visible to the tenant)."""
    customer_texts: list[str]
    facts: dict[str, str] = field(default_factory=dict)
    """Known facts a reply may repeat (first_name, order_id)."""
    intent: str | None = None
    today: date | None = None
    """The day the reply is sent (articles not in force that day support nothing); None: today."""
    history: dict[str, str] = field(default_factory=dict)
    """Interaction id -> source text: supports claims about this customer, never policy."""
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    """What the checks work out once per request rather than once per candidate (the customer's
    values, the sources of a set of citations). Filled by :class:`PolicyChecker`; an evidence is
    not changed after it is made."""

    def remember(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]


@dataclass
class CheckResult:
    check: str
    passed: bool
    findings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "passed": self.passed, "findings": self.findings}


@dataclass
class CheckReport:
    results: list[CheckResult]
    support: float = 1.0
    """Mean support of the factual sentences (for the confidence)."""

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    def findings(self) -> list[str]:
        return [f"{r.check}: {f}" for r in self.results for f in r.findings if not r.passed]

    def as_list(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.results]


# ---- text helpers -------------------------------------------------------------------------

_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_MONEY = re.compile(r"[$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:dollars?|usd|eur|euros?|€|£)", re.I)
_NUMBER_RE = re.compile(r"(?<![\w.])\$?\d+(?:[.,]\d+)*%?")
# hedges ("usually", "typically") say how often, not what: "Credits usually show within 7 days" (tenth round); "unfortunately",
# "I'm afraid" soften a denial and are no part of it (twelfth round)
_STOP = frozenset(
    """a an the and or but if then so to of in on at by for with from as is are was were be been being am do does did
    done have has had i you we they he she it me us them my your our their its this that these those there here what
    which who whom whose when where why how can could will would shall should may might must just also too very
    not no yes all any some each every more most much many other such than into out up down over about again once
    only own same both few further own off while until because before after above below between through during
    please let know get got go going sure ok okay thanks thank hi hello dear kind regards happy help glad sorry
    i'm i'll i've we'll we're we've you're you'll you've it's that's there's can't won't don't isn't aren't
    one two need like just now right today anything else something way able make made see look looking check
    even though although since whatever unless either put otherwise usually typically normally generally unfortunately afraid""".split()
)
_COURTESY = re.compile(
    r"^(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b.{0,40}|"
    r"(?:many )?thanks?(?: you)?\b.{0,60}|thank you\b.{0,60}|"
    r"(?:i'?m|i am|we'?re|we are) (?:so |very |really )?(?:sorry|happy|glad)\b.{0,60}|"
    r"(?:kind|best|warm) regards\b.*|regards\b.*|sincerely\b.*|best wishes\b.*|"
    r"(?:is there )?anything else (?:i|we) can (?:help|do)\b.*|"
    r"(?:i'?d be |i'?m |we'?re )?(?:happy|glad) to help\b.{0,40}|"
    r"(?:i|we) can help(?: you)?(?: with (?:that|this))?\b.{0,40}|"
    r"have a (?:great|good|nice|lovely) (?:day|evening|weekend)\b.{0,20}|"
    r"let me (?:check|look into)(?: (?:that|this))?(?: for you)?\b.{0,20})$",
    re.IGNORECASE,
)


@lru_cache(maxsize=16384)
def content_words(text: str) -> frozenset[str]:
    """Stemmed content words (memoised: the same chunks and approved texts come back in every
    check)."""
    return frozenset(stem(w) for w in map(_uncontract, _WORD_RE.findall(text.lower().replace("’", "'")))
                     if w and w not in _STOP and len(w) > 1 and not w.isdigit())


def customer_amounts(evidence: Evidence) -> frozenset[str]:
    """The amounts the customer stated (:func:`~service.guardrails.case.case_amounts`), once per request."""
    return evidence.remember("amounts", lambda: case_amounts(evidence.customer_texts))


def customer_words(evidence: Evidence) -> frozenset[str]:
    """The content words of the customer's messages, once per request."""
    return evidence.remember("customer_words", lambda: frozenset().union(*map(content_words, evidence.customer_texts)))


def customer_asked_amounts(evidence: Evidence) -> frozenset[str]:
    """The amounts the customer asks for (:func:`~service.guardrails.case.asked_amounts`), once per request."""
    return evidence.remember("asked_amounts", lambda: asked_amounts(evidence.customer_texts))


def customer_details(evidence: Evidence) -> frozenset[str]:
    """The details the customer gave in their own words (:func:`~service.guardrails.case.case_details`), once per request."""
    return evidence.remember("details", lambda: case_details(evidence.customer_texts))


def customer_durations(evidence: Evidence) -> tuple[tuple[str, str], ...]:
    """The durations the customer stated, as (value, unit) ("ordered 3 days ago": ("3", "day")), once per request."""
    return evidence.remember("durations", lambda: case_durations(evidence.customer_texts))


def _repeatable_numbers(customer_texts: Sequence[str], facts: Sequence[str]) -> set[str]:
    """Numbers (not amounts) and colours or materials the customer stated ("the navy one"), and
    the numbers of the known facts (an order id)."""
    exempt = {f.value for t in customer_texts for f in facts_of(_MONEY.sub(" ", t))
              if f.value.lstrip("-")[:1].isdigit() or detail_kind(f.value) or f.value in ("today", "tomorrow")}
    exempt.update(n for t in customer_texts for n in below_zero(t))  # "it gets to -5 in the mornings"
    exempt.update(n for t in customer_texts for n in counted_items(t))  # "for three presents": their count 3
    if any(_TODAY_IN_OTHER_WORDS.search(t) for t in customer_texts):
        exempt.add("today")  # "I can only pay $50 right now": "so $50 today works" is their plan
    return exempt | {f.value for v in facts for f in facts_of(v) if f.value[:1].isdigit()}


_TODAY_IN_OTHER_WORDS = re.compile(r"\b(?:right now|this (?:morning|afternoon|evening))\b", re.I)


def _redacted(texts: Sequence[str]) -> Redactor:
    """A redactor that has seen ``texts`` (its mapping: the values they carry)."""
    given = Redactor()
    for t in texts:
        given.redact(t)
    return given


def _uncontract(word: str) -> str:
    """A contraction is its base word: "customer's" -> "customer", "we'll" -> "we"; a negated
    auxiliary ("hasn't", "doesn't") is a function word and counts for nothing."""
    if "'" not in word:
        return word
    base, suffix = word.split("'", 1)
    return "" if suffix == "t" else base


@lru_cache(maxsize=16384)
def numbers(text: str) -> frozenset[str]:
    return frozenset(n.strip("$%").replace(",", "") for n in _NUMBER_RE.findall(text))


def is_courtesy(sentence: str) -> bool:
    s = sentence.strip().strip("\"'")
    return len(s.split()) <= 14 and not _NUMBER_RE.search(s) and bool(_COURTESY.match(s))


def _squash(text: str) -> str:
    """Lower case without spaces, separators or format characters (to find an echoed secret)."""
    return re.sub(r"[\s.\-_/]", "", clean(text).lower())


def _fill_facts(text: str, facts: dict[str, str]) -> str:
    for key, value in facts.items():
        text = text.replace("{" + key + "}", value)
    return text


# ---- the checker --------------------------------------------------------------------------


class PolicyChecker:
    def __init__(self, policy: Policy, *, disabled: Iterable[str] = ()) -> None:
        """``disabled``: checks reported as passed without running (only for the eval failure
        tests, which must show a metric dropping when a check is off)."""
        self.policy = policy
        self.disabled = frozenset(disabled)
        self._approved_texts = tuple(policy.approved_texts())
        self._approved_words = [content_words(t) for t in self._approved_texts]
        self._approved_word_set = frozenset().union(*self._approved_words, content_words(policy.brand))
        self._approved_numbers = frozenset().union(*(numbers(t) for t in self._approved_texts))

    def check(self, candidate: Candidate, evidence: Evidence) -> CheckReport:
        text = candidate.text
        results: list[CheckResult] = []
        citations = self._citations(candidate, evidence)
        grounded, support = self._grounded(candidate, evidence)
        results.append(grounded)
        results.append(citations)
        results.append(self._pii(text, evidence, self._sources(candidate, evidence)))
        results.append(self._forbidden(text, self._sources(candidate, evidence)))
        results.append(self._disclosures(text, evidence, candidate))
        results.append(self._tone(text))
        results.append(self._channel(text, evidence.channel))
        if self.disabled:
            results = [CheckResult(r.check, True) if r.check in self.disabled else r for r in results]
        return CheckReport(results, support)

    # -- individual checks --

    def _cited_in_force(self, candidate: Candidate, evidence: Evidence) -> list[SearchHit]:
        """The cited chunks of articles in force on the evidence's day (others support nothing),
        then the other retrieved chunks of the same cited article version: the prompt shows one
        reference per article, so a citation stands for the article, and a fact from another
        retrieved passage of it is as supported as one from the chunk the reference points to."""
        today = evidence.today if isinstance(evidence.today, date) else datetime.now(UTC).date()
        day = today.year * 10000 + today.month * 100 + today.day
        out: list[SearchHit] = []
        for c in candidate.citations:
            hit = evidence.hits.get(c)
            if hit is None:
                continue
            payload = hit.payload or {}
            if int(payload.get("effective_from") or 0) > day or int(payload.get("review_by") or 99991231) < day:
                continue
            out.append(hit)
        cited, seen = {(h.article_id, h.version) for h in out}, {h.chunk_id for h in out}
        out += [h for h in evidence.hits.values() if (h.article_id, h.version) in cited and h.chunk_id not in seen]
        return out

    def _sources(self, candidate: Candidate, evidence: Evidence) -> list[str]:
        return evidence.remember(("sources", tuple(candidate.citations)), lambda: self._sources_of(candidate, evidence))

    def _sources_of(self, candidate: Candidate, evidence: Evidence) -> list[str]:
        texts: list[str] = []
        seen_articles: set[str] = set()
        for hit in self._cited_in_force(candidate, evidence):
            texts.append(f"{hit.title}. {hit.heading}. {hit.text}")
            if hit.article_id not in seen_articles:
                seen_articles.add(hit.article_id)
                replies = (hit.payload or {}).get("replies") or {}
                texts.extend(_fill_facts(t, evidence.facts) for t in replies.values())
        return texts

    def _passages(self, candidate: Candidate, evidence: Evidence) -> list[Passage]:
        return list(evidence.remember(("passages", tuple(candidate.citations)), lambda: self._passages_of(candidate, evidence)))

    def _passages_of(self, candidate: Candidate, evidence: Evidence) -> list[Passage]:
        out: list[Passage] = []
        seen_articles: set[str] = set()
        for hit in self._cited_in_force(candidate, evidence):
            context = f"{hit.title} {hit.heading}"
            out += split_passages(hit.text, f"chunk {hit.chunk_id} of {hit.article_id}", context, remember=True)
            if hit.article_id not in seen_articles:
                seen_articles.add(hit.article_id)
                for channel, t in ((hit.payload or {}).get("replies") or {}).items():
                    out += split_passages(_fill_facts(t, evidence.facts), f"the approved {channel} reply of {hit.article_id}", hit.title)
        for t in self._approved_texts:
            out += split_passages(t, "the policy", remember=True)
        return out

    def cited_passages(self, candidate: Candidate, evidence: Evidence) -> list[Passage]:
        """The passages of the cited, in-force chunks and their approved replies (for the judge)."""
        return [p for p in self._passages(candidate, evidence) if p.source != "the policy"]

    def _grounded(self, candidate: Candidate, evidence: Evidence) -> tuple[CheckResult, float]:
        """Claim-level grounding (:mod:`service.guardrails.claims`)."""
        sources = self._sources(candidate, evidence)
        facts = list(evidence.facts.values())
        allowed_words = evidence.remember(("allowed_words", tuple(candidate.citations)), lambda: self._approved_word_set.union(
            *(content_words(s) for s in sources), *(content_words(v) for v in facts)))
        # Numbers the customer stated (not amounts) and the known facts (an order id) may be repeated.
        exempt = evidence.remember("exempt", lambda: _repeatable_numbers(evidence.customer_texts, facts))
        exempt = exempt | details_counted(candidate.text, evidence.customer_texts)  # "You've sent 2": their details counted
        amounts = customer_amounts(evidence)
        claims = [s for s in sentences(self._without_prefix(candidate.text)) if not any(s.strip() in t for t in self._approved_texts)]
        claims, unread = self._in_english(claims, candidate.text, sources, facts)  # a reply in Spanish, French, ... (round 18a)
        passages = self._passages(candidate, evidence)
        samples = sample_details(candidate.text)  # "for example "14 Alder Lane"": a format, no claim
        # The cited interactions support claims about this customer only, never policy.
        history = {i: evidence.history[i] for i in candidate.history_citations if i in evidence.history}
        mine = [c for c in claims if history and about_customer(c)]
        groups = [([c for c in claims if c not in mine], passages, allowed_words)]
        if mine:
            history_words = frozenset().union(*(content_words(h) for h in history.values()))
            history_passages = [p for i, h in history.items() for p in split_passages(h, f"interaction {i}")]
            groups.append((mine, passages + history_passages, allowed_words | history_words))
        findings: list[str] = [f"claim not supported: {u}" for u in unread]
        supports: list[float] = []
        for group, group_passages, words_allowed in groups:
            if not group:
                continue
            result = check_claims(
                group,
                group_passages,
                content_words=content_words,
                loose_support=lambda words, allowed=words_allowed: len(words & allowed) / len(words),
                exempt_numbers=exempt | {f.value for d in samples for f in facts_of(d)},
                case_amounts=amounts,
                customer_words=customer_words(evidence),
                case_durations=customer_durations(evidence),
                asked_amounts=customer_asked_amounts(evidence) if amounts else frozenset(),
                case_details=[d for d in customer_details(evidence) if d in candidate.text] + samples,
                case_level=evidence.remember("level", lambda: customer_level(" ".join(evidence.customer_texts))),
                identifiers=facts,
                lacked_words=evidence.remember("lacked", lambda: lacked_words(evidence.customer_texts, content_words)),
            )
            findings += [f"claim not supported: {f}" for f in result.findings]
            supports += result.supports
        level = evidence.remember("level", lambda: customer_level(" ".join(evidence.customer_texts)))
        findings += [f"claim not supported: {f}" for f in level_findings(claims, passages, level, content_words)]
        findings += [f"claim not supported: {f}" for c in claims for f in [unsupported_free(clean(c), passages, content_words)] if f]
        findings += [f"claim not supported: {f}" for c in claims for f in [good_news_they_denied(clean(c), evidence.customer_texts, content_words, [evidence.facts.get('first_name', '')])] if f]
        findings += [f"claim not supported: {f}" for f in compared_wrongly(map(clean, claims), passages)]  # "Bronze has longer than that" (round 16b)
        findings += [f"claim not supported: {f}" for c in claims for f in [universal_of_some(clean(c), passages, content_words, self.policy.brand)] if f]
        findings += [f"claim not supported: {f}" for c in claims
                     for f in [unstated_specifics(clean(c), sources, evidence.customer_texts, [str(v) for v in facts])] if f]
        # a size or a list item no cited source gives beside the sourced ones ("S, M, L, XL and XXL"; round 17c)
        findings += [f"claim not supported: {f}" for c in claims
                     for f in [unstated_size(clean(c), sources) or added_item(clean(c), [p.text for p in passages])] if f]
        findings += [f"claim not supported: {f}" for c in claims for f in [moved_event_day(clean(c), sources)] if f]  # "an email a week before launch day" (round 17g)
        known = evidence.remember(("identifiers", tuple(candidate.citations)), lambda: known_identifiers(
            [*sources, *self._approved_texts, *evidence.customer_texts, *facts, *history.values()]))
        findings += [f"claim not supported: {f}" for c in claims for f in [made_up(clean(c), known)] if f]
        findings += [f"claim not supported: {f}" for f in verdict_findings(
            map(clean, claims), passages, customer_texts=evidence.customer_texts, amounts=customer_amounts(evidence),
            durations=customer_durations(evidence), level=level, channel=evidence.channel, words=content_words)]
        mean = sum(supports) / len(supports) if supports else 1.0
        return CheckResult("grounded", not findings, findings), mean

    def _in_english(self, claims: list[str], text: str, sources: Sequence[str], facts: Sequence[Any]) -> tuple[list[str], list[str]]:
        """The claims of a reply written in another language, read in English (:mod:`service.guardrails.other_languages`),
        and a finding for each claim with words the glossary cannot read (a name given, the brand or a word of the sources is read as it is)."""
        language = reply_language(text)
        if language == "en":
            return claims, []
        known = {w for v in [*map(str, facts), self.policy.brand] for w in re.findall(r"[^\W\d_]+", v)}
        known |= {w for s in sources for w in re.findall(r"[^\W\d_]{4,}", s)}
        read, unread = [], []
        for claim in claims:
            english, words = glossed(claim, language, known)
            if words:
                unread.append(f"written in {language}, with words the check cannot read ({', '.join(words[:6])}): {claim[:140]!r}")
            else:
                read.append(english)
        return read, unread

    def _without_prefix(self, text: str) -> str:
        """``text`` without a prefix disclosure it opens with ("Northwind Apparel:" on a text): the
        sender's name is policy text, not a word of the claim it runs into (fourteenth round)."""
        for d in self.policy.disclosures:
            if d.position == "prefix" and text.lstrip().startswith(d.text):
                return text.lstrip()[len(d.text):]
        return text

    def _citations(self, candidate: Candidate, evidence: Evidence) -> CheckResult:
        findings = []
        for c in candidate.citations:
            hit = evidence.hits.get(c)
            if hit is None:
                findings.append(f"cited chunk {c!r} was not retrieved for this request")
            elif (hit.payload or {}).get("status", "approved") != "approved":
                findings.append(f"cited chunk {c!r} belongs to an article that is not approved")
        factual = [s for s in sentences(candidate.text) if not is_courtesy(s) and content_words(s)]
        policy_only = all(any(s.strip() in t for t in self._approved_texts) for s in factual)
        if candidate.engine != "policy" and factual and not candidate.citations and not candidate.history_citations and not policy_only:
            findings.append("the reply states facts but cites no chunk")
        return CheckResult("citations", not findings, findings)

    def _pii(self, text: str, evidence: Evidence, sources: Sequence[str] = ()) -> CheckResult:
        findings = []
        published = " ".join(list(sources) + self.policy.approved_texts()).lower()
        placeholders = PLACEHOLDER_RE.findall(text)
        if placeholders:
            findings.append(f"the reply contains masked values ({', '.join(sorted({k for k, _ in placeholders}))})")
        redactor = Redactor()
        redactor.redact(text)
        given = evidence.remember("given", lambda: _redacted(evidence.customer_texts))
        # A secret the customer typed must never come back, with or without its cue word.
        folded = _squash(text)
        for ph, value in given.mapping.items():
            kind = given.kind_of(ph) or ""
            if kind in ("SECRET", "CARD", "IBAN", "SSN") and len(_squash(value)) >= 3 and _squash(value) in folded:
                findings.append(f"the reply repeats a {kind.lower()} the customer gave; it must never be echoed")
        if redactor.mapping:
            given_values = {(given.kind_of(ph), _normalise(given.kind_of(ph) or "", v)) for ph, v in given.mapping.items()}
            for ph, value in redactor.mapping.items():
                kind = redactor.kind_of(ph) or ""
                if kind == "SECRET" and value.lower() in published:
                    continue  # approved wording the cue-based secret detector mistook for a secret
                if (kind, _normalise(kind, value)) not in given_values:
                    if is_example(kind, value, text):
                        continue  # a sample value shown as a format ("for example "14 Alder Lane"")
                    findings.append(f"the reply contains a {kind.lower()} the customer did not give in this conversation")
                elif kind in ("SECRET", "CARD", "IBAN", "SSN"):
                    findings.append(f"the reply repeats a {kind.lower()}; it must never be echoed")
        return CheckResult("pii", not findings, findings)

    def _forbidden(self, text: str, sources: Sequence[str] = ()) -> CheckResult:
        """The forbidden commitments in ``text``; with the cited ``sources``, a rule marked ``unless_offered``
        leaves out a sentence whose offer a source makes (:mod:`service.guardrails.sourced_offers`)."""
        findings = [f"{rule.id}: {m!r}" for rule in self.policy.forbidden
                    for m in (unoffered_matches(text, rule.find, sources) if rule.unless_offered and sources else rule.find(text))]
        return CheckResult("forbidden", not findings, findings)

    def _disclosures(self, text: str, evidence: Evidence, candidate: Candidate) -> CheckResult:
        if candidate.engine == "policy":
            return CheckResult("disclosures", True)
        tags = self.cited_tags(candidate, evidence)
        findings = [
            f"required disclosure {d.id!r} is missing" for d in self.policy.disclosures_for(evidence.channel, evidence.intent, tags) if not d.present_if.search(text)
        ]
        return CheckResult("disclosures", not findings, findings)

    @staticmethod
    def cited_tags(candidate: Candidate, evidence: Evidence) -> set[str]:
        return {t for c in candidate.citations if c in evidence.hits for t in (evidence.hits[c].payload or {}).get("tags") or ()}

    def _tone(self, text: str) -> CheckResult:
        findings = [f"tone: {m.group(0)!r}" for m in search_each(self.policy.tone_phrases, text)]
        if text.count("!") > self.policy.max_exclamations:
            findings.append(f"{text.count('!')} exclamation marks (at most {self.policy.max_exclamations})")
        doubled = _DOUBLED.search(text)
        if doubled:
            findings.append(f"doubled punctuation {doubled.group(0)!r}")
        # A masked value ("(XXX) XXX-XXXX", "XXXX-1234") shows a format, it does not shout.
        shouting = [w for w in _CAPS_WORD.findall(text) if w not in self.policy.acronyms and not _MASK.fullmatch(w)]
        if len(shouting) > self.policy.max_shouting_words:
            findings.append(f"shouting: {', '.join(shouting[:3])}")
        return CheckResult("tone", not findings, findings)

    def _channel(self, text: str, channel: str) -> CheckResult:
        findings = []
        limit = self.policy.max_length(channel)
        if not text.strip():
            findings.append("the reply is empty")
        elif not _A_WORD.search(text):
            findings.append("the reply has no words")  # "][" from a small model
        unsafe = UNSAFE.search(clean(text))
        if unsafe:
            findings.append(f"the reply carries HTML or a script link ({unsafe.group(0)[:40]!r}); replies are plain text")
        if len(text) > limit:
            findings.append(f"{len(text)} characters; {channel} allows {limit}")
        if channel in ("sms", "voice") and re.search(r"[*_`#>\[\]]|^\s*[-+] ", text, re.M):
            findings.append(f"{channel} must be plain text (no Markdown)")
        if channel == "voice" and re.search(r"https?://|www\.", text):
            findings.append("a voice script cannot contain links")
        if channel == "email":
            lines = [ln for ln in text.strip().splitlines() if ln.strip()]
            if not lines or not (re.match(r"^(?:hi|hello|dear|good (?:morning|afternoon|evening))\b", lines[0], re.I) or OTHER_GREETING.match(lines[0])):
                findings.append("an e-mail starts with a greeting")
            if not (re.search(r"(?:regards|sincerely|best wishes|thank you|thanks)[,.]?\s*\n", text, re.I) or OTHER_SIGN_OFF.search(text)):
                findings.append("an e-mail ends with a sign-off")
        return CheckResult("channel", not findings, findings)


_A_WORD = re.compile(r"[^\W\d_]{2,}")
"""A word of two letters or more, in any script: a reply without one is no reply."""
_CAPS_WORD = re.compile(r"\b[A-Z]{4,}\b")
_DOUBLED = re.compile(r"!{2,}|\?+!|!\?+")
"""Marks run together ("!!", "?!"): shouting, whatever the count allows."""
_MASK = re.compile(r"X+")


def load_checker(path: Path) -> PolicyChecker:
    try:
        return PolicyChecker(load_policy(path))
    except PolicyError as exc:
        raise InvalidInput(str(exc)) from None
