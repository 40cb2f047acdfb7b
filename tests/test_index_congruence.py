"""Congruence: the embedded engine (Qdrant Edge) and qdrant-client (local mode standing in for
a server) get the same ingest through the service and give the same ranked results, filters,
tenants, dates and every search mode included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from service.adapters.qdrant_edge_index import EdgeIndex
from service.adapters.qdrant_index import QdrantIndex
from service.tenancy.keys import SHARED_TENANT
from service.ports import SearchFilters, SearchHit
from tests.conftest import REPO, make_settings, running

PRIVATE = """---
id: acme-sms-returns
title: Text-message returns for Acme customers
status: approved
version: 1
locale: en-US
channels: [sms]
products: [apparel]
tags: [returns, sms]
effective_from: 2025-01-01
review_by: 2027-12-31
---
# Text-message returns for Acme customers

Acme customers who write by SMS can start a return by replying RETURN to the order text.
The agent then sends a prepaid label link. Returns by text follow the normal return windows.
"""

FILTERS = [
    SearchFilters(),
    SearchFilters(channel="sms"),
    SearchFilters(tags=("returns", "refunds")),
    SearchFilters(products=("subscription",)),
    SearchFilters(locale="en-US", channel="voice"),
    SearchFilters(article_ids=("returns-membership-windows", "refunds-refund-methods", "acme-sms-returns", "store-refund-policy")),
]


def queries() -> list[str]:
    out = []
    for name, n in (("retrieval.jsonl", 24), ("retrieval_paraphrase.jsonl", 12)):
        lines = (REPO / "evals" / "datasets" / name).read_text().splitlines()[:n]
        out += [json.loads(line)["input"]["query"] for line in lines]
    return out


def assert_same_ranking(ours: list[SearchHit], theirs: list[SearchHit], limit: int, tolerance: float, context: object) -> None:
    """The same ranked results up to near-ties: every hit above the cut-off is on both sides with
    the same score (within ``tolerance``), and two hits ranked in another order on the two sides
    have scores within ``2 * tolerance`` of each other."""
    a = {h.chunk_id: h.score for h in ours}
    b = {h.chunk_id: h.score for h in theirs}
    assert bool(a) == bool(b), context
    if not a:
        return
    full = len(ours) == limit or len(theirs) == limit
    cut = (min(min(a.values()), min(b.values())) + tolerance) if full else -1.0
    for mine, other in ((a, b), (b, a)):
        for chunk_id, score in mine.items():
            if score > cut:
                assert chunk_id in other and abs(other[chunk_id] - score) <= tolerance, (context, chunk_id, score, other.get(chunk_id))
    common = [c for c in a if c in b]
    for i, x in enumerate(common):
        for y in common[i + 1:]:
            if (a[x] - a[y]) * (b[x] - b[y]) < 0:
                assert abs(a[x] - a[y]) <= 2 * tolerance, (context, x, y, a[x], a[y], b[x], b[y])


def bump(path: Path, old: str, new: str) -> None:
    text = path.read_text().replace(old, new, 1)
    version = int(re.search(r"^version: (\d+)$", text, re.M).group(1))
    path.write_text(re.sub(r"^version: \d+$", f"version: {version + 1}", text, count=1, flags=re.M))


async def ingest(container, knowledge: Path) -> None:
    await container.knowledge.ingest_dir(knowledge)
    await container.knowledge.ingest_text("acme", PRIVATE)
    await container.knowledge.ingest_text("globex", PRIVATE.replace("acme-sms", "globex-sms").replace("Acme", "Globex"))


@pytest.fixture
async def pair(tmp_path, knowledge_copy, app_factory):
    """Two running services on the same knowledge: one on Qdrant Edge, one on qdrant-client."""
    edge_settings = make_settings(tmp_path / "edge", content={"knowledge_dir": knowledge_copy})
    client_settings = make_settings(tmp_path / "client", content={"knowledge_dir": knowledge_copy})
    server = QdrantIndex(collection="knowledge", dimension=384, path=tmp_path / "client-qdrant")
    async with running(app_factory(edge_settings)) as a, running(app_factory(client_settings, index=server)) as b:
        ea, eb = a.app.state.container, b.app.state.container
        assert isinstance(ea.index, EdgeIndex) and isinstance(eb.index, QdrantIndex)
        for container in (ea, eb):
            await ingest(container, knowledge_copy)
        # an edit, a retirement and a deletion, so both engines also apply updates and deletes
        bump(knowledge_copy / "refunds" / "refunds-refund-methods.md", "## ", "Refunds to a gift card arrive within the hour.\n\n## ")
        bump(knowledge_copy / "account" / "account-recover-username.md", "status: approved", "status: retired")
        (knowledge_copy / "troubleshooting" / "site-slow-website.md").unlink()
        for container in (ea, eb):
            await ingest(container, knowledge_copy)
        yield ea, eb


async def test_both_adapters_hold_the_same_chunks(pair):
    a, b = pair
    assert a.index.count() == b.index.count() > 100
    for tenant in (SHARED_TENANT, "acme", "globex"):
        assert a.index.chunk_ids(tenant) == b.index.chunk_ids(tenant)
    assert "site-slow-website" not in set(a.index.chunk_ids(SHARED_TENANT).values())


@pytest.mark.parametrize("mode", ["dense", "sparse", "hybrid"])
async def test_both_adapters_rank_the_same(pair, mode):
    a, b = pair
    texts = queries()
    vectors = a.embedder.embed(texts)
    # The fusion is made by the service on both sides (index_schema.fuse), equal scores sharing a
    # place, so hybrid scores agree as closely as the ranked lists' own scores do.
    tolerance = 1e-4
    compared = 0
    for i, (query, vector) in enumerate(zip(texts, vectors, strict=True)):
        filters = FILTERS[i % len(FILTERS)]
        tenant = "acme" if i % 2 else "globex"
        ours = await a.knowledge.search(tenant, query, top_k=10, filters=filters, mode=mode, query_vector=vector)
        theirs = await b.knowledge.search(tenant, query, top_k=10, filters=filters, mode=mode, query_vector=vector)
        assert_same_ranking(ours, theirs, 10, tolerance, (query, filters))
        for hit in ours:  # the filters hold on both sides
            assert hit.payload["tenant_id"] in {tenant, SHARED_TENANT} and hit.payload["status"] == "approved"
            assert not filters.channel or filters.channel in hit.payload["channels"]
            assert not filters.article_ids or hit.article_id in filters.article_ids
            assert hit.article_id not in {"returns-membership-windows-2099", "account-recover-username", "site-slow-website"}
        compared += bool(ours)
    assert compared >= len(texts) * 0.8


async def test_hybrid_fuses_three_views_on_both_adapters(pair):
    """The title view is its own ranked list: a question worded like a title finds the article's
    first chunk through it, on both engines."""
    a, b = pair
    for container in (a, b):
        hits = await container.knowledge.search("acme", "Forgot your password?", top_k=3, mode="hybrid")
        assert hits[0].article_id == "account-reset-password"
        only_titles = container.index.search(tenants=[SHARED_TENANT], dense=container.embedder.embed(["Resetting a forgotten password"])[0],
                                             sparse=None, filters=SearchFilters(), limit=50, today=20261115, mode="hybrid")
        assert {h.payload["position"] for h in only_titles[:1]} == {0}
