"""A triage event and its audit record are one unit of work: stored together in the
``triage_events`` table and the audit trail, or not at all (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from service.adapters.sql.audit_repo import SqlAuditStore
from service.adapters.sql.engine import make_engine, migrate, session_factory
from service.adapters.sql.models import AuditRecord, TriageEvent
from service.adapters.sql.triage_repo import SqlTriageStore
from service.audit import AuditTrail
from service.triage.service import TriageService
from tests.test_triage import FakeIntents, SECRET, signed, ticket

KEY = ("acme", "generic", "T-100", "evt-1")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:  # noqa: ANN001
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'triage.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[Any]:
    engine = make_engine(db_url)
    await migrate(engine)
    yield session_factory(engine)
    await engine.dispose()


async def secrets(tenant: str) -> str | None:
    return SECRET if tenant == "acme" else None


class BrokenAudit:
    """An audit trail whose write fails inside the caller's transaction."""

    async def append(self, session: Any, entry: Any) -> Any:
        raise RuntimeError("the audit trail is down")


async def counts(sessions: Any) -> tuple[int, int]:
    async with sessions() as s:
        events = await s.scalar(select(func.count()).select_from(TriageEvent))
        records = await s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.endpoint == "hooks.triage"))
    return int(events or 0), int(records or 0)


async def test_when_the_audit_write_fails_no_triage_event_remains_and_a_retry_triages_afresh(sessions) -> None:
    failing = TriageService(FakeIntents(), SqlTriageStore(sessions, audit=BrokenAudit()), secrets)
    with pytest.raises(RuntimeError, match="audit trail is down"):
        await failing.handle("acme", "generic", *signed(ticket()), key_id="k-1")
    assert await failing.store.get(KEY) is None
    assert await counts(sessions) == (0, 0)

    intents = FakeIntents()
    working = TriageService(intents, SqlTriageStore(sessions, audit=AuditTrail(SqlAuditStore(sessions))), secrets)
    out = await working.handle("acme", "generic", *signed(ticket()), key_id="k-1")
    assert not out.replayed and intents.calls == 1  # not answered from a half-written first try
    assert await counts(sessions) == (1, 1)


async def test_a_triaged_event_is_stored_with_one_audit_record_and_a_replay_adds_none(sessions) -> None:
    trail = AuditTrail(SqlAuditStore(sessions))
    svc = TriageService(FakeIntents(), SqlTriageStore(sessions, audit=trail), secrets)
    first = await svc.handle("acme", "generic", *signed(ticket()), key_id="k-1")
    again = await svc.handle("acme", "generic", *signed(ticket()), key_id="k-1")
    assert again.replayed and again.response == first.response
    assert await counts(sessions) == (1, 1)
    async with sessions() as s:
        record = (await s.scalars(select(AuditRecord).where(AuditRecord.endpoint == "hooks.triage"))).one()
    assert (record.tenant_id, record.key_id) == ("acme", "k-1")
    assert record.input_redacted == {"source": "generic", "ticket_id": "T-100", "event_id": "evt-1"}
    assert record.output["intent"] == "return_stain" and record.params == {"taxonomy_version": "v-test"}
    assert (await trail.verify()).ok


async def test_a_second_delivery_racing_the_first_gets_the_first_answer_and_writes_no_audit_record(sessions) -> None:
    store = SqlTriageStore(sessions, audit=AuditTrail(SqlAuditStore(sessions)))
    assert await store.put(KEY, {"intent": "first"}, "fp", audit={"endpoint": "hooks.triage", "tenant_id": "acme"}) is None
    stored = await store.put(KEY, {"intent": "second"}, "fp", audit={"endpoint": "hooks.triage", "tenant_id": "acme"})
    assert stored == ({"intent": "first"}, "fp")
    assert await counts(sessions) == (1, 1)
