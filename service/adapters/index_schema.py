"""What both vector-index adapters agree on, in plain Python: vector names, the payload of a
chunk, the filter conditions of a search, the fusion plan, and how a point becomes a hit.

Each adapter translates these into its own engine's types (Qdrant Edge in
``qdrant_edge_index.py``, qdrant-client in ``qdrant_index.py``); keeping the meaning here is
what lets the congruence suite expect the same ranked results from both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from service.errors import Unavailable
from service.ports import ChunkRecord, SearchFilters, SearchHit, SparseVector

DENSE = "dense"
"""Named dense vector of a chunk: MiniLM of its article title, heading and text."""
TITLE = "title"
"""Named dense vector of an article's title (its question, for FAQ-style articles); only the
article's first chunk carries it, so a title match ranks a real chunk of the article."""
SPARSE = "sparse"
"""Named sparse vector of a chunk: the engine's BM25 term weights, IDF applied by the engine."""

KEYWORD_FIELDS = ("tenant_id", "article_id", "status", "locale", "channels", "products", "tags")
INTEGER_FIELDS = ("effective_from", "review_by")

RRF_K = 2
"""Reciprocal rank fusion constant (Qdrant's default)."""
FUSION_WEIGHTS = {DENSE: 2.0, SPARSE: 0.5, TITLE: 3.0}
"""Weight of each ranked list in the fusion: chosen on the dev half of the paraphrase set
(evals/retrieval_paraphrase.py), the held-out half reported, never tuned on."""
INDEXING_THRESHOLD_KB = 2_000
"""A segment's vectors get an HNSW graph from this many kilobytes on (about 1,300 384-d
vectors; Qdrant's default is 10,000). The ``title`` vector sits on one chunk in four, so at
the default its segments stayed below the threshold and every title search scanned the
filtered points: 12-16 ms at 25,600 chunks against 0.4 ms through the graph (bench_retrieval)."""
TITLE_FULL_SCAN_THRESHOLD_KB = 100
"""The ``title`` vector walks its graph unless fewer than this many kilobytes of vectors match
the filter. The engine estimates the filter's matches over all points, most of which have no
title vector, so the default (10,000) would choose a scan where the graph is far cheaper."""
TITLE_HNSW_EF = 64
"""Search breadth (``hnsw_ef``) of the ``title`` leg: it holds one vector per article (one chunk
in four), so a narrower walk finds its neighbours; the body's dense leg keeps the adapter's
``hnsw_ef``, which its recall against exact search was measured at (bench_retrieval)."""
PREFETCH_FACTOR = 4
PREFETCH_MIN = 20


@dataclass(frozen=True)
class Condition:
    """One payload condition: ``key`` matches any of ``values``, or lies in [gte, lte]."""

    key: str
    values: tuple[Any, ...] = ()
    gte: int | None = None
    lte: int | None = None


@dataclass(frozen=True)
class Leg:
    """One ranked list of a search: the named vector it runs on, and whether it is sparse."""

    using: str
    sparse: bool = False


def payload(chunk: ChunkRecord) -> dict[str, Any]:
    return {
        **chunk.payload,
        "tenant_id": chunk.tenant_id,
        "article_id": chunk.article_id,
        "version": chunk.version,
        "title": chunk.title,
        "heading": chunk.heading,
        "text": chunk.text,
        "position": chunk.position,
    }


def hit(point_id: Any, score: float, p: dict[str, Any]) -> SearchHit:
    return SearchHit(
        chunk_id=str(point_id),
        article_id=p.get("article_id", ""),
        title=p.get("title", ""),
        text=p.get("text", ""),
        score=float(score),
        version=int(p.get("version", 0)),
        heading=p.get("heading", ""),
        payload=p,
    )


def conditions(tenants: Sequence[str], filters: SearchFilters, today: int) -> list[Condition]:
    """Approved, in force on ``today`` (YYYYMMDD), visible to ``tenants``, and the caller's filters."""
    out = [
        Condition("tenant_id", tuple(tenants)),
        Condition("status", ("approved",)),
        Condition("effective_from", lte=today),
        Condition("review_by", gte=today),
    ]
    if filters.locale:
        out.append(Condition("locale", (filters.locale,)))
    if filters.channel:
        out.append(Condition("channels", (filters.channel,)))
    if filters.products:
        out.append(Condition("products", tuple(filters.products)))
    if filters.tags:
        out.append(Condition("tags", tuple(filters.tags)))
    if filters.article_ids:
        out.append(Condition("article_id", tuple(filters.article_ids)))
    return out


def legs(mode: str, sparse: SparseVector | None) -> list[Leg]:
    """The ranked lists a search fuses: one list means no fusion."""
    has_terms = sparse is not None and bool(sparse.indices)
    if mode == "dense" or (mode == "sparse" and not has_terms):
        return [Leg(DENSE)]
    if mode == "sparse":
        return [Leg(SPARSE, sparse=True)]
    return [Leg(DENSE), *([Leg(SPARSE, sparse=True)] if has_terms else []), Leg(TITLE)]


