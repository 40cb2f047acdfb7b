"""Liveness, readiness and metrics (no authentication)."""

from __future__ import annotations

from litestar import Request, Response, get

from service.metrics import CONTENT_TYPE


@get("/healthz", include_in_schema=True, tags=["operations"], summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", tags=["operations"], summary="Model loaded, index and database reachable")
async def readyz(request: Request) -> Response:
    container = getattr(request.app.state, "container", None)
    if container is None:
        return Response({"status": "starting", "checks": {}}, status_code=503, headers={"Retry-After": "2"})
    checks = await container.ready()
    ok = all(checks.values())
    return Response(
        {"status": "ready" if ok else "unavailable", "checks": checks},
        status_code=200 if ok else 503,
        headers=None if ok else {"Retry-After": "5"},
    )


@get("/metrics", tags=["operations"], summary="Prometheus metrics", media_type=CONTENT_TYPE)
async def metrics(request: Request) -> Response:
    container = request.app.state.container
    try:
        container.metrics.index_chunks.set(container.index.count())
    except Exception:  # a down index must not break the metrics page
        pass
    return Response(container.metrics.render(), media_type=CONTENT_TYPE)
