"""HTTP for continuity: identity merge (/v1/customers/merge) and the Chatwoot webhook
(/hooks/chatwoot/{tenant}[/{secret}], outside /v1: Chatwoot cannot send a bearer key; the URL
secret or Chatwoot's signature authenticates it)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Router, post
from litestar.params import Parameter

from service.api.deps import Injected, required
from service.continuity.context import WireMessage
from service.continuity.service import ContinuityService
from service.tenancy.keys import Principal
from service.observability.logging import annotate


NOT_CONFIGURED = "the continuity service is not configured"


def continuity_of(continuity: ContinuityService | None) -> ContinuityService:
    return required(continuity, NOT_CONFIGURED)


class MergeIn(msgspec.Struct, forbid_unknown_fields=True, rename={"source": "from", "target": "into"}):
    source: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    target: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class CustomersController(Controller):
    path = "/customers"
    tags = ["interactions"]

    @post("/merge", opt={"scope": "interactions:write"}, status_code=200,
          summary="Merge two customer ids that are one person: interactions and handles move to 'into' (audited)")
    async def merge(self, data: MergeIn, principal: Principal, continuity: Injected[ContinuityService | None]) -> dict[str, Any]:
        body = await continuity_of(continuity).merge_customers(principal.tenant_id, data.source, data.target,
                                                              key_id=principal.key_id)
        annotate(merged_interactions=body["moved"]["interactions"], merged_handles=body["moved"]["handles"])
        return body


async def _chatwoot(tenant: str, secret: str | None, request: Request, continuity: ContinuityService | None) -> dict[str, Any]:
    body = await request.body()
    out = await continuity_of(continuity).chatwoot(tenant, body, dict(request.headers), secret)
    annotate(tenant=tenant, chatwoot_event=out.get("event"), interactions_inserted=out.get("inserted"))
    return out


@post("/chatwoot/{tenant:str}", status_code=200, summary="Chatwoot account webhook (signed with X-Chatwoot-Signature)",
      tags=["continuity"])
async def chatwoot_signed(tenant: Annotated[str, Parameter(max_length=64)], request: Request,
                          continuity: Injected[ContinuityService | None]) -> dict[str, Any]:
    return await _chatwoot(tenant, None, request, continuity)


@post("/chatwoot/{tenant:str}/{secret:str}", status_code=200, summary="Chatwoot account webhook (secret in the URL)",
      tags=["continuity"])
async def chatwoot_secret(tenant: Annotated[str, Parameter(max_length=64)], secret: Annotated[str, Parameter(max_length=128)],
                          request: Request, continuity: Injected[ContinuityService | None]) -> dict[str, Any]:
    return await _chatwoot(tenant, secret, request, continuity)


HOOKS = Router(path="/hooks", route_handlers=[chatwoot_signed, chatwoot_secret])


async def attach_history(continuity: ContinuityService | None, tenant: str, data: Any, conv: Any) -> Any:
    """Give ``conv`` the customer's whole story when the request names a customer (by id or by a
    linked handle); returns the context (None: today's behaviour, the request alone)."""
    customer = getattr(data, "customer", None)
    if customer is None or (not customer.id and customer.handle is None):
        return None
    svc = continuity_of(continuity)
    handle = (customer.handle.kind, customer.handle.value) if customer.handle is not None else None
    messages = [WireMessage(m.role, m.text, m.id, m.ts) for m in data.messages]
    ctx = await svc.context(tenant, customer_id=customer.id, handle=handle, channel=data.channel,
                            conversation_id=data.conversation_id, messages=messages, record=data.record)
    if ctx is not None:
        conv.context = ctx
        conv.customer["id"] = ctx.customer_id
        annotate(history_interactions=len(ctx.history), history_recorded=ctx.recorded)
    return ctx


def history_block(ctx: Any, stale: list[str] | None = None) -> dict[str, Any] | None:
    if ctx is None:
        return None
    return {"customer_id": ctx.customer_id, "interactions_used": len(ctx.history), "stored_total": ctx.stored_total,
            "recorded": ctx.recorded, "channels": sorted({it.channel for it in ctx.history}),
            "stale_suggestions": stale or [], "notes": ctx.notes}
