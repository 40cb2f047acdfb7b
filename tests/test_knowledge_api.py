"""Search and the admin API over HTTP: filters, validation, tenant isolation."""

import pytest

from tests.conftest import new_key

ARTICLE = """---
id: acme-secret-perk
title: Acme employee discount
status: approved
version: 1
channels: [chat]
---
# Acme employee discount

Acme staff get a 40 percent zebra discount on every purchase.

## Suggested reply
Staff get 40 percent off.
"""


@pytest.fixture
async def indexed(client):
    await client.app.state.container.knowledge.ingest_dir(client.app.state.container.settings.content.knowledge_dir)
    return client


async def test_search_returns_chunks_of_approved_articles(indexed):
    headers = await new_key(indexed, "acme", "knowledge:read")
    r = await indexed.post("/v1/knowledge/search", json={"query": "I forgot my password", "top_k": 5}, headers=headers)
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert 1 <= len(hits) <= 5
    assert set(hits[0]) >= {"article_id", "chunk_id", "title", "text", "score", "version"}
    assert hits[0]["article_id"] == "account-reset-password"
    assert all(h["score"] >= hits[-1]["score"] for h in hits)


async def test_drafts_retired_and_future_articles_are_never_returned(indexed):
    headers = await new_key(indexed, "acme", "knowledge:read")
    hidden = {"returns-policy-2023", "shipping-rates-2023", "shipping-holiday-cutoffs", "store-platinum-membership", "returns-membership-windows-2099"}
    for query in ("return policy 60 days restocking fee", "holiday shipping cutoff", "platinum membership tier", "shipping rates free over 50"):
        r = await indexed.post("/v1/knowledge/search", json={"query": query, "top_k": 20}, headers=headers)
        assert not hidden & {h["article_id"] for h in r.json()["hits"]}


async def test_channel_filter_limits_results(indexed):
    headers = await new_key(indexed, "acme", "knowledge:read")
    body = {"query": "dispute a subscription bill", "top_k": 20, "filters": {"channel": "sms"}}
    r = await indexed.post("/v1/knowledge/search", json=body, headers=headers)
    assert r.status_code == 200
    assert "subscription-billing-dispute" not in {h["article_id"] for h in r.json()["hits"]}  # not an SMS article
    body["filters"] = {"channel": "email"}
    r = await indexed.post("/v1/knowledge/search", json=body, headers=headers)
    assert "subscription-billing-dispute" in {h["article_id"] for h in r.json()["hits"]}


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"query": ""}, 400, "query"),
        ({"query": "   "}, 422, "empty"),
        ({"query": "refund", "filters": {"colour": "red"}}, 400, "colour"),
        ({"query": "refund", "top_k": 500}, 400, "top_k"),
        ({"query": "refund", "top_k": "five"}, 400, "top_k"),
        ({"text": "refund"}, 400, "text"),
    ],
)
async def test_bad_search_input_gets_a_clear_problem(client, body, status, needle):
    headers = await new_key(client, "acme", "knowledge:read")
    r = await client.post("/v1/knowledge/search", json=body, headers=headers)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert needle in r.json()["detail"]


async def test_malformed_json_and_oversized_bodies_are_4xx(client):
    headers = await new_key(client, "acme", "knowledge:read")
    r = await client.post("/v1/knowledge/search", content=b"{not json", headers={**headers, "content-type": "application/json"})
    assert r.status_code == 400
    r = await client.post("/v1/knowledge/search", json={"query": "x" * 2_000_000}, headers=headers)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_a_tenant_article_is_invisible_to_other_tenants(indexed):
    acme = await new_key(indexed, "acme", "knowledge:read,knowledge:write")
    other = await new_key(indexed, "globex", "knowledge:read,knowledge:write")
    r = await indexed.post("/v1/knowledge/articles", json={"content": ARTICLE}, headers=acme)
    assert r.status_code == 200 and r.json()["added"] == ["acme-secret-perk"]
    query = {"query": "zebra discount for staff", "top_k": 3}
    acme_hits = (await indexed.post("/v1/knowledge/search", json=query, headers=acme)).json()["hits"]
    other_hits = (await indexed.post("/v1/knowledge/search", json=query, headers=other)).json()["hits"]
    assert acme_hits[0]["article_id"] == "acme-secret-perk"
    assert "acme-secret-perk" not in {h["article_id"] for h in other_hits}
    # nor can the other tenant delete it
    assert (await indexed.delete("/v1/knowledge/articles/acme-secret-perk", headers=other)).status_code == 404
    assert (await indexed.delete("/v1/knowledge/articles/acme-secret-perk", headers=acme)).status_code == 200
    acme_hits = (await indexed.post("/v1/knowledge/search", json=query, headers=acme)).json()["hits"]
    assert "acme-secret-perk" not in {h["article_id"] for h in acme_hits}


async def test_a_broken_article_over_the_api_is_refused_by_field(client):
    headers = await new_key(client, "acme", "knowledge:write")
    r = await client.post("/v1/knowledge/articles", json={"content": ARTICLE.replace("version: 1", "version: -3")}, headers=headers)
    assert r.status_code == 422
    assert "version" in r.json()["detail"]


async def test_shared_knowledge_ingest_needs_admin(client):
    headers = await new_key(client, "acme", "knowledge:write")
    assert (await client.post("/v1/knowledge/ingest", json={}, headers=headers)).status_code == 403
