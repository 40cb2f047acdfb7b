"""HTTP for knowledge: hybrid search, and the admin API to add, update and retire articles."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import Parameter

from service.api.deps import Injected
from service.errors import InvalidInput
from service.audit import AuditEntry, AuditTrail, elapsed_ms
from service.knowledge.service import KnowledgeService
from service.settings import Settings
from service.tenancy.keys import SHARED_TENANT, Principal
from service.observability.logging import annotate
from service.ports import SearchFilters


class Filters(msgspec.Struct, forbid_unknown_fields=True):
    locale: str | None = None
    channel: str | None = None
    products: list[str] = []
    tags: list[str] = []


class SearchRequest(msgspec.Struct, forbid_unknown_fields=True):
    query: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    top_k: Annotated[int, msgspec.Meta(ge=1, le=50)] = 5
    filters: Filters | None = None
    mode: Literal["hybrid", "dense", "sparse"] = "hybrid"


class Hit(msgspec.Struct):
    article_id: str
    chunk_id: str
    title: str
    text: str
    score: float
    version: int
    heading: str


class SearchResponse(msgspec.Struct):
    hits: list[Hit]


class ArticleIn(msgspec.Struct, forbid_unknown_fields=True):
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=200_000)]
    """The whole article: YAML front matter, then Markdown."""


class IngestDirIn(msgspec.Struct, forbid_unknown_fields=True):
    directory: Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f\x7f]+$")] | None = None
    """A folder inside ASSIST_KNOWLEDGE_DIR (e.g. ``billing``): only the articles under it are
    added, updated or removed. Default: the whole knowledge directory. Shared knowledge."""


class DocumentOut(msgspec.Struct):
    article_id: str
    version: int
    title: str
    status: str
    shared: bool
    chunks: int
    source: str


def to_filters(filters: Filters | None) -> SearchFilters:
    if filters is None:
        return SearchFilters()
    return SearchFilters(
        locale=filters.locale,
        channel=filters.channel.lower() if filters.channel else None,
        products=tuple(p.lower() for p in filters.products),
        tags=tuple(t.lower() for t in filters.tags),
    )


def to_hits(hits: list) -> list[Hit]:
    return [
        Hit(article_id=h.article_id, chunk_id=h.chunk_id, title=h.title, text=h.text, score=round(h.score, 6), version=h.version, heading=h.heading)
        for h in hits
    ]


async def record_search(trail: AuditTrail, principal: Principal, data: SearchRequest, hits: list, started: float) -> None:
    """One audit record per search (issue 6): the redacted query, the article versions returned."""
    await trail.record(AuditEntry(
        endpoint="knowledge.search",
        tenant_id=principal.tenant_id,
        key_id=principal.key_id,
        input=msgspec.to_builtins(data),
        articles=[{"article_id": h.article_id, "chunk_id": h.chunk_id, "version": h.version} for h in hits],
        params={"top_k": data.top_k, "mode": data.mode},
        outcome="ok" if hits else "no_hits",
        latency_ms=elapsed_ms(started),
        output={"hits": [{"article_id": h.article_id, "chunk_id": h.chunk_id, "version": h.version, "score": round(h.score, 6)} for h in hits]},
    ))


class KnowledgeController(Controller):
    path = "/knowledge"
    tags = ["knowledge"]

    @post("/search", opt={"scope": "knowledge:read"}, status_code=200, summary="Hybrid search of approved, in-force knowledge")
    async def search(self, data: SearchRequest, principal: Principal, knowledge: Injected[KnowledgeService], audit: Injected[AuditTrail]) -> SearchResponse:
        started = time.perf_counter()
        hits = await knowledge.search(
            principal.tenant_id, data.query, top_k=data.top_k, filters=to_filters(data.filters), mode=data.mode
        )
        annotate(article_ids=sorted({h.article_id for h in hits}), hits=len(hits))
        await record_search(audit, principal, data, hits, started)  # issue 6: audit trail
        return SearchResponse(hits=to_hits(hits))

    @get("/articles", opt={"scope": "knowledge:read"}, summary="Articles visible to this tenant (its own and shared)")
    async def list_articles(self, principal: Principal, knowledge: Injected[KnowledgeService]) -> list[DocumentOut]:
        docs = await knowledge.documents(principal.tenant_id)
        return [
            DocumentOut(d.article_id, d.version, d.title, d.status, d.tenant_id == SHARED_TENANT, len(d.chunk_ids), d.source)
            for d in docs
        ]

    @post("/articles", opt={"scope": "knowledge:write", "heavy": True}, status_code=200, summary="Add or update one tenant article")
    async def put_article(self, data: ArticleIn, principal: Principal, knowledge: Injected[KnowledgeService]) -> dict:
        report = await knowledge.ingest_text(principal.tenant_id, data.content)
        return report.as_dict()

    @delete("/articles/{article_id:str}", opt={"scope": "knowledge:write"}, status_code=200, summary="Remove one tenant article")
    async def delete_article(
        self, article_id: Annotated[str, Parameter(max_length=200)], principal: Principal, knowledge: Injected[KnowledgeService]
    ) -> dict:
        report = await knowledge.remove(principal.tenant_id, article_id)
        return report.as_dict()

    @post("/ingest", opt={"scope": "operator", "heavy": True}, status_code=200,
          summary="Re-ingest the shared knowledge directory, or one folder of it (operator keys only)")
    async def ingest_dir(self, data: IngestDirIn, knowledge: Injected[KnowledgeService], settings: Injected[Settings]) -> dict:
        root = settings.content.knowledge_dir.resolve()
        only = resolve_inside(root, data.directory) if data.directory else None
        report = await knowledge.ingest_dir(root, only=only)
        return report.as_dict()


def resolve_inside(root: Path, directory: str) -> Path:
    """``directory`` as a folder inside ``root``; errors name it as the client wrote it (cut
    short) and never the server's absolute path."""
    shown = directory if len(directory) <= 80 else directory[:77] + "..."
    try:
        target = (root / directory).resolve()
        inside = target.is_relative_to(root)
        is_dir = inside and target.is_dir()
    except (OSError, ValueError, RuntimeError):
        raise InvalidInput(f"directory {shown!r} is not a usable path inside the knowledge directory") from None
    if not inside:  # issue 8: no server path outside the knowledge dir
        raise InvalidInput(f"directory must be inside the knowledge directory, got {shown!r}")
    if not is_dir:
        raise InvalidInput(f"directory {shown!r} is not a folder of the knowledge directory")
    return target
