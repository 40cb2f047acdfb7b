"""The long-lived components of one running service, built once in the app's lifespan.

:func:`build_container` is the one place where adapters are chosen (the ONNX/torch embedder,
tiktoken, Qdrant, the OpenAI-compatible chat model, SQL) and where every use case is
constructed, in dependency order, from explicit arguments. The result is a typed
:class:`Container`: one field per component, no lookup by name. Controllers receive a field as a
Litestar dependency (``service/api/deps.py``); the CLI reads the field it needs.

Tests and evals hand in fakes or shared instances as ``overrides`` (:class:`Overrides`): a known
name replaces what would be built, an unknown name is refused.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from service.adapters.bm25 import EngineBm25
from service.adapters.chatwoot_api import ChatwootAPI
from service.adapters.embedder import make_embedder as build_embedder
from service.adapters.index_client import EngineIndex
from service.adapters.qdrant_edge_index import EdgeIndex
from service.adapters.sk_cluster import AgglomerativeClusterer
from service.adapters.sql.audit_repo import SqlAuditStore, SqlFeedbackStore
from service.adapters.sql.continuity_repo import ContinuityRepo
from service.adapters.sk_intent_model import SkIntentTrainer
from service.adapters.sql.suggestions_repo import SqlSuggestionLog
from service.adapters.sql.triage_repo import SqlTriageStore
from service.adapters.sql.engine import make_engine, migrate, read_session_factory, session_factory
from service.adapters.sql.interactions_repo import SqlInteractionRepo
from service.adapters.sql.keys_repo import SqlKeyRepo
from service.adapters.sql.knowledge_repo import SqlKnowledgeRepo
from service.adapters.sql.panel_store import PanelStore
from service.adapters.tokens import TiktokenCounter
from service.api.limits import HeavySlots, RateLimiter
from service.assist.service import AssistService
from service.audit import AuditTrail, FeedbackService, summary_hook
from service.clock import Clock
from service.continuity.replies import HistoryHook, Templates
from service.continuity.service import ContinuityService
from service.continuity.writeback import ChatwootWriteback
from service.errors import InvalidInput
from service.gaps.service import GapService
from service.intents.llm_fallback import llm_fallback
from service.intents.service import IntentService
from service.knowledge.service import KnowledgeService
from service.llm.gateway import LLMGateway
from service.observability.metrics import Metrics
from service.ports import ChatModel, Embedder, InteractionRepository, KeywordEncoder, TokenCounter, VectorIndex
from service.prompts.registry import PromptRegistry, default_lock_file
from service.replies.policy import PolicyChecker, load_checker
from service.replies.intent_and_knowledge import intent_classifier
from service.replies.llm_reply import Prompts
from service.replies.service import SuggestionService
from service.settings import Settings
from service.summaries.service import GatewayChat, SummaryService, classify_adapter
from service.tenancy.keys import KeyStore
from service.triage.service import TriageService

log = structlog.get_logger("service.wiring")

MODEL_CHECK_TIMEOUT_S = 5.0
"""/readyz: how long the embedding model may take to encode one word before it counts as down."""
MODEL_CHECK_TTL_S = 5.0
"""/readyz: a model check is reused this long (a load balancer polling often costs one encode)."""


@dataclass
class Container:
    """Every long-lived part of the service. Built by :func:`build_container`, closed by
    :meth:`close`. A field that is ``None`` is a component this run does without (a test or an
    ``assist`` command that needs no classifier passes ``intents=None``); the HTTP routes that
    need it answer 503."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker
    keys: KeyStore
    embedder: Embedder
    counter: TokenCounter
    index: VectorIndex
    knowledge: KnowledgeService
    metrics: Metrics
    clock: Clock
    """"Now" for everything that needs it (ASSIST_NOW pins it; tests and evals pass a pinned one)."""
    chat_model: ChatModel | None
    """The OpenAI-compatible model (None: no LLM configured); only ``llm`` calls it."""
    llm: LLMGateway
    """Budgets, circuit breaker and metrics around ``chat_model``; every LLM call goes through it."""
    policy: PolicyChecker
    prompts: PromptRegistry | None
    audit: AuditTrail
    feedback: FeedbackService | None
    interactions: InteractionRepository | None
    intents: IntentService | None
    triage: TriageService | None
    summaries: SummaryService | None
    suggester: SuggestionService | None
    assist: AssistService | None
    continuity: ContinuityService | None
    panel: PanelStore | None
    gaps: GapService | None
    rate_limiter: RateLimiter | None = None
    heavy_slots: HeavySlots | None = None
    owns_embedder: bool = False
    """The embedder was built here (not handed in), so closing the container closes it."""
    _model_check: tuple[float, bool] | None = field(default=None, repr=False)

    async def ready(self) -> dict[str, bool]:
        checks = {"model": await self.model_ready(), "index": bool(self.index.ping())}
        if hasattr(self.intents, "ready"):
            checks["taxonomy"] = bool(self.intents.ready)  # the taxonomy is loaded and trained
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = True
        except Exception:
            checks["database"] = False
        return checks

    async def model_ready(self) -> bool:
        """The embedding model encodes one word, in a worker thread, within
        :data:`MODEL_CHECK_TIMEOUT_S` (the answer is reused for :data:`MODEL_CHECK_TTL_S`)."""
        now = time.monotonic()
        if self._model_check is not None and now - self._model_check[0] < MODEL_CHECK_TTL_S:
            return self._model_check[1]
        try:
            ok = await asyncio.wait_for(asyncio.to_thread(probe_embedder, self.embedder), MODEL_CHECK_TIMEOUT_S)
        except Exception as exc:  # a broken or stuck model: not ready
            log.warning("model_not_ready", error_type=type(exc).__name__, error=str(exc)[:200])
            ok = False
        self._model_check = (time.monotonic(), ok)
        return ok

    async def close(self) -> None:
        # answers still being recorded are committed before the engine goes
        await self.audit.drain()
        if self.owns_embedder:
            self.embedder.close()  # type: ignore[attr-defined]
        self.index.close()
        for owner in (getattr(self.audit, "store", None), getattr(self.keys, "repo", None)):
            close_twin = getattr(owner, "close", None)
            if close_twin is not None:
                close_twin()  # the SQLite twin engines: the audit's one-step commits, the key reads
        await self.engine.dispose()


