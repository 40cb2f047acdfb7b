"""The one way use cases talk to an LLM: per-task model and parameters, a deadline, a circuit
breaker, token accounting and metrics around a :class:`~service.ports.ChatModel`.

* **Per task** (``suggest``, ``repair``, ``summary``...): the model name and sampling
  parameters come from settings (``ASSIST_LLM_SUGGEST_*``), falling back to the prompt's own
  ``parameters``.
* **Circuit breaker**: after ``breaker_failures`` consecutive failures (timeouts, 5xx, refused
  connections, garbage) the breaker opens and calls fail at once with :class:`LLMSkipped`
  (reason ``circuit_open``) for ``breaker_reset_s``; then one trial call is let through
  (half-open) and its outcome closes or re-opens the breaker. Agents never wait on a dead LLM.
* **Tokens**: the prompt is counted with tiktoken before the call (the budget check and the
  estimate), the reply's tokens come from the API's ``usage``; both are recorded per call in
  ``assist_llm_tokens_total`` and returned in :class:`LLMCall`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.errors import AppError, Unavailable, UpstreamError
from service.ports import ChatMessage, ChatModel, ChatResult, TokenCounter
from service.settings import LLMSettings


class LLMSkipped(Exception):
    """The LLM was not used or gave nothing usable; ``reason`` is a short code for the response
    and metrics (``not_configured``, ``circuit_open``, ``timeout``, ``unavailable``,
    ``upstream_error``, ``prompt_too_long``...), ``detail`` a sentence for humans."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail or reason


@dataclass
class TaskParams:
    model: str
    temperature: float
    max_tokens: int


@dataclass
class LLMCall:
    """What one call cost: for the response, the audit trail and the canonical log line."""

    task: str
    model: str
    outcome: str
    latency_ms: float
    prompt_tokens_estimated: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "model": self.model,
            "outcome": self.outcome,
            "latency_ms": self.latency_ms,
            "prompt_tokens_estimated": self.prompt_tokens_estimated,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "finish_reason": self.finish_reason,
        }


