"""qdrant-client behind the VectorIndex port: local mode on disk, or a server/cluster by URL.

One collection holds every tenant's chunks, with a named dense vector (``dense``, cosine) and a
sparse keyword vector (``sparse``, IDF applied by Qdrant). Searches run both and fuse them in
Qdrant (reciprocal rank fusion by default).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from qdrant_client import QdrantClient, models

from service.adapters.local_search import LocalSearchMirror
from service.errors import Unavailable
from service.ports import ChunkRecord, SearchFilters, SearchHit, SparseVector

T = TypeVar("T")
DENSE = "dense"
SPARSE = "sparse"
KEYWORD_FIELDS = ("tenant_id", "article_id", "status", "locale", "channels", "products", "tags")
INTEGER_FIELDS = ("effective_from", "review_by")


def _translated(fn: Callable[..., T]) -> Callable[..., T]:
    """Turn every client or transport error into Unavailable (503 with Retry-After)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except Unavailable:
            raise
        except Exception as exc:  # qdrant raises many transport and response errors
            raise Unavailable(f"vector store error: {type(exc).__name__}: {str(exc)[:200]}") from exc

    return wrapper


class QdrantIndex:
    def __init__(
        self,
        *,
        collection: str,
        dimension: int,
        path: Path | None = None,
        url: str = "",
        api_key: str = "",
        fusion: str = "rrf",
        timeout: int = 10,
        mirror: bool = True,
    ) -> None:
        self.collection = collection
        self.dimension = dimension
        self.fusion = models.Fusion.DBSF if fusion == "dbsf" else models.Fusion.RRF
        self.local = not url
        # Local mode searches through an in-memory mirror (see local_search.py); the local
        # collection on disk stays the store of record.
        self.mirror: LocalSearchMirror | None = LocalSearchMirror(dimension) if self.local and mirror else None
        try:
            if url:
                self.client = QdrantClient(url=url, api_key=api_key or None, timeout=timeout)
            else:
                assert path is not None
                path.mkdir(parents=True, exist_ok=True)
                self.client = QdrantClient(path=str(path))
        except RuntimeError as exc:
            # Local mode allows one process per folder.
            raise Unavailable(
                f"the local vector store at {path} is in use by another process (is `assist serve` "
                "running? use the admin API to ingest while it runs, or stop it first)"
            ) from exc

    @_translated
    def ensure_collection(self) -> None:
        if self.client.collection_exists(self.collection):
            if self.mirror is not None and not len(self.mirror):
                self._load_mirror()
            return
        self.client.create_collection(
            self.collection,
            vectors_config={DENSE: models.VectorParams(size=self.dimension, distance=models.Distance.COSINE)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        if not self.local:
            for name in KEYWORD_FIELDS:
                self.client.create_payload_index(
                    self.collection,
                    name,
                    field_schema=models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=name == "tenant_id"),
                )
            for name in INTEGER_FIELDS:
                self.client.create_payload_index(self.collection, name, field_schema=models.PayloadSchemaType.INTEGER)

    def _load_mirror(self) -> None:
        assert self.mirror is not None
        offset = None
        while True:
            points, offset = self.client.scroll(self.collection, limit=2048, offset=offset, with_payload=True, with_vectors=True)
            if points:
                dense = np.array([p.vector[DENSE] for p in points], dtype=np.float32)  # type: ignore[index]
                sparse = [
                    SparseVector(list(p.vector[SPARSE].indices), list(p.vector[SPARSE].values))  # type: ignore[index,union-attr]
                    if SPARSE in p.vector  # type: ignore[operator]
                    else SparseVector([], [])
                    for p in points
                ]
                self.mirror.upsert([str(p.id) for p in points], dense, sparse, [p.payload or {} for p in points])
            if offset is None:
                return

    @_translated
    def upsert(self, chunks: Sequence[ChunkRecord], dense: np.ndarray, sparse: Sequence[SparseVector]) -> None:
        points = []
        for chunk, vector, sv in zip(chunks, dense, sparse, strict=True):
            payload = {
                **chunk.payload,
                "tenant_id": chunk.tenant_id,
                "article_id": chunk.article_id,
                "version": chunk.version,
                "title": chunk.title,
                "heading": chunk.heading,
                "text": chunk.text,
                "position": chunk.position,
            }
            points.append(
                models.PointStruct(
                    id=chunk.chunk_id,
                    vector={DENSE: vector.tolist(), SPARSE: models.SparseVector(indices=sv.indices, values=sv.values)},
                    payload=payload,
                )
            )
        for start in range(0, len(points), 256):
            self.client.upsert(self.collection, points=points[start : start + 256], wait=True)
        if self.mirror is not None:
            self.mirror.upsert([str(p.id) for p in points], dense, sparse, [p.payload or {} for p in points])

    @_translated
    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        if chunk_ids:
            self.client.delete(self.collection, points_selector=models.PointIdsList(points=list(chunk_ids)), wait=True)
            if self.mirror is not None:
                self.mirror.delete(str(c) for c in chunk_ids)

    @_translated
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

    @_translated
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
        prefetch_limit = max(limit * 4, 20)
        if self.mirror is not None:
            found = self.mirror.search(
                tenants=tenants, dense=dense, sparse=sparse, filters=filters, limit=limit, today=today, mode=mode, prefetch_limit=prefetch_limit
            )
            return [_hit(point_id, score, payload) for point_id, score, payload in found]
        flt = build_filter(tenants, filters, today)
        dense_query = dense.tolist()
        if mode == "dense" or sparse is None or not sparse.indices:
            result = self.client.query_points(
                self.collection, query=dense_query, using=DENSE, query_filter=flt, limit=limit, with_payload=True
            )
        elif mode == "sparse":
            result = self.client.query_points(
                self.collection,
                query=models.SparseVector(indices=sparse.indices, values=sparse.values),
                using=SPARSE,
                query_filter=flt,
                limit=limit,
                with_payload=True,
            )
        else:
            result = self.client.query_points(
                self.collection,
                prefetch=[
                    models.Prefetch(query=dense_query, using=DENSE, filter=flt, limit=prefetch_limit),
                    models.Prefetch(
                        query=models.SparseVector(indices=sparse.indices, values=sparse.values),
                        using=SPARSE,
                        filter=flt,
                        limit=prefetch_limit,
                    ),
                ],
                query=models.FusionQuery(fusion=self.fusion),
                limit=limit,
                with_payload=True,
            )
        return [_hit(str(point.id), float(point.score), point.payload or {}) for point in result.points]

    @_translated
    def count(self) -> int:
        if self.mirror is not None:
            return len(self.mirror)
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


def _hit(point_id: str, score: float, p: dict[str, Any]) -> SearchHit:
    return SearchHit(
        chunk_id=point_id,
        article_id=p.get("article_id", ""),
        title=p.get("title", ""),
        text=p.get("text", ""),
        score=score,
        version=int(p.get("version", 0)),
        heading=p.get("heading", ""),
        payload=p,
    )


def build_filter(tenants: Sequence[str], filters: SearchFilters, today: int) -> models.Filter:
    must: list[Any] = [
        models.FieldCondition(key="tenant_id", match=models.MatchAny(any=list(tenants))),
        models.FieldCondition(key="status", match=models.MatchValue(value="approved")),
        models.FieldCondition(key="effective_from", range=models.Range(lte=today)),
        models.FieldCondition(key="review_by", range=models.Range(gte=today)),
    ]
    if filters.locale:
        must.append(models.FieldCondition(key="locale", match=models.MatchValue(value=filters.locale)))
    if filters.channel:
        must.append(models.FieldCondition(key="channels", match=models.MatchValue(value=filters.channel)))
    if filters.products:
        must.append(models.FieldCondition(key="products", match=models.MatchAny(any=list(filters.products))))
    if filters.tags:
        must.append(models.FieldCondition(key="tags", match=models.MatchAny(any=list(filters.tags))))
    if filters.article_ids:
        must.append(models.FieldCondition(key="article_id", match=models.MatchAny(any=list(filters.article_ids))))
    return models.Filter(must=must)
