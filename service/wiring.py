"""The long-lived components of one running service, built once in the app's lifespan.

``build_container`` is the only place adapters are chosen; tests pass ``overrides`` (fakes or
shared instances) instead of patching anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from service.adapters.bm25 import EngineBm25
from service.adapters.qdrant_edge_index import EdgeIndex
from service.adapters.sk_cluster import AgglomerativeClusterer
from service.clock import Clock
from service.continuity.wiring import register as register_continuity  # issue 14
from service.adapters.sql.engine import make_engine, migrate, read_session_factory, session_factory
from service.gaps.service import GapService
from service.tenancy.keys import KeyStore
from service.knowledge.service import KnowledgeService
from service.observability.metrics import Metrics
from service.adapters.sql.panel_store import PanelStore
from service.ports import Embedder, KeywordEncoder, TokenCounter, VectorIndex
from service.settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker
    keys: KeyStore
    embedder: Embedder
    counter: TokenCounter
    index: Any
    knowledge: KnowledgeService
    metrics: Metrics
    extras: dict[str, Any] = field(default_factory=dict)
    """Components added by later features, by name."""
    owns_embedder: bool = False
    """The embedder was built here (not handed in), so closing the container closes it."""
    clock: Clock = field(default_factory=Clock)
    """"Now" for everything that needs it (ASSIST_NOW pins it; tests and evals pass a pinned one)."""

    async def ready(self) -> dict[str, bool]:
        checks = {"model": self.embedder is not None, "index": bool(self.index.ping())}
        intents = self.extras.get("intents")
        if intents is not None and hasattr(intents, "ready"):  # the taxonomy is loaded and trained
            checks["taxonomy"] = bool(intents.ready)
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = True
        except Exception:
            checks["database"] = False
        return checks

    async def close(self) -> None:
        trail = self.extras.get("audit")
        if trail is not None:  # answers still being recorded are committed before the engine goes
            await trail.drain()
        if self.owns_embedder:
            self.embedder.close()  # type: ignore[attr-defined]
        self.index.close()
        await self.engine.dispose()


def make_embedder(settings: Settings) -> Embedder:
    from service.adapters.embedder import make_embedder as build

    m = settings.models
    return build(m.embedding_model, m.embedding_backend, m.embedding_device, m.embedding_threads, m.model_cache_dir.expanduser(),
                 precision=m.embedding_precision)


def make_counter(settings: Settings) -> TokenCounter:
    from service.adapters.tokens import TiktokenCounter

    return TiktokenCounter(settings.models.tokenizer)


def make_index(settings: Settings, dimension: int) -> VectorIndex:
    """Qdrant Edge embedded in the data dir, or qdrant-client for ``ASSIST_QDRANT_URL``."""
    s = settings.storage
    if s.qdrant_url:
        from service.adapters.qdrant_index import QdrantIndex

        return QdrantIndex(collection=s.collection, dimension=dimension, url=s.qdrant_url, api_key=s.qdrant_api_key)
    return EdgeIndex(path=s.qdrant_path, dimension=dimension)


def make_keywords() -> KeywordEncoder:
    return EngineBm25()


def _no_step(_phase: str) -> None:
    return None


async def build_container(settings: Settings, overrides: dict[str, Any] | None = None,
                          step: Callable[[str], None] = _no_step) -> Container:
    """Build every component; ``step(phase)`` is told what is being loaded (for /readyz while a
    listen-first start runs). Blocking loads run in worker threads, off the event loop."""
    overrides = dict(overrides or {})
    settings.storage.data_dir.mkdir(parents=True, exist_ok=True)
    step("migrating the database")
    engine = overrides.pop("engine", None) or make_engine(settings.storage.effective_database_url)
    await migrate(engine)
    sessions = session_factory(engine)
    step("loading the embedding model")
    embedder = overrides.pop("embedder", None)
    owns_embedder = embedder is None
    embedder = embedder or await asyncio.to_thread(make_embedder, settings)
    counter = overrides.pop("counter", None) or make_counter(settings)
    step("opening the knowledge index")
    index = overrides.pop("index", None) or await asyncio.to_thread(make_index, settings, embedder.dimension)
    await asyncio.to_thread(index.ensure_collection)
    given = overrides.pop("clock", None)
    clock = Clock.of(given) if given is not None else Clock.from_setting(settings.server.now)
    knowledge = KnowledgeService(
        index=index, embedder=embedder, keywords=overrides.pop("keywords", None) or make_keywords(), counter=counter,
        sessions=sessions, chunk_tokens=settings.models.chunk_tokens, today=clock.today,
    )
    container = Container(
        settings=settings,
        engine=engine,
        sessions=sessions,
        keys=KeyStore(sessions, read_session_factory(engine)),
        embedder=embedder,
        counter=counter,
        index=index,
        knowledge=knowledge,
        metrics=overrides.pop("metrics", None) or Metrics(),
        owns_embedder=owns_embedder,
        clock=clock,
    )
    container.extras.update(overrides)
    # --- issue 4: customer history and summaries (owner: summaries) ---
    from service.history.store import InteractionStore
    from service.summaries.service import SummaryService, chat_from, classify_adapter

    container.extras.setdefault("interactions", InteractionStore(sessions))
    container.extras.setdefault("summaries", SummaryService(
        container.extras["interactions"], counter,
        prompt_path=settings.content.prompts_dir / "summary@1.md",
        chat_model=lambda: chat_from(container.extras),
        classify=lambda: classify_adapter(container.extras.get("intents")),
        now=clock.now,
    ))
    # --- end issue 4 ---
    # --- issue 5: LLM gateway, policy, suggestions and /v1/assist (owner: suggestions) ---
    from service.replies.service import register as register_suggestions

    register_suggestions(container)
    # --- end issue 5 ---
    # --- issue 14: continuity (history in every answer, help desks that feed it) ---
    register_continuity(container)
    # --- end issue 14 ---
    # --- issue 6: prompt registry, audit trail, feedback (owner: audit) ---
    from service.audit import register as register_audit

    register_audit(container)
    # --- end issue 6 ---
    # --- issue 3: intent classification and the triage hook (owner: intents) ---
    from service.intents.service import register as register_intents, start as start_intents

    register_intents(container)
    step("loading the intent taxonomy and training the classifier")
    await start_intents(container)
    # --- end issue 3 ---
    # --- issue 15: agent panel sessions and where the panel may be embedded ---
    container.extras.setdefault("panel", PanelStore(sessions))
    # --- end issue 15 ---
    # --- issue 19: knowledge gaps and drafts (owner: gaps) ---
    container.extras.setdefault("gaps", GapService(
        sessions=sessions, embedder=embedder, clusterer=container.extras.pop("clusterer", None) or AgglomerativeClusterer(),
        knowledge=knowledge, trail=lambda: container.extras.get("audit"), chat=lambda: container.extras.get("chat_model"),
        now=clock.now,
    ))
    # --- end issue 19 ---
    return container
