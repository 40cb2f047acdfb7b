"""HTTP for suggested replies: POST /v1/suggestions, its streamed form, and POST /v1/assist's
wire schemas (shared input)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, post
from litestar.response import ServerSentEvent, ServerSentEventMessage

from service.api.deps import Injected
from service.api.continuity import attach_history, continuity_of, history_block
from service.api.interactions import HandleIn
from service.replies.service import Conversation, Message, SuggestionService
from service.continuity.service import ContinuityService
from service.tenancy.keys import Principal
from service.observability.logging import annotate

Channel = Literal["chat", "email", "sms", "voice", "social", "web"]


class MessageIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Literal["customer", "agent", "bot", "system"]
    text: Annotated[str, msgspec.Meta(max_length=8000)]
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@/#+-]{0,127}$")] | None = None
    """The message's id in your system: a message already in the customer's history counts once."""
    ts: datetime | None = None
    """When it was sent (ISO 8601); default: just before now, in order."""


class CustomerIn(msgspec.Struct, forbid_unknown_fields=True):
    id: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    """Customer id (for the summary and the audit trail)."""
    first_name: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    order_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    handle: HandleIn | None = None
    """Or a handle linked to the customer (e-mail, phone, social, external): the answer uses the
    stored history of whoever it belongs to (with ``id`` too and record on: the handle is linked)."""


class SuggestIn(msgspec.Struct, forbid_unknown_fields=True):
    channel: Channel
    messages: Annotated[list[MessageIn], msgspec.Meta(min_length=1, max_length=200)]
    """The conversation so far, oldest first."""
    customer: CustomerIn | None = None
    """Facts the agent already knows; they fill {first_name} and {order_id} in approved replies."""
    conversation_id: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    n: Annotated[int, msgspec.Meta(ge=1, le=5)] = 3
    """How many ranked replies at most."""
    use_llm: bool = True
    """false: grounded replies only, even when an LLM is configured."""
    record: bool | None = None
    """Store these messages in the customer's history (idempotent); default: the tenant's setting."""


class CitationOut(msgspec.Struct):
    article_id: str
    chunk_id: str
    version: int
    title: str


class CheckOut(msgspec.Struct):
    check: str
    passed: bool
    findings: list[str]


class HistoryCitationOut(msgspec.Struct):
    interaction_id: str
    channel: str
    ts: str
    commitment: str | None
    status: str | None


class SuggestionOut(msgspec.Struct):
    id: str
    """Quote it in POST /v1/suggestions/{id}/feedback."""
    rank: int
    text: str
    engine: str
    """llm, grounded (approved article text only) or policy (escalation or fallback text)."""
    citations: list[CitationOut]
    prompt: str | None
    """id@version of the prompt (LLM replies only)."""
    model: str | None
    confidence: float
    checks: list[CheckOut]
    """Every policy check and its result (all passed: nothing else reaches an agent)."""
    repaired: bool
    history_citations: list[HistoryCitationOut] = []
    """Stored interactions the reply refers to (an earlier commitment it acknowledges)."""


class EscalationOut(msgspec.Struct):
    id: str
    queue: str
    action: str


class AttemptOut(msgspec.Struct):
    attempt: str
    outcome: str
    findings: list[str]


class LLMOut(msgspec.Struct):
    used: bool
    outcome: str
    """used, repaired, replaced (the LLM's reply failed the checks) or skipped."""
    skipped_reason: str | None
    """not_configured, not_requested, circuit_open, timeout, unavailable, upstream_error,
    failed_checks, escalation, no_knowledge, prompt_too_long."""
    detail: str | None
    model: str | None
    prompt: str | None
    attempts: list[AttemptOut]
    tokens: dict[str, int]
    calls: list[dict[str, Any]]


class SuggestOut(msgspec.Struct):
    suggestions: list[SuggestionOut]
    channel: str
    intent: str | None
    escalation: EscalationOut | None
    policy: str
    """id@version of the policy the replies were checked against."""
    llm: LLMOut
    timings: dict[str, float]
    """retrieval_ms, llm_ms (time waiting for the model), checks_ms, total_ms, non_llm_ms."""
    history: dict[str, Any] | None = None
    """With a customer: customer_id, interactions_used, recorded, channels, notes."""


def to_conversation(data: Any) -> Conversation:
    customer = data.customer
    facts = {k: v for k, v in (msgspec.structs.asdict(customer) if customer else {}).items() if v and k != "handle"}
    return Conversation(
        channel=data.channel,
        messages=[Message(m.role, m.text) for m in data.messages],
        customer=facts,
        conversation_id=data.conversation_id,
    )


def annotate_result(body: dict[str, Any]) -> None:
    llm = body.get("llm") or {}
    annotate(
        prompt=llm.get("prompt"),
        model=llm.get("model"),
        llm_outcome=llm.get("outcome"),
        llm_skipped=llm.get("skipped_reason"),
        tokens=llm.get("tokens"),
        suggestions=len(body.get("suggestions") or []),
        article_ids=sorted({c["article_id"] for s in body.get("suggestions") or [] for c in s["citations"]}),
        llm_ms=(body.get("timings") or {}).get("llm_ms"),
    )


class SuggestionsController(Controller):
    path = "/suggestions"
    tags = ["suggestions"]

    @post("/", opt={"scope": "suggestions:read", "heavy": True}, status_code=200, summary="Ranked, policy-checked reply suggestions for a conversation")
    async def suggest(self, data: SuggestIn, principal: Principal, suggester: Injected[SuggestionService],
                      continuity: Injected[ContinuityService | None]) -> SuggestOut:
        conv = to_conversation(data)
        ctx = await attach_history(continuity, principal.tenant_id, data, conv)
        result = await suggester.suggest(principal.tenant_id, conv, n=data.n, use_llm=data.use_llm)
        body = result.as_dict()
        if ctx is not None:
            await continuity_of(continuity).remember(principal.tenant_id, ctx, data.conversation_id, [s["id"] for s in body["suggestions"]])
            body["history"] = history_block(ctx)
        annotate_result(body)
        return msgspec.convert(body, SuggestOut)

    @post(
        "/stream",
        opt={"scope": "suggestions:read", "heavy": True},
        status_code=200,
        summary="The same, streamed as server-sent events",
        description=(
            "Events: `meta` (retrieved chunks, escalation, LLM status); `token` ({text}) as the LLM writes the "
            "draft; `retract` if the draft breaks a policy rule (discard the tokens shown); `final` with the body "
            "of POST /v1/suggestions. Only the `final` replies are checked: show tokens as a draft."
        ),
    )
    async def stream(self, data: SuggestIn, principal: Principal, suggester: Injected[SuggestionService],
                      continuity: Injected[ContinuityService | None]) -> ServerSentEvent:
        conv = to_conversation(data)
        await attach_history(continuity, principal.tenant_id, data, conv)
        events = suggester.stream(principal.tenant_id, conv, n=data.n, use_llm=data.use_llm)
        first = await events.__anext__()  # validation errors surface as problem+json, not a broken stream

        async def gen() -> AsyncIterator[ServerSentEventMessage]:
            yield ServerSentEventMessage(event=first["event"], data=json.dumps(first["data"]))
            async for event in events:
                if event["event"] == "final":
                    annotate_result(event["data"])
                yield ServerSentEventMessage(event=event["event"], data=json.dumps(event["data"]))

        return ServerSentEvent(gen())
