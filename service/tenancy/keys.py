"""API keys and tenants: creation, lookup, rotation, revocation.

A key looks like ``aa_<key id>_<secret>``. Only the SHA-256 of the whole key is stored; the key
is printed once at creation. The key id is public (it appears in logs and the audit trail).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from service.adapters.sql.models import ApiKey, Tenant
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.tenancy.roles import ROLES

# Every scope a key may carry. "admin" grants all of them.
SCOPES: dict[str, str] = {
    "knowledge:read": "search approved knowledge",
    "knowledge:write": "ingest, update and retire articles",
    "intents:read": "classify intents",
    "interactions:read": "read customer history and summaries",
    "interactions:write": "record interactions and link identities",
    "suggestions:read": "get suggested replies and the all-in-one assist answer",
    "feedback:write": "record what the agent did with a suggestion",
    "triage:write": "post tickets to the triage hook",
    "audit:read": "read the audit trail and feedback reports",
    "keys:admin": "list, rotate and revoke the tenant's keys",
    "panel:session": "only exchange for a short-lived agent-panel session (the Chatwoot dashboard app's panel token)",
    "admin": "every scope of the tenant",
    "operator": "change what every tenant shares: ingest shared knowledge, reload the intent taxonomy "
                "(never part of admin; given only explicitly, e.g. by `assist keys create`)",
}
OPERATOR_SCOPES = frozenset({"operator"})
"""Scopes that act beyond the key's tenant: ``admin`` does not grant them."""
TENANT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
KEY_RE = re.compile(r"^aa_([a-z0-9]{12})_([A-Za-z0-9_-]{20,})$")
SHARED_TENANT = "_shared"
"""Knowledge ingested from the CLI without --tenant is shared by every tenant."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key id, its tenant and scopes."""

    key_id: str
    tenant_id: str
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or ("admin" in self.scopes and scope not in OPERATOR_SCOPES)

    def may_manage(self, scopes: list[str] | frozenset[str]) -> bool:
        """A key may act on (rotate, revoke) another key only if it holds every scope of it."""
        return all(self.allows(s) for s in scopes)


@dataclass(frozen=True)
class KeyInfo:
    id: str
    tenant_id: str
    scopes: list[str]
    name: str | None
    created_at: datetime
    revoked_at: datetime | None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_scopes(raw: str | list[str]) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    scopes = sorted({s.strip() for s in items if s.strip()})
    if not scopes:
        raise InvalidInput("at least one scope is required; known scopes: " + ", ".join(SCOPES))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise InvalidInput(f"unknown scope(s) {', '.join(unknown)}; known scopes: {', '.join(SCOPES)}")
    return scopes


def scopes_for(roles: list[str] | None = None, scopes: str | list[str] | None = None) -> list[str]:
    """The scope list of one or more roles plus any extra scopes, validated (at least one)."""
    chosen: list[str] = []
    for role in roles or []:
        if role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        chosen.extend(ROLES[role])
    if scopes:
        chosen.extend(scopes.split(",") if isinstance(scopes, str) else scopes)
    return parse_scopes(chosen)


def validate_tenant(tenant: str) -> str:
    if not TENANT_RE.match(tenant or "") or tenant == SHARED_TENANT:
        raise InvalidInput(
            "tenant must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a "
            f"letter or digit (and not {SHARED_TENANT!r}); got {tenant!r}"
        )
    return tenant