def probe_embedder(embedder: Any) -> bool:
    """One word through the model: the adapter's ``ping`` (which bypasses its cache) or ``embed``."""
    ping = getattr(embedder, "ping", None)
    if ping is not None:
        return bool(ping())
    vectors = embedder.embed(["ready"])
    return len(vectors) == 1 and len(vectors[0]) == embedder.dimension


# ---- adapters: chosen here and nowhere else ---------------------------------------------------


def make_embedder(settings: Settings) -> Embedder:
    m = settings.models
    return build_embedder(m.embedding_model, m.embedding_backend, m.embedding_device, m.embedding_threads,
                          m.model_cache_dir.expanduser(), precision=m.embedding_precision)


def make_counter(settings: Settings) -> TokenCounter:
    return TiktokenCounter(settings.models.tokenizer)


def make_index(settings: Settings, dimension: int) -> VectorIndex:
    """Qdrant Edge embedded in the data dir, the index engine at ``ASSIST_INDEX_URL`` (which owns
    that shard for several workers), or qdrant-client for ``ASSIST_QDRANT_URL``."""
    s = settings.storage
    if s.index_url:
        return EngineIndex(url=s.index_url, dimension=dimension)
    if s.qdrant_url:
        # Loaded only when a server is configured: qdrant-client and gRPC cost ~40 MB of memory
        # in every process that never talks to a Qdrant server.
        from service.adapters.qdrant_index import QdrantIndex

        return QdrantIndex(collection=s.collection, dimension=dimension, url=s.qdrant_url, api_key=s.qdrant_api_key)
    return EdgeIndex(path=s.qdrant_path, dimension=dimension)


