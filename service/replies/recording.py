"""What is kept of an answer: every suggestion (id, text, engine, prompt) and one audit record
for the answer (ids, versions, checks; customer text masked), written together through the
:class:`~service.ports.SuggestionLog` port, or not at all."""

from __future__ import annotations

from typing import Any

from service.ports import StoredSuggestion
from service.replies.conversation import Conversation, SuggestResult


def stored(result: SuggestResult) -> list[StoredSuggestion]:
    return [StoredSuggestion(id=s.id, text=s.text, engine=s.engine, prompt=s.prompt) for s in result.suggestions]


def audit_entry(tenant: str, conv: Conversation, result: SuggestResult) -> dict[str, Any]:
    llm = result.llm
    return {
        "tenant_id": tenant,
        "endpoint": "suggestions",
        "customer_id": conv.customer.get("id"),
        "input_redacted": {"channel": conv.channel, "conversation_id": conv.conversation_id, "messages": result.audit.get("masked_input", [])},
        "articles": [{"article_id": h.article_id, "chunk_id": h.chunk_id, "version": h.version} for h in result.knowledge],
        "prompt": llm.get("prompt"),
        "model": llm.get("model"),
        "params": {"channel": conv.channel},
        "tokens": llm.get("tokens", {}),
        "policy": {
            "policy": result.policy,
            "llm_outcome": llm.get("outcome"),
            "skipped_reason": llm.get("skipped_reason"),
            "attempts": result.audit.get("attempts", []),
            "escalation": result.escalation,
            "rejected_facts": conv.rejected_facts(),
        },
        "outcome": llm.get("outcome") or "skipped",
        "latency_ms": result.timings.get("total_ms", 0.0),
        "output": {"suggestions": [{"id": s.id, "engine": s.engine, "citations": s.citations, "confidence": s.confidence} for s in result.suggestions]},
    }
