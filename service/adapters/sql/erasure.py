"""The rows erasing a customer removes outside the audit trail (issue 12); the use case is
:mod:`service.privacy.erasure`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from service.adapters.sql.models import AuditRecord, CustomerIdentity, Interaction, SuggestionState, TriageEvent


async def delete_customer_rows(sessions: async_sessionmaker, tenant: str, customer_id: str,
                               hashes_of: Callable[[Iterable[str]], list[str]]) -> tuple[dict[str, int], list[str]]:
    """Delete the customer's interactions, handles and suggestion states, and the triage events about it (its id or
    a handle among the event's subject hashes, ``hashes_of`` making them, or quoted in the stored
    answer), in one transaction. Returns the counts and the ids of the audit records of feedback
    on the customer's suggestions (they name the suggestion's record, not the customer)."""
    async with sessions.begin() as session:
        handles = [v for (v,) in (await session.execute(select(CustomerIdentity.value).where(
            CustomerIdentity.tenant_id == tenant, CustomerIdentity.customer_id == customer_id))).all()]
        counts = {
            "interactions": (await session.execute(delete(Interaction).where(
                Interaction.tenant_id == tenant, Interaction.customer_id == customer_id))).rowcount or 0,
            "identities": (await session.execute(delete(CustomerIdentity).where(
                CustomerIdentity.tenant_id == tenant, CustomerIdentity.customer_id == customer_id))).rowcount or 0,
            # the conversation state each suggestion answered (stale drafts) names the customer
            "suggestion_states": (await session.execute(delete(SuggestionState).where(
                SuggestionState.tenant_id == tenant, SuggestionState.customer_id == customer_id))).rowcount or 0,
        }
        needles = [customer_id, *handles]
        hashes, quoted = set(hashes_of(needles)), [json.dumps(n) for n in needles]
        doomed = [row for row in (await session.scalars(select(TriageEvent).where(TriageEvent.tenant_id == tenant))).all()
                  if hashes & set(row.subject_hashes or ()) or any(q in json.dumps(row.response) for q in quoted)]
        for row in doomed:
            await session.delete(row)
        counts["triage_events"] = len(doomed)
        own = {r for (r,) in (await session.execute(select(AuditRecord.id).where(
            AuditRecord.tenant_id == tenant, AuditRecord.customer_id == customer_id))).all()}
        feedback = [] if not own else [
            rid for rid, output in (await session.execute(select(AuditRecord.id, AuditRecord.output).where(
                AuditRecord.tenant_id == tenant, AuditRecord.endpoint == "feedback", AuditRecord.erased.is_(False)))).all()
            if isinstance(output, dict) and output.get("suggestion_audit_id") in own
        ]
    return counts, feedback
