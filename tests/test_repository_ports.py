"""Issue 11: the history, knowledge and key use cases depend on repository ports; SQLAlchemy
lives only under service/adapters/sql, and a use case runs on a fake repository."""

import ast
import inspect
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from service.adapters.sql.interactions_repo import SqlInteractionRepo
from service.adapters.sql.keys_repo import SqlKeyRepo
from service.adapters.sql.knowledge_repo import SqlKnowledgeRepo
from service.errors import Conflict, Forbidden, NotFound
from service.ports import InteractionRepository, KeyCredentials, KeyRepository, KnowledgeRepository, StoredKey
from service.tenancy.keys import KeyStore, Principal

SERVICE = Path(__file__).resolve().parents[1] / "service"


@pytest.mark.parametrize("package", ["history", "knowledge", "tenancy"])
def test_use_case_packages_do_not_import_sqlalchemy(package):
    for path in (SERVICE / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] == "sqlalchemy" for n in names), path


@pytest.mark.parametrize(("port", "adapter"), [(InteractionRepository, SqlInteractionRepo),
                                               (KnowledgeRepository, SqlKnowledgeRepo), (KeyRepository, SqlKeyRepo)])
def test_each_sql_repository_has_every_method_of_its_port(port, adapter):
    wanted = {n for n, v in vars(port).items() if inspect.isfunction(v) and not n.startswith("_")}
    assert wanted and all(inspect.iscoroutinefunction(getattr(adapter, n, None)) for n in wanted), wanted


class FakeKeys:
    """An in-memory KeyRepository."""

    def __init__(self) -> None:
        self.keys: dict[str, StoredKey] = {}
        self.tenants: dict[str, str] = {}

    async def create(self, key: StoredKey, webhook_secret: str) -> None:
        self.tenants.setdefault(key.tenant_id, webhook_secret)
        self.keys[key.id] = key

    async def credentials(self, key_id: str) -> KeyCredentials | None:
        k = self.keys.get(key_id)
        return KeyCredentials(k.key_hash, k.tenant_id, k.scopes, k.revoked_at is not None) if k else None

    async def list(self, tenant: str) -> list[StoredKey]:
        return [k for k in self.keys.values() if k.tenant_id == tenant]

    def _target(self, tenant, key_id, check):
        k = self.keys.get(key_id)
        if k is None or k.tenant_id != tenant:
            raise NotFound("no key")
        check(k)
        return k

    async def revoke(self, tenant, key_id, check, now: datetime) -> StoredKey:
        k = self._target(tenant, key_id, check)
        self.keys[key_id] = k if k.revoked_at else replace(k, revoked_at=now)
        return self.keys[key_id]

    async def rotate(self, tenant, key_id, check, *, new_id, new_hash, now) -> StoredKey | None:
        k = self._target(tenant, key_id, check)
        if k.revoked_at is not None:
            return None
        self.keys[key_id] = replace(k, revoked_at=now)
        self.keys[new_id] = StoredKey(new_id, tenant, new_hash, k.scopes, k.name, now, rotated_from=key_id)
        return self.keys[new_id]

    async def webhook_secret(self, tenant: str) -> str | None:
        return self.tenants.get(tenant)

    async def set_webhook_secret(self, tenant: str, secret: str) -> bool:
        if tenant not in self.tenants:
            return False
        self.tenants[tenant] = secret
        return True


async def test_key_rules_run_on_a_fake_repository():
    keys = KeyStore(FakeKeys())
    key, info = await keys.create("acme", "knowledge:read,audit:read", name="agent")
    assert (await keys.authenticate(key)).scopes == frozenset({"knowledge:read", "audit:read"})
    narrow = Principal("x", "acme", frozenset({"knowledge:read"}))
    with pytest.raises(Forbidden):
        await keys.rotate("acme", info.id, narrow)
    with pytest.raises(NotFound):
        await keys.revoke("globex", info.id)
    new_key, new_info = await keys.rotate("acme", info.id)
    assert await keys.authenticate(key) is None and (await keys.authenticate(new_key)).tenant_id == "acme"
    with pytest.raises(Conflict):
        await keys.rotate("acme", info.id)
    assert new_info.scopes == ["audit:read", "knowledge:read"] and new_info.name == "agent"
    with pytest.raises(NotFound):
        await keys.set_webhook_secret("nobody", "s" * 20)
