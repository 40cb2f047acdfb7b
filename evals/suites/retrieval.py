"""Retrieval suite: the lead's ``evals/retrieval.py`` (system under test and ranking scorers),
run dense, sparse and hybrid over the sample knowledge, with the framework's dataset
validation, progress, charts and gate."""

from __future__ import annotations

import asyncio
from typing import Any

from evals.framework import LOWER, TIMING, CaseResult, Chart, RunContext, SuiteResult, load_dataset, scorers, suite

MODES = ("hybrid", "dense", "sparse")
METRICS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
HEADLINE = {("hybrid", "recall@5"), ("hybrid", "mrr"), ("hybrid", "ndcg@10"), ("dense", "recall@5")}


@suite("retrieval", "Knowledge retrieval over the sample articles: recall@k, MRR and nDCG@10 of the "
       "article ranking, for hybrid (RRF of dense MiniLM and BM25-style sparse) and each side alone.")
def run(ctx: RunContext) -> SuiteResult:
    from evals import retrieval as ret  # the lead's module: system under test and scorers

    data = load_dataset(ret.DATASET, "retrieval")
    cases = [ret.RetrievalCase(c.id, c.input["query"], frozenset(c.expected["article_ids"]), c.tags) for c in data]
    embedder = ctx.overrides.get("embedder", None)
    result = SuiteResult("retrieval", datasets=[data.describe()])

    async def go() -> dict[str, list[Any]]:
        async with ctx.container() as c:
            out: dict[str, list[Any]] = {}
            bar = ctx.bar(len(cases) * len(MODES), "retrieval")
            try:
                for mode in MODES:
                    bar.set_postfix_str(mode)
                    rows = []
                    for case in cases:
                        rows += await ret.run_cases(c.knowledge, [case], mode)
                        bar.update(1)
                    out[mode] = rows
            finally:
                bar.close()
            result.system = f"KnowledgeService, embedder {getattr(c.embedder, 'model_name', type(c.embedder).__name__)}, top 30 chunks"
            return out

    by_mode = asyncio.run(go())
    for mode in MODES:
        rows = by_mode[mode]
        for name in METRICS:
            result.add(f"{mode}.{name}", scorers.mean(r.scores[name] for r in rows), variant=mode,
                       headline=(mode, name) in HEADLINE)
    for mode in MODES:
        lat = scorers.latency_summary(r.latency_ms for r in by_mode[mode])
        result.add(f"{mode}.latency_p50_ms", lat["latency_p50_ms"], direction=LOWER, kind=TIMING)
        result.add(f"{mode}.latency_p95_ms", lat["latency_p95_ms"], direction=LOWER, kind=TIMING)
    for mode in MODES:
        for r in by_mode[mode]:
            result.cases.append(CaseResult(
                id=r.case.id, input={"query": r.case.query}, expected={"article_ids": sorted(r.case.expected)},
                output={"ranked": r.ranked[:5]}, scores={k: round(v, 4) for k, v in r.scores.items()}, primary="mrr",
                tags=r.case.tags, variant=mode, latency_ms=round(r.latency_ms, 2),
            ))
    result.charts = [
        Chart("line", "recall@k by mode", {"series": {
            mode: scorers.recall_curve([(r.ranked, r.case.expected) for r in by_mode[mode]]) for mode in MODES
        }, "x_label": "k (articles)", "y_label": "recall@k"}),
        Chart("bars", "hybrid MRR by tag", {"items": [
            (tag, mean, n) for tag, (mean, n) in scorers.by_tag((r.case.tags, r.scores["mrr"]) for r in by_mode["hybrid"]).items()
        ], "label": "MRR"}),
        Chart("histogram", "hybrid search latency", {"values": [round(r.latency_ms, 2) for r in by_mode["hybrid"]],
                                                     "x_label": "latency per query (ms)"}),
    ]
    if embedder is not None:
        result.notes.append(f"embedder overridden: {type(embedder).__name__}")
    return result
