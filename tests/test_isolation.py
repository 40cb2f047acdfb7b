"""Tenant isolation and scopes on every /v1 route, enumerated from the app's own route table.

For each route: no key → 401, a bad key → 401, a key of the right tenant without the route's
scope → 403, and a key of *another* tenant with every scope (``admin``) never reads or changes
the first tenant's knowledge, interactions, identities, summaries, suggestions, audit records,
feedback or keys (404 or an answer without them). A new /v1 route fails
``test_every_v1_route_has_cross_tenant_coverage`` until a check is added to ``CROSS_TENANT``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from service.app import create_app
from service.tenancy.keys import SCOPES
from tests.conftest import make_settings, running
from tests.test_gaps import record as record_signal

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET = "quokkamint"
"""A word only tenant acme's data contains; it must never appear in an answer to globex."""
ACME_EMAIL = "acme.customer@example.com"
ACME_PHONE = "+1 415 555 0100"

ARTICLE = """---
id: {id}
title: Velvet cape warranty {n}
status: approved
version: 1
locale: en-US
channels: [chat, email, sms, voice, social]
tags: [warranty]
effective_from: 2025-01-01
review_by: 2030-12-31
---
# Velvet cape warranty {n}

Velvet capes carry a lifetime warranty {secret} against seam failure. The agent registers the
claim with the order id and sends a prepaid label.

## Suggested reply
Good news, {{first_name}}: your velvet cape is covered by our lifetime {secret} seam warranty. I will
register the claim and e-mail you a prepaid label.
"""
TOPIC = "my velvet cape seam split, is it covered by the warranty?"


def v1_routes(app: Any) -> list[tuple[str, str, str | None]]:
    """(method, path, scope) for every /v1 handler in the app's route table (auto OPTIONS skipped)."""
    out = set()
    for route in app.routes:
        if not route.path.startswith("/v1"):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods:
                if method in {"OPTIONS", "HEAD"}:
                    continue
                out.add((method, route.path, handler.opt.get("scope")))
    return sorted(out)


ROUTES = v1_routes(create_app(make_settings(Path("/nonexistent-isolation")), {"embedder": object(), "counter": object()}))


def concrete(path: str, values: dict[str, str] | None = None) -> str:
    """Fill path parameters (``{name:type}``) with harmless sample values."""
    import re

    return re.sub(r"\{(\w+):\w+\}", lambda m: (values or {}).get(m.group(1), "sample1"), path)


@dataclass
class World:
    client: Any
    acme: dict[str, str]
    globex: dict[str, str]
    acme_key_id: str = ""
    suggestion_id: str = ""
    record_id: str = ""
    seen: list[str] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)

    async def call(self, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
        r = await self.client.request(method, path, headers=headers, **kw)
        assert r.status_code < 500, (method, path, r.status_code, r.text)
        return r

    async def as_globex(self, method: str, path: str, **kw: Any) -> Any:
        """A call with the other tenant's admin key; its body must not contain acme's data."""
        r = await self.call(method, path, kw.pop("headers", self.globex), **kw)
        assert SECRET not in r.text, f"{method} {path} leaked acme's content: {r.text[:400]}"
        assert ACME_EMAIL not in r.text or ACME_EMAIL in json.dumps(kw.get("json") or kw.get("params") or {}), r.text[:400]
        return r


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory, real_embedder, counter):
    tmp = tmp_path_factory.mktemp("isolation")
    app = create_app(make_settings(tmp / "data"), {"embedder": real_embedder, "counter": counter})
    async with running(app) as client:
        keys = app.state.container.keys
        acme_key, acme_info = await keys.create("acme", "admin", name="acme-admin")
        globex_key, _ = await keys.create("globex", "admin", name="globex-admin")
        w = World(client, {"Authorization": f"Bearer {acme_key}"}, {"Authorization": f"Bearer {globex_key}"}, acme_key_id=acme_info.id)
        for n in (1, 2):
            r = await w.call("POST", "/v1/knowledge/articles", w.acme, json={"content": ARTICLE.format(id=f"acme-private-{n}", n=n, secret=SECRET)})
            assert r.status_code == 200, r.text
        interaction = {
            "id": "acme-int-1", "customer_id": "cust-acme-1", "channel": "email", "author_role": "customer",
            "ts": "2025-06-01T10:00:00Z", "text": f"My velvet cape {SECRET} split at the seam. Write to {ACME_EMAIL}.",
        }
        assert (await w.call("POST", "/v1/interactions", w.acme, json=interaction)).status_code == 201
        r = await w.call("POST", "/v1/identities", w.acme, json={"customer_id": "cust-acme-1", "handles": [
            {"kind": "email", "value": ACME_EMAIL}, {"kind": "phone", "value": ACME_PHONE}]})
        assert r.status_code == 200, r.text
        r = await w.call("POST", "/v1/suggestions", w.acme, json={"channel": "chat", "messages": [{"role": "customer", "text": TOPIC}]})
        assert r.status_code == 200, r.text
        suggestions = r.json()["suggestions"]
        assert suggestions and SECRET in suggestions[0]["text"], "acme's own private article must ground its suggestions"
        w.suggestion_id = suggestions[0]["id"]
        paths = {p for _, p, _ in ROUTES}
        if "/v1/suggestions/{suggestion_id:str}/feedback" in paths:
            r = await w.call("POST", f"/v1/suggestions/{w.suggestion_id}/feedback", w.acme, json={"event": "accepted", "rating": 5})
            assert r.status_code == 201, r.text
        if "/v1/audit" in paths:
            r = await w.call("GET", "/v1/audit", w.acme)
            w.record_id = r.json()["records"][0]["id"]
        yield w


