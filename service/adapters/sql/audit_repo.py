"""The audit trail's and feedback's tables over SQLAlchemy: :class:`SqlAuditStore` (records and
chain heads) and :class:`SqlFeedbackStore` (feedback on suggestions). The use cases are in
:mod:`service.audit`; they see the ports :class:`~service.ports.AuditStore` and
:class:`~service.ports.FeedbackStore`, and plain records (:class:`~service.audit.chain.ChainRecord`).

A unit of work (``uow``) is an ``AsyncSession`` in a transaction: :meth:`SqlAuditStore.within`
puts an audit record into the transaction another repository opened.

Chain heads are locked with ``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every write
transaction starts with ``BEGIN IMMEDIATE`` (see :mod:`service.adapters.sql.engine`), so seq
numbers never fork.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, inspect, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from service.adapters.sql.engine import sync_twin, writer_turn
from service.adapters.sql.models import AuditChainHead, AuditRecord, Feedback, Suggestion
from service.audit.chain import ERASED, ERASED_HASH, GENESIS, ChainHead, ChainRecord
from service.audit.entry import AuditQuery
from service.ports import FeedbackEvent, FeedbackFact, Linker, SuggestionRef

_RECORD_COLUMNS = tuple(c.key for c in inspect(AuditRecord).column_attrs)
_HEAD_COLUMNS = (AuditChainHead.tenant_id, AuditChainHead.last_seq, AuditChainHead.last_hash,
                 AuditChainHead.anchor_seq, AuditChainHead.anchor_hash)


def _select_records() -> Any:
    return select(*(getattr(AuditRecord, c) for c in _RECORD_COLUMNS))


def _record(row: Any) -> ChainRecord:
    return ChainRecord(**row._mapping)


def _head(row: Any) -> ChainHead:
    return ChainHead(row.tenant_id, int(row.last_seq), str(row.last_hash), int(row.anchor_seq), str(row.anchor_hash))


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row to insert with an audit record, as its table (an ORM class) and its column values:
    no ORM object is made only to be read back into values (issue 18)."""

    model: type
    values: dict[str, Any]


def _column_values(obj: Any) -> dict[str, Any]:
    """The column values set on an ORM object, for a bulk INSERT (unset ones take defaults)."""
    if isinstance(obj, TableRow):
        return obj.values
    state = vars(obj)
    return {a.key: state[a.key] for a in inspect(type(obj)).column_attrs if a.key in state}


def _insert_head(dialect: Any, tenant: str) -> Any:
    values = {"tenant_id": tenant, "last_seq": 0, "last_hash": GENESIS, "anchor_seq": 0, "anchor_hash": GENESIS}
    dialect_insert = pg_insert if dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(AuditChainHead).values(**values).on_conflict_do_nothing(index_elements=["tenant_id"])


def _tables(records: Sequence[ChainRecord], rows: Sequence[Any]) -> dict[type, list[dict[str, Any]]]:
    """What to insert, by table: the records first, then the rows pointing at them."""
    tables: dict[type, list[dict[str, Any]]] = {AuditRecord: [r.columns() for r in records]}
    for obj in rows:
        tables.setdefault(obj.model if isinstance(obj, TableRow) else type(obj), []).append(_column_values(obj))
    return {model: values for model, values in tables.items() if values}


def _move_head(tenant: str, last_seq: int, last_hash: str) -> Any:
    return update(AuditChainHead).where(AuditChainHead.tenant_id == tenant).values(last_seq=last_seq, last_hash=last_hash)


