"""The embedded engine (Qdrant Edge) at 50,000 chunks: hybrid latency with the query vector
given, recall@10 of the dense part against exact search, ingest throughput, memory.

Prints numbers and a table; asserts nothing (``tests/test_bench_retrieval.py`` runs it small).
Run: ``python benchmarks/bench_retrieval.py [--chunks N] [--ef-sweep 64,128,256]``.

The chunks are generated text (two sentences recombined from the sample articles, and a line
with a random order number, product, size and price) embedded with the real MiniLM model
through the embedder's bulk path, so the HNSW graph is built on vectors with a real
neighbourhood structure; random vectors would make any ANN figure meaningless. A sample of the
vectors is checked against the query path (one text alone) to 1e-5 cosine. The vectors are
cached on disk by part (``--cache``, keyed by the model's fingerprint and the texts), so a
rerun, or a run that was stopped, embeds only what is missing.

Queries are generated customer-style questions (spans of article sentences in a question
frame), embedded the same way: one set is reported, a disjoint set (another seed) is only for
choosing ``hnsw_ef`` (``--ef-sweep``). Search goes through the adapter (``EdgeIndex.search``,
what the service calls) with the default filters (tenant, approved, in force) on a collection
where every filter removes something: a tenth of the articles belong to other tenants, and
drafts, expired and future articles are mixed in. The exact search applies the same
conditions (``index_schema.conditions``). On a shared machine every figure moves with the
load: the load average is printed with each step, the timing is repeated (``--rounds``) and
the median is quoted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from service.adapters import index_schema as schema  # noqa: E402
from service.adapters.bm25 import EngineBm25  # noqa: E402
from service.adapters.embedder import make_embedder  # noqa: E402
from service.adapters.qdrant_edge_index import HNSW_EF, HNSW_EF_CONSTRUCT, HNSW_M, EdgeIndex  # noqa: E402
from service.knowledge.articles import load_dir  # noqa: E402
from service.tenancy.keys import SHARED_TENANT  # noqa: E402
from service.ports import ChunkRecord, ChunkVectors, SearchFilters, SparseVector  # noqa: E402

PRODUCTS = ["jacket", "parka", "boots", "jeans", "shirt", "sweater", "scarf", "dress", "sneakers", "hoodie", "coat", "belt"]
TODAY = 20261115
PART = 1024
"""Texts embedded (and cached) together."""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mb(path: Path) -> tuple[float, float]:
    """Megabytes under ``path``: allocated on disk (as ``du``), and the files' apparent size
    (which counts preallocated, still empty space such as the WAL's segments)."""
    files = [p.stat() for p in path.rglob("*") if p.is_file()]
    return sum(f.st_blocks * 512 for f in files) / 2**20, sum(f.st_size for f in files) / 2**20


def generated_texts(n: int, seed: int = 7) -> list[str]:
    """``n`` chunks of generated text: two sentences of the sample articles recombined, and a
    line with a random order number, product, size and price. Text ``i`` depends only on the
    seed and ``i``, so the texts of a smaller ``n`` are a prefix of a larger one's."""
    rng = random.Random(seed)
    sentences = article_sentences()
    out = []
    for _ in range(n):
        picked = rng.sample(sentences, 2)
        extra = f"Order {rng.randint(10_000, 99_999)}: the {rng.choice(PRODUCTS)} in size {rng.choice('SML')} costs ${rng.randint(9, 400)}."
        out.append(". ".join([*picked, extra]))
    return out


def article_sentences() -> list[str]:
    articles = load_dir(REPO / "knowledge").articles
    return [s.strip() for a in articles for s in a.body.replace("\n", " ").split(". ") if len(s.split()) > 4]


def generated_queries(n: int, seed: int) -> list[str]:
    """``n`` customer-style questions: a run of 4-9 words from an article sentence, sometimes
    with a product, in a question frame. Different seeds give the tuning and the reported sets."""
    rng = random.Random(seed)
    sentences = article_sentences()
    frames = ["{}?", "how do I {}", "question about {}", "can you help, {}", "{} - is that right?", "what about {}"]
    out = []
    for _ in range(n):
        words = rng.choice(sentences).rstrip(".").split()
        size = min(len(words), rng.randint(4, 9))
        start = rng.randint(0, len(words) - size)
        span = " ".join(words[start : start + size]).lower()
        if rng.random() < 0.3:
            span += f" for my {rng.choice(PRODUCTS)}"
        out.append(rng.choice(frames).format(span))
    return out


def default_cache() -> Path:
    base = os.environ.get("ASSIST_MODEL_CACHE_DIR") or "~/.cache/agent-assist/models"
    return Path(base).expanduser() / "bench-vectors"


class Progress:
    """A one-line progress bar on stderr (rate and time left)."""

    def __init__(self, total: int, label: str, enabled: bool = True) -> None:
        self.total, self.label, self.enabled = total, label, enabled
        self.done = 0

    def update(self, done: int, fresh: int, spent: float) -> None:
        """``fresh`` texts embedded now in ``spent`` seconds (cached ones cost nothing)."""
        self.done = done
        if not self.enabled:
            return
        rate = fresh / spent if spent and fresh else 0.0
        left = (self.total - done) / rate if rate else float("nan")
        bar = "#" * int(30 * done / max(1, self.total))
        sys.stderr.write(f"\r{self.label} [{bar:<30}] {done}/{self.total} {rate:.1f}/s, {left / 60:.1f} min left ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def embeddings(texts: list[str], embedder: Any, cache: Path | None, *, label: str = "embedding",
               progress: bool = True) -> tuple[np.ndarray, float, int]:
    """MiniLM vectors of ``texts``: the embedder's bulk path (``embed`` of a part, which the
    embedder encodes in length-sorted batches on its lanes, as at ingest), one part of
    ``PART`` texts at a time. Each part is cached on disk under a key of the model's
    fingerprint and the part's texts, so a rerun (or a larger run over the same prefix, or a
    run that was killed) embeds only what is missing. Returns the vectors, the seconds spent
    embedding and how many texts were embedded now."""
    out = np.empty((len(texts), embedder.dimension), dtype=np.float32)
    folder = cache / embedder.fingerprint if cache else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
    bar = Progress(len(texts), label, enabled=progress)
    spent, fresh = 0.0, 0
    for start in range(0, len(texts), PART):
        part = texts[start : start + PART]
        key = hashlib.sha256("\x00".join(part).encode()).hexdigest()[:20]
        file = folder / f"{len(part)}-{key}.npy" if folder else None
        if file is not None and file.is_file():
            out[start : start + len(part)] = np.load(file)
        else:
            t = time.perf_counter()
            vectors = embedder.embed(part)
            spent += time.perf_counter() - t
            fresh += len(part)
            out[start : start + len(part)] = vectors
            if file is not None:
                tmp = file.with_name(f".{file.stem}.{os.getpid()}.tmp.npy")
                np.save(tmp, vectors)
                os.replace(tmp, file)
        bar.update(start + len(part), fresh, spent)
    bar.close()
    return out, spent, fresh


def check_against_query_path(texts: list[str], vectors: np.ndarray, embedder: Any, sample: int = 24, seed: int = 3) -> float:
    """The lowest cosine between a bulk (or cached) vector and the vector the service's query
    path computes for the same text alone (``embed([text])``: one text, no padding)."""
    rng = random.Random(seed)
    worst = 1.0
    for i in rng.sample(range(len(texts)), min(sample, len(texts))):
        alone = embedder.embed([texts[i]])[0]
        cosine = float(alone @ vectors[i] / (np.linalg.norm(alone) * np.linalg.norm(vectors[i])))
        worst = min(worst, cosine)
    return worst


def records(texts: list[str], seed: int = 7) -> list[ChunkRecord]:
    """Four chunks an article; a tenth of the articles belong to other tenants, and of the rest
    some are drafts, expired or not yet in force, so every default filter removes something."""
    rng = random.Random(seed)
    out = []
    for i, text in enumerate(texts):
        article = i // 4
        tenant = SHARED_TENANT if article % 10 else f"tenant-{article % 7}"
        status = "draft" if article % 20 == 3 else "approved"
        review_by = 20250601 if article % 20 == 7 else 99991231
        effective_from = 20270101 if article % 20 == 11 else 20250101
        out.append(ChunkRecord(
            chunk_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), article_id=f"generated-{article}", tenant_id=tenant,
            version=1, title=f"Generated article {article}", heading="", text=text, position=i % 4,
            payload={"status": status, "locale": "en-US", "channels": ["chat", "email", "sms", "voice", "social"],
                     "products": ["apparel"], "tags": ["generated"], "effective_from": effective_from, "review_by": review_by},
        ))
    return out