async def acme_still_has(w: World, article_id: str) -> None:
    r = await w.call("GET", "/v1/knowledge/articles", w.acme)
    assert article_id in {d["article_id"] for d in r.json()}


async def acme_key_works(w: World) -> None:
    assert (await w.call("GET", "/v1/keys", w.acme)).status_code == 200


# -- the cross-tenant check of each route: globex (admin) against acme's resources ----------------
Check = Callable[[World], Awaitable[None]]


async def search(w: World) -> None:
    r = await w.as_globex("POST", "/v1/knowledge/search", json={"query": "velvet cape seam warranty", "top_k": 50})
    assert r.status_code == 200
    # acme-private-2 may exist as globex's own article (put_article); it must then be globex's text
    assert not any(h["article_id"] == "acme-private-1" or (h["article_id"].startswith("acme-") and "globexword" not in h["text"]) for h in r.json()["hits"])


async def list_articles(w: World) -> None:
    r = await w.as_globex("GET", "/v1/knowledge/articles")
    assert r.status_code == 200 and "acme-private-1" not in {d["article_id"] for d in r.json()}


async def put_article(w: World) -> None:
    body = ARTICLE.format(id="acme-private-2", n="globex", secret="globexword")
    r = await w.as_globex("POST", "/v1/knowledge/articles", json={"content": body})
    assert r.status_code == 200  # globex's own article of the same id, not acme's
    r = await w.call("POST", "/v1/knowledge/search", w.acme, json={"query": "velvet cape seam warranty", "top_k": 50})
    mine = [h for h in r.json()["hits"] if h["article_id"] == "acme-private-2"]
    assert mine and all(SECRET in h["text"] and "globexword" not in h["text"] for h in mine)


async def delete_article(w: World) -> None:
    r = await w.as_globex("DELETE", "/v1/knowledge/articles/acme-private-1")
    assert r.status_code == 404
    await acme_still_has(w, "acme-private-1")


async def ingest_shared(w: World) -> None:
    # Shared knowledge is every tenant's: a tenant's admin key may not change it (issue 12) ...
    for body in ({}, {"directory": "billing"}, {"directory": "/etc"}):
        r = await w.as_globex("POST", "/v1/knowledge/ingest", json=body)
        assert r.status_code == 403, r.text
    # ... an operator key may, and that never touches a tenant's own articles.
    operator, _ = await w.client.app.state.container.keys.create("ops", "operator")
    op = {"Authorization": f"Bearer {operator}"}
    assert (await w.call("POST", "/v1/knowledge/ingest", op, json={})).status_code == 200
    await acme_still_has(w, "acme-private-1")
    r = await w.call("POST", "/v1/knowledge/ingest", op, json={"directory": "/etc"})
    assert r.status_code == 422, "no server directory outside the knowledge dir"


