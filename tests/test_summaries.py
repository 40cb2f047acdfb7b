"""Summaries: the extractive engine, the LLM engine (with a fake model) and the token budget."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.domain.interactions import Interaction, parse_history
from service.domain.pii import Redactor
from service.summaries.extractive import ExtractiveSummarizer
from service.prompts.registry import load_prompt
from service.summaries.budget import fit_history
from service.summaries.llm import LLMSummarizer, validate_summary_json
from service.ports import ChatResult

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / "evals" / "datasets" / "summaries.jsonl"
PROMPT = REPO / "prompts" / "summary@1.md"


def history(case_id: str) -> list[Interaction]:
    for line in DATASET.read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        if c["id"] == case_id:
            return parse_history(c["input"]["history"])
    raise KeyError(case_id)


def summarize(case_id: str, **kw: Any):
    h = history(case_id)
    return h, ExtractiveSummarizer(**kw).summarize(h, as_of=h[-1].ts)


def test_a_broken_refund_promise_across_chat_email_and_call_is_found() -> None:
    h, s = summarize("chat-email-call-refund-late")
    refund = next(c for c in s.commitments if c.type == "refund")
    assert refund.status == "broken" and refund.sources[0] == "chat-email-call-refund-late-05"
    assert "customer" in refund.evidence
    # the chat, the e-mail and the call are one issue
    assert len([i for i in s.open_issues if i.status != "resolved"]) == 1
    assert s.next_step["action"] == "fulfil_broken_promise"
    assert "order id" in s.next_step["do_not_ask"]


def test_kept_promises_are_recognised_from_events_and_later_messages() -> None:
    _, s = summarize("damaged-item-replacement-kept")
    assert [(c.type, c.status) for c in s.commitments] == [("replacement", "kept")]
    _, s = summarize("callback-kept-billing")
    assert any(c.type == "callback" and c.status == "kept" for c in s.commitments)


def test_facts_the_customer_gave_are_listed_with_their_sources() -> None:
    _, s = summarize("escalation-manager-return-window")
    facts = {(f.kind, f.value) for f in s.facts}
    assert {("order_id", "3348917502"), ("username", "cminh730"), ("membership_level", "bronze"),
            ("phone", "(977) 625-2661")} <= facts


@pytest.mark.parametrize("case_id", ["long-history-old-resolved-new-open", "bot-loop-to-agent", "sms-otp-pii",
                                     "gift-card-balance", "iban-refund-bank-transfer"])
def test_no_item_without_a_source_from_the_history(case_id: str) -> None:
    h, s = summarize(case_id)
    ids = {it.id for it in h}
    for section, item in s.all_items():
        if section == "sentiment" and not item["sources"]:
            continue
        assert item["sources"], (section, item)
        assert set(item["sources"]) <= ids


def test_secrets_never_appear_in_a_summary_but_contact_details_do() -> None:
    _, s = summarize("security-answer-pii")
    text = json.dumps(s.to_dict())
    assert "Delgado" not in text
    assert "mr.ortega@gmail.com" in text
    _, s = summarize("iban-refund-bank-transfer")
    assert "DE89" not in json.dumps(s.to_dict())


def test_the_intent_classifier_is_optional_and_used_when_given() -> None:
    _, s = summarize("bot-loop-to-agent", classify=lambda text: ("cancel_order", 0.9))
    assert s.current_need["intent"] == "cancel_order"
    _, s = summarize("bot-loop-to-agent", classify=lambda text: 1 / 0)
    assert s.current_need["intent"] is None


def test_a_resolved_history_says_nothing_is_open() -> None:
    _, s = summarize("gift-card-balance")
    assert s.open_issues[0].status == "resolved"
    assert s.next_step["action"] == "confirm_closed"


# -- token budget -------------------------------------------------------------------------------


def long_history(n_threads: int = 40, per_thread: int = 12) -> list[Interaction]:
    rows = []
    for t in range(n_threads):
        for k in range(per_thread):
            rows.append({"id": f"t{t}-{k}", "customer_id": "c", "channel": ["chat", "email", "voice"][t % 3],
                         "author_role": "customer" if k % 2 == 0 else "agent",
                         "ts": f"2024-01-{1 + t // 2:02d}T{(t % 2) * 12 + k // 6:02d}:{(k % 6) * 10:02d}:00Z",
                         "text": f"Message {k} of thread {t}: my order {1000000 + t} is late and I want an update please.",
                         "thread_id": f"T{t}"})
    return parse_history(rows)


def test_the_history_is_fitted_to_the_budget_unresolved_and_newest_first(counter) -> None:
    h = long_history()
    texts = [it.text for it in h]
    fitted = fit_history(h, texts, counter, 1500, open_threads={"T3"})
    assert fitted.tokens <= 1500
    used = set(fitted.used_ids)
    assert {f"T3-{k}" for k in range(12)} <= {i.replace("t", "T", 1) for i in used}  # the open thread is whole
    assert "t39-11" in used  # the newest thread comes next
    assert fitted.omitted and all(o["how"] in ("condensed", "dropped") for o in fitted.omitted)
    left_out = sum(o["count"] for o in fitted.omitted)
    assert left_out + len(used) == len(h)


# -- the LLM engine -------------------------------------------------------------------------------


class FakeChat:
    model = "fake-model"

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.calls: list[list[Any]] = []

    async def complete(self, messages, *, temperature=0.2, max_tokens=512, json_mode=False) -> ChatResult:
        self.calls.append(list(messages))
        if not self.answers:
            raise RuntimeError("no more answers")
        return ChatResult(self.answers.pop(0), self.model, "stop", 10, 10, 1.0)


def good_answer(src: str) -> str:
    item = {"sources": [src]}
    return json.dumps({
        "headline": {"text": "Card update pending", **item}, "current_need": {"text": "Update card", **item},
        "open_issues": [{"title": "Payment failed", "status": "open", **item}],
        "commitments": [{"type": "email", "text": "Secure link", "status": "kept", "due": None, **item}],
        "facts": [{"kind": "email", "value": "[EMAIL_1]", **item}],
        "timeline": [{"ts": "2024-03-04T09:00:00Z", "channel": "web", "text": "Payment failed", **item}],
        "sentiment": {"current": "neutral", "trend": "stable", **item}, "next_step": {"text": "Fix the link", **item},
    })


def llm(chat: FakeChat, counter) -> LLMSummarizer:
    return LLMSummarizer(chat, counter, load_prompt(PROMPT), ExtractiveSummarizer(), context_tokens=8192)


async def test_the_llm_never_sees_card_numbers_and_its_answer_names_the_prompt(counter) -> None:
    h = history("card-number-in-chat")
    chat = FakeChat([good_answer("card-number-in-chat-04")])
    s = await llm(chat, counter).summarize(h, redactor=Redactor(), as_of=h[-1].ts)
    prompt_text = "\n".join(m.content for m in chat.calls[0])
    assert "4539 1488 0343 6467" not in prompt_text and "[CARD_1]" in prompt_text
    assert "bkhan@protonmail.com" not in prompt_text
    assert s.engine == "llm" and s.prompt == "summary@1" and s.model == "fake-model"
    assert s.facts[0].value == "bkhan@protonmail.com"  # restored for the agent


async def test_an_invalid_answer_is_retried_with_the_problems(counter) -> None:
    h = history("card-number-in-chat")
    chat = FakeChat(["not json", good_answer("card-number-in-chat-04")])
    s = await llm(chat, counter).summarize(h, as_of=h[-1].ts)
    assert s.engine == "llm" and len(chat.calls) == 2
    assert "not valid" in chat.calls[1][-1].content


async def test_invented_sources_or_a_dead_model_fall_back_to_the_extractive_engine(counter) -> None:
    h = history("card-number-in-chat")
    chat = FakeChat([good_answer("made-up-id"), good_answer("made-up-id")])
    s = await llm(chat, counter).summarize(h, as_of=h[-1].ts)
    assert s.engine == "extractive" and "invalid model output" in (s.fallback_reason or "")
    s = await llm(FakeChat([]), counter).summarize(h, as_of=h[-1].ts)
    assert s.engine == "extractive" and "model error" in (s.fallback_reason or "")


def test_validation_names_what_is_wrong() -> None:
    obj, problems = validate_summary_json(json.dumps({"headline": {"text": "x", "sources": []}}), {"a"})
    assert obj is None
    assert any("headline.sources" in p for p in problems) and any("missing current_need" in p for p in problems)


def test_the_prompt_file_declares_its_metadata() -> None:
    p = load_prompt(PROMPT)
    assert p.ref == "summary@1" and p.task == "summary" and p.output_schema and p.inputs
    msgs = p.render(customer_id="c", channel=None, as_of="2024", history=["[a] line"], omitted=[])
    assert [m.role for m in msgs] == ["system", "user"] and "[a] line" in msgs[1].content
