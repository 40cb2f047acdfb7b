"""Database side of continuity: per-tenant help-desk settings, identity merges, and the
conversation state each suggestion answered (for stale drafts). Always scoped to one tenant."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from service.adapters.sql.models import CustomerIdentity, HelpdeskSettings, SuggestionState
from service.adapters.sql.models import Interaction as InteractionRow

_CHUNK = 200


def _aware(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


@dataclass(frozen=True)
class TenantHelpdesk:
    tenant_id: str
    record_default: bool = False
    chatwoot_url_secret: str | None = None
    chatwoot_signing_secret: str | None = None
    chatwoot_base_url: str | None = None
    chatwoot_account_id: int | None = None
    chatwoot_token_enc: str | None = None
    chatwoot_writeback: bool = False


@dataclass(frozen=True)
class MergeReport:
    interactions: int
    handles: int
    suggestion_states: int


class ContinuityRepo:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions

    # -- settings ---------------------------------------------------------------------------------
    async def settings(self, tenant_id: str) -> TenantHelpdesk:
        async with self.sessions() as session:
            row = await session.get(HelpdeskSettings, tenant_id)
        if row is None:
            return TenantHelpdesk(tenant_id)
        return TenantHelpdesk(
            tenant_id, bool(row.record_default), row.chatwoot_url_secret, row.chatwoot_signing_secret,
            row.chatwoot_base_url, row.chatwoot_account_id, row.chatwoot_token_enc, bool(row.chatwoot_writeback),
        )

    async def update_settings(self, tenant_id: str, now: datetime, **values: Any) -> TenantHelpdesk:
        async with self.sessions.begin() as session:
            row = await session.get(HelpdeskSettings, tenant_id)
            if row is None:
                row = HelpdeskSettings(tenant_id=tenant_id, record_default=False, chatwoot_writeback=False, updated_at=now)
                session.add(row)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
        return await self.settings(tenant_id)

    # -- interactions -----------------------------------------------------------------------------
    async def history_version(self, tenant_id: str, customer_id: str) -> tuple[Any, ...]:
        """What changes whenever the customer's stored history does (rows added, moved by a merge,
        deleted by an erasure, in this process or another): the number of interactions, their
        newest time, the newest time one was written, and the number of linked handles."""
        async with self.sessions() as session:
            n, newest, written = (await session.execute(
                select(func.count(), func.max(InteractionRow.ts), func.max(InteractionRow.created_at)).where(
                    InteractionRow.tenant_id == tenant_id, InteractionRow.customer_id == customer_id))).one()
            handles = await session.scalar(select(func.count()).select_from(CustomerIdentity).where(
                CustomerIdentity.tenant_id == tenant_id, CustomerIdentity.customer_id == customer_id))
        return int(n or 0), newest and _aware(newest), written and _aware(written), int(handles or 0)

    async def existing_ids(self, tenant_id: str, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        async with self.sessions() as session:
            for k in range(0, len(ids), _CHUNK):
                rows = await session.scalars(select(InteractionRow.id).where(
                    InteractionRow.tenant_id == tenant_id, InteractionRow.id.in_(list(ids[k:k + _CHUNK]))))
                found.update(rows)
        return found

    async def latest_customer_message(self, tenant_id: str, *, customer_id: str | None,
                                      thread_id: str | None) -> tuple[str, datetime] | None:
        """The newest stored customer message of this conversation (or, without one, customer)."""
        q = select(InteractionRow.id, InteractionRow.ts).where(
            InteractionRow.tenant_id == tenant_id, InteractionRow.author_role == "customer",
            InteractionRow.kind == "message")
        if thread_id:
            q = q.where(InteractionRow.thread_id == thread_id)
        elif customer_id:
            q = q.where(InteractionRow.customer_id == customer_id)
        else:
            return None
        async with self.sessions() as session:
            row = (await session.execute(q.order_by(InteractionRow.ts.desc(), InteractionRow.id.desc()).limit(1))).first()
        return (row[0], _aware(row[1])) if row else None

    # -- identity merge ---------------------------------------------------------------------------
    async def merge(self, tenant_id: str, source: str, target: str) -> MergeReport:
        """Move everything of customer ``source`` to ``target`` in one transaction."""
        async with self.sessions.begin() as session:
            moved = await session.execute(update(InteractionRow).where(
                InteractionRow.tenant_id == tenant_id, InteractionRow.customer_id == source).values(customer_id=target))
            handles = await session.execute(update(CustomerIdentity).where(
                CustomerIdentity.tenant_id == tenant_id, CustomerIdentity.customer_id == source).values(customer_id=target))
            states = await session.execute(update(SuggestionState).where(
                SuggestionState.tenant_id == tenant_id, SuggestionState.customer_id == source).values(customer_id=target))
        return MergeReport(moved.rowcount or 0, handles.rowcount or 0, states.rowcount or 0)

    async def known(self, tenant_id: str, customer_id: str) -> bool:
        async with self.sessions() as session:
            n = await session.scalar(select(func.count()).select_from(InteractionRow).where(
                InteractionRow.tenant_id == tenant_id, InteractionRow.customer_id == customer_id))
            if n:
                return True
            n = await session.scalar(select(func.count()).select_from(CustomerIdentity).where(
                CustomerIdentity.tenant_id == tenant_id, CustomerIdentity.customer_id == customer_id))
            return bool(n)

    # -- suggestion states ------------------------------------------------------------------------
    async def save_states(self, tenant_id: str, rows: Iterable[dict[str, Any]], now: datetime) -> None:
        items = [SuggestionState(tenant_id=tenant_id, created_at=now, **r) for r in rows]
        if not items:
            return
        async with self.sessions.begin() as session:
            session.add_all(items)

    async def state(self, tenant_id: str, suggestion_id: str) -> dict[str, Any] | None:
        async with self.sessions() as session:
            row = await session.get(SuggestionState, suggestion_id)
        if row is None or row.tenant_id != tenant_id:
            return None
        return {"suggestion_id": row.suggestion_id, "customer_id": row.customer_id, "conversation_id": row.conversation_id,
                "answered_at": _aware(row.answered_at), "last_customer_message": row.last_customer_message}

    async def states_before(self, tenant_id: str, *, conversation_id: str | None, customer_id: str | None,
                            before: datetime, limit: int = 50) -> list[str]:
        """Suggestions of this conversation (or customer) that answered a state older than ``before``."""
        q = select(SuggestionState.suggestion_id).where(SuggestionState.tenant_id == tenant_id,
                                                        SuggestionState.answered_at < before)
        if conversation_id:
            q = q.where(SuggestionState.conversation_id == conversation_id)
        elif customer_id:
            q = q.where(SuggestionState.customer_id == customer_id)
        else:
            return []
        async with self.sessions() as session:
            return list(await session.scalars(q.order_by(SuggestionState.created_at.desc()).limit(limit)))