class SqlAuditTx:
    """The audit tables inside one transaction (an ``AsyncSession``)."""

    def __init__(self, session: AsyncSession) -> None:
        self.uow = session

    async def lock_head(self, tenant: str) -> ChainHead:
        session = self.uow
        stmt = select(*_HEAD_COLUMNS).where(AuditChainHead.tenant_id == tenant).with_for_update()
        found = (await session.execute(stmt)).first()
        if found is None:
            await session.execute(_insert_head(session.get_bind().dialect, tenant))
            found = (await session.execute(stmt)).one()
        return _head(found)

    async def add(self, records: Sequence[ChainRecord], rows: Sequence[Any] = ()) -> None:
        """The records first (in one INSERT), then the rows (ORM objects or :class:`TableRow`, by
        table) pointing at them."""
        for model, values in _tables(records, rows).items():
            await self.uow.execute(insert(model), values)

    async def move_head(self, tenant: str, last_seq: int, last_hash: str) -> None:
        await self.uow.execute(_move_head(tenant, last_seq, last_hash))

    async def move_anchor(self, tenant: str, anchor_seq: int, anchor_hash: str) -> None:
        await self.uow.execute(
            update(AuditChainHead).where(AuditChainHead.tenant_id == tenant).values(anchor_seq=anchor_seq, anchor_hash=anchor_hash)
        )

    async def first_seq_since(self, tenant: str, cutoff: datetime) -> int | None:
        return await self.uow.scalar(
            select(func.min(AuditRecord.seq)).where(AuditRecord.tenant_id == tenant, AuditRecord.created_at >= cutoff)
        )

    async def record_hash_at(self, tenant: str, seq: int) -> str | None:
        return await self.uow.scalar(
            select(AuditRecord.record_hash).where(AuditRecord.tenant_id == tenant, AuditRecord.seq == seq)
        )

    async def delete_through(self, tenant: str, seq: int) -> int:
        session = self.uow
        doomed = select(AuditRecord.id).where(AuditRecord.tenant_id == tenant, AuditRecord.seq <= seq)
        count = await session.scalar(select(func.count()).select_from(doomed.subquery()))
        await session.execute(delete(Feedback).where(Feedback.tenant_id == tenant, Feedback.audit_id.in_(doomed)))
        await session.execute(delete(Suggestion).where(Suggestion.tenant_id == tenant, Suggestion.audit_id.in_(doomed)))
        await session.execute(delete(AuditRecord).where(AuditRecord.tenant_id == tenant, AuditRecord.seq <= seq))
        return int(count or 0)

    async def seqs_of(self, tenant: str, customer_id: str, record_ids: Sequence[str] = ()) -> dict[str, int]:
        mine = AuditRecord.customer_id == customer_id
        extra = list(record_ids)
        rows = (await self.uow.execute(
            select(AuditRecord.id, AuditRecord.seq).where(AuditRecord.tenant_id == tenant, or_(mine, AuditRecord.id.in_(extra)) if extra else mine)
        )).all()
        return {r.id: int(r.seq) for r in rows}

    async def erase(self, tenant: str, record_ids: Sequence[str]) -> tuple[int, int]:
        session, ids = self.uow, list(record_ids)
        sugg = fb = 0
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            await session.execute(
                update(AuditRecord).where(AuditRecord.id.in_(part)).values(
                    customer_id=None, input_redacted=ERASED, input_hash=ERASED_HASH, output=ERASED, erased=True
                )
            )
            s = await session.execute(update(Suggestion).where(Suggestion.tenant_id == tenant, Suggestion.audit_id.in_(part)).values(text="[erased]", conversation_id=None))
            f = await session.execute(update(Feedback).where(Feedback.tenant_id == tenant, Feedback.audit_id.in_(part)).values(sent_text=None, reason=None))
            sugg += s.rowcount or 0
            fb += f.rowcount or 0
        return sugg, fb


