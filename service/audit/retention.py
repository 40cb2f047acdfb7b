"""Retention and erasure, both keeping every chain verifiable.

Retention. :func:`purge` deletes a tenant's oldest records (a prefix of the chain, with their
suggestions and feedback), moves the chain head's anchor to the last deleted record's hash and
appends an ``audit.purge`` record saying so: verification starts at the anchor and checks it
against that record.

Erasure. The chain covers the personal fields through ``personal_hash`` only, so
:func:`erase_customer` replaces a customer's personal data by a marker and the chain still
verifies; an ``audit.erase`` record in the chain lists what was erased, and verification checks
that every erased record is listed there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import structlog

from service.audit.chain import ChainRecord, iso
from service.audit.entry import AuditEntry
from service.errors import InvalidInput
from service.ports import AuditStore, AuditTx

log = structlog.get_logger("service.audit")

AppendIn = Callable[[AuditTx, AuditEntry], Awaitable[ChainRecord]]
"""Append a record in the transaction ``tx`` (the trail's, with its clock and metrics)."""


async def purge(store: AuditStore, append: AppendIn, clock: Callable[[], datetime], older_than_days: float, *,
                tenant: str | None = None, reference: str | None = None) -> dict[str, Any]:
    """Delete records older than the age (with their suggestions and feedback), keeping every
    chain verifiable from a new anchor. Returns {tenant: count}."""
    if older_than_days <= 0:
        raise InvalidInput("the retention age must be positive")
    cutoff_dt = datetime.fromtimestamp(clock().timestamp() - older_than_days * 86400, UTC)
    result: dict[str, Any] = {}
    for t in [tenant] if tenant else await store.tenants():
        async with store.transaction() as tx:
            head = await tx.lock_head(t)
            keep_from = await tx.first_seq_since(t, cutoff_dt)
            through = (keep_from - 1) if keep_from is not None else head.last_seq
            if through <= head.anchor_seq:
                result[t] = 0
                continue
            anchor_hash = await tx.record_hash_at(t, through)
            if anchor_hash is None:
                raise InvalidInput(f"tenant {t}: record seq {through} is missing; run `assist audit verify`")
            count = await tx.delete_through(t, through)
            await append(tx, AuditEntry(
                endpoint="audit.purge", tenant_id=t, input={"older_than_days": older_than_days, "reference": reference},
                output={"purged_through": through, "anchor_hash": anchor_hash, "count": count, "cutoff": iso(cutoff_dt)},
                outcome="purged", key_id="cli", request_id=None,
            ))
            await tx.move_anchor(t, through, anchor_hash)
            result[t] = count
            log.info("audit_purged", tenant=t, through=through, count=count)
    return result


async def erase_customer(store: AuditStore, append: AppendIn, tenant: str, customer_id: str, *,
                         reference: str | None = None, record_ids: Iterable[str] = ()) -> dict[str, Any]:
    """Replace a customer's personal data in the trail (and the text of suggestions and
    feedback linked to those records) by a marker; the chain still verifies. ``record_ids``:
    further records of the customer that carry no customer id (feedback on its suggestions)."""
    if not customer_id:
        raise InvalidInput("a customer id is needed")
    async with store.transaction() as tx:
        await tx.lock_head(tenant)
        found = await tx.seqs_of(tenant, customer_id, list(record_ids))
        if not found:
            return {"tenant": tenant, "records": 0, "suggestions": 0, "feedback": 0}
        seqs = sorted(found.values())
        sugg, fb = await tx.erase(tenant, list(found))
        await append(tx, AuditEntry(
            endpoint="audit.erase", tenant_id=tenant, input={"reference": reference},
            output={"seqs": seqs, "count": len(seqs)}, outcome="erased", key_id="cli",
        ))
    log.info("audit_erased", tenant=tenant, records=len(seqs))
    return {"tenant": tenant, "records": len(seqs), "suggestions": sugg, "feedback": fb}
