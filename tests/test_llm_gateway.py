"""The LLM gateway over HTTP, mocked with respx: every route must be called (a test fails if
its route is removed), and nothing else may be requested."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from service.adapters.openai_chat import OpenAIChatModel
from service.llm.gateway import CircuitBreaker, LLMGateway, LLMSkipped
from service.errors import Unavailable, UpstreamError
from service.observability.metrics import Metrics
from service.ports import ChatMessage
from service.settings import LLMSettings

BASE = "http://llm.test/v1"
URL = f"{BASE}/chat/completions"
FAST = {"retry-after-ms": "1"}  # the client honours it: retries without the default backoff
MESSAGES = [ChatMessage("system", "You help."), ChatMessage("user", "Say hi as JSON.")]


def completion(content: str, *, finish: str = "stop", prompt_tokens: int = 21, completion_tokens: int = 7) -> dict:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "small-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens},
    }


def settings(**kw) -> LLMSettings:
    base = {"base_url": BASE, "model": "small-model", "timeout_s": 2.0, "max_retries": 2}
    base.update(kw)
    return LLMSettings(**base)


def gateway(counter, *, metrics: Metrics | None = None, **kw) -> LLMGateway:
    s = settings(**kw)
    chat = OpenAIChatModel(base_url=s.base_url, model=s.model, timeout_s=s.timeout_s, max_retries=s.max_retries)
    return LLMGateway(chat, s, counter=counter, metrics=metrics or Metrics())


def sample(metrics: Metrics, name: str, **labels) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_success_returns_text_and_records_usage_per_call(respx_mock, counter):
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=completion('{"reply": "hi", "citations": []}')))
    metrics = Metrics()
    gw = gateway(counter, metrics=metrics)
    result, call = await gw.complete("suggest", MESSAGES, json_mode=True)
    assert result.text == '{"reply": "hi", "citations": []}'
    assert call.outcome == "ok" and call.model == "small-model"
    assert call.prompt_tokens == 21 and call.completion_tokens == 7
    assert call.prompt_tokens_estimated > 0  # tiktoken, before the call
    sent = json.loads(route.calls.last.request.content)
    assert sent["model"] == "small-model"
    assert sent["response_format"] == {"type": "json_object"}
    assert sent["temperature"] == 0.2 and sent["max_tokens"] == 350  # per-task settings (suggest)
    assert sample(metrics, "assist_llm_calls_total", task="suggest", outcome="ok") == 1
    assert sample(metrics, "assist_llm_tokens_total", task="suggest", kind="completion") == 7


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_per_task_model_and_parameters_come_from_settings(respx_mock, counter):
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=completion("ok")))
    gw = gateway(counter, suggest_model="bigger-model", suggest_temperature=0.0, suggest_max_tokens=99)
    await gw.complete("suggest", MESSAGES)
    sent = json.loads(route.calls.last.request.content)
    assert (sent["model"], sent["temperature"], sent["max_tokens"]) == ("bigger-model", 0.0, 99)
    assert "response_format" not in sent


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_429_then_success_is_retried_by_the_client(respx_mock, counter):
    route = respx_mock.post(URL).mock(
        side_effect=[httpx.Response(429, json={"error": {"message": "slow down"}}, headers=FAST), httpx.Response(200, json=completion("fine"))]
    )
    result, call = await gateway(counter).complete("suggest", MESSAGES)
    assert result.text == "fine" and call.outcome == "ok"
    assert route.call_count == 2


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_5xx_until_retries_are_exhausted_is_skipped_as_unavailable(respx_mock, counter):
    route = respx_mock.post(URL).mock(return_value=httpx.Response(503, json={"error": {"message": "down"}}, headers=FAST))
    metrics = Metrics()
    gw = gateway(counter, metrics=metrics, max_retries=2)
    with pytest.raises(LLMSkipped) as info:
        await gw.complete("suggest", MESSAGES)
    assert info.value.reason == "unavailable"
    assert route.call_count == 3  # first try + 2 retries, by the openai client
    assert sample(metrics, "assist_llm_calls_total", task="suggest", outcome="unavailable") == 1


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_adapter_translates_5xx_and_4xx_into_our_errors(respx_mock):
    respx_mock.post(URL).mock(side_effect=[httpx.Response(500, headers=FAST), httpx.Response(400, json={"error": {"message": "bad"}})])
    chat = OpenAIChatModel(base_url=BASE, model="m", max_retries=0)
    with pytest.raises(Unavailable):
        await chat.complete(MESSAGES)
    with pytest.raises(UpstreamError):
        await chat.complete(MESSAGES)


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_timeout_is_skipped_with_reason_timeout(respx_mock, counter):
    route = respx_mock.post(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(LLMSkipped) as info:
        await gateway(counter, max_retries=0).complete("suggest", MESSAGES)
    assert info.value.reason == "timeout"
    assert route.called


async def test_a_slow_llm_is_cut_at_the_deadline(counter):
    import asyncio

    class SlowModel:
        model = "slow"

        async def complete(self, messages, **kw):
            await asyncio.sleep(5)

    gw = LLMGateway(SlowModel(), settings(), counter=counter)
    with pytest.raises(LLMSkipped) as info:
        await gw.complete("suggest", MESSAGES, timeout_s=0.1)
    assert info.value.reason == "timeout"
    assert gw.breaker.consecutive == 1


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_truncated_output_is_reported_with_finish_reason_length(respx_mock, counter):
    respx_mock.post(URL).mock(return_value=httpx.Response(200, json=completion('{"reply": "I can he', finish="length")))
    result, call = await gateway(counter).complete("suggest", MESSAGES)
    assert result.finish_reason == "length"
    assert call.outcome == "truncated"


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_malformed_response_body_is_an_upstream_error(respx_mock, counter):
    respx_mock.post(URL).mock(return_value=httpx.Response(200, content=b"{not json", headers={"content-type": "application/json"}))
    with pytest.raises(LLMSkipped) as info:
        await gateway(counter, max_retries=0).complete("suggest", MESSAGES)
    assert info.value.reason == "upstream_error"


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_malformed_json_from_the_model_is_returned_for_the_caller_to_reject(respx_mock, counter):
    from service.replies.llm_reply import parse_llm_json

    respx_mock.post(URL).mock(return_value=httpx.Response(200, json=completion('Sure! {"reply": "hi", citations: [A1]')))
    result, _ = await gateway(counter).complete("suggest", MESSAGES, json_mode=True)
    with pytest.raises(ValueError, match="JSON"):
        parse_llm_json(result.text)


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_streaming_yields_deltas_in_order(respx_mock, counter):
    def sse(content: str | None, finish: str | None = None) -> str:
        delta = {"content": content} if content is not None else {}
        chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "small-model",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(chunk)}\n\n"

    body = sse('{"reply": "Hel') + sse('lo') + sse('"}') + sse(None, "stop") + "data: [DONE]\n\n"
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"}))
    metrics = Metrics()
    gw = gateway(counter, metrics=metrics)
    sink: list = []
    deltas = [d async for d in gw.stream("suggest", MESSAGES, sink=sink)]
    assert deltas == ['{"reply": "Hel', "lo", '"}']
    assert json.loads(route.calls.last.request.content)["stream"] is True
    assert sink and sink[0].outcome == "ok" and sink[0].completion_tokens > 0
    assert sample(metrics, "assist_llm_calls_total", task="suggest", outcome="ok") == 1


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_circuit_breaker_opens_after_failures_and_skips_without_calling(respx_mock, counter):
    route = respx_mock.post(URL).mock(return_value=httpx.Response(500, headers=FAST))
    now = [0.0]
    gw = gateway(counter, max_retries=0, breaker_failures=2)
    gw.breaker = CircuitBreaker(2, 30.0, clock=lambda: now[0])
    for _ in range(2):
        with pytest.raises(LLMSkipped):
            await gw.complete("suggest", MESSAGES)
    assert gw.breaker.state == "open"
    with pytest.raises(LLMSkipped) as info:
        await gw.complete("suggest", MESSAGES)
    assert info.value.reason == "circuit_open"
    assert route.call_count == 2  # the open breaker did not call the LLM
    now[0] = 31.0
    assert gw.breaker.state == "half_open"
    route.mock(return_value=httpx.Response(200, json=completion("back")))
    result, _ = await gw.complete("suggest", MESSAGES)
    assert result.text == "back" and gw.breaker.state == "closed"


async def test_no_llm_configured_is_skipped_as_not_configured(counter):
    gw = LLMGateway(None, LLMSettings(), counter=counter)
    with pytest.raises(LLMSkipped) as info:
        await gw.complete("suggest", MESSAGES)
    assert info.value.reason == "not_configured"


async def test_a_prompt_larger_than_the_context_window_is_not_sent(counter):
    gw = LLMGateway(OpenAIChatModel(base_url=BASE, model="m"), settings(context_tokens=300), counter=counter)
    with pytest.raises(LLMSkipped) as info:
        await gw.complete("suggest", [ChatMessage("user", "word " * 400)])
    assert info.value.reason == "prompt_too_long"


@respx.mock(assert_all_called=True, assert_all_mocked=True)
async def test_the_output_schema_is_sent_when_the_endpoint_takes_it(respx_mock, counter):
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=completion('{"reply": "hi", "citations": []}')))
    schema = {"type": "object", "required": ["reply"], "properties": {"reply": {"type": "string"}}}
    for fmt, expected in (
        ("json_object", {"type": "json_object"}),
        ("json_object_schema", {"type": "json_object", "schema": schema}),
        ("json_schema", {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}),
    ):
        chat = OpenAIChatModel(base_url=BASE, model="m", json_format=fmt)
        gw = LLMGateway(chat, settings(), counter=counter)
        await gw.complete("suggest", MESSAGES, json_mode=True, schema=schema)
        assert json.loads(route.calls.last.request.content)["response_format"] == expected