def visible(chunks: Sequence[ChunkRecord], tenants: Sequence[str], filters: SearchFilters, today: int) -> np.ndarray:
    """Which chunks a search may return: the adapters' own filter conditions
    (``index_schema.conditions``) evaluated in Python, for the exact search."""
    conditions = schema.conditions(tenants, filters, today)
    mask = np.ones(len(chunks), dtype=bool)
    for i, chunk in enumerate(chunks):
        p = schema.payload(chunk)
        for c in conditions:
            value = p.get(c.key)
            if c.values:
                have = value if isinstance(value, list) else [value]
                ok = bool(set(have) & set(c.values))
            else:
                ok = value is not None and (c.gte is None or value >= c.gte) and (c.lte is None or value <= c.lte)
            if not ok:
                mask[i] = False
                break
    return mask


def dense_recall(index: EdgeIndex, query_vectors: np.ndarray, dense: np.ndarray, ids: np.ndarray, mask: np.ndarray,
                 tenants: Sequence[str], k: int = 10) -> float:
    """Mean recall@k of the index's dense search (HNSW) against exact search (numpy, every
    visible chunk scored) under the same filters."""
    recalls = []
    for qv in query_vectors:
        found = {h.chunk_id for h in index.search(tenants=tenants, dense=qv, sparse=None, filters=SearchFilters(), limit=k,
                                                  today=TODAY, mode="dense")}
        scores = np.where(mask, dense @ qv, -np.inf)
        exact = set(ids[np.argpartition(-scores, k)[:k]])
        recalls.append(len(found & exact) / k)
    return statistics.fmean(recalls)


