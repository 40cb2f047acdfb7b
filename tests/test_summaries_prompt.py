"""The LLM summary follows the configuration the README names: the prompt registry picks the
summary prompt, the prompt's `parameters` fill the call, and ASSIST_LLM_CONTEXT_TOKENS sizes the
history."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from service.ports import ChatResult
from tests.conftest import make_settings, new_key
from tests.test_summaries import good_answer, history, long_history

REPO = Path(__file__).resolve().parents[1]


class RecordingChat:
    """A fake ChatModel that answers from a list and records every call's parameters."""

    def __init__(self, answers: list[str], model: str = "fake-model", calls: list[dict[str, Any]] | None = None) -> None:
        self.answers = answers
        self.model = model
        self.calls: list[dict[str, Any]] = [] if calls is None else calls

    def with_model(self, model: str) -> RecordingChat:
        return RecordingChat(self.answers, model, self.calls)

    async def complete(self, messages, *, temperature=0.2, max_tokens=512, json_mode=False) -> ChatResult:
        self.calls.append({"messages": list(messages), "temperature": temperature, "max_tokens": max_tokens,
                           "json_mode": json_mode, "model": self.model})
        return ChatResult(self.answers.pop(0), self.model, "stop", 10, 10, 1.0)


def prompts_dir(tmp_path: Path, *, parameters: str, tenants: str = "") -> Path:
    """The repository's prompts plus summary@2 (with ``parameters``), activated in registry.yaml."""
    target = tmp_path / "prompts"
    shutil.copytree(REPO / "prompts", target)
    v1 = (target / "summary@1.md").read_text(encoding="utf-8")
    v2 = v1.replace("version: 1\n", "version: 2\n", 1)
    v2 = re.sub(r"parameters:\n(?:  .*\n)+", parameters, v2, count=1)
    v2 = v2.replace("{# system #}\n", "{# system #}\nSummary prompt, second version.\n", 1)
    (target / "summary@2.md").write_text(v2, encoding="utf-8")
    registry = (target / "registry.yaml").read_text(encoding="utf-8")
    (target / "registry.yaml").write_text(registry.replace("active: summary@1", "active: summary@2" + tenants), encoding="utf-8")
    return target


async def summarise(app_factory, settings, chat: RecordingChat, body: dict[str, Any], tenant: str = "acme") -> dict[str, Any]:
    async with AsyncTestClient(app=app_factory(settings, chat_model=chat)) as client:
        h = await new_key(client, tenant, "interactions:read")
        r = await client.post("/v1/summaries", json=body, headers=h)
        assert r.status_code == 200, r.text
        return r.json()


def inline(case_id: str) -> list[dict[str, Any]]:
    return [{"id": it.id, "customer_id": it.customer_id, "channel": it.channel, "author_role": it.author_role,
             "direction": it.direction, "ts": it.ts.isoformat(), "text": it.text, "thread_id": it.thread_id,
             "kind": it.kind} for it in history(case_id)]


async def test_the_registry_picks_the_summary_prompt_and_its_parameters_fill_the_call(app_factory, tmp_path) -> None:
    params = "parameters:\n  temperature: 0.35\n  max_tokens: 900\n  json_mode: true\n  model: summary-model\n"
    settings = make_settings(tmp_path / "data", content={"prompts_dir": prompts_dir(tmp_path, parameters=params)})
    chat = RecordingChat([good_answer("card-number-in-chat-04")])
    s = await summarise(app_factory, settings, chat, {"history": inline("card-number-in-chat")})
    assert (s["engine"], s["prompt"], s["model"]) == ("llm", "summary@2", "summary-model")
    [call] = chat.calls
    assert "Summary prompt, second version." in call["messages"][0].content
    assert (call["temperature"], call["max_tokens"], call["json_mode"], call["model"]) == (0.35, 900, True, "summary-model")


async def test_a_tenant_override_in_the_registry_serves_that_tenant_its_summary_prompt(app_factory, tmp_path) -> None:
    params = "parameters:\n  temperature: 0.1\n  max_tokens: 1200\n  json_mode: true\n"
    directory = prompts_dir(tmp_path, parameters=params, tenants="\n    tenants: {legacy: summary@1}")
    settings = make_settings(tmp_path / "data", content={"prompts_dir": directory})
    body = {"history": inline("card-number-in-chat")}
    s = await summarise(app_factory, settings, RecordingChat([good_answer("card-number-in-chat-04")]), body, "legacy")
    assert s["prompt"] == "summary@1"
    s = await summarise(app_factory, settings, RecordingChat([good_answer("card-number-in-chat-04")]), body, "acme")
    assert s["prompt"] == "summary@2"


async def test_the_history_fits_the_context_window_setting(app_factory, tmp_path) -> None:
    rows = [{"id": it.id, "customer_id": it.customer_id, "channel": it.channel, "author_role": it.author_role,
             "ts": it.ts.isoformat(), "text": it.text, "thread_id": it.thread_id} for it in long_history()]
    budgets = {}
    for window in (3000, 6000):
        settings = make_settings(tmp_path / f"data{window}", llm={"context_tokens": window})
        chat = RecordingChat([good_answer("t39-11")])
        s = await summarise(app_factory, settings, chat, {"history": rows})
        # the answer was used: the prompt and the answer's max_tokens (1200) fit the window
        assert s["engine"] == "llm", s.get("fallback_reason")
        assert s["coverage"]["history_tokens"] <= s["coverage"]["token_budget"] <= window - 1200
        assert s["coverage"]["omitted"]
        budgets[window] = s["coverage"]["token_budget"]
    assert budgets[6000] - budgets[3000] == 3000
