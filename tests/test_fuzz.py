"""Schema-driven fuzz of the HTTP API: schemathesis generates requests (valid and invalid) for every
operation of /schema/openapi.json and sends them to the ASGI app in-process with an admin key.
Bad input must be a 4xx problem, never a 5xx. Bounded: a few dozen examples per operation."""

from __future__ import annotations

import asyncio
import collections
import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from service.app import create_app
from tests.conftest import KNOWLEDGE, make_settings

MAX_EXAMPLES = int(__import__("os").environ.get("ASSIST_FUZZ_EXAMPLES", "25"))


async def _prepare(settings_: Any, overrides: dict[str, Any]) -> str:
    """Ingest a little knowledge, create the admin key; then close."""
    from service.wiring import build_container

    container = await build_container(settings_, dict(overrides))
    try:
        await container.knowledge.ingest_dir(settings_.content.knowledge_dir)
        key, _ = await container.keys.create("fuzz", "admin")
        return key
    finally:
        await container.close()


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, real_embedder, counter) -> tuple[Any, str]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    knowledge = tmp / "knowledge"
    for part in ("refunds", "account"):
        shutil.copytree(KNOWLEDGE / part, knowledge / part)
    s = make_settings(tmp / "data", content={"knowledge_dir": knowledge}, server={"log_level": "error", "rate_limit_per_minute": 0})
    overrides = {"embedder": real_embedder, "counter": counter}
    key = asyncio.run(_prepare(s, overrides))
    return create_app(s, overrides), key


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_app):
    app, _ = fuzz_app
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app)


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def test_no_generated_request_gets_a_server_error(fuzz_schema, fuzz_app):
    """Every operation, valid and invalid input: no 5xx. A failure names the operation and prints
    a curl line that reproduces it."""
    from hypothesis import given

    _, key = fuzz_app
    headers = {"Authorization": f"Bearer {key}"}
    failures: list[str] = []
    calls: list[tuple[str, int]] = []
    ops = operations(fuzz_schema)
    assert len(ops) >= 20, [op.label for op in ops]
    for op in ops:

        @given(case=op.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            calls.append((op.label, response.status_code))
            case.validate_response(response, checks=[not_a_server_error])

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"FAILED-OP {op.label}: {str(exc)[:1500]}")
    print(f"fuzz: {len(calls)} requests over {len(ops)} operations; statuses {sorted(collections.Counter(s for _, s in calls).items())}")
    assert not failures, "\n\n".join(failures)
