"""HTTP for summaries: POST /v1/summaries for a stored customer or an inline history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, post

from service.ports import InteractionRepository
from service.api.deps import Injected
from service.api.interactions import HandleIn, resolve_handles
from service.domain.interactions import normalise_handle, parse_history
from service.summaries.service import SummaryService
from service.errors import InvalidInput, NotFound
from service.tenancy.keys import Principal
from service.observability.logging import annotate


class SummaryIn(msgspec.Struct, forbid_unknown_fields=True):
    customer_id: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] | None = None
    """Summarise this customer's stored history."""
    handle: HandleIn | None = None
    """Or the customer linked to this handle."""
    history: list[Any] | None = None
    """Or this history, passed inline, oldest first (max 2000 interactions)."""
    channel: str | None = None
    """The channel the agent is answering on (chat, email, voice, sms, social, web)."""
    max_tokens: Annotated[int, msgspec.Meta(ge=256, le=128_000)] | None = None
    """Token budget for the history in the LLM prompt (default: the service's context size)."""
    engine: Literal["auto", "extractive", "llm"] = "auto"
    """auto: the LLM when one is configured, else extractive."""


class SummariesController(Controller):
    path = "/summaries"
    tags = ["summaries"]

    @post("/", opt={"scope": "interactions:read", "heavy": True}, status_code=200,
          summary="Structured cross-channel summary: need, open issues, promises, facts, timeline, sentiment, next step",
          description=(
              "Give exactly one of customer_id, handle or history. Every item carries sources (interaction ids). "
              "coverage says what was summarised and what was left out; pii_masked counts masked values (card "
              "numbers, ids, secrets never appear in the answer or reach the LLM)."))
    async def summarize(self, data: SummaryIn, principal: Principal, summaries: Injected[SummaryService],
                        interactions: Injected[InteractionRepository]) -> dict[str, Any]:
        given = [n for n in ("customer_id", "handle", "history") if getattr(data, n) is not None]
        if len(given) != 1:
            raise InvalidInput("give exactly one of customer_id, handle or history"
                               + (f" (got {', '.join(given)})" if given else ""))
        svc = summaries
        stored_total = None
        customer_id = data.customer_id
        if data.history is not None:
            raws = await resolve_handles(interactions, principal.tenant_id, data.history, "history") \
                if any(isinstance(r, dict) and r.get("handle") for r in data.history) else data.history
            history = parse_history(raws, customer_id=None)
            customer_id = history[0].customer_id
        else:
            if data.handle is not None:
                kind, value = normalise_handle(data.handle.kind, data.handle.value)
                customer_id = await interactions.resolve(principal.tenant_id, kind, value)
                if customer_id is None:
                    raise NotFound(f"no customer is linked to {kind} {value!r}")
            assert customer_id is not None
            history, stored_total = await svc.load_history(principal.tenant_id, customer_id)
        summary = await svc.summarize(principal.tenant_id, history, customer_id=customer_id, channel=data.channel,
                                      max_tokens=data.max_tokens, engine=data.engine, stored_total=stored_total)
        annotate(engine=summary.engine, prompt=summary.prompt, model=summary.model,
                 interactions=summary.coverage.get("interactions_used"), fallback=summary.fallback_reason,
                 pii_masked=sum(summary.pii_masked.values()), summary_ms=summary.latency_ms)
        return summary.to_dict()
