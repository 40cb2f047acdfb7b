"""The audit trail, prompt registry wiring and agent feedback.

The wiring (service/wiring.py) builds one :class:`AuditTrail` and hands it to every use case
that records answers. Use cases record an answer with ``await trail.append(session, AuditEntry(...))``
inside their own transaction, or ``await trail.record(AuditEntry(...))`` when the audit record is
their only write.
"""

from __future__ import annotations

from typing import Any

from service.audit.chain import VerifyReport
from service.audit.entry import AuditEntry, AuditQuery, elapsed_ms
from service.audit.feedback import FeedbackIn, FeedbackService, edit_distance
from service.audit.trail import AuditTrail

__all__ = [
    "AuditEntry",
    "AuditQuery",
    "AuditTrail",
    "FeedbackIn",
    "FeedbackService",
    "VerifyReport",
    "edit_distance",
    "elapsed_ms",
    "summary_hook",
]


def summary_hook(trail: AuditTrail) -> Any:
    """``SummaryService.on_summary``: one audit record per summary (ids, versions, counts)."""

    async def on_summary(tenant_id: str, record: dict[str, Any]) -> None:
        await trail.record(AuditEntry(
            endpoint="summaries",
            tenant_id=tenant_id,
            customer_id=record.get("customer_id"),
            input_redacted={"customer_id": record.get("customer_id"), "interactions_total": record.get("interactions_total")},
            prompt=record.get("prompt"),
            model=record.get("model"),
            params={"engine": record.get("engine")},
            outcome="fallback" if record.get("fallback_reason") else "ok",
            latency_ms=float(record.get("latency_ms") or 0.0),
            output=record,
        ))

    return on_summary
