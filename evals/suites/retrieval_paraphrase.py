"""Paraphrase retrieval suite (issue 17): ``evals/retrieval_paraphrase.py`` through the
framework. Hybrid search (chunk, title and BM25 views fused in the engine) against plain dense
MiniLM over title+body, on both halves of the paraphrase set; the held-out half is the gate."""

from __future__ import annotations

import asyncio
from typing import Any

from evals.framework import LOWER, TIMING, CaseResult, RunContext, SuiteResult, load_dataset, scorers, suite

METRICS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
HEADLINE = {("hybrid", "recall@1"), ("hybrid", "ndcg@10"), ("hybrid_minus_plain_dense", "recall@1"),
            ("hybrid_minus_plain_dense", "ndcg@10")}


@suite("retrieval.paraphrase", "Paraphrased questions (at most 40% content words shared with the article): "
       "hybrid search vs plain dense MiniLM over title+body, recall@k, MRR and nDCG@10 per split.")
def run(ctx: RunContext) -> SuiteResult:
    from evals import retrieval_paraphrase as para  # the feature's eval module

    data = load_dataset(para.DATASET, "retrieval_paraphrase")
    splits = para.load_split_cases()
    result = SuiteResult("retrieval.paraphrase", datasets=[data.describe()])

    async def go() -> dict[str, dict[str, list[Any]]]:
        from service.knowledge.articles import load_dir

        async with ctx.container() as c:
            c.knowledge.today = lambda: para.EVAL_DAY
            articles = para.in_force(load_dir(c.settings.content.knowledge_dir).articles, para.EVAL_DAY)
            result.system = (f"KnowledgeService on {type(c.index).__name__}, embedder "
                             f"{getattr(c.embedder, 'model_name', type(c.embedder).__name__)}; baseline: one vector per article")
            return {s: await para.run_systems(c.knowledge, c.embedder, articles, splits[s]) for s in para.SPLITS}

    by_split = asyncio.run(go())
    for split, by_system in by_split.items():
        means = {(system, name): scorers.mean(r.scores[name] for r in rows) for system, rows in by_system.items() for name in METRICS}
        for (system, name), value in means.items():
            result.add(f"{split}.{system}.{name}", value, variant=system, headline=split == "held_out" and (system, name) in HEADLINE)
        for name in ("recall@1", "ndcg@10"):
            gap = means[("hybrid", name)] - means[("plain_dense", name)]
            result.add(f"{split}.hybrid_minus_plain_dense.{name}", gap, headline=split == "held_out")
        lat = scorers.latency_summary(r.latency_ms for r in by_system["hybrid"])
        result.add(f"{split}.hybrid.latency_p50_ms", lat["latency_p50_ms"], direction=LOWER, kind=TIMING)
        for system, rows in by_system.items():
            for r in rows:
                result.cases.append(CaseResult(
                    id=r.case.id, input={"query": r.case.query}, expected={"article_ids": sorted(r.case.expected)},
                    output={"ranked": r.ranked[:5]}, scores={k: round(v, 4) for k, v in r.scores.items()}, primary="ndcg@10",
                    tags=(*r.case.tags, split), variant=system, latency_ms=round(r.latency_ms, 2),
                ))
    return result
