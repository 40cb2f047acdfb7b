"""The use cases the controllers receive, as Litestar dependencies.

Each dependency is one field of the typed ``Container`` built at start-up (service/wiring.py); a
handler asks for it by naming a parameter (``summaries: Injected[SummaryService]``). A component this run
does without (``None`` in the container) answers 503 with the reason, before the handler runs.
A new use case: a field in the container, a line in :data:`DEPENDENCIES`, a parameter in the
handler. Tests hand fakes in through ``create_app(overrides=...)``, not by patching.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from litestar import Request
from litestar.di import Provide
from litestar.params import Dependency

from service.errors import Unavailable
from service.startup import RETRY_AFTER_S, not_ready_reason


T = TypeVar("T")
Injected = Annotated[T, Dependency(skip_validation=True)]
"""A handler parameter filled from :data:`DEPENDENCIES`: ``summaries: Injected[SummaryService]``.
The value is the container's own object (or a test's fake), handed over as is: no validation."""


def component(name: str, missing: str | None = None) -> Provide:
    """The container's field ``name``; with ``missing``, a ``None`` there is a 503 saying so
    (without it the handler receives ``None``: the component is optional for that route)."""

    async def provide(request: Request) -> Any:
        container = getattr(request.app.state, "container", None)
        if container is None:  # a listen-first start is still loading (or failed): retry later
            raise Unavailable(not_ready_reason(request.app.state), retry_after=RETRY_AFTER_S)
        value = getattr(container, name)
        if value is None and missing is not None:
            raise Unavailable(missing)
        return value

    provide.__name__ = f"provide_{name}"
    return Provide(provide)


DEPENDENCIES: dict[str, Provide] = {
    "settings": component("settings"),
    "sessions": component("sessions"),
    "keys": component("keys"),
    "knowledge": component("knowledge"),
    "interactions": component("interactions", "the interaction store is not configured"),
    "summaries": component("summaries", "the summary service is not configured"),
    "intents": component("intents", "intent classification is not configured"),
    "triage": component("triage", "the triage hook is not configured"),
    "suggester": component("suggester", "the suggestion service is not configured"),
    "assist": component("assist", "the assist service is not configured"),
    "audit": component("audit", "the audit trail is not configured"),
    "feedback": component("feedback", "feedback is not configured"),
    "gaps": component("gaps", "knowledge gaps are not configured"),
    # Optional: a request without a customer needs none; the routes that do call required().
    "continuity": component("continuity"),
}


def required(value: Any, missing: str) -> Any:
    """``value``, or a 503 saying ``missing`` when this run does without it."""
    if value is None:
        raise Unavailable(missing)
    return value