def title_recall(index: EdgeIndex, query_vectors: np.ndarray, titles: np.ndarray, title_ids: np.ndarray,
                 title_mask: np.ndarray, tenants: Sequence[str], k: int = 10) -> float:
    """Mean recall@k of the title leg as the service runs it (HNSW at ``schema.TITLE_HNSW_EF``)
    against exact search over the visible articles' title vectors, under the same filters."""
    import qdrant_edge as edge

    from service.adapters.qdrant_edge_index import _filter

    flt = _filter(schema.conditions(tenants, SearchFilters(), TODAY))
    params = edge.SearchParams(hnsw_ef=schema.leg_ef(schema.Leg(schema.TITLE), index.hnsw_ef))
    recalls = []
    for qv in query_vectors:
        found = {str(p.id) for p in index.shard.query(edge.QueryRequest(
            limit=k, query=edge.Query.Nearest(np.asarray(qv, dtype=np.float32).tolist(), using=schema.TITLE),
            filter=flt, params=params, with_payload=False))}
        scores = np.where(title_mask, titles @ qv, -np.inf)
        exact = {str(i) for i in title_ids[np.argpartition(-scores, k)[:k]]}
        recalls.append(len(found & exact) / k)
    return statistics.fmean(recalls)


def latencies(index: EdgeIndex, queries: Sequence[str], query_vectors: np.ndarray, sparse: Sequence[SparseVector],
              tenants: Sequence[str], mode: str, limit: int = 5) -> list[float]:
    """Milliseconds of each ``index.search`` (what the service calls), the vectors given."""
    out = []
    for qv, sv in zip(query_vectors, sparse, strict=True):
        t = time.perf_counter()
        index.search(tenants=tenants, dense=qv, sparse=sv, filters=SearchFilters(), limit=limit, today=TODAY, mode=mode)
        out.append((time.perf_counter() - t) * 1000)
    return out