async def history(w: World) -> None:
    assert (await w.as_globex("GET", "/v1/customers/cust-acme-1/interactions")).status_code == 404


async def identities(w: World) -> None:
    assert (await w.as_globex("GET", "/v1/customers/cust-acme-1/identities")).status_code == 404


async def resolve(w: World) -> None:
    r = await w.as_globex("GET", "/v1/identities/resolve", params={"kind": "phone", "value": ACME_PHONE})
    assert r.status_code == 404


async def link(w: World) -> None:
    # The same handle linked to another customer in globex: no 409 (that would reveal acme's link).
    r = await w.as_globex("POST", "/v1/identities", json={"customer_id": "globex-c1", "handles": [{"kind": "email", "value": ACME_EMAIL}]})
    assert r.status_code == 200, r.text
    r = await w.call("GET", "/v1/identities/resolve", w.acme, params={"kind": "email", "value": ACME_EMAIL})
    assert r.json() == {"customer_id": "cust-acme-1"}


async def record_interactions(w: World) -> None:
    # acme's interaction id with other content: no 409 (it is another tenant's id space), no change.
    other = {"id": "acme-int-1", "customer_id": "globex-cust", "channel": "chat", "author_role": "customer",
             "ts": "2025-06-02T10:00:00Z", "text": "globex text"}
    r = await w.as_globex("POST", "/v1/interactions", json=other)
    assert r.status_code == 201, r.text
    r = await w.call("GET", "/v1/customers/cust-acme-1/interactions", w.acme)
    assert [i["text"] for i in r.json()["interactions"]] == [f"My velvet cape {SECRET} split at the seam. Write to {ACME_EMAIL}."]


async def merge_customers(w: World) -> None:
    # globex cannot move acme's customer: to globex it does not exist (404), and acme's story stays.
    r = await w.as_globex("POST", "/v1/customers/merge", json={"from": "cust-acme-1", "into": "globex-c9"})
    assert r.status_code == 404, r.text
    r = await w.call("GET", "/v1/customers/cust-acme-1/interactions", w.acme)
    assert r.status_code == 200 and r.json()["count"] >= 1


async def summaries(w: World) -> None:
    r = await w.as_globex("POST", "/v1/summaries", json={"customer_id": "cust-acme-1"})
    assert r.status_code == 404 or "acme-int-1" not in r.text
    r = await w.as_globex("POST", "/v1/summaries", json={"handle": {"kind": "phone", "value": ACME_PHONE}})
    assert r.status_code in (404, 422)


async def suggestions(w: World) -> None:
    r = await w.as_globex("POST", "/v1/suggestions", json={"channel": "chat", "messages": [{"role": "customer", "text": TOPIC}]})
    assert r.status_code == 200
    assert not any(c["article_id"] == "acme-private-1" for s in r.json()["suggestions"] for c in s["citations"])


async def suggestions_stream(w: World) -> None:
    r = await w.as_globex("POST", "/v1/suggestions/stream", json={"channel": "chat", "messages": [{"role": "customer", "text": TOPIC}]})
    assert r.status_code == 200 and "acme-private-1" not in r.text


async def assist(w: World) -> None:
    r = await w.as_globex("POST", "/v1/assist", json={"channel": "chat", "messages": [{"role": "customer", "text": TOPIC}]})
    assert r.status_code == 200 and "acme-private-1" not in r.text


async def audit_list(w: World) -> None:
    r = await w.as_globex("GET", "/v1/audit", params={"limit": 500})
    assert r.status_code == 200
    assert all(rec["tenant_id"] == "globex" for rec in r.json()["records"]) and w.record_id not in r.text


async def audit_record(w: World) -> None:
    assert (await w.as_globex("GET", f"/v1/audit/records/{w.record_id}")).status_code == 404


