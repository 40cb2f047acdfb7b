"""Qdrant Edge (``qdrant-edge-py``) behind the VectorIndex port: Qdrant's engine in process.

The embedded default. One shard on disk holds every tenant's chunks: named dense vectors
``dense`` (each chunk) and ``title`` (each article's first chunk), a sparse vector ``sparse``
with the engine's IDF modifier, keyword and integer payload indexes, and a write-ahead log, so
an update that returned survives a killed process. Hybrid search asks the engine for each
view's ranked list and fuses them in ``index_schema.fuse`` (the engine's own fusion ordered equal
scores differently from one index to the next). Qdrant Edge is beta: its types stay in this
module, and every error it raises becomes :class:`~service.errors.Unavailable`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as edge

from service.adapters import index_schema as schema
from service.errors import Unavailable
from service.ports import ChunkRecord, ChunkVectors, SearchFilters, SearchHit, SparseVector

UPSERT_BATCH = 512
VACUUM_DELETED_FRACTION = 1e-9
HNSW_EF = 256
HNSW_M = 32
HNSW_EF_CONSTRUCT = 256
"""The HNSW graph (edges per node, build candidates) and the candidates a search keeps, chosen
with bench_retrieval on its tuning queries (never the reported ones) at 50,000 chunks: at
Qdrant's defaults (m 16, ef_construct 100) dense recall@10 against exact search reached 0.98
only at hnsw_ef 512 (hybrid p50 6.0 ms, load average 9); with m 32 / ef_construct 256,
hnsw_ef 256 reaches 0.991 (hybrid p50 3.6 ms, load average 5), both on 2 shared cores."""
FULL_SCAN_THRESHOLD_KB = 10_000
"""Below this many kilobytes of vectors matching a filter, the engine scans them exactly
instead of walking the graph (Qdrant's default)."""


class EdgeIndex:
    local = False
    """Searches and writes may run on several threads at once (the shard locks inside)."""

    def __init__(self, *, path: Path, dimension: int, hnsw_ef: int = HNSW_EF, hnsw_m: int = HNSW_M,
                 hnsw_ef_construct: int = HNSW_EF_CONSTRUCT, indexing_threshold_kb: int = schema.INDEXING_THRESHOLD_KB) -> None:
        self.path = path
        self.dimension = dimension
        self.hnsw_ef = hnsw_ef
        self.hnsw_m = hnsw_m
        self.hnsw_ef_construct = hnsw_ef_construct
        self.indexing_threshold_kb = indexing_threshold_kb
        self._open_lock = threading.Lock()
        self._shard: edge.EdgeShard | None = None

    def _config(self) -> edge.EdgeConfig:
        dense = edge.EdgeVectorParams(size=self.dimension, distance=edge.Distance.Cosine)
        return edge.EdgeConfig(
            vectors={schema.DENSE: dense, schema.TITLE: edge.EdgeVectorParams(
                size=self.dimension, distance=edge.Distance.Cosine,
                hnsw_config=edge.HnswIndexConfig(m=self.hnsw_m, ef_construct=self.hnsw_ef_construct,
                                                 full_scan_threshold=schema.TITLE_FULL_SCAN_THRESHOLD_KB))},
            sparse_vectors={schema.SPARSE: edge.EdgeSparseVectorParams(modifier=edge.Modifier.Idf)},
            # optimize() after an ingest also vacuums every segment with a deleted point: until a
            # segment is vacuumed its deleted points still count in the sparse IDF statistics
            optimizers=edge.EdgeOptimizersConfig(deleted_threshold=VACUUM_DELETED_FRACTION, vacuum_min_vector_number=1,
                                                 indexing_threshold=self.indexing_threshold_kb),
            hnsw_config=edge.HnswIndexConfig(m=self.hnsw_m, ef_construct=self.hnsw_ef_construct,
                                             full_scan_threshold=FULL_SCAN_THRESHOLD_KB),
        )

    @property
    def shard(self) -> edge.EdgeShard:
        if self._shard is None:
            self.ensure_collection()
        assert self._shard is not None
        return self._shard

    def ensure_collection(self) -> None:
        with self._open_lock:
            if self._shard is not None:
                return
            try:
                if (self.path / "edge_config.json").exists():
                    self._shard = edge.EdgeShard.load(str(self.path))
                    return
                self.path.mkdir(parents=True, exist_ok=True)
                shard = edge.EdgeShard.create(str(self.path), self._config())
            except Exception as exc:
                if "WouldBlock" in str(exc):  # the WAL is locked by another process
                    raise Unavailable(
                        f"the embedded vector index at {self.path} is in use by another process (is `assist serve` "
                        "running? use the admin API to ingest while it runs, or stop it first; if an index engine owns it, "
                        "set ASSIST_INDEX_URL to the engine's address)"
                    ) from exc
                raise Unavailable(f"vector store (Qdrant Edge) error: {type(exc).__name__}: {str(exc)[:200]}") from exc
            for name in schema.KEYWORD_FIELDS:
                shard.update(edge.UpdateOperation.create_field_index(name, edge.KeywordIndexParams(is_tenant=name == "tenant_id")))
            for name in schema.INTEGER_FIELDS:
                shard.update(edge.UpdateOperation.create_field_index(name, edge.PayloadSchemaType.Integer))
            self._shard = shard

    @schema.translated
    def upsert(self, chunks: Sequence[ChunkRecord], vectors: Sequence[ChunkVectors]) -> None:
        points = []
        for chunk, v in zip(chunks, vectors, strict=True):
            named: dict[str, Any] = {
                schema.DENSE: np.asarray(v.dense, dtype=np.float32).tolist(),
                schema.SPARSE: edge.SparseVector(list(v.sparse.indices), list(v.sparse.values)),
            }
            if v.title is not None:
                named[schema.TITLE] = np.asarray(v.title, dtype=np.float32).tolist()
            points.append(edge.Point(chunk.chunk_id, named, schema.payload(chunk)))
        for start in range(0, len(points), UPSERT_BATCH):
            self.shard.update(edge.UpdateOperation.upsert_points(points[start : start + UPSERT_BATCH]))

    @schema.translated
    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        if chunk_ids:
            self.shard.update(edge.UpdateOperation.delete_points(list(chunk_ids)))

    @schema.translated
    def chunk_ids(self, tenant: str) -> dict[str, str]:
        flt = edge.Filter(must=[edge.FieldCondition(key="tenant_id", match=edge.MatchValue(tenant))])
        out: dict[str, str] = {}
        offset = None
        while True:
            records, offset = self.shard.scroll(edge.ScrollRequest(offset=offset, limit=1024, filter=flt, with_payload=["article_id"], with_vector=False))
            for r in records:
                out[str(r.id)] = (r.payload or {}).get("article_id", "")
            if offset is None:
                return out

    @schema.translated
    def optimize(self) -> None:
        self.shard.optimize()

    @schema.translated
    def search(
        self,
        *,
        tenants: Sequence[str],
        dense: np.ndarray,
        sparse: SparseVector | None,
        filters: SearchFilters,
        limit: int,
        today: int,
        mode: str = "hybrid",
    ) -> list[SearchHit]:
        flt = _filter(schema.conditions(tenants, filters, today))
        query_vector = np.asarray(dense, dtype=np.float32).tolist()
        legs = schema.legs(mode, sparse)

        def nearest(leg: schema.Leg) -> Any:
            if leg.sparse:
                assert sparse is not None
                return edge.Query.Nearest(edge.SparseVector(list(sparse.indices), list(sparse.values)), using=leg.using)
            return edge.Query.Nearest(query_vector, using=leg.using)

        # each view's ranked list from the engine (ids and scores), fused and cut by schema.best_hits
        fetch = schema.leg_fetch(limit)
        lists = [
            [(str(p.id), p.score) for p in self.shard.query(edge.QueryRequest(
                limit=fetch, query=nearest(leg), filter=flt, params=edge.SearchParams(hnsw_ef=schema.leg_ef(leg, self.hnsw_ef)),
                with_payload=False))]
            for leg in legs
        ]
        return schema.best_hits(lists, legs, limit, self._payloads)

    def _payloads(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        return {str(r.id): r.payload or {} for r in self.shard.retrieve(ids, True, False)}

    @schema.translated
    def count(self) -> int:
        return int(self.shard.info().points_count)

    def ping(self) -> bool:
        try:
            self.shard.info()
            return True
        except Exception:
            return False

    def close(self) -> None:
        with self._open_lock:
            shard, self._shard = self._shard, None
        if shard is not None:
            try:
                shard.flush()
                shard.close()
            except Exception:  # closing a broken shard is not an error worth raising
                pass


def _filter(conditions: Sequence[schema.Condition]) -> edge.Filter:
    must: list[Any] = []
    for c in conditions:
        if c.values:
            match = edge.MatchValue(c.values[0]) if len(c.values) == 1 else edge.MatchAny(list(c.values))
            must.append(edge.FieldCondition(key=c.key, match=match))
        else:
            must.append(edge.FieldCondition(key=c.key, range=edge.RangeFloat(gte=c.gte, lte=c.lte)))
    return edge.Filter(must=must)
