"""Audit trail under load: N concurrent clients against a real `assist serve` on 127.0.0.1.

Mixed traffic (knowledge search, grounded suggestions, feedback on earlier suggestions), each
request with its own X-Request-Id. Afterwards (the server stopped) the database is read
directly: every acknowledged request (2xx received) must have exactly one audit record, no
request may have two, and `assist audit verify` must pass.

``--kill`` kills the server with SIGKILL part-way through the run: every request acknowledged
before the kill must still have its record, and the chain must verify.

    .venv/bin/python benchmarks/bench_audit_load.py                      # 32 clients, 60 s, SQLite
    .venv/bin/python benchmarks/bench_audit_load.py --kill --duration 30
    .venv/bin/python benchmarks/bench_audit_load.py --database-url postgresql+asyncpg://postgres@127.0.0.1/bench

Bounded: at most ``--duration`` seconds of load and ``--max-requests`` requests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
QUERIES = [
    "I forgot my password", "how do I reset two factor authentication", "where is my refund",
    "I want to return a shirt that does not fit", "change the address on my account",
    "refund to a different card", "my order arrived damaged", "how long does a refund take",
]
MESSAGES = [
    "Hi, I'd like a refund for the shirt I bought last week, it was not what I expected.",
    "I can't log in, I forgot my password. My email is sam@example.com",
    "How do I start a return for jeans that are the wrong size?",
    "When will my refund arrive? I returned the jacket ten days ago.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli.main", *args], env=env, cwd=REPO, capture_output=True, text=True, check=check)


class Load:
    def __init__(self, base: str, key: str, clients: int, duration: float, max_requests: int) -> None:
        self.base, self.key = base, key
        self.clients, self.duration, self.max_requests = clients, duration, max_requests
        self.acked: dict[str, str] = {}  # request id -> endpoint
        self.failed = Counter()
        self.latencies: list[float] = []
        self.sent = 0
        self.suggestion_ids: list[str] = []
        self.stop = asyncio.Event()

    async def one(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        rid = uuid.uuid4().hex
        headers = {"X-Request-Id": rid}
        roll = rng.random()
        if roll < 0.1 and self.suggestion_ids:
            endpoint = "feedback"
            sid = rng.choice(self.suggestion_ids)
            event = rng.choice(["shown", "accepted", "rejected", "edited"])
            body: dict = {"event": event, "rating": rng.randint(1, 5)}
            if event == "rejected":
                body["reason"] = rng.choice(["wrong policy", "too long", "not relevant"])
            if event == "edited":
                body["sent_text"] = "Thanks for reaching out, I have started the refund for you."
            path = f"/v1/suggestions/{sid}/feedback"
        elif roll < 0.55:
            endpoint, path = "knowledge.search", "/v1/knowledge/search"
            body = {"query": rng.choice(QUERIES), "top_k": 5}
        else:
            endpoint, path = "suggestions", "/v1/suggestions"
            body = {"channel": rng.choice(["chat", "email", "sms"]), "messages": [{"role": "customer", "text": rng.choice(MESSAGES)}],
                    "use_llm": False, "n": 1, "conversation_id": f"conv-{rng.randint(1, 500)}"}
        self.sent += 1
        started = time.perf_counter()
        try:
            r = await client.post(path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            self.failed[type(exc).__name__] += 1
            return
        if 200 <= r.status_code < 300:
            self.latencies.append(time.perf_counter() - started)
            self.acked[rid] = endpoint
            if endpoint == "suggestions":
                self.suggestion_ids.extend(s["id"] for s in r.json()["suggestions"])
        else:
            self.failed[f"http {r.status_code}"] += 1

    async def worker(self, client: httpx.AsyncClient, seed: int, deadline: float) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set() and time.monotonic() < deadline and self.sent < self.max_requests:
            await self.one(client, rng)

    async def run(self) -> float:
        deadline = time.monotonic() + self.duration
        limits = httpx.Limits(max_connections=self.clients, max_keepalive_connections=self.clients)
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=self.base, headers={"Authorization": f"Bearer {self.key}"}, timeout=60, limits=limits) as client:
            await asyncio.gather(*(self.worker(client, i, deadline) for i in range(self.clients)))
        return time.monotonic() - started


async def check_database(url: str, acked: dict[str, str]) -> dict:
    from sqlalchemy import func, select

    from service.adapters.sql.engine import make_engine
    from service.adapters.sql.models import AuditRecord

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(
                select(AuditRecord.request_id, func.count()).where(AuditRecord.tenant_id == "bench").group_by(AuditRecord.request_id)
            )).all()
    finally:
        await engine.dispose()
    per_request = {rid: n for rid, n in rows}
    missing = [rid for rid in acked if per_request.get(rid, 0) == 0]
    duplicated = [rid for rid, n in per_request.items() if rid and n > 1]
    unacked_records = sum(1 for rid in per_request if rid not in acked)
    return {"records": sum(per_request.values()), "missing": missing, "duplicated": duplicated, "unacked_records": unacked_records}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (at most)")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--kill", action="store_true", help="SIGKILL the server part-way through")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary data dir")
    parser.add_argument("--knowledge", default=str(REPO / "knowledge"), help="articles to index first")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    port = free_port()
    env = {**os.environ, "ASSIST_DATA_DIR": str(data), "ASSIST_KNOWLEDGE_DIR": args.knowledge, "ASSIST_PORT": str(port),
           "ASSIST_LOG_LEVEL": "warning", "ASSIST_LOG_FORMAT": "json", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    if args.database_url:
        env["ASSIST_DATABASE_URL"] = args.database_url
    db_url = args.database_url or f"sqlite+aiosqlite:///{(data / 'assist.db').resolve()}"
    server = None
    try:
        t0 = time.perf_counter()
        run_cli(env, "knowledge", "ingest", "--json")
        key = run_cli(env, "keys", "create", "--tenant", "bench", "--scopes", "admin").stdout.strip()
        print(f"indexed {args.knowledge} in {time.perf_counter() - t0:.1f}s; serving on 127.0.0.1:{port}")
        log = open(data / "server.log", "w")  # noqa: SIM115
        server = subprocess.Popen([sys.executable, "-m", "service.cli.main", "serve", "--port", str(port)], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"the server exited: see {data / 'server.log'}")
            time.sleep(0.5)
        else:
            raise SystemExit("the server did not become ready in 120 s")

        load = Load(base, key, args.clients, args.duration, args.max_requests)
        kill_at = None

        async def drive() -> float:
            nonlocal kill_at
            task = asyncio.ensure_future(load.run())
            if args.kill:
                kill_at = random.uniform(0.3, 0.7) * args.duration
                await asyncio.sleep(kill_at)
                acked_before = len(load.acked)
                server.send_signal(signal.SIGKILL)
                server.wait()
                print(f"killed the server (SIGKILL) at {kill_at:.1f}s after {acked_before} acknowledged requests")
                load.stop.set()
            return await task

        elapsed = asyncio.run(drive())
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        lat = sorted(load.latencies)
        by_endpoint = Counter(load.acked.values())
        print(f"clients={args.clients} duration={elapsed:.1f}s sent={load.sent} acknowledged={len(load.acked)} "
              f"({len(load.acked) / elapsed:.1f}/s) by endpoint {dict(by_endpoint)} failed={dict(load.failed)}")
        if lat:
            print(f"latency p50={statistics.median(lat) * 1000:.0f}ms p95={lat[int(0.95 * (len(lat) - 1))] * 1000:.0f}ms max={lat[-1] * 1000:.0f}ms")
        result = asyncio.run(check_database(db_url, load.acked))
        print(f"audit records={result['records']} acknowledged without a record={len(result['missing'])} "
              f"requests with more than one record={len(result['duplicated'])} records of unacknowledged requests={result['unacked_records']}")
        verify = run_cli(env, "audit", "verify", check=False)
        print(f"assist audit verify: exit {verify.returncode}: {(verify.stdout + verify.stderr).strip().splitlines()[-1]}")
        ok = not result["missing"] and not result["duplicated"] and verify.returncode == 0
        print("RESULT:", "PASS" if ok else "FAIL", "(kill -9 variant)" if args.kill else "")
        return 0 if ok else 1
    finally:
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
