"""/v1/assist and /v1/suggestions on the customer's stored history (issue 14): merged with the
request, deduplicated, recorded on request; replies that use it; identity merge; stale drafts.
The clock is pinned to 2026-11-15T12:00:00Z (the continuity dataset's date)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from service.continuity.replies import re_asks
from tests.conftest import authorize, knowledge_app, make_settings

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "continuity.jsonl"


def case(case_id: str) -> dict[str, Any]:
    for line in DATA.read_text().splitlines():
        row = json.loads(line)
        if row["id"].startswith(case_id):
            return row
    raise KeyError(case_id)


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("continuity")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(module_tmp, real_embedder, counter):
    overrides = {"embedder": real_embedder, "counter": counter, "clock": lambda: NOW}
    async with knowledge_app(make_settings(module_tmp / "data"), overrides) as (c, container):
        await authorize(c, container, "acme", "suggestions:read,interactions:write,interactions:read,audit:read,feedback:write")
        yield c


async def store(client, row: dict[str, Any]) -> None:
    r = await client.post("/v1/interactions", json={"interactions": row["input"]["history"]})
    assert r.status_code in (200, 201), r.text


async def assist(client, body: dict[str, Any], path: str = "/v1/assist") -> dict[str, Any]:
    r = await client.post(path, json=body)
    assert r.status_code == 200, r.text
    return r.json()


async def test_assist_with_a_customer_id_answers_on_the_whole_stored_history(client):
    row = case("continuity-00")
    await store(client, row)
    req = row["input"]["request"]
    body = await assist(client, {**req, "customer": {"id": row["input"]["customer_id"]}, "use_llm": False})
    s = body["summary"]
    assert body["history"]["customer_id"] == "cont-00"
    assert body["history"]["interactions_used"] == len(row["input"]["history"]) + 1
    assert set(s["coverage"]["channels"]) >= {"chat", "email", "voice"}
    values = {f["value"] for f in s["facts"]}
    for fact in row["expected"]["facts"]:
        assert fact["value"] in values
    status = {c["sources"][0]: c["status"] for c in s["commitments"]}
    for c in row["expected"]["commitments"]:
        assert status.get(c["source"]) == c["status"]
    known = {f["kind"] for f in row["expected"]["facts"]}
    for sug in body["suggestions"]:
        assert not re_asks(sug["text"], known), sug["text"]
    top = body["suggestions"][0]
    cited = {h["interaction_id"] for h in top["history_citations"]}
    assert cited & set(row["expected"]["broken"])
    assert "we said" in top["text"] and all(ch["passed"] for ch in top["checks"])


async def test_without_a_customer_the_answer_is_the_request_alone(client):
    row = case("continuity-00")
    body = await assist(client, {**row["input"]["request"], "use_llm": False})
    assert body["history"] is None
    assert body["summary"]["coverage"]["interactions_total"] == 1
    assert all(not s["history_citations"] for s in body["suggestions"])


async def test_a_linked_handle_names_the_customer(client):
    row = case("continuity-01")
    await store(client, row)
    r = await client.post("/v1/identities", json={"customer_id": "cont-01", "handles": [row["input"]["handle"]]})
    assert r.status_code == 200, r.text
    body = await assist(client, {**row["input"]["request"], "customer": {"handle": row["input"]["handle"]}, "use_llm": False})
    assert body["history"]["customer_id"] == "cont-01"
    assert {c["sources"][0] for c in body["summary"]["commitments"]} >= {c["source"] for c in row["expected"]["commitments"]}


async def test_an_unknown_handle_is_answered_on_the_request_with_a_note(client):
    body = await assist(client, {"channel": "chat", "messages": [{"role": "customer", "text": "Where is my refund?"}],
                                 "customer": {"handle": {"kind": "email", "value": "nobody@example.com"}}, "use_llm": False})
    assert body["history"] is None and body["summary"]["coverage"]["interactions_total"] == 1


async def test_record_stores_the_request_messages_once_and_the_next_channel_sees_them(client):
    msgs = [{"role": "customer", "text": "Hi, my order 3100200300 never arrived.", "id": "web-1"},
            {"role": "agent", "text": "Sorry! I'll check with the courier today."}]
    body = {"channel": "chat", "messages": msgs, "customer": {"id": "rec-1"}, "conversation_id": "conv-rec", "record": True,
            "use_llm": False}
    first = await assist(client, body)
    assert first["history"]["recorded"] == 2
    again = await assist(client, body)
    assert again["history"]["recorded"] == 0 and again["history"]["interactions_used"] == 2
    r = await client.get("/v1/customers/rec-1/interactions")
    assert r.json()["count"] == 2 and {i["id"] for i in r.json()["interactions"]} == {"web-1", "conv-rec:2"}
    email = await assist(client, {"channel": "email", "messages": [{"role": "customer", "text": "Any news from the courier?"}],
                                  "customer": {"id": "rec-1"}, "use_llm": False})
    assert email["history"]["interactions_used"] == 3
    assert any(f["value"] == "3100200300" for f in email["summary"]["facts"])


async def test_record_false_stores_nothing(client):
    body = {"channel": "chat", "messages": [{"role": "customer", "text": "Hello, order 3999000111 is late."}],
            "customer": {"id": "rec-2"}, "record": False, "use_llm": False}
    out = await assist(client, body)
    assert out["history"]["recorded"] == 0
    r = await client.get("/v1/customers/rec-2/interactions")
    assert r.status_code == 404


async def test_suggestions_endpoint_uses_the_history_too(client):
    row = case("continuity-04")
    await store(client, row)
    body = await assist(client, {**row["input"]["request"], "customer": {"id": row["input"]["customer_id"]}, "use_llm": False},
                        path="/v1/suggestions")
    assert body["history"]["customer_id"] == row["input"]["customer_id"]
    top = body["suggestions"][0]
    assert {h["interaction_id"] for h in top["history_citations"]} & set(row["expected"]["broken"])


async def test_merge_moves_interactions_and_handles_and_is_audited(client):
    await client.post("/v1/interactions", json={"id": "m-a-1", "customer_id": "dup-a", "channel": "sms", "author_role": "customer",
                                                 "ts": "2026-11-10T10:00:00Z", "text": "My order 3222333444 is late"})
    await client.post("/v1/identities", json={"customer_id": "dup-a", "handles": [{"kind": "phone", "value": "+44 7700 900123"}]})
    r = await client.post("/v1/customers/merge", json={"from": "dup-a", "into": "dup-b"})
    assert r.status_code == 200, r.text
    assert r.json()["moved"] == {"interactions": 1, "handles": 1, "suggestion_states": 0}
    assert (await client.get("/v1/identities/resolve", params={"kind": "phone", "value": "+447700900123"})).json() == {"customer_id": "dup-b"}
    assert (await client.get("/v1/customers/dup-b/interactions")).json()["count"] == 1
    audit = await client.get("/v1/audit", params={"endpoint": "customers.merge"})
    assert audit.status_code == 200 and audit.json()["records"], audit.text
    again = await client.post("/v1/customers/merge", json={"from": "dup-a", "into": "dup-b"})
    assert again.status_code == 404
    same = await client.post("/v1/customers/merge", json={"from": "dup-b", "into": "dup-b"})
    assert same.status_code == 422


async def test_a_suggestion_is_stale_once_newer_customer_messages_exist(client):
    base = {"channel": "chat", "customer": {"id": "stale-1"}, "conversation_id": "conv-stale", "record": True, "use_llm": False}
    first = await assist(client, {**base, "messages": [{"role": "customer", "text": "Where is my refund for order 3555666777?", "id": "s-1",
                                 "ts": "2026-11-15T11:50:00Z"}]})
    old_ids = [s["id"] for s in first["suggestions"]]
    assert first["history"]["stale_suggestions"] == []
    second = await assist(client, {**base, "messages": [
        {"role": "customer", "text": "Where is my refund for order 3555666777?", "id": "s-1",
                                 "ts": "2026-11-15T11:50:00Z"},
        {"role": "customer", "text": "Also, can I change my delivery address?", "id": "s-2", "ts": "2026-11-15T11:59:30Z"}]})
    assert set(old_ids) <= set(second["history"]["stale_suggestions"])
    assert not set(s["id"] for s in second["suggestions"]) & set(second["history"]["stale_suggestions"])


async def test_bad_customer_input_is_a_clear_4xx(client):
    r = await client.post("/v1/assist", json={"channel": "chat", "messages": [{"role": "customer", "text": "hi", "id": "bad id!"}],
                                              "customer": {"id": "x"}})
    assert r.status_code == 400 or r.status_code == 422
    r = await client.post("/v1/assist", json={"channel": "chat", "messages": [{"role": "customer", "text": "hi"}],
                                              "customer": {"handle": {"kind": "fax", "value": "123"}}})
    assert r.status_code in (400, 422) and "handle" in r.text.lower()


async def test_feedback_says_a_suggestion_is_stale_when_newer_customer_messages_exist(client):
    base = {"channel": "email", "customer": {"id": "stale-2"}, "conversation_id": "conv-fb", "record": True, "use_llm": False}
    first = await assist(client, {**base, "messages": [{"role": "customer", "text": "Can I return my boots from order 3123123123?",
                                                         "id": "f-1", "ts": "2026-11-15T10:00:00Z"}]}, path="/v1/suggestions")
    sid = first["suggestions"][0]["id"]
    fresh = await client.post(f"/v1/suggestions/{sid}/feedback", json={"event": "shown"})
    assert fresh.status_code == 201, fresh.text
    assert fresh.json()["stale"] is False
    r = await client.post("/v1/interactions", json={"id": "f-2", "customer_id": "stale-2", "channel": "email", "author_role": "customer",
                                                     "ts": "2026-11-15T11:00:00Z", "text": "Actually I want an exchange instead.",
                                                     "thread_id": "conv-fb"})
    assert r.status_code == 201, r.text
    late = await client.post(f"/v1/suggestions/{sid}/feedback", json={"event": "accepted"})
    assert late.status_code == 201 and late.json()["stale"] is True and late.json()["newer_message"] == "f-2"
    plain = await assist(client, {"channel": "chat", "messages": [{"role": "customer", "text": "Hello, where is my order?"}],
                                  "use_llm": False}, path="/v1/suggestions")
    none = await client.post(f"/v1/suggestions/{plain['suggestions'][0]['id']}/feedback", json={"event": "accepted"})
    assert none.status_code == 201 and none.json()["stale"] is None
