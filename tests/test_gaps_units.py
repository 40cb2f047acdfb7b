"""The gap loop's parts without the service: signals are masked, clustering finds the planted
topics of the eval's held_out month and a broken clusterer makes the metrics drop, drafts carry
what agents sent, and an LLM draft is kept only when grounded in the agents' texts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from evals import gaps as gaps_eval
from service.gaps.clustering import Gap
from service.gaps.drafts import build_draft, grounding_problems, write_with_llm
from service.gaps.signals import Signal, from_event
from service.knowledge.articles import parse_article
from service.ports import ChatResult

AT = "2026-11-10T10:00:00Z"


def test_signals_are_the_events_that_show_a_gap_and_their_text_is_masked() -> None:
    edited = from_event({"type": "feedback", "at": AT, "event": "edited", "customer_text": "call me on +44 7700 900123",
                         "sent_text": "Done, I emailed jane.doe@example.com", "articles": ["a"]})
    assert edited is not None and edited.kind == "edited" and edited.cites == ("a",)
    assert "jane.doe@example.com" not in edited.sent_text and "7700 900123" not in edited.text
    assert from_event({"type": "feedback", "at": AT, "event": "accepted", "customer_text": "x"}) is None
    assert from_event({"type": "search", "at": AT, "query": "q", "mode": "dense", "top_score": 0.2, "articles": ["a"]}).kind == "low_score"
    assert from_event({"type": "search", "at": AT, "query": "q", "mode": "dense", "top_score": 0.7, "articles": ["a"]}) is None
    assert from_event({"type": "search", "at": AT, "query": "q", "mode": "hybrid", "top_score": None, "articles": []}).kind == "low_score"
    assert from_event({"type": "intent", "at": AT, "text": "q", "intent": None}).kind == "abstained"
    assert from_event({"type": "intent", "at": AT, "text": "q", "intent": "refund"}) is None
    assert from_event({"type": "suggestion", "at": AT, "customer_text": "q", "skipped_reason": "no_knowledge"}).kind == "no_knowledge"
    assert from_event({"type": "suggestion", "at": AT, "customer_text": "q", "escalation": True, "articles": []}).kind == "escalation"
    assert from_event({"type": "suggestion", "at": AT, "customer_text": "q", "escalation": True, "articles": ["a"]}) is None




async def test_the_held_out_month_meets_the_targets(real_embedder: Any) -> None:
    m = (await gaps_eval.run_split("held_out", real_embedder)).metrics()
    assert m["gap_recall"] >= 0.9 and m["gap_precision"] >= 0.8
    assert m["outdated_named"] == 1.0 and m["draft_facts"] >= 0.8


class OneCluster:
    def labels(self, vectors: np.ndarray) -> list[int]:
        return [0] * len(vectors)




async def test_a_broken_clusterer_makes_the_gap_metrics_drop(real_embedder: Any) -> None:
    m = (await gaps_eval.run_split("held_out", real_embedder, OneCluster())).metrics()
    assert m["gap_recall"] < 0.2 and m["outdated_named"] == 0.0


def _gap(sent: list[str], kind: str = "missing", article: str | None = None) -> Gap:
    at = datetime(2026, 11, 10, tzinfo=UTC)
    signals = [Signal("edited", at, f"do you gift wrap? {i}", sent_text=t, conversation_id=str(i)) for i, t in enumerate(sent)]
    return Gap("k", kind, "Do you gift wrap?", signals, np.ones(3) / np.sqrt(3), article_id=article)


SENT = ["Yes, we offer gift wrapping for $4.99 per order, with a handwritten card included.",
        "Gift wrapping costs $4.99 per order and you can add it up to 2 hours after ordering."]


def test_a_draft_is_a_valid_draft_article_with_what_agents_sent_and_no_owner() -> None:
    draft = build_draft(_gap(SENT), date(2026, 11, 15))
    article = parse_article(draft.content, "draft")
    assert article.status == "draft" and article.owner is None and article.version == 1
    assert article.id == "gap-do-you-gift-wrap" and article.effective_from == date(2026, 11, 15)
    assert "$4.99" in article.body and "handwritten card" in article.body and "2 hours" in article.body
    outdated = build_draft(_gap(SENT, "outdated", "store-dates-and-hours"), date(2026, 11, 15), article_id="store-dates-and-hours", version=3)
    assert "replaces: store-dates-and-hours" in outdated.content and parse_article(outdated.content, "d").version == 3


class FakeChat:
    model = "fake"

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls = 0

    async def complete(self, messages: Any, **kw: Any) -> ChatResult:
        self.calls += 1
        return ChatResult(self.text, "fake", "stop", 10, 10, 1.0)


async def test_an_llm_draft_is_kept_only_when_grounded_in_what_agents_sent() -> None:
    gap, today = _gap(SENT), date(2026, 11, 15)
    grounded = FakeChat("We offer gift wrapping for $4.99 per order. A handwritten card is included.")
    out = await write_with_llm(build_draft(gap, today), gap, today, grounded)
    assert grounded.calls == 1 and out.engine == "llm" and "A handwritten card is included." in out.content
    invented = FakeChat("Gift wrapping is free on orders over $100. A handwritten card is included.")
    out = await write_with_llm(build_draft(gap, today), gap, today, invented)
    assert out.engine == "extractive" and "$100" not in out.content and "not grounded" in out.notes[0]
    assert grounding_problems("Gift wrapping costs $4.99 per order.", SENT) == []
    assert grounding_problems("Gift wrapping costs $5.99 per order.", SENT)
