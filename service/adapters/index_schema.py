"""What both vector-index adapters agree on, in plain Python: vector names, the payload of a
chunk, the filter conditions of a search, the fusion plan, and how a point becomes a hit.

Each adapter translates these into its own engine's types (Qdrant Edge in
``qdrant_edge_index.py``, qdrant-client in ``qdrant_index.py``); keeping the meaning here is
what lets the congruence suite expect the same ranked results from both.
"""

from __future__ import annotations

import dataclasses
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


def prefetch_limit(limit: int) -> int:
    return max(limit * PREFETCH_FACTOR, PREFETCH_MIN)


LEG_PAYLOAD = ("article_id", "position")
"""What each ranked list brings of a point's payload: enough for :func:`rank_key`; the full
payload is read for the hits that make the cut only."""


def leg_fetch(limit: int) -> int:
    """Points asked of the engine per ranked list: twice the fusion depth, so that a run of
    equal scores at the depth (or, for a single list, at ``limit``) is seen whole."""
    return 2 * prefetch_limit(limit)


def rank_key(h: SearchHit) -> tuple[float, str, int, str]:
    """Score, then article id, then the chunk's place in its article, then chunk id: a total
    order, so a ranked list does not depend on how the engine happened to order equal scores
    (a fresh index of the same articles can order them the other way)."""
    return (-h.score, h.article_id, int((h.payload or {}).get("position", 0) or 0), h.chunk_id)


def ranked(hits: Sequence[SearchHit], limit: int) -> list[SearchHit]:
    """The best ``limit`` hits in the order of :func:`rank_key`."""
    return sorted(hits, key=rank_key)[:limit]


def rrf_score(position: int, weight: float) -> float:
    """Qdrant's weighted RRF term for a 0-based position, in float32 as the engine computes it:
    1 / ((position + 1) / weight + k - 1)."""
    return float(np.float32(1.0) / (np.float32(position + 1) / np.float32(weight) + np.float32(RRF_K) - np.float32(1.0)))


def fuse(lists: Sequence[Sequence[SearchHit]], legs: Sequence[Leg], limit: int) -> list[SearchHit]:
    """The hybrid ranking, made here and not in the engine so that it is the same every time.

    Qdrant's weighted reciprocal rank fusion (the formula of :func:`rrf_score`, each list cut at
    :func:`prefetch_limit`, terms summed in float32 in the order of ``legs``), with two rules the
    engine lacks: hits with equal scores in one list share the better position (competition
    ranking; the engine numbers them in whatever order they came, which changed fused scores
    from one index to the next), and a run of equal scores at the depth is kept whole. The fused
    list is cut at ``limit`` by :func:`ranked`. One list is not fused, only ranked."""
    if len(lists) == 1:
        return ranked(lists[0], limit)
    depth = prefetch_limit(limit)
    fused: dict[str, SearchHit] = {}
    totals: dict[str, np.float32] = {}
    for leg, hits in zip(legs, lists, strict=True):
        weight = FUSION_WEIGHTS[leg.using]
        ordered = sorted(hits, key=rank_key)
        if len(ordered) > depth:
            floor = ordered[depth - 1].score
            ordered = [h for h in ordered if h.score >= floor]
        position, previous = 0, None
        for i, h in enumerate(ordered):
            if h.score != previous:
                position, previous = i, h.score
            term = np.float32(rrf_score(position, weight))
            totals[h.chunk_id] = totals[h.chunk_id] + term if h.chunk_id in totals else term
            fused.setdefault(h.chunk_id, h)
    return ranked([dataclasses.replace(h, score=float(totals[c])) for c, h in fused.items()], limit)


def candidates(limit: int, legs: Sequence[Leg]) -> int:
    """How many points to ask the engine for, so that the cut at ``limit`` is made here by
    :func:`ranked` and not by the engine: with fusion, every fused candidate (each leg's
    prefetch); a single list, its prefetch depth."""
    return prefetch_limit(limit) * max(1, len(legs))


def rank_key(h: SearchHit) -> tuple[float, str, int, str]:
    """Score, then article id, then the chunk's place in its article, then chunk id.

    Equal scores are common: a reciprocal-rank fusion score is a sum of weight / (k + rank),
    so two chunks with different ranks in different lists often get exactly the same sum. The
    engines order such ties as their internals happen to fall (a fresh index of the same
    articles can order them the other way), which made the cut at ``top_k`` and every reply
    built on it change from run to run."""
    return (-h.score, h.article_id, int((h.payload or {}).get("position", 0) or 0), h.chunk_id)


def ranked(hits: Sequence[SearchHit], limit: int) -> list[SearchHit]:
    """The best ``limit`` hits in a total order (:func:`rank_key`): the same query on the same
    articles gives the same hits in the same order, ties included."""
    return sorted(hits, key=rank_key)[:limit]


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
