"""The panel's tables: per-tenant panel configuration and panel sessions (issue 15)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from service.adapters.sql.models import ApiKey, PanelConfig, PanelSession
from service.errors import InvalidInput, NotFound
from service.tenancy.keys import Principal, validate_tenant
from service.panel import PANEL_SCOPES
from service.panel.sessions import (
    SESSION_TTL, SOURCES, SUBDOMAIN_RE, TOKEN_RE, IssuedSession, PanelSettings, aware, hash_token, normalise_origin,
)
from service.panel.zendesk import load_public_key


class PanelStore:
    def __init__(self, sessions: async_sessionmaker, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sessions = sessions
        self.now = now

    # ---- configuration ------------------------------------------------------------------------

    async def configure(
        self,
        tenant: str,
        *,
        chatwoot_origins: list[str] | None = None,
        zendesk_subdomain: str | None = None,
        zendesk_public_key: str | None = None,
        zendesk_audience: str | None = None,
    ) -> PanelSettings:
        """Set the given fields of the tenant's panel configuration (others are kept)."""
        validate_tenant(tenant)
        origins = [normalise_origin(o) for o in chatwoot_origins] if chatwoot_origins is not None else None
        if zendesk_subdomain is not None and zendesk_subdomain and not SUBDOMAIN_RE.match(zendesk_subdomain):
            raise InvalidInput(f"a Zendesk subdomain is the 'acme' of acme.zendesk.com, got {zendesk_subdomain!r}")
        if zendesk_public_key:
            load_public_key(zendesk_public_key)
        async with self.sessions.begin() as session:
            row = await session.get(PanelConfig, tenant)
            if row is None:
                row = PanelConfig(tenant_id=tenant, chatwoot_origins=[], updated_at=self.now())
                session.add(row)
            if origins is not None:
                row.chatwoot_origins = origins
            if zendesk_subdomain is not None:
                row.zendesk_subdomain = zendesk_subdomain or None
            if zendesk_public_key is not None:
                row.zendesk_public_key = zendesk_public_key.strip() or None
            if zendesk_audience is not None:
                row.zendesk_audience = zendesk_audience.strip() or None
            row.updated_at = self.now()
            return _settings(row)

    async def settings(self, tenant: str) -> PanelSettings | None:
        async with self.sessions() as session:
            row = await session.get(PanelConfig, tenant)
        return _settings(row) if row else None

    async def settings_for_zendesk(self, subdomain: str) -> PanelSettings | None:
        async with self.sessions() as session:
            row = (await session.scalars(select(PanelConfig).where(PanelConfig.zendesk_subdomain == subdomain))).first()
        return _settings(row) if row else None

    # ---- sessions -----------------------------------------------------------------------------

    async def issue(
        self, tenant: str, source: str, *, scopes: frozenset[str] = PANEL_SCOPES, parent_key_id: str | None = None, subject: str | None = None
    ) -> IssuedSession:
        if source not in SOURCES:
            raise InvalidInput(f"source must be one of {', '.join(SOURCES)}")
        granted = sorted(scopes & PANEL_SCOPES)
        if not granted:
            raise InvalidInput("no panel scope to grant")
        sid = secrets.token_hex(8)
        token = f"aps_{sid}_{secrets.token_urlsafe(32)}"
        now = self.now()
        row = PanelSession(
            id=sid, tenant_id=tenant, token_hash=hash_token(token), scopes=",".join(granted), source=source,
            parent_key_id=parent_key_id, subject=(subject or "")[:200] or None, created_at=now, expires_at=now + SESSION_TTL,
        )
        async with self.sessions.begin() as session:
            # sessions a day past their end are of no use to anyone: dropped as new ones start
            await session.execute(delete(PanelSession).where(PanelSession.expires_at < now - timedelta(days=1)))
            session.add(row)
        return IssuedSession(token=token, id=sid, tenant_id=tenant, scopes=granted, source=source, expires_at=row.expires_at)

    async def authenticate(self, token: str) -> Principal | None:
        """The principal of a live session token; None when unknown, expired, or its key was revoked."""
        match = TOKEN_RE.match(token)
        if not match:
            return None
        stmt = (
            select(PanelSession.token_hash, PanelSession.tenant_id, PanelSession.scopes, PanelSession.expires_at,
                   PanelSession.parent_key_id, ApiKey.revoked_at)
            .outerjoin(ApiKey, ApiKey.id == PanelSession.parent_key_id)
            .where(PanelSession.id == match.group(1))
        )
        async with self.sessions() as session:
            row = (await session.execute(stmt)).first()
        if row is None or not hmac.compare_digest(row.token_hash, hash_token(token)):
            return None
        if aware(row.expires_at) <= self.now():
            return None
        if row.parent_key_id is not None and row.revoked_at is not None:
            return None
        return Principal(key_id=f"ps-{match.group(1)}", tenant_id=row.tenant_id, scopes=frozenset(row.scopes.split(",")))

    async def end(self, token: str) -> None:
        """Sign out: the session ends now."""
        match = TOKEN_RE.match(token)
        if not match:
            raise NotFound("no such panel session")
        async with self.sessions.begin() as session:
            row = await session.get(PanelSession, match.group(1))
            if row is None or not hmac.compare_digest(row.token_hash, hash_token(token)):
                raise NotFound("no such panel session")
            row.expires_at = self.now()


def _settings(row: PanelConfig) -> PanelSettings:
    return PanelSettings(
        tenant_id=row.tenant_id,
        chatwoot_origins=list(row.chatwoot_origins or []),
        zendesk_subdomain=row.zendesk_subdomain,
        zendesk_public_key=row.zendesk_public_key,
        zendesk_audience=row.zendesk_audience,
    )
