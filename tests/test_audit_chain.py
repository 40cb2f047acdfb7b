"""The audit trail's use case over its port: an in-memory AuditStore, no database. The chain,
the group-commit writer, verification and retention need nothing but the store's methods."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from service.audit import AuditEntry, AuditTrail
from service.audit.chain import ChainHead, ChainRecord, canonical, jsonable


class MemoryTx:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.uow = self
        self.records = dict(store.records)  # written back on commit only
        self.heads = dict(store.heads)

    async def lock_head(self, tenant: str) -> ChainHead:
        return self.heads.setdefault(tenant, ChainHead(tenant))

    async def add(self, records, rows=()) -> None:
        for r in records:
            self.records[(r.tenant_id, r.seq)] = copy.deepcopy(r)

    async def move_head(self, tenant: str, last_seq: int, last_hash: str) -> None:
        self.heads[tenant] = dataclasses.replace(self.heads[tenant], last_seq=last_seq, last_hash=last_hash)

    async def move_anchor(self, tenant: str, anchor_seq: int, anchor_hash: str) -> None:
        self.heads[tenant] = dataclasses.replace(self.heads[tenant], anchor_seq=anchor_seq, anchor_hash=anchor_hash)

    async def first_seq_since(self, tenant, cutoff):
        seqs = [r.seq for (t, _), r in self.records.items() if t == tenant and r.created_at >= cutoff]
        return min(seqs) if seqs else None

    async def record_hash_at(self, tenant, seq):
        r = self.records.get((tenant, seq))
        return r.record_hash if r else None

    async def delete_through(self, tenant, seq) -> int:
        doomed = [k for k in self.records if k[0] == tenant and k[1] <= seq]
        for k in doomed:
            del self.records[k]
        return len(doomed)


class MemoryStore:
    def __init__(self) -> None:
        self.records: dict[tuple[str, int], ChainRecord] = {}
        self.heads: dict[str, ChainHead] = {}
        self.transactions = 0
        self.lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[MemoryTx]:
        async with self.lock:
            self.transactions += 1
            tx = MemoryTx(self)
            yield tx
            self.records, self.heads = tx.records, tx.heads

    def within(self, uow: MemoryTx) -> MemoryTx:
        return uow

    async def head(self, tenant):
        return self.heads.get(tenant)

    async def get(self, record_id):
        return next((r for r in self.records.values() if r.id == record_id), None)

    async def tenants(self):
        return sorted(self.heads)

    async def rows(self, tenant, *, after_seq=0, batch=1000):
        for (t, seq), r in sorted(self.records.items()):
            if t == tenant and seq > after_seq:
                yield copy.deepcopy(r)


def entry(i: int, tenant: str = "acme") -> AuditEntry:
    return AuditEntry(endpoint="knowledge.search", tenant_id=tenant, key_id="k1", request_id=f"req-{i}",
                      input={"query": f"question {i}, mail me at jane.doe@example.com"}, output={"hits": [i]})


async def test_concurrent_records_are_group_committed_into_one_verifying_chain_per_tenant():
    store = MemoryStore()
    trail = AuditTrail(store)
    records = await asyncio.gather(*(trail.record(entry(i, ("acme", "globex")[i % 2])) for i in range(30)))
    assert store.transactions < 30
    assert sorted(r.seq for r in records if r.tenant_id == "acme") == list(range(1, 16))
    report = await trail.verify()
    assert report.ok and report.records == 30, report.as_dict()
    assert "jane.doe@example.com" not in canonical(jsonable([r.input_redacted for r in records]))


async def test_a_record_appended_in_a_unit_of_work_that_fails_leaves_no_trace():
    store = MemoryStore()
    trail = AuditTrail(store)
    await trail.record(entry(1))
    try:
        async with store.transaction() as tx:
            await trail.append(tx.uow, entry(2))
            raise RuntimeError("the work failed")
    except RuntimeError:
        pass
    async with store.transaction() as tx:
        row = await trail.append(tx.uow, entry(3))
    assert row.seq == 2
    assert (await trail.verify()).ok


async def test_verification_names_the_edited_record_and_a_purge_keeps_the_chain_verifiable():
    store = MemoryStore()
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    trail = AuditTrail(store, clock=lambda: now[0])
    for i in range(5):
        now[0] += timedelta(days=10)
        await trail.record(entry(i))
    assert await trail.purge(25) == {"acme": 2}  # at day 50, the records of days 10 and 20
    assert (await trail.verify()).ok
    store.records[("acme", 5)].output = {"hits": ["edited"]}
    report = await trail.verify()
    assert not report.ok and report.first_broken.seq == 5
