"""The retrieval benchmark's code path, small: real MiniLM vectors of generated text through
the embedder's bulk path, ingest into Qdrant Edge through ``EdgeIndex``, search with the
default filters, exact search under the same filters. Figures are not checked (a small shard
on a shared machine says nothing about speed); what is checked is that the run completes and
that its comparisons mean something: the bulk vectors equal the query path's, the filters
remove chunks, and the index and the exact search agree on what is visible."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_retrieval", REPO / "benchmarks" / "bench_retrieval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_retrieval", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_bench_retrieval_runs_small(real_embedder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench = _bench()
    embedder = real_embedder.inner  # not the test session's memo: the query-path check must really encode
    result = bench.run(n_chunks=240, n_queries=24, n_tuning=12, cache=tmp_path / "vectors", embedder=embedder, rounds=1,
                       ef_sweep=[64], progress=False)
    assert result["total"] == 240
    assert result["query_path_min_cosine"] >= 1 - 1e-5
    assert 0 < result["visible"] < 240  # tenants, drafts, expired and future articles are filtered out
    assert result["recall"] >= 0.98  # at this size the engine scans exactly: only a filter disagreement lowers it
    assert all(p50 > 0 for p50, _ in result["latency"].values())
    assert "dense recall@10" in bench.table(result)
    assert "tuning queries, hnsw_ef 64" in capsys.readouterr().out

    # the vectors were cached by part: a rerun embeds nothing and reads the same vectors
    texts = bench.generated_texts(240)
    again, seconds, fresh = bench.embeddings(texts, embedder, tmp_path / "vectors", progress=False)
    assert fresh == 0 and seconds == 0.0
    assert np.allclose(again[:40], embedder.embed(texts[:40]), atol=1e-5)


def test_generated_texts_are_prefix_stable() -> None:
    bench = _bench()
    assert bench.generated_texts(50) == bench.generated_texts(120)[:50]
    tuning, reported = set(bench.generated_queries(100, seed=101)), bench.generated_queries(100, seed=202)
    assert len(tuning & set(reported)) < 5  # the run drops any overlap; the seeds give nearly disjoint sets


def test_visible_applies_every_default_filter() -> None:
    bench = _bench()
    from service.ports import SearchFilters

    chunks = bench.records(bench.generated_texts(400))
    mask = bench.visible(chunks, bench.TENANTS, SearchFilters(), bench.TODAY)
    for chunk, shown in zip(chunks, mask, strict=True):
        p = chunk.payload
        expected = (chunk.tenant_id in bench.TENANTS and p["status"] == "approved"
                    and p["effective_from"] <= bench.TODAY <= p["review_by"])
        assert shown == expected
    assert mask.sum() < 400
