"""The knowledge use cases: incremental ingest and hybrid search of approved, in-force articles.

Per article the order is: upsert the new chunks, commit the new chunk list in the database,
delete the old chunks. A crash between steps leaves at worst orphan chunks, which the next
ingest (and start-up) removes because no database row points at them; the database is the
source of truth for what is indexed (behind :class:`~service.ports.KnowledgeRepository`; SQL:
``service/adapters/sql/knowledge_repo.py``).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import anyio
import numpy as np

from service.clock import Clock
from service.errors import Conflict, InvalidInput, NotFound
from service.guardrails.plaintext import plain_hit
from service.knowledge.articles import Article, ArticleError, date_int, load_dir, parse_article
from service.knowledge.chunking import chunk_markdown
from service.ports import (
    ChunkRecord,
    ChunkVectors,
    Embedder,
    IndexedArticle,
    KeywordEncoder,
    KnowledgeRepository,
    SearchFilters,
    SearchHit,
    TokenCounter,
)
from service.tenancy.keys import SHARED_TENANT

CHUNK_NAMESPACE = uuid.UUID("5f0d1f7e-8a59-4d43-9a43-1c3f1b0c9a11")
MAX_QUERY_CHARS = 2000
MAX_TOP_K = 50
API_SOURCE = "api"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    chunks_written: int = 0
    orphans_removed: int = 0
    repaired: list[str] = field(default_factory=list)
    """Articles whose chunks were missing from the index, written again (also in added/updated)."""
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired or self.removed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "retired": self.retired,
            "removed": self.removed,
            "unchanged": len(self.unchanged),
            "errors": self.errors,
            "chunks_written": self.chunks_written,
            "orphans_removed": self.orphans_removed,
            "repaired": self.repaired,
            "seconds": round(self.seconds, 3),
        }


EMBED_WINDOW = 32
"""Articles whose chunks are embedded together during an ingest."""


def _chunk_text(r: ChunkRecord) -> str:
    """What is embedded for a chunk: its article's title, its heading and its text."""
    return f"{r.title}. {r.heading}. {r.text}" if r.heading else f"{r.title}. {r.text}"


def in_scope(source: str, scope: str) -> bool:
    """Whether an article ingested from ``source`` lies under the folder ``scope`` ("" = all)."""
    return not scope or source == scope or source.startswith(scope + "/")


def _to_write(article: Article, doc: IndexedArticle | None) -> bool:
    """New, or changed content that is not older than what is indexed."""
    return doc is None or (doc.content_hash != article.content_hash and doc.version <= article.version)


