"""Issue 12, the HTTP surface: deep JSON, key rotation and revocation authority, one feedback
decision per suggestion, request ids, customer ids in URLs, and the per-key bounds (heavy-request
slots, the default rate limit, heavy work off the event loop)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from service.api.request import MAX_JSON_DEPTH, json_depth
from service.settings import Settings
from tests.conftest import make_settings, new_key, running
from tests.test_audit_api import storage, svc  # noqa: F401 - the same app on SQLite and PostgreSQL

REFUND = [{"role": "customer", "text": "Hi, I'd like a refund for the shirt I bought last week"}]


# ---- 3. JSON nesting ----------------------------------------------------------------------------


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_the_depth_count_ignores_brackets_inside_strings():
    assert json_depth(b'{"a": "' + b"[" * 1000 + b'"}') == 1
    assert json_depth(b'["\\"' + b"[" * 500 + b'"]') == 1
    assert json_depth(nested(MAX_JSON_DEPTH + 1)) == MAX_JSON_DEPTH + 1
    assert json_depth(b"[]" * 5000) == 1


@pytest.mark.parametrize("path", ["/v1/knowledge/search", "/v1/interactions", "/v1/suggestions", "/v1/assist",
                                  "/v1/summaries", "/v1/intents/classify", "/v1/hooks/triage"])
async def test_json_nested_past_the_cap_is_a_400_on_every_json_route(svc, path):
    headers = {**await new_key(svc, "acme", "admin"), "Content-Type": "application/json"}
    for depth in (MAX_JSON_DEPTH + 1, 1000, 100_000):
        r = await svc.post(path, content=nested(depth), headers=headers)
        assert r.status_code == 400, (depth, r.status_code, r.text[:200])
        assert "nested" in r.json()["detail"]
    r = await svc.post(path, content=nested(MAX_JSON_DEPTH), headers=headers)
    assert 400 <= r.status_code < 500 and "nested" not in r.json()["detail"]


async def test_deep_interaction_metadata_is_refused_before_the_database(svc):
    headers = await new_key(svc, "acme", "interactions:write,interactions:read")
    item = {"id": "i1", "customer_id": "c1", "channel": "chat", "author_role": "customer", "ts": "2026-11-01T10:00:00Z",
            "text": "hello"}
    deep: dict = {}
    for _ in range(350):
        deep = {"k": deep}
    r = await svc.post("/v1/interactions", json={**item, "metadata": deep}, headers=headers)
    assert r.status_code == 422 and "nested deeper" in r.text
    r = await svc.post("/v1/interactions", json={**item, "metadata": {"order": {"lines": [{"sku": "A1"}]}}}, headers=headers)
    assert r.status_code == 201, r.text


# ---- 5. keys: one rotation wins, revoked keys stay dead, no acting above one's own scopes -------


async def test_concurrent_rotations_of_one_key_mint_exactly_one_new_key(svc):
    keys = svc.app.state.container.keys
    admin = await new_key(svc, "acme", "admin")
    _, target = await keys.create("acme", "knowledge:read")
    responses = await asyncio.gather(*[svc.post(f"/v1/keys/{target.id}/rotate", headers=admin) for _ in range(20)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 19, statuses
    listed = await keys.list("acme")
    assert len([k for k in listed if k.id != target.id and k.scopes == ["knowledge:read"]]) == 1
    new = next(r.json() for r in responses if r.status_code == 201)
    search = {"Authorization": f"Bearer {new['key']}"}
    assert (await svc.post("/v1/knowledge/search", json={"query": "refund"}, headers=search)).status_code == 200


async def test_a_revoked_key_cannot_be_rotated_back_to_life(svc):
    keys = svc.app.state.container.keys
    admin = await new_key(svc, "acme", "admin")
    _, old_admin = await keys.create("acme", "admin")
    assert (await svc.post(f"/v1/keys/{old_admin.id}/revoke", headers=admin)).status_code == 200
    r = await svc.post(f"/v1/keys/{old_admin.id}/rotate", headers=admin)
    assert r.status_code == 409 and "revoked" in r.json()["detail"]
    assert [k.id for k in await keys.list("acme") if k.revoked_at is None] == [admin["Authorization"].split("_")[1]]


async def test_no_key_can_revoke_or_rotate_a_key_with_scopes_it_lacks(svc):
    keys = svc.app.state.container.keys
    key_admin = await new_key(svc, "acme", "keys:admin,knowledge:read")
    admin = await new_key(svc, "acme", "admin")
    _, full = await keys.create("acme", "admin")
    _, operator = await keys.create("acme", "operator")
    for action in ("revoke", "rotate"):
        r = await svc.post(f"/v1/keys/{full.id}/{action}", headers=key_admin)
        assert r.status_code == 403, r.text
        r = await svc.post(f"/v1/keys/{operator.id}/{action}", headers=admin)
        assert r.status_code == 403, r.text
    assert all(k.revoked_at is None for k in await keys.list("acme"))
    _, reader = await keys.create("acme", "knowledge:read")
    assert (await svc.post(f"/v1/keys/{reader.id}/revoke", headers=key_admin)).status_code == 200


# ---- 8. feedback: one decision per suggestion; `shown` is not one; types are strict -------------


async def suggestion_id(svc, headers) -> str:
    r = await svc.post("/v1/suggestions", json={"channel": "chat", "messages": REFUND, "use_llm": False, "n": 1}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["suggestions"][0]["id"]


async def test_a_suggestion_has_one_decision_even_under_concurrent_sends(svc):
    headers = await new_key(svc, "acme", "suggestions:read,feedback:write,audit:read")
    sid = await suggestion_id(svc, headers)
    url = f"/v1/suggestions/{sid}/feedback"
    for _ in range(3):  # shown: any number of times, never a decision
        assert (await svc.post(url, json={"event": "shown"}, headers=headers)).status_code == 201
    responses = await asyncio.gather(*[svc.post(url, json={"event": "accepted", "rating": 5}, headers=headers) for _ in range(20)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 19 + [201], statuses
    assert len({r.json()["id"] for r in responses}) == 1 and sum(r.json()["replayed"] for r in responses) == 19
    r = await svc.post(url, json={"event": "rejected", "reason": "wrong"}, headers=headers)
    assert r.status_code == 409 and "already has the decision 'accepted'" in r.json()["detail"]
    r = await svc.post(url, json={"event": "accepted", "rating": 4}, headers=headers)
    assert r.status_code == 409
    records = (await svc.get("/v1/audit", params={"endpoint": "feedback"}, headers=headers)).json()["records"]
    assert sorted(rec["outcome"] for rec in records) == ["accepted", "shown", "shown", "shown"]
    overall = (await svc.get("/v1/feedback/report", headers=headers)).json()["overall"]
    assert (overall["decided"], overall["accepted"], overall["shown"]) == (1, 1, 1)


async def test_a_rating_sent_as_a_string_is_refused(svc):
    headers = await new_key(svc, "acme", "suggestions:read,feedback:write")
    sid = await suggestion_id(svc, headers)
    for body in ({"event": "accepted", "rating": "5"}, {"event": "accepted", "rating": 5.0}, {"event": "accepted", "rating": True}):
        r = await svc.post(f"/v1/suggestions/{sid}/feedback", json=body, headers=headers)
        assert r.status_code == 400 and "rating" in r.json()["detail"], (body, r.text)
    assert (await svc.post(f"/v1/suggestions/{sid}/feedback", json={"event": "accepted", "rating": 5}, headers=headers)).status_code == 201


# ---- 8. request ids, customer ids -------------------------------------------------------------


async def test_an_error_body_carries_the_same_request_id_as_the_header(svc):
    headers = await new_key(svc, "acme", "knowledge:read")
    for sent in ("x" * 100, "short-id-1"):
        r = await svc.post("/v1/knowledge/search", json={"query": ""}, headers={**headers, "X-Request-Id": sent})
        assert r.status_code in (400, 422)
        assert r.json()["request_id"] == r.headers["x-request-id"]
    assert r.headers["x-request-id"] == "short-id-1"


@pytest.mark.parametrize("customer_id", ["a/b", "c#1", "x/../y"])
async def test_a_customer_id_that_cannot_be_read_back_by_url_is_refused_on_write(svc, customer_id):
    headers = await new_key(svc, "acme", "interactions:write,interactions:read")
    item = {"id": "i-1", "customer_id": customer_id, "channel": "chat", "author_role": "customer",
            "ts": "2026-11-01T10:00:00Z", "text": "hello"}
    r = await svc.post("/v1/interactions", json=item, headers=headers)
    assert r.status_code == 422 and "customer_id" in r.text
    r = await svc.post("/v1/identities", json={"customer_id": customer_id, "handles": [{"kind": "email", "value": "a@b.example"}]},
                       headers=headers)
    assert r.status_code == 400, r.text
    ok = {**item, "customer_id": "cust:42@shop+eu"}
    assert (await svc.post("/v1/interactions", json=ok, headers=headers)).status_code == 201
    assert (await svc.get("/v1/customers/cust:42@shop+eu/interactions", headers=headers)).json()["count"] == 1


# ---- 6. per-key heavy slots, the default rate limit, heavy work off the loop -------------------


def test_the_defaults_bound_every_key():
    server = Settings.from_env({}).server
    assert server.rate_limit_per_minute == 1200 and server.heavy_per_key == 4


async def test_the_app_runs_with_a_rate_limiter_and_heavy_slots_by_default(tmp_path, app_factory):
    async with running(app_factory(make_settings(tmp_path / "d"))) as c:
        assert c.app.state.container.rate_limiter.per_minute == 1200
        assert c.app.state.container.heavy_slots.per_key == 4


async def test_a_key_past_its_heavy_slots_waits_then_gets_429_while_other_keys_go_on(tmp_path, app_factory):
    settings = make_settings(tmp_path / "d", server={"heavy_per_key": 2, "heavy_wait_s": 0.0})
    async with running(app_factory(settings)) as c:
        slots = c.app.state.container.heavy_slots
        busy = await new_key(c, "acme", "interactions:read")
        other = await new_key(c, "acme", "interactions:read")
        busy_id = busy["Authorization"].split("_")[1]
        held = [await slots.acquire(busy_id), await slots.acquire(busy_id)]  # two requests in progress
        body = {"history": [{"id": "1", "channel": "chat", "author_role": "customer", "ts": "2026-11-01T10:00:00Z",
                             "text": "my parcel never arrived"}]}
        r = await c.post("/v1/summaries", json=body, headers=busy)
        assert r.status_code == 429 and r.headers["retry-after"] == "1", r.text
        assert (await c.post("/v1/summaries", json=body, headers=other)).status_code == 200
        assert (await c.get("/v1/customers/none/interactions", headers=busy)).status_code == 404  # light routes: no slot
        held[0]()
        assert (await c.post("/v1/summaries", json=body, headers=busy)).status_code == 200
        assert (await c.post("/v1/summaries", json={"history": []}, headers=busy)).status_code in (400, 422)
        assert slots.in_use(busy_id) == 1  # the finished requests, the failed one too, gave their slot back
        held[1]()
        assert slots.in_use(busy_id) == 0


async def test_a_waiting_heavy_request_gets_the_slot_when_one_is_freed(tmp_path, app_factory):
    settings = make_settings(tmp_path / "d", server={"heavy_per_key": 1, "heavy_wait_s": 30.0})
    async with running(app_factory(settings)) as c:
        slots = c.app.state.container.heavy_slots
        headers = await new_key(c, "acme", "interactions:read")
        release = await slots.acquire(headers["Authorization"].split("_")[1])
        body = {"history": [{"id": "1", "channel": "chat", "author_role": "customer", "ts": "2026-11-01T10:00:00Z",
                             "text": "my parcel never arrived"}]}
        waiting = asyncio.create_task(c.post("/v1/summaries", json=body, headers=headers))
        for _ in range(50):
            await asyncio.sleep(0)
        assert not waiting.done()
        release()
        assert (await waiting).status_code == 200


async def test_a_long_conversation_is_masked_off_the_event_loop_a_short_one_on_it(svc, monkeypatch):
    import service.replies.service as suggest
    from service.replies.conversation import SHORT_CONVERSATION_CHARS

    threads: list[bool] = []

    class Watched(suggest.Redactor):
        def redact(self, text: str) -> str:
            threads.append(threading.current_thread() is threading.main_thread())
            return super().redact(text)

    monkeypatch.setattr(suggest, "Redactor", Watched)
    headers = await new_key(svc, "acme", "suggestions:read")
    messages = [{"role": "customer", "text": f"message {i}: my refund, card 4111 1111 1111 1111"} for i in range(100)]
    assert sum(len(m["text"]) for m in messages) > SHORT_CONVERSATION_CHARS
    r = await svc.post("/v1/suggestions", json={"channel": "chat", "messages": messages, "use_llm": False}, headers=headers)
    assert r.status_code == 200
    assert len(threads) >= 100 and not any(threads)
    threads.clear()  # a short one costs less on the loop than the hand-off to a thread (issue 18)
    r = await svc.post("/v1/suggestions", json={"channel": "chat", "messages": messages[:2], "use_llm": False}, headers=headers)
    assert r.status_code == 200
    assert threads and all(threads)
