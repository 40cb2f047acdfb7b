"""What the customer wants and what the knowledge says about it: the intent and the retrieved
chunks, asked for together (concurrently) from the masked conversation.

The one place this happens: :class:`~service.replies.service.SuggestionService` uses it when a
request brings no hits, and ``/v1/assist`` (:mod:`service.assist.service`) uses it before it
hands the hits and the intent to the suggestions.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from service.intents.classifier import intent_and_confidence
from service.ports import SearchFilters, SearchHit
from service.replies.conversation import Message

log = structlog.get_logger("service.suggest")

Classifier = Callable[[Sequence[Message]], Awaitable[tuple[str | None, float]]]
"""``await classify(masked messages) -> (intent or None, confidence)``."""


@dataclass
class Grounds:
    """The retrieved chunks and the intent for one conversation."""

    hits: list[SearchHit]
    intent: str | None
    confidence: float
    classified: bool
    """Whether an intent classifier was asked (``intent`` None with ``classified`` True: it abstained)."""
    retrieval_ms: float


def build_query(masked: Sequence[Message]) -> str:
    """The retrieval query: the last customer message, with the one before when it is short."""
    customer = [m.text.strip() for m in masked if m.role == "customer" and m.text.strip()]
    query = customer[-1]
    if len(query.split()) < 8 and len(customer) > 1:
        query = f"{customer[-2]} {query}"
    return query[-1000:]


async def find_grounds(knowledge: Any, tenant: str, masked: Sequence[Message], channel: str, *, top_k: int,
                       classify: Classifier | None) -> Grounds:
    """Search the knowledge (approved chunks for ``channel``) and, when a classifier is given,
    classify the conversation at the same time."""
    t0 = time.perf_counter()
    search = knowledge.search(tenant, build_query(masked), top_k=top_k, filters=SearchFilters(channel=channel))
    if classify is not None:
        hits, (intent, confidence) = await asyncio.gather(search, classify(masked))
    else:
        hits, intent, confidence = await search, None, 0.0
    return Grounds(list(hits or []), intent, confidence, classify is not None, (time.perf_counter() - t0) * 1000)


def intent_classifier(component: Any) -> Classifier | None:
    """Turn the intent component (whatever its shape) into ``await classify(messages)``: the
    conversation read as /v1/intents/classify reads one (what the customer wants now, from all
    the customer's turns; without the LLM fallback, which would put an LLM call in front of every
    suggestion), or, for a component that only takes a text, the retrieval query. The intent
    service reads each message's ``role`` and ``text`` only, so the masked messages go as they are."""
    if component is None:
        return None
    conversation = getattr(component, "aclassify_conversation", None)
    fn = getattr(component, "classify", component)
    if conversation is None and not callable(fn):
        return None

    async def classify(messages: Sequence[Message]) -> tuple[str | None, float]:
        try:
            if conversation is not None:
                out: Any = await conversation(list(messages), use_fallback=False)
            elif asyncio.iscoroutinefunction(fn):
                out = await fn(build_query(messages))
            else:
                out = await asyncio.to_thread(fn, build_query(messages))
        except Exception:
            log.warning("intent_classification_failed")
            return None, 0.0
        return intent_and_confidence(out)

    return classify