def make_keywords() -> KeywordEncoder:
    return EngineBm25()


def make_chat_model(settings: Settings) -> ChatModel | None:
    """The OpenAI-compatible chat model of ``ASSIST_LLM_*``, or None when no LLM is configured."""
    llm = settings.llm
    if not llm.enabled:
        return None
    # Loaded only when an LLM is configured: the openai SDK (and its dependencies) cost memory
    # and start-up time in every process that runs without one.
    from service.adapters.openai_chat import OpenAIChatModel

    return OpenAIChatModel(base_url=llm.base_url, model=llm.model, api_key=llm.api_key, timeout_s=llm.timeout_s,
                           max_retries=llm.max_retries, json_format=llm.json_format)


# ---- overrides ---------------------------------------------------------------------------------


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass
class Overrides:
    """What a caller hands in instead of what :func:`build_container` would build. A field left
    ``UNSET`` is built; any other value (``None`` included: "do without it") is used as given.
    For the adapters and for ``llm``, ``policy`` and ``audit`` (always present) ``None`` also
    means "build it" (:data:`BUILT_WHEN_NONE`)."""

    # adapters and shared inputs
    engine: Any = UNSET
    embedder: Any = UNSET
    counter: Any = UNSET
    index: Any = UNSET
    keywords: Any = UNSET
    clock: Any = UNSET
    """A :class:`Clock`, a datetime or a ``() -> datetime`` (pinned "now")."""
    metrics: Any = UNSET
    clusterer: Any = UNSET
    chatwoot_api: Any = UNSET
    chat_model: Any = UNSET
    # components
    llm: Any = UNSET
    policy: Any = UNSET
    prompts: Any = UNSET
    audit: Any = UNSET
    feedback: Any = UNSET
    interactions: Any = UNSET
    intents: Any = UNSET
    triage: Any = UNSET
    summaries: Any = UNSET
    suggester: Any = UNSET
    assist: Any = UNSET
    continuity: Any = UNSET
    panel: Any = UNSET
    gaps: Any = UNSET
    rate_limiter: Any = UNSET
    heavy_slots: Any = UNSET

    @classmethod
    def of(cls, given: Overrides | Mapping[str, Any] | None) -> Overrides:
        if isinstance(given, Overrides):
            return given
        given = dict(given or {})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(given) - known)
        if unknown:
            raise TypeError(f"unknown override(s) {', '.join(unknown)}; build_container accepts: {', '.join(sorted(known))}")
        # An input given as None is built, as before (``{"embedder": None}`` is "the default one").
        return cls(**{k: v for k, v in given.items() if not (v is None and k in BUILT_WHEN_NONE)})

    def get(self, name: str, build: Callable[[], Any]) -> Any:
        value = getattr(self, name)
        return build() if value is UNSET else value

    def given(self, name: str) -> bool:
        return getattr(self, name) is not UNSET


BUILT_WHEN_NONE = frozenset({"engine", "embedder", "counter", "index", "keywords", "clock", "metrics", "clusterer",
                             "chatwoot_api", "llm", "policy", "audit"})
"""Overrides for which ``None`` means "build the default" rather than "do without"."""


def _no_step(_phase: str) -> None:
    return None


# ---- the use cases, each from explicit dependencies --------------------------------------------


def build_prompts(settings: Settings) -> PromptRegistry:
    """The validated prompt registry. A broken prompt file or registry stops the start
    (PromptError names the file). A text that no longer matches prompts.lock is logged here and
    fails the test suite (tests/test_prompts.py), where the fix belongs: a new version."""
    directory = settings.content.prompts_dir
    registry = PromptRegistry.load(directory)
    lock = default_lock_file(directory)
    for problem in registry.lock_problems(lock) if lock else []:
        log.warning("prompt_lock_mismatch", problem=problem)
    return registry