def leg_ef(leg: Leg, default: int) -> int:
    """The ``hnsw_ef`` a leg searches with (:data:`TITLE_HNSW_EF` for the title view)."""
    return TITLE_HNSW_EF if leg.using == TITLE else default


def prefetch_limit(limit: int) -> int:
    return max(limit * PREFETCH_FACTOR, PREFETCH_MIN)


Ranked = Sequence[tuple[str, float]]
"""One ranked list as the engine gives it: (point id, score), without payload (reading payloads
is most of a search's cost; they are read for the hits that make the cut only)."""


def leg_fetch(limit: int) -> int:
    """Points asked of the engine per ranked list: twice the fusion depth, so that a run of
    equal scores at the depth (or, for a single list, at ``limit``) is seen whole."""
    return 2 * prefetch_limit(limit)


@functools.lru_cache(maxsize=4096)
def rrf_score(position: int, weight: float) -> float:
    """Qdrant's weighted RRF term for a 0-based position, in float32 as the engine computes it:
    1 / ((position + 1) / weight + k - 1)."""
    return float(np.float32(1.0) / (np.float32(position + 1) / np.float32(weight) + np.float32(RRF_K) - np.float32(1.0)))


def fuse(lists: Sequence[Ranked], legs: Sequence[Leg], limit: int) -> dict[str, float]:
    """Point id -> fused score: the hybrid ranking, made here and not in the engine so that it is
    the same every time.

    Qdrant's weighted reciprocal rank fusion (the term of :func:`rrf_score`, each list cut at
    :func:`prefetch_limit`, terms summed in float32 in the order of ``legs``), with two rules the
    engine lacks: points with equal scores in one list share the better position (competition
    ranking; the engine numbers them in whatever order they come, which changed fused scores
    from one index to the next), and a run of equal scores at the depth is kept whole. One list
    is not fused: its own scores."""
    if len(lists) == 1:
        return {point: float(score) for point, score in lists[0]}
    depth = prefetch_limit(limit)
    totals: dict[str, np.float32] = {}
    for leg, points in zip(legs, lists, strict=True):
        weight = FUSION_WEIGHTS[leg.using]
        ordered = sorted(points, key=lambda p: -p[1])
        if len(ordered) > depth:
            floor = ordered[depth - 1][1]
            ordered = [p for p in ordered if p[1] >= floor]
        position, previous = 0, None
        for i, (point, score) in enumerate(ordered):
            if score != previous:
                position, previous = i, score
            term = np.float32(rrf_score(position, weight))
            totals[point] = totals[point] + term if point in totals else term
    return {point: float(total) for point, total in totals.items()}


def contenders(scores: dict[str, float], limit: int) -> list[str]:
    """The points that can make the cut at ``limit``: the best ``limit`` and every point with the
    same score as the last of them (which of those stay is decided by :func:`ranked`)."""
    ordered = sorted(scores.items(), key=lambda p: -p[1])
    if len(ordered) <= limit:
        return [point for point, _ in ordered]
    floor = ordered[limit - 1][1]
    return [point for point, score in ordered if score >= floor]


def rank_key(h: SearchHit) -> tuple[float, str, int, str]:
    """Score, then article id, then the chunk's place in its article, then chunk id: a total
    order, so equal scores are not ordered as the engine happened to return them."""
    return (-h.score, h.article_id, int((h.payload or {}).get("position", 0) or 0), h.chunk_id)


def ranked(hits: Sequence[SearchHit], limit: int) -> list[SearchHit]:
    """The best ``limit`` hits in the order of :func:`rank_key`."""
    return sorted(hits, key=rank_key)[:limit]


def best_hits(lists: Sequence[Ranked], legs: Sequence[Leg], limit: int,
              payloads: Callable[[list[str]], dict[str, dict[str, Any]]]) -> list[SearchHit]:
    """A search's result from its ranked lists: fused (:func:`fuse`), the payloads of the
    :func:`contenders` read with ``payloads(ids)``, cut at ``limit`` in the order of
    :func:`rank_key`. A point deleted between the two reads (a concurrent ingest) is left out."""
    scores = fuse(lists, legs, limit)
    ids = contenders(scores, limit)
    found = payloads(ids) if ids else {}
    return ranked([hit(point, scores[point], found[point]) for point in ids if point in found], limit)


T = TypeVar("T")


def translated(fn: Callable[..., T]) -> Callable[..., T]:
    """Turn every engine, client or transport error into Unavailable (503 with Retry-After)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except Unavailable:
            raise
        except Exception as exc:  # the engines raise many kinds of errors
            raise Unavailable(f"vector store (Qdrant) error: {type(exc).__name__}: {str(exc)[:200]}") from exc

    return wrapper
