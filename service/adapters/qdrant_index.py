"""qdrant-client behind the VectorIndex port, for a Qdrant server or cluster (``ASSIST_QDRANT_URL``).

Same collection layout as the embedded adapter (``qdrant_edge_index.py``): named dense vectors
``dense`` and ``title``, a sparse vector ``sparse`` with the IDF modifier, keyword and integer
payload indexes; hybrid search asks the server for each view's ranked list (one batch) and fuses
them in ``index_schema.fuse``, as the embedded adapter does. ``path=`` opens qdrant-client's local mode instead of a server: the congruence
tests use it to stand in for a server; the service never does (it is far too slow at size).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models

from service.adapters import index_schema as schema
from service.errors import Unavailable
from service.ports import ChunkRecord, ChunkVectors, SearchFilters, SearchHit, SparseVector

UPSERT_BATCH = 256
HNSW_EF = 128


class QdrantIndex:
    def __init__(
        self,
        *,
        collection: str,
        dimension: int,
        url: str = "",
        api_key: str = "",
        path: Path | None = None,
        timeout: int = 10,
    ) -> None:
        self.collection = collection
        self.dimension = dimension
        self.local = not url
        """qdrant-client's local mode is not safe for concurrent writers and readers."""
        try:
            if url:
                self.client = QdrantClient(url=url, api_key=api_key or None, timeout=timeout)
            else:
                assert path is not None, "a server url, or a path for local mode (tests)"
                path.mkdir(parents=True, exist_ok=True)
                self.client = QdrantClient(path=str(path))
        except RuntimeError as exc:
            raise Unavailable(f"the local vector store at {path} is in use by another process") from exc

    @schema.translated
    def ensure_collection(self) -> None:
        if self.client.collection_exists(self.collection):
            return
        dense = models.VectorParams(size=self.dimension, distance=models.Distance.COSINE)
        self.client.create_collection(
            self.collection,
            vectors_config={schema.DENSE: dense, schema.TITLE: models.VectorParams(
                size=self.dimension, distance=models.Distance.COSINE,
                hnsw_config=models.HnswConfigDiff(full_scan_threshold=schema.TITLE_FULL_SCAN_THRESHOLD_KB))},
            sparse_vectors_config={schema.SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
            optimizers_config=models.OptimizersConfigDiff(indexing_threshold=schema.INDEXING_THRESHOLD_KB),
        )
        if not self.local:
            for name in schema.KEYWORD_FIELDS:
                self.client.create_payload_index(
                    self.collection,
                    name,
                    field_schema=models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=name == "tenant_id"),
                )
            for name in schema.INTEGER_FIELDS:
                self.client.create_payload_index(self.collection, name, field_schema=models.PayloadSchemaType.INTEGER)

    @schema.translated
    def upsert(self, chunks: Sequence[ChunkRecord], vectors: Sequence[ChunkVectors]) -> None:
        points = []
        for chunk, v in zip(chunks, vectors, strict=True):
            named: dict[str, Any] = {
                schema.DENSE: np.asarray(v.dense, dtype=np.float32).tolist(),
                schema.SPARSE: models.SparseVector(indices=list(v.sparse.indices), values=list(v.sparse.values)),
            }
            if v.title is not None:
                named[schema.TITLE] = np.asarray(v.title, dtype=np.float32).tolist()
            points.append(models.PointStruct(id=chunk.chunk_id, vector=named, payload=schema.payload(chunk)))
        for start in range(0, len(points), UPSERT_BATCH):
            self.client.upsert(self.collection, points=points[start : start + UPSERT_BATCH], wait=True)

    @schema.translated
    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        if chunk_ids:
            self.client.delete(self.collection, points_selector=models.PointIdsList(points=list(chunk_ids)), wait=True)

    @schema.translated
    def chunk_ids(self, tenant: str) -> dict[str, str]:
        """Every chunk id of a tenant, with its article id (for reconciliation)."""
        out: dict[str, str] = {}
        offset = None
        flt = models.Filter(must=[models.FieldCondition(key="tenant_id", match=models.MatchValue(value=tenant))])
        while True:
            points, offset = self.client.scroll(
                self.collection, scroll_filter=flt, limit=1024, offset=offset, with_payload=["article_id"], with_vectors=False
            )
            for p in points:
                out[str(p.id)] = (p.payload or {}).get("article_id", "")
            if offset is None:
                return out

    def optimize(self) -> None:
        """The server's optimizers run on their own."""

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
                return models.SparseVector(indices=list(sparse.indices), values=list(sparse.values))
            return query_vector

        # each view's ranked list from the server (ids and scores, one batch), fused and cut by schema.best_hits
        fetch = schema.leg_fetch(limit)
        responses = self.client.query_batch_points(self.collection, requests=[
            models.QueryRequest(query=nearest(leg), using=leg.using, filter=flt,
                                params=models.SearchParams(hnsw_ef=schema.leg_ef(leg, HNSW_EF)), limit=fetch, with_payload=False)
            for leg in legs
        ])
        lists = [[(str(p.id), p.score) for p in r.points] for r in responses]
        return schema.best_hits(lists, legs, limit, self._payloads)

    def _payloads(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        return {str(r.id): r.payload or {} for r in self.client.retrieve(self.collection, ids, with_payload=True)}

    @schema.translated
    def count(self) -> int:
        if not self.client.collection_exists(self.collection):
            return 0
        return int(self.client.count(self.collection, exact=True).count)

    def ping(self) -> bool:
        try:
            self.client.collection_exists(self.collection)
            return True
        except Exception:
            return False

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # closing a dead client is not an error worth raising
            pass


def _filter(conditions: Sequence[schema.Condition]) -> models.Filter:
    must: list[Any] = []
    for c in conditions:
        if c.values:
            match: Any = models.MatchValue(value=c.values[0]) if len(c.values) == 1 else models.MatchAny(any=list(c.values))
            must.append(models.FieldCondition(key=c.key, match=match))
        else:
            must.append(models.FieldCondition(key=c.key, range=models.Range(gte=c.gte, lte=c.lte)))
    return models.Filter(must=must)