def build_summaries(settings: Settings, interactions: InteractionRepository | None, counter: TokenCounter, *,
                    llm: LLMGateway | None, chat_model: ChatModel | None, intents: Any, audit: AuditTrail | None,
                    prompts: PromptRegistry | None, clock: Clock) -> SummaryService:
    """Summaries ask the gateway (its budgets and breaker) when an LLM is configured, else a bare
    chat model handed in, else none: extractive only."""

    def chat() -> ChatModel | None:
        if llm is not None:
            return GatewayChat(llm) if llm.available else None
        return chat_model

    classify = classify_adapter(intents)
    return SummaryService(
        interactions, counter,
        context_tokens=settings.llm.context_tokens,
        prompts=prompts,
        chat_model=chat,
        classify=lambda: classify,
        on_summary=summary_hook(audit) if audit is not None else None,
        now=clock.now,
    )


def build_suggester(settings: Settings, knowledge: KnowledgeService, *, llm: LLMGateway, policy: PolicyChecker,
                    prompts: PromptRegistry | None, counter: TokenCounter, metrics: Metrics, sessions: async_sessionmaker,
                    audit: AuditTrail | None, intents: Any, history: HistoryHook) -> SuggestionService:
    classify = intent_classifier(intents)
    return SuggestionService(
        knowledge=knowledge,
        gateway=llm,
        checker=policy,
        prompts=Prompts(settings.content.prompts_dir, registry=lambda: prompts),
        counter=counter,
        metrics=metrics,
        recorder=SqlSuggestionLog(sessions, audit=lambda: audit),
        classify=lambda: classify,
        history=history,
    )


def load_history_templates(settings: Settings) -> Templates | None:
    """The continuity reply templates; a bad file is logged and replies go without history lines."""
    try:
        return Templates.load(settings.continuity.continuity_file)
    except InvalidInput as exc:
        log.warning("continuity_templates_unavailable", detail=exc.detail)
        return None


def build_continuity(settings: Settings, interactions: InteractionRepository | None, sessions: async_sessionmaker, *,
                     clock: Clock, audit: AuditTrail | None, intents: Any) -> ContinuityService:
    classify = classify_adapter(intents)
    return ContinuityService(
        interactions, ContinuityRepo(sessions), clock=clock.now,
        record_default=settings.continuity.record_default, audit=lambda: audit, classify=lambda: classify,
    )


async def start_intents(intents: Any) -> None:
    """Load and train the taxonomy off the event loop. A bad file at start is logged and leaves
    classification unavailable (503 naming the problem) until a good file is reloaded."""
    if not isinstance(intents, IntentService) or intents.ready:
        return
    try:
        await intents.reload()
    except InvalidInput as exc:
        log.error("intent_taxonomy_not_loaded", problem=exc.detail)


