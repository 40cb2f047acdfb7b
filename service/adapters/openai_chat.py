"""The ChatModel port over the openai async client, for any OpenAI-compatible endpoint
(OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server).

Timeouts and retries (exponential backoff with jitter, honouring ``Retry-After``) are the
client's own, configured here; nothing wraps another retry loop around them. openai's
exceptions become ours here and nowhere else:

* timeout, connection refused, 429 and 5xx after the client's retries → :class:`Unavailable`
  (the backend is down or overloaded; the caller falls back);
* any other 4xx, an empty or unparseable answer → :class:`UpstreamError`.

Token usage comes from the API's ``usage`` block when the server sends one.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import openai

from service.errors import Unavailable, UpstreamError
from service.ports import ChatMessage, ChatResult


class OpenAIChatModel:
    """One endpoint, one default model; :meth:`with_model` shares the HTTP client."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout_s: float = 20.0,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        client: openai.AsyncOpenAI | None = None,
        json_format: str = "json_object",
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.json_format = json_format
        """How JSON answers are asked for: ``json_object`` (OpenAI JSON mode, understood by
        most servers), ``json_schema`` (OpenAI structured outputs, vLLM) or ``json_object_schema``
        (JSON mode plus the schema, as llama.cpp's server and Anyscale take it: the grammar then
        forces the schema, which small models need)."""
        self._client = client or openai.AsyncOpenAI(
            base_url=base_url,
            # Local servers (llama.cpp, vLLM, Ollama) accept any key; the SDK insists on one.
            api_key=api_key or "not-needed",
            timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)),
            max_retries=max_retries,
            http_client=http_client,
        )

    def with_model(self, model: str) -> OpenAIChatModel:
        """The same endpoint and client, another model name (per-task models)."""
        if not model or model == self.model:
            return self
        return OpenAIChatModel(base_url=self.base_url, model=model, client=self._client, json_format=self.json_format)

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        temperature: float = 0.2,
        max_tokens: int = 512,
        json_mode: bool = False,
        schema: dict[str, Any] | None = None,
    ) -> ChatResult:
        """``schema`` (with ``json_mode``) is sent as the ``json_format`` setting says."""
        started = time.perf_counter()
        kwargs: dict[str, Any] = {}
        if json_mode:
            kwargs["response_format"] = self._response_format(schema)
        try:
            resp = await self._client.chat.completions.create(
                model=self.model,
                messages=[{"role": m.role, "content": m.content} for m in messages],  # type: ignore[misc]
                temperature=temperature,
                max_tokens=max_tokens,
                **kwargs,
            )
        except openai.OpenAIError as exc:
            raise translate(exc) from exc
        except ValueError as exc:  # a body that is not JSON (json.JSONDecodeError)
            raise UpstreamError("the LLM answered with a malformed (non-JSON) response body") from exc
        if not getattr(resp, "choices", None):
            raise UpstreamError("the LLM answered without any choice")
        choice = resp.choices[0]
        text = (choice.message.content if choice.message else None) or ""
        usage = getattr(resp, "usage", None)
        return ChatResult(
            text=text,
            model=getattr(resp, "model", None) or self.model,
            finish_reason=choice.finish_reason,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def _response_format(self, schema: dict[str, Any] | None) -> dict[str, Any]:
        if schema and self.json_format == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
        if schema and self.json_format == "json_object_schema":
            return {"type": "json_object", "schema": schema}
        return {"type": "json_object"}

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        temperature: float = 0.2,
        max_tokens: int = 512,
    ) -> AsyncIterator[str]:
        """Text deltas as the server sends them. Errors before or during the stream are
        translated like :meth:`complete`'s."""
        try:
            stream = await self._client.chat.completions.create(
                model=self.model,
                messages=[{"role": m.role, "content": m.content} for m in messages],  # type: ignore[misc]
                temperature=temperature,
                max_tokens=max_tokens,
                stream=True,
            )
            async for chunk in stream:
                for choice in chunk.choices or ():
                    delta = getattr(choice, "delta", None)
                    content = getattr(delta, "content", None) if delta is not None else None
                    if content:
                        yield content
        except openai.OpenAIError as exc:
            raise translate(exc) from exc
        except httpx.HTTPError as exc:  # a stream cut in the middle
            raise Unavailable(f"the LLM stream broke: {type(exc).__name__}") from exc

    async def close(self) -> None:
        await self._client.close()


def translate(exc: openai.OpenAIError) -> Exception:
    """openai's exception → ours (the one place this happens)."""
    if isinstance(exc, openai.APITimeoutError):
        return Unavailable("the LLM did not answer within the timeout (ASSIST_LLM_TIMEOUT_S)")
    if isinstance(exc, openai.APIConnectionError):
        return Unavailable("the LLM endpoint is unreachable")
    if isinstance(exc, openai.RateLimitError):
        return Unavailable("the LLM is rate limited (429) and retries were exhausted", retry_after=10)
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500:
            return Unavailable(f"the LLM failed with HTTP {exc.status_code} after retries")
        return UpstreamError(f"the LLM refused the request with HTTP {exc.status_code}")
    if isinstance(exc, openai.APIResponseValidationError):
        return UpstreamError("the LLM answered with a malformed response")
    return UpstreamError(f"LLM error: {type(exc).__name__}")
