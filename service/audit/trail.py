"""The audit trail: one append-only, hash-chained record per answer, per tenant.

:class:`AuditTrail` is the :class:`~service.ports.AuditLog` the use cases call. It puts together
the chain (:mod:`service.audit.chain`: canonical form, hashes, verification), the records
(:mod:`service.audit.entry`: what callers hand in, PII masked), the group-commit writer
(:mod:`service.audit.writer`) and retention and erasure (:mod:`service.audit.retention`), over
an :class:`~service.ports.AuditStore` (``service/adapters/sql/audit_repo.py``).

Writing. ``append(uow, entry)`` writes in the caller's unit of work, together with the work it
records (the tenant's chain head stays locked until that transaction ends: call it late, keep it
short); ``record(entry, rows=...)`` is for answers whose only writes are the record and a few
rows that belong to it (suggestions): concurrent calls are group-committed, each returning once
its transaction has committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from service.audit.chain import ChainCheck, ChainRecord, VerifyReport, link
from service.audit.entry import AuditEntry, AuditQuery, build_record, record_to_dict
from service.audit.retention import erase_customer as erase_in_chain, purge as purge_chain
from service.audit.writer import GroupWriter
from service.errors import NotFound
from service.ports import AuditStore, AuditTx

__all__ = ["AuditTrail"]


INLINE_INPUT_CHARS = 4000
"""Inputs up to this many characters of text are recorded on the event loop, larger ones in a thread."""


def _small(value: Any, budget: int = INLINE_INPUT_CHARS) -> bool:
    """Does ``value`` hold at most ``budget`` characters of text (counted without serialising it)?"""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            budget -= len(v)
        elif isinstance(v, Mapping):
            stack.extend(v.values())
            stack.extend(k for k in v if isinstance(k, str))
        elif isinstance(v, list | tuple | set | frozenset):
            stack.extend(v)
        else:
            budget -= 24
        if budget < 0:
            return False
    return True


class AuditTrail:
    def __init__(self, store: AuditStore, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 metrics: Any | None = None) -> None:
        self.store: AuditStore = store
        self.clock = clock
        self.metrics = metrics
        self._writer = GroupWriter(store, lambda: self.clock(), self._count)

    # -- writing -----------------------------------------------------------------------------------
    async def append(self, session: Any, entry: AuditEntry | Mapping[str, Any]) -> ChainRecord:
        """Append one record in the caller's unit of work ``session`` (commit it with the work
        it records). Locks the tenant's chain head until that transaction ends: call it late,
        keep it short."""
        return await self._append_in(self.store.within(session), AuditEntry.of(entry))

    async def _append_in(self, tx: AuditTx, entry: AuditEntry) -> ChainRecord:
        row = build_record(entry)
        head = await tx.lock_head(row.tenant_id)
        link(row, head.last_seq, head.last_hash, self.clock())
        await tx.add([row])
        await tx.move_head(row.tenant_id, row.seq, row.record_hash)
        self._count(row)
        return row

    async def record(self, entry: AuditEntry | Mapping[str, Any],
                     rows: Callable[[ChainRecord], Iterable[Any]] | None = None) -> ChainRecord:
        """Append one record, and the rows ``rows(record)`` makes (linked to it by its id), in a
        transaction shared with whatever other answers are being recorded at the same moment;
        returns once it has committed."""
        entry = AuditEntry.of(entry)
        # In the caller's context (request id, key id: to_thread copies it), off the loop when
        # the input is large: its redaction and hashing take a while (issue 12). A small one is
        # cheaper here than the hand-off to a thread and back (issue 18).
        row = build_record(entry) if _small(entry.input_redacted) else await asyncio.to_thread(build_record, entry)
        extra = list(rows(row)) if rows is not None else []
        return await self._writer.write(row, extra)

    async def drain(self) -> None:
        """Wait until every record handed to :meth:`record` is committed (or has failed)."""
        await self._writer.drain()

    def _count(self, row: ChainRecord) -> None:
        if self.metrics is not None:
            self.metrics.audit_records.labels(row.endpoint).inc()

    # -- reading -----------------------------------------------------------------------------------
    async def get(self, tenant: str, record_id: str) -> dict[str, Any]:
        row = await self.store.get(record_id)
        if row is None or row.tenant_id != tenant:
            raise NotFound(f"no audit record {record_id!r}")
        return record_to_dict(row)

    async def query(self, tenant: str, q: AuditQuery, *, limit: int = 50, before_seq: int | None = None) -> tuple[list[dict[str, Any]], int | None]:
        """Newest first; returns the page and the cursor (a seq) for the next one, or None."""
        rows = await self.store.page(tenant, q, limit=limit + 1, before_seq=before_seq)
        more = len(rows) > limit
        rows = rows[:limit]
        return [record_to_dict(r) for r in rows], (rows[-1].seq if more and rows else None)

    async def tenants(self) -> list[str]:
        return await self.store.tenants()

    async def export(self, tenant: str | None = None, *, batch: int = 1000) -> AsyncIterator[dict[str, Any]]:
        """Every record, tenant by tenant, in chain order."""
        for t in [tenant] if tenant else await self.tenants():
            async for row in self.store.rows(t, batch=batch):
                yield record_to_dict(row)

    # -- verification ------------------------------------------------------------------------------
    async def verify(self, tenant: str | None = None, *, stop_at_first: bool = False) -> VerifyReport:
        """Recompute every chain. ``first_broken`` is the first broken record (lowest seq) of the
        first tenant with a problem."""
        report = VerifyReport()
        for t in [tenant] if tenant else await self.tenants():
            check = ChainCheck(t, await self.store.head(t), stop_at_first=stop_at_first)
            async for row in self.store.rows(t):
                if not check.see(row):
                    break
            # records appended while verifying are left for the next run; one past the head
            # that the head, read again, does not cover was inserted by hand
            head_now = await self.store.head(t) if check.beyond is not None else None
            problems, info = check.finish(head_now)
            report.tenants[t] = info
            report.records += info["records"]
            if problems:
                report.ok = False
                report.problems.extend(problems)
                if report.first_broken is None:
                    report.first_broken = problems[0]
                if stop_at_first:
                    break
        return report

    # -- retention and erasure -----------------------------------------------------------------------
    async def purge(self, older_than_days: float, *, tenant: str | None = None, reference: str | None = None) -> dict[str, Any]:
        """Delete records older than the age (with their suggestions and feedback), keeping every
        chain verifiable from a new anchor. Returns {tenant: count}."""
        return await purge_chain(self.store, self._append_in, lambda: self.clock(), older_than_days,
                                 tenant=tenant, reference=reference)

    async def erase_customer(self, tenant: str, customer_id: str, *, reference: str | None = None,
                             record_ids: Iterable[str] = ()) -> dict[str, Any]:
        """Replace a customer's personal data in the trail by a marker (see
        :func:`service.audit.retention.erase_customer`)."""
        return await erase_in_chain(self.store, self._append_in, tenant, customer_id,
                                    reference=reference, record_ids=record_ids)
