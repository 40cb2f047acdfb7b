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
