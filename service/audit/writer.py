"""Group commit: many answers' records (and the rows that belong to them) in one transaction.

:meth:`GroupWriter.write` queues one record; a drainer task takes up to :data:`GROUP_MAX` queued
records at a time and commits them together (each tenant's chain head locked once, the records
and rows inserted in bulk, the heads moved on), then wakes each caller. A batch that fails is
retried answer by answer, so one bad answer fails alone and an answer is never half-written.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import structlog

from service.audit.chain import ChainHead, ChainRecord, link
from service.ports import AuditStore

GROUP_MAX = 64
"""Most answers committed in one group transaction."""

log = structlog.get_logger("service.audit")

_Item = tuple[ChainRecord, list[Any], "asyncio.Future[ChainRecord]"]


def _settle(done: asyncio.Future[Any], *, row: Any = None, error: BaseException | None = None) -> None:
    if done.done():  # the caller gave up waiting (cancelled); the record stands or fell all the same
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(row)


class GroupWriter:
    def __init__(self, store: AuditStore, clock: Callable[[], datetime], on_written: Callable[[ChainRecord], None]) -> None:
        self.store = store
        self.clock = clock
        self.on_written = on_written
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[_Item] = []
        self._drainer: asyncio.Task[None] | None = None

    async def write(self, row: ChainRecord, rows: list[Any]) -> ChainRecord:
        """Commit ``row`` (not yet linked) and ``rows`` with whatever else is queued; returns
        the linked record once its transaction has committed."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (a CLI run, a test): a new queue
            self._loop, self._pending, self._drainer = loop, [], None
        done: asyncio.Future[ChainRecord] = loop.create_future()
        self._pending.append((row, rows, done))
        if self._drainer is None or self._drainer.done():
            # A context of its own: its log lines must not carry the first caller's request id.
            self._drainer = loop.create_task(self._drain(), context=contextvars.Context())
        return await done

    async def drain(self) -> None:
        """Wait until every queued record is committed (or has failed)."""
        if self._drainer is not None and self._loop is asyncio.get_running_loop():
            await asyncio.gather(self._drainer, return_exceptions=True)

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:GROUP_MAX], self._pending[GROUP_MAX:]
            try:
                await self._commit(batch)
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][2], error=exc)
                    continue
                log.warning("audit_group_commit_retrying_one_by_one", records=len(batch), error=type(exc).__name__)
                for item in batch:
                    try:
                        await self._commit([item])
                    except Exception as one:
                        _settle(item[2], error=one)
                    else:
                        self.on_written(item[0])
                        _settle(item[2], row=item[0])
            else:
                for row, _, done in batch:
                    self.on_written(row)
                    _settle(done, row=row)

    async def _commit(self, batch: list[_Item]) -> None:
        """One transaction for the batch: in one step where the store can (SQLite: one hand-off
        to a thread rather than an event-loop round trip per statement, which under load waited
        behind every other request's work; PostgreSQL: plain statements on one pooled connection,
        no ORM session; issue 18), else statement by statement."""
        tenants = sorted({row.tenant_id for row, _, _ in batch})

        def linker(heads: Mapping[str, ChainHead]) -> tuple[list[ChainRecord], list[Any], dict[str, tuple[int, str]]]:
            return link_batch(batch, heads, self.clock)

        if getattr(self.store, "one_step", False):
            await self.store.commit_linked(tenants, linker)  # type: ignore[attr-defined]
            return
        async with self.store.transaction() as tx:
            # Heads locked in tenant order: two workers' batches can never wait for each other
            # in a cycle (PostgreSQL).
            heads = {tenant: await tx.lock_head(tenant) for tenant in tenants}
            records, rows, moved = linker(heads)
            await tx.add(records, rows)
            for tenant, (seq, last_hash) in moved.items():
                await tx.move_head(tenant, seq, last_hash)


def link_batch(batch: list[_Item], heads: Mapping[str, ChainHead],
               clock: Callable[[], datetime]) -> tuple[list[ChainRecord], list[Any], dict[str, tuple[int, str]]]:
    """Link each record of ``batch`` after its tenant's locked head, in arrival order within a
    tenant; returns the records, the rows that belong to them and each tenant's new head."""
    current = {tenant: (head.last_seq, head.last_hash) for tenant, head in heads.items()}
    records: list[ChainRecord] = []
    rows: list[Any] = []
    for row, extra, _ in sorted(batch, key=lambda item: item[0].tenant_id):
        link(row, *current[row.tenant_id], clock())
        current[row.tenant_id] = (row.seq, row.record_hash)
        records.append(row)
        rows.extend(extra)
    return records, rows, current
