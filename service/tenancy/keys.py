"""API keys and tenants: creation, lookup, rotation, revocation.

A key looks like ``aa_<key id>_<secret>``. Only the SHA-256 of the whole key is stored; the key
is printed once at creation. The key id is public (it appears in logs and the audit trail).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.ports import KeyRepository, StoredKey
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
    """The key use cases over a :class:`~service.ports.KeyRepository` (SQL:
    ``service/adapters/sql/keys_repo.py``)."""

    def __init__(self, repo: KeyRepository) -> None:
        self.repo = repo

    async def create(self, tenant: str, scopes: str | list[str], name: str | None = None, rotated_from: str | None = None) -> tuple[str, KeyInfo]:
        """Create a key (and the tenant if new). Returns the plaintext key, shown only once."""
        validate_tenant(tenant)
        scope_list = parse_scopes(scopes)
        now = datetime.now(UTC)
        key_id, key = _new_key()
        stored = StoredKey(id=key_id, tenant_id=tenant, key_hash=hash_key(key), scopes=scope_list, name=name,
                           created_at=now, rotated_from=rotated_from)
        await self.repo.create(stored, webhook_secret=secrets.token_urlsafe(32))
        return key, _info(stored)

    async def authenticate(self, key: str) -> Principal | None:
        """The principal for a presented key, or None when it is unknown, wrong or revoked."""
        match = KEY_RE.match(key)
        if not match:
            return None
        key_id = match.group(1)
        found = await self.repo.credentials(key_id)
        if found is None or found.revoked:
            return None
        if not hmac.compare_digest(found.key_hash, hash_key(key)):
            return None
        return Principal(key_id=key_id, tenant_id=found.tenant_id, scopes=frozenset(found.scopes))

    async def list(self, tenant: str) -> list[KeyInfo]:
        return [_info(k) for k in await self.repo.list(tenant)]

    @staticmethod
    def _check(actor: Principal | None) -> Callable[[StoredKey], None]:
        """What ``actor`` (None: the operator's CLI) may act on: 403 for a key with scopes it lacks."""
        def check(target: StoredKey) -> None:
            if actor is not None and not actor.may_manage(target.scopes):
                raise Forbidden("this key may only act on keys whose scopes it holds itself")
        return check

    async def revoke(self, tenant: str, key_id: str, actor: Principal | None = None) -> KeyInfo:
        """Revoke at once; revoking a revoked key is a no-op. 404 for another tenant's key."""
        return _info(await self.repo.revoke(tenant, key_id, self._check(actor), datetime.now(UTC)))

    async def rotate(self, tenant: str, key_id: str, actor: Principal | None = None) -> tuple[str, KeyInfo]:
        """A new key with the same scopes; the old one is revoked in the same transaction.

        Only one rotation of a key can win: the repository revokes the old key by a conditional
        update under a row lock, so a concurrent or later rotation, and any rotation of a
        revoked key, is a :class:`Conflict` (409) and mints nothing."""
        new_id, key = _new_key()
        new = await self.repo.rotate(tenant, key_id, self._check(actor), new_id=new_id, new_hash=hash_key(key),
                                     now=datetime.now(UTC))
        if new is None:
            raise Conflict(f"key {key_id!r} is revoked (or was just rotated); a revoked key cannot be rotated")
        return key, _info(new)

    async def webhook_secret(self, tenant: str) -> str | None:
        return await self.repo.webhook_secret(tenant)

    async def set_webhook_secret(self, tenant: str, secret: str) -> None:
        """Replace the tenant's webhook signing secret, e.g. with the one a help desk generated
        (Zendesk shows its webhook's signing secret; it cannot be chosen there)."""
        secret = secret.strip()
        if not 16 <= len(secret) <= 256 or not secret.isprintable() or any(c.isspace() for c in secret):
            raise InvalidInput("a webhook secret is 16-256 printable characters without spaces")
        if not await self.repo.set_webhook_secret(tenant, secret):
            raise NotFound(f"no tenant {tenant!r}; create a key for it first")


def _new_key() -> tuple[str, str]:
    """A new key id and the whole key ``aa_<id>_<secret>``."""
    key_id = secrets.token_hex(6)
    return key_id, f"aa_{key_id}_{secrets.token_urlsafe(32)}"


def _info(key: StoredKey) -> KeyInfo:
    return KeyInfo(
        id=key.id,
        tenant_id=key.tenant_id,
        scopes=list(key.scopes),
        name=key.name,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )
