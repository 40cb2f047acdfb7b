"""Listen first, load after: what a starting service is doing, for /readyz and the start-up log.

`assist serve` binds its port before the heavy part of the start (migrations, the embedding
model, the index, training the intent classifier) so that `/healthz` answers at once and
`/readyz` answers 503 with the reason and a `Retry-After` until everything is loaded. The
:class:`Startup` object is the one place that state lives: the server marks it listening, the
lifespan's background task moves it through its phases, and the readiness probe reads it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

log = structlog.get_logger("service.startup")

RETRY_AFTER_S = 2
"""What `/readyz` and the /v1 routes tell a client to wait while the service is starting."""


@dataclass
class Startup:
    """The phases of one start. ``events`` records them in order (what tests check)."""

    phase: str = "waiting for the port to open"
    ready: bool = False
    error: str | None = None
    loaded: dict[str, Any] = field(default_factory=dict)
    """What the start loaded (model, backend, taxonomy version, chunks...), once ready."""
    address: str | None = None
    events: list[str] = field(default_factory=list)
    on_failure: Callable[[], None] | None = None
    """Called when the start fails (the server then exits)."""
    _listening: asyncio.Event = field(default_factory=asyncio.Event)

    def step(self, phase: str) -> None:
        self.phase = phase
        self.events.append(phase)

    def mark_listening(self, address: str) -> None:
        self.address = address
        self.events.append(f"listening on {address}")
        self._listening.set()

    async def wait_listening(self) -> None:
        await self._listening.wait()

    @property
    def reason(self) -> str:
        if self.error:
            return f"start-up failed: {self.error}"
        return f"starting: {self.phase}"

    async def run(self, build: Callable[[Callable[[str], None]], Awaitable[Any]]) -> Any:
        """Wait until the port is open, then ``await build(step)``; a failure is recorded,
        logged and reported to ``on_failure`` (the server stops) instead of raised."""
        await self.wait_listening()
        try:
            result = await build(self.step)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.error = " ".join(str(getattr(exc, "detail", exc)).split()) or type(exc).__name__
            self.events.append("failed")
            log.error("startup_failed", phase=self.phase, problem=self.error)
            if self.on_failure is not None:
                self.on_failure()
            return None
        self.ready = True
        self.events.append("ready")
        return result


def not_ready_reason(app_state: Any) -> str:
    """Why an app without a container cannot answer yet (still loading, or its start failed)."""
    startup = getattr(app_state, "startup", None)
    return startup.reason if startup is not None else "starting"


def describe_loaded(container: Any) -> dict[str, Any]:
    """What a built container loaded, for the start-up line (ids and versions, no content)."""
    loaded: dict[str, Any] = {"model": getattr(container.embedder, "model_name", None),
                              "backend": getattr(container.embedder, "backend", None)}
    try:
        loaded["chunks"] = container.index.count()
    except Exception:  # an unreachable index is reported by /readyz, not here
        loaded["chunks"] = None
    intents = container.intents
    loaded["taxonomy"] = getattr(intents, "version", None)
    if intents is not None and getattr(intents, "last_error", None):
        loaded["taxonomy_problem"] = intents.last_error
    loaded["llm"] = container.settings.llm.model if container.settings.llm.enabled else "off"
    return loaded
