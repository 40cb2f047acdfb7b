"""The ``triage_events`` table behind the :class:`~service.ports.TriageEvents` port: the first
answer per (tenant, source, ticket id, event id), written in one transaction with its audit
record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.adapters.sql.models import TriageEvent


class AuditAppender(Protocol):
    """What the store needs of the audit trail: append a record in the caller's transaction."""

    async def append(self, session: AsyncSession, entry: Any) -> Any: ...


class SqlTriageStore:
    """The ``triage_events`` table: the first answer per (tenant, source, ticket, event).

    ``audit`` (the :class:`~service.audit.AuditTrail`) writes an answer's audit record in the
    answer's own transaction: both commit, or neither.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], audit: AuditAppender | None = None) -> None:
        self.sessions = sessions
        self.audit = audit

    async def get(self, key: tuple[str, ...]) -> tuple[dict[str, Any], str | None] | None:
        async with self.sessions() as session:
            row = await session.get(TriageEvent, key)
            return (dict(row.response), row.content_hash) if row is not None else None

    async def put(self, key: tuple[str, ...], response: dict[str, Any], fingerprint: str | None = None,
                  subjects: list[str] | None = None, audit: Any = None) -> tuple[dict[str, Any], str | None] | None:
        tenant, source, ticket_id, event_id = key
        try:
            async with self.sessions() as session, session.begin():
                session.add(TriageEvent(tenant_id=tenant, source=source, ticket_id=ticket_id, event_id=event_id,
                                        response=response, content_hash=fingerprint, created_at=datetime.now(UTC),
                                        subject_hashes=subjects or None))
                # A second delivery of the event fails here, before the tenant's audit chain is locked.
                await session.flush()
                if audit is not None and self.audit is not None:
                    await self.audit.append(session, audit)
        except IntegrityError:
            first = await self.get(key)
            if first is None:  # not a duplicate event: some other constraint
                raise
            return first
        return None
