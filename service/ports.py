"""The ports: what the use cases need from the outside world.

Use cases depend on these Protocols only; ``service/adapters`` implements them over vendor
SDKs, and tests hand in small fakes. Swapping a backend is a constructor argument.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Sentence embeddings: L2-normalised float32 rows, one per text."""

    dimension: int
    model_name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class TokenCounter(Protocol):
    def count(self, text: str) -> int: ...

    def truncate(self, text: str, max_tokens: int) -> str: ...


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


@dataclass(frozen=True)
class ChunkRecord:
    """One chunk of one article as stored in the vector index."""

    chunk_id: str
    """Stable UUID derived from (tenant, article id, version, position)."""
    article_id: str
    tenant_id: str
    version: int
    title: str
    heading: str
    text: str
    position: int
    payload: dict[str, Any] = field(default_factory=dict)
    """status, locale, channels, products, tags, effective_from, review_by, content_hash."""


@dataclass(frozen=True)
class SearchHit:
    chunk_id: str
    article_id: str
    title: str
    text: str
    score: float
    version: int
    heading: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchFilters:
    locale: str | None = None
    channel: str | None = None
    products: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChunkVectors:
    """The vectors of one chunk: the views of it that are indexed."""

    dense: np.ndarray
    """MiniLM of the chunk's article title, heading and text."""
    sparse: SparseVector
    """BM25 term weights of the same text (the engine applies IDF)."""
    title: np.ndarray | None = None
    """MiniLM of the article's title (its question): on the article's first chunk only."""


@runtime_checkable
class KeywordEncoder(Protocol):
    """Sparse keyword vectors for documents and queries, analysed in the text's language."""

    def document(self, text: str, locale: str | None = None) -> SparseVector: ...

    def query(self, text: str, locale: str | None = None) -> SparseVector: ...


@runtime_checkable
class VectorIndex(Protocol):
    """The chunk index: dense, title and sparse views of each chunk, payload filters, fusion.

    Adapters: ``service/adapters/qdrant_edge_index.py`` (Qdrant Edge, embedded) and
    ``service/adapters/qdrant_index.py`` (qdrant-client, for a server or cluster). Every error
    of the engine leaves an adapter as :class:`service.errors.Unavailable`.
    """

    def ensure_collection(self) -> None: ...

    def upsert(self, chunks: Sequence[ChunkRecord], vectors: Sequence[ChunkVectors]) -> None: ...

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None: ...

    def chunk_ids(self, tenant: str) -> dict[str, str]:
        """Every chunk id of ``tenant`` in the index, with its article id."""
        ...

    def optimize(self) -> None:
        """Build the search structures for what was written (after an ingest)."""
        ...

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
        """Approved chunks in force on ``today`` (YYYYMMDD) of ``tenants``, best first.
        ``mode``: ``dense`` (chunk vectors), ``sparse`` (BM25), or ``hybrid`` (both, and the
        title vectors, fused by reciprocal rank)."""
        ...

    def count(self) -> int: ...

    def ping(self) -> bool: ...

    def close(self) -> None: ...


@dataclass
class ChatMessage:
    role: str
    content: str


@dataclass
class ChatResult:
    text: str
    model: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float


class ChatModel(Protocol):
    """An OpenAI-compatible chat model."""

    model: str

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        temperature: float = 0.2,
        max_tokens: int = 512,
        json_mode: bool = False,
    ) -> ChatResult: ...

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        temperature: float = 0.2,
        max_tokens: int = 512,
    ) -> AsyncIterator[str]: ...


# --- F: repositories (history, knowledge ingest state, API keys) ---
# Implemented in service/adapters/sql/{interactions,knowledge,keys}_repo.py. The record types
# below cross the port; the feature packages hold the rules.

from typing import TYPE_CHECKING, NamedTuple  # noqa: E402

if TYPE_CHECKING:  # types only: history does not import ports
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from service.domain.interactions import Interaction
    from service.history.identities import Handle
    from service.history.interactions import WriteReport


