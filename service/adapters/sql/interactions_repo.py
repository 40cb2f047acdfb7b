"""Customer history in SQL: interactions and identities, always scoped to one tenant.

Implements :class:`service.ports.InteractionRepository`; the rules (idempotent batches, one
customer per handle) are :mod:`service.history.interactions` and
:mod:`service.history.identities`, applied inside each transaction here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from service.adapters.sql.models import CustomerIdentity
from service.adapters.sql.models import Interaction as InteractionRow
from service.domain.interactions import Interaction, normalise_handle
from service.errors import Conflict
from service.history.identities import Handle, refuse_taken, wanted_handles
from service.history.interactions import WriteReport, split_batch

_CHUNK = 200
"""Ids per ``IN`` query (SQLite and PostgreSQL both cope; keeps statements small)."""


def _aware(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def from_row(row: InteractionRow) -> Interaction:
    return Interaction(
        id=row.id,
        customer_id=row.customer_id,
        channel=row.channel,
        direction=row.direction,
        author_role=row.author_role,
        ts=_aware(row.ts),
        text=row.text,
        thread_id=row.thread_id,
        kind=row.kind,
        meta=dict(row.meta or {}),
    )


class SqlInteractionRepo:
    """:class:`service.ports.InteractionRepository` over SQLAlchemy."""

    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions

    # -- interactions -----------------------------------------------------------------------------
    async def add(self, tenant_id: str, items: Sequence[Interaction]) -> WriteReport:
        """Insert the interactions that are new; identical re-sends are reported as duplicates."""
        try:
            return await self._add_once(tenant_id, items)
        except IntegrityError:
            # Another request inserted some of these ids between our read and our write: the
            # second pass sees them and classifies them as duplicates or conflicts.
            return await self._add_once(tenant_id, items)

    async def _add_once(self, tenant_id: str, items: Sequence[Interaction]) -> WriteReport:
        ids = [it.id for it in items]
        async with self.sessions() as session:
            existing: dict[str, Interaction] = {}
            for k in range(0, len(ids), _CHUNK):
                rows = await session.scalars(select(InteractionRow).where(
                    InteractionRow.tenant_id == tenant_id, InteractionRow.id.in_(ids[k:k + _CHUNK])))
                existing.update({r.id: from_row(r) for r in rows})
            new, report = split_batch(items, existing)
            now = datetime.now(UTC)
            session.add_all([
                InteractionRow(tenant_id=tenant_id, id=it.id, customer_id=it.customer_id, channel=it.channel,
                               direction=it.direction, author_role=it.author_role, ts=it.ts, text=it.text,
                               thread_id=it.thread_id, kind=it.kind, meta=dict(it.meta), created_at=now)
                for it in new
            ])
            await session.commit()
        return report

    async def history(self, tenant_id: str, customer_id: str, *, limit: int = 2000,
                      channel: str | None = None, before: datetime | None = None) -> list[Interaction]:
        """The newest ``limit`` interactions of a customer, returned oldest first."""
        q = select(InteractionRow).where(InteractionRow.tenant_id == tenant_id, InteractionRow.customer_id == customer_id)
        if channel:
            q = q.where(InteractionRow.channel == channel)
        if before is not None:
            q = q.where(InteractionRow.ts < before)
        q = q.order_by(InteractionRow.ts.desc(), InteractionRow.id.desc()).limit(limit)
        async with self.sessions() as session:
            rows = list(await session.scalars(q))
        rows.reverse()
        return [from_row(r) for r in rows]

    async def count(self, tenant_id: str, customer_id: str) -> int:
        async with self.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(InteractionRow).where(
                InteractionRow.tenant_id == tenant_id, InteractionRow.customer_id == customer_id)) or 0)

    async def customer_known(self, tenant_id: str, customer_id: str) -> bool:
        """True when the tenant has interactions or handles for this customer id."""
        async with self.sessions() as session:
            hit = await session.scalar(select(InteractionRow.id).where(
                InteractionRow.tenant_id == tenant_id, InteractionRow.customer_id == customer_id).limit(1))
            if hit is not None:
                return True
            hit = await session.scalar(select(CustomerIdentity.value).where(
                CustomerIdentity.tenant_id == tenant_id, CustomerIdentity.customer_id == customer_id).limit(1))
            return hit is not None

    # -- identities -------------------------------------------------------------------------------
    async def link(self, tenant_id: str, customer_id: str, handles: Iterable[tuple[str, str]]) -> list[Handle]:
        """Link handles to a customer. Already linked to the same customer: fine (idempotent);
        linked to another customer: :class:`Conflict`, and nothing is linked."""
        wanted = wanted_handles(handles)
        async with self.sessions() as session:
            rows = list(await session.scalars(select(CustomerIdentity).where(
                CustomerIdentity.tenant_id == tenant_id,
                tuple_(CustomerIdentity.kind, CustomerIdentity.value).in_(wanted))))
            refuse_taken([Handle(r.kind, r.value, r.customer_id) for r in rows], customer_id)
            have = {(r.kind, r.value) for r in rows}
            now = datetime.now(UTC)
            session.add_all([CustomerIdentity(tenant_id=tenant_id, kind=k, value=v, customer_id=customer_id, created_at=now)
                             for k, v in wanted if (k, v) not in have])
            try:
                await session.commit()
            except IntegrityError as exc:
                raise Conflict("a handle was linked by a concurrent request; retry") from exc
        return [Handle(k, v, customer_id) for k, v in wanted]

    async def resolve(self, tenant_id: str, kind: str, value: str) -> str | None:
        k, v = normalise_handle(kind, value)
        async with self.sessions() as session:
            return await session.scalar(select(CustomerIdentity.customer_id).where(
                CustomerIdentity.tenant_id == tenant_id, CustomerIdentity.kind == k, CustomerIdentity.value == v))

    async def resolve_many(self, tenant_id: str, handles: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        wanted = list(dict.fromkeys(handles))
        if not wanted:
            return {}
        async with self.sessions() as session:
            rows = await session.execute(select(CustomerIdentity.kind, CustomerIdentity.value, CustomerIdentity.customer_id)
                                         .where(CustomerIdentity.tenant_id == tenant_id,
                                                tuple_(CustomerIdentity.kind, CustomerIdentity.value).in_(wanted)))
            return {(k, v): c for k, v, c in rows}

    async def handles(self, tenant_id: str, customer_id: str) -> list[Handle]:
        async with self.sessions() as session:
            rows = await session.scalars(select(CustomerIdentity).where(
                and_(CustomerIdentity.tenant_id == tenant_id, CustomerIdentity.customer_id == customer_id))
                .order_by(CustomerIdentity.kind, CustomerIdentity.value))
            return [Handle(r.kind, r.value, r.customer_id) for r in rows]
