"""Customer history in the database: interactions and identities, always scoped to one tenant.

Writes are idempotent by interaction id: a retried batch inserts nothing twice, and an id sent
again with different content is a :class:`~service.errors.Conflict` (409) — nothing of that batch
is written. Identities link handles (e-mail, phone, social...) to one customer id; a handle
already linked to another customer is a conflict too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from service.domain.interactions import Interaction, normalise_handle
from service.adapters.sql.models import CustomerIdentity
from service.adapters.sql.models import Interaction as InteractionRow
from service.errors import Conflict

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


@dataclass
class WriteReport:
    inserted: list[str]
    duplicates: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"inserted": len(self.inserted), "duplicates": len(self.duplicates),
                "inserted_ids": self.inserted, "duplicate_ids": self.duplicates}


@dataclass
class Handle:
    kind: str
    value: str
    customer_id: str


class InteractionStore:
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
            conflicts = [it.id for it in items if it.id in existing and existing[it.id].content_key() != it.content_key()]
            if conflicts:
                raise Conflict(
                    f"{len(conflicts)} interaction id(s) were already recorded with different content: "
                    f"{', '.join(conflicts[:10])}; interaction ids are immutable, nothing of this batch was written",
                    errors=[{"key": "id", "message": f"{c!r} exists with different content"} for c in conflicts[:50]],
                )
            now = datetime.now(UTC)
            new = [it for it in items if it.id not in existing]
            session.add_all([
                InteractionRow(tenant_id=tenant_id, id=it.id, customer_id=it.customer_id, channel=it.channel,
                               direction=it.direction, author_role=it.author_role, ts=it.ts, text=it.text,
                               thread_id=it.thread_id, kind=it.kind, meta=dict(it.meta), created_at=now)
                for it in new
            ])
            await session.commit()
        return WriteReport(inserted=[it.id for it in new], duplicates=[it.id for it in items if it.id in existing])

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
        wanted = list(dict.fromkeys(normalise_handle(k, v) for k, v in handles))
        async with self.sessions() as session:
            rows = list(await session.scalars(select(CustomerIdentity).where(
                CustomerIdentity.tenant_id == tenant_id,
                tuple_(CustomerIdentity.kind, CustomerIdentity.value).in_(wanted))))
            taken = [r for r in rows if r.customer_id != customer_id]
            if taken:
                raise Conflict(
                    "handle(s) already linked to another customer: "
                    + ", ".join(f"{r.kind} {r.value!r}" for r in taken[:10])
                    + "; unlink them first or use that customer id",
                )
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
