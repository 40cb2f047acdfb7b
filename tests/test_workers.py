"""Several workers on one machine (issue 18): `assist serve --workers 2` on PostgreSQL starts an
index engine that owns the embedded shard, both workers answer from it, an article ingested
through one worker is found through the other, and a stop leaves no engine behind."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from service.adapters.sql.engine import make_engine, migrate, session_factory
from service.adapters.sql.knowledge_repo import SqlKnowledgeRepo
from tests.conftest import REPO
from tests.test_index_congruence import PRIVATE

START_DEADLINE_S = 400  # a deadline to give up at, not a measurement: two workers load a model each on shared cores


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def log_lines(path: Path) -> list[dict]:
    out = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_share_one_index_engine(pg_url, tmp_path):
    data = tmp_path / "var"
    env = {**os.environ, "ASSIST_DATA_DIR": str(data), "ASSIST_DATABASE_URL": pg_url, "ASSIST_LOG_FORMAT": "json",
           "ASSIST_LOG_LEVEL": "info", "ASSIST_LLM_BASE_URL": "", "ASSIST_RATE_LIMIT_PER_MINUTE": "0", "ASSIST_HEAVY_PER_KEY": "0",
           "ASSIST_EMBEDDING_THREADS": "1", "ASSIST_NOW": "2026-11-15T12:00:00Z", "HF_HUB_OFFLINE": "1"}
    env.pop("ASSIST_INDEX_URL", None)
    env.pop("ASSIST_QDRANT_URL", None)
    made = cli(["keys", "create", "--tenant", "acme", "--scopes", "admin"], env)
    assert made.returncode == 0, made.stderr[-2000:]
    headers = {"Authorization": f"Bearer {made.stdout.strip()}"}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    stdout, stderr = tmp_path / "serve.out", tmp_path / "serve.err"
    with stdout.open("w") as out, stderr.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", "2"],
                                env=env, cwd=REPO, stdout=out, stderr=err)
    engine_pid = None
    try:
        deadline = time.monotonic() + START_DEADLINE_S
        while sum(e.get("event") == "ready" for e in log_lines(stdout)) < 2:  # each worker logs `ready` once loaded
            assert proc.poll() is None, stderr.read_text()[-3000:]
            assert time.monotonic() < deadline, (stdout.read_text()[-3000:], stderr.read_text()[-3000:])
            time.sleep(1)
        started = [e for e in log_lines(stderr) if e.get("event") == "index_engine_started"]
        assert len(started) == 1 and started[0]["address"].startswith("unix://")
        engine_pid = started[0]["pid"]
        assert alive(engine_pid)

        r = httpx.post(f"{url}/v1/knowledge/articles", json={"content": PRIVATE}, headers=headers, timeout=120)
        assert r.status_code == 200, r.text

        answered: dict[str, int] = {}  # request id -> pid of the worker that answered
        failures: list[object] = []

        def ask(i: int) -> None:
            # a new connection per request, several at once: both workers accept some of them
            headers_i = {**headers, "X-Request-Id": f"t{i}", "Connection": "close"}
            if i % 2:
                r = httpx.post(f"{url}/v1/knowledge/search", json={"query": "reply RETURN to the order text", "top_k": 3},
                               headers=headers_i, timeout=120)
                ids = [h["article_id"] for h in r.json().get("hits", [])] if r.status_code == 200 else []
            else:
                r = httpx.post(f"{url}/v1/assist", headers=headers_i, timeout=120, json={
                    "channel": "sms", "messages": [{"role": "customer", "text": "Can I start a return by text message? I'm an Acme customer."}]})
                ids = [h["article_id"] for h in r.json().get("knowledge", [])] if r.status_code == 200 else []
            if r.status_code != 200 or "acme-sms-returns" not in ids:
                failures.append((i, r.status_code, ids, r.text[:300]))

        for round_ in range(12):
            threads = [threading.Thread(target=ask, args=(round_ * 8 + k,)) for k in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            time.sleep(0.5)  # the request lines are written after the answers
            answered = {e["request_id"]: e["pid"] for e in log_lines(stdout) if e.get("event") == "request" and "pid" in e
                        and str(e.get("request_id", "")).startswith("t")}
            if len(set(answered.values())) >= 2 and round_ >= 1:
                break
        assert not failures, failures
        assert len(set(answered.values())) == 2, answered  # both workers answered, and every answer saw the article
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(90)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, stderr.read_text()[-3000:]
    assert engine_pid is not None and not alive(engine_pid)  # no orphan engine
    assert not (data / "index.sock").exists()


def test_several_workers_on_sqlite_are_refused_with_the_reason(tmp_path):
    env = {**os.environ, "ASSIST_DATA_DIR": str(tmp_path / "var"), "HF_HUB_OFFLINE": "1"}
    env.pop("ASSIST_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "service", "serve", "--port", str(free_port()), "--workers", "2"], env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "needs PostgreSQL" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.postgres
async def test_ingests_of_one_tenant_take_turns_across_processes(pg_url):
    """Two workers' knowledge stores on one PostgreSQL database: while one ingests a tenant, the
    other's ingest of that tenant waits; another tenant's does not."""
    engines = [make_engine(pg_url), make_engine(pg_url)]
    await migrate(engines[0])
    first, second = (SqlKnowledgeRepo(session_factory(e)) for e in engines)
    order: list[str] = []
    holding, release = asyncio.Event(), asyncio.Event()

    async def long_ingest() -> None:
        order.append("first starts")
        holding.set()
        await release.wait()
        order.append("first ends")

    async def short(name: str) -> None:
        order.append(name)

    try:
        task = asyncio.create_task(first.exclusive("acme", long_ingest))
        await holding.wait()
        other_tenant = asyncio.create_task(second.exclusive("globex", lambda: short("globex runs")))
        same_tenant = asyncio.create_task(second.exclusive("acme", lambda: short("second acme runs")))
        await other_tenant
        await asyncio.sleep(0.2)  # time for the second acme ingest to (wrongly) run, if it could
        assert order == ["first starts", "globex runs"]
        release.set()
        await task
        await same_tenant
        assert order == ["first starts", "globex runs", "first ends", "second acme runs"]
    finally:
        for e in engines:
            await e.dispose()


def test_each_worker_socket_gets_a_share_of_new_connections() -> None:
    """`--workers N`: the parent reserves the address without listening; each worker listens on
    its own SO_REUSEPORT socket there, so the kernel spreads connections over them (a shared
    socket gave one worker all of a burst)."""
    import selectors
    import socket

    from service.startup.workers import listening_twin, reserve

    reserved = reserve("127.0.0.1", 0)
    twins = [listening_twin(reserved), listening_twin(reserved)]
    address = reserved.getsockname()
    clients = [socket.create_connection(address, timeout=5) for _ in range(64)]
    accepted = [0, 0]
    with selectors.DefaultSelector() as selector:
        for i, twin in enumerate(twins):
            twin.setblocking(False)
            selector.register(twin, selectors.EVENT_READ, i)
        while sum(accepted) < len(clients):
            events = selector.select(timeout=5)
            assert events, f"only {sum(accepted)} of {len(clients)} connections reached a worker socket"
            for key, _ in events:
                try:
                    conn, _ = key.fileobj.accept()
                except BlockingIOError:
                    continue
                conn.close()
                accepted[key.data] += 1
    assert all(accepted), accepted  # 64 connections all hashed to one socket: about 1 in 2**63
    for s in clients + twins + [reserved]:
        s.close()