async def audit_verify(w: World) -> None:
    r = await w.as_globex("GET", "/v1/audit/verify")
    assert r.status_code == 200 and set(r.json()["tenants"]) <= {"globex"}


async def feedback_report(w: World) -> None:
    r = await w.as_globex("GET", "/v1/feedback/report")
    assert r.status_code == 200 and w.suggestion_id not in r.text
    assert '"accepted": 1' not in json.dumps(r.json()), "globex's report counts acme's feedback"


async def feedback(w: World) -> None:
    r = await w.as_globex("POST", f"/v1/suggestions/{w.suggestion_id}/feedback", json={"event": "rejected", "reason": "x"})
    assert r.status_code == 404


async def list_keys(w: World) -> None:
    r = await w.as_globex("GET", "/v1/keys")
    assert r.status_code == 200 and w.acme_key_id not in r.text


async def revoke_key(w: World) -> None:
    assert (await w.as_globex("POST", f"/v1/keys/{w.acme_key_id}/revoke")).status_code == 404
    await acme_key_works(w)


async def rotate_key(w: World) -> None:
    r = await w.as_globex("POST", f"/v1/keys/{w.acme_key_id}/rotate")
    assert r.status_code == 404 and "key" not in (r.json() if r.headers["content-type"].endswith("json") else {})
    await acme_key_works(w)


async def classify(w: World) -> None:
    # Stateless: the taxonomy is the service's, not a tenant's; only refusals are checked above.
    r = await w.as_globex("POST", "/v1/intents/classify", json={"text": TOPIC})
    assert r.status_code in (200, 503)


async def taxonomy(w: World) -> None:
    # The taxonomy is the service's (ASSIST_INTENTS_FILE), the same for every tenant.
    r = await w.as_globex("GET", "/v1/intents")
    assert r.status_code == 200


async def reload_taxonomy(w: World) -> None:
    # Re-reads the operator's file, shared by every tenant: a tenant's admin key may not (issue 12).
    r = await w.as_globex("POST", "/v1/intents/reload")
    assert r.status_code == 403, r.text


async def _triage_signed_with_acmes_secret(w: World, path: str, zendesk: bool) -> None:
    from service.triage.signatures import sign, sign_zendesk

    secret = await w.client.app.state.container.keys.webhook_secret("acme")
    body = json.dumps({"ticket_id": "T-1", "subject": "refund", "description": TOPIC}).encode()
    if zendesk:
        from datetime import UTC, datetime

        ts = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        sig = {"X-Zendesk-Webhook-Signature": sign_zendesk(secret, body, ts), "X-Zendesk-Webhook-Signature-Timestamp": ts}
    else:
        sig = {"X-Assist-Signature": sign(secret, body)}
    r = await w.as_globex("POST", path, content=body, headers={**w.globex, **sig, "content-type": "application/json"})
    assert r.status_code == 401, "globex's key with acme's webhook signature must be refused"
    own = await w.client.app.state.container.keys.webhook_secret("globex")
    if zendesk:
        sig = {"X-Zendesk-Webhook-Signature": sign_zendesk(own, body, ts), "X-Zendesk-Webhook-Signature-Timestamp": ts}
    else:
        sig = {"X-Assist-Signature": sign(own, body)}
    r = await w.as_globex("POST", path, content=body, headers={**w.globex, **sig, "content-type": "application/json"})
    assert r.status_code != 401, "the same request signed with globex's own secret passes the signature check"


async def triage(w: World) -> None:
    await _triage_signed_with_acmes_secret(w, "/v1/hooks/triage", zendesk=False)


async def triage_zendesk(w: World) -> None:
    await _triage_signed_with_acmes_secret(w, "/v1/hooks/triage/zendesk", zendesk=True)


GAP_PERIOD = {"since": "2026-11-01T00:00:00Z", "until": "2026-11-15T12:00:00Z"}