class CircuitBreaker:
    """Closed → open after ``failures`` consecutive failures → half-open after ``reset_s``
    (one trial call) → closed on success, open again on failure."""

    def __init__(self, failures: int = 3, reset_s: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = failures
        self.reset_s = reset_s
        self.clock = clock
        self.consecutive = 0
        self.opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.reset_s:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def success(self) -> None:
        self.consecutive = 0
        self.opened_at = None
        self._trial_running = False

    def failure(self) -> None:
        self.consecutive += 1
        if self._trial_running or self.consecutive >= self.threshold:
            self.opened_at = self.clock()
        self._trial_running = False


class LLMGateway:
    def __init__(
        self,
        chat: ChatModel | None,
        settings: LLMSettings,
        *,
        counter: TokenCounter | None = None,
        metrics: Any | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.chat = chat
        self.settings = settings
        self.counter = counter
        self.metrics = metrics
        self.breaker = breaker or CircuitBreaker(settings.breaker_failures, settings.breaker_reset_s)

    @property
    def available(self) -> bool:
        return self.chat is not None

    def status(self) -> dict[str, Any]:
        return {"configured": self.available, "breaker": self.breaker.state if self.available else None}

    # ---- parameters ---------------------------------------------------------------------

    def params(self, task: str, prompt_params: dict[str, Any] | None = None) -> TaskParams:
        """Settings for ``task`` win; the prompt's ``parameters`` fill the rest."""
        p = dict(prompt_params or {})
        s = self.settings
        default_model = getattr(self.chat, "model", "") or s.model
        if task in ("suggest", "repair"):
            return TaskParams(
                model=s.suggest_model or default_model,
                temperature=s.suggest_temperature,
                max_tokens=s.suggest_max_tokens,
            )
        return TaskParams(
            model=str(p.get("model") or default_model),
            temperature=float(p.get("temperature", 0.2)),
            max_tokens=int(p.get("max_tokens", 512)),
        )

    def _model_for(self, params: TaskParams) -> ChatModel:
        assert self.chat is not None
        with_model = getattr(self.chat, "with_model", None)
        return with_model(params.model) if with_model and params.model else self.chat

    def count(self, messages: Sequence[ChatMessage]) -> int:
        if self.counter is None:
            return sum(len(m.content) // 4 + 4 for m in messages)
        return sum(self.counter.count(m.content) + 4 for m in messages)

    def _admit(self, task: str, messages: Sequence[ChatMessage], params: TaskParams) -> int:
        if self.chat is None:
            raise LLMSkipped("not_configured", "no LLM is configured (ASSIST_LLM_BASE_URL is empty)")
        estimated = self.count(messages)
        if estimated + params.max_tokens > self.settings.context_tokens:
            self._outcome(task, "prompt_too_long")
            raise LLMSkipped(
                "prompt_too_long",
                f"the prompt ({estimated} tokens) and reply budget exceed the context window (ASSIST_LLM_CONTEXT_TOKENS)",
            )
        if not self.breaker.allow():
            self._outcome(task, "circuit_open")
            raise LLMSkipped("circuit_open", f"the LLM failed {self.breaker.consecutive} times in a row; it is skipped for a while")
        return estimated

    # ---- calls --------------------------------------------------------------------------

    async def complete(
        self,
        task: str,
        messages: Sequence[ChatMessage],
        *,
        prompt_params: dict[str, Any] | None = None,
        json_mode: bool = False,
        schema: dict[str, Any] | None = None,
        timeout_s: float | None = None,
    ) -> tuple[ChatResult, LLMCall]:
        """One completion. Raises :class:`LLMSkipped` when the LLM is absent, the breaker is
        open, or the call fails (the breaker counts the failure)."""
        params = self.params(task, prompt_params)
        estimated = self._admit(task, messages, params)
        chat = self._model_for(params)
        started = time.perf_counter()
        deadline = timeout_s if timeout_s is not None else self.settings.suggest_deadline_s
        # The output schema goes to adapters that can send it (the port's fakes need not).
        extra = {"schema": schema} if schema and json_mode and getattr(chat, "json_format", None) else {}
        try:
            result = await asyncio.wait_for(
                chat.complete(messages, temperature=params.temperature, max_tokens=params.max_tokens, json_mode=json_mode, **extra),
                timeout=max(0.05, deadline),
            )
        except (TimeoutError, asyncio.TimeoutError):
            raise self._failed(task, "timeout", "the LLM did not answer within the deadline", started) from None
        except Unavailable as exc:
            reason = "timeout" if "timeout" in exc.detail else "unavailable"
            raise self._failed(task, reason, exc.detail, started) from exc
        except UpstreamError as exc:
            raise self._failed(task, "upstream_error", exc.detail, started) from exc
        except AppError as exc:
            raise self._failed(task, "upstream_error", exc.detail, started) from exc
        self.breaker.success()
        latency = round((time.perf_counter() - started) * 1000, 2)
        call = LLMCall(
            task=task,
            model=result.model or params.model,
            outcome="ok" if result.finish_reason != "length" else "truncated",
            latency_ms=latency,
            prompt_tokens_estimated=estimated,
            prompt_tokens=result.prompt_tokens or estimated,
            completion_tokens=result.completion_tokens or (self.counter.count(result.text) if self.counter else 0),
            finish_reason=result.finish_reason,
        )
        self._record(call)
        return result, call

    async def stream(
        self,
        task: str,
        messages: Sequence[ChatMessage],
        *,
        prompt_params: dict[str, Any] | None = None,
        timeout_s: float | None = None,
        sink: list[LLMCall] | None = None,
    ) -> AsyncIterator[str]:
        """Text deltas; the finished :class:`LLMCall` is appended to ``sink``. The deadline
        covers the whole stream."""
        params = self.params(task, prompt_params)
        estimated = self._admit(task, messages, params)
        chat = self._model_for(params)
        started = time.perf_counter()
        deadline = started + (timeout_s if timeout_s is not None else self.settings.suggest_deadline_s)
        parts: list[str] = []
        iterator = chat.stream(messages, temperature=params.temperature, max_tokens=params.max_tokens).__aiter__()
        try:
            while True:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise TimeoutError
                try:
                    delta = await asyncio.wait_for(iterator.__anext__(), timeout=remaining)
                except StopAsyncIteration:
                    break
                parts.append(delta)
                yield delta
        except (TimeoutError, asyncio.TimeoutError):
            raise self._failed(task, "timeout", "the LLM stream did not finish within the deadline", started) from None
        except Unavailable as exc:
            raise self._failed(task, "unavailable", exc.detail, started) from exc
        except AppError as exc:
            raise self._failed(task, "upstream_error", exc.detail, started) from exc
        finally:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                try:
                    await aclose()
                except Exception:
                    pass
        self.breaker.success()
        text = "".join(parts)
        call = LLMCall(
            task=task,
            model=params.model,
            outcome="ok",
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
            prompt_tokens_estimated=estimated,
            prompt_tokens=estimated,
            completion_tokens=self.counter.count(text) if self.counter else len(text) // 4,
        )
        self._record(call)
        if sink is not None:
            sink.append(call)

    def garbage(self, task: str) -> None:
        """The caller found the answer unusable (not JSON, wrong schema): counts as a failure
        for the breaker, so a model that only returns garbage is skipped like a dead one."""
        self.breaker.failure()
        self._outcome(task, "garbage")

    # ---- bookkeeping --------------------------------------------------------------------

    def _failed(self, task: str, reason: str, detail: str, started: float) -> LLMSkipped:
        self.breaker.failure()
        self._outcome(task, reason)
        if self.metrics is not None:
            self.metrics.llm_latency.labels(task).observe(time.perf_counter() - started)
        return LLMSkipped(reason, detail)

    def _outcome(self, task: str, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.llm_calls.labels(task, outcome).inc()

    def _record(self, call: LLMCall) -> None:
        if self.metrics is None:
            return
        self.metrics.llm_calls.labels(call.task, call.outcome).inc()
        self.metrics.llm_latency.labels(call.task).observe(call.latency_ms / 1000)
        self.metrics.llm_tokens.labels(call.task, "prompt").inc(call.prompt_tokens)
        self.metrics.llm_tokens.labels(call.task, "completion").inc(call.completion_tokens)


@dataclass
class LLMUsage:
    """Calls made for one suggestion, summed for the response."""

    calls: list[LLMCall] = field(default_factory=list)

    @property
    def llm_ms(self) -> float:
        return round(sum(c.latency_ms for c in self.calls), 2)

    def tokens(self) -> dict[str, int]:
        return {
            "prompt": sum(c.prompt_tokens for c in self.calls),
            "completion": sum(c.completion_tokens for c in self.calls),
        }
