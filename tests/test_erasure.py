"""Issue 12, finding 7: erasing a customer removes or masks their personal data in every table.

The test plants distinctive values through the public API (history, handles, a summary,
suggestions and an all-in-one answer for the customer, edited feedback, a triage ticket), erases
the customer, then reads every row of every table and searches it for the planted values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import select

from service.triage.signatures import sign
from service.adapters.sql.models import Base
from service.privacy.erasure import erase_customer
from tests.conftest import KNOWLEDGE, make_settings, new_key, running
from tests.test_audit_api import storage  # noqa: F401 - SQLite, and PostgreSQL when marked

CUSTOMER = "cust-zq-9041"
FIRST = "Zanzibarina"
EMAIL = "zq.erase.me@example.com"
PHONE = "+1 415 555 0199"
CONVERSATION = "conv-zq-7731"
ORDER = "ORD-ZQ-55821"
PLANTED = [CUSTOMER, FIRST, EMAIL, "415 555 0199", "4155550199", CONVERSATION, ORDER]


async def every_row(container) -> list[tuple[str, str]]:
    out = []
    async with container.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                out.append((table.name, json.dumps([str(v) for v in row], ensure_ascii=False)))
    return out


def found(rows: list[tuple[str, str]]) -> dict[str, set[str]]:
    hits: dict[str, set[str]] = {}
    for table, text in rows:
        for value in PLANTED:
            if value.lower() in text.lower():
                hits.setdefault(table, set()).add(value)
    return hits


async def test_erasing_a_customer_leaves_none_of_their_data_in_any_table(storage, tmp_path: Path, app_factory):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE / "refunds", knowledge / "refunds")
    settings = make_settings(tmp_path / "data", storage=storage, content={"knowledge_dir": knowledge})
    async with running(app_factory(settings)) as c:
        container = c.app.state.container
        await container.knowledge.ingest_dir(knowledge)
        h = await new_key(c, "acme", "admin")
        other = await new_key(c, "globex", "admin")
        texts = [f"Hi, this is {FIRST}, my order {ORDER} never arrived; email me at {EMAIL} or call {PHONE}",
                 f"I want a refund for {ORDER}, {FIRST} here again"]
        items = [{"id": f"zq-{i}", "customer_id": CUSTOMER, "channel": "email", "author_role": "customer",
                  "ts": f"2026-11-0{i + 1}T10:00:00Z", "text": t, "thread_id": CONVERSATION, "metadata": {"email": EMAIL}}
                 for i, t in enumerate(texts)]
        assert (await c.post("/v1/interactions", json={"interactions": items}, headers=h)).status_code == 201
        keep = {**items[0], "id": "keep-1", "customer_id": "cust-keep", "text": "someone else's refund", "thread_id": None,
                "metadata": {}}
        assert (await c.post("/v1/interactions", json=keep, headers=h)).status_code == 201
        assert (await c.post("/v1/interactions", json={**items[0], "id": "g-1"}, headers=other)).status_code == 201
        r = await c.post("/v1/identities", json={"customer_id": CUSTOMER, "handles": [
            {"kind": "email", "value": EMAIL}, {"kind": "phone", "value": PHONE}]}, headers=h)
        assert r.status_code == 200, r.text
        assert (await c.post("/v1/summaries", json={"customer_id": CUSTOMER}, headers=h)).status_code == 200
        conv = {"channel": "email", "messages": [{"role": "customer", "text": texts[1]}], "use_llm": False,
                "customer": {"id": CUSTOMER, "first_name": FIRST, "order_id": ORDER}, "conversation_id": CONVERSATION}
        r = await c.post("/v1/suggestions", json=conv, headers=h)
        assert r.status_code == 200, r.text
        sid = r.json()["suggestions"][0]["id"]
        assert (await c.post("/v1/assist", json=conv, headers=h)).status_code == 200
        r = await c.post(f"/v1/suggestions/{sid}/feedback", json={
            "event": "edited", "sent_text": f"Dear {FIRST}, your refund for {ORDER} is on its way ({EMAIL})."}, headers=h)
        assert r.status_code == 201, r.text
        secret = await container.keys.webhook_secret("acme")
        ticket = json.dumps({"event_id": "evt-zq", "ticket": {
            "id": "T-zq", "subject": f"refund for {ORDER}", "messages": [{"role": "customer", "text": texts[1]}],
            "customer": {"id": CUSTOMER, "name": FIRST, "email": EMAIL}}}).encode()
        r = await c.post("/v1/hooks/triage", content=ticket,
                         headers={**h, "X-Assist-Signature": sign(secret, ticket), "content-type": "application/json"})
        assert r.status_code == 200, r.text

        before = found(await every_row(container))
        assert {"interactions", "customer_identities", "suggestions", "feedback", "audit_records"} <= set(before), before

        report = await erase_customer(container.sessions, container.audit, "acme", CUSTOMER, reference="DSR-7")
        assert report.interactions == 2 and report.identities == 2 and report.audit_records >= 3

        rows = await every_row(container)
        assert any(t == "interactions" and '"globex"' in text and EMAIL in text for t, text in rows)  # another tenant's data stays
        leftovers = found([(t, text) for t, text in rows if '"globex"' not in text])
        assert not leftovers, leftovers

        assert (await c.get(f"/v1/customers/{CUSTOMER}/interactions", headers=h)).status_code == 404
        assert (await c.get("/v1/identities/resolve", params={"kind": "email", "value": EMAIL}, headers=h)).status_code == 404
        assert (await c.get("/v1/customers/cust-keep/interactions", headers=h)).json()["count"] == 1
        assert (await c.get("/v1/audit/verify", headers=h)).json()["ok"] is True
