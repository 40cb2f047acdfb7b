"""The eval gate of every `make test`: the fast suites hold the committed baseline
(evals/baseline/), give identical scores when run twice, and a deliberately worsened retrieval
fails the gate with the metric and the cases named.

Fast suites: those registered with ``fast=True`` (retrieval, summaries and its replayed LLM
variant, the store's own intents, suggestions and safety); CLINC150's 5,500 test queries run in
`assist eval` / `make eval`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from evals.framework import RunContext, select
from evals.framework.gate import compare, load_baseline
from evals.framework.runner import RunOutcome, run


def context(real_embedder: Any, counter: Any, **overrides: Any) -> RunContext:
    return RunContext(overrides={"embedder": real_embedder, "counter": counter, **overrides}, progress=False)


@pytest.fixture(scope="module")
def fast_run(real_embedder: Any, counter: Any, tmp_path_factory: pytest.TempPathFactory) -> RunOutcome:
    out = tmp_path_factory.mktemp("eval")
    return run(select(None, fast_only=True), context(real_embedder, counter), out_dir=out, stream=None)


def scores(outcome: RunOutcome) -> dict[str, Any]:
    """Every deterministic number of a run: metrics and each case's scores (timings left out)."""
    return {
        r.suite: {
            "status": r.status,
            "metrics": {m.name: m.value for m in r.metrics if m.deterministic},
            "cases": {c.key: c.scores for c in r.cases},
        }
        for r in outcome.results
    }


def test_the_fast_suites_hold_the_committed_baseline(fast_run: RunOutcome) -> None:
    errors = [f"{r.suite}: {r.reason}" for r in fast_run.results if r.status == "error"]
    assert not errors, errors
    assert fast_run.gate is not None and "retrieval" in fast_run.gate.compared_suites
    assert fast_run.gate.passed, fast_run.gate.message()
    assert {p.name for p in fast_run.paths.values()} == {"report.json", "summary.md", "report.html"}


# The second run covers the suites where non-determinism could hide: vector search (threads,
# ties), and LLM answers (replayed); the grounded suggestion suites run the same code paths.
TWICE = ["retrieval", "summaries"]


@pytest.mark.slow
def test_running_the_suites_twice_gives_identical_scores(fast_run: RunOutcome, real_embedder: Any, counter: Any) -> None:
    again = run(select(TWICE), context(real_embedder, counter), out_dir=None, stream=None)
    second = scores(again)
    first = {k: v for k, v in scores(fast_run).items() if k in second}
    assert first.keys() == second.keys() and "retrieval" in first
    for suite in first:
        assert first[suite]["metrics"] == second[suite]["metrics"], suite
        assert first[suite]["cases"] == second[suite]["cases"], suite


class RandomEmbedder:
    """A broken embedder: a fixed random vector per text, unrelated to its meaning."""

    dimension = 384
    model_name = "random-vectors"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.vstack(rows)


@pytest.mark.slow
def test_a_worsened_retrieval_fails_the_gate_naming_the_metric_and_cases(counter: Any, tmp_path: Path) -> None:
    outcome = run(select(["retrieval"]), RunContext(overrides={"embedder": RandomEmbedder(), "counter": counter}, progress=False),
                  out_dir=tmp_path, stream=None)
    gate = compare(outcome.results, load_baseline())
    assert not gate.passed
    failed = {f.metric.split(".", 1)[1] for f in gate.failures if f.metric.startswith(("dev.", "held_out."))}
    assert {"dense.recall@5", "dense.mrr", "hybrid.mrr"} <= failed  # per split: dev, or held_out when there is one
    message = gate.message()
    assert re.search(r"retrieval\.(dev|held_out)\.dense\.recall@5 dropped from", message)
    assert "cases that got worse: dense/" in message
    # The report says so too, for the reviewer.
    assert "gate: FAILED" in (tmp_path / "summary.md").read_text()
