"""HTTP for POST /v1/assist: summary, intent, knowledge and suggestions in one call."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, post

from service.api.deps import Injected
from service.api.continuity import attach_history, continuity_of, history_block
from service.api.suggestions import Channel, CustomerIn, EscalationOut, LLMOut, MessageIn, SuggestionOut, annotate_result, to_conversation
from service.assist.service import AssistService
from service.continuity.service import ContinuityService
from service.tenancy.keys import Principal


class AssistIn(msgspec.Struct, forbid_unknown_fields=True):
    channel: Channel
    messages: Annotated[list[MessageIn], msgspec.Meta(min_length=1, max_length=200)]
    customer: CustomerIn | None = None
    conversation_id: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    n: Annotated[int, msgspec.Meta(ge=1, le=5)] = 3
    top_k: Annotated[int, msgspec.Meta(ge=1, le=20)] = 5
    use_llm: bool = True
    include_summary: bool = True
    record: bool | None = None
    """Store these messages in the customer's history (idempotent); default: the tenant's setting."""


class IntentOut(msgspec.Struct):
    intent: str | None
    confidence: float


class KnowledgeHitOut(msgspec.Struct):
    article_id: str
    chunk_id: str
    title: str
    text: str
    score: float
    version: int
    heading: str


class AssistOut(msgspec.Struct):
    summary: dict[str, Any] | None
    """The summary of POST /v1/summaries for this conversation (null when unavailable; see notes)."""
    intent: IntentOut | None
    knowledge: list[KnowledgeHitOut]
    suggestions: list[SuggestionOut]
    escalation: EscalationOut | None
    policy: str
    llm: LLMOut
    timings: dict[str, float]
    """retrieval_ms, summary_ms, suggestions_ms, llm_ms (model time), total_ms, non_llm_ms."""
    notes: list[str]
    history: dict[str, Any] | None = None
    """With a customer (customer.id or customer.handle): customer_id, interactions_used,
    stored_total, recorded, channels, stale_suggestions (earlier suggestions for this conversation
    that answered an older state: newer customer messages exist), notes. Null without one."""


class AssistController(Controller):
    path = "/assist"
    tags = ["suggestions"]

    @post("/", opt={"scope": "suggestions:read", "heavy": True}, status_code=200, summary="Summary, intent, knowledge and suggestions in one call")
    async def assist(self, data: AssistIn, principal: Principal, assist: Injected[AssistService],
                     continuity: Injected[ContinuityService | None]) -> AssistOut:
        conv = to_conversation(data)
        ctx = await attach_history(continuity, principal.tenant_id, data, conv)
        body = await assist.assist(
            principal.tenant_id, conv, n=data.n, top_k=data.top_k, use_llm=data.use_llm, include_summary=data.include_summary
        )
        if ctx is not None:
            svc = continuity_of(continuity)
            stale = await svc.stale_suggestions(principal.tenant_id, ctx, data.conversation_id)
            await svc.remember(principal.tenant_id, ctx, data.conversation_id, [s["id"] for s in body["suggestions"]])
            body["history"] = history_block(ctx, stale)
        annotate_result(body)
        return msgspec.convert(body, AssistOut)
