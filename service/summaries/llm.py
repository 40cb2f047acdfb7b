"""The LLM summary engine and the token budget that fits a long history into the prompt.

* :func:`fit_history` renders the (PII-masked) history as one line per interaction and keeps,
  within a tiktoken budget, the unresolved threads first and the newest interactions first;
  what does not fit is condensed to one line per thread or dropped, and reported.
* :class:`LLMSummarizer` renders ``prompts/summary@1.md``, asks the :class:`ChatModel` for JSON,
  validates it (shape, enums, every item cites ids that were in the prompt), retries once with
  the errors, and falls back to the extractive summary when the answer stays invalid or the
  model fails. The answer names the prompt (``summary@1``) and the model.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined

from service.domain.interactions import Interaction
from service.domain.pii import CONTACT_KINDS, Redactor
from service.ports import ChatMessage, ChatModel, TokenCounter
from service.summaries.budget import fit_history
from service.summaries.extractive import ExtractiveSummarizer
from service.summaries.model import ENGINE_LLM, Commitment, Fact, Issue, Summary, TimelineEntry
from service.summaries.restore import restore_summary

# -- the prompt -----------------------------------------------------------------------------------

_FRONT = re.compile(r"^---\s*\n(.*?)\n---\s*\n(.*)$", re.S)
_PARTS = re.compile(r"\{#\s*(system|user)\s*#\}\s*\n")


@dataclass
class SummaryPrompt:
    """``prompts/summary@<version>.md``: YAML front matter, then ``{# system #}`` / ``{# user #}`` parts.

    Small on purpose: the shared prompt registry can load the same file and hand its rendered
    messages in instead.
    """

    id: str
    version: int
    meta: dict[str, Any]
    system: str
    user: str

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    @classmethod
    def from_file(cls, path: Path) -> SummaryPrompt:
        m = _FRONT.match(path.read_text(encoding="utf-8"))
        if not m:
            raise ValueError(f"{path}: no YAML front matter")
        meta = yaml.safe_load(m.group(1)) or {}
        for key in ("id", "version", "output_schema"):
            if key not in meta:
                raise ValueError(f"{path}: front matter needs {key!r}")
        parts = dict(zip(*[iter(_PARTS.split(m.group(2))[1:])] * 2, strict=False))
        if "system" not in parts or "user" not in parts:
            raise ValueError(f"{path}: template needs {{# system #}} and {{# user #}} parts")
        return cls(id=str(meta["id"]), version=int(meta["version"]), meta=meta, system=parts["system"], user=parts["user"])

    def render(self, **inputs: Any) -> list[ChatMessage]:
        env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
        return [ChatMessage("system", env.from_string(self.system).render(**inputs).strip()),
                ChatMessage("user", env.from_string(self.user).render(**inputs).strip())]


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
        prompt: SummaryPrompt,
        fallback: ExtractiveSummarizer,
        *,
        context_tokens: int = 6000,
        max_output_tokens: int = 1200,
        retries: int = 1,
    ) -> None:
        self.chat = chat
        self.counter = counter
        self.prompt = prompt
        self.fallback = fallback
        self.context_tokens = context_tokens
        self.max_output_tokens = max_output_tokens
        self.retries = retries

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
        fixed = self.counter.count(self.prompt.system + self.prompt.user) + 200
        budget = max(200, min(max_tokens or self.context_tokens, self.context_tokens) - fixed)
        fitted = fit_history(history, texts, self.counter, budget, open_threads=open_threads)
        known = set(fitted.used_ids)
        messages = self.prompt.render(
            customer_id=customer_id or history[0].customer_id, channel=channel,
            as_of=as_of.isoformat(), history=fitted.lines,
            omitted=[line for line in fitted.lines if line.startswith("[thread ")],
        )
        coverage = {**base.coverage, "interactions_used": len(fitted.used_ids), "omitted": fitted.omitted,
                    "history_tokens": fitted.tokens, "token_budget": fitted.budget}
        problems: list[str] = []
        model = getattr(self.chat, "model", None)
        for attempt in range(self.retries + 1):
            try:
                result = await self.chat.complete(messages, temperature=float(self.prompt.meta.get("model", {}).get("temperature", 0.1)),
                                                  max_tokens=self.max_output_tokens, json_mode=True)
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
