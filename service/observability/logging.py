"""structlog set-up, the request-id middleware and the canonical log line.

JSON to stdout in production, pretty on a terminal. Request context (request id, tenant, key
id) is bound in contextvars; each request ends with one ``request`` log line that carries the
fields the handlers added through :func:`annotate` (prompt id@version, model, article ids,
tokens...). Raw customer text is never logged.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:  # annotations only: `assist serve` logs its first line before importing Litestar
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.domain.pii import Redactor

_canonical: ContextVar[dict[str, Any] | None] = ContextVar("canonical_log", default=None)


def configure_logging(level: str = "info", fmt: str = "auto", stream: str = "stdout") -> None:
    """Logs go to ``stream`` ("stdout" or "stderr"): stdout for the service, stderr for CLI
    commands, whose stdout is their output (``assist knowledge ingest --json`` must print JSON
    and nothing else). The stream is looked up when a line is written, not now, so a caller that
    swaps ``sys.stderr`` (a test capturing output, a redirect) never leaves a closed file here.

    One format per stream (``ASSIST_LOG_FORMAT``): the standard library's loggers (Alembic,
    uvicorn, httpx, sentence-transformers...) are routed through the same renderer as ours."""
    renderer = log_renderer(fmt)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.format_exc_info,
        redact_pii,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper(), logging.INFO)),
        logger_factory=_CurrentStreamLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
    _route_stdlib(level, renderer, shared, stream)
    _redact_stdlib_records()


def log_renderer(fmt: str) -> Any:
    """The one renderer of a stream: console on request (or ``auto`` on a terminal), else JSON."""
    if fmt == "console" or (fmt == "auto" and sys.stderr.isatty()):
        return structlog.dev.ConsoleRenderer()
    return structlog.processors.JSONRenderer()


def is_json(fmt: str) -> bool:
    """Whether the log stream is JSON (then nothing else, no progress bar, may write to it)."""
    return isinstance(log_renderer(fmt), structlog.processors.JSONRenderer)


class _CurrentStreamHandler(logging.StreamHandler):
    """A handler writing to ``sys.<name>`` as it is when the record is emitted."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name_of_stream = name

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return getattr(sys, self.name_of_stream)

    @stream.setter
    def stream(self, _value: Any) -> None:  # StreamHandler.__init__ assigns one; ignored
        pass


def _route_stdlib(level: str, renderer: Any, shared: list[Any], stream: str) -> None:
    """One handler on the root logger, rendering records like ours; libraries that installed
    their own handler on their logger (Alembic's ini, transformers) are made to propagate."""
    handler = _CurrentStreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
    ))
    handler._assist = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_assist", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    # Libraries chatty at info (a line per migration step, per HTTP call) speak from warning up,
    # or everything at debug.
    for name in ("alembic", "httpx", "httpcore", "sentence_transformers", "transformers", "huggingface_hub"):
        lib = logging.getLogger(name)
        lib.handlers = [h for h in lib.handlers if not isinstance(h, logging.StreamHandler)]
        lib.propagate = True
        lib.setLevel(logging.DEBUG if root.level <= logging.DEBUG else max(logging.WARNING, root.level))


class _CurrentStreamLoggerFactory:
    def __init__(self, stream: str) -> None:
        if stream not in ("stdout", "stderr"):
            raise ValueError(f"stream must be stdout or stderr, got {stream!r}")
        self.stream = stream

    def __call__(self, *_args: Any) -> structlog.PrintLogger:
        return structlog.PrintLogger(getattr(sys, self.stream))


def _redact_stdlib_records() -> None:
    """Records of the standard library's loggers (uvicorn's access log, httpx, SQLAlchemy and
    aiosqlite at debug level...) are masked too: the message is formatted and redacted when the
    record is created (only records that pass the level check are created)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "_assist_redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string stays as it was
            return record
        record.msg, record.args = Redactor().redact(message), None
        return record

    factory._assist_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def redact_pii(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: every string in the event (nested in dicts, lists and tuples too,
    tracebacks included) goes through the one PII :class:`~service.domain.pii.Redactor`, so no
    e-mail, phone, card, IBAN, national id, secret or address reaches the logs whatever a
    handler passes. One redactor per line: a value keeps one placeholder within the line."""
    redactor = Redactor()

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return redactor.redact(value)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    return {k: clean(v) for k, v in event.items()}


def annotate(**fields: Any) -> None:
    """Add fields to the current request's canonical log line (ids, versions, counts; no text)."""
    current = _canonical.get()
    if current is not None:
        current.update(fields)


def canonical_fields() -> dict[str, Any]:
    return dict(_canonical.get() or {})


class RequestLogMiddleware:
    """Assigns a request id, binds it to the log context, writes one canonical line per request."""

    def __init__(self, app: ASGIApp, metrics: Any | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.log = structlog.get_logger("service.request")
        self.pid = os.getpid()
        """On the request line: which worker answered, with `assist serve --workers N`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        fields: dict[str, Any] = {}
        token = _canonical.set(fields)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status_holder = {"status": 500}
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            route = scope.get("path_template") or _route_template(scope)
            if self.metrics is not None:
                self.metrics.observe_request(scope.get("method", ""), route, status_holder["status"], elapsed_ms / 1000)
            if not scope["path"].startswith(("/healthz", "/metrics")):
                self.log.info(
                    "request",
                    method=scope.get("method"),
                    path=scope["path"],
                    status=status_holder["status"],
                    latency_ms=round(elapsed_ms, 2),
                    pid=self.pid,
                    **fields,
                )
            structlog.contextvars.unbind_contextvars("request_id", "tenant", "key_id")
            _canonical.reset(token)


def _route_template(scope: Scope) -> str:
    handler = scope.get("route_handler")
    paths = getattr(handler, "paths", None)
    if paths:
        return sorted(paths)[0]
    return "unmatched"
