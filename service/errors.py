"""The small error tree of the service and the one handler that turns errors into problem+json.

Adapters translate vendor errors into these classes; use cases raise them; nothing else maps
errors to HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("service.errors")


class AppError(Exception):
    """Base of every error the service raises on purpose."""

    status = 400
    title = "Bad request"
    type_ = "about:blank"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class InvalidInput(AppError):
    status = 422
    title = "Invalid input"


class NotFound(AppError):
    status = 404
    title = "Not found"


class Conflict(AppError):
    status = 409
    title = "Conflict"


class Unauthorized(AppError):
    status = 401
    title = "Unauthorized"

    def __init__(self, detail: str, **kw: Any):
        super().__init__(detail, **kw)
        self.headers.setdefault("WWW-Authenticate", 'Bearer realm="agent-assist"')


class Forbidden(AppError):
    status = 403
    title = "Forbidden"


class PayloadTooLarge(AppError):
    status = 413
    title = "Payload too large"


class RateLimited(AppError):
    status = 429
    title = "Too many requests"


class Unavailable(AppError):
    """A backend (vector store, database, model) is unreachable; the client may retry."""

    status = 503
    title = "Service unavailable"

    def __init__(self, detail: str, *, retry_after: int = 5, **kw: Any):
        super().__init__(detail, **kw)
        self.headers.setdefault("Retry-After", str(retry_after))


class UpstreamError(AppError):
    """The LLM or another upstream answered with an error or garbage."""

    status = 502
    title = "Upstream error"


Translate = Callable[[Exception], AppError | None]
"""An adapter's translation of its vendor's errors into ours (None: not one of its errors)."""


def problem_handler(*translators: Translate) -> Callable[[Request, Exception], Response]:
    """The app's exception handler: each adapter's ``translate`` (e.g. a dropped database
    connection becomes :class:`Unavailable`) runs first, then :func:`exception_to_problem`."""

    def handle(request: Request, exc: Exception) -> Response:
        for translate in translators:
            ours = translate(exc)
            if ours is not None:
                return exception_to_problem(request, ours)
        return exception_to_problem(request, exc)

    return handle


def exception_to_problem(request: Request, exc: Exception) -> Response:
    """The one exception handler: every error becomes application/problem+json."""
    headers: dict[str, str] = {}
    errors: list[Any] = []
    if isinstance(exc, AppError):
        status, title, detail = exc.status, exc.title, exc.detail
        errors, headers = exc.errors, exc.headers
    elif isinstance(exc, ValidationException):
        status, title = 400, "Invalid request"
        errors = exc.extra if isinstance(exc.extra, list) else ([exc.extra] if exc.extra else [])
        detail = _validation_detail(exc, errors)
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        title = _TITLES.get(status, "Error")
        detail = exc.detail or title
        headers = dict(exc.headers or {})
        if status == 413:
            detail = "Request body is larger than the configured limit (ASSIST_MAX_BODY_BYTES)"
    else:
        status, title = 500, "Internal server error"
        detail = "An unexpected error occurred; it has been logged with the request id."
        log.exception("unhandled_error", error_type=type(exc).__name__)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": _cut(str(detail), MAX_DETAIL_CHARS),
        "instance": _cut(request.url.path, 200),
    }
    # The id the middleware accepted (a client's, when it is short and printable) or made: the
    # same one as the X-Request-Id response header, never a client's rejected value (issue 12).
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    if errors:
        body["errors"] = _bounded_errors(errors)
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=headers or None)


MAX_DETAIL_CHARS = 2000
MAX_ERRORS = 50
"""A problem body stays small whatever the input: details and the ``errors`` list are cut."""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bounded_errors(errors: list[Any]) -> list[Any]:
    out: list[Any] = []
    for err in errors[:MAX_ERRORS]:
        if isinstance(err, dict):
            out.append({k: _cut(v, 500) if isinstance(v, str) else v for k, v in err.items()})
        else:
            out.append(_cut(str(err), 500))
    if len(errors) > MAX_ERRORS:
        out.append({"message": f"{len(errors) - MAX_ERRORS} more errors not shown"})
    return out


def _validation_detail(exc: ValidationException, errors: list[Any]) -> str:
    parts = []
    for err in errors[:5]:
        if isinstance(err, dict):
            key = err.get("key") or err.get("source") or ""
            msg = err.get("message") or ""
            parts.append(f"{key}: {msg}" if key else str(msg))
    if parts:
        return "; ".join(parts)
    return exc.detail or "The request body is not valid"


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}