TENANTS = (SHARED_TENANT, "tenant-3")
RECALL_TARGET = 0.98
MODES = ("hybrid", "dense", "sparse")


def run(*, n_chunks: int, n_queries: int, n_tuning: int, cache: Path | None, embedder: Any, rounds: int = 3,
        ef_sweep: Sequence[int] = (), progress: bool = True, lanes: int = 2, hnsw_m: int = HNSW_M,
        ef_construct: int = HNSW_EF_CONSTRUCT) -> dict[str, Any]:
    """The whole benchmark; prints as it goes and returns the figures."""
    out: dict[str, Any] = {"chunks": n_chunks, "cores": os.cpu_count(), "load_start": os.getloadavg()}
    texts = generated_texts(n_chunks)
    dense, embed_s, fresh = embeddings(texts, embedder, cache, label="chunks", progress=progress)
    if fresh:
        print(f"embedded {fresh} generated chunks with MiniLM ({lanes} lanes) in {embed_s:.0f}s = {fresh / embed_s:.1f} chunks/s; "
              f"{len(texts) - fresh} read from the cache; load average now {load()}")
    else:
        print(f"MiniLM vectors of {len(texts)} generated chunks read from the cache")
    out["embed_chunks_per_s"] = fresh / embed_s if fresh else None
    worst = check_against_query_path(texts, dense, embedder)
    out["query_path_min_cosine"] = worst
    print(f"bulk vectors against the query path (one text alone), 24 sampled chunks: lowest cosine {worst:.7f}")
    if worst < 1 - 1e-5:
        raise SystemExit("the bulk vectors differ from the query path's: delete the cache and rerun")
    tuning = generated_queries(n_tuning, seed=101)
    reported = [q for q in generated_queries(n_queries + n_tuning, seed=202) if q not in set(tuning)][:n_queries]
    tuning_vectors, _, _ = embeddings(tuning, embedder, cache, label="tuning queries", progress=progress)
    query_vectors, _, _ = embeddings(reported, embedder, cache, label="queries", progress=progress)
    mean_words = statistics.fmean(len(t.split()) for t in texts)
    print(f"{len(texts)} chunks (mean {mean_words:.0f} words), {len(reported)} reported queries, {len(tuning)} tuning queries (disjoint)")

    chunks = records(texts)
    bm25 = EngineBm25()
    started = time.perf_counter()
    sparse = [bm25.document(t, "en-US") for t in texts]
    out["bm25_chunks_per_s"] = len(texts) / (time.perf_counter() - started)
    titles = {c.article_id: dense[i] for i, c in enumerate(chunks) if c.position == 0}
    vectors = [ChunkVectors(dense[i], sparse[i], titles[c.article_id] if c.position == 0 else None) for i, c in enumerate(chunks)]
    query_sparse = [bm25.query(q, "en-US") for q in reported]
    tuning_sparse = [bm25.query(q, "en-US") for q in tuning]
    mask = visible(chunks, TENANTS, SearchFilters(), TODAY)
    ids = np.array([c.chunk_id for c in chunks])
    out["visible"] = int(mask.sum())

    with tempfile.TemporaryDirectory(prefix="assist-bench-") as tmp:
        shard = Path(tmp) / "shard"
        rss_before = rss_mb()
        index = EdgeIndex(path=shard, dimension=dense.shape[1], hnsw_m=hnsw_m, hnsw_ef_construct=ef_construct)
        index.ensure_collection()
        started = time.perf_counter()
        for i in range(0, len(chunks), 2048):
            index.upsert(chunks[i : i + 2048], vectors[i : i + 2048])
        upsert_s = time.perf_counter() - started
        started = time.perf_counter()
        index.optimize()
        optimize_s = time.perf_counter() - started
        total = index.count()
        out.update(total=total, upsert_s=upsert_s, optimize_s=optimize_s, ingest_per_s=total / (upsert_s + optimize_s),
                   rss_before_mb=rss_before, rss_after_mb=rss_mb(), disk_mb=disk_mb(shard), load_after_ingest=os.getloadavg())
        print(f"BM25 document vectors: {out['bm25_chunks_per_s']:.0f} chunks/s")
        print(f"ingest into Qdrant Edge: {total} chunks upserted in {upsert_s:.1f}s ({total / upsert_s:.0f} chunks/s, WAL on), "
              f"HNSW and payload indexes built in {optimize_s:.1f}s; overall {out['ingest_per_s']:.0f} chunks/s; load {load()}")
        print(f"memory: process RSS {rss_before:.0f} MB before the index, {out['rss_after_mb']:.0f} MB after "
              f"(+{out['rss_after_mb'] - rss_before:.0f} MB); shard on disk {out['disk_mb'][0]:.0f} MB allocated "
              f"({out['disk_mb'][1]:.0f} MB apparent, with preallocated space)")
        info = index.shard.info()
        print(f"HNSW m {index.hnsw_m}, ef_construct {index.hnsw_ef_construct}, indexing threshold {index.indexing_threshold_kb} KB; "
              f"{info.segments_count} segments, {info.indexed_vectors_count} vectors indexed")
        print(f"filters: tenants {list(TENANTS)}, approved, in force on {TODAY}: {out['visible']} of {total} chunks visible")

        latencies(index, tuning[:50], tuning_vectors[:50], tuning_sparse[:50], TENANTS, "hybrid")  # warm up
        if ef_sweep:  # choose hnsw_ef on the tuning queries only: the smallest that reaches the recall target
            chosen = None
            for ef in sorted(ef_sweep):
                index.hnsw_ef = ef
                recall = dense_recall(index, tuning_vectors, dense, ids, mask, TENANTS)
                lat = latencies(index, tuning, tuning_vectors, tuning_sparse, TENANTS, "hybrid")
                print(f"tuning queries, hnsw_ef {ef}: dense recall@10 {recall:.4f}, hybrid p50 {statistics.median(lat):.2f} ms; load {load()}")
                if chosen is None and recall >= RECALL_TARGET:
                    chosen = ef
            index.hnsw_ef = chosen or max(ef_sweep)
            out["ef_chosen_on_tuning"] = index.hnsw_ef
            print(f"hnsw_ef {index.hnsw_ef} chosen on the tuning queries (the adapter's default is {HNSW_EF})")

        per_round: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        out["round_loads"] = []
        for r in range(rounds):
            out["round_loads"].append(os.getloadavg())
            for mode in MODES:
                lat = latencies(index, reported, query_vectors, query_sparse, TENANTS, mode)
                per_round[mode].append((statistics.median(lat), percentile(lat, 0.95)))
                print(f"round {r + 1}: {total} chunks {mode:6} top 5, vector given: p50 {statistics.median(lat):.2f} ms, "
                      f"p95 {percentile(lat, 0.95):.2f} ms; load {load()}")
        out["latency"] = {m: (statistics.median(p for p, _ in v), statistics.median(q for _, q in v)) for m, v in per_round.items()}
        out["recall"] = dense_recall(index, query_vectors, dense, ids, mask, TENANTS)
        first = np.array([c.position == 0 for c in chunks])
        out["title_recall"] = title_recall(index, query_vectors, dense[first], ids[first], mask[first], TENANTS)
        out["hnsw_ef"] = index.hnsw_ef
        out["queries"] = len(reported)
        index.close()
    out["load_end"] = os.getloadavg()
    return out