class SqlAuditStore:
    """:class:`~service.ports.AuditStore` over the ``audit_records`` and ``audit_chain_heads`` tables."""

    def __init__(self, sessions: async_sessionmaker, engine: AsyncEngine | None = None) -> None:
        """``engine``: the sessions' engine; with it a group of records commits in one step
        (:meth:`commit_linked`)."""
        self.sessions = sessions
        self._engine = engine
        self._twin = sync_twin(engine) if engine is not None else None

    @property
    def one_step(self) -> bool:
        """Whether :meth:`commit_linked` is available (issue 18): on a SQLite file the group's
        statements run in one hand-off to a thread, not one event-loop round trip each; on
        PostgreSQL they run on one pooled connection as plain statements, without an ORM session."""
        return self._engine is not None

    async def commit_linked(self, tenants: Sequence[str], linker: Linker) -> None:
        """Lock the ``tenants``' heads, ``linker(heads)`` links the records, then insert them and
        their rows and move the heads: one transaction (SQLite: in a worker thread, under this
        process's write lock)."""
        if self._engine is None:
            raise RuntimeError("commit_linked needs the store's engine")
        if self._twin is None:
            await self._commit_pooled(sorted(tenants), linker)
            return
        async with writer_turn(self._engine):
            await asyncio.to_thread(self._commit_linked, list(tenants), linker)

    async def _commit_pooled(self, tenants: list[str], linker: Linker) -> None:
        """The group on a pooled connection (PostgreSQL). A connection the server had closed is
        found out by the first statement, before anything is written: then the transaction runs
        once more on a new connection (the pool replaces the dead ones)."""
        assert self._engine is not None
        for attempt in (1, 2):
            writing = False
            try:
                async with self._engine.begin() as conn:
                    heads: dict[str, ChainHead] = {}
                    for tenant in tenants:  # in tenant order: two workers' groups never wait in a cycle
                        stmt = select(*_HEAD_COLUMNS).where(AuditChainHead.tenant_id == tenant).with_for_update()
                        found = (await conn.execute(stmt)).first()
                        if found is None:
                            await conn.execute(_insert_head(conn.dialect, tenant))
                            found = (await conn.execute(stmt)).one()
                        heads[tenant] = _head(found)
                    writing = True
                    records, rows, moved = linker(heads)
                    for model, values in _tables(records, rows).items():
                        await conn.execute(insert(model), values)
                    for tenant, (seq, last_hash) in moved.items():
                        await conn.execute(_move_head(tenant, seq, last_hash))
                return
            except DBAPIError as exc:
                if writing or attempt == 2 or not exc.connection_invalidated:
                    raise

    def _commit_linked(self, tenants: list[str], linker: Linker) -> None:
        assert self._twin is not None
        with self._twin.begin() as conn:
            heads: dict[str, ChainHead] = {}
            for tenant in sorted(tenants):
                stmt = select(*_HEAD_COLUMNS).where(AuditChainHead.tenant_id == tenant)
                found = conn.execute(stmt).first()
                if found is None:
                    conn.execute(_insert_head(conn.dialect, tenant))
                    found = conn.execute(stmt).one()
                heads[tenant] = _head(found)
            records, rows, moved = linker(heads)
            for model, values in _tables(records, rows).items():
                conn.execute(insert(model), values)
            for tenant, (seq, last_hash) in moved.items():
                conn.execute(_move_head(tenant, seq, last_hash))

    def close(self) -> None:
        if self._twin is not None:
            self._twin.dispose()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlAuditTx]:
        async with self.sessions.begin() as session:
            yield SqlAuditTx(session)

    def within(self, uow: Any) -> SqlAuditTx:
        if not isinstance(uow, AsyncSession):
            raise TypeError(f"an audit record is appended in a SQL unit of work (an AsyncSession), not {type(uow).__name__}")
        return SqlAuditTx(uow)

    async def head(self, tenant: str) -> ChainHead | None:
        async with self.sessions() as session:
            found = (await session.execute(select(*_HEAD_COLUMNS).where(AuditChainHead.tenant_id == tenant))).first()
        return _head(found) if found is not None else None

    async def get(self, record_id: str) -> ChainRecord | None:
        async with self.sessions() as session:
            found = (await session.execute(_select_records().where(AuditRecord.id == record_id))).first()
        return _record(found) if found is not None else None

    async def page(self, tenant: str, q: AuditQuery, *, limit: int, before_seq: int | None) -> list[ChainRecord]:
        stmt = _select_records().where(AuditRecord.tenant_id == tenant)
        if q.since is not None:
            stmt = stmt.where(AuditRecord.created_at >= q.since)
        if q.until is not None:
            stmt = stmt.where(AuditRecord.created_at < q.until)
        if q.endpoint:
            stmt = stmt.where(AuditRecord.endpoint == q.endpoint)
        if q.customer_id:
            stmt = stmt.where(AuditRecord.customer_id == q.customer_id)
        if q.prompt:
            if "@" in q.prompt:
                stmt = stmt.where(AuditRecord.prompt == q.prompt)
            else:
                stmt = stmt.where(AuditRecord.prompt.like(q.prompt.replace("%", r"\%").replace("_", r"\_") + "@%", escape="\\"))
        if q.outcome:
            stmt = stmt.where(AuditRecord.outcome == q.outcome)
        if q.request_id:
            stmt = stmt.where(AuditRecord.request_id == q.request_id)
        if before_seq is not None:
            stmt = stmt.where(AuditRecord.seq < before_seq)
        stmt = stmt.order_by(AuditRecord.seq.desc()).limit(limit)
        async with self.sessions() as session:
            return [_record(r) for r in (await session.execute(stmt)).all()]

    async def tenants(self) -> list[str]:
        async with self.sessions() as session:
            heads = set((await session.scalars(select(AuditChainHead.tenant_id))).all())
            recs = set((await session.scalars(select(AuditRecord.tenant_id).distinct())).all())
        return sorted(heads | recs)

    async def rows(self, tenant: str, *, after_seq: int = 0, batch: int = 1000) -> AsyncIterator[ChainRecord]:
        """The tenant's records in chain order, read ``batch`` at a time (a short read each)."""
        last = after_seq
        while True:
            async with self.sessions() as session:
                rows = (await session.execute(
                    _select_records().where(AuditRecord.tenant_id == tenant, AuditRecord.seq > last).order_by(AuditRecord.seq).limit(batch)
                )).all()
            if not rows:
                return
            for row in rows:
                yield _record(row)
            last = rows[-1].seq


