"""No planted personal value (e-mail, phone, card, IBAN, SSN) reaches the logs, the prompts sent
to the LLM, or the audit copies, whatever route it comes in through; replies only restore the
kinds the policy allows (never a card, an IBAN or a national id)."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import structlog
from sqlalchemy import select

from service.app import create_app
from service.domain.pii import PLACEHOLDER_RE, Redactor
from service.adapters.sql.models import AuditRecord
from service.ports import ChatResult
from tests.conftest import make_settings, running

pytestmark = pytest.mark.asyncio(loop_scope="module")

PLANTED = {
    "EMAIL": "dana.leak@example.com",
    "PHONE": "+44 20 7946 0958",
    "CARD": "4111 1111 1111 1111",
    "IBAN": "GB82 WEST 1234 5698 7654 32",
    "SSN": "123-45-6789",
}
FORMS = sorted({v for v in PLANTED.values()} | {re.sub(r"\D", "", PLANTED[k]) for k in ("PHONE", "CARD", "SSN")}
               | {PLANTED["IBAN"].replace(" ", "")})
"""Each value as written and in the normalised forms a careless log might use."""
TEXT = (f"Hi, I want a refund for the shirt. Card {PLANTED['CARD']}, IBAN {PLANTED['IBAN']}, "
        f"SSN {PLANTED['SSN']}, call me on {PLANTED['PHONE']} or mail {PLANTED['EMAIL']}.")


class RecordingChat:
    """A ChatModel that records every prompt and answers with the placeholders it was shown."""

    model = "recording-llm"

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def _answer(self, messages: Any) -> str:
        text = "\n".join(str(getattr(m, "content", m)) for m in messages)
        self.prompts.append(text)
        seen = " ".join(sorted(set(PLACEHOLDER_RE.findall(text)) and {m.group(0) for m in PLACEHOLDER_RE.finditer(text)}))
        return json.dumps({"reply": f"Thanks, we will refund your shirt. {seen}", "citations": ["A1"]})

    async def complete(self, messages, *, temperature=0.2, max_tokens=512, json_mode=False, **_: Any) -> ChatResult:
        return ChatResult(text=self._answer(messages), model=self.model, finish_reason="stop", prompt_tokens=50, completion_tokens=20, latency_ms=1.0)

    async def stream(self, messages, *, temperature=0.2, max_tokens=512) -> AsyncIterator[str]:
        yield self._answer(messages)


def leaks(text: str) -> list[str]:
    return [f for f in FORMS if f in text]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def svc(tmp_path_factory, real_embedder, counter):
    tmp = tmp_path_factory.mktemp("pii")
    settings = make_settings(tmp / "data", server={"log_level": "debug"},
                             llm={"base_url": "http://fake-llm.invalid/v1", "model": "recording-llm", "suggest_deadline_s": 5.0})
    chat = RecordingChat()
    app = create_app(settings, {"embedder": real_embedder, "counter": counter, "chat_model": chat})
    logs = io.StringIO()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=logs))  # same processors, our buffer
    async with running(app) as client:
        container = app.state.container
        refunds = settings.content.knowledge_dir / "refunds"
        await container.knowledge.ingest_dir(refunds)
        key, _ = await container.keys.create("acme", "admin")
        client.headers["Authorization"] = f"Bearer {key}"
        yield client, chat, logs, container


async def exercise(client: Any) -> dict[str, Any]:
    """Send the planted values through every route that takes customer text."""
    conv = {"channel": "chat", "messages": [{"role": "customer", "text": TEXT}], "customer": {"id": "c-1", "first_name": "Dana"}}
    out: dict[str, Any] = {}
    for path in ("/v1/suggestions", "/v1/assist", "/v1/suggestions/stream"):
        r = await client.post(path, json=conv)
        assert r.status_code == 200, (path, r.text)
        out[path] = r
    r = await client.post("/v1/knowledge/search", json={"query": TEXT[:300]})
    assert r.status_code == 200
    # out of scope, so the classifier abstains and asks the LLM fallback
    odd = f"what is the boiling point of mercury on mars? {TEXT[TEXT.index('Card'):]}"
    r = await client.post("/v1/intents/classify", json={"text": odd})
    assert r.status_code == 200, r.text
    interaction = {"id": "i-1", "customer_id": "c-1", "channel": "email", "author_role": "customer", "ts": "2025-06-01T10:00:00Z", "text": TEXT}
    assert (await client.post("/v1/interactions", json=interaction)).status_code in (200, 201)
    for engine in ("llm", "extractive"):
        r = await client.post("/v1/summaries", json={"customer_id": "c-1", "engine": engine})
        assert r.status_code == 200, r.text
        out[f"summary-{engine}"] = r
    sid = out["/v1/suggestions"].json()["suggestions"][0]["id"]
    r = await client.post(f"/v1/suggestions/{sid}/feedback", json={"event": "edited", "sent_text": f"Sure, refund to {PLANTED['IBAN']} done, mail {PLANTED['EMAIL']}"})
    assert r.status_code == 201, r.text
    # errors carrying the values: a 404 naming a handle, a 422 echoing bad input
    await client.get("/v1/identities/resolve", params={"kind": "email", "value": PLANTED["EMAIL"]})
    await client.post("/v1/knowledge/search", json={"query": TEXT, "top_k": 999})
    await client.get(f"/v1/customers/{PLANTED['EMAIL']}/interactions")
    return out


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def exercised(svc):
    client, chat, logs, container = svc
    return await exercise(client)


async def test_the_llm_never_sees_a_planted_value(svc, exercised):
    _, chat, _, _ = svc
    assert len(chat.prompts) >= 3, "the suggestion, assist and summary routes must have asked the LLM"
    assert any("route customer-service messages" in p for p in chat.prompts), "the intent fallback asked the LLM"
    assert any("[CARD_1]" in p for p in chat.prompts), "placeholders, not values, reach the prompt"
    for prompt in chat.prompts:
        assert not leaks(prompt), leaks(prompt)


async def test_the_logs_never_carry_a_planted_value(svc, exercised, caplog):
    _, _, logs, _ = svc
    text = logs.getvalue()
    assert '"event": "request"' in text and text.count('"event": "request"') >= 8, "the canonical lines were captured"
    assert not leaks(text), leaks(text)


async def test_the_log_processor_redacts_whatever_a_handler_passes(svc):
    _, _, logs, _ = svc
    start = len(logs.getvalue())
    try:
        raise ValueError(f"boom for {PLANTED['EMAIL']}")
    except ValueError:
        structlog.get_logger("t").exception("careless", note=TEXT, nested={"list": [PLANTED["CARD"]]}, n=3)
    line = logs.getvalue()[start:]
    assert "careless" in line and "[EMAIL_1]" in line and "[CARD_1]" in line and not leaks(line)


async def test_the_stdlib_logs_never_carry_a_planted_value(svc, caplog):
    client, *_ = svc
    with caplog.at_level(logging.DEBUG):
        await exercise(client)
    assert not leaks(caplog.text), leaks(caplog.text)


async def test_audit_copies_never_carry_a_planted_value(svc, exercised):
    *_, container = svc
    async with container.sessions() as session:
        rows = (await session.scalars(select(AuditRecord))).all()
    endpoints = {r.endpoint for r in rows}
    assert {"knowledge.search", "summaries"} <= endpoints and len(rows) >= 6, endpoints
    for r in rows:
        copy = json.dumps([r.input_redacted, r.output, r.params, r.policy, r.articles, r.customer_id])
        assert not leaks(copy), (r.endpoint, leaks(copy))


async def test_replies_never_restore_cards_ibans_or_national_ids(svc, exercised):
    for name, r in exercised.items():
        body = r.text
        for kind in ("CARD", "IBAN", "SSN"):
            forms = [f for f in FORMS if Redactor(kinds=[kind]).redact(f) != f]
            assert not [f for f in forms if f in body], (name, kind)
