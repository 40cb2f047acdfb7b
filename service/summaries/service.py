"""The summary use case: load or take a history, pick the engine, mask PII, answer.

``SummaryService.summarize`` is what ``POST /v1/summaries`` calls. It owns the per-request
:class:`~service.domain.pii.Redactor`, so a placeholder means the same value across the whole
answer, and nothing unmasked ever reaches the LLM.

Audit hook: ``on_summary`` (optional, async) receives ``(tenant_id, record)`` after every summary;
the record carries ids, versions, counts and the engine — never customer text. The audit trail
plugs in there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from service.clock import Clock
from service.domain.interactions import Interaction, normalise_channel
from service.domain.pii import Redactor
from service.errors import InvalidInput, NotFound
from service.intents.classifier import intent_and_confidence
from service.ports import ChatModel, InteractionRepository, TokenCounter
from service.prompts.registry import Prompt, PromptError, PromptRegistry
from service.summaries.extractive import ExtractiveSummarizer
from service.summaries.llm import LLMSummarizer
from service.summaries.model import Classify, Summary

Engine = Literal["auto", "extractive", "llm"]
PROMPT_TASK = "summary"
"""The registry task whose prompt the LLM engine renders (``prompts/registry.yaml``: ``tasks.summary``)."""
MAX_STORED_HISTORY = 2000
"""Newest stored interactions read for one summary (older ones are reported as left out)."""
OFFLOAD_AT = 200
"""Histories at least this long are summarised in a worker thread, off the event loop (so are
all histories when the intent classifier takes part: it waits for the embedding model)."""


def classify_adapter(component: Any) -> Classify | None:
    """Turn the intent component (whatever its shape) into ``classify(text) -> (intent, confidence)``."""
    if component is None:
        return None
    fn = getattr(component, "classify", component)
    if not callable(fn):
        return None

    def classify(text: str) -> tuple[str | None, float]:
        out = fn(text)
        return intent_and_confidence(out)

    # The taxonomy version the answers come from (None: unknown), so a memo of intents
    # (service.summaries.memo) is never read across a reload.
    setattr(classify, "version", lambda: getattr(component, "version", None))
    return classify


class GatewayChat:
    """The shared LLM gateway (circuit breaker, deadline, token accounting) seen as a ChatModel,
    so every summary call is counted and guarded like the other LLM tasks (task ``summary``)."""

    def __init__(self, gateway: Any, model: str | None = None) -> None:
        self.gateway = gateway
        self._model = model
        self.model = model or getattr(getattr(gateway, "chat", None), "model", "") or ""

    def with_model(self, model: str) -> GatewayChat:
        """The same gateway asked for ``model`` (a prompt's ``parameters.model``)."""
        return GatewayChat(self.gateway, model)

    async def complete(self, messages: Any, *, temperature: float = 0.1, max_tokens: int = 1200,
                       json_mode: bool = False) -> Any:
        params: dict[str, Any] = {"temperature": temperature, "max_tokens": max_tokens}
        if self._model:
            params["model"] = self._model
        result, _call = await self.gateway.complete("summary", messages, prompt_params=params, json_mode=json_mode)
        return result


class SummaryService:
    def __init__(
        self,
        store: InteractionRepository | None,
        counter: TokenCounter,
        *,
        context_tokens: int,
        prompts: PromptRegistry | Callable[[], PromptRegistry | None] | None = None,
        chat_model: Callable[[], ChatModel | None] | None = None,
        classify: Callable[[], Classify | None] | None = None,
        on_summary: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None,
        now: Callable[[], datetime] = Clock().now,
    ) -> None:
        """``context_tokens``: the LLM's context window (``ASSIST_LLM_CONTEXT_TOKENS``), which the
        prompt, the fitted history and the answer share. ``prompts``: the prompt registry (or a
        function returning it, for wiring that builds it later); the LLM engine renders its active
        prompt for the task ``summary``. Without a registry there is no LLM summary."""
        self.now = now
        self.store = store
        self.counter = counter
        self.prompts = prompts
        self.chat_model = chat_model or (lambda: None)
        self.classify = classify or (lambda: None)
        self.context_tokens = context_tokens
        self.on_summary = on_summary

    def prompt(self, tenant_id: str | None = None, customer_id: str | None = None) -> Prompt | None:
        """The registry's summary prompt for this tenant (its override, else the A/B split by
        customer id, else the active version); None without a registry or a ``summary`` task."""
        registry = self.prompts() if callable(self.prompts) else self.prompts
        if registry is None:
            return None
        try:
            return registry.active(PROMPT_TASK, tenant=tenant_id, conversation_id=customer_id)
        except PromptError:
            return None

    async def load_history(self, tenant_id: str, customer_id: str) -> tuple[list[Interaction], int]:
        if self.store is None:
            raise NotFound("no interaction store is configured")
        history = await self.store.history(tenant_id, customer_id, limit=MAX_STORED_HISTORY)
        if not history:
            if await self.store.customer_known(tenant_id, customer_id):
                raise NotFound(f"customer {customer_id!r} has no recorded interactions yet; nothing to summarise")
            raise NotFound(f"unknown customer {customer_id!r}: no interactions or handles recorded for it")
        total = len(history)
        if total >= MAX_STORED_HISTORY:
            total = await self.store.count(tenant_id, customer_id)
        return history, total

    async def summarize(
        self,
        tenant_id: str,
        history: Sequence[Interaction],
        *,
        customer_id: str | None = None,
        channel: str | None = None,
        max_tokens: int | None = None,
        engine: Engine = "auto",
        as_of: datetime | None = None,
        stored_total: int | None = None,
        known_intent: tuple[str | None, float | None] | None = None,
        audit: bool = True,
    ) -> Summary:
        """``known_intent``: the conversation's current need as the intent classifier already
        read it (``/v1/assist`` classifies the conversation for its answer). An extractive summary
        of a short history with a single issue takes it for that issue and its need instead of
        classifying a sentence again (one embedding per request, not two); with more issues each
        is classified as usual. ``audit=False``: the caller records the summary in its own audit
        record (:func:`audit_record`), as ``/v1/assist`` does."""
        if channel is not None:
            normal = normalise_channel(channel)
            if normal is None:
                raise InvalidInput(f"unknown channel {channel!r}; expected chat, email, voice, sms, social or web")
            channel = normal
        if not history:
            raise InvalidInput("the history is empty; nothing to summarise")
        redactor = Redactor()
        extractive = ExtractiveSummarizer(classify=self.classify())
        chat = self.chat_model() if engine != "extractive" else None
        cid = customer_id or history[0].customer_id
        prompt = self.prompt(tenant_id, cid) if chat is not None else None
        if engine == "llm" and (chat is None or prompt is None):
            raise InvalidInput("engine 'llm' was asked for but no LLM is configured (ASSIST_LLM_BASE_URL); "
                               "use engine 'auto' or 'extractive'")
        as_of = as_of or max(self.now(), history[-1].ts)
        if chat is not None and prompt is not None:
            llm = LLMSummarizer(chat, self.counter, prompt, extractive, context_tokens=self.context_tokens)
            summary = await llm.summarize(history, customer_id=customer_id, redactor=redactor, as_of=as_of,
                                          channel=channel, max_tokens=max_tokens)
        else:
            def run() -> Summary:
                return extractive.summarize(history, customer_id=customer_id, redactor=redactor, as_of=as_of,
                                            channel=channel)
            quick = None
            if known_intent is not None and len(history) < OFFLOAD_AT:
                quick = with_known_intent(ExtractiveSummarizer().summarize(
                    history, customer_id=customer_id, redactor=redactor, as_of=as_of, channel=channel), known_intent)
            if quick is not None:
                summary = quick
            else:
                redactor = Redactor()  # a fresh one: the placeholders count from 1 again
                offload = len(history) >= OFFLOAD_AT or extractive.classify is not None
                summary = await asyncio.to_thread(run) if offload else run()
        return await self.finish(tenant_id, summary, used=len(history), stored_total=stored_total, audit=audit)

    async def finish(self, tenant_id: str, summary: Summary, *, used: int, stored_total: int | None = None,
                     audit: bool = True) -> Summary:
        """Coverage of what was not loaded, and the audit hook: for a summary made here or one
        already made for the same history (issue 14: /v1/assist reuses the continuity summary)."""
        if stored_total is not None and stored_total > used:
            summary.coverage["interactions_total"] = stored_total
            summary.coverage["omitted"] = [*summary.coverage.get("omitted", []), {
                "how": "not_loaded", "count": stored_total - used,
                "reason": f"only the newest {used} stored interactions are summarised"}]
        if audit and self.on_summary is not None:  # AUDIT HOOK: ids, versions and counts only, never text
            await self.on_summary(tenant_id, audit_record(summary))
        return summary


def with_known_intent(summary: Summary, known: tuple[str | None, float | None]) -> Summary | None:
    """``summary`` (made without a classifier) labelled with the conversation's intent, when it
    has a single issue (then the need is that issue's); None when it has more, which each need
    their own classification."""
    if len(summary.open_issues) != 1:
        return None
    intent, confidence = known
    summary.open_issues[0].intent = intent
    summary.current_need["intent"] = intent
    summary.current_need["intent_confidence"] = confidence
    return summary


def audit_record(summary: Summary) -> dict[str, Any]:
    """What the audit trail may keep about one summary (no customer text)."""
    return {
        "kind": "summary",
        "customer_id": summary.customer_id,
        "engine": summary.engine,
        "prompt": summary.prompt,
        "model": summary.model,
        "fallback_reason": summary.fallback_reason,
        "interactions_used": summary.coverage.get("interactions_used"),
        "interactions_total": summary.coverage.get("interactions_total"),
        "commitments": {s: sum(1 for c in summary.commitments if c.status == s) for s in ("kept", "broken", "pending")},
        "pii_masked": dict(summary.pii_masked),
        "latency_ms": summary.latency_ms,
    }