def table(r: dict[str, Any]) -> str:
    lines = [
        f"| Qdrant Edge (qdrant-edge-py, in process) | {r['total']} chunks, {r['queries']} queries, {r['cores']} cores |",
        "|---|---|",
    ]
    for mode in MODES:
        p50, p95 = r["latency"][mode]
        lines.append(f"| {mode} top 5, vector given (median over rounds) | p50 {p50:.2f} ms, p95 {p95:.2f} ms |")
    lines += [
        f"| dense recall@10 against exact search (hnsw_ef {r['hnsw_ef']}) | {r['recall']:.4f} |",
        f"| title leg recall@10 against exact search (hnsw_ef {schema.TITLE_HNSW_EF}) | {r['title_recall']:.4f} |",
        f"| load average (1/5/15 min) after ingest | {fmt(r['load_after_ingest'])} |",
        f"| ingest (upsert + optimize) | {r['ingest_per_s']:.0f} chunks/s (upsert {r['upsert_s']:.1f} s, optimize {r['optimize_s']:.1f} s) |",
        f"| memory | RSS +{r['rss_after_mb'] - r['rss_before_mb']:.0f} MB; shard on disk {r['disk_mb'][0]:.0f} MB allocated ({r['disk_mb'][1]:.0f} MB apparent) |",
        f"| load average (1/5/15 min) | start {fmt(r['load_start'])}; timing rounds {', '.join(fmt(x) for x in r['round_loads'])}; end {fmt(r['load_end'])} |",
    ]
    return "\n".join(lines)


