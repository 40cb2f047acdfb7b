"""Faults and their defined behaviour: each test fails if the behaviour regresses.

Covered elsewhere (not repeated here):
- LLM timeout and LLM unreachable → grounded replies with ``skipped_reason`` timeout/unavailable:
  tests/test_suggestions_api.py::test_llm_down_or_slow_still_gives_grounded_replies_and_says_why;
  a reply failing the checks twice → grounded (``failed_checks``):
  ...::test_an_llm_reply_that_fails_twice_is_replaced_by_grounded_replies;
- the gateway's 5xx retries, timeout, malformed bodies and circuit breaker: tests/test_llm_gateway.py.
Here the LLM faults go through the real OpenAI adapter over HTTP (respx) and the whole app.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.adapters.sql.engine import make_engine
from service.errors import Unavailable
from tests.conftest import KNOWLEDGE, REPO, make_settings, new_key, running

REFUND = [{"role": "customer", "text": "Hi, I'd like a refund for the shirt I bought last week, it was not what I expected."}]
LLM_URL = "http://llm.fault.invalid/v1"


@pytest.fixture
def small_knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    import shutil

    for part in ("refunds", "account"):
        shutil.copytree(KNOWLEDGE / part, target / part)
    return target


# -- the LLM answers 500s or garbage, through the real adapter -------------------------------


@pytest.mark.parametrize(
    ("response", "reasons"),
    [
        (httpx.Response(500, json={"error": {"message": "boom"}}), {"unavailable", "upstream_error"}),
        (httpx.Response(200, text="<html>not json at all</html>"), {"upstream_error", "failed_checks"}),
        (httpx.Response(200, json={"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "}}} garbage {{{"}}]}), {"failed_checks"}),
    ],
    ids=["http-500", "non-json-body", "garbage-completion"],
)
async def test_llm_500s_or_garbage_degrade_to_grounded_replies_with_the_reason(app_factory, tmp_path, small_knowledge, respx_mock, response, reasons):
    respx_mock.post(f"{LLM_URL}/chat/completions").mock(return_value=response)
    settings = make_settings(tmp_path / "data", content={"knowledge_dir": small_knowledge},
                             llm={"base_url": LLM_URL, "model": "m", "max_retries": 0, "suggest_deadline_s": 5.0})
    async with running(app_factory(settings)) as client:
        await client.app.state.container.knowledge.ingest_dir(small_knowledge)
        headers = await new_key(client, "acme", "suggestions:read")
        for path in ("/v1/suggestions", "/v1/assist"):
            r = await client.post(path, json={"channel": "chat", "messages": REFUND}, headers=headers)
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["llm"]["used"] is False and body["llm"]["skipped_reason"] in reasons, body["llm"]
            assert body["suggestions"] and {s["engine"] for s in body["suggestions"]} <= {"grounded", "policy"}
        metrics = (await client.get("/metrics")).text
        assert "assist_fallbacks_total" in metrics and "assist_llm_calls_total" in metrics
    assert respx_mock.calls, "the LLM endpoint was called"


# -- the vector store is unreachable ------------------------------------------------------------


class FlakyIndex:
    """The real index, until ``down`` is set: then every call fails as the adapter reports it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.down = False
        self.local = getattr(inner, "local", False)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr) or name in {"close"}:
            return attr

        def call(*a: Any, **kw: Any) -> Any:
            if self.down:
                raise Unavailable("vector store error: ConnectError: [Errno 111] Connection refused")
            return attr(*a, **kw)

        return call

    def ping(self) -> bool:
        return not self.down and self.inner.ping()


async def test_qdrant_unreachable_is_a_503_with_retry_after_and_readiness_says_so(tmp_path, small_knowledge, app_factory):
    from service.wiring import make_index

    settings = make_settings(tmp_path / "data", content={"knowledge_dir": small_knowledge})
    index = FlakyIndex(make_index(settings, 384))
    async with running(app_factory(settings, index=index)) as client:
        await client.app.state.container.knowledge.ingest_dir(small_knowledge)
        headers = await new_key(client, "acme", "knowledge:read,suggestions:read")
        assert (await client.post("/v1/knowledge/search", json={"query": "refund"}, headers=headers)).status_code == 200
        assert (await client.get("/readyz")).status_code == 200
        index.down = True
        for path, body in (("/v1/knowledge/search", {"query": "refund"}), ("/v1/assist", {"channel": "chat", "messages": REFUND}),
                           ("/v1/suggestions", {"channel": "chat", "messages": REFUND})):
            r = await client.post(path, json=body, headers=headers)
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert r.headers["content-type"].startswith("application/problem+json") and int(r.headers["retry-after"]) > 0
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["index"] is False and "retry-after" in ready.headers
        assert (await client.get("/metrics")).status_code == 200  # metrics survive a down index
        index.down = False
        assert (await client.post("/v1/knowledge/search", json={"query": "refund"}, headers=headers)).status_code == 200
        assert (await client.get("/readyz")).status_code == 200


