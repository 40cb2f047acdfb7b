"""The knowledge ingest state in SQL: :class:`service.ports.KnowledgeRepository`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from service.adapters.sql.models import KnowledgeDocument
from service.ports import IndexedArticle

T = TypeVar("T")
INGEST_LOCK = 727_002
"""First key of the PostgreSQL advisory lock an ingest of one tenant holds (the second: the
tenant's ``hashtext``); the migration lock is 727001."""


def _indexed(row: KnowledgeDocument) -> IndexedArticle:
    return IndexedArticle(tenant_id=row.tenant_id, article_id=row.article_id, version=row.version, title=row.title,
                          status=row.status, content_hash=row.content_hash, source=row.source,
                          chunk_ids=list(row.chunk_ids or []), meta=dict(row.meta or {}), updated_at=row.updated_at)


class SqlKnowledgeRepo:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions

    async def get(self, tenant: str, article_id: str) -> IndexedArticle | None:
        async with self.sessions() as session:
            row = await session.get(KnowledgeDocument, (tenant, article_id))
            return _indexed(row) if row is not None else None

    async def of_tenant(self, tenant: str) -> dict[str, IndexedArticle]:
        async with self.sessions() as session:
            rows = (await session.scalars(select(KnowledgeDocument).where(KnowledgeDocument.tenant_id == tenant))).all()
            return {r.article_id: _indexed(r) for r in rows}

    async def visible(self, tenants: Sequence[str]) -> list[IndexedArticle]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(KnowledgeDocument)
                .where(KnowledgeDocument.tenant_id.in_(list(tenants)))
                .order_by(KnowledgeDocument.article_id)
            )
            return [_indexed(r) for r in rows.all()]

    async def save(self, article: IndexedArticle) -> list[str]:
        async with self.sessions.begin() as session:
            row = await session.get(KnowledgeDocument, (article.tenant_id, article.article_id))
            old_ids = list(row.chunk_ids) if row else []
            if row is None:
                row = KnowledgeDocument(tenant_id=article.tenant_id, article_id=article.article_id)
                session.add(row)
            row.version = article.version
            row.title = article.title
            row.status = article.status
            row.content_hash = article.content_hash
            row.source = article.source
            row.chunk_ids = list(article.chunk_ids)
            row.meta = dict(article.meta)
            row.updated_at = article.updated_at
        return old_ids

    async def delete(self, tenant: str, article_id: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                delete(KnowledgeDocument).where(KnowledgeDocument.tenant_id == tenant, KnowledgeDocument.article_id == article_id)
            )

    async def exclusive(self, tenant: str, work: Callable[[], Awaitable[T]]) -> T:
        """PostgreSQL: ``work`` runs under a session-level advisory lock of ``tenant`` (workers
        and CLI commands sharing the database take turns; the lock dies with its connection if a
        process does). SQLite: one process writes it, and its knowledge service's own lock
        already orders its ingests."""
        engine = self.sessions.kw["bind"]
        if engine.dialect.name != "postgresql":
            return await work()
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key, hashtext(:tenant))"), {"key": INGEST_LOCK, "tenant": tenant})
            await conn.commit()  # the lock is the session's: no transaction stays open meanwhile
            try:
                return await work()
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key, hashtext(:tenant))"), {"key": INGEST_LOCK, "tenant": tenant})
                await conn.commit()
