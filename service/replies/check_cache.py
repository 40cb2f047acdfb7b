"""Memoised reply checks (issue 18): the same reply checked against the same evidence gives the
same report, so it is worked out once per process.

Without an LLM every candidate is approved text (an article's reply, the escalation or fallback
reply) filled with the request's facts, so the same reply, citing the same chunks, on the same
channel, recurs from one request to the next; its checks (:meth:`PolicyChecker.check`, about a
third of a request's CPU) are a pure function of:

* the checker: its policy and its switched-off checks (the cache is emptied when either changes);
* the candidate: text, cited chunk ids, engine, cited interaction ids;
* the evidence: channel; the intent if a disclosure names it (the intent's one use is to
  require a disclosure: an intent none names requires what no intent does); the day; the known
  facts (in order); every retrieved chunk that shares an article version with a cited chunk (all
  of it: ids, version, title, heading, text and payload); the text of every cited interaction;
* the customer's messages, through what the checks read of them: the numbers, colours and
  materials they stated that the reply also states (:func:`stated_values`: the grounded check
  lets a reply repeat them), the personal
  data they gave (kind and value, in order: the PII check compares the reply's against it), the
  amounts they stated when the reply states an amount (and the factors they named, "half", "twice"), their content words when the reply
  carries a caution or judges their case, the durations they stated when the reply commits to an action, and the
  details (a street address) the reply says back, and the one level they say they are when the
  reply commits to an action (:func:`_their_case`).

All of it is the key, so a hit gives the report the checks would give. A check that comes to read
another input must add it to :meth:`CheckCache.key` (``tests/test_check_cache.py`` compares cached
and fresh reports over the eval datasets' replies, and misses on a change of each input). Replies an
LLM wrote are checked afresh (they do not recur; they would only push out those that do), and so is
an evidence without a day (its day would be the clock's, read twice).
"""

from __future__ import annotations

import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import date
from functools import lru_cache
from typing import Any

from service.domain.text import sentences
from service.guardrails.case import spelled_counts
from service.guardrails.claims import facts_of, reads_customer_words
from service.guardrails.moves import without_lead_in
from service.guardrails.level_rules import commitments, customer_level
from service.guardrails.normalise import clean
from service.guardrails.numbers import prepare
from service.guardrails.verdicts import case_reads, counts_several, exclusion_words
from service.guardrails.workings import FACTOR_WORDS
from service.replies.policy import (Candidate, CheckReport, CheckResult, Evidence, PolicyChecker, _redacted, _repeatable_numbers, customer_amounts,
                                   content_words, customer_asked_amounts, customer_details, customer_durations, customer_words)

_DURATION_WORD = re.compile(r"\b(?:day|week|month|year)s?\b", re.I)
"""A reply stating a duration may say the customer's in another unit ("six weeks is about 42 days")."""
_MEMO = "check_cache"
"""Prefix of this module's entries in an evidence's memo (apart from the checks' own)."""


class CheckCache:
    """A bounded LRU of check reports in front of one :class:`PolicyChecker`."""

    def __init__(self, checker: PolicyChecker, *, size: int = 2048) -> None:
        self.checker = checker
        self.size = size
        self.hits = 0
        self.misses = 0
        self._reports: OrderedDict[Hashable, _Stored] = OrderedDict()
        self._lock = threading.Lock()
        self._made_for: tuple[Any, frozenset[str]] = (checker.policy, checker.disabled)
        self._intents = _named_intents(checker.policy)

    def check(self, candidate: Candidate, evidence: Evidence) -> CheckReport:
        policy, disabled = self.checker.policy, self.checker.disabled
        if self._made_for[0] is not policy or self._made_for[1] != disabled:  # a new policy: nothing carries over
            with self._lock:
                self._reports.clear()
                self._made_for, self._intents = (policy, disabled), _named_intents(policy)
        key = self.key(candidate, evidence)
        if key is None:
            return self.checker.check(candidate, evidence)
        key = (id(policy), disabled, key)
        with self._lock:
            stored = self._reports.get(key)
            if stored is not None:
                self._reports.move_to_end(key)
                self.hits += 1
        if stored is not None:
            return _report(stored)
        report = self.checker.check(candidate, evidence)
        with self._lock:
            self.misses += 1
            if self._made_for[0] is policy and self._made_for[1] == disabled:
                self._reports[key] = _stored(report)
                while len(self._reports) > self.size:
                    self._reports.popitem(last=False)
        return report

    def key(self, candidate: Candidate, evidence: Evidence) -> Hashable | None:
        """Everything the report depends on; None: not cached (an LLM's reply, no day given)."""
        if candidate.engine == "llm" or not isinstance(evidence.today, date):
            return None
        chunks = evidence.remember((_MEMO, "chunks", tuple(candidate.citations)), lambda: _chunks(candidate, evidence))
        if chunks is None:  # a payload value that cannot be part of a key: checked afresh
            return None
        history = tuple((i, evidence.history.get(i)) for i in candidate.history_citations)
        key = (
            candidate.text, tuple(candidate.citations), candidate.engine, tuple(candidate.history_citations),
            evidence.intent if evidence.intent in self._intents else None, chunks, history,
            *evidence.remember((_MEMO, "request"), lambda: _per_request(evidence)),
            *_their_case(candidate.text, evidence, tuple(candidate.citations)),
        )
        try:
            return _Key(key)
        except TypeError:  # a fact that is not a string, say: checked afresh
            return None


