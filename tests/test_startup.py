"""A listen-first start: /healthz answers at once, /readyz and /v1 answer 503 with the phase and
Retry-After until the model, index and taxonomy are loaded, and a failed start says why.

No clock is involved: the start is held at a known phase by an index whose ``ensure_collection``
waits for the test, and the order of the phases is read from ``Startup.events``."""

from __future__ import annotations

import asyncio
import gc
import threading
from typing import Any

from service.app import create_app
from service.wiring import make_index
from service.startup import Startup
from tests.conftest import make_settings, running


class GatedIndex:
    """The real index, whose ``ensure_collection`` (run in a worker thread at start-up) waits
    until the test opens the gate, or fails when told to."""

    def __init__(self, inner: Any, fail: str | None = None) -> None:
        self.inner = inner
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.fail = fail

    def ensure_collection(self) -> None:
        self.entered.set()
        if not self.gate.wait(timeout=300):
            raise RuntimeError("the test never opened the gate")
        if self.fail:
            raise RuntimeError(self.fail)
        self.inner.ensure_collection()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def until(predicate: Any, what: str) -> None:
    """Yield to the app until ``predicate()`` holds (bounded by a number of turns, not a time)."""
    for _ in range(20_000):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


def build(tmp_path: Any, embedder: Any, counter: Any, fail: str | None = None) -> tuple[Any, Startup, GatedIndex]:
    settings = make_settings(tmp_path / "data")
    index = GatedIndex(make_index(settings, embedder.dimension), fail=fail)
    startup = Startup()
    app = create_app(settings, {"embedder": embedder, "counter": counter, "index": index}, startup=startup)
    return app, startup, index


async def test_readyz_says_what_is_loading_until_ready_while_healthz_answers(tmp_path, embedder, counter):
    app, startup, index = build(tmp_path, embedder, counter)
    async with running(app) as client:
        # The lifespan returned at once; nothing loads before the port is open.
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.headers["retry-after"] == "2"
        assert ready.json() == {"status": "starting", "reason": "starting: waiting for the port to open", "checks": {}}
        assert (await client.get("/healthz")).json() == {"status": "ok"}

        startup.mark_listening("http://127.0.0.1:1")
        await until(index.entered.is_set, "the start reached the index")
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["reason"] == "starting: opening the knowledge index"
        search = await client.post("/v1/knowledge/search", json={"query": "refund"})
        assert search.status_code == 503 and search.headers["retry-after"] == "2"
        assert search.headers["content-type"].startswith("application/problem+json")
        assert search.json()["detail"] == "starting: opening the knowledge index"
        assert (await client.get("/metrics")).status_code == 503
        assert (await client.get("/healthz")).status_code == 200

        gc.unfreeze()
        index.gate.set()
        await until(lambda: startup.ready, "the start finished")
        # What start-up loaded is out of the collector's generations: a full collection under load
        # does not walk it.
        try:
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"model": True, "index": True, "taxonomy": True, "database": True}
        assert startup.events == [
            "listening on http://127.0.0.1:1",
            "migrating the database",
            "loading the embedding model",
            "opening the knowledge index",
            "loading the intent taxonomy and training the classifier",
            "ready",
        ]
        assert startup.loaded["taxonomy"] and startup.loaded["model"] == embedder.model_name
        assert (await client.get("/metrics")).status_code == 200


async def test_a_failed_start_is_a_503_with_the_reason_and_stops_the_server(tmp_path, embedder, counter):
    app, startup, index = build(tmp_path, embedder, counter, fail="storage folder is locked by another process")
    stopped: list[bool] = []
    startup.on_failure = lambda: stopped.append(True)
    async with running(app) as client:
        startup.mark_listening("http://127.0.0.1:1")
        index.gate.set()
        await until(lambda: startup.error is not None, "the start failed")
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.headers["retry-after"] == "2"
        assert ready.json()["status"] == "failed"
        assert ready.json()["reason"] == "start-up failed: storage folder is locked by another process"
        search = await client.post("/v1/knowledge/search", json={"query": "refund"})
        assert search.status_code == 503 and "storage folder is locked" in search.json()["detail"]
    assert stopped == [True] and startup.events[-1] == "failed" and not startup.ready


async def test_readyz_names_a_refused_taxonomy(tmp_path, app_factory):
    bad = tmp_path / "intents.yaml"
    bad.write_text("intents: []\n")
    settings = make_settings(tmp_path / "data", content={"intents_file": bad})
    async with running(app_factory(settings)) as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["taxonomy"] is False
    assert ready.json()["reason"].startswith("not ready: taxonomy (") and "intents.yaml" in ready.json()["reason"]
