"""The ``suggestions`` table: the one writer of suggestion rows.

:class:`SqlSuggestionLog` implements :class:`service.ports.SuggestionLog`: the rows of an answer
go into the audit trail's transaction for the answer's record (``AuditTrail.record(entry,
rows=...)``, group-committed with the answers recorded at the same moment), so the suggestions
and their audit record commit together or not at all. :func:`add_suggestions` writes them in a
caller's own session (the caller appends the audit record in the same transaction).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from service.adapters.sql.audit_repo import TableRow
from service.adapters.sql.models import Suggestion
from service.ports import StoredSuggestion


def suggestion_rows(
    tenant_id: str,
    audit_id: str,
    suggestions: Iterable[Any],
    *,
    conversation_id: str | None,
    intent: str | None,
    channel: str,
    created_at: datetime | None = None,
) -> list[TableRow]:
    """One ``suggestions`` row per suggestion; each has ``id``, ``text``, ``engine`` and ``prompt``
    (attributes or keys)."""
    now = created_at or datetime.now(UTC)
    rows = []
    for s in suggestions:
        get = s.get if isinstance(s, dict) else (lambda k, _s=s: getattr(_s, k, None))
        rows.append(TableRow(Suggestion, {
            "id": str(get("id")), "tenant_id": tenant_id, "audit_id": audit_id, "conversation_id": conversation_id,
            "prompt": get("prompt"), "intent": intent, "channel": channel, "engine": str(get("engine") or "unknown"),
            "text": str(get("text") or ""), "created_at": now,
        }))
    return rows


class SqlSuggestionLog:
    """``record(...)``: the answer's audit record and its suggestion rows in one transaction.
    ``audit`` returns the audit trail (looked up when an answer is recorded); without one, the
    rows are written alone under a fresh audit id."""

    def __init__(self, sessions: async_sessionmaker, audit: Callable[[], Any] = lambda: None) -> None:
        self.sessions = sessions
        self.audit = audit

    async def record(
        self,
        tenant: str,
        suggestions: Sequence[StoredSuggestion],
        audit: dict[str, Any],
        *,
        conversation_id: str | None,
        intent: str | None,
        channel: str,
    ) -> None:
        trail = self.audit()
        if not suggestions and trail is None:
            return
        now = datetime.now(UTC)

        def rows(audit_id: str) -> list[TableRow]:
            return suggestion_rows(tenant, audit_id, suggestions, conversation_id=conversation_id, intent=intent,
                                   channel=channel, created_at=now)

        if trail is not None:
            await trail.record(audit, rows=lambda rec: rows(rec.id))
            return
        async with self.sessions.begin() as session:
            await session.execute(insert(Suggestion), [r.values for r in rows(str(uuid.uuid4()))])
