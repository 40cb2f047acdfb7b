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

from dataclasses import dataclass
from typing import Any

import structlog

from service.adapters.sql.erasure import delete_customer_rows
from service.errors import InvalidInput
from service.ports import AuditLog
from service.privacy.subjects import subject_hashes

log = structlog.get_logger("service.privacy")


@dataclass
class ErasureReport:
    tenant: str
    interactions: int = 0
    identities: int = 0
    triage_events: int = 0
    suggestion_states: int = 0
    audit_records: int = 0
    suggestions: int = 0
    feedback: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


async def erase_customer(sessions: Any, trail: AuditLog, tenant: str, customer_id: str,
                         *, reference: str | None = None) -> ErasureReport:
    if not customer_id or not customer_id.strip():
        raise InvalidInput("a customer id is needed")
    counts, feedback_records = await delete_customer_rows(sessions, tenant, customer_id, subject_hashes)
    result = await trail.erase_customer(tenant, customer_id, reference=reference, record_ids=feedback_records)
    report = ErasureReport(tenant, **counts, audit_records=result["records"], suggestions=result["suggestions"],
                           feedback=result["feedback"])
    log.info("customer_erased", **{k: v for k, v in report.as_dict().items() if k != "tenant"}, tenant=tenant)
    return report
