"""HTTP for the help-desk triage hook: POST /v1/hooks/triage (generic JSON) and
POST /v1/hooks/triage/zendesk (Zendesk ticket event webhooks).

The body is read raw: the HMAC signature is checked over the exact bytes before parsing."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post

from service.api.deps import Injected
from service.triage.service import TriageService
from service.api.request import check_json_depth
from service.continuity.service import ContinuityService
from service.tenancy.keys import Principal
from service.observability.logging import annotate


async def _handle(source: str, request: Request, principal: Principal, triage: TriageService,
                  continuity: ContinuityService | None) -> Response[dict[str, Any]]:
    body = await request.body()
    check_json_depth(body)  # issue 12: the hook decodes the raw body itself
    # The use case stores a new event with its audit record (issue 6) in one transaction.
    outcome = await triage.handle(principal.tenant_id, source, body, dict(request.headers), key_id=principal.key_id)
    if source == "zendesk" and continuity is not None:  # issue 14: comments feed the customer's history
        stored = await continuity.zendesk(principal.tenant_id, body)
        annotate(interactions_inserted=stored.get("inserted"))
    annotate(triage_source=source, ticket_id=outcome.response.get("ticket_id"), replayed=outcome.replayed,
             taxonomy_version=outcome.response.get("taxonomy_version"))
    headers = {"Idempotent-Replayed": "true" if outcome.replayed else "false"}
    return Response(outcome.response, status_code=200, headers=headers)


class TriageController(Controller):
    path = "/hooks/triage"
    tags = ["triage"]

    @post("/", opt={"scope": "triage:write", "heavy": True}, status_code=200,
          summary="Triage a new or updated ticket (generic JSON); signed with X-Assist-Signature")
    async def generic(self, request: Request, principal: Principal, triage: Injected[TriageService],
                      continuity: Injected[ContinuityService | None]) -> Response[dict[str, Any]]:
        return await _handle("generic", request, principal, triage, continuity)

    @post("/zendesk", opt={"scope": "triage:write", "heavy": True}, status_code=200,
          summary="Triage a Zendesk ticket event webhook (zen:event-type:ticket.*)")
    async def zendesk(self, request: Request, principal: Principal, triage: Injected[TriageService],
                      continuity: Injected[ContinuityService | None]) -> Response[dict[str, Any]]:
        return await _handle("zendesk", request, principal, triage, continuity)
