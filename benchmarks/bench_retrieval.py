"""Ingest throughput and search latency, on the sample knowledge and a synthetic 50k-chunk set.

Prints numbers; asserts nothing. Run: ``python benchmarks/bench_retrieval.py [--chunks N]``.
The synthetic chunks carry random unit vectors and keyword vectors built from recombined
sentences of the sample articles: search cost depends on the collection's size and payload,
not on what the vectors mean. Queries are real (embedded) customer queries from the eval set.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from evals.retrieval import load_cases  # noqa: E402
from service.container import build_container  # noqa: E402
from service.keys import SHARED_TENANT  # noqa: E402
from service.knowledge import sparse  # noqa: E402
from service.knowledge.articles import load_dir  # noqa: E402
from service.ports import ChunkRecord  # noqa: E402
from service.settings import Settings  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


async def time_searches(knowledge, queries: list[str], mode: str = "hybrid", embed: bool = True, vectors=None) -> dict:
    latencies = []
    for i, q in enumerate(queries):
        started = time.perf_counter()
        await knowledge.search("bench", q, top_k=5, mode=mode, query_vector=None if embed else vectors[i])
        latencies.append((time.perf_counter() - started) * 1000)
    return {"p50": statistics.median(latencies), "p95": percentile(latencies, 0.95), "n": len(latencies)}


def synthetic_chunks(n: int, articles, seed: int = 7):
    rng = random.Random(seed)
    sentences = [s.strip() for a in articles for s in a.body.replace("\n", " ").split(". ") if len(s.split()) > 4]
    np_rng = np.random.default_rng(seed)
    records, dense, sparse_vecs = [], np.empty((n, 384), dtype=np.float32), []
    for i in range(n):
        text = ". ".join(rng.sample(sentences, 3))
        article = f"synthetic-{i // 4}"
        records.append(
            ChunkRecord(
                chunk_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                article_id=article,
                tenant_id=SHARED_TENANT,
                version=1,
                title=f"Synthetic article {i // 4}",
                heading="",
                text=text,
                position=i % 4,
                payload={
                    "status": "approved",
                    "locale": "en-US",
                    "channels": ["chat", "email", "sms", "voice", "social"],
                    "products": ["apparel"],
                    "tags": ["synthetic"],
                    "effective_from": 20250101,
                    "review_by": 99991231,
                    "replies": {},
                },
            )
        )
        v = np_rng.standard_normal(384).astype(np.float32)
        dense[i] = v / np.linalg.norm(v)
        sparse_vecs.append(sparse.document_vector(text))
    return records, dense, sparse_vecs


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    queries = [c.query for c in load_cases()][: args.queries]
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (numbers scale with it)")
    with tempfile.TemporaryDirectory(prefix="assist-bench-") as tmp:
        settings = Settings.from_env({"ASSIST_DATA_DIR": tmp, "ASSIST_LOG_LEVEL": "warning"})
        container = await build_container(settings)
        knowledge = container.knowledge
        try:
            report = await knowledge.ingest_dir(REPO / "knowledge")
            print(f"sample knowledge: {len(report.added)} articles, {report.chunks_written} chunks ingested in "
                  f"{report.seconds:.2f}s = {report.chunks_written / report.seconds:.1f} chunks/s (parse+chunk+embed+upsert)")
            again = await knowledge.ingest_dir(REPO / "knowledge")
            print(f"re-ingest unchanged: {again.seconds * 1000:.1f} ms, {again.chunks_written} chunks written")
            started = time.perf_counter()
            vectors = container.embedder.embed(queries)
            embed_ms = (time.perf_counter() - started) * 1000 / len(queries)
            single = []
            for q in queries[:50]:
                t = time.perf_counter()
                container.embedder.inner.embed([q + " "]) if hasattr(container.embedder, "inner") else container.embedder.embed([q + " x"])
                single.append((time.perf_counter() - t) * 1000)
            print(f"query embedding: {statistics.median(single):.2f} ms p50 one at a time ({embed_ms:.2f} ms each in a batch)")
            for mode in ("hybrid", "dense"):
                r = await time_searches(knowledge, queries, mode, embed=False, vectors=vectors)
                print(f"sample ({container.index.count()} chunks) {mode:6} search, vector given: p50 {r['p50']:.2f} ms, p95 {r['p95']:.2f} ms")
            knowledge_fresh = await time_searches(knowledge, [q + "?" for q in queries], "hybrid", embed=True)
            print(f"sample hybrid search incl. query embedding: p50 {knowledge_fresh['p50']:.2f} ms, p95 {knowledge_fresh['p95']:.2f} ms")

            articles = load_dir(REPO / "knowledge").articles
            records, dense, sparse_vecs = synthetic_chunks(args.chunks, articles)
            started = time.perf_counter()
            for i in range(0, len(records), 2048):
                container.index.upsert(records[i : i + 2048], dense[i : i + 2048], sparse_vecs[i : i + 2048])
            upsert_s = time.perf_counter() - started
            total = container.index.count()
            floor = []
            matrix = np.random.default_rng(0).standard_normal((total, 384)).astype(np.float32)
            for v in vectors[:50]:
                t = time.perf_counter()
                matrix @ v
                floor.append((time.perf_counter() - t) * 1000)
            print(f"floor: one {total}x384 matrix-vector product takes {statistics.median(floor):.2f} ms p50 on this machine now")
            print(f"synthetic: upserted {len(records)} chunks in {upsert_s:.1f}s = {len(records) / upsert_s:.0f} chunks/s (upsert only)")
            for mode in ("hybrid", "dense"):
                r = await time_searches(knowledge, queries, mode, embed=False, vectors=vectors)
                print(f"{total} chunks {mode:6} search, vector given: p50 {r['p50']:.2f} ms, p95 {r['p95']:.2f} ms")
            r = await time_searches(knowledge, [q + "!" for q in queries], "hybrid", embed=True)
            print(f"{total} chunks hybrid search incl. query embedding: p50 {r['p50']:.2f} ms, p95 {r['p95']:.2f} ms")
        finally:
            await container.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