async def acme_gaps(w: World) -> list[dict[str, Any]]:
    """Acme's knowledge gaps (issue 19), from signals recorded at pinned times in GAP_PERIOD."""
    if not w.gaps:
        c = w.client.app.state.container
        trail = c.audit
        clock = trail.clock
        try:
            for i in range(5):
                await record_signal(c, "acme", datetime(2026, 11, 5, tzinfo=UTC) + timedelta(hours=i),
                                    {"type": "suggestion", "text": f"do you sell {SECRET} velvet gloves? ({i})"})
        finally:
            trail.clock = clock
        r = await w.call("GET", "/v1/knowledge/gaps", w.acme, params=GAP_PERIOD)
        w.gaps = r.json()["gaps"]
        assert w.gaps and w.gaps[0]["draft_id"] and SECRET in r.text
    return w.gaps


async def list_gaps(w: World) -> None:
    await acme_gaps(w)
    r = await w.as_globex("GET", "/v1/knowledge/gaps", params=GAP_PERIOD)
    assert r.status_code == 200 and r.json()["gaps"] == []


async def list_drafts(w: World) -> None:
    await acme_gaps(w)
    r = await w.as_globex("GET", "/v1/knowledge/drafts")
    assert r.status_code == 200 and r.json()["drafts"] == []


async def approve_draft(w: World) -> None:
    draft_id = (await acme_gaps(w))[0]["draft_id"]
    assert (await w.as_globex("POST", f"/v1/knowledge/drafts/{draft_id}/approve")).status_code == 404
    r = await w.call("GET", "/v1/knowledge/drafts", w.acme, params={"status": "draft"})
    assert draft_id in {d["id"] for d in r.json()["drafts"]}


async def reject_draft(w: World) -> None:
    draft_id = (await acme_gaps(w))[0]["draft_id"]
    assert (await w.as_globex("POST", f"/v1/knowledge/drafts/{draft_id}/reject", json={"reason": "spam"})).status_code == 404
    r = await w.call("GET", "/v1/knowledge/drafts", w.acme, params={"status": "draft"})
    assert draft_id in {d["id"] for d in r.json()["drafts"]}


CROSS_TENANT: dict[tuple[str, str], Check] = {
    ("GET", "/v1/knowledge/gaps"): list_gaps,  # issue 19
    ("GET", "/v1/knowledge/drafts"): list_drafts,  # issue 19
    ("POST", "/v1/knowledge/drafts/{draft_id:str}/approve"): approve_draft,  # issue 19
    ("POST", "/v1/knowledge/drafts/{draft_id:str}/reject"): reject_draft,  # issue 19
    ("GET", "/v1/intents"): taxonomy,
    ("POST", "/v1/intents/reload"): reload_taxonomy,
    ("POST", "/v1/hooks/triage"): triage,
    ("POST", "/v1/hooks/triage/zendesk"): triage_zendesk,
    ("POST", "/v1/knowledge/search"): search,
    ("GET", "/v1/knowledge/articles"): list_articles,
    ("POST", "/v1/knowledge/articles"): put_article,
    ("DELETE", "/v1/knowledge/articles/{article_id:str}"): delete_article,
    ("POST", "/v1/knowledge/ingest"): ingest_shared,
    ("GET", "/v1/customers/{customer_id:str}/interactions"): history,
    ("GET", "/v1/customers/{customer_id:str}/identities"): identities,
    ("GET", "/v1/identities/resolve"): resolve,
    ("POST", "/v1/identities"): link,
    ("POST", "/v1/interactions"): record_interactions,
    ("POST", "/v1/customers/merge"): merge_customers,  # issue 14
    ("POST", "/v1/summaries"): summaries,
    ("POST", "/v1/suggestions"): suggestions,
    ("POST", "/v1/suggestions/stream"): suggestions_stream,
    ("POST", "/v1/assist"): assist,
    ("GET", "/v1/audit"): audit_list,
    ("GET", "/v1/audit/records/{record_id:str}"): audit_record,
    ("GET", "/v1/audit/verify"): audit_verify,
    ("GET", "/v1/feedback/report"): feedback_report,
    ("POST", "/v1/suggestions/{suggestion_id:str}/feedback"): feedback,
    ("GET", "/v1/keys"): list_keys,
    ("POST", "/v1/keys/{key_id:str}/revoke"): revoke_key,
    ("POST", "/v1/keys/{key_id:str}/rotate"): rotate_key,
    ("POST", "/v1/intents/classify"): classify,
}


