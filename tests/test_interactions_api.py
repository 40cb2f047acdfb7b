"""Customer history over HTTP: idempotent recording, identities, summaries, clear 4xx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from tests.conftest import new_key

DATASET = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "summaries.jsonl"


def case(case_id: str) -> dict[str, Any]:
    for line in DATASET.read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        if c["id"] == case_id:
            return c
    raise KeyError(case_id)


def msg(i: int, **kw: Any) -> dict[str, Any]:
    base = {"id": f"m{i}", "customer_id": "c1", "channel": "chat", "author_role": "customer",
            "ts": f"2024-03-04T10:{i:02d}:00Z", "text": f"message {i} about order 1234567", "thread_id": "t1"}
    return base | kw


async def test_a_retried_batch_never_duplicates_interactions(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        h = await new_key(client, "acme", "interactions:read,interactions:write")
        batch = {"interactions": [msg(i) for i in range(10)]}
        first = await client.post("/v1/interactions", json=batch, headers=h)
        assert first.status_code == 201, first.text
        assert first.json()["inserted"] == 10
        again = await client.post("/v1/interactions", json=batch, headers=h)
        assert again.status_code == 200
        assert again.json() == again.json() | {"inserted": 0, "duplicates": 10}
        got = await client.get("/v1/customers/c1/interactions", headers=h)
        assert got.json()["count"] == 10


async def test_a_single_interaction_is_recorded_and_read_back_oldest_first(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        h = await new_key(client, "acme", "interactions:read,interactions:write")
        assert (await client.post("/v1/interactions", json=msg(2), headers=h)).status_code == 201
        assert (await client.post("/v1/interactions", json=msg(1, channel="email"), headers=h)).status_code == 201
        items = (await client.get("/v1/customers/c1/interactions", headers=h)).json()["interactions"]
        assert [i["id"] for i in items] == ["m1", "m2"]
        assert items[0]["direction"] == "inbound"  # defaulted from the customer role


async def test_a_resent_id_with_different_content_is_a_conflict_and_writes_nothing(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        h = await new_key(client, "acme", "interactions:read,interactions:write")
        await client.post("/v1/interactions", json=msg(1), headers=h)
        r = await client.post("/v1/interactions", json={"interactions": [msg(2), msg(1, text="edited")]}, headers=h)
        assert r.status_code == 409
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "m1" in r.json()["detail"]
        assert (await client.get("/v1/customers/c1/interactions", headers=h)).json()["count"] == 1


async def test_bad_interactions_get_clear_4xx(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        h = await new_key(client, "acme", "interactions:write")
        r = await client.post("/v1/interactions", json=msg(1, channel="fax"), headers=h)
        assert r.status_code == 422 and "unknown channel 'fax'" in r.json()["detail"]
        r = await client.post("/v1/interactions", json=msg(1, text="x" * 20_001), headers=h)
        assert r.status_code == 413
        r = await client.post("/v1/interactions", json={"interactions": [msg(i) for i in range(501)]}, headers=h)
        assert r.status_code == 413
        r = await client.post("/v1/interactions", json=msg(1, author_role="robot", ts="yesterday"), headers=h)
        assert r.status_code == 422
        keys = {e["key"] for e in r.json()["errors"]}
        assert {"interaction.author_role", "interaction.ts"} <= keys


async def test_tenants_never_see_each_others_history(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        a = await new_key(client, "acme", "interactions:read,interactions:write")
        b = await new_key(client, "globex", "interactions:read,interactions:write")
        await client.post("/v1/interactions", json=msg(1), headers=a)
        assert (await client.get("/v1/customers/c1/interactions", headers=b)).status_code == 404
        # the same id in another tenant is another interaction, not a conflict
        assert (await client.post("/v1/interactions", json=msg(1, text="other"), headers=b)).status_code == 201


async def test_writing_needs_the_write_scope(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        h = await new_key(client, "acme", "interactions:read")
        assert (await client.post("/v1/interactions", json=msg(1), headers=h)).status_code == 403


async def test_handles_link_to_one_customer_and_can_name_it(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        h = await new_key(client, "acme", "interactions:read,interactions:write")
        r = await client.post("/v1/identities", json={"customer_id": "c9", "handles": [
            {"kind": "email", "value": "Jo.Lambert@Outlook.com"}, {"kind": "phone", "value": "+1 (415) 555-0199"},
            {"kind": "social", "value": "twitter:@jolambert"}]}, headers=h)
        assert r.status_code == 200, r.text
        assert {"kind": "email", "value": "jo.lambert@outlook.com"} in r.json()["handles"]
        # idempotent
        assert (await client.post("/v1/identities", json={"customer_id": "c9", "handles": [
            {"kind": "email", "value": "jo.lambert@outlook.com"}]}, headers=h)).status_code == 200
        # a handle of another customer is a conflict
        r = await client.post("/v1/identities", json={"customer_id": "c10", "handles": [
            {"kind": "phone", "value": "+14155550199"}]}, headers=h)
        assert r.status_code == 409
        # an interaction may name its customer by handle
        sms = msg(1, channel="sms", customer_id=None, handle={"kind": "phone", "value": "+1 415 555 0199"})
        sms.pop("customer_id")
        assert (await client.post("/v1/interactions", json=sms, headers=h)).status_code == 201
        assert (await client.get("/v1/customers/c9/interactions", headers=h)).json()["count"] == 1
        r = await client.get("/v1/identities/resolve", params={"kind": "email", "value": "JO.LAMBERT@outlook.com"}, headers=h)
        assert r.json() == {"customer_id": "c9"}
        unknown = msg(2) | {"handle": {"kind": "email", "value": "nobody@example.com"}}
        unknown.pop("customer_id")
        r = await client.post("/v1/interactions", json=unknown, headers=h)
        assert r.status_code == 422 and "POST /v1/identities" in r.json()["detail"]


async def test_summary_of_a_stored_cross_channel_history(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        h = await new_key(client, "acme", "interactions:read,interactions:write")
        c = case("chat-email-call-refund-late")
        assert (await client.post("/v1/interactions", json={"interactions": c["input"]["history"]}, headers=h)).status_code == 201
        r = await client.post("/v1/summaries", json={"customer_id": c["input"]["customer_id"], "channel": "voice"}, headers=h)
        assert r.status_code == 200, r.text
        s = r.json()
        assert s["engine"] == "extractive"
        assert any(x["type"] == "refund" and x["status"] == "broken" for x in s["commitments"])
        assert any(f["value"] == "3348917502" for f in s["facts"])
        ids = {i["id"] for i in c["input"]["history"]}
        for section in ("open_issues", "commitments", "facts", "timeline"):
            for item in s[section]:
                assert item["sources"] and set(item["sources"]) <= ids
        assert s["coverage"]["interactions_total"] == len(ids)


async def test_summary_of_an_inline_history_masks_card_numbers(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        h = await new_key(client, "acme", "interactions:read")
        c = case("card-number-in-chat")
        r = await client.post("/v1/summaries", json={"history": c["input"]["history"]}, headers=h)
        assert r.status_code == 200, r.text
        body = r.text
        assert "4539 1488 0343 6467" not in body
        assert "bkhan@protonmail.com" in body  # contact details are shown to the agent
        assert r.json()["pii_masked"]["CARD"] == 1


async def test_bad_summary_requests_get_clear_4xx(app_factory) -> None:
    async with AsyncTestClient(app=app_factory()) as client:
        h = await new_key(client, "acme", "interactions:read")
        r = await client.post("/v1/summaries", json={"customer_id": "ghost"}, headers=h)
        assert r.status_code == 404 and "unknown customer" in r.json()["detail"]
        r = await client.post("/v1/summaries", json={"history": [msg(2), msg(1)]}, headers=h)
        assert r.status_code == 422 and "out of time order" in r.json()["detail"]
        r = await client.post("/v1/summaries", json={"history": [msg(1, channel="pigeon")]}, headers=h)
        assert r.status_code == 422 and "unknown channel" in r.json()["detail"]
        r = await client.post("/v1/summaries", json={"history": [msg(1, text="y" * 20_001)]}, headers=h)
        assert r.status_code == 413
        r = await client.post("/v1/summaries", json={}, headers=h)
        assert r.status_code == 422
        r = await client.post("/v1/summaries", json={"customer_id": "c1", "history": [msg(1)]}, headers=h)
        assert r.status_code == 422
        r = await client.post("/v1/summaries", json={"history": [msg(1)], "channel": "fax"}, headers=h)
        assert r.status_code == 422
        r = await client.post("/v1/summaries", json={"history": [msg(1)], "engine": "llm"}, headers=h)
        assert r.status_code == 422 and "no LLM is configured" in r.json()["detail"]


async def test_with_an_llm_configured_the_summary_names_its_prompt_and_model(app_factory) -> None:
    from tests.test_summaries import FakeChat, good_answer

    c = case("card-number-in-chat")
    chat = FakeChat([good_answer("card-number-in-chat-04")])
    async with AsyncTestClient(app=app_factory(chat_model=chat)) as client:
        h = await new_key(client, "acme", "interactions:read")
        r = await client.post("/v1/summaries", json={"history": c["input"]["history"], "max_tokens": 2000}, headers=h)
        assert r.status_code == 200, r.text
        s = r.json()
        assert (s["engine"], s["prompt"]) == ("llm", "summary@1")
        assert chat.calls and "4539 1488 0343 6467" not in str(chat.calls[0])
        assert s["coverage"]["token_budget"] <= 2000
