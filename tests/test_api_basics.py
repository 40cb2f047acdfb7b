"""The service's public surface: health, readiness, metrics, schema, keys and problem+json."""

from tests.conftest import new_key


async def test_health_ready_metrics_and_schema(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"model": True, "index": True, "database": True, "taxonomy": True}
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200 and "assist_http_requests_total" in metrics.text
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/v1/knowledge/search" in schema["paths"]


async def test_v1_needs_a_bearer_key(client):
    r = await client.post("/v1/knowledge/search", json={"query": "refund"})
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "Bearer" in r.json()["detail"]
    r = await client.post("/v1/knowledge/search", json={"query": "refund"}, headers={"Authorization": "Bearer aa_nothere12345_" + "x" * 30})
    assert r.status_code == 401


async def test_a_key_without_the_scope_is_forbidden(client):
    headers = await new_key(client, "acme", "intents:read")
    r = await client.post("/v1/knowledge/search", json={"query": "refund"}, headers=headers)
    assert r.status_code == 403
    assert "knowledge:read" in r.json()["detail"]


async def test_a_revoked_key_stops_working_at_once(client):
    container = client.app.state.container
    key, info = await container.keys.create("acme", "knowledge:read")
    headers = {"Authorization": f"Bearer {key}"}
    assert (await client.post("/v1/knowledge/search", json={"query": "refund"}, headers=headers)).status_code == 200
    await container.keys.revoke("acme", info.id)
    assert (await client.post("/v1/knowledge/search", json={"query": "refund"}, headers=headers)).status_code == 401


async def test_a_key_revoked_by_another_process_is_refused_at_once(client):
    # `assist keys revoke` opens its own engine on the same database: nothing in the server
    # (no cache) may keep accepting the key once that commits.
    from service.adapters.sql.engine import make_engine, session_factory
    from service.adapters.sql.keys_repo import SqlKeyRepo
    from service.tenancy.keys import KeyStore

    container = client.app.state.container
    key, info = await container.keys.create("acme", "knowledge:read")
    headers = {"Authorization": f"Bearer {key}"}
    for _ in range(2):
        assert (await client.post("/v1/knowledge/search", json={"query": "refund"}, headers=headers)).status_code == 200
    other = make_engine(container.settings.storage.effective_database_url)
    try:
        await KeyStore(SqlKeyRepo(session_factory(other))).revoke("acme", info.id)
    finally:
        await other.dispose()
    assert (await client.post("/v1/knowledge/search", json={"query": "refund"}, headers=headers)).status_code == 401


async def test_a_wrong_secret_for_a_real_key_id_is_refused(client):
    key, _ = await client.app.state.container.keys.create("acme", "knowledge:read")
    forged = key[: key.rindex("_") + 1] + "A" * 43
    r = await client.post("/v1/knowledge/search", json={"query": "refund"}, headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


async def test_keys_are_stored_only_as_hashes(client):
    from sqlalchemy import select

    from service.adapters.sql.models import ApiKey

    container = client.app.state.container
    key, info = await container.keys.create("acme", "admin")
    async with container.sessions() as s:
        row = (await s.scalars(select(ApiKey).where(ApiKey.id == info.id))).one()
    assert key not in row.key_hash and row.key_hash != key
    assert len(row.key_hash) == 64


async def test_every_response_carries_a_request_id(client):
    r = await client.get("/healthz", headers={"X-Request-Id": "req-123"})
    assert r.headers["x-request-id"] == "req-123"
    r = await client.get("/healthz")
    assert len(r.headers["x-request-id"]) == 32


async def test_unknown_scopes_and_bad_tenants_are_refused(client):
    import pytest

    from service.errors import InvalidInput

    keys = client.app.state.container.keys
    with pytest.raises(InvalidInput, match="unknown scope"):
        await keys.create("acme", "knowledge:read,everything")
    with pytest.raises(InvalidInput, match="tenant"):
        await keys.create("bad tenant!", "admin")
