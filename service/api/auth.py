"""Bearer-key authentication and scope checks for every /v1 route.

Each /v1 handler declares the scope it needs with ``opt={"scope": "..."}``; the guard on the
/v1 router authenticates the key, checks the scope (a handler without one is refused: fail
closed) and leaves the :class:`Principal` on ``request.state.principal``. Handlers receive it
as the ``principal`` dependency and pass ``principal.tenant_id`` to every use case.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque

import structlog
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from service.errors import Forbidden, RateLimited, Unauthorized, Unavailable
from service.keys import Principal
from service.logging import annotate
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
        panel = container.extras.get("panel")
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
    limiter: RateLimiter | None = container.extras.get("rate_limiter")
    if limiter is not None:
        limiter.check(principal.key_id)
    connection.state.principal = principal


async def provide_principal(request: ASGIConnection) -> Principal:
    return request.state.principal


class RateLimiter:
    """A sliding one-minute window per key, in process (each worker counts its own requests)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def check(self, key_id: str) -> None:
        now = time.monotonic()
        hits = self._hits[key_id]
        while hits and hits[0] <= now - 60:
            hits.popleft()
        if len(hits) >= self.per_minute:
            retry = max(1, int(60 - (now - hits[0])) + 1)
            raise RateLimited(
                f"rate limit of {self.per_minute} requests per minute for this key exceeded",
                headers={"Retry-After": str(retry)},
            )
        hits.append(now)
