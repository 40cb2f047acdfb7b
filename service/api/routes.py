"""Every controller mounted under /v1 (``V1_HANDLERS``) and the webhooks outside it."""


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
from service.api.continuity import CustomersController  # issue 14

# A new feature adds its controller here (one line) and its use case to the dependencies in
# service/api/deps.py.
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
    CustomersController,  # issue 14
    GapsController,  # issue 19
]
