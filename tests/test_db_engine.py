"""The SQLite engine: writers of one process take turns through one queue (no failure, no
lock left behind), and readers neither wait for nor hold up a writer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from service.adapters.sql.engine import make_engine, migrate, read_session_factory, session_factory
from service.adapters.sql.models import Tenant


@pytest.fixture
async def engine(tmp_path):
    eng = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    await migrate(eng)
    yield eng
    await eng.dispose()


def tenant(i: int) -> Tenant:
    return Tenant(id=f"t{i}", created_at=datetime.now(UTC), webhook_secret="s")


async def hold_the_write_lock(sessions, holding: asyncio.Event, release: asyncio.Event) -> None:
    """A write transaction that has written (so holds the lock) and stays open until released."""
    async with sessions.begin() as s:
        s.add(tenant(1))
        await s.flush()
        holding.set()
        await release.wait()


async def test_many_concurrent_writers_all_commit(engine):
    sessions = session_factory(engine)

    async def write(i: int) -> None:
        async with sessions.begin() as s:
            s.add(tenant(i))
            await asyncio.sleep(0)  # give the others a chance to try to write meanwhile

    await asyncio.wait_for(asyncio.gather(*(write(i) for i in range(50))), timeout=60)
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Tenant)) == 50


async def test_a_failed_write_transaction_frees_the_writer_lock(engine):
    sessions = session_factory(engine)
    with pytest.raises(RuntimeError):
        async with sessions.begin() as s:
            s.add(tenant(1))
            await s.flush()  # the write lock is held from here
            raise RuntimeError("the work failed")
    async with asyncio.timeout(10):  # a leaked lock would make this wait forever
        async with sessions.begin() as s:
            s.add(tenant(2))
    async with sessions() as s:
        assert [t.id for t in (await s.scalars(select(Tenant))).all()] == ["t2"]


async def test_a_reader_does_not_wait_for_a_writer_but_another_writer_does(engine):
    sessions, reads = session_factory(engine), read_session_factory(engine)
    async with sessions.begin() as s:
        s.add(tenant(0))
    holding, release = asyncio.Event(), asyncio.Event()

    async def second_writer() -> None:
        async with sessions.begin() as s:
            s.add(tenant(2))

    first = asyncio.create_task(hold_the_write_lock(sessions, holding, release))
    await holding.wait()
    async with asyncio.timeout(5):
        async with reads() as s:
            assert await s.scalar(select(func.count()).select_from(Tenant)) == 1  # committed data only
    second = asyncio.create_task(second_writer())
    await asyncio.sleep(0.3)
    assert not second.done(), "a second writer ran while the first held the write lock"
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), timeout=10)
    async with reads() as s:
        assert await s.scalar(select(func.count()).select_from(Tenant)) == 3


async def test_a_writer_that_waits_too_long_gets_a_database_locked_error_and_the_lock_survives(engine, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from service.adapters.sql import engine as engine_module

    monkeypatch.setattr(engine_module, "WRITER_WAIT_S", 0.2)
    sessions = session_factory(engine)
    holding, release = asyncio.Event(), asyncio.Event()

    first = asyncio.create_task(hold_the_write_lock(sessions, holding, release))
    await holding.wait()
    with pytest.raises(OperationalError, match="database is locked"):  # the API maps it to 503 + Retry-After
        async with sessions.begin() as s:
            s.add(tenant(2))
    release.set()
    await first
    async with asyncio.timeout(5):  # the timed-out waiter took nothing with it
        async with sessions.begin() as s:
            s.add(tenant(3))
