"""Bearer-key authentication and scope checks for every /v1 route.

Each /v1 handler declares the scope it needs with ``opt={"scope": "..."}``; the guard on the
/v1 router authenticates the key, checks the scope (a handler without one is refused: fail
closed) and leaves the :class:`Principal` on ``request.state.principal``. Handlers receive it
as the ``principal`` dependency and pass ``principal.tenant_id`` to every use case.
"""

from __future__ import annotations

import structlog
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from service.api.limits import HEAVY_RELEASE
from service.errors import Forbidden, Unauthorized, Unavailable
from service.tenancy.keys import Principal
from service.observability.logging import annotate
from service.panel.sessions import is_panel_token  # issue 15
from service.startup import RETRY_AFTER_S, not_ready_reason


async def require_scope(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    container = getattr(connection.app.state, "container", None)
    if container is None:  # a listen-first start is still loading (or failed): retry later
        raise Unavailable(not_ready_reason(connection.app.state), retry_after=RETRY_AFTER_S)
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing API key: send 'Authorization: Bearer <key>'")
    token = token.strip()
    if is_panel_token(token):  # issue 15: a short-lived panel session (panel scopes only)
        panel = container.panel
        principal = await panel.authenticate(token) if panel is not None else None
    else:
        principal = await container.keys.authenticate(token)
    if principal is None:
        raise Unauthorized("the API key is unknown, malformed or revoked")
    structlog.contextvars.bind_contextvars(tenant=principal.tenant_id, key_id=principal.key_id)
    annotate(tenant=principal.tenant_id, key_id=principal.key_id)
    scope = handler.opt.get("scope")
    if not scope:
        raise Forbidden("this route declares no scope and is closed")
    if not principal.allows(scope):
        raise Forbidden(f"the API key lacks the scope {scope!r} needed here")
    if container.rate_limiter is not None:
        container.rate_limiter.check(principal.key_id)
    heavy = container.heavy_slots
    if heavy is not None and handler.opt.get("heavy"):
        # Released by release_heavy_slot when the response (a stream included) is finished.
        connection.scope.setdefault("state", {})[HEAVY_RELEASE] = await heavy.acquire(principal.key_id)
    connection.state.principal = principal


async def provide_principal(request: ASGIConnection) -> Principal:
    return request.state.principal
