"""The knowledge-gap loop over recorded signals: gaps found, drafts kept out of retrieval,
approval writes an audited article version and closes the gap, new signals reopen it, and no
tenant sees another's gaps or drafts. The clock is pinned; records are written at pinned times."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from service.audit.entry import AuditEntry
from service.adapters.sql.models import Feedback, Suggestion
from service.ports import ChatResult
from tests.conftest import KNOWLEDGE, make_settings, new_key, running

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
GIFT_ASKS = ["Do you offer gift wrapping?", "can you gift wrap my order please", "Is there a gift wrap option at checkout?",
             "how much is gift wrapping", "gift wrap available for jackets?", "does the gift wrapping include a card"]
GIFT_SENT = ["Yes, we offer gift wrapping for $4.99 per order, with a handwritten card included.",
             "Gift wrapping costs $4.99 per order and you can add it up to 2 hours after ordering. Mail me at jane.doe@example.com"]
HOURS_ASKS = ["What time do your stores open?", "store opening hours monday", "when does the store open in the morning",
              "what time can I come in tomorrow morning", "opening time weekdays?"]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def record(c: Any, tenant: str, at: datetime, event: dict[str, Any]) -> None:
    """Write one event as the service records it: audit records (and suggestion and feedback rows)."""
    trail = c.audit
    trail.clock = lambda: at
    conv = f"conv-{uuid.uuid4().hex[:8]}"
    if event["type"] == "suggestion":
        await trail.record(AuditEntry(
            endpoint="suggestions", tenant_id=tenant, input_redacted={"channel": "chat", "conversation_id": conv, "messages": [event["text"]]},
            policy={"skipped_reason": "no_knowledge", "escalation": None}, outcome="skipped"))
    elif event["type"] == "intent":
        await trail.record(AuditEntry(endpoint="intents.classify", tenant_id=tenant, input={"text": event["text"]},
                                      output=[{"intent": None, "confidence": 0.3, "source": "model"}]))
    elif event["type"] == "feedback":
        sid = str(uuid.uuid4())
        articles = [{"article_id": a, "chunk_id": "x", "version": 1} for a in event.get("articles", [])]
        rec = await trail.record(AuditEntry(
            endpoint="suggestions", tenant_id=tenant, input_redacted={"channel": "chat", "conversation_id": conv, "messages": [event["text"]]},
            articles=articles, outcome="ok"),
            rows=lambda r: [Suggestion(id=sid, tenant_id=tenant, audit_id=r.id, conversation_id=conv, prompt=None, intent=None,
                                       channel="chat", engine="grounded", text=event.get("suggested", "(reply)"), created_at=at)])
        async with c.sessions.begin() as s:
            s.add(Feedback(id=str(uuid.uuid4()), tenant_id=tenant, suggestion_id=sid, audit_id=rec.id, event=event["event"],
                           sent_text=event.get("sent"), reason=event.get("reason"), rating=None, edit_distance=None, created_at=at))


async def seed(c: Any, tenant: str, start: datetime) -> None:
    at = start
    for i, ask in enumerate(GIFT_ASKS):
        at += timedelta(hours=7)
        if i % 3 == 0:
            await record(c, tenant, at, {"type": "suggestion", "text": ask})
        elif i % 3 == 1:
            await record(c, tenant, at, {"type": "feedback", "event": "edited", "text": ask, "sent": GIFT_SENT[i % 2]})
        else:
            await record(c, tenant, at, {"type": "intent", "text": ask})
    for i, ask in enumerate(HOURS_ASKS):
        at += timedelta(hours=5)
        ev = {"type": "feedback", "text": ask, "articles": ["store-dates-and-hours"], "suggested": "Our stores open at 9:00 am."}
        ev.update({"event": "edited", "sent": "Our stores now open at 8:00 am Monday to Saturday."} if i % 2 == 0
                  else {"event": "rejected", "reason": "outdated: stores open at 8:00 am now"})
        await record(c, tenant, at, ev)


@pytest.fixture
async def loop_app(app_factory: Any) -> Any:
    clock = Clock(NOW)
    async with running(app_factory(clock=clock, intents=None)) as client:
        c = client.app.state.container
        await c.knowledge.ingest_dir(KNOWLEDGE / "store")
        client.clock = clock
        yield client


async def test_gaps_come_from_recorded_signals_and_name_the_outdated_article(loop_app: Any) -> None:
    c = loop_app.app.state.container
    await seed(c, "acme", NOW - timedelta(days=10))
    read = await new_key(loop_app, "acme", "knowledge:read")
    r = await loop_app.get("/v1/knowledge/gaps", headers=read)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["until"].startswith("2026-11-15T12:00")
    gaps = {g["kind"]: g for g in body["gaps"]}
    assert set(gaps) == {"missing", "outdated"}
    gift, hours = gaps["missing"], gaps["outdated"]
    assert "gift" in gift["title"].lower() and gift["size"] == 6 and gift["status"] == "open"
    assert gift["signals"] == {"abstained": 2, "edited": 2, "no_knowledge": 2}
    assert hours["article_id"] == "store-dates-and-hours"
    assert hours["articles_cited"][0] == {"article_id": "store-dates-and-hours", "count": 5}
    assert gift["trend"]["direction"] in {"rising", "steady", "falling"} and gift["examples"]
    assert gift["draft_id"] and hours["draft_id"]
    # personal data typed by an agent is masked in what reviewers see
    assert "jane.doe@example.com" not in r.text


async def test_drafts_are_never_retrieved_until_approved_and_approval_is_audited(loop_app: Any) -> None:
    c = loop_app.app.state.container
    await seed(c, "acme", NOW - timedelta(days=10))
    read = await new_key(loop_app, "acme", "knowledge:read,audit:read")
    write = await new_key(loop_app, "acme", "knowledge:write")
    gaps = (await loop_app.get("/v1/knowledge/gaps", headers=read)).json()["gaps"]
    gift = next(g for g in gaps if g["kind"] == "missing")
    drafts = (await loop_app.get("/v1/knowledge/drafts?status=draft", headers=read)).json()["drafts"]
    draft = next(d for d in drafts if d["id"] == gift["draft_id"])
    assert "status: draft" in draft["content"] and "owner: ''" in draft["content"]
    assert "$4.99" in draft["content"] and "handwritten card" in draft["content"]
    query = {"query": "gift wrapping for $4.99 with a handwritten card", "top_k": 10}
    hits = (await loop_app.post("/v1/knowledge/search", json=query, headers=read)).json()["hits"]
    assert draft["article_id"] not in {h["article_id"] for h in hits}

    assert (await loop_app.post(f"/v1/knowledge/drafts/{draft['id']}/approve", headers=read)).status_code == 403
    r = await loop_app.post(f"/v1/knowledge/drafts/{draft['id']}/approve", headers=write)
    assert r.status_code == 200, r.text
    approved = r.json()
    assert approved["status"] == "approved" and approved["ingest"]["added"] == [draft["article_id"]]
    assert "status: approved" in approved["content"] and "Review every line" not in approved["content"]
    articles = (await loop_app.get("/v1/knowledge/articles", headers=read)).json()
    mine = next(a for a in articles if a["article_id"] == draft["article_id"])
    assert mine["status"] == "approved" and mine["version"] == 1 and not mine["shared"]
    hits = (await loop_app.post("/v1/knowledge/search", json=query, headers=read)).json()["hits"]
    assert draft["article_id"] in {h["article_id"] for h in hits}
    audit = (await loop_app.get("/v1/audit?endpoint=knowledge.drafts.approve", headers=read)).json()
    records = audit["records"] if isinstance(audit, dict) else audit
    assert len(records) == 1 and records[0]["id"] == approved["audit_id"]
    assert records[0]["articles"] == [{"article_id": draft["article_id"], "version": 1}]
    closed = (await loop_app.get("/v1/knowledge/gaps?refresh=false", headers=read)).json()["gaps"]
    assert next(g for g in closed if g["id"] == gift["id"])["status"] == "closed"
    again = await loop_app.post(f"/v1/knowledge/drafts/{draft['id']}/approve", headers=write)
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")

    # the analysis runs again with nothing new: the gap stays closed
    loop_app.clock.now = NOW + timedelta(days=1)
    gaps = (await loop_app.get("/v1/knowledge/gaps", headers=read)).json()["gaps"]
    assert next(g for g in gaps if g["id"] == gift["id"])["status"] == "closed"
    # a new signal on the topic reopens it, with a new draft for the next version
    await record(c, "acme", NOW + timedelta(days=1, hours=2), {"type": "suggestion", "text": "is gift wrapping possible for a scarf?"})
    loop_app.clock.now = NOW + timedelta(days=2)
    gaps = (await loop_app.get("/v1/knowledge/gaps", headers=read)).json()["gaps"]
    reopened = next(g for g in gaps if g["id"] == gift["id"])
    assert reopened["status"] == "open" and reopened["reopened_at"] and reopened["draft_id"] != draft["id"]
    new = next(d for d in (await loop_app.get("/v1/knowledge/drafts", headers=read)).json()["drafts"] if d["id"] == reopened["draft_id"])
    assert new["article_id"] == draft["article_id"] and new["version"] == 2


async def test_reject_needs_a_reason_and_is_audited(loop_app: Any) -> None:
    c = loop_app.app.state.container
    await seed(c, "acme", NOW - timedelta(days=10))
    read = await new_key(loop_app, "acme", "knowledge:read,audit:read")
    write = await new_key(loop_app, "acme", "knowledge:write")
    gap = next(g for g in (await loop_app.get("/v1/knowledge/gaps", headers=read)).json()["gaps"] if g["kind"] == "outdated")
    r = await loop_app.post(f"/v1/knowledge/drafts/{gap['draft_id']}/reject", json={"reason": "  "}, headers=write)
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = await loop_app.post(f"/v1/knowledge/drafts/{gap['draft_id']}/reject", json={"reason": "wrong store"}, headers=write)
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    audit = (await loop_app.get("/v1/audit?endpoint=knowledge.drafts.reject", headers=read)).json()
    assert len(audit["records"] if isinstance(audit, dict) else audit) == 1
    # no new signal since the rejection: no new draft is proposed
    gaps = (await loop_app.get("/v1/knowledge/gaps", headers=read)).json()["gaps"]
    assert next(g for g in gaps if g["id"] == gap["id"])["draft_id"] is None


async def test_gaps_and_drafts_stay_inside_their_tenant(loop_app: Any) -> None:
    c = loop_app.app.state.container
    await seed(c, "acme", NOW - timedelta(days=10))
    acme = await new_key(loop_app, "acme", "knowledge:read")
    other = await new_key(loop_app, "globex", "knowledge:read,knowledge:write")
    gaps = (await loop_app.get("/v1/knowledge/gaps", headers=acme)).json()["gaps"]
    assert gaps
    assert (await loop_app.get("/v1/knowledge/gaps", headers=other)).json()["gaps"] == []
    assert (await loop_app.get("/v1/knowledge/drafts", headers=other)).json()["drafts"] == []
    for action, body in (("approve", None), ("reject", {"reason": "no"})):
        r = await loop_app.post(f"/v1/knowledge/drafts/{gaps[0]['draft_id']}/{action}", json=body, headers=other)
        assert r.status_code == 404
    assert (await loop_app.get("/v1/knowledge/drafts?status=draft", headers=acme)).json()["drafts"]


async def test_bad_review_input_is_a_clear_4xx(loop_app: Any) -> None:
    c = loop_app.app.state.container
    await seed(c, "acme", NOW - timedelta(days=10))
    read = await new_key(loop_app, "acme", "knowledge:read")
    write = await new_key(loop_app, "acme", "knowledge:write")
    r = await loop_app.get("/v1/knowledge/gaps?since=2026-11-10T00:00:00Z&until=2026-11-01T00:00:00Z", headers=read)
    assert r.status_code == 422 and "since" in r.json()["detail"]
    assert (await loop_app.get("/v1/knowledge/gaps?since=yesterday", headers=read)).status_code == 400
    assert (await loop_app.get("/v1/knowledge/gaps?until=0001-01-02T00:00:00", headers=read)).status_code == 422
    r = await loop_app.get("/v1/knowledge/gaps?since=2000-01-01T00:00:00Z", headers=read)
    assert r.status_code == 422 and "366 days" in r.json()["detail"]
    assert (await loop_app.get("/v1/knowledge/drafts?status=maybe", headers=read)).status_code == 400
    assert (await loop_app.post("/v1/knowledge/drafts/nope/approve", headers=write)).status_code == 404
    gap = next(g for g in (await loop_app.get("/v1/knowledge/gaps", headers=read)).json()["gaps"] if g["kind"] == "missing")
    r = await loop_app.post(f"/v1/knowledge/drafts/{gap['draft_id']}/approve", json={"content": "no front matter"}, headers=write)
    assert r.status_code == 422 and "front-matter" in r.json()["detail"]
    r = await loop_app.post(f"/v1/knowledge/drafts/{gap['draft_id']}/approve", json={"content": "---\nid: Bad Id\n---\nbody"}, headers=write)
    assert r.status_code == 422 and "not valid" in r.json()["detail"]
    # nothing was written by the refused approvals
    drafts = (await loop_app.get("/v1/knowledge/drafts?status=draft", headers=read)).json()["drafts"]
    assert gap["draft_id"] in {d["id"] for d in drafts}


@pytest.mark.postgres
async def test_the_gap_loop_runs_on_postgres(pg_url: str, tmp_path: Any, app_factory: Any) -> None:
    settings = make_settings(tmp_path / "pgdata", storage={"database_url": pg_url})
    async with running(app_factory(settings, clock=Clock(NOW), intents=None)) as client:
        c = client.app.state.container
        assert c.engine.dialect.name == "postgresql"
        await c.knowledge.ingest_dir(KNOWLEDGE / "store")
        await seed(c, "acme", NOW - timedelta(days=10))
        read = await new_key(client, "acme", "knowledge:read,audit:read")
        write = await new_key(client, "acme", "knowledge:write")
        gaps = (await client.get("/v1/knowledge/gaps", headers=read)).json()["gaps"]
        assert {g["kind"] for g in gaps} == {"missing", "outdated"}
        hours = next(g for g in gaps if g["kind"] == "outdated")
        r = await client.post(f"/v1/knowledge/drafts/{hours['draft_id']}/approve", headers=write)
        assert r.status_code == 200, r.text
        assert r.json()["article_id"] == "store-dates-and-hours" and r.json()["version"] == 2
        audit = (await client.get("/v1/audit?endpoint=knowledge.drafts.approve", headers=read)).json()
        assert len(audit["records"] if isinstance(audit, dict) else audit) == 1


class CountingChat:
    model = "fake"

    def __init__(self) -> None:
        self.calls = 0

    async def complete(self, messages: Any, **kw: Any) -> Any:
        self.calls += 1
        return ChatResult("We offer gift wrapping for $4.99 per order. A handwritten card is included.", "fake", "stop", 1, 1, 1.0)


async def test_with_an_llm_drafts_are_written_by_it_once_per_change_of_signals(app_factory: Any) -> None:
    chat = CountingChat()
    async with running(app_factory(clock=Clock(NOW), intents=None, chat_model=chat)) as client:
        c = client.app.state.container
        await c.knowledge.ingest_dir(KNOWLEDGE / "store")
        await seed(c, "acme", NOW - timedelta(days=10))
        read = await new_key(client, "acme", "knowledge:read")
        await client.get("/v1/knowledge/gaps", headers=read)
        assert chat.calls == 2  # one per gap
        drafts = (await client.get("/v1/knowledge/drafts", headers=read)).json()["drafts"]
        gift = next(d for d in drafts if d["article_id"].startswith("gap-"))
        assert gift["engine"] == "llm" and "A handwritten card is included." in gift["content"]
        hours = next(d for d in drafts if d["article_id"] == "store-dates-and-hours")
        assert hours["engine"] == "extractive" and "not grounded" in hours["notes"][0]  # $4.99 is not what agents sent there
        await client.get("/v1/knowledge/gaps", headers=read)
        assert chat.calls == 2  # nothing new: the pending drafts are kept
        await record(c, "acme", NOW - timedelta(hours=1), {"type": "suggestion", "text": "can you gift wrap a hat?"})
        await client.get("/v1/knowledge/gaps", headers=read)
        assert chat.calls == 3  # only the gap with a new signal is rewritten
