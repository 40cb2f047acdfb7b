"""Issue 18: the reply checks are memoised; a cached report is the report the checks give."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from service.knowledge.articles import load_dir
from service.ports import SearchHit
from service.replies.check_cache import CheckCache
from service.replies.grounded import GroundedEngine
from service.replies.policy import Candidate, CheckReport, Evidence, PolicyChecker, load_policy

REPO = Path(__file__).resolve().parents[1]
POLICY = load_policy(REPO / "knowledge" / "policy.yaml")
CHECKER = PolicyChecker(POLICY)
TODAY = date(2026, 11, 15)
ARTICLES = {a.id: a for a in load_dir(REPO / "knowledge").articles}
NAMED_INTENTS = sorted(set().union(*(d.intents for d in POLICY.disclosures)))


def chunks(article_id: str) -> list[SearchHit]:
    """An article as two retrieved chunks (its first paragraphs, the rest), so a reply can cite one
    of them while the other is retrieved too."""
    a = ARTICLES[article_id]
    parts = a.body.split("\n\n")
    half = max(1, len(parts) // 2)
    texts = ["\n\n".join(parts[:half]), "\n\n".join(parts[half:]) or a.title]
    return [SearchHit(chunk_id=f"{a.id}-{i}", article_id=a.id, title=a.title, text=t, score=0.5 - 0.1 * i, version=a.version,
                      heading=a.title, payload=a.payload()) for i, t in enumerate(texts)]


def _lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (REPO / "evals" / "datasets" / name).read_text().splitlines() if line.strip()]


Make = Callable[..., Evidence]


def dataset_checks() -> Iterator[tuple[str, Candidate, Make]]:
    """Every reply of the eval datasets a check sees: the guardrails cases' model replies (as if
    approved text had been filled in) and the grounded engine's replies to them, and the grounded
    replies to the retrieval queries on chat, e-mail, SMS and voice."""
    engine = GroundedEngine(POLICY)
    cases = [(c["id"], c["input"]["channel"], [m["text"] for m in c["input"]["messages"] if m["role"] == "customer"],
              c["input"].get("customer") or {}, c["input"]["articles"], c["input"]["model_reply"]) for c in _lines("guardrails.jsonl")]
    for i, c in enumerate(_lines("retrieval.jsonl")):
        channel = ("chat", "email", "sms", "voice")[i % 4]
        cases.append((c["id"], channel, [c["input"]["query"]], {"first_name": "Dana", "order_id": "4471920"},
                      c["expected"]["article_ids"], None))
    for case_id, channel, customer, customer_facts, articles, model_reply in cases:
        hits = [h for a in articles if a in ARTICLES for h in chunks(a)]
        facts = {k: str(v) for k, v in customer_facts.items() if k in ("first_name", "order_id")}

        def make(suffix: str = "", intent: str | None = None, *, channel: str = channel, hits: list[SearchHit] = hits,
                 customer: list[str] = customer, facts: dict[str, str] = facts) -> Evidence:
            texts = customer[:-1] + [customer[-1] + suffix] if customer else [suffix]
            return Evidence(channel, {h.chunk_id: h for h in hits}, texts, dict(facts), intent, today=TODAY)

        candidates = [Candidate(g.candidate.text, list(g.candidate.citations), "grounded")
                      for g in engine.replies(hits, channel, facts=facts, limit=3)]
        if model_reply is not None:
            cited = [h.chunk_id for h in hits][:1]
            candidates.append(Candidate(model_reply, cited, "grounded"))
        for cand in candidates:
            yield case_id, cand, make


def same(a: CheckReport, b: CheckReport) -> bool:
    return a.as_list() == b.as_list() and a.support == b.support


def test_a_cached_report_is_the_report_the_checks_give_over_the_eval_datasets() -> None:
    cache = CheckCache(CHECKER, size=100_000)
    checks = list(dataset_checks())
    assert len(checks) > 1000
    # The customer's words change between requests: a number the reply also states, one it does
    # not, personal data, an intent some disclosure names and one none does.
    variants = [((), {}), ((" (ticket 7)",), {}), ((" It was 30 days ago, order 4471920.",), {}),
                ((" my email is ava@example.com",), {})] + [((), {"intent": i}) for i in NAMED_INTENTS[:3] + ["no_such_intent"]]
    differ = 0
    for n, (case_id, cand, make) in enumerate(checks):
        base = CHECKER.check(cand, make())
        for args, kwargs in variants if n % 4 == 0 else variants[:1]:  # the variants on every fourth reply (time)
            fresh = CHECKER.check(cand, make(*args, **kwargs)) if args or kwargs else base
            for _ in range(2):
                cached = cache.check(cand, make(*args, **kwargs))
                assert same(cached, fresh), (case_id, cand.text, args, kwargs, cached.as_list(), fresh.as_list())
            differ += not same(fresh, base)
    assert cache.hits > cache.misses  # most of them were answered from the cache
    assert differ > 0  # and some variants did change the report (a miss was needed there)


def _base() -> tuple[Candidate, Callable[..., Evidence]]:
    hits = chunks("returns-membership-windows") + chunks("store-refund-policy")
    facts = {"first_name": "Dana", "order_id": "4471920"}

    def make(**change: object) -> Evidence:
        ev = Evidence("chat", {h.chunk_id: h for h in hits}, ["How long do I have to return a sweater? It's order 4471920."],
                      dict(facts), None, today=TODAY, history={"i-1": "Dana was promised a call back."})
        return dataclasses.replace(ev, **change) if change else ev

    text = "Thanks Dana. Silver members can return an item within 6 months of purchase, order 4471920."
    return Candidate(text, [hits[0].chunk_id], "grounded", ["i-1"]), make


def _edit_hit(ev: Evidence, chunk_id: str, **change: object) -> dict[str, SearchHit]:
    return {c: (dataclasses.replace(h, **change) if c == chunk_id else h) for c, h in ev.hits.items()}


def test_a_change_of_any_input_misses_the_cache() -> None:
    cand, make = _base()
    base = make()
    cited, sibling = list(base.hits)[:2]
    other_article = list(base.hits)[2]
    cache = CheckCache(CHECKER)
    key = cache.key(cand, base)
    assert key is not None and cache.key(cand, make()) == key
    changed_candidates = {
        "text": dataclasses.replace(cand, text=cand.text + " Anything else?"),
        "citations": dataclasses.replace(cand, citations=[sibling]),
        "engine": dataclasses.replace(cand, engine="policy"),
        "history citations": dataclasses.replace(cand, history_citations=[]),
    }
    payload = dict(base.hits[cited].payload)
    changed_evidence = {
        "channel": make(channel="email"),
        "an intent a disclosure names": make(intent=NAMED_INTENTS[0]),
        "day": make(today=date(2026, 11, 16)),
        "a fact": make(facts={"first_name": "Ava", "order_id": "4471920"}),
        "the order of the facts": make(facts={"order_id": "4471920", "first_name": "Dana"}),
        "cited chunk text": make(hits=_edit_hit(base, cited, text=base.hits[cited].text + " Gold: 30 days.")),
        "cited chunk title": make(hits=_edit_hit(base, cited, title="Other")),
        "cited chunk heading": make(hits=_edit_hit(base, cited, heading="Other")),
        "cited chunk version": make(hits=_edit_hit(base, cited, version=99)),
        "cited chunk payload": make(hits=_edit_hit(base, cited, payload={**payload, "status": "retired"})),
        "cited chunk's approved reply": make(hits=_edit_hit(base, cited, payload={**payload, "replies": {"default": "Other."}})),
        "a retrieved chunk of the same article version": make(hits=_edit_hit(base, sibling, text="Gold members: 2 days.")),
        "the cited chunk no longer retrieved": make(hits={c: h for c, h in base.hits.items() if c != cited}),
        "a cited interaction's text": make(history={"i-1": "Dana was promised a refund."}),
        "a number the customer stated that the reply states": make(customer_texts=["How long do I have? It's 6 months old."]),
        "personal data the customer gave": make(customer_texts=["How long? Call me on 415-555-0132. Order 4471920."]),
    }
    for what, c in changed_candidates.items():
        assert cache.key(c, base) != key, what
    for what, ev in changed_evidence.items():
        assert cache.key(cand, ev) != key, what
    # What the report does not depend on does not miss.
    unchanged = {
        "an intent no disclosure names": make(intent="no_such_intent"),
        "a number the reply does not state": make(customer_texts=["How long do I have? Ticket 17. It's order 4471920."]),
        "the customer's amounts, when the reply states none": make(customer_texts=["How long do I have to return a sweater? It cost $40. It's order 4471920."]),
        "a retrieved chunk of another article": make(hits=_edit_hit(base, other_article, text="Something else.")),
        "a score": make(hits=_edit_hit(base, cited, score=0.01)),
        "an interaction not cited": make(history={"i-1": "Dana was promised a call back.", "i-2": "Other."}),
    }
    for what, ev in unchanged.items():
        assert cache.key(cand, ev) == key, what


def test_reports_are_counted_and_a_new_policy_or_switched_off_check_starts_afresh() -> None:
    cand, make = _base()
    checker = PolicyChecker(POLICY)
    cache = CheckCache(checker)
    first = cache.check(cand, make())
    cache.check(cand, make())
    assert (cache.hits, cache.misses) == (1, 1)
    checker.disabled = frozenset({"grounded"})
    off = cache.check(cand, make())
    assert cache.misses == 2 and same(off, checker.check(cand, make()))
    checker.disabled = frozenset()
    checker.policy = dataclasses.replace(POLICY)
    again = cache.check(cand, make())
    assert cache.misses == 3 and same(again, first)


def test_a_cached_report_is_a_copy_the_caller_may_change() -> None:
    cand, make = _base()
    cache = CheckCache(CHECKER)
    report = cache.check(cand, make())
    expected = copy.deepcopy(report.as_list())
    report.results[0].findings.append("added by the caller")
    report.results.clear()
    assert cache.check(cand, make()).as_list() == expected


def test_llm_replies_and_evidence_without_a_day_are_checked_afresh() -> None:
    cand, make = _base()
    cache = CheckCache(CHECKER)
    assert cache.key(dataclasses.replace(cand, engine="llm"), make()) is None
    assert cache.key(cand, make(today=None)) is None
    cache.check(dataclasses.replace(cand, engine="llm"), make())
    cache.check(dataclasses.replace(cand, engine="llm"), make())
    assert cache.hits == 0


def test_the_key_covers_every_input_the_checks_read() -> None:
    """A field added to a candidate or an evidence, or a new part of the evidence read by the
    checks, must be added to :meth:`CheckCache.key` (then to this list)."""
    assert [f.name for f in dataclasses.fields(Candidate)] == ["text", "citations", "engine", "history_citations"]
    assert [f.name for f in dataclasses.fields(Evidence)] == ["channel", "hits", "customer_texts", "facts", "intent", "today", "history", "memo"]
    source = (REPO / "service" / "replies" / "policy.py").read_text()
    assert set(re.findall(r"\bevidence\.(\w+)", source)) <= {"channel", "hits", "customer_texts", "facts", "intent", "today", "history", "remember"}
    assert "evidence.intent" in source and source.count("evidence.intent") == 1, "the intent is keyed for the disclosures only"
    assert set(re.findall(r"\bcandidate\.(\w+)", source)) <= {"text", "citations", "engine", "history_citations"}


def test_the_suggestion_service_checks_through_the_cache() -> None:
    from tests.test_guardrails import _suggester

    suggester = _suggester()
    assert isinstance(suggester.checks, CheckCache) and suggester.checks.checker is suggester.checker


def test_what_cannot_be_a_key_is_checked_afresh() -> None:
    cand, make = _base()
    cache = CheckCache(CHECKER)
    base = make()
    cited = cand.citations[0]
    odd = make(hits=_edit_hit(base, cited, payload={**base.hits[cited].payload, "extra": {"a": [{"b"}]}, "odd": bytearray(b"x")}))
    assert cache.key(cand, odd) is None
    assert same(cache.check(cand, odd), CHECKER.check(cand, make()))
    typed = make(hits=_edit_hit(base, cited, payload={**base.hits[cited].payload, "flag": True}))
    assert cache.key(cand, typed) != cache.key(cand, make(hits=_edit_hit(base, cited, payload={**base.hits[cited].payload, "flag": 1})))


def test_the_customers_amounts_and_words_are_keyed_where_the_reply_reads_them() -> None:
    """The grounded check reads the customer's amounts for a reply that states an amount (as
    written or in number words), and their words for a reply with a caution: there a different
    customer message must miss, and the cached report must be the fresh one."""
    hits = chunks("pricing-price-dropped") + chunks("orders-add-item")

    def make(text: str) -> Evidence:
        return Evidence("voice", {h.chunk_id: h for h in hits}, [text], {"first_name": "Dana"}, None, today=TODAY)

    cache = CheckCache(CHECKER)
    for reply in ("Your $60 refund plus the $25 belt makes a new total of $85.",
                  "Your sixty dollar refund plus the twenty-five dollar belt makes eighty-five dollars.",
                  "They aren't designed to be submerged, so wading through streams isn't what they're made for."):
        cand = Candidate(reply, [hits[0].chunk_id], "grounded")
        a, b = make("I have a $60 refund open and want to add a $25 belt. Can I wade through streams?"), make("Can I add a belt to my refund?")
        assert cache.key(cand, a) != cache.key(cand, b), reply
        for ev in (a, b, a, b):
            assert same(cache.check(cand, ev), CHECKER.check(cand, ev)), reply


def test_the_customers_durations_are_keyed_where_the_reply_commits_to_an_action() -> None:
    """A commitment past a threshold the customer's duration does not meet is refused (the
    grounded check reads their durations for a reply that commits to an action): a different
    duration must miss, and the cached report must be the fresh one; a reply that commits to
    nothing and states no duration does not read them."""
    hits = chunks("shipping-missing-package")

    def make(text: str) -> Evidence:
        return Evidence("chat", {h.chunk_id: h for h in hits}, [text], {"first_name": "Dana"}, None, today=TODAY)

    cache = CheckCache(CHECKER)
    cand = Candidate("I've sent a replacement order for you.", [hits[0].chunk_id], "grounded")
    short, long = make("My parcel is 2 days late."), make("My parcel is 10 days late.")
    assert cache.key(cand, short) != cache.key(cand, long)
    for ev in (short, long, short, long):
        assert same(cache.check(cand, ev), CHECKER.check(cand, ev))
    plain = Candidate("Packages are sometimes marked as delivered before they actually arrive.", [hits[0].chunk_id], "grounded")
    assert cache.key(plain, short) == cache.key(plain, long)


def test_the_customers_address_is_keyed_where_the_reply_says_it_back() -> None:
    hits = chunks("account-change-address")

    def make(text: str) -> Evidence:
        return Evidence("chat", {h.chunk_id: h for h in hits}, [text], {"first_name": "Dana"}, None, today=TODAY)

    cache = CheckCache(CHECKER)
    cand = Candidate("I'll update your address to 7 Harbour Lane.", [hits[0].chunk_id], "grounded")
    theirs, other = make("I've moved to 7 Harbour Lane."), make("I've moved to 9 Mill Road.")
    assert cache.key(cand, theirs) != cache.key(cand, other)
    for ev in (theirs, other, theirs, other):
        assert same(cache.check(cand, ev), CHECKER.check(cand, ev))


def test_the_customers_words_are_keyed_where_the_reply_judges_their_case() -> None:
    hits = chunks("returns-stained-or-damaged")

    def make(text: str) -> Evidence:
        return Evidence("chat", {h.chunk_id: h for h in hits}, [text], {"first_name": "Dana"}, None, today=TODAY)

    cache = CheckCache(CHECKER)
    cand = Candidate("Silver members can return items bought within 6 months, and a linen skirt bought last month is well within that.",
                     [hits[0].chunk_id], "grounded")
    theirs, other = make("Silver, my linen skirt bought last month is stained."), make("Silver, my coat is stained.")
    assert cache.key(cand, theirs) != cache.key(cand, other)
    for ev in (theirs, other, theirs, other):
        assert same(cache.check(cand, ev), CHECKER.check(cand, ev))


def test_the_customers_durations_are_keyed_where_the_reply_states_a_duration() -> None:
    hits = chunks("returns-membership-windows")

    def make(text: str) -> Evidence:
        return Evidence("chat", {h.chunk_id: h for h in hits}, [text], {"first_name": "Dana"}, None, today=TODAY)

    cache = CheckCache(CHECKER)
    cand = Candidate("Seven weeks is about 49 days, so the hat is past the 30 days.", [hits[0].chunk_id], "grounded")
    seven, three = make("Guest. Bought a hat seven weeks ago."), make("Guest. Bought a hat three weeks ago.")
    assert cache.key(cand, seven) != cache.key(cand, three)
    for ev in (seven, three, seven, three):
        assert same(cache.check(cand, ev), CHECKER.check(cand, ev))


def test_the_customers_level_is_keyed_where_the_reply_commits_to_an_action() -> None:
    """A commitment for a level whose own passage denies it is refused (the grounded check reads
    the level the customer gave for a reply that commits to an action, a code given included): a
    different level must miss, and the cached report must be the fresh one; a reply that commits
    to nothing does not read it."""
    hits = chunks("orders-mystery-fee")

    def make(text: str) -> Evidence:
        return Evidence("chat", {h.chunk_id: h for h in hits}, [text], {"first_name": "Dana"}, None, today=TODAY)

    cache = CheckCache(CHECKER)
    bronze, gold = make("I'm a Bronze member and there's a fee on my order."), make("I'm a Gold member and there's a fee on my order.")
    for text in ("I'll take the fee off your order.", "Here's a new promo code for you."):
        cand = Candidate(text, [hits[0].chunk_id], "grounded")
        assert cache.key(cand, bronze) != cache.key(cand, gold), text
        for ev in (bronze, gold, bronze, gold):
            assert same(cache.check(cand, ev), CHECKER.check(cand, ev))
    plain = Candidate("Prices can vary during periods of high demand.", [hits[0].chunk_id], "grounded")
    assert cache.key(plain, bronze) == cache.key(plain, gold)