class InteractionRepository(Protocol):
    """Customer history of each tenant: interactions (idempotent by id) and identities.

    ``add`` and ``link`` raise :class:`service.errors.Conflict` as the rules in
    ``service/history`` say, and write nothing of a refused batch."""

    async def add(self, tenant_id: str, items: Sequence[Interaction]) -> WriteReport: ...

    async def history(self, tenant_id: str, customer_id: str, *, limit: int = 2000,
                      channel: str | None = None, before: datetime | None = None) -> list[Interaction]:
        """The newest ``limit`` interactions of a customer, returned oldest first."""
        ...

    async def count(self, tenant_id: str, customer_id: str) -> int: ...

    async def customer_known(self, tenant_id: str, customer_id: str) -> bool: ...

    async def link(self, tenant_id: str, customer_id: str, handles: Iterable[tuple[str, str]]) -> list[Handle]: ...

    async def resolve(self, tenant_id: str, kind: str, value: str) -> str | None: ...

    async def resolve_many(self, tenant_id: str, handles: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]: ...

    async def handles(self, tenant_id: str, customer_id: str) -> list[Handle]: ...


@dataclass(frozen=True)
class IndexedArticle:
    """What is indexed for one article of one tenant: the ingest state that makes re-ingest
    incremental (the database is the source of truth for what the index holds)."""

    tenant_id: str
    article_id: str
    version: int
    title: str
    status: str
    content_hash: str
    source: str
    chunk_ids: list[str]
    meta: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


class KnowledgeRepository(Protocol):
    async def get(self, tenant: str, article_id: str) -> IndexedArticle | None: ...

    async def of_tenant(self, tenant: str) -> dict[str, IndexedArticle]:
        """Every article of ``tenant``, by article id."""
        ...

    async def visible(self, tenants: Sequence[str]) -> list[IndexedArticle]:
        """The articles of these tenants, by article id."""
        ...

    async def save(self, article: IndexedArticle) -> list[str]:
        """Insert or replace one article's state; returns the chunk ids it had before."""
        ...

    async def delete(self, tenant: str, article_id: str) -> None: ...


@dataclass(frozen=True)
class StoredKey:
    """An API key as stored: only the SHA-256 of the key, never the key."""

    id: str
    tenant_id: str
    key_hash: str
    scopes: list[str]
    name: str | None
    created_at: datetime
    revoked_at: datetime | None = None
    rotated_from: str | None = None


class KeyCredentials(NamedTuple):
    """What authenticating a request needs of a key (read on every request)."""

    key_hash: str
    tenant_id: str
    scopes: list[str]
    revoked: bool


class KeyRepository(Protocol):
    """Tenants and their API keys. ``revoke`` and ``rotate`` lock the key for their transaction,
    so of concurrent rotations of one key exactly one wins."""

    async def create(self, key: StoredKey, webhook_secret: str) -> None:
        """Store ``key``, creating its tenant (with ``webhook_secret``) if new."""
        ...

    async def credentials(self, key_id: str) -> KeyCredentials | None: ...

    async def list(self, tenant: str) -> list[StoredKey]: ...

    async def revoke(self, tenant: str, key_id: str, check: Callable[[StoredKey], None], now: datetime) -> StoredKey:
        """Lock the key (:class:`~service.errors.NotFound` if it is not ``tenant``'s), let
        ``check`` refuse it, set ``revoked_at`` unless it is set; the key as it now is."""
        ...

    async def rotate(self, tenant: str, key_id: str, check: Callable[[StoredKey], None], *,
                     new_id: str, new_hash: str, now: datetime) -> StoredKey | None:
        """Lock the key as ``revoke`` does, revoke it only if it is not revoked yet, and store
        ``new_id`` with its scopes and name; None (nothing written) when it was revoked."""
        ...

    async def webhook_secret(self, tenant: str) -> str | None: ...

    async def set_webhook_secret(self, tenant: str, secret: str) -> bool:
        """False when there is no such tenant."""
        ...
