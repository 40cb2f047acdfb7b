"""The LLM summary engine: the registry's summary prompt over a fitted, PII-masked history.

:class:`LLMSummarizer` renders the prompt it is given (the registry's active prompt for the task
``summary``, :mod:`service.prompts.registry`) over the history fitted to the model's context window
(:mod:`service.summaries.budget`), asks the :class:`ChatModel` for JSON with the prompt's
``parameters`` (``temperature``, ``max_tokens``, ``json_mode``, ``model``), validates the answer
(shape, enums, every item cites ids that were in the prompt), retries once with the errors, and
falls back to the extractive summary when the answer stays invalid or the model fails. The answer
names the prompt (``summary@1``) and the model.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from service.domain.interactions import Interaction
from service.domain.pii import CONTACT_KINDS, Redactor
from service.ports import ChatMessage, ChatModel, TokenCounter
from service.prompts.registry import Prompt
from service.summaries.budget import fit_history
from service.summaries.extractive import ExtractiveSummarizer
from service.summaries.model import ENGINE_LLM, Commitment, Fact, Issue, Summary, TimelineEntry
from service.summaries.restore import restore_summary

PROMPT_OVERHEAD_TOKENS = 200
"""Tokens kept free beside the template and the history (the rendered inputs, message framing)."""
DEFAULTS = {"temperature": 0.1, "max_tokens": 1200, "json_mode": True}
"""The call's parameters when the prompt's ``parameters`` leave one out."""


# -- validation -------------------------------------------------------------------------------------

_ENUMS = {
    ("open_issues", "status"): {"open", "waiting_on_business", "promise_broken", "resolved"},
    ("commitments", "status"): {"kept", "broken", "pending"},
    ("sentiment", "current"): {"negative", "neutral", "positive"},
    ("sentiment", "trend"): {"improving", "stable", "worsening"},
}
_OBJECTS = {"headline": ("text",), "current_need": ("text",), "sentiment": ("current", "trend"), "next_step": ("text",)}
_LISTS = {"open_issues": ("title", "status"), "commitments": ("type", "text", "status"), "facts": ("kind", "value"),
          "timeline": ("ts", "channel", "text")}


def validate_summary_json(raw: str, known_ids: set[str]) -> tuple[dict[str, Any] | None, list[str]]:
    """Parse and check an LLM answer; returns (object, problems). Items must cite known ids."""
    try:
        obj = json.loads(raw)
    except (ValueError, TypeError) as exc:
        return None, [f"not JSON: {exc}"]
    if not isinstance(obj, dict):
        return None, ["the answer must be one JSON object"]
    problems: list[str] = []

    def check_item(where: str, section: str, item: Any, keys: tuple[str, ...]) -> None:
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object")
            return
        for k in keys:
            if not isinstance(item.get(k), str) or not item[k].strip():
                problems.append(f"{where}.{k} must be a non-empty string")
            elif (section, k) in _ENUMS and item[k] not in _ENUMS[(section, k)]:
                problems.append(f"{where}.{k} must be one of {sorted(_ENUMS[(section, k)])}")
        srcs = item.get("sources")
        if not isinstance(srcs, list) or not srcs:
            problems.append(f"{where}.sources must list at least one interaction id")
        else:
            bad = [s for s in srcs if s not in known_ids]
            if bad:
                problems.append(f"{where}.sources cites ids that are not in the history: {bad[:5]}")

    for section, keys in _OBJECTS.items():
        if section not in obj:
            problems.append(f"missing {section}")
        else:
            check_item(section, section, obj[section], keys)
    for section, keys in _LISTS.items():
        val = obj.get(section)
        if not isinstance(val, list):
            problems.append(f"{section} must be a list")
            continue
        for i, item in enumerate(val):
            check_item(f"{section}[{i}]", section, item, keys)
    return (obj if not problems else None), problems[:20]


# -- the engine --------------------------------------------------------------------------------------


class LLMSummarizer:
    name = ENGINE_LLM

    def __init__(
        self,
        chat: ChatModel,
        counter: TokenCounter,
        prompt: Prompt,
        fallback: ExtractiveSummarizer,
        *,
        context_tokens: int,
        retries: int = 1,
    ) -> None:
        """``prompt``: the summary prompt (``registry.active("summary")``); ``context_tokens``: the
        model's context window (``ASSIST_LLM_CONTEXT_TOKENS``), shared by the prompt and the answer."""
        self.chat = chat
        self.counter = counter
        self.prompt = prompt
        self.fallback = fallback
        self.context_tokens = context_tokens
        self.retries = retries
        params = {**DEFAULTS, **prompt.params}
        self.temperature = float(params["temperature"])
        self.max_output_tokens = int(params["max_tokens"])
        self.json_mode = bool(params["json_mode"])
        self.model = str(params["model"]) if params.get("model") else None

    def history_budget(self, max_tokens: int | None = None) -> int:
        """Tokens the history may take: the context window (or the caller's smaller ``max_tokens``)
        less the answer's ``max_tokens``, the template and an overhead."""
        window = max(0, self.context_tokens - self.max_output_tokens)
        fixed = self.counter.count(self.prompt.system_source + self.prompt.user_source) + PROMPT_OVERHEAD_TOKENS
        return max(200, min(max_tokens or window, window) - fixed)

    async def summarize(
        self,
        history: Sequence[Interaction],
        *,
        customer_id: str | None = None,
        redactor: Redactor | None = None,
        as_of: datetime | None = None,
        channel: str | None = None,
        max_tokens: int | None = None,
        restore_kinds: frozenset[str] = CONTACT_KINDS,
    ) -> Summary:
        started = time.perf_counter()
        redactor = redactor or Redactor()
        as_of = as_of or max(datetime.now(UTC), history[-1].ts)
        # The extractive pass is cheap: it ranks threads for the budget and is the fallback.
        base = self.fallback.summarize(history, customer_id=customer_id, redactor=redactor, as_of=as_of,
                                       channel=channel, restore_kinds=restore_kinds)
        open_threads = {t for issue in base.open_issues if issue.status != "resolved" for t in issue.threads}
        texts = [redactor.redact(it.text) for it in history]
        fitted = fit_history(history, texts, self.counter, self.history_budget(max_tokens), open_threads=open_threads)
        known = set(fitted.used_ids)
        messages = self.prompt.render(
            customer_id=customer_id or history[0].customer_id, channel=channel,
            as_of=as_of.isoformat(), history=fitted.lines,
            omitted=[line for line in fitted.lines if line.startswith("[thread ")],
        )
        coverage = {**base.coverage, "interactions_used": len(fitted.used_ids), "omitted": fitted.omitted,
                    "history_tokens": fitted.tokens, "token_budget": fitted.budget}
        problems: list[str] = []
        chat = self._chat()
        model = getattr(chat, "model", None)
        for attempt in range(self.retries + 1):
            try:
                result = await chat.complete(messages, temperature=self.temperature, max_tokens=self.max_output_tokens,
                                             json_mode=self.json_mode)
            except Exception as exc:  # the model is down or refused: the agent still gets a summary
                reason = getattr(exc, "reason", None) or type(exc).__name__
                return self._fallback(base, f"model error: {reason}", coverage, started)
            model = result.model or model
            obj, problems = validate_summary_json(result.text, known)
            if obj is not None:
                summary = self._to_summary(obj, base, coverage, model)
                summary = restore_summary(summary, redactor, restore_kinds)
                summary.latency_ms = round((time.perf_counter() - started) * 1000, 2)
                return summary
            if attempt < self.retries:
                messages = [*messages, ChatMessage("assistant", result.text[:4000]), ChatMessage(
                    "user", "Your answer was not valid: " + "; ".join(problems) + ". Answer again with the JSON object only.")]
        return self._fallback(base, "invalid model output: " + "; ".join(problems[:3]), coverage, started)

    def _chat(self) -> ChatModel:
        """The chat model, switched to the prompt's ``model`` when it names one (and the adapter can)."""
        with_model = getattr(self.chat, "with_model", None)
        return with_model(self.model) if self.model and callable(with_model) else self.chat

    def _fallback(self, base: Summary, reason: str, coverage: dict[str, Any], started: float) -> Summary:
        base.fallback_reason = reason
        base.prompt = self.prompt.ref
        base.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        return base

    def _to_summary(self, obj: dict[str, Any], base: Summary, coverage: dict[str, Any], model: str | None) -> Summary:
        def srcs(x: dict[str, Any]) -> list[str]:
            return [str(s) for s in x["sources"]]

        return Summary(
            customer_id=base.customer_id,
            engine=ENGINE_LLM,
            headline={"text": obj["headline"]["text"], "sources": srcs(obj["headline"])},
            current_need={"text": obj["current_need"]["text"], "issue": None, "issue_status": None,
                          "intent": base.current_need.get("intent"), "intent_confidence": None,
                          "sources": srcs(obj["current_need"])},
            open_issues=[Issue(title=i["title"], status=i["status"], channels=[], threads=[], first_seen="", last_seen="",
                               interaction_count=len(i["sources"]), sources=srcs(i)) for i in obj["open_issues"]],
            commitments=[Commitment(type=c["type"], text=c["text"], status=c["status"], made_at="", channel="",
                                    due=c.get("due") if isinstance(c.get("due"), str) else None, evidence="model",
                                    sources=srcs(c)) for c in obj["commitments"]],
            facts=[Fact(kind=f["kind"], value=f["value"], sources=srcs(f), given_by="") for f in obj["facts"]],
            timeline=[TimelineEntry(ts=t["ts"], until=t["ts"], channel=t["channel"], thread_id=None, kind="conversation",
                                    text=t["text"], sources=srcs(t)) for t in obj["timeline"]],
            sentiment={"current": obj["sentiment"]["current"], "trend": obj["sentiment"]["trend"], "score": None,
                       "sources": srcs(obj["sentiment"])},
            next_step={"action": None, "text": obj["next_step"]["text"], "do_not_ask": base.next_step.get("do_not_ask", []),
                       "sources": srcs(obj["next_step"])},
            coverage=coverage,
            prompt=self.prompt.ref,
            model=model,
            pii_masked=base.pii_masked,
        )
