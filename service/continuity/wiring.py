"""Builds the continuity service into the container (``extras["continuity"]``) and gives the
suggestion service its history hook. Tests pass ``clock`` in the container overrides."""

from __future__ import annotations

from typing import Any

import structlog

from service.adapters.chatwoot_api import ChatwootAPI
from service.summaries.service import classify_adapter
from service.continuity.replies import HistoryHook, Templates
from service.continuity.service import ContinuityService, wall_clock
from service.continuity.writeback import ChatwootWriteback
from service.adapters.sql.continuity_repo import ContinuityRepo
from service.errors import InvalidInput

log = structlog.get_logger("service.continuity")


def register(container: Any) -> None:
    settings = container.settings
    extras = container.extras
    path = settings.continuity.continuity_file
    templates = None
    try:
        templates = Templates.load(path)
    except InvalidInput as exc:
        log.warning("continuity_templates_unavailable", detail=exc.detail)
    clock = container.clock.now if getattr(container, "clock", None) is not None else wall_clock
    extras.setdefault("continuity", ContinuityService(
        extras["interactions"], ContinuityRepo(container.sessions), clock=clock,
        record_default=settings.continuity.record_default, audit=lambda: extras.get("audit"),
        classify=lambda: classify_adapter(extras.get("intents")),
    ))
    suggester = extras.get("suggester")
    if suggester is not None and hasattr(suggester, "history"):
        suggester.history = HistoryHook(templates)
        service = extras["continuity"]
        if getattr(service, "writeback", None) is None:
            service.writeback = ChatwootWriteback(suggester, service, extras.get("chatwoot_api") or ChatwootAPI(),
                                                  settings.continuity.secret_key)
