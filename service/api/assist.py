"""HTTP for POST /v1/assist: summary, intent, knowledge and suggestions in one call."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, post

from service.api.suggestions import Channel, CustomerIn, EscalationOut, LLMOut, MessageIn, SuggestionOut, annotate_result, to_conversation
from service.container import Container
from service.errors import Unavailable
from service.keys import Principal


class AssistIn(msgspec.Struct, forbid_unknown_fields=True):
    channel: Channel
    messages: Annotated[list[MessageIn], msgspec.Meta(min_length=1, max_length=200)]
    customer: CustomerIn | None = None
    conversation_id: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    n: Annotated[int, msgspec.Meta(ge=1, le=5)] = 3
    top_k: Annotated[int, msgspec.Meta(ge=1, le=20)] = 5
    use_llm: bool = True
    include_summary: bool = True


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


class AssistController(Controller):
    path = "/assist"
    tags = ["suggestions"]

    @post("/", opt={"scope": "suggestions:read", "heavy": True}, status_code=200, summary="Summary, intent, knowledge and suggestions in one call")
    async def assist(self, data: AssistIn, principal: Principal, container: Container) -> AssistOut:
        service = container.extras.get("assist")
        if service is None:
            raise Unavailable("the assist service is not configured")
        body = await service.assist(
            principal.tenant_id, to_conversation(data), n=data.n, top_k=data.top_k, use_llm=data.use_llm, include_summary=data.include_summary
        )
        annotate_result(body)
        return msgspec.convert(body, AssistOut)
