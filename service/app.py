"""create_app(settings, overrides=None): the only place the service is wired."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
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

from service.adapters.sql.errors import database_unavailable
from service.api.auth import provide_principal, require_scope
from service.api.continuity import HOOKS as CONTINUITY_HOOKS  # issue 14
from service.api.deps import DEPENDENCIES
from service.api.health import healthz, metrics, readyz
from service.api.limits import HeavySlotRelease
from service.api.request import AssistRequest
from service.api.routes import V1_HANDLERS
from service.errors import problem_handler
from service.observability.logging import RequestLogMiddleware, configure_logging
from service.observability.metrics import Metrics
from service.panel.http import panel_router  # issue 15
from service.settings import Settings
from service.startup import Startup, describe_loaded
from service.wiring import UNSET, Container, Overrides, build_container

VERSION = "0.1.0"
log = structlog.get_logger("service.startup")


def create_listening_app() -> Litestar:
    """The factory `assist serve --workers N` gives uvicorn: each worker's port (bound by the
    parent) is open already, so its start-up runs in the background at once."""
    startup = Startup()
    startup.mark_listening("the port of the parent process")
    return create_app(Settings.from_env(), startup=startup)


def create_app(settings: Settings | None = None, overrides: Overrides | dict[str, Any] | None = None,
               startup: Startup | None = None) -> Litestar:
    """Build the app. ``overrides`` replaces components by name (``embedder``, ``index``,
    ``chat_model``...; see :class:`~service.wiring.Overrides`, an unknown name is refused at
    once): tests hand in fakes or shared instances here. Controllers receive the container's
    components as Litestar dependencies (service/api/deps.py).

    With ``startup`` (what `assist serve` passes) the lifespan returns at once and the
    components are built in the background once the port is open: `/healthz` answers, and
    `/readyz` and every /v1 route answer 503 with the phase and `Retry-After` until ready.
    Without it the lifespan builds everything before the app answers anything."""
    settings = settings or Settings.from_env()
    configure_logging(settings.server.log_level, settings.server.log_format)
    overrides = Overrides.of(overrides)
    if overrides.metrics is UNSET:  # the request-log middleware and the container share one
        overrides = dataclasses.replace(overrides, metrics=Metrics())
    metrics_ = overrides.metrics

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # asyncio.to_thread's pool (the default: cores + 4 threads) would queue requests whose
        # threads only wait for the embedding model; anyio's (index calls) gets the same size.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=settings.server.worker_threads, thread_name_prefix="assist")
        )
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.server.worker_threads

        async def build(step: Callable[[str], None]) -> Container:
            container = await build_container(settings, overrides, step=step)
            app.state.container = container
            return container

        if startup is None:
            await build(lambda _phase: None)
            task = None
        else:
            app.state.startup = startup

            async def build_and_announce(step: Callable[[str], None]) -> Container:
                container = await build(step)
                # What start-up loaded (the model, the tokenizer, the index, the policy) lives as
                # long as the process: out of the collector's generations, a full collection
                # under load no longer walks it (a pause of tens of milliseconds per request burst).
                gc.collect()
                gc.freeze()
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
        dependencies={"principal": Provide(provide_principal)},
        security=[{"bearer": []}],
    )
    return Litestar(
        route_handlers=[healthz, readyz, metrics, v1, panel_router(), CONTINUITY_HOOKS],
        lifespan=[lifespan],
        dependencies=DEPENDENCIES,
        exception_handlers={Exception: problem_handler(database_unavailable)},
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