def fmt(loads: Sequence[float]) -> str:
    return "/".join(f"{x:.1f}" for x in loads)


def load() -> str:
    return fmt(os.getloadavg()) + " (1/5/15 min)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300, help="reported queries")
    parser.add_argument("--tuning-queries", type=int, default=200, help="queries for --ef-sweep (never reported)")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (the median is quoted)")
    parser.add_argument("--ef-sweep", default="", help="comma-separated hnsw_ef values tried on the tuning queries")
    parser.add_argument("--hnsw-m", type=int, default=HNSW_M, help="HNSW edges per node (the adapter's default)")
    parser.add_argument("--ef-construct", type=int, default=HNSW_EF_CONSTRUCT, help="HNSW build candidates (the adapter's default)")
    parser.add_argument("--cache", type=Path, default=default_cache(),
                        help="folder of cached MiniLM vectors (default $ASSIST_MODEL_CACHE_DIR/bench-vectors)")
    parser.add_argument("--lanes", type=int, default=2, help="embedding lanes (one core each)")
    parser.add_argument("--embed-only", action="store_true", help="embed (and cache) the chunks, then stop")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {load()} on {os.cpu_count()} cores (the machine is shared: figures move with it)")
    embedder = make_embedder(backend="onnx", threads=args.lanes)
    if args.embed_only:
        texts = generated_texts(args.chunks)
        _, seconds, fresh = embeddings(texts, embedder, args.cache, label="chunks", progress=not args.no_progress)
        print(f"embedded {fresh} chunks in {seconds:.0f}s ({len(texts) - fresh} cached); load {load()}")
        return 0
    result = run(n_chunks=args.chunks, n_queries=args.queries, n_tuning=args.tuning_queries, cache=args.cache, embedder=embedder,
                 rounds=args.rounds, ef_sweep=[int(x) for x in args.ef_sweep.split(",") if x], progress=not args.no_progress,
                 lanes=args.lanes, hnsw_m=args.hnsw_m, ef_construct=args.ef_construct)
    print()
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
