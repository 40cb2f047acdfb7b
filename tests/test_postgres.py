"""The same service on PostgreSQL: migrations, keys, tenants, ingest state and search."""

import pytest
from tests.conftest import make_settings, new_key, running

pytestmark = pytest.mark.postgres


async def test_the_service_runs_on_postgres(pg_url, tmp_path, app_factory, knowledge_copy):
    settings = make_settings(tmp_path / "pgdata", storage={"database_url": pg_url}, content={"knowledge_dir": knowledge_copy})
    async with running(app_factory(settings)) as client:
        container = client.app.state.container
        assert container.engine.dialect.name == "postgresql"
        assert (await client.get("/readyz")).json()["checks"]["database"] is True
        report = await container.knowledge.ingest_dir(knowledge_copy)
        assert len(report.added) >= 40
        assert not (await container.knowledge.ingest_dir(knowledge_copy)).changed
        headers = await new_key(client, "acme", "knowledge:read")
        r = await client.post("/v1/knowledge/search", json={"query": "reset my two factor authentication"}, headers=headers)
        assert r.status_code == 200 and r.json()["hits"][0]["article_id"] == "account-reset-two-factor"
        key_id = headers["Authorization"].split("_")[1]
        await container.keys.revoke("acme", key_id)
        r = await client.post("/v1/knowledge/search", json={"query": "x"}, headers=headers)
        assert r.status_code == 401


async def test_migrations_are_safe_to_run_twice_on_postgres(pg_url):
    from sqlalchemy import inspect

    from service.adapters.sql.engine import make_engine, migrate

    engine = make_engine(pg_url)
    try:
        await migrate(engine)
        await migrate(engine)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {"api_keys", "tenants", "knowledge_documents", "audit_records", "interactions"} <= tables
    finally:
        await engine.dispose()


async def test_a_connection_idle_in_the_pool_past_the_limit_is_pinged_and_one_in_use_is_not(pg_url, monkeypatch):
    """No ``pool_pre_ping`` (issue 18): a connection back in use at once goes without a ping; one
    idle longer than PING_AFTER_IDLE_S is pinged first (a network may have dropped it silently),
    and replaced when the ping fails."""
    from sqlalchemy import text

    from service.adapters.sql import engine as engine_module

    engine = engine_module.make_engine(pg_url)
    pings: list[object] = []
    dialect = engine.sync_engine.dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn))
    try:
        for _ in range(3):
            async with engine.connect() as conn:
                assert (await conn.execute(text("SELECT 1"))).scalar() == 1
        assert pings == []
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 2"))).scalar() == 2
        assert len(pings) == 1
        from tests.test_faults import kill_backends_behind_the_loop

        assert kill_backends_behind_the_loop(pg_url.rsplit("/", 1)[1]) == 1  # the driver has not noticed yet
        async with engine.connect() as conn:  # the ping fails: a new connection is made
            assert (await conn.execute(text("SELECT 3"))).scalar() == 3
        assert len(pings) == 2
    finally:
        await engine.dispose()
