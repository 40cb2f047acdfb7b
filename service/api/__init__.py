"""HTTP only: controllers and wire schemas. ``V1_HANDLERS`` lists everything mounted under /v1."""

from __future__ import annotations

from typing import Any

from service.api.interactions import InteractionsController  # issue 4
from service.api.intents import IntentsController  # issue 3
from service.api.assist import AssistController  # issue 5
from service.api.audit import AUDIT_HANDLERS  # issue 6
from service.api.gaps import GapsController  # issue 19
from service.api.keys import KeysController  # issue 8
from service.api.knowledge import KnowledgeController
from service.api.summaries import SummariesController  # issue 4
from service.api.suggestions import SuggestionsController  # issue 5
from service.api.triage import TriageController  # issue 3

# Features add their controllers here (one line each).
V1_HANDLERS: list[Any] = [
    KnowledgeController,
    InteractionsController,  # issue 4
    SummariesController,  # issue 4
    SuggestionsController,  # issue 5
    AssistController,  # issue 5
    *AUDIT_HANDLERS,  # issue 6
    KeysController,  # issue 8
    IntentsController,  # issue 3
    TriageController,  # issue 3
    GapsController,  # issue 19
]