async def test_every_v1_route_has_cross_tenant_coverage():
    missing = [f"{m} {p}" for m, p, _ in ROUTES if (m, p) not in CROSS_TENANT]
    assert not missing, "routes without a cross-tenant check in tests/test_isolation.py CROSS_TENANT: " + ", ".join(missing)


async def test_every_v1_route_declares_a_known_scope():
    assert not [(m, p) for m, p, s in ROUTES if s not in SCOPES]


ROUTE_IDS = [f"{m} {p}" for m, p, _ in ROUTES]


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES, ids=ROUTE_IDS)
async def test_no_key_or_a_bad_key_is_401(world, method, path, scope):
    url = concrete(path)
    for headers in ({}, {"Authorization": "Bearer aa_000000000000_notarealkeynotarealkey"}, {"Authorization": "Basic Zm9vOmJhcg=="}):
        r = await world.client.request(method, url, headers=headers, json={})
        assert r.status_code == 401, (headers, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES, ids=ROUTE_IDS)
async def test_a_key_without_the_route_scope_is_403(world, method, path, scope):
    others = [s for s in SCOPES if s not in {scope, "admin"}]
    key, _ = await world.client.app.state.container.keys.create("acme", others)
    r = await world.client.request(method, concrete(path), headers={"Authorization": f"Bearer {key}"}, json={})
    assert r.status_code == 403, r.text


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES, ids=ROUTE_IDS)
async def test_another_tenants_key_never_reaches_the_data(world, method, path, scope):
    check = CROSS_TENANT.get((method, path))
    if check is None:
        pytest.fail(f"no cross-tenant check for {method} {path}: add one to CROSS_TENANT")
    await check(world)


async def test_keys_are_listed_rotated_and_revoked_with_immediate_effect(world):
    c = world.client
    admin, _ = await c.app.state.container.keys.create("acme", "keys:admin,knowledge:read")
    admin_h = {"Authorization": f"Bearer {admin}"}
    reader, info = await c.app.state.container.keys.create("acme", "knowledge:read", name="reader")
    reader_h = {"Authorization": f"Bearer {reader}"}
    listed = (await c.get("/v1/keys", headers=admin_h)).json()
    row = next(k for k in listed if k["id"] == info.id)
    assert row == {**row, "scopes": ["knowledge:read"], "name": "reader", "active": True, "revoked_at": None}
    assert reader not in json.dumps(listed) and all("hash" not in k for k in listed)

    r = await c.post(f"/v1/keys/{info.id}/rotate", headers=admin_h)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["replaces"] == info.id and new["scopes"] == ["knowledge:read"] and new["key"].startswith(f"aa_{new['id']}_")
    assert (await c.post("/v1/knowledge/search", json={"query": "refund"}, headers=reader_h)).status_code == 401
    new_h = {"Authorization": f"Bearer {new['key']}"}
    assert (await c.post("/v1/knowledge/search", json={"query": "refund"}, headers=new_h)).status_code == 200

    r = await c.post(f"/v1/keys/{new['id']}/revoke", headers=admin_h)
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["revoked_at"]
    assert (await c.post("/v1/knowledge/search", json={"query": "refund"}, headers=new_h)).status_code == 401
    assert (await c.post(f"/v1/keys/{new['id']}/revoke", headers=admin_h)).status_code == 200  # idempotent
    assert (await c.post("/v1/keys/nosuchkey000/revoke", headers=admin_h)).status_code == 404


async def test_a_key_admin_cannot_mint_a_key_with_more_scopes_than_its_own(world):
    c = world.client
    keys = c.app.state.container.keys
    key_admin, _ = await keys.create("acme", "keys:admin")
    _, full = await keys.create("acme", "admin")
    r = await c.post(f"/v1/keys/{full.id}/rotate", headers={"Authorization": f"Bearer {key_admin}"})
    assert r.status_code == 403
    assert next(k for k in await keys.list("acme") if k.id == full.id).revoked_at is None