class _Key:
    """A key whose hash is worked out once (a tuple's is not kept: the lookup, the move to the
    end and the store would each walk all of it again)."""

    __slots__ = ("value", "_hash")

    def __init__(self, value: tuple[Hashable, ...]) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self._hash == other._hash and self.value == other.value


def _chunks(candidate: Candidate, evidence: Evidence) -> tuple[Hashable, ...] | None:
    """Every retrieved chunk that shares an article version with a cited chunk (once per request
    and set of citations); None: a payload that cannot be part of a key."""
    hits = evidence.hits
    cited = [hits.get(c) for c in candidate.citations]
    versions = {(h.article_id, h.version) for h in cited if h is not None}
    try:
        return tuple((c, _hit_key(evidence, c)) for c, h in hits.items() if (h.article_id, h.version) in versions)
    except TypeError:
        return None


def _per_request(evidence: Evidence) -> tuple[Hashable, ...]:
    """The parts of the key that are the same for every candidate of a request: the channel, the
    day, the known facts and the personal data the customer gave."""
    today = evidence.today
    given = evidence.remember((_MEMO, "given"), lambda: _given(evidence.customer_texts))
    return evidence.channel, (today.year, today.month, today.day), tuple(evidence.facts.items()), given


def _exempt(evidence: Evidence) -> frozenset[str]:
    """The customer's repeatable values (:func:`_repeatable_numbers`), once per request."""
    return evidence.remember((_MEMO, "exempt"), lambda: frozenset(_repeatable_numbers(evidence.customer_texts, list(evidence.facts.values()))))


def _their_case(text: str, evidence: Evidence, citations: tuple[str, ...] = ()) -> tuple[Hashable, ...]:
    """What else of the customer's words the grounded check reads for ``text``: the amounts they
    stated (and those of them they ask for), when the reply states an amount (as written or as
    number words: "ninety-nine dollars"), their content words, when the reply carries a caution ("isn't what they're
    made for"), and the durations they stated, when the reply commits to an action (a commitment
    past a threshold their duration does not meet is refused) or states a duration (theirs in
    another unit, "six weeks is about 42 days", is their case), and the details they gave in their
    own words that the reply says back (a street address). Each is left out otherwise,
    where the check does not read it."""
    exempt = _exempt(evidence)
    money, reads_words, reads_durations, reads_level = _reads(text)
    amounts = (customer_amounts(evidence), customer_asked_amounts(evidence), customer_words(evidence) & FACTOR_WORDS) if money else None
    words = customer_words(evidence) if reads_words else None
    durations = customer_durations(evidence) if reads_durations else None
    details = tuple(sorted(d for d in customer_details(evidence) if d in text))
    level = customer_level(" ".join(evidence.customer_texts)) if reads_level else None
    # a verdict on their case (verdicts.py: a grant, a time limit, an exclusion, their things counted)
    grant, window, exclusion, counted = case_reads(text)
    texts = evidence.customer_texts
    case = (customer_amounts(evidence) if grant or reads_level else None,
            customer_durations(evidence) if grant or window or reads_level else None,
            customer_level(" ".join(texts)) if grant or window or exclusion else None,
            _excluded_words(text, evidence, citations) if exclusion else None,
            counts_several(texts) if counted else None)
    return exempt & stated_values(text) if exempt else frozenset(), amounts, words, durations, details, level, case


