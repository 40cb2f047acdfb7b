"""Liveness, readiness and metrics (no authentication)."""

from __future__ import annotations

from litestar import Request, Response, get

from service.observability.metrics import CONTENT_TYPE
from service.startup import RETRY_AFTER_S, not_ready_reason


@get("/healthz", include_in_schema=True, tags=["operations"], summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", tags=["operations"], summary="Model and taxonomy loaded, index and database reachable")
async def readyz(request: Request) -> Response:
    container = getattr(request.app.state, "container", None)
    if container is None:
        startup = getattr(request.app.state, "startup", None)
        status = "failed" if startup is not None and startup.error else "starting"
        return Response({"status": status, "reason": not_ready_reason(request.app.state), "checks": {}}, status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_S)})
    checks = await container.ready()
    ok = all(checks.values())
    body: dict = {"status": "ready" if ok else "unavailable", "checks": checks}
    if not ok:
        body["reason"] = "not ready: " + ", ".join(name for name, passed in checks.items() if not passed)
        problem = getattr(container.intents, "last_error", None)
        if not checks.get("taxonomy", True) and problem:
            body["reason"] += f" (taxonomy: {problem})"
    return Response(body, status_code=200 if ok else 503, headers=None if ok else {"Retry-After": "5"})


@get("/metrics", tags=["operations"], summary="Prometheus metrics", media_type=CONTENT_TYPE)
async def metrics(request: Request) -> Response:
    container = getattr(request.app.state, "container", None)
    if container is None:
        return Response(f"# {not_ready_reason(request.app.state)}\n", status_code=503, media_type=CONTENT_TYPE,
                        headers={"Retry-After": str(RETRY_AFTER_S)})
    try:
        container.metrics.index_chunks.set(container.index.count())
    except Exception:  # a down index must not break the metrics page
        pass
    return Response(container.metrics.render(), media_type=CONTENT_TYPE)