# ---- feedback -----------------------------------------------------------------------------------


def _suggestion(row: Suggestion) -> SuggestionRef:
    return SuggestionRef(id=row.id, tenant_id=row.tenant_id, audit_id=row.audit_id, prompt=row.prompt, intent=row.intent,
                         channel=row.channel, engine=row.engine, text=row.text)


def _event(row: Feedback) -> FeedbackEvent:
    return FeedbackEvent(id=row.id, tenant_id=row.tenant_id, suggestion_id=row.suggestion_id, audit_id=row.audit_id,
                         event=row.event, sent_text=row.sent_text, reason=row.reason, rating=row.rating,
                         edit_distance=row.edit_distance, created_at=row.created_at)


class SqlFeedbackTx:
    def __init__(self, session: AsyncSession) -> None:
        self.uow = session

    async def lock_suggestion(self, suggestion_id: str) -> SuggestionRef | None:
        """The suggestion, its row locked for the rest of the transaction (PostgreSQL; SQLite's
        writers are serialised)."""
        row = await self.uow.get(Suggestion, suggestion_id, with_for_update=True)
        return _suggestion(row) if row is not None else None

    async def decision(self, tenant: str, suggestion_id: str, events: Sequence[str]) -> FeedbackEvent | None:
        row = (await self.uow.scalars(
            select(Feedback).where(Feedback.tenant_id == tenant, Feedback.suggestion_id == suggestion_id,
                                   Feedback.event.in_(list(events))).order_by(Feedback.created_at).limit(1)
        )).first()
        return _event(row) if row is not None else None

    async def add(self, event: FeedbackEvent) -> None:
        self.uow.add(Feedback(
            id=event.id, tenant_id=event.tenant_id, suggestion_id=event.suggestion_id, audit_id=event.audit_id,
            event=event.event, sent_text=event.sent_text, reason=event.reason, rating=event.rating,
            edit_distance=event.edit_distance, created_at=event.created_at,
        ))


class SqlFeedbackStore:
    """:class:`~service.ports.FeedbackStore` over the ``suggestions`` and ``feedback`` tables."""

    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlFeedbackTx]:
        async with self.sessions.begin() as session:
            yield SqlFeedbackTx(session)

    async def facts(self, tenant: str, *, since: datetime | None = None, until: datetime | None = None) -> list[FeedbackFact]:
        stmt = (
            select(Suggestion.id, Suggestion.prompt, Suggestion.engine, Suggestion.intent,
                   Feedback.event, Feedback.edit_distance, Feedback.reason, Feedback.rating)
            .join(Feedback, Feedback.suggestion_id == Suggestion.id)
            .where(Suggestion.tenant_id == tenant, Feedback.tenant_id == tenant)
            .order_by(Feedback.created_at, Feedback.id)
        )
        if since is not None:
            stmt = stmt.where(Feedback.created_at >= since)
        if until is not None:
            stmt = stmt.where(Feedback.created_at < until)
        async with self.sessions() as session:
            return [
                FeedbackFact(suggestion_id=r.id, prompt=r.prompt, engine=r.engine, intent=r.intent, event=r.event,
                             edit_distance=r.edit_distance, reason=r.reason, rating=r.rating)
                for r in (await session.execute(stmt)).all()
            ]
