"""The audit trail through the service, on SQLite and PostgreSQL: every answer writes one record
that names the request, the knowledge versions and the prompt; GET /v1/audit filters and pages;
feedback links to the suggestion's record and feeds the report."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import KNOWLEDGE, make_settings, new_key, running

REFUND = [{"role": "customer", "text": "Hi, I'd like a refund for the shirt I bought last week, my email is dana@example.com"}]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage(request) -> dict:
    return {"database_url": request.getfixturevalue("pg_url")} if request.param == "postgres" else {}


@pytest.fixture
async def svc(storage, tmp_path: Path, app_factory) -> AsyncIterator:
    knowledge = tmp_path / "knowledge"
    for part in ("account", "refunds"):
        shutil.copytree(KNOWLEDGE / part, knowledge / part)
    settings = make_settings(tmp_path / "data", storage=storage, content={"knowledge_dir": knowledge})
    async with running(app_factory(settings)) as client:
        await client.app.state.container.knowledge.ingest_dir(knowledge)
        yield client


async def test_a_search_writes_one_audit_record_naming_the_request_and_article_versions(svc):
    headers = await new_key(svc, "acme", "knowledge:read,audit:read")
    r = await svc.post("/v1/knowledge/search", json={"query": "I forgot my password, I'm jane@example.com", "top_k": 3},
                       headers={**headers, "X-Request-Id": "req-search-1"})
    assert r.status_code == 200
    hits = r.json()["hits"]
    page = (await svc.get("/v1/audit", params={"request_id": "req-search-1"}, headers=headers)).json()
    assert len(page["records"]) == 1
    rec = page["records"][0]
    assert rec["endpoint"] == "knowledge.search" and rec["tenant_id"] == "acme"
    assert rec["key_id"] == headers["Authorization"].split("_")[1]
    assert [a["article_id"] for a in rec["articles"]] == [h["article_id"] for h in hits]
    assert [a["version"] for a in rec["articles"]] == [h["version"] for h in hits]
    assert "jane@example.com" not in rec["input"]["query"] and "[EMAIL_1]" in rec["input"]["query"]
    assert rec["outcome"] == "ok" and rec["latency_ms"] > 0
    assert (await svc.get("/v1/audit/verify", headers=headers)).json()["ok"] is True


async def test_audit_listing_filters_pages_and_stays_inside_the_tenant(svc):
    acme = await new_key(svc, "acme", "knowledge:read,audit:read")
    globex = await new_key(svc, "globex", "knowledge:read,audit:read")
    for i in range(5):
        assert (await svc.post("/v1/knowledge/search", json={"query": f"refund status {i}"}, headers=acme)).status_code == 200
    await svc.post("/v1/knowledge/search", json={"query": "reset password"}, headers=globex)
    first = (await svc.get("/v1/audit", params={"limit": 2}, headers=acme)).json()
    assert [r["seq"] for r in first["records"]] == [5, 4] and first["next_cursor"] == 4
    second = (await svc.get("/v1/audit", params={"limit": 2, "cursor": first["next_cursor"]}, headers=acme)).json()
    assert [r["seq"] for r in second["records"]] == [3, 2]
    everything = (await svc.get("/v1/audit", params={"limit": 500}, headers=acme)).json()["records"]
    assert len(everything) == 5 and {r["tenant_id"] for r in everything} == {"acme"}
    assert (await svc.get("/v1/audit", params={"endpoint": "suggestions"}, headers=acme)).json()["records"] == []
    assert len((await svc.get("/v1/audit", params={"outcome": "ok", "since": "2000-01-01T00:00:00Z"}, headers=acme)).json()["records"]) == 5
    assert (await svc.get("/v1/audit", params={"until": "2000-01-01T00:00:00Z"}, headers=acme)).json()["records"] == []
    one = everything[0]
    got = await svc.get(f"/v1/audit/records/{one['id']}", headers=acme)
    assert got.status_code == 200 and got.json()["record_hash"] == one["record_hash"]
    assert (await svc.get(f"/v1/audit/records/{one['id']}", headers=globex)).status_code == 404


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"since": "yesterday"}, {"cursor": "abc"},
                                    {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}])
async def test_bad_audit_queries_are_4xx_problems(svc, params):
    headers = await new_key(svc, "acme", "audit:read")
    r = await svc.get("/v1/audit", params=params, headers=headers)
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_the_audit_needs_its_scope(svc):
    headers = await new_key(svc, "acme", "knowledge:read,feedback:write")
    assert (await svc.get("/v1/audit", headers=headers)).status_code == 403
    assert (await svc.get("/v1/feedback/report", headers=headers)).status_code == 403


async def test_suggestion_feedback_links_to_the_audit_record_and_feeds_the_report(svc):
    headers = await new_key(svc, "acme", "suggestions:read,feedback:write,audit:read")
    ids = []
    for conv in ("c1", "c2", "c3"):
        r = await svc.post("/v1/suggestions", json={"channel": "chat", "messages": REFUND, "use_llm": False, "n": 1, "conversation_id": conv}, headers=headers)
        assert r.status_code == 200, r.text
        ids.append(r.json()["suggestions"][0]["id"])
    records = (await svc.get("/v1/audit", params={"endpoint": "suggestions"}, headers=headers)).json()["records"]
    assert len(records) == 3
    assert all("dana@example.com" not in str(rec["input"]) for rec in records)

    async def send(sid, body, status=201):
        r = await svc.post(f"/v1/suggestions/{sid}/feedback", json=body, headers=headers)
        assert r.status_code == status, r.text
        return r.json()

    for sid in ids:
        await send(sid, {"event": "shown"})
    accepted = await send(ids[0], {"event": "accepted", "rating": 5})
    assert accepted["audit_id"] in {rec["id"] for rec in records}
    edited = await send(ids[1], {"event": "edited", "sent_text": "Hello! I can help with that refund today.", "rating": 3})
    assert 0 < edited["edit_distance"] <= 1
    await send(ids[2], {"event": "rejected", "reason": "Wrong policy for this customer"})
    await send(ids[2], {"event": "rejected"}, status=422)
    await send(ids[2], {"event": "edited"}, status=422)
    await send(ids[2], {"event": "liked"}, status=400)
    await send(ids[2], {"event": "accepted", "rating": 9}, status=400)
    await send("no-such-suggestion", {"event": "shown"}, status=404)
    fb_records = (await svc.get("/v1/audit", params={"endpoint": "feedback"}, headers=headers)).json()["records"]
    assert len(fb_records) == 6 and {r["outcome"] for r in fb_records} == {"shown", "accepted", "edited", "rejected"}

    report = (await svc.get("/v1/feedback/report", headers=headers)).json()
    overall = report["overall"]
    assert (overall["suggestions"], overall["shown"], overall["decided"]) == (3, 3, 3)
    assert (overall["accepted"], overall["edited"], overall["rejected"]) == (1, 1, 1)
    assert overall["acceptance_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert overall["edit_distance"]["n"] == 1
    assert overall["rejection_reasons"] == [{"reason": "wrong policy for this customer", "count": 1}]
    assert list(report["by_prompt"]) == ["engine:grounded"] and report["by_intent"]
    assert (await svc.get("/v1/audit/verify", headers=headers)).json()["ok"] is True

    # another tenant can neither see nor rate these suggestions
    other = await new_key(svc, "globex", "feedback:write")
    r = await svc.post(f"/v1/suggestions/{ids[0]}/feedback", json={"event": "shown"}, headers=other)
    assert r.status_code == 404


async def test_erasure_through_the_cli_keeps_the_service_chain_verifiable(svc, monkeypatch):
    from service.audit import AuditTrail

    headers = await new_key(svc, "acme", "suggestions:read,audit:read")
    body = {"channel": "chat", "messages": REFUND, "use_llm": False, "n": 1, "customer": {"id": "cust-42"}}
    assert (await svc.post("/v1/suggestions", json=body, headers=headers)).status_code == 200
    trail: AuditTrail = svc.app.state.container.audit
    assert (await trail.erase_customer("acme", "cust-42"))["records"] == 1
    recs = (await svc.get("/v1/audit", params={"endpoint": "suggestions"}, headers=headers)).json()["records"]
    assert recs[0]["erased"] is True and recs[0]["customer_id"] is None
    assert (await svc.get("/v1/audit/verify", headers=headers)).json()["ok"] is True



async def test_a_summary_writes_one_audit_record(svc):
    headers = await new_key(svc, "acme", "interactions:read,audit:read")
    history = [{"id": f"m{i}", "customer_id": "cust-7", "channel": "chat", "author_role": "customer",
                "ts": f"2024-03-04T10:{i:02d}:00Z", "text": f"message {i} about order 1234567, mail me at x{i}@example.com"} for i in range(3)]
    r = await svc.post("/v1/summaries", json={"history": history}, headers={**headers, "X-Request-Id": "req-sum-1"})
    assert r.status_code == 200, r.text
    records = (await svc.get("/v1/audit", params={"request_id": "req-sum-1"}, headers=headers)).json()["records"]
    assert len(records) == 1
    rec = records[0]
    assert rec["endpoint"] == "summaries" and rec["customer_id"] == "cust-7"
    assert rec["params"]["engine"] == r.json()["engine"]
    assert "example.com" not in str(rec)


async def test_metrics_count_the_audit_records_written_per_endpoint(svc):
    headers = await new_key(svc, "acme", "knowledge:read,suggestions:read")
    for q in ("I forgot my password", "how do I return a shirt"):
        assert (await svc.post("/v1/knowledge/search", json={"query": q, "top_k": 3}, headers=headers)).status_code == 200
    assert (await svc.post("/v1/suggestions", json={"channel": "chat", "messages": REFUND}, headers=headers)).status_code == 200
    text = (await svc.get("/metrics")).text
    assert 'assist_audit_records_total{endpoint="knowledge.search"} 2.0' in text
    assert 'assist_audit_records_total{endpoint="suggestions"} 1.0' in text
