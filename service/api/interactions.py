"""HTTP for customer history: record interactions (one or a batch), read them, link identities."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import Parameter

from service.ports import InteractionRepository
from service.api.deps import Injected
from service.domain.interactions import CUSTOMER_ID_PATTERN, MAX_BATCH, normalise_channel, normalise_handle, parse_batch
from service.errors import InvalidInput, NotFound, PayloadTooLarge
from service.tenancy.keys import Principal
from service.observability.logging import annotate


class HandleIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    """email, phone, social (``network:handle``) or external."""
    value: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    customer_id: Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=CUSTOMER_ID_PATTERN)]
    handles: Annotated[list[HandleIn], msgspec.Meta(min_length=1, max_length=50)]


class HandleOut(msgspec.Struct):
    kind: str
    value: str


class LinkOut(msgspec.Struct):
    customer_id: str
    handles: list[HandleOut]


async def resolve_handles(store: InteractionRepository, tenant_id: str, raws: list[Any], field: str) -> list[Any]:
    """Items that name their customer by ``handle`` instead of ``customer_id`` get the linked id."""
    wanted: dict[int, tuple[str, str]] = {}
    errors: list[dict[str, str]] = []
    for i, raw in enumerate(raws):
        if isinstance(raw, dict) and not raw.get("customer_id") and raw.get("handle") is not None:
            h = raw["handle"]
            try:
                if not isinstance(h, dict):
                    raise InvalidInput("handle must be an object {kind, value}")
                wanted[i] = normalise_handle(h.get("kind"), h.get("value"))
            except InvalidInput as exc:
                errors.append({"key": f"{field}[{i}].handle", "message": exc.detail})
    found = await store.resolve_many(tenant_id, wanted.values()) if wanted else {}
    out = list(raws)
    for i, key in wanted.items():
        cid = found.get(key)
        if cid is None:
            errors.append({"key": f"{field}[{i}].handle",
                           "message": f"no customer is linked to {key[0]} {key[1]!r}; link it with POST /v1/identities "
                                      "or send customer_id"})
            continue
        out[i] = {k: v for k, v in raws[i].items() if k != "handle"} | {"customer_id": cid}
    if errors:
        raise InvalidInput(errors[0]["key"] + ": " + errors[0]["message"], errors=errors)
    return out


class InteractionsController(Controller):
    path = "/"
    tags = ["interactions"]

    @post("/interactions", opt={"scope": "interactions:write", "heavy": True}, summary="Record one interaction or a batch (idempotent by id)",
          description=(
              "Body: one interaction, or {\"interactions\": [...]} with at most 500. Each interaction: id, customer_id "
              "(or handle {kind, value} of a linked identity), channel (chat, email, voice, sms, social, web), "
              "direction (inbound, outbound, internal; default from the role), author_role (customer, agent, bot, "
              "system), ts (ISO 8601), text, thread_id, kind ('message' or a system event such as order_placed, "
              "refund_issued), metadata. Re-sending an id with the same content is a no-op (reported as duplicate); "
              "with different content it is a 409 and nothing of the batch is written. 201 when something was "
              "inserted, 200 when everything was already there."))
    async def record(self, data: dict[str, Any], principal: Principal, interactions: Injected[InteractionRepository]) -> Response[dict[str, Any]]:
        store = interactions
        if "interactions" in data:
            extra = sorted(set(data) - {"interactions"})
            if extra:
                raise InvalidInput(f"unexpected field(s) next to 'interactions': {', '.join(extra)}")
            raws = data["interactions"]
            if not isinstance(raws, list):
                raise InvalidInput("interactions must be a list")
            field = "interactions"
        else:
            raws, field = [data], "interaction"
        if len(raws) > MAX_BATCH:
            raise PayloadTooLarge(f"{len(raws)} interactions in one request; the limit is {MAX_BATCH}")
        raws = await resolve_handles(store, principal.tenant_id, raws, field)
        items = parse_batch(raws, field_name=field, single=field == "interaction")
        report = await store.add(principal.tenant_id, items)
        annotate(interactions_inserted=len(report.inserted), interactions_duplicate=len(report.duplicates))
        return Response(report.as_dict(), status_code=201 if report.inserted else 200)

    @get("/customers/{customer_id:str}/interactions", opt={"scope": "interactions:read"},
         summary="A customer's history across channels, oldest first")
    async def history(
        self,
        customer_id: Annotated[str, Parameter(max_length=128)],
        principal: Principal,
        interactions: Injected[InteractionRepository],
        limit: Annotated[int, Parameter(ge=1, le=2000)] = 200,
        channel: Annotated[str | None, Parameter(max_length=32)] = None,
    ) -> dict[str, Any]:
        store = interactions
        ch = None
        if channel is not None:
            ch = normalise_channel(channel)
            if ch is None:
                raise InvalidInput(f"unknown channel {channel!r}; expected chat, email, voice, sms, social or web")
        items = await store.history(principal.tenant_id, customer_id, limit=limit, channel=ch)
        if not items and not await store.customer_known(principal.tenant_id, customer_id):
            raise NotFound(f"unknown customer {customer_id!r}: no interactions or handles recorded for it")
        return {"customer_id": customer_id, "count": len(items), "interactions": [it.to_wire() for it in items]}

    @get("/customers/{customer_id:str}/identities", opt={"scope": "interactions:read"},
         summary="The handles linked to a customer")
    async def identities(self, customer_id: Annotated[str, Parameter(max_length=128)], principal: Principal,
                         interactions: Injected[InteractionRepository]) -> LinkOut:
        store = interactions
        handles = await store.handles(principal.tenant_id, customer_id)
        if not handles and not await store.customer_known(principal.tenant_id, customer_id):
            raise NotFound(f"unknown customer {customer_id!r}: no interactions or handles recorded for it")
        return LinkOut(customer_id, [HandleOut(h.kind, h.value) for h in handles])

    @post("/identities", opt={"scope": "interactions:write"}, status_code=200,
          summary="Link handles (e-mail, phone, social...) to one customer id",
          description="Idempotent. A handle already linked to another customer is a 409 and nothing is linked.")
    async def link(self, data: LinkIn, principal: Principal, interactions: Injected[InteractionRepository]) -> LinkOut:
        handles = await interactions.link(principal.tenant_id, data.customer_id,
                                                 [(h.kind, h.value) for h in data.handles])
        annotate(handles_linked=len(handles))
        return LinkOut(data.customer_id, [HandleOut(h.kind, h.value) for h in handles])

    @get("/identities/resolve", opt={"scope": "interactions:read"}, summary="Which customer a handle belongs to")
    async def resolve(self, kind: Annotated[str, Parameter(max_length=16)], value: Annotated[str, Parameter(max_length=256)],
                      principal: Principal, interactions: Injected[InteractionRepository]) -> dict[str, str]:
        cid = await interactions.resolve(principal.tenant_id, kind, value)
        if cid is None:
            raise NotFound(f"no customer is linked to {kind} {value!r}")
        return {"customer_id": cid}
