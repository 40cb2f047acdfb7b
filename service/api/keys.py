"""HTTP for the tenant's API keys: list, rotate, revoke (scope ``keys:admin``).

Keys are always those of the caller's tenant: a key id of another tenant is a 404, never a
hint that it exists. Revocation takes effect at once (every request reads the key's row).
Rotation returns the new key once; it carries the old key's scopes. A caller may only rotate or
revoke a key whose scopes it holds itself (a ``keys:admin`` key cannot touch an ``admin`` key,
an ``admin`` key cannot touch an ``operator`` key); one rotation of a key wins, any other (and
any rotation of a revoked key) is a 409.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from service.api.deps import Injected
from service.tenancy.keys import KeyInfo, KeyStore, Principal
from service.observability.logging import annotate

KeyId = Annotated[str, Parameter(min_length=1, max_length=32, pattern=r"^[a-z0-9]+$", description="the key id (aa_<id>_...)")]


class KeyOut(msgspec.Struct):
    id: str
    scopes: list[str]
    name: str | None
    created_at: str
    revoked_at: str | None
    active: bool


class RotatedKeyOut(msgspec.Struct):
    key: str
    """The new key, shown once; only its hash is stored."""
    id: str
    scopes: list[str]
    replaces: str
    """The id of the key that was revoked by this rotation."""


def to_out(info: KeyInfo) -> KeyOut:
    return KeyOut(
        id=info.id,
        scopes=info.scopes,
        name=info.name,
        created_at=info.created_at.isoformat(),
        revoked_at=info.revoked_at.isoformat() if info.revoked_at else None,
        active=info.revoked_at is None,
    )


class KeysController(Controller):
    path = "/keys"
    tags = ["keys"]

    @get("/", opt={"scope": "keys:admin"}, summary="The tenant's API keys (ids, scopes, state; never the secrets)")
    async def list_keys(self, principal: Principal, keys: Injected[KeyStore]) -> list[KeyOut]:
        return [to_out(k) for k in await keys.list(principal.tenant_id)]

    @post("/{key_id:str}/revoke", opt={"scope": "keys:admin"}, status_code=200, summary="Revoke a key of this tenant, at once")
    async def revoke(self, key_id: KeyId, principal: Principal, keys: Injected[KeyStore]) -> KeyOut:
        info = await keys.revoke(principal.tenant_id, key_id, actor=principal)
        annotate(key_revoked=key_id)
        return to_out(info)

    @post(
        "/{key_id:str}/rotate",
        opt={"scope": "keys:admin"},
        status_code=201,
        summary="Replace a key by a new one with the same scopes; the old key is revoked at once",
    )
    async def rotate(self, key_id: KeyId, principal: Principal, keys: Injected[KeyStore]) -> RotatedKeyOut:
        # 404 for other tenants, 403 for a key with scopes this one lacks, 409 once revoked or rotated
        new_key, info = await keys.rotate(principal.tenant_id, key_id, actor=principal)
        annotate(key_rotated=key_id, key_new=info.id)
        return RotatedKeyOut(key=new_key, id=info.id, scopes=info.scopes, replaces=key_id)
