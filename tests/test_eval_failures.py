"""Every headline metric can fail: for each suite, break the behaviour it measures (a check
switched off, a random embedder, a model answering garbage) and see the headline metric drop
and the gate fail against the unbroken run's baseline.

The suites run on a sample of their cases (``RunContext.sample``), at the pinned eval date.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from evals.framework import RunContext, SuiteResult
from evals.framework.gate import baseline_of, compare
from evals.framework.runner import run_suite
from evals.framework.suite import registry
from service.ports import ChatResult
from tests.conftest import make_settings


class RandomEmbedder:
    """Unit vectors unrelated to the text: what retrieval and intents get from a broken model."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self.model_name = "random"
        self._rng = np.random.default_rng(7)

    def embed(self, texts: Any) -> np.ndarray:
        v = self._rng.normal(size=(len(texts), self.dimension)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def _ctx(tmp_path: Any, real_embedder: Any, counter: Any, sample: int = 0, **overrides: Any) -> RunContext:
    settings = make_settings(tmp_path / "data")
    return RunContext(settings=settings, overrides={"embedder": real_embedder, "counter": counter, **overrides},
                      llm_mode="replay", progress=False, sample=sample)


def _run(name: str, ctx: RunContext) -> SuiteResult:
    result = run_suite(registry()[name], ctx)
    assert result.ok, result.reason + "\n" + "\n".join(result.notes)
    return result


def assert_fails(name: str, good: SuiteResult, bad: SuiteResult, metric: str) -> None:
    """``metric`` dropped beyond its tolerance and the gate against ``good`` fails naming it."""
    before, after = good.metric(metric), bad.metric(metric)
    assert before is not None and after is not None, f"{metric} not reported"
    assert after.value < before.value, f"{metric}: {before.value} -> {after.value}"
    assert before.headline, f"{metric} is not a headline metric"
    gate = compare([bad], {name: baseline_of(good)})
    assert not gate.passed
    assert any(f.metric == metric and f.status == "regressed" for f in gate.failures), gate.message()


def test_retrieval_fails_with_a_random_embedder(tmp_path, real_embedder, counter) -> None:  # noqa: ANN001
    good = _run("retrieval", _ctx(tmp_path / "a", real_embedder, counter, sample=24))
    bad = _run("retrieval", _ctx(tmp_path / "b", RandomEmbedder(real_embedder.dimension), counter, sample=24))
    split = "held_out" if good.has_held_out else "dev"
    assert_fails("retrieval", good, bad, f"{split}.dense.recall@5")


def test_summaries_fail_when_commitments_are_not_extracted(tmp_path, real_embedder, counter) -> None:  # noqa: ANN001
    from service.summaries.extractive import ExtractiveSummarizer

    class NoCommitments(ExtractiveSummarizer):
        def summarize(self, *args: Any, **kw: Any) -> Any:
            summary = super().summarize(*args, **kw)
            summary.commitments = []
            return summary

    good = _run("summaries", _ctx(tmp_path / "a", real_embedder, counter))
    bad = _run("summaries", _ctx(tmp_path / "b", real_embedder, counter, summarizer=NoCommitments()))
    assert_fails("summaries", good, bad, "held_out.facts_and_commitments_recall")


class OracleChat:
    """A model that answers every summary prompt with the case's expected summary (valid JSON,
    every item sourced): the LLM engine's own score is then perfect."""

    model = "oracle"

    def __init__(self, garbage: bool = False) -> None:
        from evals import summaries as summ

        self.cases = {c["id"]: c for c in summ.load()}
        self.garbage = garbage

    async def complete(self, messages: Any, **kw: Any) -> ChatResult:
        if self.garbage:
            return ChatResult('{"id": 123, "title": "Summary"}', self.model, "stop", 10, 10, 1.0)
        text = "\n".join(m.content for m in messages)
        ids = re.findall(r"\[([A-Za-z0-9-]+-\d\d)\]", text)
        case = self.cases[ids[0].rsplit("-", 1)[0]]
        src = [ids[-1]]
        exp = case["expected"]
        answer = {
            "headline": {"text": exp["need"]["text"], "sources": src},
            "current_need": {"text": exp["need"]["text"], "sources": src},
            "sentiment": {"current": "neutral", "trend": "stable", "sources": src},
            "next_step": {"text": "follow up", "sources": src},
            "open_issues": [],
            "commitments": [{"type": c["type"][0] if isinstance(c["type"], list) else c["type"], "text": "promised",
                             "status": c["status"], "sources": src} for c in exp["commitments"]],
            "facts": [{"kind": f["kind"], "value": f["value"], "sources": src} for f in exp["facts"]],
            "timeline": [],
        }
        return ChatResult(json.dumps(answer), self.model, "stop", 10, 10, 1.0)


def test_summaries_llm_headline_is_the_models_own_score_and_fails_on_garbage(tmp_path, real_embedder, counter) -> None:  # noqa: ANN001
    good = _run("summaries.llm", _ctx(tmp_path / "a", real_embedder, counter, chat=OracleChat()))
    bad = _run("summaries.llm", _ctx(tmp_path / "b", real_embedder, counter, chat=OracleChat(garbage=True)))
    assert good.metric("held_out.facts_and_commitments_recall").value == 1.0
    # Garbage falls back to the extractive engine: the agent still gets a summary, the model scores nothing.
    assert bad.metric("held_out.facts_and_commitments_recall").value == 0.0
    assert bad.metric("delivered.facts_and_commitments_recall").value > 0.5
    assert_fails("summaries.llm", good, bad, "held_out.facts_and_commitments_recall")
    assert_fails("summaries.llm", good, bad, "held_out.llm_answer_used_rate")


def test_intents_store_fails_with_a_random_embedder(tmp_path, real_embedder, counter) -> None:  # noqa: ANN001
    good = _run("intents.store", _ctx(tmp_path / "a", real_embedder, counter, sample=12))
    bad = _run("intents.store", _ctx(tmp_path / "b", RandomEmbedder(real_embedder.dimension), counter, sample=12))
    assert_fails("intents.store", good, bad, "held_out.accuracy")


def test_intents_store_oos_recall_fails_when_abstention_is_switched_off(tmp_path, real_embedder, counter) -> None:  # noqa: ANN001
    good_ctx = _ctx(tmp_path / "a", real_embedder, counter, sample=40)
    good = _run("intents.store", good_ctx)
    never_abstain = good_ctx.settings.replace(models={"intent_threshold": 0.0})
    bad = _run("intents.store", replace(good_ctx, settings=never_abstain))
    assert_fails("intents.store", good, bad, "held_out.oos_recall")


class PromisingEngine:
    """The grounded engine with a forbidden promise added to every reply and no length cut."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def replies(self, hits: Any, channel: str, **kw: Any) -> list[Any]:
        out = self.inner.replies(hits, channel, **kw)
        for g in out:
            g.candidate.text += " We guarantee a full refund, no questions asked. " + "Thanks for your patience! " * 40
        return out

    def confidence(self, *args: Any) -> float:
        return self.inner.confidence(*args)


def test_suggestions_fail_when_the_engine_promises_what_policy_forbids(tmp_path, real_embedder, counter) -> None:  # noqa: ANN001
    from service.replies.grounded import GroundedEngine
    from service.replies.policy import load_policy

    policy = load_policy(_ctx(tmp_path / "p", real_embedder, counter).content_path("policy_file"))
    good = _run("suggestions", _ctx(tmp_path / "a", real_embedder, counter, sample=6))
    bad = _run("suggestions", _ctx(tmp_path / "b", real_embedder, counter, sample=6,
                                   suggestion_engine=PromisingEngine(GroundedEngine(policy))))
    split = "held_out" if good.has_held_out else "dev"
    assert_fails("suggestions", good, bad, f"{split}.policy_pass_rate")
    assert bad.metric(f"{split}.within_channel_length").value < good.metric(f"{split}.within_channel_length").value
    # What the service delivered was filtered: the broken candidates never reached the agent.
    assert all("no questions asked" not in (c.output.get("delivered") or "") for c in bad.cases)


def test_a_case_without_a_split_counts_as_dev_and_an_unknown_split_is_refused() -> None:
    from evals.framework.dataset import parse_case

    assert parse_case({"id": "x", "input": {}, "expected": {}}, "t").split == "dev"
    with pytest.raises(ValueError, match="split must be"):
        parse_case({"id": "x", "input": {}, "expected": {}, "split": "test"}, "t")


def test_intents_clinc150_fails_with_a_random_embedder(tmp_path, real_embedder, counter) -> None:  # noqa: ANN001
    from evals import intents

    if not (intents.CLINC_DIR / "data_full.json").is_file():
        pytest.skip(f"CLINC150 is not at {intents.CLINC_DIR}")
    good = _run("intents.clinc150", _ctx(tmp_path / "a", real_embedder, counter, sample=120))
    bad = _run("intents.clinc150", _ctx(tmp_path / "b", RandomEmbedder(real_embedder.dimension), counter, sample=120))
    assert_fails("intents.clinc150", good, bad, "held_out.in_scope_accuracy")
