"""What a suite gets to run with: settings on embedded defaults, shared models, progress bars,
the LLM (live, recorded or replayed) and the caller's overrides."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.framework.dataset import REPO
from service.clock import PINNED_FOR_EVALS, Clock

LLM_MODES = ("replay", "record", "live", "off")


@dataclass
class RunContext:
    settings: Any = None
    """The caller's settings (LLM endpoint, thresholds); storage is always a throwaway local one."""
    overrides: dict[str, Any] = field(default_factory=dict)
    """Components handed to the systems under test instead of the defaults (``embedder``, ...)."""
    prompt_versions: dict[str, list[str]] = field(default_factory=dict)
    """task -> versions; two versions of one task ask for a side-by-side comparison."""
    llm_mode: str = "replay"
    """replay: recorded answers (no network); record: call the live model and store; live: call
    it without storing; off: no LLM at all."""
    progress: bool = True
    judge: bool = False
    """Also score with the LLM judge (needs a live or recorded LLM)."""
    sample: int = 0
    """Run only the first ``sample`` cases of each split of each dataset (0: all): for the
    failure tests, which run suites twice and only need to see a metric move."""
    now: str = ""
    """The instant the systems under test take as "now" (ISO 8601): ASSIST_NOW when set, else
    the fixed eval date, never the machine's clock, so scores do not depend on the day they run."""
    _embedder: Any = None
    _counter: Any = None
    _chat: dict[str, Any] = field(default_factory=dict)
    _local_llm: Any = None

    def __post_init__(self) -> None:
        if self.llm_mode not in LLM_MODES:
            raise ValueError(f"llm mode must be one of {', '.join(LLM_MODES)}")
        if self.settings is None:
            from service.settings import Settings

            self.settings = Settings.from_env()
        if not self.now:
            self.now = self.settings.server.now or PINNED_FOR_EVALS

    def take(self, cases: list[Any], split_of: Any = lambda c: c.split) -> list[Any]:
        """``cases`` cut to ``sample`` per split when sampling, in their order."""
        if not self.sample:
            return list(cases)
        seen: dict[str, int] = {}
        out = []
        for c in cases:
            split = split_of(c)
            seen[split] = seen.get(split, 0) + 1
            if seen[split] <= self.sample:
                out.append(c)
        return out

    EVAL_ONLY = frozenset({"chat", "summarizer", "suggestion_engine"})
    """Override names the suites read themselves; the rest are the service's (its wiring refuses
    a name it does not know)."""

    def service_overrides(self) -> dict[str, Any]:
        """This run's overrides that the service's ``build_container``/``create_app`` take."""
        return {k: v for k, v in self.overrides.items() if k not in self.EVAL_ONLY}

    def clock(self) -> Any:
        """The pinned clock the systems under test get (``overrides["clock"]`` replaces it)."""
        if "clock" in self.overrides:
            return self.overrides["clock"]
        return Clock.at(self.now)

    # ---- shared components --------------------------------------------------------------

    def embedder(self) -> Any:
        if "embedder" in self.overrides:
            return self.overrides["embedder"]
        if self._embedder is None:
            from service.wiring import make_embedder

            # ASSIST_EMBEDDING_THREADS as for the service (default 1): on a shared 2-core machine
            # more torch threads made CLINC150 slower, not faster.
            self._embedder = make_embedder(self.settings)
        return self._embedder

    def counter(self) -> Any:
        if "counter" in self.overrides:
            return self.overrides["counter"]
        if self._counter is None:
            from service.wiring import make_counter

            self._counter = make_counter(self.settings)
        return self._counter

    def content_path(self, name: str) -> Path:
        """A content setting (knowledge_dir, intents_file, prompts_dir, policy_file), found from
        the repository when it is relative and the working directory is elsewhere."""
        path = Path(getattr(self.settings.content, name))
        if path.is_absolute() or path.exists():
            return path.resolve()
        return (REPO / path).resolve()

    def eval_settings(self, data_dir: Path) -> Any:
        """The caller's settings on a throwaway embedded store (local Qdrant, SQLite)."""
        return self.settings.replace(
            storage={"data_dir": Path(data_dir), "qdrant_url": "", "qdrant_api_key": "", "database_url": ""},
            content={n: self.content_path(n) for n in ("knowledge_dir", "intents_file", "prompts_dir", "policy_file")},
        )

    @asynccontextmanager
    async def container(self, *, ingest: bool = True) -> AsyncIterator[Any]:
        """A service container on a temp dir with the shared embedder, the sample knowledge
        ingested, and this run's overrides."""
        from service.wiring import build_container

        with tempfile.TemporaryDirectory(prefix="assist-eval-") as tmp:
            settings = self.eval_settings(Path(tmp))
            overrides = {"embedder": self.embedder(), "counter": self.counter(), "clock": self.clock(), **self.service_overrides()}
            c = await build_container(settings, overrides)
            try:
                if ingest:
                    report = await c.knowledge.ingest_dir(settings.content.knowledge_dir)
                    if not (report.added or report.unchanged):
                        raise RuntimeError(f"no knowledge ingested from {settings.content.knowledge_dir}")
                yield c
            finally:
                await c.close()

    # ---- LLM ----------------------------------------------------------------------------

    def live_model(self) -> Any:
        """The configured LLM (``ASSIST_LLM_BASE_URL``), else the local SmolLM2 server, started
        for this run and stopped by :meth:`finish_llm`."""
        from service.adapters.openai_chat import OpenAIChatModel

        llm = self.settings.llm
        if llm.base_url:
            return OpenAIChatModel(base_url=llm.base_url, model=llm.model or "default", api_key=llm.api_key,
                                   timeout_s=llm.timeout_s, max_retries=llm.max_retries)
        if self._local_llm is None:
            from evals.framework.local_llm import LocalSmolLM2

            server = LocalSmolLM2()
            server.start()
            self._local_llm = server
        return OpenAIChatModel(base_url=self._local_llm.base_url, model=self._local_llm.model, timeout_s=900.0, max_retries=0)

    def chat_model(self, suite: str) -> Any:
        """The ChatModel a suite hands to its system under test, or None for no LLM.

        ``replay`` (the default) answers from ``evals/recordings/<suite>.jsonl`` when that file
        exists; ``record`` calls the live model and stores the answers; ``live`` calls it;
        ``off`` is no LLM."""
        if "chat" in self.overrides:
            return self.overrides["chat"]
        if suite in self._chat:
            return self._chat[suite]
        from evals.replay import RECORD, REPLAY, ReplayChatModel, recording_path

        model: Any = None
        if self.llm_mode == "replay" and recording_path(suite).is_file():
            model = ReplayChatModel(recording_path(suite), mode=REPLAY)
        elif self.llm_mode == "record":
            live = self.live_model()
            model = ReplayChatModel(recording_path(suite), mode=RECORD, inner=live)
        elif self.llm_mode == "live":
            model = self.live_model()
        self._chat[suite] = model
        return model

    def finish_llm(self, save: bool = True) -> None:
        """Save what was recorded and stop the local LLM server if this run started one."""
        try:
            for model in self._chat.values():
                if save and hasattr(model, "save"):
                    model.save()
        finally:
            if self._local_llm is not None:
                self._local_llm.stop()
                self._local_llm = None

    # ---- progress -----------------------------------------------------------------------

    def bar(self, total: int, desc: str, unit: str = "case") -> Any:
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=not self.progress,
                    leave=False, dynamic_ncols=True, mininterval=0.5)
