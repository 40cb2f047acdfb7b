"""SQLAlchemy's errors that mean "the database is busy or unreachable", as ours.

issue 8: a locked SQLite file past busy_timeout, a dropped PostgreSQL connection, an exhausted
pool: the request did not happen; the client may retry (503 with ``Retry-After: 2``). The app's
exception handler asks :func:`database_unavailable` first (``service.errors.problem_handler``).
"""

from __future__ import annotations

import structlog
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from service.errors import AppError, Unavailable

log = structlog.get_logger("service.errors")


def database_unavailable(exc: Exception) -> AppError | None:
    """:class:`Unavailable` for a database that is busy or unreachable, else None."""
    if not (isinstance(exc, (OperationalError, InterfaceError, PoolTimeout))
            or (isinstance(exc, DBAPIError) and bool(exc.connection_invalidated))):
        return None
    log.warning("database_unavailable", error_type=type(exc).__name__, error=str(exc)[:200])
    return Unavailable("the database is busy or unreachable; retry shortly", retry_after=2)
