"""The audit trail, prompt registry wiring and agent feedback.

``register(container)`` puts into ``container.extras``: ``prompts`` (the validated
:class:`~service.prompts.registry.PromptRegistry`), ``audit`` (the :class:`AuditTrail`) and ``feedback``
(the :class:`FeedbackService`). Use cases record an answer with
``await container.extras["audit"].append(session, AuditEntry(...))`` inside their own
transaction, or ``await ....record(AuditEntry(...))`` when the audit record is their only write.
"""

from __future__ import annotations

from typing import Any

import structlog

from service.audit.chain import VerifyReport
from service.audit.entry import AuditEntry, AuditQuery, elapsed_ms
from service.audit.feedback import FeedbackIn, FeedbackService, edit_distance
from service.audit.trail import AuditTrail

log = structlog.get_logger("service.audit")

__all__ = [
    "AuditEntry",
    "AuditQuery",
    "AuditTrail",
    "FeedbackIn",
    "FeedbackService",
    "VerifyReport",
    "edit_distance",
    "elapsed_ms",
    "register",
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


def register(container: Any) -> None:
    from service.prompts.registry import PromptRegistry, default_lock_file

    extras = container.extras
    if "prompts" not in extras:
        # A broken prompt file or registry stops the start (PromptError names the file). A text
        # that no longer matches prompts.lock is logged here and fails the test suite
        # (tests/test_prompts.py), where the fix belongs: a new version, not an edited one.
        directory = container.settings.content.prompts_dir
        registry = PromptRegistry.load(directory)
        lock = default_lock_file(directory)
        for problem in registry.lock_problems(lock) if lock else []:
            log.warning("prompt_lock_mismatch", problem=problem)
        extras["prompts"] = registry
    trail = extras.get("audit") or AuditTrail(container.sessions, metrics=container.metrics)
    extras["audit"] = trail
    extras.setdefault("feedback", FeedbackService(container.sessions, trail))
    summaries = extras.get("summaries")
    if summaries is not None and getattr(summaries, "on_summary", "absent") is None:
        summaries.on_summary = summary_hook(trail)
