"""create_app(settings, overrides=None): the only place the service is wired."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from typing import Any

import anyio.to_thread
import structlog
from litestar import Litestar, Router
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from service.api import V1_HANDLERS
from service.api.continuity import HOOKS as CONTINUITY_HOOKS  # issue 14
from service.api.auth import HeavySlotRelease, HeavySlots, RateLimiter, provide_principal, require_scope
from service.api.deps import provide_container
from service.api.health import healthz, metrics, readyz
from service.api.request import AssistRequest
from service.wiring import build_container
from service.errors import exception_to_problem
from service.observability.logging import RequestLogMiddleware, configure_logging
from service.observability.metrics import Metrics
from service.panel.http import panel_router  # issue 15
from service.settings import Settings
from service.startup import Startup, describe_loaded

VERSION = "0.1.0"
log = structlog.get_logger("service.startup")


def create_listening_app() -> Litestar:
    """The factory `assist serve --workers N` gives uvicorn: each worker's port (bound by the
    parent) is open already, so its start-up runs in the background at once."""
    startup = Startup()
    startup.mark_listening("the port of the parent process")
    return create_app(Settings.from_env(), startup=startup)


def create_app(settings: Settings | None = None, overrides: dict[str, Any] | None = None,
               startup: Startup | None = None) -> Litestar:
    """Build the app. ``overrides`` replaces components by name (``embedder``, ``index``,
    ``chat_model``...): tests hand in fakes or shared instances here.

    With ``startup`` (what `assist serve` passes) the lifespan returns at once and the
    components are built in the background once the port is open: `/healthz` answers, and
    `/readyz` and every /v1 route answer 503 with the phase and `Retry-After` until ready.
    Without it the lifespan builds everything before the app answers anything."""
    settings = settings or Settings.from_env()
    configure_logging(settings.server.log_level, settings.server.log_format)
    overrides = dict(overrides or {})
    metrics_ = overrides.setdefault("metrics", Metrics())

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # asyncio.to_thread's pool (the default: cores + 4 threads) would queue requests whose
        # threads only wait for the embedding model; anyio's (index calls) gets the same size.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=settings.server.worker_threads, thread_name_prefix="assist")
        )
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.server.worker_threads

        async def build(step: Callable[[str], None]) -> Any:
            container = await build_container(settings, overrides, step=step)
            if settings.server.rate_limit_per_minute and "rate_limiter" not in container.extras:
                container.extras["rate_limiter"] = RateLimiter(settings.server.rate_limit_per_minute)
            if settings.server.heavy_per_key and "heavy_slots" not in container.extras:
                container.extras["heavy_slots"] = HeavySlots(settings.server.heavy_per_key, settings.server.heavy_wait_s)
            app.state.container = container
            return container

        if startup is None:
            await build(lambda _phase: None)
            task = None
        else:
            app.state.startup = startup

            async def build_and_announce(step: Callable[[str], None]) -> Any:
                container = await build(step)
                startup.loaded = describe_loaded(container)
                log.info("ready", address=startup.address, **startup.loaded)
                return container

            task = asyncio.create_task(startup.run(build_and_announce))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
            container = getattr(app.state, "container", None)
            if container is not None:
                await container.close()

    v1 = Router(
        path="/v1",
        route_handlers=V1_HANDLERS,
        guards=[require_scope],
        dependencies={"principal": Provide(provide_principal), "container": Provide(provide_container)},
        security=[{"bearer": []}],
    )
    return Litestar(
        route_handlers=[healthz, readyz, metrics, v1, panel_router(), CONTINUITY_HOOKS],
        lifespan=[lifespan],
        exception_handlers={Exception: exception_to_problem},
        middleware=[DefineMiddleware(RequestLogMiddleware, metrics=metrics_), HeavySlotRelease],
        request_max_body_size=settings.server.max_body_bytes,
        request_class=AssistRequest,  # issue 12: JSON nesting capped before decoding
        openapi_config=OpenAPIConfig(
            title="Agent Assist",
            version=VERSION,
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", description="API key: aa_<id>_<secret>")}
            ),
        ),
        debug=False,
    )
