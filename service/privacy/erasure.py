"""Erasing one customer's personal data everywhere the service keeps it (issue 12).

``assist audit erase --tenant T --customer C`` runs :func:`erase_customer`:

- ``interactions`` of the customer: deleted (the history API then answers 404 for it);
- ``customer_identities`` (its e-mail, phone, social and external handles): deleted;
- ``triage_events`` of tickets whose customer or requester was the customer id or one of its
  handles (found by :mod:`service.privacy.subjects` hashes), or whose stored answer quotes
  one of them: deleted;
- audit records of the customer, and the audit records of feedback on its suggestions: their
  personal fields (customer id, input copy and hash, output) replaced by a marker, the chain
  still verifying; the ``suggestions`` made for it: text replaced, conversation id cleared;
  ``feedback`` on them: sent text and reason cleared.

Summaries are not stored (only their audit record, covered above). The steps run in two
transactions (history first, then the audit trail under its chain lock); erasing is
idempotent, so a run interrupted between them is finished by running it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from service.audit.trail import AuditTrail
from service.db.models import AuditRecord, CustomerIdentity, Interaction, TriageEvent
from service.errors import InvalidInput
from service.privacy.subjects import subject_hashes

log = structlog.get_logger("service.privacy")


@dataclass
class ErasureReport:
    tenant: str
    interactions: int = 0
    identities: int = 0
    triage_events: int = 0
    audit_records: int = 0
    suggestions: int = 0
    feedback: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


async def erase_customer(sessions: async_sessionmaker, trail: AuditTrail, tenant: str, customer_id: str,
                         *, reference: str | None = None) -> ErasureReport:
    if not customer_id or not customer_id.strip():
        raise InvalidInput("a customer id is needed")
    report = ErasureReport(tenant)
    async with sessions.begin() as session:
        handles = [v for (v,) in (await session.execute(select(CustomerIdentity.value).where(
            CustomerIdentity.tenant_id == tenant, CustomerIdentity.customer_id == customer_id))).all()]
        report.interactions = (await session.execute(delete(Interaction).where(
            Interaction.tenant_id == tenant, Interaction.customer_id == customer_id))).rowcount or 0
        report.identities = (await session.execute(delete(CustomerIdentity).where(
            CustomerIdentity.tenant_id == tenant, CustomerIdentity.customer_id == customer_id))).rowcount or 0
        report.triage_events = await _erase_triage(session, tenant, [customer_id, *handles])
        own = {r for (r,) in (await session.execute(select(AuditRecord.id).where(
            AuditRecord.tenant_id == tenant, AuditRecord.customer_id == customer_id))).all()}
        feedback_records = await _feedback_records(session, tenant, own)
    result = await trail.erase_customer(tenant, customer_id, reference=reference, record_ids=feedback_records)
    report.audit_records = result["records"]
    report.suggestions = result["suggestions"]
    report.feedback = result["feedback"]
    log.info("customer_erased", **{k: v for k, v in report.as_dict().items() if k != "tenant"}, tenant=tenant)
    return report


async def _erase_triage(session: Any, tenant: str, needles: list[str]) -> int:
    """Triage events about one of ``needles`` (hashed subjects), or whose stored answer contains
    one of them as a JSON string value."""
    quoted = [json.dumps(n) for n in needles if n]
    hashes = set(subject_hashes(needles))
    doomed = []
    for row in (await session.scalars(select(TriageEvent).where(TriageEvent.tenant_id == tenant))).all():
        text = json.dumps(row.response)
        if hashes & set(row.subject_hashes or ()) or any(q in text for q in quoted):
            doomed.append(row)
    for row in doomed:
        await session.delete(row)
    return len(doomed)


async def _feedback_records(session: Any, tenant: str, own: set[str]) -> list[str]:
    """Audit records of feedback on the customer's suggestions (they name the suggestion's
    audit record, not the customer)."""
    if not own:
        return []
    rows = await session.execute(select(AuditRecord.id, AuditRecord.output).where(
        AuditRecord.tenant_id == tenant, AuditRecord.endpoint == "feedback", AuditRecord.erased.is_(False)))
    return [rid for rid, output in rows.all() if isinstance(output, dict) and output.get("suggestion_audit_id") in own]
