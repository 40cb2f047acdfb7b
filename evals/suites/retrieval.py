"""Retrieval suite: the lead's ``evals/retrieval.py`` (system under test and ranking scorers),
run dense, sparse and hybrid over the sample knowledge, with the framework's dataset
validation, progress, charts and gate.

Data: ``retrieval.jsonl`` (238 queries the engine was tuned on: the ``dev`` split) and, when it
is there, ``retrieval_paraphrase.jsonl`` (issue 17: paraphrases written before tuning, the
``held_out`` split; a row without a ``split`` counts as held out). Every metric is reported per
split; the report prints each set's content-word overlap with its expected article, the share
of a query's content words that also occur in the article, since a query that copies the
article's words is easy for any engine.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from evals.framework import (
    DEV,
    HELD_OUT,
    INFO,
    LOWER,
    SPLITS,
    TIMING,
    TUNED_ON,
    WRITTEN_BEFORE_TUNING,
    CaseResult,
    Chart,
    RunContext,
    SuiteResult,
    load_dataset,
    scorers,
    suite,
)
from evals.framework.dataset import DATASETS, Case

MODES = ("hybrid", "dense", "sparse")
METRICS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
HEADLINE = {("hybrid", "recall@5"), ("hybrid", "mrr"), ("hybrid", "ndcg@10"), ("dense", "recall@5")}
PARAPHRASE = DATASETS / "retrieval_paraphrase.jsonl"


def content_word_overlap(query: str, article_text: str) -> float:
    """Share of the query's content words (stop words dropped) that occur in the article."""
    words = scorers.content_words(query)
    if not words:
        return 0.0
    return len(words & scorers.content_words(article_text)) / len(words)


def _overlap(case: Case, articles: dict[str, str]) -> float:
    texts = [articles[a] for a in case.expected["article_ids"] if a in articles]
    return max((content_word_overlap(case.input["query"], t) for t in texts), default=0.0)


@suite("retrieval", "Knowledge retrieval over the sample articles: recall@k, MRR and nDCG@10 of the "
       "article ranking, for hybrid (RRF of dense MiniLM and BM25-style sparse) and each side alone.")
def run(ctx: RunContext) -> SuiteResult:
    from evals import retrieval as ret  # the lead's module: system under test and scorers
    from service.knowledge.articles import load_dir

    sets = [load_dataset(ret.DATASET, "retrieval")]
    if Path(PARAPHRASE).is_file():
        sets.append(load_dataset(PARAPHRASE, "retrieval_paraphrase"))
    split_of: dict[str, str] = {}
    all_cases: list[Case] = []
    for data in sets:
        for c in data:
            held = data.name == "retrieval_paraphrase" and "split" not in c.meta
            split_of[c.id] = HELD_OUT if held else c.split
            all_cases.append(c)
    all_cases = ctx.take(all_cases, lambda c: split_of[c.id])
    cases = [ret.RetrievalCase(c.id, c.input["query"], frozenset(c.expected["article_ids"]), c.tags) for c in all_cases]
    embedder = ctx.overrides.get("embedder", None)
    result = SuiteResult("retrieval", datasets=[d.describe() for d in sets])
    articles = {a.id: f"{a.title}\n{a.body}" for a in load_dir(ctx.content_path("knowledge_dir")).articles}
    for data in sets:
        overlap = scorers.mean(_overlap(c, articles) for c in data)
        result.add(f"{data.name}.content_word_overlap", overlap, kind=INFO,
                   description="mean share of a query's content words found in its expected article")
        result.notes.append(f"{data.name}: content-word overlap with the expected article {overlap:.0%} "
                            f"({len(data)} queries)")
    result.provenance = {DEV: f"retrieval.jsonl, {TUNED_ON}"}
    if len(sets) > 1:
        result.provenance = {HELD_OUT: f"retrieval_paraphrase.jsonl, {WRITTEN_BEFORE_TUNING}", **result.provenance}

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
            per_split = {sp: [r.scores[name] for r in rows if split_of[r.case.id] == sp] for sp in SPLITS}
            result.add_split(f"{mode}.{name}", {sp: scorers.mean(v) if v else None for sp, v in per_split.items()},
                             variant=mode, headline=(mode, name) in HEADLINE)
    for mode in MODES:
        lat = scorers.latency_summary(r.latency_ms for r in by_mode[mode])
        result.add(f"{mode}.latency_p50_ms", lat["latency_p50_ms"], direction=LOWER, kind=TIMING)
        result.add(f"{mode}.latency_p95_ms", lat["latency_p95_ms"], direction=LOWER, kind=TIMING)
    for mode in MODES:
        for r in by_mode[mode]:
            result.cases.append(CaseResult(
                id=r.case.id, input={"query": r.case.query}, expected={"article_ids": sorted(r.case.expected)},
                output={"ranked": r.ranked[:5]}, scores={k: round(v, 4) for k, v in r.scores.items()}, primary="mrr",
                tags=r.case.tags, variant=mode, latency_ms=round(r.latency_ms, 2), split=split_of[r.case.id],
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
