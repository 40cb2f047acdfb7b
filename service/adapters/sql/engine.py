"""The async SQLAlchemy engine (SQLite by default, PostgreSQL by URL) and Alembic migrations."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

try:
    from sqlalchemy.util import await_  # SQLAlchemy 2.1
except ImportError:  # pragma: no cover - 2.0
    from sqlalchemy.util import await_only as await_

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_MIGRATION_LOCK = 727_001


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An engine tuned for the backend: WAL and a busy timeout on SQLite, a pool on PostgreSQL."""
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    else:
        # LIFO: under light load the same few connections are reused (not idle past PING_AFTER_IDLE_S,
        # so not pinged), the rest stay idle.
        kwargs.update(pool_size=10, max_overflow=20, pool_use_lifo=True)
    engine = create_async_engine(url, **kwargs)
    if not url.startswith("sqlite"):
        _check_on_checkout(engine)
    if url.startswith("sqlite"):

        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        writer = _WRITERS[engine.sync_engine] = _WriterLock()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            if conn.get_execution_options().get(READ_ONLY):
                # WAL: a reader neither waits for the writer nor holds it up.
                conn.exec_driver_sql("BEGIN")
                return
            # Writers queue in this process for the one write lock (first come, first served,
            # woken the moment it is free), then take SQLite's at BEGIN, so concurrent writers
            # wait instead of failing with "database is locked" halfway through a transaction.
            # Another process holding it is waited for by SQLite's busy_timeout.
            writer.acquire(conn.info)
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                writer.release(conn.info)
                raise

        # The connection going back to the pool ends its transactions: the lock is free again.
        for name in ("checkin", "invalidate", "soft_invalidate", "detach"):
            event.listen(engine.sync_engine.pool, name, lambda _dbapi, record, *_: writer.release(record.info))

    return engine


PING_AFTER_IDLE_S = 10.0
"""A pooled PostgreSQL connection idle in the pool longer than this is pinged before it is used."""
_IDLE_SINCE = "assist_idle_since"


def _check_on_checkout(engine: AsyncEngine) -> None:
    """Pessimistic disconnect handling without a round trip per checkout (``pool_pre_ping`` costs
    three on asyncpg: BEGIN, a ping, ROLLBACK; issue 18). A connection the server closed (a restart,
    ``pg_terminate_backend``, an idle timeout) is seen closed by the driver once its end of the
    socket read the EOF, which costs nothing to ask; a connection idle longer than
    :data:`PING_AFTER_IDLE_S` (a network that dropped it without a word) is pinged, as before.
    Either failing invalidates the pool's older connections and a new one is handed out. A
    connection that dies in the moment between is a disconnect error of the statement, which the
    pool also turns into new connections; the reads every request makes retry once on it."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def _idle_since(_dbapi_conn: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _alive(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        driver = getattr(dbapi_conn, "driver_connection", None)
        if driver is not None and getattr(driver, "is_closed", lambda: False)():
            raise InvalidatePoolError("the server closed the connection")
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is not None and time.monotonic() - idle_since > PING_AFTER_IDLE_S:
            try:
                answered = dialect.do_ping(dbapi_conn)
            except Exception:  # a dead socket raises; either way the pool gets a new connection
                answered = False
            if not answered:
                raise InvalidatePoolError("the connection did not answer a ping")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Every SQLite connection: WAL, a busy timeout, foreign keys; BEGIN left to the engine's
    "begin" event (autocommit at the driver)."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


_WRITERS: weakref.WeakKeyDictionary[Engine, _WriterLock] = weakref.WeakKeyDictionary()
"""Each SQLite engine's in-process write lock (see :func:`writer_turn`)."""


def sync_twin(engine: AsyncEngine, *, read_only: bool = False) -> Engine | None:
    """A synchronous engine on the same SQLite file (the stdlib driver, the same pragmas), for
    work that is cheaper as one hand-off to a thread than as one event-loop round trip per
    statement (the audit group commit, the API key read of every request; issue 18). BEGIN
    IMMEDIATE at each transaction; hold :func:`writer_turn` around it. With ``read_only`` no
    transaction is begun: each statement reads on its own (WAL: never waits for a writer); never
    write through it. None for other backends and for in-memory databases."""
    if engine.dialect.name != "sqlite" or engine.sync_engine not in _WRITERS:
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    twin = create_engine(engine.url.set(drivername="sqlite"), connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(twin, "connect", _sqlite_pragmas)
    if not read_only:

        @event.listens_for(twin, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return twin


@asynccontextmanager
async def writer_turn(engine: AsyncEngine) -> AsyncIterator[None]:
    """This process's SQLite write lock, held for work done outside the engine's sessions (with
    :func:`sync_twin`), so it queues with the other writers of this process in arrival order."""
    writer = _WRITERS.get(engine.sync_engine)
    if writer is None:
        yield
        return
    lock = writer.lock()
    await _acquire(lock)
    try:
        yield
    finally:
        lock.release()


READ_ONLY = "assist_read_only"
WRITER_WAIT_S = 30.0
"""How long a writer waits for another writer of this process (as SQLite's busy_timeout)."""


class _WriterLock:
    """One SQLite writer at a time in this process, as an asyncio lock per event loop.

    SQLite's own busy handler polls with sleeps that grow to 100 ms, so under concurrent writes
    a waiting transaction can sleep long after the lock was freed, and who gets it next is luck.
    An asyncio lock hands it over in arrival order the moment it is released. The lock is held
    by a connection (re-entrant for its later transactions) until it returns to the pool."""

    KEY = "assist_writer_lock"

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    def lock(self) -> asyncio.Lock:
        """The lock of the running event loop."""
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def acquire(self, info: dict[str, Any]) -> None:
        if self.KEY in info:
            return
        loop = asyncio.get_running_loop()
        lock = self.lock()
        try:
            await_(_acquire(lock))
        except TimeoutError:
            from sqlalchemy.exc import OperationalError

            raise OperationalError("BEGIN IMMEDIATE", None, Exception("database is locked (waited for another writer)")) from None
        info[self.KEY] = (loop, lock)

    def release(self, info: dict[str, Any]) -> None:
        held = info.pop(self.KEY, None)
        if held is None:
            return
        loop, lock = held
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            lock.release()
        elif not loop.is_closed():  # returned from another thread (the garbage collector)
            loop.call_soon_threadsafe(lock.release)


async def _acquire(lock: asyncio.Lock) -> None:
    # asyncio.timeout cancels the wait itself, which Lock.acquire survives without taking the
    # lock (wait_for could, in a race, time out after the lock was granted and leak it).
    async with asyncio.timeout(WRITER_WAIT_S):
        await lock.acquire()


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def read_session_factory(engine: AsyncEngine) -> async_sessionmaker:
    """Sessions that only read: on SQLite they neither queue for the write lock nor hold it (so
    never write in one). On PostgreSQL they are ordinary sessions."""
    return async_sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _upgrade(sync_conn: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration; safe to run from several workers at once."""
    async with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text(f"SELECT pg_advisory_lock({_PG_MIGRATION_LOCK})"))
            try:
                await conn.run_sync(_upgrade)
                await conn.commit()
            finally:
                await conn.execute(text(f"SELECT pg_advisory_unlock({_PG_MIGRATION_LOCK})"))
                await conn.commit()
        else:
            await conn.run_sync(_upgrade)
            await conn.commit()


def run(coro: Any) -> Any:
    """Run a coroutine from synchronous CLI code."""
    return asyncio.run(coro)
