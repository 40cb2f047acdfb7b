"""The ports: what the use cases need from the outside world.

Use cases depend on these Protocols only; ``service/adapters`` implements them over vendor
SDKs, and tests hand in small fakes. Swapping a backend is a constructor argument.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, TypeVar, runtime_checkable

import numpy as np

T = TypeVar("T")


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


# --- B: intents and triage ---


OUT_OF_SCOPE = "out_of_scope"
"""The reserved label of training examples an intent model must abstain on; never an intent."""


@dataclass
class IntentScores:
    """An intent model's raw answer for a batch: what the threshold and the evals need."""

    labels: list[str]
    """The intents, in the model's column order."""
    probs: np.ndarray
    """(n, intents) in-scope probabilities, renormalised per row."""
    best: np.ndarray
    """(n,) column of the best intent."""
    score: np.ndarray
    """(n,) out-of-scope score (higher: nearer what the model was trained on)."""
    confidence: np.ndarray
    """(n,) calibrated confidence that the best intent is right."""


@runtime_checkable
class IntentModel(Protocol):
    """A trained intent classifier; immutable (a new taxonomy trains a new one)."""

    labels: list[str]
    threshold: float
    """The abstention threshold chosen on held-out examples at training."""
    train_info: dict[str, Any]
    """What training did (examples, intents, calibration, timings), for reload reports."""

    def score(self, texts: Sequence[str]) -> IntentScores: ...


@runtime_checkable
class IntentTrainer(Protocol):
    """Trains intent models. Adapter: ``service/adapters/sk_intent_model.py`` (scikit-learn)."""

    def train(self, texts: Sequence[str], labels: Sequence[str], *, version: str) -> IntentModel:
        """Train on (text, label) pairs; the label :data:`OUT_OF_SCOPE` marks rejection examples.
        ``version`` names the training data: a model already trained on the same version (same
        embedding model, same settings) may be returned again instead of training anew."""
        ...


@runtime_checkable
class TriageEvents(Protocol):
    """The first answer per (tenant, source, ticket id, event id), so a replayed help-desk event
    returns it and does no work twice. Adapter: ``service/adapters/sql/triage_repo.py``."""

    async def get(self, key: tuple[str, str, str, str]) -> tuple[dict[str, Any], str | None] | None:
        """The stored (answer, content fingerprint), or None."""
        ...

    async def put(self, key: tuple[str, str, str, str], response: dict[str, Any], fingerprint: str | None = None,
                  subjects: list[str] | None = None, audit: Any = None) -> tuple[dict[str, Any], str | None] | None:
        """Store the first answer and, when given, its audit entry in one transaction: both or
        neither. Returns the already stored (answer, fingerprint) when another delivery was first
        (then nothing is written)."""
        ...


# --- C: replies: the suggestions of an answer, kept with the answer's audit record ---


@dataclass(frozen=True)
class StoredSuggestion:
    """One suggestion as kept in the ``suggestions`` table (its text lives there, not in the
    audit record; feedback and erasure find it by id)."""

    id: str
    text: str
    engine: str
    prompt: str | None


@runtime_checkable
class SuggestionLog(Protocol):
    """Keeps the suggestions of one answer and the answer's audit record in one transaction: both
    are written or neither is (the call raises). Adapter: ``service/adapters/sql/suggestions_repo.py``."""

    async def record(
        self,
        tenant: str,
        suggestions: Sequence[StoredSuggestion],
        audit: dict[str, Any],
        *,
        conversation_id: str | None,
        intent: str | None,
        channel: str,
    ) -> None: ...


# --- E: audit trail, feedback ---
# The audit package's value types live with the chain (service.audit.chain, .entry); named here
# for the type checker only, so the ports import nothing from the use cases at run time.
from typing import TYPE_CHECKING  # noqa: E402 (this block is appended to the shared file)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from contextlib import AbstractAsyncContextManager
    from datetime import datetime

    from service.audit.chain import ChainHead, ChainRecord, VerifyReport
    from service.audit.entry import AuditEntry, AuditQuery


class AuditLog(Protocol):
    """What use cases call to record an answer (implemented by :class:`service.audit.trail.AuditTrail`).

    ``append(uow, entry)`` writes the record in the caller's unit of work, so the work and its
    record commit together or not at all; ``uow`` is the transaction handle a SQL repository of
    this service opened (use cases pass it through, never look inside). ``record(entry, rows=...)``
    is for answers whose only writes are the record and a few rows that belong to it: it opens
    (and group-commits) its own transaction."""

    async def append(self, uow: Any, entry: AuditEntry | Mapping[str, Any]) -> ChainRecord: ...

    async def record(self, entry: AuditEntry | Mapping[str, Any],
                     rows: Callable[[ChainRecord], Iterable[Any]] | None = None) -> ChainRecord: ...

    async def drain(self) -> None: ...

    async def get(self, tenant: str, record_id: str) -> dict[str, Any]: ...

    async def query(self, tenant: str, q: AuditQuery, *, limit: int = 50,
                    before_seq: int | None = None) -> tuple[list[dict[str, Any]], int | None]: ...

    def export(self, tenant: str | None = None, *, batch: int = 1000) -> AsyncIterator[dict[str, Any]]: ...

    async def verify(self, tenant: str | None = None, *, stop_at_first: bool = False) -> VerifyReport: ...

    async def purge(self, older_than_days: float, *, tenant: str | None = None,
                    reference: str | None = None) -> dict[str, Any]: ...

    async def erase_customer(self, tenant: str, customer_id: str, *, reference: str | None = None,
                             record_ids: Iterable[str] = ()) -> dict[str, Any]: ...


