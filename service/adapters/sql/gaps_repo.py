"""SQL for the knowledge-gap loop (issue 19): the signal events of a period, and the gaps and
drafts of a tenant. Every query filters on the tenant.

The events come out in the format :mod:`service.gaps.signals` reads. Feedback is read through one
narrow query (:func:`feedback_decisions`): each suggestion's *last* decision in the period
(accepted, edited or rejected; ``shown`` is not a decision), so a change in how feedback is
recorded touches that function only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.adapters.sql.models import AuditRecord, Feedback, KnowledgeDraft, KnowledgeGap, Suggestion

DECISIONS = ("accepted", "edited", "rejected")
MAX_EVENTS = 20_000
"""Most audit records and feedback rows read for one analysis (newest first)."""


def _last_text(messages: Any) -> str:
    if isinstance(messages, list):
        for m in reversed(messages):
            text = m.get("text") if isinstance(m, dict) else m
            if isinstance(text, str) and text.strip():
                return text
    return ""


def _cited(articles: Any) -> list[str]:
    return [str(a.get("article_id")) for a in articles or [] if isinstance(a, dict) and a.get("article_id")]


async def feedback_decisions(session: AsyncSession, tenant: str, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The last decision on each suggestion decided in ``[since, until)``, with the customer's
    words (from the suggestion's masked audit record) and the articles it cited."""
    stmt = (
        select(Feedback.id, Feedback.suggestion_id, Feedback.event, Feedback.sent_text, Feedback.reason, Feedback.created_at,
               Suggestion.text, Suggestion.intent, Suggestion.conversation_id, Suggestion.audit_id)
        .join(Suggestion, Suggestion.id == Feedback.suggestion_id)
        .where(Feedback.tenant_id == tenant, Suggestion.tenant_id == tenant, Feedback.event.in_(DECISIONS),
               Feedback.created_at >= since, Feedback.created_at < until)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(MAX_EVENTS)
    )
    last: dict[str, Any] = {}
    for row in (await session.execute(stmt)).all():
        last.setdefault(row.suggestion_id, row)
    audits: dict[str, AuditRecord] = {}
    ids = sorted({r.audit_id for r in last.values()})
    for start in range(0, len(ids), 500):
        rows = await session.scalars(select(AuditRecord).where(AuditRecord.tenant_id == tenant, AuditRecord.id.in_(ids[start:start + 500])))
        audits.update({a.id: a for a in rows})
    out = []
    for r in last.values():
        audit = audits.get(r.audit_id)
        customer = _last_text((audit.input_redacted or {}).get("messages")) if audit and isinstance(audit.input_redacted, dict) else ""
        out.append({
            "type": "feedback", "at": r.created_at, "event": r.event, "customer_text": customer or r.text,
            "suggestion_text": r.text, "sent_text": r.sent_text, "reason": r.reason, "intent": r.intent,
            "articles": _cited(audit.articles) if audit else [], "conversation_id": r.conversation_id, "ref": f"feedback:{r.id}",
        })
    return out


def _audit_event(rec: AuditRecord) -> list[dict[str, Any]]:
    data = rec.input_redacted if isinstance(rec.input_redacted, dict) else {}
    ref = f"audit:{rec.id}"
    if rec.endpoint == "suggestions":
        policy = rec.policy or {}
        return [{"type": "suggestion", "at": rec.created_at, "customer_text": _last_text(data.get("messages")),
                 "skipped_reason": policy.get("skipped_reason"), "escalation": bool(policy.get("escalation")),
                 "articles": _cited(rec.articles), "intent": None, "conversation_id": data.get("conversation_id"), "ref": ref}]
    if rec.endpoint == "knowledge.search":
        hits = (rec.output or {}).get("hits") if isinstance(rec.output, dict) else None
        hits = hits or []
        return [{"type": "search", "at": rec.created_at, "query": data.get("query") or "", "mode": (rec.params or {}).get("mode"),
                 "top_score": max((float(h.get("score") or 0.0) for h in hits), default=None), "articles": _cited(hits), "ref": ref}]
    if rec.endpoint == "intents.classify":
        output = rec.output.get("value") if isinstance(rec.output, dict) else rec.output  # the trail wraps lists
        results = output if isinstance(output, list) else []
        if data.get("texts"):
            texts = list(data["texts"])
        elif data.get("messages"):
            texts = [_last_text([m for m in data["messages"] if isinstance(m, dict) and m.get("role") == "customer"])]
        else:
            texts = [data.get("text") or ""]
        return [{"type": "intent", "at": rec.created_at, "text": t, "intent": (res or {}).get("intent"),
                 "confidence": (res or {}).get("confidence"), "ref": f"{ref}#{i}"}
                for i, (t, res) in enumerate(zip(texts, results, strict=False))]
    return []


async def signal_events(session: AsyncSession, tenant: str, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Every event of the tenant in ``[since, until)`` that may carry a gap signal."""
    rows = await session.scalars(
        select(AuditRecord)
        .where(AuditRecord.tenant_id == tenant, AuditRecord.created_at >= since, AuditRecord.created_at < until,
               AuditRecord.endpoint.in_(("suggestions", "knowledge.search", "intents.classify")), AuditRecord.erased.is_(False))
        .order_by(AuditRecord.created_at.desc())
        .limit(MAX_EVENTS)
    )
    events = [e for rec in rows for e in _audit_event(rec)]
    return await feedback_decisions(session, tenant, since, until) + events


# ---- gaps and drafts ----------------------------------------------------------------------------


async def gaps(session: AsyncSession, tenant: str, status: str | None = None) -> list[KnowledgeGap]:
    stmt = select(KnowledgeGap).where(KnowledgeGap.tenant_id == tenant)
    if status:
        stmt = stmt.where(KnowledgeGap.status == status)
    return list((await session.scalars(stmt.order_by(KnowledgeGap.size.desc(), KnowledgeGap.id))).all())


async def gap(session: AsyncSession, tenant: str, gap_id: str) -> KnowledgeGap | None:
    row = await session.get(KnowledgeGap, gap_id)
    return row if row is not None and row.tenant_id == tenant else None


async def drafts(session: AsyncSession, tenant: str, status: str | None = None, gap_ids: Sequence[str] = ()) -> list[KnowledgeDraft]:
    stmt = select(KnowledgeDraft).where(KnowledgeDraft.tenant_id == tenant)
    if status:
        stmt = stmt.where(KnowledgeDraft.status == status)
    if gap_ids:
        stmt = stmt.where(KnowledgeDraft.gap_id.in_(list(gap_ids)))
    return list((await session.scalars(stmt.order_by(KnowledgeDraft.created_at.desc(), KnowledgeDraft.id))).all())


async def draft_for_update(session: AsyncSession, tenant: str, draft_id: str) -> KnowledgeDraft | None:
    stmt = select(KnowledgeDraft).where(KnowledgeDraft.id == draft_id, KnowledgeDraft.tenant_id == tenant)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).first()