class KnowledgeService:
    def __init__(
        self,
        *,
        index: Any,
        embedder: Embedder,
        keywords: KeywordEncoder,
        counter: TokenCounter,
        repo: KnowledgeRepository,
        chunk_tokens: int = 256,
        today: Callable[[], date] = Clock().today,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.keywords = keywords
        self.counter = counter
        self.repo = repo
        self.chunk_tokens = chunk_tokens
        self.today = today
        self._write_lock = anyio.Lock()
        # an index that is not safe for concurrent writers and readers across threads says so (local = True)
        self._index_lock = threading.Lock() if getattr(index, "local", False) else None

    # ---- ingest -------------------------------------------------------------------------

    async def ingest_dir(
        self,
        directory: Path,
        tenant: str = SHARED_TENANT,
        progress: Callable[[int, int, str], None] | None = None,
        *,
        only: Path | None = None,
    ) -> IngestReport:
        """Make the index match ``directory``: add, update, retire, and remove deleted files.

        ``only``: a folder inside ``directory``; then only the articles under it are read, and
        only articles ingested from under it can be updated or removed (issue 12: ingesting
        ``billing/`` must not remove every other shared article). Sources stay relative to
        ``directory`` either way, so both kinds of ingest agree on where an article lives."""
        if not directory.is_dir():
            raise InvalidInput(f"knowledge directory {directory.name or directory}/ does not exist or is not a directory")
        prefix = ""
        if only is not None:
            if not only.is_dir():
                raise InvalidInput(f"{only.name}/ is not a directory inside the knowledge directory")
            rel = only.relative_to(directory).as_posix()
            prefix = "" if rel == "." else rel
        loaded = await anyio.to_thread.run_sync(load_dir, only or directory, directory)  # YAML parsing: off the loop
        report = await self.ingest(tenant, loaded.articles, full_sync=True, progress=progress,
                                   broken_sources={e.source for e in loaded.errors}, scope=prefix)
        report.errors = [e.as_dict() for e in loaded.errors] + report.errors
        return report

    async def ingest_text(self, tenant: str, text: str) -> IngestReport:
        """Add or update one article sent through the admin API (tenant-private)."""
        try:
            article = await anyio.to_thread.run_sync(parse_article, text, API_SOURCE)  # YAML parsing: off the loop
        except ArticleError as exc:
            raise InvalidInput(f"article is not valid: {exc.field}: {exc.message}", errors=[exc.as_dict()]) from None
        report = await self.ingest(tenant, [article], full_sync=False)
        if report.errors:  # issue 12: an older version than the one indexed is refused, not a 200
            raise Conflict(f"article {article.id!r} is not ingested: {report.errors[0]['message']}", errors=report.errors)
        return report

    async def remove(self, tenant: str, article_id: str) -> IngestReport:
        async def work() -> IngestReport:
            doc = await self.repo.get(tenant, article_id)
            if doc is None:
                raise NotFound(f"no article {article_id!r} in tenant {tenant!r}")
            await self._drop(doc)
            await self._run(self.index.optimize)
            return IngestReport(removed=[article_id])

        async with self._write_lock:  # this process's writers, then every process's (several workers)
            return await self.repo.exclusive(tenant, work)

    async def ingest(
        self,
        tenant: str,
        articles: Sequence[Article],
        *,
        full_sync: bool,
        progress: Callable[[int, int, str], None] | None = None,
        broken_sources: set[str] | frozenset[str] = frozenset(),
        scope: str = "",
    ) -> IngestReport:
        """``scope``: a folder (relative source prefix); articles of this tenant ingested from
        elsewhere are neither overwritten nor, with ``full_sync``, removed."""
        started = time.perf_counter()
        async with self._write_lock:  # this process's writers, then every process's (several workers)
            report = await self.repo.exclusive(tenant, lambda: self._ingest(
                tenant, articles, full_sync=full_sync, progress=progress, broken_sources=broken_sources, scope=scope))
        report.seconds = time.perf_counter() - started
        return report

    async def _ingest(self, tenant: str, articles: Sequence[Article], *, full_sync: bool,
                      progress: Callable[[int, int, str], None] | None, broken_sources: set[str] | frozenset[str],
                      scope: str) -> IngestReport:
        report = IngestReport()
        await self._run(self.index.ensure_collection)
        existing = await self.repo.of_tenant(tenant)
        report.orphans_removed, damaged = await self._reconcile(tenant, existing)
        if scope:
            articles = self._outside_scope(articles, existing, scope, report)
        report.repaired = sorted(damaged & {a.id for a in articles})
        # an article whose chunks are missing from the index is written again, as if new
        indexed = {k: d for k, d in existing.items() if k not in damaged}
        for start in range(0, len(articles), EMBED_WINDOW):
            window = articles[start:start + EMBED_WINDOW]
            embedded = await self._embed_window(tenant, window, indexed)
            for i, article in enumerate(window, start):
                if progress:
                    progress(i, len(articles), article.id)
                await self._ingest_one(tenant, article, indexed.get(article.id), report, embedded.get(article.id))
        if full_sync:
            present = {a.id for a in articles}
            for article_id, doc in existing.items():
                if article_id in present or doc.source == API_SOURCE or doc.source in broken_sources:
                    continue
                if not in_scope(doc.source, scope):
                    continue
                await self._drop(doc)
                report.removed.append(article_id)
        await self._run(self.index.optimize)
        if progress:
            progress(len(articles), len(articles), "")
        return report

    @staticmethod
    def _outside_scope(articles: Sequence[Article], existing: dict[str, IndexedArticle], scope: str,
                       report: IngestReport) -> list[Article]:
        """The articles a scoped ingest may write: not those whose id belongs to an article
        ingested from another folder (reported as an error instead)."""
        kept = []
        for article in articles:
            doc = existing.get(article.id)
            if doc is not None and doc.source != API_SOURCE and not in_scope(doc.source, scope):
                report.errors.append({"source": article.source, "field": "id",
                                      "message": f"id {article.id!r} is already used by {doc.source}, outside {scope}/; not ingested"})
                continue
            kept.append(article)
        return kept

    async def _embed_window(self, tenant: str, window: Sequence[Article], existing: dict[str, IndexedArticle]) -> dict[str, tuple[list[ChunkRecord], Any]]:
        """Chunks and vectors of the window's articles that will be (re)indexed, in one call to
        the embedder: one bulk job the embedder spreads over its lanes, sorted by length. Each
        article's title is embedded too (its own view, carried by the first chunk)."""
        todo: list[tuple[str, list[ChunkRecord]]] = []
        for article in window:
            doc = existing.get(article.id)
            if article.status != "approved" or not _to_write(article, doc):
                continue
            todo.append((article.id, self._chunk(tenant, article)))
        texts = [_chunk_text(r) for _, records in todo for r in records]
        if not texts:
            return {}
        titles = [records[0].title for _, records in todo if records]
        dense = await anyio.to_thread.run_sync(self.embedder.embed, texts + titles)
        out: dict[str, tuple[list[ChunkRecord], Any]] = {}
        offset, title_row = 0, len(texts)
        for article_id, records in todo:
            vectors = [
                ChunkVectors(dense=dense[offset + i], sparse=self.keywords.document(_chunk_text(r), r.payload.get("locale")),
                             title=dense[title_row] if i == 0 else None)
                for i, r in enumerate(records)
            ]
            out[article_id] = (records, vectors)
            offset += len(records)
            title_row += 1 if records else 0
        return out

    async def _ingest_one(self, tenant: str, article: Article, doc: IndexedArticle | None, report: IngestReport,
                          embedded: tuple[list[ChunkRecord], Any] | None) -> None:
        """``embedded``: the chunks and vectors :meth:`_embed_window` made for it (approved
        articles that :func:`_to_write` lets through)."""
        indexable = article.status == "approved"
        if not _to_write(article, doc):
            if doc is not None and doc.content_hash == article.content_hash:
                report.unchanged.append(article.id)
            else:
                report.errors.append({"source": article.source, "field": "version",
                                      "message": f"version {article.version} is older than the indexed version "
                                                 f"{doc.version if doc else '?'}; not ingested"})
            return
        new_ids: list[str] = []
        if indexable:
            assert embedded is not None, "an approved article to write was embedded by _embed_window"
            records, vectors = embedded
            await self._run(self.index.upsert, records, vectors)
            new_ids = [r.chunk_id for r in records]
            report.chunks_written += len(records)
        now = datetime.now(UTC)
        old_ids = await self.repo.save(IndexedArticle(
            tenant_id=tenant, article_id=article.id, version=article.version, title=article.title,
            status=article.status, content_hash=article.content_hash, source=article.source, chunk_ids=new_ids,
            meta={k: v for k, v in article.payload().items() if k != "replies"}, updated_at=now,
        ))
        stale = [c for c in old_ids if c not in set(new_ids)]
        await self._run(self.index.delete_chunks, stale)
        if not indexable:
            if doc is not None and doc.status == "approved":
                report.retired.append(article.id)
            else:
                report.unchanged.append(article.id) if doc is not None else report.added.append(article.id)
        elif doc is None:
            report.added.append(article.id)
        else:
            report.updated.append(article.id)

    def _chunk(self, tenant: str, article: Article) -> list[ChunkRecord]:
        pieces = chunk_markdown(article.body, self.counter, self.chunk_tokens)
        payload = article.payload()
        return [
            ChunkRecord(
                chunk_id=str(uuid.uuid5(CHUNK_NAMESPACE, f"{tenant}/{article.id}/{article.content_hash}/{i}")),
                article_id=article.id,
                tenant_id=tenant,
                version=article.version,
                title=article.title,
                heading=piece.heading,
                text=piece.text,
                position=i,
                payload=payload,
            )
            for i, piece in enumerate(pieces)
        ]

    async def _drop(self, doc: IndexedArticle) -> None:
        await self.repo.delete(doc.tenant_id, doc.article_id)
        await self._run(self.index.delete_chunks, list(doc.chunk_ids))

    async def _reconcile(self, tenant: str, existing: dict[str, IndexedArticle]) -> tuple[int, set[str]]:
        """Delete indexed chunks no database row points at (a write interrupted before its
        commit); return how many, and the articles whose recorded chunks are not all indexed
        (an index lost or replaced), which the ingest writes again."""
        known = {c for d in existing.values() for c in d.chunk_ids}
        indexed = await self._run(self.index.chunk_ids, tenant)
        orphans = [c for c in indexed if c not in known]
        await self._run(self.index.delete_chunks, orphans)
        damaged = {a for a, d in existing.items() if d.status == "approved" and not set(d.chunk_ids) <= indexed.keys()}
        return len(orphans), damaged

    async def documents(self, tenant: str) -> list[IndexedArticle]:
        """The articles visible to ``tenant`` (its own and shared), by article id."""
        return await self.repo.visible([tenant, SHARED_TENANT])

    # ---- search -------------------------------------------------------------------------

    async def search(
        self,
        tenant: str,
        query: str,
        *,
        top_k: int = 5,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        query_vector: np.ndarray | None = None,
    ) -> list[SearchHit]:
        """Chunks of approved, in-force articles visible to ``tenant`` (its own and shared)."""
        query = (query or "").strip()
        if not query:
            raise InvalidInput("query must not be empty")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInput(f"query is longer than {MAX_QUERY_CHARS} characters")
        if not 1 <= top_k <= MAX_TOP_K:
            raise InvalidInput(f"top_k must be between 1 and {MAX_TOP_K}")
        if mode not in {"hybrid", "dense", "sparse"}:
            raise InvalidInput("mode must be hybrid, dense or sparse")
        filters = filters or SearchFilters()
        options = {"tenants": [tenant, SHARED_TENANT] if tenant != SHARED_TENANT else [SHARED_TENANT],
                   "sparse": self.keywords.query(query, filters.locale), "filters": filters, "limit": top_k,
                   "today": date_int(self.today()), "mode": mode}
        given = query_vector

        def embed_and_search() -> Any:
            # One hand-off to a thread for both (issue 18): the query's embedding, then the index.
            dense = given if given is not None else self.embedder.embed([query])[0]
            return self._locked(self.index.search)(dense=dense, **options)

        hits = await anyio.to_thread.run_sync(embed_and_search)
        return [plain_hit(h) for h in hits]  # snippets are plain text: no HTML, no script links

    def _locked(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` holding the index lock (when there is one) while it runs."""
        lock = self._index_lock
        if lock is None:
            return fn

        def locked(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return fn(*args, **kwargs)

        return locked

    async def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        locked = self._locked(fn)
        return await anyio.to_thread.run_sync(lambda: locked(*args, **kwargs))