class AuditTx(Protocol):
    """The audit repository inside one transaction (see :class:`AuditStore`)."""

    uow: Any
    """The transaction handle other repositories and :meth:`AuditLog.append` accept."""

    async def lock_head(self, tenant: str) -> ChainHead:
        """The tenant's chain head, locked until the transaction ends (created when missing)."""
        ...

    async def add(self, records: Sequence[ChainRecord], rows: Sequence[Any] = ()) -> None:
        """Insert linked records, then the rows that point at them (bulk, for a group commit)."""
        ...

    async def move_head(self, tenant: str, last_seq: int, last_hash: str) -> None: ...

    async def move_anchor(self, tenant: str, anchor_seq: int, anchor_hash: str) -> None: ...

    async def first_seq_since(self, tenant: str, cutoff: datetime) -> int | None: ...

    async def record_hash_at(self, tenant: str, seq: int) -> str | None: ...

    async def delete_through(self, tenant: str, seq: int) -> int:
        """Delete the records up to ``seq`` and the suggestions and feedback linked to them;
        returns how many records."""
        ...

    async def seqs_of(self, tenant: str, customer_id: str, record_ids: Sequence[str] = ()) -> dict[str, int]:
        """``{record id: seq}`` of the customer's records and of ``record_ids``."""
        ...

    async def erase(self, tenant: str, record_ids: Sequence[str]) -> tuple[int, int]:
        """Replace the records' personal fields by the erasure marker, and the text of their
        suggestions and feedback; returns (suggestions, feedback) changed."""
        ...


Linker: TypeAlias = "Callable[[Mapping[str, ChainHead]], tuple[list[ChainRecord], list[Any], dict[str, tuple[int, str]]]]"
"""``linker(locked heads) -> (linked records, their rows, {tenant: (new last seq, new last hash)})``:
the pure part of a group commit (:func:`service.audit.writer.link_batch`)."""


class OneStepCommit(Protocol):
    """An :class:`AuditStore` that can commit a whole group in one step (SQLite: one hand-off to
    a thread instead of an event-loop round trip per statement). The group writer uses it when
    ``one_step`` is true, else :meth:`AuditStore.transaction`."""

    one_step: bool

    async def commit_linked(self, tenants: Sequence[str], linker: Linker) -> None: ...


class AuditStore(Protocol):
    """Where the audit records and chain heads are kept (``service/adapters/sql/audit_repo.py``)."""

    def transaction(self) -> AbstractAsyncContextManager[AuditTx]: ...

    def within(self, uow: Any) -> AuditTx:
        """The repository inside a caller's unit of work."""
        ...

    async def head(self, tenant: str) -> ChainHead | None: ...

    async def get(self, record_id: str) -> ChainRecord | None: ...

    async def page(self, tenant: str, q: AuditQuery, *, limit: int, before_seq: int | None) -> list[ChainRecord]:
        """Up to ``limit`` records matching ``q``, newest first, below ``before_seq``."""
        ...

    async def tenants(self) -> list[str]: ...

    def rows(self, tenant: str, *, after_seq: int = 0, batch: int = 1000) -> AsyncIterator[ChainRecord]: ...


@dataclass(frozen=True)
class SuggestionRef:
    """A recorded suggestion, as feedback needs it."""

    id: str
    tenant_id: str
    audit_id: str
    prompt: str | None
    intent: str | None
    channel: str
    engine: str
    text: str


@dataclass(frozen=True)
class FeedbackEvent:
    id: str
    tenant_id: str
    suggestion_id: str
    audit_id: str
    event: str
    """shown, accepted, edited, rejected."""
    sent_text: str | None
    reason: str | None
    rating: int | None
    edit_distance: float | None
    created_at: datetime


@dataclass(frozen=True)
class FeedbackFact:
    """One feedback event joined with its suggestion (what the feedback report reads)."""

    suggestion_id: str
    prompt: str | None
    engine: str
    intent: str | None
    event: str
    edit_distance: float | None
    reason: str | None
    rating: int | None


class FeedbackTx(Protocol):
    uow: Any

    async def lock_suggestion(self, suggestion_id: str) -> SuggestionRef | None: ...

    async def decision(self, tenant: str, suggestion_id: str, events: Sequence[str]) -> FeedbackEvent | None:
        """The first recorded event among ``events`` for the suggestion."""
        ...

    async def add(self, event: FeedbackEvent) -> None: ...


class FeedbackStore(Protocol):
    """Suggestions' feedback (``service/adapters/sql/audit_repo.py``)."""

    def transaction(self) -> AbstractAsyncContextManager[FeedbackTx]: ...

    async def facts(self, tenant: str, *, since: datetime | None = None, until: datetime | None = None) -> list[FeedbackFact]:
        """Every feedback event of the window with its suggestion, oldest first."""


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

    async def exclusive(self, tenant: str, work: Callable[[], Awaitable[T]]) -> T:
        """Run ``work`` (an ingest or a removal of ``tenant``'s articles) while no other process
        sharing this store writes ``tenant``'s articles: with several workers, one worker's sweep
        of unrecorded chunks must not delete the chunks another is writing."""
        ...


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
