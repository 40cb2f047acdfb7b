"""The Zendesk triage webhook also feeds the customer's history (issue 14): the description and
each new comment become interactions of the requester (channel from via.channel, private comments
internal), idempotent by ticket and comment id; the requester's e-mail and phone become handles.
Payloads follow Zendesk's ticket event webhooks (zen:event-type:ticket.created /
ticket.comment_added: detail = the ticket, event.comment = the new comment)."""

from __future__ import annotations

import pytest

from tests.conftest import new_key, running
from tests.test_triage import ZENDESK_EVENT, signed

pytestmark = pytest.mark.asyncio

COMMENT = {
    **ZENDESK_EVENT,
    "type": "zen:event-type:ticket.comment_added",
    "id": "01HNYYYY-COMMENT",
    "time": "2024-04-18T09:00:00Z",
    "detail": {**ZENDESK_EVENT["detail"], "requester": {"email": "Payer@Example.com", "phone": "+1 415 555 0100"}},
    "event": {"comment": {"id": "99001", "body": "<p>We will refund the charge within 5 days.</p>", "is_public": True,
                          "author": {"id": "7", "is_staff": True, "name": "Sam"}}},
}
NOTE = {**COMMENT, "id": "01HNZZZZ-NOTE",
        "event": {"comment": {"id": "99002", "body": "Checked with payments: card was cloned.", "is_public": False,
                              "author": {"id": "7", "is_staff": True}}}}


async def test_zendesk_comments_become_interactions_and_the_requester_handles(app_factory):
    async with running(app_factory()) as c:
        auth = await new_key(c, "acme", "triage:write,interactions:read")
        secret = await c.app.state.container.keys.webhook_secret("acme")
        for event in (ZENDESK_EVENT, COMMENT, NOTE, COMMENT):
            raw, sig = signed(event, secret)
            r = await c.post("/v1/hooks/triage/zendesk", content=raw, headers={**auth, **sig, "Content-Type": "application/json"})
            assert r.status_code == 200, r.text
        r = await c.get("/v1/customers/zendesk-20978392/interactions", headers=auth)
        assert r.status_code == 200, r.text
        items = {i["id"]: i for i in r.json()["interactions"]}
        assert set(items) == {"zd:35436:description", "zd:35436:c:99001", "zd:35436:c:99002"}
        assert all(i["channel"] == "email" for i in items.values())
        assert items["zd:35436:description"]["author_role"] == "customer"
        assert "charge on my card" in items["zd:35436:description"]["text"] and "<p>" not in items["zd:35436:description"]["text"]
        assert items["zd:35436:c:99001"]["author_role"] == "agent" and items["zd:35436:c:99001"]["direction"] == "outbound"
        assert items["zd:35436:c:99002"]["direction"] == "internal" and items["zd:35436:c:99002"]["kind"] == "note"
        handles = (await c.get("/v1/customers/zendesk-20978392/identities", headers=auth)).json()["handles"]
        assert {(h["kind"], h["value"]) for h in handles} == {("external", "zendesk:20978392"), ("email", "payer@example.com"),
                                                              ("phone", "+14155550100")}