async def build_container(settings: Settings, overrides: Overrides | Mapping[str, Any] | None = None,
                          step: Callable[[str], None] = _no_step) -> Container:
    """Build every component; ``step(phase)`` is told what is being loaded (for /readyz while a
    listen-first start runs). Blocking loads run in worker threads, off the event loop."""
    o = Overrides.of(overrides)
    settings.storage.data_dir.mkdir(parents=True, exist_ok=True)

    # storage, model, index
    step("migrating the database")
    engine = o.get("engine", lambda: make_engine(settings.storage.effective_database_url))
    await migrate(engine)
    sessions = session_factory(engine)
    step("loading the embedding model")
    owns_embedder = not o.given("embedder")
    embedder = o.embedder if o.given("embedder") else await asyncio.to_thread(make_embedder, settings)
    counter = o.get("counter", lambda: make_counter(settings))
    step("opening the knowledge index")
    index = o.index if o.given("index") else await asyncio.to_thread(make_index, settings, embedder.dimension)
    await asyncio.to_thread(index.ensure_collection)
    clock = Clock.of(o.clock) if o.given("clock") else Clock.from_setting(settings.server.now)
    metrics = o.get("metrics", Metrics)
    keys = KeyStore(SqlKeyRepo(sessions, read_session_factory(engine), engine))
    knowledge = KnowledgeService(
        index=index, embedder=embedder, keywords=o.get("keywords", make_keywords), counter=counter,
        repo=SqlKnowledgeRepo(sessions), chunk_tokens=settings.models.chunk_tokens, today=clock.today,
    )

    # the LLM, the policy and the audit trail: every use case below may use them
    chat_model = o.get("chat_model", lambda: make_chat_model(settings))
    llm = o.get("llm", lambda: LLMGateway(chat_model, settings.llm, counter=counter, metrics=metrics))
    policy = o.get("policy", lambda: load_checker(settings.content.policy_file))
    prompts = o.get("prompts", lambda: build_prompts(settings))
    audit = o.get("audit", lambda: AuditTrail(SqlAuditStore(sessions, engine), metrics=metrics))
    feedback = o.get("feedback", lambda: FeedbackService(SqlFeedbackStore(sessions), audit))

    # customer history, intents and triage
    interactions = o.get("interactions", lambda: SqlInteractionRepo(sessions))
    intents = o.get("intents", lambda: IntentService(
        trainer=SkIntentTrainer(embedder), path=settings.content.intents_file, threshold_override=settings.models.intent_threshold,
        fallback=llm_fallback(llm) if settings.llm.enabled else None,
    ))
    triage = o.get("triage", lambda: TriageService(intents, SqlTriageStore(sessions, audit=audit), keys.webhook_secret)
                   if intents is not None else None)

    # summaries, suggestions, /v1/assist and continuity
    summaries = o.get("summaries", lambda: build_summaries(
        settings, interactions, counter, llm=llm, chat_model=chat_model, intents=intents, audit=audit, prompts=prompts,
        clock=clock))
    suggester = o.get("suggester", lambda: build_suggester(
        settings, knowledge, llm=llm, policy=policy, prompts=prompts, counter=counter, metrics=metrics,
        sessions=sessions, audit=audit, intents=intents, history=HistoryHook(load_history_templates(settings))))
    classify = intent_classifier(intents)
    assist = o.get("assist", lambda: AssistService(knowledge, suggester, intents=lambda: classify,
                                                   summaries=lambda: summaries) if suggester is not None else None)
    continuity = o.get("continuity", lambda: build_continuity(
        settings, interactions, sessions, clock=clock, audit=audit, intents=intents))
    if continuity is not None and suggester is not None and getattr(continuity, "writeback", None) is None:
        continuity.writeback = ChatwootWriteback(suggester, continuity, o.get("chatwoot_api", ChatwootAPI),
                                                 settings.continuity.secret_key)

    # the agent panel, knowledge gaps, request limits
    panel = o.get("panel", lambda: PanelStore(sessions))
    gaps = o.get("gaps", lambda: GapService(
        sessions=sessions, embedder=embedder, clusterer=o.get("clusterer", AgglomerativeClusterer), knowledge=knowledge,
        trail=lambda: audit, chat=lambda: chat_model, now=clock.now,
    ))
    server = settings.server
    rate_limiter = o.get("rate_limiter", lambda: RateLimiter(server.rate_limit_per_minute) if server.rate_limit_per_minute else None)
    heavy_slots = o.get("heavy_slots", lambda: HeavySlots(server.heavy_per_key, server.heavy_wait_s) if server.heavy_per_key else None)

    step("loading the intent taxonomy and training the classifier")
    await start_intents(intents)
    return Container(
        settings=settings, engine=engine, sessions=sessions, keys=keys, embedder=embedder, counter=counter,
        index=index, knowledge=knowledge, metrics=metrics, clock=clock, chat_model=chat_model, llm=llm,
        policy=policy, prompts=prompts, audit=audit, feedback=feedback, interactions=interactions, intents=intents,
        triage=triage, summaries=summaries, suggester=suggester, assist=assist, continuity=continuity, panel=panel,
        gaps=gaps, rate_limiter=rate_limiter, heavy_slots=heavy_slots, owns_embedder=owns_embedder,
    )
