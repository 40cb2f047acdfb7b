"""Paraphrase retrieval eval (issue 17): the service's search against plain dense MiniLM over
title+body, on questions that avoid the article's wording.

Dataset: ``evals/datasets/retrieval_paraphrase.jsonl`` (``split`` dev/held_out). Systems:
- ``hybrid``, ``dense``, ``sparse``: :class:`KnowledgeService` on the sample knowledge (the
  embedded engine), articles ranked by their best chunk, as in ``evals/retrieval.py``;
- ``plain_dense``: the baseline, one MiniLM vector per article of its title and body
  (truncated by the model at 256 word pieces), ranked by cosine, no index involved.
Run: ``python -m evals.retrieval_paraphrase``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from evals.retrieval import REPO, RetrievalCase, RetrievalResult, aggregate, run_cases, score

DATASET = REPO / "evals" / "datasets" / "retrieval_paraphrase.jsonl"
SPLITS = ("dev", "held_out")
SYSTEMS = ("hybrid", "dense", "sparse", "plain_dense")
EVAL_DAY = date(2026, 11, 15)
"""The pinned day articles must be in force on."""


def load_split_cases(path: Path = DATASET) -> dict[str, list[RetrievalCase]]:
    out: dict[str, list[RetrievalCase]] = {s: [] for s in SPLITS}
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("split") not in SPLITS:
            raise ValueError(f"{path}:{n}: split must be dev or held_out")
        out[row["split"]].append(RetrievalCase(row["id"], row["input"]["query"], frozenset(row["expected"]["article_ids"]), tuple(row.get("tags", ()))))
    return out


def article_text(title: str, body: str) -> str:
    """What the baseline embeds for an article: its title and its body."""
    return f"{title}. {body}"


def plain_dense(embedder: Any, articles: Sequence[Any], cases: Sequence[RetrievalCase]) -> list[RetrievalResult]:
    """The baseline: rank whole articles by cosine of one MiniLM vector each."""
    ids = [a.id for a in articles]
    matrix = embedder.embed([article_text(a.title, a.body) for a in articles])
    out = []
    for case in cases:
        started = time.perf_counter()
        scores = matrix @ embedder.embed([case.query])[0]
        ranked = [ids[i] for i in np.argsort(-scores, kind="stable")]
        result = RetrievalResult(case, "plain_dense", ranked, (time.perf_counter() - started) * 1000)
        result.scores = score(result)
        out.append(result)
    return out


async def run_systems(knowledge: Any, embedder: Any, articles: Sequence[Any], cases: Sequence[RetrievalCase],
                      systems: Sequence[str] = SYSTEMS, tenant: str = "eval") -> dict[str, list[RetrievalResult]]:
    out: dict[str, list[RetrievalResult]] = {}
    for system in systems:
        if system == "plain_dense":
            out[system] = plain_dense(embedder, articles, cases)
        else:
            out[system] = await run_cases(knowledge, list(cases), system, tenant=tenant)
    return out


def in_force(articles: Sequence[Any], day: date = EVAL_DAY) -> list[Any]:
    return [a for a in articles if a.status == "approved" and a.in_force(day)]


async def evaluate(overrides: dict[str, Any] | None = None) -> dict[str, dict[str, list[RetrievalResult]]]:
    """A throwaway service on the sample knowledge (pinned day); every system on each split."""
    from service.wiring import build_container
    from service.knowledge.articles import load_dir
    from service.settings import Settings

    splits = load_split_cases()
    with tempfile.TemporaryDirectory(prefix="assist-eval-") as tmp:
        settings = Settings.from_env({"ASSIST_DATA_DIR": tmp}).replace(content={"knowledge_dir": REPO / "knowledge"})
        container = await build_container(settings, dict(overrides or {}))
        container.knowledge.today = lambda: EVAL_DAY
        try:
            await container.knowledge.ingest_dir(settings.content.knowledge_dir)
            articles = in_force(load_dir(settings.content.knowledge_dir).articles)
            return {s: await run_systems(container.knowledge, container.embedder, articles, splits[s]) for s in SPLITS}
        finally:
            await container.close()


def main(argv: list[str] | None = None) -> int:
    results = asyncio.run(evaluate())
    for split, by_system in results.items():
        print(f"\n{split}: {len(next(iter(by_system.values())))} paraphrased queries")
        print(f"{'system':12} {'recall@1':>9} {'recall@5':>9} {'recall@10':>10} {'MRR':>7} {'nDCG@10':>8}")
        for system, rows in by_system.items():
            m = aggregate(rows)
            print(f"{system:12} {m['recall@1']:9.3f} {m['recall@5']:9.3f} {m['recall@10']:10.3f} {m['mrr']:7.3f} {m['ndcg@10']:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
