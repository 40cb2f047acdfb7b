"""The stored history kept between requests (service/continuity/cache.py) and the summariser's
per-text memo (service/summaries/memo.py): the same summary as a cold run, and never a stale or
foreign one: a new stored interaction, a merge and an erasure (made outside the service's
process, like ``assist audit erase``) each make the next request read the history again; tenants
never share an entry. The clock is pinned to 2026-11-15T12:00:00Z (the continuity dataset's date)."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from service.continuity.cache import HistoryCache
from service.domain.interactions import Interaction
from service.privacy.erasure import erase_customer
from service.summaries.extractive import ExtractiveSummarizer
from service.summaries.memo import SummaryMemo
from tests.conftest import authorize, knowledge_app, make_settings

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "continuity.jsonl"


def case(case_id: str) -> dict[str, Any]:
    for line in DATA.read_text().splitlines():
        row = json.loads(line)
        if row["id"].startswith(case_id):
            return row
    raise KeyError(case_id)


def interactions(row: dict[str, Any]) -> list[Interaction]:
    return [Interaction(id=d["id"], customer_id=d["customer_id"], channel=d["channel"], direction=d["direction"],
                        author_role=d["author_role"], ts=datetime.fromisoformat(d["ts"].replace("Z", "+00:00")),
                        text=d["text"], thread_id=d["thread_id"], kind=d["kind"], meta=d["metadata"])
            for d in row["input"]["history"]]


def plain(summary: Any) -> dict[str, Any]:
    d = summary.to_dict()
    d.pop("latency_ms")
    return d


class Versioned:
    """A stand-in intent classifier with a taxonomy version, counting its calls."""

    def __init__(self, version: str = "v1") -> None:
        self.calls = 0
        self.v = version

        def classify(text: str) -> tuple[str | None, float]:
            self.calls += 1
            return (f"{self.v}:{'refund' if 'refund' in text.lower() else 'other'}", 0.9)

        classify.version = lambda: self.v  # type: ignore[attr-defined]
        self.fn = classify


# -- the memo: the same summary as a cold run -------------------------------------------------------
@pytest.mark.parametrize("case_id", ["continuity-00", "continuity-01", "continuity-05"])
def test_a_memo_gives_the_summary_a_cold_run_gives(case_id):
    items = interactions(case(case_id))
    intents = Versioned()
    summarizer = ExtractiveSummarizer(classify=intents.fn)
    memo = SummaryMemo()
    first = summarizer.summarize(items, as_of=NOW, channel="chat", memo=memo)
    assert len(memo) > 0
    # a new message at the end, and one placed among the stored ones (placeholders renumber)
    new = Interaction(id="req-1", customer_id=items[0].customer_id, channel="chat", direction="inbound",
                      author_role="customer", ts=NOW - timedelta(seconds=1),
                      text="Still nothing. My e-mail is other.person@example.com, call me on +44 7700 900456")
    early = replace(new, id="req-0", ts=items[1].ts + timedelta(seconds=1), text="Reach me at early@example.com")
    for history in (items, [*items, new], sorted([*items, new, early], key=lambda it: it.ts)):
        cold = ExtractiveSummarizer(classify=intents.fn).summarize(history, as_of=NOW, channel="chat")
        warm = summarizer.summarize(history, as_of=NOW, channel="chat", memo=memo)
        assert plain(warm) == plain(cold)
    assert plain(first) == plain(ExtractiveSummarizer(classify=intents.fn).summarize(items, as_of=NOW, channel="chat"))
    # the as-of date is never remembered: a promise due by now is broken a week later
    later = NOW + timedelta(days=7)
    assert plain(summarizer.summarize(items, as_of=later, memo=memo)) == plain(
        ExtractiveSummarizer(classify=intents.fn).summarize(items, as_of=later))


def test_to_dict_is_what_asdict_gives():
    summary = ExtractiveSummarizer().summarize(interactions(case("continuity-00")), as_of=NOW)
    d = summary.to_dict()
    assert d == asdict(summary)
    d["facts"][0]["sources"].append("x")
    assert "x" not in summary.facts[0].sources  # a copy, not a view


def test_intents_are_remembered_per_taxonomy_version():
    items = interactions(case("continuity-00"))
    intents = Versioned("v1")
    summarizer = ExtractiveSummarizer(classify=intents.fn)
    memo = SummaryMemo()
    summarizer.summarize(items, as_of=NOW, memo=memo)
    calls = intents.calls
    assert calls > 0
    summarizer.summarize(items, as_of=NOW, memo=memo)
    assert intents.calls == calls  # remembered
    intents.v = "v2"  # a taxonomy reload
    s = summarizer.summarize(items, as_of=NOW, memo=memo)
    assert intents.calls > calls and all(i.intent is None or i.intent.startswith("v2:") for i in s.open_issues)


def test_a_classifier_without_a_version_is_asked_every_time():
    items = interactions(case("continuity-00"))
    calls = []
    summarizer = ExtractiveSummarizer(classify=lambda text: (calls.append(text), ("x", 0.5))[1])
    memo = SummaryMemo()
    summarizer.summarize(items, as_of=NOW, memo=memo)
    n = len(calls)
    summarizer.summarize(items, as_of=NOW, memo=memo)
    assert len(calls) == 2 * n


# -- the cache: versions, bounds, tenants -----------------------------------------------------------
def test_an_entry_serves_only_its_version_and_tenant():
    items = interactions(case("continuity-00"))
    cache = HistoryCache()
    entry = cache.put("acme", "c1", (3, 1), items)
    assert cache.get("acme", "c1", (3, 1)) is entry
    assert cache.get("acme", "c1", (4, 1)) is None  # the history changed
    assert cache.get("globex", "c1", (3, 1)) is None  # another tenant, same customer id
    assert cache.get("acme", "c2", (3, 1)) is None
    cache.forget("acme", "c1")
    assert cache.get("acme", "c1", (3, 1)) is None


def test_the_memo_survives_growth_and_is_dropped_when_anything_left():
    items = interactions(case("continuity-00"))
    cache = HistoryCache()
    first = cache.put("acme", "c1", (len(items) - 1,), items[:-1])
    first.memo.sentences("x")
    grown = cache.put("acme", "c1", (len(items),), items)
    assert grown.memo is first.memo
    shrunk = cache.put("acme", "c1", (len(items) - 1,), items[1:])  # an interaction left (erased, merged away)
    assert shrunk.memo is not first.memo and len(shrunk.memo) == 0


def test_the_cache_is_bounded():
    cache = HistoryCache(max_customers=2)
    items = interactions(case("continuity-00"))
    for cid in ("a", "b", "c"):
        cache.put("acme", cid, (1,), items)
    assert len(cache) == 2 and cache.get("acme", "a", (1,)) is None and cache.get("acme", "c", (1,)) is not None
    small = HistoryCache(max_memo=1)
    e = small.put("acme", "a", (1,), items[:-1])
    e.memo.sentences("x")
    e.memo.sentences("y")
    assert small.put("acme", "a", (2,), items).memo is not e.memo  # past max_memo: started afresh
    kept = small.get("acme", "a", (2,))
    kept.memo.sentences("z")  # a request message that was not recorded
    assert len(small.get("acme", "a", (2,)).memo) == 0


# -- through /v1/assist -----------------------------------------------------------------------------
pytestmark_api = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("continuity-cache")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(module_tmp, real_embedder, counter):
    overrides = {"embedder": real_embedder, "counter": counter, "clock": lambda: NOW}
    async with knowledge_app(make_settings(module_tmp / "data"), overrides) as (c, container):
        scopes = "suggestions:read,interactions:write,interactions:read"
        keys = {t: (await container.keys.create(t, scopes))[0] for t in ("acme", "globex")}
        c.headers["Authorization"] = f"Bearer {keys['acme']}"
        yield c, container, {t: {"Authorization": f"Bearer {k}"} for t, k in keys.items()}


async def post(c, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = await c.post(path, json=body, headers=headers)
    assert r.status_code in (200, 201), r.text
    return r.json()


def ask(customer: str, text: str = "Where is my refund? Nobody called me back.") -> dict[str, Any]:
    return {"channel": "chat", "customer": {"id": customer}, "use_llm": False,
            "messages": [{"role": "customer", "text": text}]}


def summary_of(body: dict[str, Any]) -> dict[str, Any]:
    s = dict(body["summary"])
    s.pop("latency_ms")
    return s


@pytestmark_api
async def test_a_repeated_request_is_a_hit_with_the_same_summary(api):
    c, container, _ = api
    row = case("continuity-00")
    await post(c, "/v1/interactions", {"interactions": row["input"]["history"]})
    cache = container.continuity.cache
    first = await post(c, "/v1/assist", ask("cont-00"))
    hits = cache.hits
    second = await post(c, "/v1/assist", ask("cont-00"))
    assert cache.hits == hits + 1
    assert summary_of(second) == summary_of(first)
    assert first["history"]["interactions_used"] == len(row["input"]["history"]) + 1
    # a cold service (nothing remembered) gives the same summary
    cache.clear()
    assert summary_of(await post(c, "/v1/assist", ask("cont-00"))) == summary_of(first)


@pytestmark_api
async def test_a_new_stored_interaction_is_seen_by_the_next_request(api):
    c, container, _ = api
    row = case("continuity-01")
    await post(c, "/v1/interactions", {"interactions": row["input"]["history"]})
    before = await post(c, "/v1/assist", ask("cont-01"))
    misses = container.continuity.cache.misses
    await post(c, "/v1/interactions", {"interactions": [{
        "id": "late-1", "customer_id": "cont-01", "channel": "sms", "author_role": "customer",
        "ts": "2026-11-15T11:00:00Z", "text": "Any news on order 5566778899? I am still waiting."}]})
    after = await post(c, "/v1/assist", ask("cont-01"))
    assert container.continuity.cache.misses == misses + 1
    assert after["history"]["interactions_used"] == before["history"]["interactions_used"] + 1
    assert "5566778899" in {f["value"] for f in after["summary"]["facts"]}
    assert "5566778899" not in {f["value"] for f in before["summary"]["facts"]}


@pytestmark_api
async def test_a_request_that_records_its_messages_is_seen_by_the_next(api):
    c, _, _ = api
    await post(c, "/v1/interactions", {"interactions": [{
        "id": "rec-0", "customer_id": "rec-1", "channel": "email", "author_role": "customer",
        "ts": "2026-11-14T09:00:00Z", "text": "Hello, a question about my order."}]})
    await post(c, "/v1/assist", ask("rec-1"))
    body = {**ask("rec-1", "My order number is 4455667788."), "record": True}
    await post(c, "/v1/assist", body)
    after = await post(c, "/v1/assist", ask("rec-1", "Any news?"))
    assert "4455667788" in {f["value"] for f in after["summary"]["facts"]}


@pytestmark_api
async def test_a_merge_invalidates_both_customers(api):
    c, _, _ = api
    await post(c, "/v1/interactions", {"interactions": [
        {"id": "mg-a-1", "customer_id": "mg-a", "channel": "sms", "author_role": "customer",
         "ts": "2026-11-10T10:00:00Z", "text": "My order 3222333999 is late"},
        {"id": "mg-b-1", "customer_id": "mg-b", "channel": "email", "author_role": "customer",
         "ts": "2026-11-11T10:00:00Z", "text": "Hello, I wrote about a parcel."}]})
    a = await post(c, "/v1/assist", ask("mg-a"))
    b = await post(c, "/v1/assist", ask("mg-b"))
    assert "3222333999" in {f["value"] for f in a["summary"]["facts"]}
    assert "3222333999" not in {f["value"] for f in b["summary"]["facts"]}
    await post(c, "/v1/customers/merge", {"from": "mg-a", "into": "mg-b"})
    b = await post(c, "/v1/assist", ask("mg-b"))
    assert "3222333999" in {f["value"] for f in b["summary"]["facts"]}
    assert b["history"]["interactions_used"] == 3
    a = await post(c, "/v1/assist", ask("mg-a"))
    assert a["history"]["interactions_used"] == 1 and "3222333999" not in {f["value"] for f in a["summary"]["facts"]}


@pytestmark_api
async def test_an_erasure_made_outside_the_service_is_never_served(api):
    c, container, _ = api
    row = case("continuity-02")
    await post(c, "/v1/interactions", {"interactions": row["input"]["history"]})
    cid = row["input"]["customer_id"]
    before = await post(c, "/v1/assist", ask(cid))
    given = {f["value"] for f in before["summary"]["facts"]}
    assert given and before["summary"]["commitments"]
    # what ``assist audit erase`` does in its own process: rows deleted, this service's cache untouched
    await erase_customer(container.sessions, container.audit, "acme", cid, reference="DSR-cache")
    after = await post(c, "/v1/assist", ask(cid))
    assert after["history"]["interactions_used"] == 1
    assert not after["summary"]["commitments"]
    assert not given & {f["value"] for f in after["summary"]["facts"]}
    assert all(src not in json.dumps(after) for src in (it["id"] for it in row["input"]["history"]))


@pytestmark_api
async def test_tenants_never_share_a_customer_history(api):
    c, _, headers = api
    row = case("continuity-03")
    await post(c, "/v1/interactions", {"interactions": row["input"]["history"]}, headers["acme"])
    cid = row["input"]["customer_id"]
    acme = await post(c, "/v1/assist", ask(cid), headers["acme"])
    assert acme["history"]["interactions_used"] == len(row["input"]["history"]) + 1
    globex = await post(c, "/v1/assist", ask(cid), headers["globex"])
    assert globex["history"]["interactions_used"] == 1
    assert not {f["value"] for f in acme["summary"]["facts"]} & {f["value"] for f in globex["summary"]["facts"]}
