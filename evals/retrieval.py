"""Retrieval eval: recall@1, recall@5, MRR and nDCG@10 of article retrieval, dense vs hybrid.

Dataset: ``evals/datasets/retrieval.jsonl`` (``{"id", "input": {"query"}, "expected":
{"article_ids"}, "tags"}``). System under test: :class:`KnowledgeService` on the sample
knowledge. Scorers: pure functions over the ranked article ids. Run:
``python -m evals.retrieval``.
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / "evals" / "datasets" / "retrieval.jsonl"
MODES = ("dense", "sparse", "hybrid")


@dataclass(frozen=True)
class RetrievalCase:
    id: str
    query: str
    expected: frozenset[str]
    tags: tuple[str, ...] = ()


@dataclass
class RetrievalResult:
    case: RetrievalCase
    mode: str
    ranked: list[str]
    """Article ids in rank order, duplicates (several chunks of one article) removed."""
    latency_ms: float
    scores: dict[str, float] = field(default_factory=dict)


def load_cases(path: Path = DATASET) -> list[RetrievalCase]:
    cases = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            cases.append(
                RetrievalCase(row["id"], row["input"]["query"], frozenset(row["expected"]["article_ids"]), tuple(row.get("tags", ())))
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: missing {exc}") from None
    return cases


# ---- scorers (pure) -----------------------------------------------------------------------


def recall_at(ranked: list[str], expected: frozenset[str], k: int) -> float:
    """1 when any expected article is in the top k (the usual 'hit rate' for one-answer queries)."""
    return 1.0 if expected & set(ranked[:k]) else 0.0


def reciprocal_rank(ranked: list[str], expected: frozenset[str]) -> float:
    for i, article in enumerate(ranked, 1):
        if article in expected:
            return 1.0 / i
    return 0.0


def ndcg_at(ranked: list[str], expected: frozenset[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 1) for i, a in enumerate(ranked[:k], 1) if a in expected)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(expected), k) + 1))
    return dcg / ideal if ideal else 0.0


def score(result: RetrievalResult) -> dict[str, float]:
    r, e = result.ranked, result.case.expected
    return {
        "recall@1": recall_at(r, e, 1),
        "recall@5": recall_at(r, e, 5),
        "recall@10": recall_at(r, e, 10),
        "mrr": reciprocal_rank(r, e),
        "ndcg@10": ndcg_at(r, e, 10),
    }


def aggregate(results: list[RetrievalResult]) -> dict[str, float]:
    names = results[0].scores.keys() if results else []
    out = {name: round(statistics.fmean(r.scores[name] for r in results), 4) for name in names}
    latencies = sorted(r.latency_ms for r in results)
    if latencies:
        out["latency_p50_ms"] = round(statistics.median(latencies), 2)
        out["latency_p95_ms"] = round(latencies[int(0.95 * (len(latencies) - 1))], 2)
    return out


# ---- system under test ---------------------------------------------------------------------


async def run_cases(knowledge: Any, cases: list[RetrievalCase], mode: str, tenant: str = "eval", depth: int = 30) -> list[RetrievalResult]:
    """Search each case; rank articles by their best chunk."""
    results = []
    for case in cases:
        started = time.perf_counter()
        hits = await knowledge.search(tenant, case.query, top_k=depth, mode=mode)
        latency = (time.perf_counter() - started) * 1000
        ranked: list[str] = []
        for hit in hits:
            if hit.article_id not in ranked:
                ranked.append(hit.article_id)
        result = RetrievalResult(case, mode, ranked, latency)
        result.scores = score(result)
        results.append(result)
    return results


async def evaluate(
    modes: tuple[str, ...] = MODES,
    cases: list[RetrievalCase] | None = None,
    overrides: dict[str, Any] | None = None,
    knowledge_dir: Path | None = None,
) -> dict[str, list[RetrievalResult]]:
    """Build a throwaway service on the sample knowledge and run every mode."""
    from service.wiring import build_container
    from service.settings import Settings

    cases = cases if cases is not None else load_cases()
    with tempfile.TemporaryDirectory(prefix="assist-eval-") as tmp:
        settings = Settings.from_env({"ASSIST_DATA_DIR": tmp}).replace(
            content={"knowledge_dir": knowledge_dir or REPO / "knowledge"}
        )
        container = await build_container(settings, dict(overrides or {}))
        try:
            await container.knowledge.ingest_dir(settings.content.knowledge_dir)
            return {mode: await run_cases(container.knowledge, cases, mode) for mode in modes}
        finally:
            await container.close()


def main(argv: list[str] | None = None) -> int:
    results = asyncio.run(evaluate())
    print(f"retrieval eval: {len(next(iter(results.values())))} queries over the sample knowledge")
    header = f"{'mode':8} {'recall@1':>9} {'recall@5':>9} {'recall@10':>10} {'MRR':>7} {'nDCG@10':>8} {'p50 ms':>8}"
    print(header)
    for mode, rows in results.items():
        m = aggregate(rows)
        print(
            f"{mode:8} {m['recall@1']:9.3f} {m['recall@5']:9.3f} {m['recall@10']:10.3f} {m['mrr']:7.3f} "
            f"{m['ndcg@10']:8.3f} {m['latency_p50_ms']:8.2f}"
        )
    misses = [r for r in results.get("hybrid", []) if not r.scores["recall@5"]]
    if misses:
        print(f"\nhybrid misses at 5 ({len(misses)}):")
        for r in misses[:15]:
            print(f"  {r.case.id}: {r.case.query[:70]!r} expected {sorted(r.case.expected)} got {r.ranked[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
