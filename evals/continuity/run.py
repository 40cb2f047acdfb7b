"""Drives the continuity cases through the real app: each history is stored with POST
/v1/interactions (its handle linked when the case names the customer by handle), then the
current request is answered by POST /v1/assist (grounded engine, no LLM) at the pinned date."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
TENANT = "continuity-eval"


async def answer_cases(client: Any, cases: Sequence[Any]) -> list[tuple[Any, dict[str, Any], float]]:
    """(case, /v1/assist body, latency ms) per case; ``client`` is an HTTP client on the app with
    a key of the scopes interactions:write and suggestions:read."""
    out = []
    for case in cases:
        inp = case.input
        r = await client.post("/v1/interactions", json={"interactions": inp["history"]})
        if r.status_code not in (200, 201):
            raise RuntimeError(f"{case.id}: storing the history failed: {r.status_code} {r.text[:300]}")
        customer: dict[str, Any] = {"first_name": inp.get("first_name")}
        if inp.get("handle"):
            r = await client.post("/v1/identities", json={"customer_id": inp["customer_id"], "handles": [inp["handle"]]})
            if r.status_code != 200:
                raise RuntimeError(f"{case.id}: linking the handle failed: {r.text[:300]}")
            customer["handle"] = inp["handle"]
        else:
            customer["id"] = inp["customer_id"]
        t0 = time.perf_counter()
        r = await client.post("/v1/assist", json={**inp["request"], "customer": customer, "use_llm": False,
                                                  "conversation_id": f"{case.id}-now"})
        latency = (time.perf_counter() - t0) * 1000
        if r.status_code != 200:
            raise RuntimeError(f"{case.id}: /v1/assist failed: {r.status_code} {r.text[:300]}")
        out.append((case, r.json(), latency))
    return out


def build_app(settings: Any, overrides: dict[str, Any]) -> Any:
    from service.app import create_app

    return create_app(settings, {**overrides, "clock": lambda: NOW})


async def with_client(app: Any, knowledge_dir: Path, fn: Any) -> Any:
    """Run ``fn(client)`` against ``app`` with the knowledge ingested and a key for the eval tenant."""
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app) as client:
        container = app.state.container
        await container.knowledge.ingest_dir(knowledge_dir)
        key, _ = await container.keys.create(TENANT, "suggestions:read,interactions:write,interactions:read")
        client.headers["Authorization"] = f"Bearer {key}"
        return await fn(client)
