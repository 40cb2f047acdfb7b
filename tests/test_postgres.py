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
