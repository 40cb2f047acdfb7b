"""The LLM prompt suggest_history@1 gets the customer's history as masked data (issue 14): facts
already given and open or broken commitments, with contact details masked; replies are still
revised and checked. Here the prompt is switched on for one tenant through the registry."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime

import pytest

from service.ports import ChatResult
from tests.conftest import REPO, make_settings, new_key, running

pytestmark = pytest.mark.asyncio

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


class Recorder:
    model = "fake-llm"

    def __init__(self) -> None:
        self.prompts: list[list] = []

    async def complete(self, messages, *, temperature=0.2, max_tokens=512, json_mode=False) -> ChatResult:
        self.prompts.append(list(messages))
        user = messages[-1].content
        reply = re.search(r"Approved reply: (.*)", user).group(1)
        return ChatResult(text=json.dumps({"reply": reply, "citations": ["A1"]}), model=self.model, finish_reason="stop",
                          prompt_tokens=10, completion_tokens=5, latency_ms=1.0)


async def test_the_llm_prompt_carries_the_masked_history_and_the_reply_still_uses_it(tmp_path, app_factory):
    prompts = tmp_path / "prompts"
    shutil.copytree(REPO / "prompts", prompts)
    reg = (prompts / "registry.yaml").read_text().replace("    active: suggest_reply@1\n",
                                                          "    active: suggest_reply@1\n    tenants: {acme: suggest_history@1}\n")
    (prompts / "registry.yaml").write_text(reg)
    chat = Recorder()
    settings = make_settings(tmp_path / "data", content={"prompts_dir": prompts},
                             llm={"base_url": "http://fake-llm.invalid/v1", "model": "fake-llm"})
    async with running(app_factory(settings, chat_model=chat, clock=lambda: NOW)) as c:
        await c.app.state.container.knowledge.ingest_dir(settings.content.knowledge_dir)
        auth = await new_key(c, "acme", "suggestions:read,interactions:write")
        history = [
            {"id": "h1", "customer_id": "c-llm", "channel": "email", "author_role": "customer", "ts": "2026-11-03T09:00:00Z",
             "text": "I want a refund for order 3348917502. Reach me at ana.l@example.com"},
            {"id": "h2", "customer_id": "c-llm", "channel": "email", "author_role": "agent", "ts": "2026-11-03T09:30:00Z",
             "text": "I'll process the refund now; it will be back on your card within 5 business days."},
        ]
        assert (await c.post("/v1/interactions", json={"interactions": history}, headers=auth)).status_code == 201
        r = await c.post("/v1/suggestions", headers=auth, json={
            "channel": "chat", "customer": {"id": "c-llm"},
            "messages": [{"role": "customer", "text": "Where is my refund? It still hasn't arrived."}]})
        assert r.status_code == 200, r.text
        body = r.json()
    user = chat.prompts[0][-1].content
    assert "<CUSTOMER_HISTORY>" in user and "order_id=3348917502" in user
    assert "Commitment (broken): refund, 2026-11-03 by email" in user
    assert "ana.l@example.com" not in user and "[EMAIL_" in user
    top = body["suggestions"][0]
    assert top["engine"] == "llm" and top["prompt"] == "suggest_history@1"
    assert top["history_citations"][0]["interaction_id"] == "h2" and all(ch["passed"] for ch in top["checks"])


async def test_by_default_a_request_with_history_gets_suggest_history_and_one_without_does_not(tmp_path, app_factory):
    """prompts/registry.yaml as shipped: tasks.suggest.with_history serves suggest_history@1 to a
    request that names a customer; a request without one keeps suggest_reply@1."""
    chat = Recorder()
    settings = make_settings(tmp_path / "data", llm={"base_url": "http://fake-llm.invalid/v1", "model": "fake-llm"})
    async with running(app_factory(settings, chat_model=chat, clock=lambda: NOW)) as c:
        await c.app.state.container.knowledge.ingest_dir(settings.content.knowledge_dir)
        auth = await new_key(c, "globex", "suggestions:read,interactions:write")
        history = [
            {"id": "d1", "customer_id": "c-def", "channel": "voice", "author_role": "customer", "ts": "2026-11-04T10:00:00Z",
             "text": "My order 4411223344 came damaged. Call me on +44 7700 900777 or mail jo.k@example.com"},
            {"id": "d2", "customer_id": "c-def", "channel": "voice", "author_role": "agent", "ts": "2026-11-04T10:05:00Z",
             "text": "I'll send you a return label by e-mail today."},
        ]
        assert (await c.post("/v1/interactions", json={"interactions": history}, headers=auth)).status_code == 201
        ask = {"channel": "chat", "messages": [{"role": "customer", "text": "I never got the return label."}]}
        with_history = await c.post("/v1/suggestions", headers=auth, json={**ask, "customer": {"id": "c-def"}})
        without = await c.post("/v1/suggestions", headers=auth, json=ask)
        assert with_history.status_code == 200 and without.status_code == 200, (with_history.text, without.text)
    first, second = chat.prompts[0][-1].content, chat.prompts[1][-1].content
    assert with_history.json()["suggestions"][0]["prompt"] == "suggest_history@1"
    assert "<CUSTOMER_HISTORY>" in first and "order_id=4411223344" in first
    assert "Commitment (broken): " in first and "2026-11-04 by voice" in first
    for secret in ("jo.k@example.com", "7700 900777", "+447700900777"):
        assert secret not in first
    assert "[EMAIL_" in first and "[PHONE_" in first
    assert without.json()["suggestions"][0]["prompt"] == "suggest_reply@1"
    assert "<CUSTOMER_HISTORY>" not in second and "CUSTOMER HISTORY" not in chat.prompts[1][0].content