def _excluded_words(text: str, evidence: Evidence, citations: tuple[str, ...]) -> frozenset[str]:
    """The customer's words an exclusion verdict can read for ``text``: those among the retrieved
    exclusions' words and the reply's words the cited chunks do not give (none when nothing
    retrieved excludes anything)."""
    excluded = evidence.remember((_MEMO, "exclusions"), lambda: exclusion_words([h.text for h in evidence.hits.values()], content_words))
    if not excluded:
        return frozenset()
    cited = evidence.remember((_MEMO, "cited words", citations), lambda: frozenset().union(
        *(content_words(evidence.hits[c].text) for c in citations if c in evidence.hits)))
    return customer_words(evidence) & (excluded | (content_words(text) - cited))


@lru_cache(maxsize=8192)
def _reads(text: str) -> tuple[bool, bool, bool, bool]:
    """What of the customer's case the grounded check reads for ``text`` (a reply's text alone
    decides it): their amounts, their words, their durations, their level."""
    spelled = prepare(text)
    money = any(c in text or c in spelled for c in "$€£")
    commits = any(v.startswith("act:") for v in stated_values(text)) or any(v.startswith("act:") for v in stated_values(clean(text)))
    return money, reads_customer_words(text), bool(commits or _DURATION_WORD.search(spelled)), bool(commits or commitments(clean(text)))


def _named_intents(policy: Any) -> frozenset[str]:
    """The intents some disclosure requires something for."""
    return frozenset().union(*(d.intents for d in policy.disclosures))


def _given(customer_texts: list[str]) -> tuple[tuple[str | None, str], ...]:
    """The personal data the customer gave, as the PII check reads it: (kind, value), in order."""
    given = _redacted(customer_texts)
    return tuple((given.kind_of(ph), value) for ph, value in given.mapping.items())


def _hit_key(evidence: Evidence, chunk_id: str) -> Hashable:
    """A retrieved chunk, all of it. Its strings are interned: each request's chunks are new
    objects, and the keys kept would otherwise hold a copy of the same text apiece."""
    hit = evidence.hits[chunk_id]
    return evidence.remember((_MEMO, "hit", chunk_id), lambda: (
        _frozen(hit.chunk_id), _frozen(hit.article_id), _frozen(hit.version), _frozen(hit.title), _frozen(hit.heading),
        _frozen(hit.text), _shared(_frozen(hit.payload or {}))))


_PAYLOADS: dict[Hashable, Hashable] = {}
"""One instance of each frozen payload (the chunks of an article version share it, request after
request), so the keys kept share it too. Emptied when it reaches :data:`_PAYLOADS_MAX`."""
_PAYLOADS_MAX = 4096


def _shared(frozen: Hashable) -> Hashable:
    kept = _PAYLOADS.get(frozen)
    if kept is None:
        if len(_PAYLOADS) >= _PAYLOADS_MAX:
            _PAYLOADS.clear()
        kept = _PAYLOADS[frozen] = frozen
    return kept


def _frozen(value: Any) -> Hashable:
    """A payload as a hashable value that tells apart every payload that differs (order kept; a
    value's type too: ``True`` is not ``1``). TypeError: a value that cannot be told apart."""
    kind = type(value)
    if kind is str:
        return sys.intern(value)
    if kind is int or value is None:
        return value
    if isinstance(value, dict):
        return ("dict", tuple((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (kind.__name__, tuple(_frozen(v) for v in value))
    if isinstance(value, set | frozenset):
        return ("set", frozenset(_frozen(v) for v in value))
    hash(value)
    return (kind.__name__, value)


@lru_cache(maxsize=8192)
def stated_values(text: str) -> frozenset[str]:
    """Every value a fact of ``text`` can take, read as the grounded check reads a claim or a
    clause (:func:`service.guardrails.claims.check_claims`), and every word and figure of it
    besides (a superset): a number, colour or material of the customer's matters to the report
    only if it is one of these."""
    spelled = prepare(text)
    out: set[str] = set(re.findall(r"[\w.,:/$€£%-]+", spelled.lower())) | set(re.findall(r"\w+", spelled.lower()))
    out.update(spelled_counts(spelled))  # "$15 for three": the customer's count 3 is read
    for s in sentences(text):
        for t in {s, without_lead_in(s)}:
            for acts in ("claim", None):
                out.update(f.value for f in facts_of(prepare(t), acts=acts))
    return frozenset(out)


_Stored = tuple[tuple[tuple[str, bool, tuple[str, ...]], ...], float]


def _stored(report: CheckReport) -> _Stored:
    """A report as kept: tuples (small, and nobody can change them)."""
    return tuple((r.check, r.passed, tuple(r.findings)) for r in report.results), report.support


def _report(stored: _Stored) -> CheckReport:
    """A kept report as a new one of its own (a caller may add to its findings)."""
    results, support = stored
    return CheckReport([CheckResult(check, passed, list(findings)) for check, passed, findings in results], support)
