"""`assist db upgrade`: apply the database migrations."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from service.cli.common import database
from service.settings import Settings


def register_cli(sub: Any) -> None:
    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command")
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> None:
        async with database(settings):
            pass

    asyncio.run(run())
    print("database is at the newest migration")
    return 0
