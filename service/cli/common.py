"""What every `assist` command group shares: the database, a built container, JSON output."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from service.adapters.sql.engine import make_engine, migrate, session_factory
from service.errors import AppError
from service.settings import Settings
from service.wiring import Container, build_container


def require_database(settings: Settings) -> None:
    """Commands that only read (or change something that must already exist) never create a
    database: a missing SQLite file means the data directory is not the one the user meant."""
    path = settings.storage.sqlite_path
    if path is not None and not path.exists():
        raise AppError(
            f"no database at {path} ({settings.storage.describe()}); this command only reads and "
            "creates none: run it where you ran `assist keys create` or `assist serve`, or set ASSIST_DATA_DIR"
        )


@asynccontextmanager
async def database(settings: Settings, create: bool = True) -> AsyncIterator[Any]:
    """Sessions on the migrated database; ``create=False`` refuses to create a missing one."""
    if not create:
        require_database(settings)
    engine = make_engine(settings.storage.effective_database_url)
    try:
        await migrate(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def container(settings: Settings, **overrides: Any) -> AsyncIterator[Container]:
    """The service's components, as `assist serve` builds them (``intents=None``: no classifier
    to train for a command that does not classify)."""
    c = await build_container(settings, overrides)
    try:
        yield c
    finally:
        await c.close()


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))
