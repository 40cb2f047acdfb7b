"""Every `assist` command group but `serve`, in the order `assist --help` lists them.

A new command group: a module in service/cli/ with ``register_cli(sub)`` and a line here."""

from __future__ import annotations

from typing import Any

from service.cli import audit, config, continuity, db, evals, index, intents, keys, knowledge, models, panel, prompts


def register_commands(sub: Any) -> None:
    for group in (knowledge, index, keys, models, db, config, evals, prompts, audit, intents, panel, continuity):
        group.register_cli(sub)
