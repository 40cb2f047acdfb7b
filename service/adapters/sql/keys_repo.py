"""Tenants and API keys in SQL: :class:`service.ports.KeyRepository`.

Revocation and rotation lock the key row for their transaction (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite serialises writers), and rotation revokes the old key by a conditional
update (``revoked_at IS NULL``), so of concurrent rotations exactly one mints a key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from service.adapters.sql.engine import READ_ONLY, sync_twin
from service.adapters.sql.models import ApiKey, Tenant
from service.errors import NotFound
from service.ports import KeyCredentials, StoredKey


def _stored(row: ApiKey) -> StoredKey:
    return StoredKey(id=row.id, tenant_id=row.tenant_id, key_hash=row.key_hash, scopes=row.scopes.split(","),
                     name=row.name, created_at=row.created_at, revoked_at=row.revoked_at, rotated_from=row.rotated_from)


def _row(key: StoredKey) -> ApiKey:
    return ApiKey(id=key.id, tenant_id=key.tenant_id, key_hash=key.key_hash, scopes=",".join(key.scopes), name=key.name,
                  created_at=key.created_at, revoked_at=key.revoked_at, rotated_from=key.rotated_from)


_CREDENTIALS = select(ApiKey.key_hash, ApiKey.tenant_id, ApiKey.scopes, ApiKey.revoked_at).where(ApiKey.id == bindparam("key_id"))
"""The read of every request, built once (not per request)."""


class SqlKeyRepo:
    def __init__(self, sessions: async_sessionmaker, reads: async_sessionmaker | None = None,
                 engine: AsyncEngine | None = None) -> None:
        """``engine``: the sessions' engine; on a SQLite file the key read of every request is
        one hand-off to a thread (a synchronous read-only twin on the same file) rather than a
        session's several event-loop round trips (issue 18). Still read from the database every
        time: a revoked key is refused at once, whichever process revoked it."""
        self.sessions = sessions
        self.reads = reads or sessions
        """Read-only sessions: every request authenticates, and on SQLite that read must not
        queue behind the writers."""
        self._twin = sync_twin(engine, read_only=True) if engine is not None else None
        self._reader = engine.execution_options(**{READ_ONLY: True}) if engine is not None and self._twin is None else None
        """Elsewhere (PostgreSQL) the read is one statement on a pooled connection: no ORM session."""

    def close(self) -> None:
        if self._twin is not None:
            self._twin.dispose()

    async def create(self, key: StoredKey, webhook_secret: str) -> None:
        async with self.sessions.begin() as session:
            if await session.get(Tenant, key.tenant_id) is None:
                session.add(Tenant(id=key.tenant_id, created_at=key.created_at, webhook_secret=webhook_secret))
            session.add(_row(key))

    async def credentials(self, key_id: str) -> KeyCredentials | None:
        if self._twin is not None:
            row = await asyncio.to_thread(self._read, key_id)
        elif self._reader is not None:
            row = await self._read_pooled(self._reader, key_id)
        else:
            async with self.reads() as session:  # every request comes here: columns, not an ORM object
                row = (await session.execute(_CREDENTIALS, {"key_id": key_id})).first()
        if row is None:
            return None
        return KeyCredentials(row.key_hash, row.tenant_id, row.scopes.split(","), row.revoked_at is not None)

    @staticmethod
    async def _read_pooled(engine: AsyncEngine, key_id: str) -> Any:
        """The key's row; once more on another connection when the first was found dead (the
        server closed it a moment ago: the pool replaces it and its older siblings)."""
        for attempt in (1, 2):
            try:
                async with engine.connect() as conn:
                    return (await conn.execute(_CREDENTIALS, {"key_id": key_id})).first()
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        return None  # pragma: no cover - the loop returns or raises

    def _read(self, key_id: str) -> Any:
        assert self._twin is not None
        with self._twin.connect() as conn:
            return conn.execute(_CREDENTIALS, {"key_id": key_id}).first()

    async def list(self, tenant: str) -> list[StoredKey]:
        async with self.sessions() as session:
            rows = (await session.scalars(select(ApiKey).where(ApiKey.tenant_id == tenant).order_by(ApiKey.created_at))).all()
        return [_stored(r) for r in rows]

    @staticmethod
    async def _locked(session: Any, tenant: str, key_id: str, check: Callable[[StoredKey], None]) -> ApiKey:
        """The key, locked for this transaction; 404 for another tenant's key; ``check`` may refuse it."""
        row = await session.get(ApiKey, key_id, with_for_update=True)
        if row is None or row.tenant_id != tenant:
            raise NotFound(f"no key {key_id!r} in tenant {tenant!r}")
        check(_stored(row))
        return row

    async def revoke(self, tenant: str, key_id: str, check: Callable[[StoredKey], None], now: datetime) -> StoredKey:
        async with self.sessions.begin() as session:
            row = await self._locked(session, tenant, key_id, check)
            if row.revoked_at is None:
                row.revoked_at = now
            return _stored(row)

    async def rotate(self, tenant: str, key_id: str, check: Callable[[StoredKey], None], *,
                     new_id: str, new_hash: str, now: datetime) -> StoredKey | None:
        async with self.sessions.begin() as session:
            row = await self._locked(session, tenant, key_id, check)
            done = await session.execute(
                update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=now)
            )
            if done.rowcount != 1:
                return None
            new = ApiKey(id=new_id, tenant_id=tenant, key_hash=new_hash, scopes=row.scopes, name=row.name,
                         created_at=now, rotated_from=key_id)
            session.add(new)
            return _stored(new)

    async def webhook_secret(self, tenant: str) -> str | None:
        async with self.reads() as session:
            row = await session.get(Tenant, tenant)
        return row.webhook_secret if row else None

    async def set_webhook_secret(self, tenant: str, secret: str) -> bool:
        async with self.sessions.begin() as session:
            row = await session.get(Tenant, tenant)
            if row is None:
                return False
            row.webhook_secret = secret
            return True
