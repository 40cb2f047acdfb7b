"""`assist settings`: every setting with its default and what it does."""

from __future__ import annotations

import argparse
from typing import Any

from service.settings import Settings, documented_settings


def register_cli(sub: Any) -> None:
    sub.add_parser("settings", help="list every setting with its default").set_defaults(func=cmd_settings)


def cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    for name, default, doc in documented_settings():
        print(f"{name:30} {default!s:28} {doc}")
    return 0
