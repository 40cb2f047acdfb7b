"""The embedded engine (Qdrant Edge) at 50,000 chunks: hybrid latency with the query vector
given, recall@10 of the dense part against exact search, ingest throughput, memory.

Prints numbers; asserts nothing. Run: ``python benchmarks/bench_retrieval.py [--chunks N]``.
The chunks are generated text (three sentences recombined from the sample articles, with
varied products, sizes and numbers) embedded with the real MiniLM model, so the HNSW graph is
built on vectors with a real neighbourhood structure; random vectors would make any ANN
figure meaningless. The embeddings are cached (``--cache``) so a rerun costs only the index.
Queries are the real customer queries of ``evals/datasets/retrieval.jsonl``. Search goes
through the adapter (``EdgeIndex.search``, what the service calls), with the default filters
(tenant, approved, in force) on a collection where a tenth of the chunks belong to other
tenants. On a shared machine every figure moves with the load: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from evals.retrieval import load_cases  # noqa: E402
from service.adapters.bm25 import EngineBm25  # noqa: E402
from service.adapters.embedder import make_embedder  # noqa: E402
from service.adapters.qdrant_edge_index import EdgeIndex  # noqa: E402
from service.tenancy.keys import SHARED_TENANT  # noqa: E402
from service.knowledge.articles import load_dir  # noqa: E402
from service.ports import ChunkRecord, ChunkVectors, SearchFilters  # noqa: E402

PRODUCTS = ["jacket", "parka", "boots", "jeans", "shirt", "sweater", "scarf", "dress", "sneakers", "hoodie", "coat", "belt"]
TODAY = 20261115


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def generated_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    articles = load_dir(REPO / "knowledge").articles
    sentences = [s.strip() for a in articles for s in a.body.replace("\n", " ").split(". ") if len(s.split()) > 4]
    out = []
    for _ in range(n):
        picked = rng.sample(sentences, 3)
        extra = f"Order {rng.randint(10_000, 99_999)}: the {rng.choice(PRODUCTS)} in size {rng.choice('SML')} costs ${rng.randint(9, 400)}."
        out.append(". ".join([*picked, extra]))
    return out


def embeddings(texts: list[str], cache: Path) -> tuple[np.ndarray, float]:
    """MiniLM vectors of ``texts`` (cached on disk); seconds spent embedding (0 when cached)."""
    if cache.exists():
        stored = np.load(cache)
        if stored.shape[0] >= len(texts):
            return stored[: len(texts)], 0.0
    embedder = make_embedder(backend="onnx", threads=2)
    started = time.perf_counter()
    vectors = np.concatenate([embedder.embed(texts[i : i + 512]) for i in range(0, len(texts), 512)])
    seconds = time.perf_counter() - started
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors, seconds


def records(texts: list[str], seed: int = 7) -> list[ChunkRecord]:
    rng = random.Random(seed)
    out = []
    for i, text in enumerate(texts):
        tenant = SHARED_TENANT if i % 10 else f"tenant-{i % 7}"
        out.append(ChunkRecord(
            chunk_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), article_id=f"generated-{i // 4}", tenant_id=tenant,
            version=1, title=f"Generated article {i // 4}", heading="", text=text, position=i % 4,
            payload={"status": "approved", "locale": "en-US", "channels": ["chat", "email", "sms", "voice", "social"],
                     "products": ["apparel"], "tags": ["generated"], "effective_from": 20250101, "review_by": 99991231},
        ))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "assist-bench-minilm-vectors.npy")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (the machine is shared: figures move with it)")
    texts = generated_texts(args.chunks)
    dense, embed_s = embeddings(texts, args.cache)
    if embed_s:
        print(f"embedded {len(texts)} generated chunks with MiniLM in {embed_s:.0f}s = {len(texts) / embed_s:.0f} chunks/s")
    else:
        print(f"MiniLM vectors of {len(texts)} generated chunks read from {args.cache}")
    chunks = records(texts)
    bm25 = EngineBm25()
    started = time.perf_counter()
    sparse = [bm25.document(t, "en-US") for t in texts]
    bm25_s = time.perf_counter() - started
    titles = {c.article_id: dense[i] for i, c in enumerate(chunks) if c.position == 0}
    vectors = [ChunkVectors(dense[i], sparse[i], titles[c.article_id] if c.position == 0 else None) for i, c in enumerate(chunks)]
    queries = [c.query for c in load_cases()][: args.queries]
    query_vectors, _ = embeddings(queries, args.cache.with_name(args.cache.stem + "-queries.npy"))

    with tempfile.TemporaryDirectory(prefix="assist-bench-") as tmp:
        rss_before = rss_mb()
        index = EdgeIndex(path=Path(tmp) / "shard", dimension=dense.shape[1])
        index.ensure_collection()
        started = time.perf_counter()
        for i in range(0, len(chunks), 2048):
            index.upsert(chunks[i : i + 2048], vectors[i : i + 2048])
        upsert_s = time.perf_counter() - started
        started = time.perf_counter()
        index.optimize()
        optimize_s = time.perf_counter() - started
        total = index.count()
        print(f"BM25 document vectors: {len(texts) / bm25_s:.0f} chunks/s")
        print(f"ingest into Qdrant Edge: {total} chunks upserted in {upsert_s:.1f}s ({total / upsert_s:.0f} chunks/s, WAL on), "
              f"HNSW and payload indexes built in {optimize_s:.1f}s; overall {total / (upsert_s + optimize_s):.0f} chunks/s")
        print(f"memory: process RSS {rss_before:.0f} MB before the index, {rss_mb():.0f} MB after; shard on disk {disk_mb(Path(tmp) / 'shard'):.0f} MB")

        tenants = [SHARED_TENANT, "acme"]
        for mode in ("hybrid", "dense", "sparse"):
            lat = []
            for query, qv in zip(queries, query_vectors, strict=True):
                sv = bm25.query(query, "en-US")
                t = time.perf_counter()
                index.search(tenants=tenants, dense=qv, sparse=sv, filters=SearchFilters(), limit=5, today=TODAY, mode=mode)
                lat.append((time.perf_counter() - t) * 1000)
            print(f"{total} chunks {mode:6} top 5, vector given: p50 {statistics.median(lat):.2f} ms, p95 {percentile(lat, 0.95):.2f} ms")

        # recall@10 of the dense (HNSW) search against exact search over the same filtered set
        visible = np.array([c.tenant_id in tenants for c in chunks])
        ids = np.array([c.chunk_id for c in chunks])
        recalls = []
        for qv in query_vectors:
            found = {h.chunk_id for h in index.search(tenants=tenants, dense=qv, sparse=None, filters=SearchFilters(), limit=10, today=TODAY, mode="dense")}
            scores = np.where(visible, dense @ qv, -np.inf)
            exact = set(ids[np.argpartition(-scores, 10)[:10]])
            recalls.append(len(found & exact) / 10)
        print(f"dense recall@10 against exact search: {statistics.fmean(recalls):.4f} (hnsw_ef {index.hnsw_ef}, {len(recalls)} queries)")
        index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