def test_a_qdrant_url_nobody_listens_on_fails_the_start_with_a_clear_message(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    env = {**os.environ, "ASSIST_DATA_DIR": str(tmp_path / "data"), "ASSIST_QDRANT_URL": f"http://127.0.0.1:{port}", "HF_HUB_OFFLINE": "1"}
    # search only reads and never creates a database (issue 20): make one first
    subprocess.run([sys.executable, "-m", "service", "db", "upgrade"], env=env, cwd=REPO, check=True, capture_output=True, timeout=120)
    proc = subprocess.run([sys.executable, "-m", "service", "knowledge", "search", "refund"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "vector store" in proc.stderr.lower(), proc.stderr


# -- the database is locked or restarted --------------------------------------------------------


def hold_sqlite_write_lock(path: Path, seconds: float, started: threading.Event) -> None:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    started.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


INTERACTION = {"id": "i-1", "customer_id": "c-1", "channel": "chat", "author_role": "customer", "ts": "2025-06-01T10:00:00Z", "text": "hello"}


async def test_a_briefly_locked_sqlite_database_makes_writes_wait_not_fail(client):
    headers = await new_key(client, "acme", "interactions:write,interactions:read")
    db = client.app.state.container.settings.storage.data_dir / "assist.db"
    started = threading.Event()
    holder = threading.Thread(target=hold_sqlite_write_lock, args=(db, 1.5, started))
    holder.start()
    started.wait(10)
    t0 = time.perf_counter()
    r = await client.post("/v1/interactions", json=INTERACTION, headers=headers)
    waited = time.perf_counter() - t0
    holder.join()
    assert r.status_code == 201, r.text
    assert waited >= 1.0, "the write waited for the lock (busy_timeout) instead of failing"
    assert len((await client.get("/v1/customers/c-1/interactions", headers=headers)).json()["interactions"]) == 1


async def test_a_sqlite_database_locked_past_the_busy_timeout_is_a_503_with_retry_after(tmp_path, app_factory):
    from sqlalchemy import event

    settings = make_settings(tmp_path / "data")
    engine = make_engine(settings.storage.effective_database_url)

    @event.listens_for(engine.sync_engine, "connect")
    def short_timeout(dbapi_conn: Any, _record: Any) -> None:  # after make_engine's 30 s pragma
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=200")
        cur.close()

    async with running(app_factory(settings, engine=engine)) as client:
        headers = await new_key(client, "acme", "interactions:write,interactions:read")
        started = threading.Event()
        holder = threading.Thread(target=hold_sqlite_write_lock, args=(settings.storage.data_dir / "assist.db", 2.0, started))
        holder.start()
        started.wait(10)
        r = await client.post("/v1/interactions", json=INTERACTION, headers=headers)
        holder.join()
        assert r.status_code == 503, r.text
        assert r.headers["content-type"].startswith("application/problem+json") and r.headers["retry-after"] == "2"
        r = await client.post("/v1/interactions", json=INTERACTION, headers=headers)
        assert r.status_code == 201, "nothing was half-written: the retry inserts once"
        assert len((await client.get("/v1/customers/c-1/interactions", headers=headers)).json()["interactions"]) == 1


@pytest.mark.postgres
async def test_postgres_connections_killed_mid_traffic_never_give_500_and_the_next_request_works(pg_url, tmp_path, app_factory):
    import asyncpg

    from tests.conftest import PG_ADMIN_URL

    settings = make_settings(tmp_path / "data", storage={"database_url": pg_url})
    dbname = pg_url.rsplit("/", 1)[1]
    async with running(app_factory(settings)) as client:
        headers = await new_key(client, "acme", "interactions:write,interactions:read")

        async def kill_backends() -> int:
            conn = await asyncpg.connect(PG_ADMIN_URL)
            try:
                return len(await conn.fetch(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", dbname))
            finally:
                await conn.close()

        assert (await client.post("/v1/interactions", json=INTERACTION, headers=headers)).status_code == 201
        assert await kill_backends() >= 1  # the pooled connections are now dead
        r = await client.get("/v1/customers/c-1/interactions", headers=headers)
        assert r.status_code == 200, "the pool replaced the dead connection"

        statuses: list[int] = []

        async def traffic(worker: int) -> None:
            for i in range(15):
                item = {**INTERACTION, "id": f"w{worker}-{i}"}
                statuses.append((await client.post("/v1/interactions", json=item, headers=headers)).status_code)

        async def killer() -> None:
            for _ in range(6):
                await asyncio.sleep(0.05)
                await kill_backends()

        await asyncio.gather(*(traffic(w) for w in range(4)), killer())
        assert 500 not in statuses and set(statuses) <= {201, 503}, statuses
        r = await client.get("/v1/customers/c-1/interactions", headers=headers, params={"limit": 2000})
        assert r.status_code == 200
        stored = {i["id"] for i in r.json()["interactions"]}
        assert sum(s == 201 for s in statuses) == len(stored) - 1, "every 201 was stored once; a 503 stored nothing"
        assert (await client.get("/readyz")).status_code == 200


def kill_backends_behind_the_loop(dbname: str) -> int:
    """Terminate every server connection to ``dbname`` from another thread while this thread's
    event loop is held, and return once they are gone: the app's driver has not read their EOF
    yet, so its pool still hands them out as if alive (the worst moment for a request)."""
    import asyncpg

    from tests.conftest import PG_ADMIN_URL

    killed: list[int] = []

    async def kill() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            pids = [r[0] for r in await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", dbname)]
            await conn.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", pids)
            while await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])", pids):
                await asyncio.sleep(0.01)
            killed.extend(pids)
        finally:
            await conn.close()

    thread = threading.Thread(target=lambda: asyncio.run(kill()))
    thread.start()
    thread.join()
    return len(killed)


@pytest.mark.postgres
async def test_postgres_connections_the_server_just_closed_cost_no_request_and_lose_no_record(pg_url, tmp_path, app_factory):
    """No ``pool_pre_ping`` round trips (issue 18): the API key read of every request and the
    audit group commit find a dead pooled connection out and go again on a new one."""
    settings = make_settings(tmp_path / "data", storage={"database_url": pg_url})
    dbname = pg_url.rsplit("/", 1)[1]
    async with running(app_factory(settings)) as client:
        container = client.app.state.container
        key, _ = await container.keys.create("acme", "suggestions:read")
        assert await container.keys.authenticate(key) is not None
        assert kill_backends_behind_the_loop(dbname) >= 1
        assert await container.keys.authenticate(key) is not None, "the key read went again on a new connection"

        await container.audit.record({"endpoint": "test", "tenant_id": "acme", "request_id": "before"})
        assert kill_backends_behind_the_loop(dbname) >= 1
        await container.audit.record({"endpoint": "test", "tenant_id": "acme", "request_id": "after"})

        body = {"channel": "email", "messages": REFUND, "customer": {"first_name": "Dana"}}
        for _ in range(3):
            assert kill_backends_behind_the_loop(dbname) >= 1
            r = await client.post("/v1/assist", json=body, headers={"Authorization": f"Bearer {key}"})
            assert r.status_code == 200, r.text
        report = await container.audit.verify()
        assert report.ok and report.records == 5, report.as_dict()


# -- the process is killed during ingest --------------------------------------------------------


def _documents(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM knowledge_documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
async def test_sigkill_during_ingest_then_a_rerun_leaves_no_orphan_or_duplicate_chunks(tmp_path, knowledge_copy, app_factory):
    data = tmp_path / "data"
    env = {**os.environ, "ASSIST_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1", "ASSIST_LOG_LEVEL": "warning"}
    cmd = [sys.executable, "-m", "service", "knowledge", "ingest", str(knowledge_copy), "--json"]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while _documents(data / "assist.db") < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; the test needs more articles"
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    partial = _documents(data / "assist.db")
    assert 5 <= partial < 60, partial

    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    again = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert '"chunks_written": 0' in again.stdout, "the third run found nothing left to do"

    async with running(app_factory(make_settings(data))) as client:
        container = client.app.state.container
        docs = await container.knowledge.documents("_shared")
        in_db = [c for d in docs for c in d.chunk_ids]
        in_index = await container.knowledge._run(container.index.chunk_ids, "_shared")
        assert len(in_db) == len(set(in_db)), "no chunk is listed twice"
        assert set(in_index) == set(in_db), (len(set(in_index) - set(in_db)), len(set(in_db) - set(in_index)))
        assert container.index.count() == len(in_db)
        by_article = {d.article_id: len(d.chunk_ids) for d in docs if d.status == "approved"}
        assert all(by_article.values()) and len(by_article) >= 60