class KeyStore:
    def __init__(self, sessions: async_sessionmaker, reads: async_sessionmaker | None = None) -> None:
        self.sessions = sessions
        self.reads = reads or sessions
        """Read-only sessions: every request authenticates, and on SQLite that read must not
        queue behind the writers."""

    async def create(self, tenant: str, scopes: str | list[str], name: str | None = None, rotated_from: str | None = None) -> tuple[str, KeyInfo]:
        """Create a key (and the tenant if new). Returns the plaintext key, shown only once."""
        validate_tenant(tenant)
        scope_list = parse_scopes(scopes)
        now = datetime.now(UTC)
        key, row = _new_key(tenant, scope_list, name, rotated_from, now)
        async with self.sessions.begin() as session:
            if await session.get(Tenant, tenant) is None:
                session.add(Tenant(id=tenant, created_at=now, webhook_secret=secrets.token_urlsafe(32)))
            session.add(row)
        return key, _info(row)

    async def authenticate(self, key: str) -> Principal | None:
        """The principal for a presented key, or None when it is unknown, wrong or revoked."""
        match = KEY_RE.match(key)
        if not match:
            return None
        key_id = match.group(1)
        stmt = select(ApiKey.key_hash, ApiKey.tenant_id, ApiKey.scopes, ApiKey.revoked_at).where(ApiKey.id == key_id)
        async with self.reads() as session:  # every request comes here: columns, not an ORM object
            row = (await session.execute(stmt)).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.key_hash, hash_key(key)):
            return None
        return Principal(key_id=key_id, tenant_id=row.tenant_id, scopes=frozenset(row.scopes.split(",")))

    async def list(self, tenant: str) -> list[KeyInfo]:
        async with self.sessions() as session:
            rows = (await session.scalars(select(ApiKey).where(ApiKey.tenant_id == tenant).order_by(ApiKey.created_at))).all()
        return [_info(r) for r in rows]

    async def _target(self, session: Any, tenant: str, key_id: str, actor: Principal | None) -> ApiKey:
        """The key ``actor`` (None: the operator's CLI) wants to act on, locked for this
        transaction; 404 for another tenant's key, 403 for a key with scopes the actor lacks."""
        row = await session.get(ApiKey, key_id, with_for_update=True)
        if row is None or row.tenant_id != tenant:
            raise NotFound(f"no key {key_id!r} in tenant {tenant!r}")
        if actor is not None and not actor.may_manage(row.scopes.split(",")):
            raise Forbidden("this key may only act on keys whose scopes it holds itself")
        return row

    async def revoke(self, tenant: str, key_id: str, actor: Principal | None = None) -> KeyInfo:
        """Revoke at once; revoking a revoked key is a no-op."""
        async with self.sessions.begin() as session:
            row = await self._target(session, tenant, key_id, actor)
            if row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)
            return _info(row)

    async def rotate(self, tenant: str, key_id: str, actor: Principal | None = None) -> tuple[str, KeyInfo]:
        """A new key with the same scopes; the old one is revoked in the same transaction.

        Only one rotation of a key can win: the old key is revoked by a conditional update
        (``revoked_at IS NULL``) under a row lock, so a concurrent or later rotation, and any
        rotation of a revoked key, is a :class:`Conflict` (409) and mints nothing."""
        async with self.sessions.begin() as session:
            row = await self._target(session, tenant, key_id, actor)
            now = datetime.now(UTC)
            done = await session.execute(
                update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=now)
            )
            if done.rowcount != 1:
                raise Conflict(f"key {key_id!r} is revoked (or was just rotated); a revoked key cannot be rotated")
            key, new = _new_key(tenant, row.scopes.split(","), row.name, key_id, now)
            session.add(new)
        return key, _info(new)

    async def webhook_secret(self, tenant: str) -> str | None:
        async with self.reads() as session:
            row = await session.get(Tenant, tenant)
        return row.webhook_secret if row else None

    async def set_webhook_secret(self, tenant: str, secret: str) -> None:
        """Replace the tenant's webhook signing secret, e.g. with the one a help desk generated
        (Zendesk shows its webhook's signing secret; it cannot be chosen there)."""
        secret = secret.strip()
        if not 16 <= len(secret) <= 256 or not secret.isprintable() or any(c.isspace() for c in secret):
            raise InvalidInput("a webhook secret is 16-256 printable characters without spaces")
        async with self.sessions.begin() as session:
            row = await session.get(Tenant, tenant)
            if row is None:
                raise NotFound(f"no tenant {tenant!r}; create a key for it first")
            row.webhook_secret = secret


def _new_key(tenant: str, scopes: list[str], name: str | None, rotated_from: str | None, now: datetime) -> tuple[str, ApiKey]:
    key_id = secrets.token_hex(6)
    key = f"aa_{key_id}_{secrets.token_urlsafe(32)}"
    row = ApiKey(id=key_id, tenant_id=tenant, key_hash=hash_key(key), scopes=",".join(scopes), name=name,
                 created_at=now, rotated_from=rotated_from)
    return key, row


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(
        id=row.id,
        tenant_id=row.tenant_id,
        scopes=row.scopes.split(","),
        name=row.name,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )
