"""Chatwoot account webhooks -> interactions and handles (issue 14), and the end-to-end flow:
Chatwoot events for one contact on e-mail and on the web widget (chat), then /v1/assist with the
contact's e-mail handle.

Payload shapes are Chatwoot's own: ``Message#webhook_data`` (app/models/message.rb),
``Conversation#webhook_data`` (app/models/conversation.rb: channel, meta.sender, messages,
status), ``Contact#webhook_data`` (app/models/contact.rb); the sending side is
lib/webhooks/trigger.rb (a JSON POST). Signed deliveries carry X-Chatwoot-Signature
(sha256=HMAC of "<timestamp>.<body>") and X-Chatwoot-Timestamp.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from service.continuity.chatwoot import sign
from service.continuity.replies import re_asks
from tests.conftest import authorize, knowledge_app, make_settings

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
ACCOUNT = {"id": 7, "name": "Northwind"}
CONTACT = {"id": 42, "name": "Lena Park", "email": "Lena.Park@example.com", "phone_number": None, "identifier": None,
           "thumbnail": "", "additional_attributes": {"social_profiles": {"twitter": "@lenapark"}}, "custom_attributes": {},
           "type": "contact"}
AGENT = {"id": 3, "name": "Sam", "email": "sam@northwind.example", "type": "user"}


def conversation(conv_id: int, channel: str, status: str = "open") -> dict[str, Any]:
    return {"id": conv_id, "display_id": conv_id, "inbox_id": 2 if channel == "Channel::Email" else 1, "channel": channel,
            "status": status, "meta": {"sender": CONTACT, "assignee": AGENT}, "messages": [], "labels": [],
            "contact_inbox": {"source_id": "x"}, "additional_attributes": {}, "can_reply": True, "timestamp": 1763200000}


def message(event: str, mid: int, conv_id: int, channel: str, text: str, *, incoming: bool, ts: str,
            private: bool = False) -> dict[str, Any]:
    return {"event": event, "id": mid, "content": text, "created_at": ts, "message_type": "incoming" if incoming else "outgoing",
            "content_type": "text", "content_attributes": {}, "source_id": None, "private": private,
            "sender": CONTACT if incoming else AGENT, "inbox": {"id": 1, "name": "Support"},
            "conversation": conversation(conv_id, channel), "account": ACCOUNT}


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("chatwoot")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(module_tmp, real_embedder, counter):
    overrides = {"embedder": real_embedder, "counter": counter, "clock": lambda: NOW}
    async with knowledge_app(make_settings(module_tmp / "data"), overrides) as (c, container):
        await authorize(c, container, "acme", "suggestions:read,interactions:read,interactions:write")
        svc = container.continuity
        await svc.configure("acme", chatwoot_url_secret="s3cret-url-token", chatwoot_account_id=7)
        await svc.configure("signed", chatwoot_signing_secret="whsec-chatwoot")
        yield c


async def hook(client, payload: dict[str, Any], path: str = "/hooks/chatwoot/acme/s3cret-url-token", **headers: str):
    return await client.post(path, content=json.dumps(payload).encode(), headers={"content-type": "application/json", **headers})


async def test_the_url_secret_is_required_and_checked(client):
    payload = message("message_created", 1, 10, "Channel::WebWidget", "hello", incoming=True, ts="2026-11-14T09:00:00Z")
    assert (await hook(client, payload, "/hooks/chatwoot/acme/wrong")).status_code == 401
    assert (await hook(client, payload, "/hooks/chatwoot/acme")).status_code == 401
    assert (await hook(client, payload, "/hooks/chatwoot/nobody/s3cret-url-token")).status_code == 401


async def test_a_signed_tenant_needs_a_valid_fresh_signature(client):
    payload = message("message_created", 2, 11, "Channel::WebWidget", "hello", incoming=True, ts="2026-11-14T09:00:00Z")
    body = json.dumps(payload).encode()
    ts = int(NOW.timestamp())
    ok = await client.post("/hooks/chatwoot/signed", content=body, headers={
        "X-Chatwoot-Signature": sign("whsec-chatwoot", body, ts), "X-Chatwoot-Timestamp": str(ts)})
    assert ok.status_code == 200, ok.text
    bad = await client.post("/hooks/chatwoot/signed", content=body + b" ", headers={
        "X-Chatwoot-Signature": sign("whsec-chatwoot", body, ts), "X-Chatwoot-Timestamp": str(ts)})
    assert bad.status_code == 401
    old = await client.post("/hooks/chatwoot/signed", content=body, headers={
        "X-Chatwoot-Signature": sign("whsec-chatwoot", body, ts - 3600), "X-Chatwoot-Timestamp": str(ts - 3600)})
    assert old.status_code == 401
    unsigned = await client.post("/hooks/chatwoot/signed", content=body)
    assert unsigned.status_code == 401


async def test_bad_bodies_are_clear_4xx(client):
    r = await client.post("/hooks/chatwoot/acme/s3cret-url-token", content=b"{not json")
    assert r.status_code in (400, 422) and "JSON" in r.text
    r = await hook(client, {"no": "event"})
    assert r.status_code in (400, 422)
    r = await hook(client, {"event": "webwidget_triggered", "id": 1})
    assert r.status_code == 200 and r.json()["ignored"] is True


async def test_end_to_end_email_and_chat_events_then_assist_by_handle(client):
    email_conv, chat_conv = 101, 102
    events = [
        {"event": "contact_created", **CONTACT, "account": ACCOUNT},
        {"event": "conversation_created", **conversation(email_conv, "Channel::Email"), "account": ACCOUNT},
        message("message_created", 5001, email_conv, "Channel::Email",
                "Hello, the boots from order 3348917502 are the wrong size and I'd like to return them.", incoming=True,
                ts="2026-11-03T09:00:00Z"),
        message("message_created", 5002, email_conv, "Channel::Email",
                "Sorry about that, Lena. I'll e-mail you a prepaid return label today.", incoming=False,
                ts="2026-11-03T09:20:00Z"),
        message("message_created", 5003, email_conv, "Channel::Email",
                "Customer is a Gold member, check the exchange options.", incoming=False, ts="2026-11-03T09:21:00Z",
                private=True),
        message("message_created", 6001, chat_conv, "Channel::WebWidget",
                "Hi, I never got the return label for order 3348917502.", incoming=True, ts="2026-11-10T15:00:00Z"),
        message("message_created", 6002, chat_conv, "Channel::WebWidget",
                "Apologies. We will ship a replacement in the right size once the return is scanned.", incoming=False,
                ts="2026-11-10T15:05:00Z"),
        {"event": "conversation_status_changed", **conversation(email_conv, "Channel::Email", "resolved"), "account": ACCOUNT},
        {"event": "contact_updated", **CONTACT, "phone_number": "+44 7700 900456", "account": ACCOUNT},
    ]
    for e in events:
        r = await hook(client, e)
        assert r.status_code == 200, r.text
        assert r.json().get("customer_id") in (None, "chatwoot-7-42")
    # Chatwoot retries: nothing is stored twice; a status-only update of a message changes nothing.
    again = await hook(client, events[2])
    assert again.json()["inserted"] == 0 and again.json()["duplicates"] == 1
    updated = await hook(client, {**events[3], "event": "message_updated"})
    assert updated.json()["inserted"] == 0

    stored = (await client.get("/v1/customers/chatwoot-7-42/interactions")).json()["interactions"]
    by_id = {i["id"]: i for i in stored}
    assert by_id["cw:7:m:5001"]["channel"] == "email" and by_id["cw:7:m:6001"]["channel"] == "chat"
    assert by_id["cw:7:m:5001"]["author_role"] == "customer" and by_id["cw:7:m:5002"]["author_role"] == "agent"
    note = by_id["cw:7:m:5003"]
    assert note["direction"] == "internal" and note["kind"] == "note"
    assert any(i["kind"] == "ticket_resolved" for i in stored)
    handles = (await client.get("/v1/customers/chatwoot-7-42/identities")).json()["handles"]
    assert {(h["kind"], h["value"]) for h in handles} >= {("email", "lena.park@example.com"), ("phone", "+447700900456"),
                                                        ("social", "twitter:lenapark"), ("external", "chatwoot:7:42")}

    r = await client.post("/v1/assist", json={
        "channel": "chat", "use_llm": False,
        "messages": [{"role": "customer", "text": "I still need that return label please."}],
        "customer": {"handle": {"kind": "email", "value": "lena.park@example.com"}}})
    assert r.status_code == 200, r.text
    body = r.json()
    s = body["summary"]
    assert body["history"]["customer_id"] == "chatwoot-7-42" and set(s["coverage"]["channels"]) >= {"email", "chat"}
    assert "3348917502" in {f["value"] for f in s["facts"]}
    status = {c["sources"][0]: c["status"] for c in s["commitments"]}
    assert status.get("cw:7:m:5002") == "broken"  # the label promised by e-mail never came (said on chat)
    assert "cw:7:m:6002" in status  # the replacement promised on chat
    for sug in body["suggestions"]:
        assert not re_asks(sug["text"], {"order_id", "email"}), sug["text"]
    top = body["suggestions"][0]
    assert "cw:7:m:5002" in {h["interaction_id"] for h in top["history_citations"]}


async def test_write_back_posts_the_top_suggestion_as_a_private_note(client):
    import respx
    from httpx import Response

    from service.adapters.secretbox import SecretBox, new_key

    container = client.app.state.container
    svc = container.continuity
    key = new_key()
    svc.writeback.secret_key = key
    await svc.configure("wb", box=SecretBox(key), token="cw-api-token-xyz", chatwoot_url_secret="wb-secret",
                        chatwoot_base_url="https://chatwoot.example.com", chatwoot_account_id=7, chatwoot_writeback=True)
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post("https://chatwoot.example.com/api/v1/accounts/7/conversations/301/messages").mock(
            return_value=Response(200, json={"id": 9001}))
        payload = message("message_created", 7001, 301, "Channel::WebWidget",
                          "Hi, I'd like a refund for the jacket from order 3777888999, it doesn't fit.", incoming=True,
                          ts="2026-11-15T11:00:00Z")
        r = await hook(client, payload, "/hooks/chatwoot/wb/wb-secret")
        assert r.status_code == 200, r.text
        assert r.json()["writeback"]["posted"] is True and r.json()["writeback"]["note_id"] == 9001
        sent = route.calls.last.request
        assert sent.headers["api_access_token"] == "cw-api-token-xyz"
        note = json.loads(sent.content)
        assert note["private"] is True and note["message_type"] == "outgoing"
        assert note["content"].startswith("Suggested reply (Agent Assist):") and "Source:" in note["content"]
        # Chatwoot retries the same event: nothing new, no second note.
        again = await hook(client, payload, "/hooks/chatwoot/wb/wb-secret")
        assert again.json()["writeback"] is None and route.call_count == 1
    with respx.mock() as mock:
        mock.post("https://chatwoot.example.com/api/v1/accounts/7/conversations/301/messages").mock(return_value=Response(401))
        r = await hook(client, message("message_created", 7002, 301, "Channel::WebWidget", "Hello? Anyone there about the refund?",
                                       incoming=True, ts="2026-11-15T11:30:00Z"), "/hooks/chatwoot/wb/wb-secret")
        assert r.status_code == 200 and r.json()["inserted"] == 1
        assert r.json()["writeback"] == {"posted": False, "reason": "Chatwoot refused the private note (HTTP 401)"}
