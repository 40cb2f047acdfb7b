"""CPU time per POST /v1/assist without an LLM, in process (issue 18).

The real ASGI app with its lifespan (SQLite and local Qdrant in a temp dir), called directly
through ASGI (no HTTP client or server: their cost is not the service's), ``--requests``
requests from ``--clients`` concurrent callers, every text unique like ``bench_load``'s
("<eval query> (ticket n)"). Prints the process CPU time per request (all threads), which the
machine's other load does not change the way it changes wall-clock rates. ``--dump FILE``
writes every response body without its ids and timings (to compare two versions of the code:
the bodies must be equal); ``--profile FILE`` writes a cProfile of the measured requests (of the
event-loop thread; ``--profile-clock cpu`` counts its CPU time rather than wall time, so waits
for the database or another thread do not show as the calls that waited). ``--postgres URL``
runs on PostgreSQL instead of SQLite: a throwaway database is created on that server (the URL's
user must be allowed to) and dropped afterwards; the server's own CPU is not counted.
Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/bench_assist_cpu.py [--requests 300] [--clients 8] [--dump out.json]
        [--postgres postgresql://postgres@127.0.0.1:5432/test] [--profile out.prof --profile-clock cpu]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_assist import CHANNELS, REPO, queries  # noqa: E402  (its environment and sys.path set-up too)


def body_for(texts: list[str], n: int) -> dict[str, Any]:
    return {"channel": CHANNELS[n % len(CHANNELS)], "messages": [{"role": "customer", "text": f"{texts[n % len(texts)]} (ticket {n})"}],
            "customer": {"first_name": "Dana", "order_id": "4471920"}, "n": 3}


async def call(app: Any, path: str, body: dict[str, Any], key: str) -> tuple[int, bytes]:
    """One request through the ASGI interface."""
    payload = json.dumps(body).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"bench"), (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                         (b"authorization", f"Bearer {key}".encode())],
             "client": ("127.0.0.1", 1), "server": ("bench", 80)}
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        await asyncio.Event().wait()  # no disconnect
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) of each of this process's threads, summed by thread name."""
    import threading

    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    names = {t.native_id: t.name for t in threading.enumerate()}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        name = names.get(int(task.name)) or stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        kind = "loop" if task.name == str(os.getpid()) else re.sub(r"[-_ ]?\(?\d+.*$", "", name) or name
        out[kind] = out.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


async def server_cpu(database: dict[str, str]) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the bench's database, when the server runs
    on this machine and its processes can be read (else empty)."""
    url = database.get("ASSIST_DATABASE_URL")
    if not url:
        return {}
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        pids = [r[0] for r in await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    finally:
        await conn.close()
    tick, out = os.sysconf("SC_CLK_TCK"), {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _rounded(value: Any) -> Any:
    """Floats to 6 places: batched embeddings differ in the last bits with the batch's makeup."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def normalised(body: dict[str, Any]) -> dict[str, Any]:
    """A response without what differs between two runs of the same request (ids, times)."""
    body = _rounded(json.loads(re.sub(r'"\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)?"', '"<time>"', json.dumps(body))))
    body.pop("timings", None)
    for s in body.get("suggestions") or []:
        s.pop("id", None)
    for part in ("summary",):
        if isinstance(body.get(part), dict):
            for k in ("id", "latency_ms", "created_at", "generated_at"):
                body[part].pop(k, None)
    if isinstance(body.get("llm"), dict):
        body["llm"].pop("timings", None)
    return body


@contextlib.asynccontextmanager
async def throwaway_database(admin_url: str | None) -> AsyncIterator[dict[str, str]]:
    """``ASSIST_DATABASE_URL`` of a new PostgreSQL database on ``admin_url``'s server, dropped on
    the way out; no setting (SQLite in the data dir) without ``admin_url``."""
    if not admin_url:
        yield {}
        return
    import asyncpg

    admin_url = admin_url.replace("postgresql+asyncpg://", "postgresql://")
    name = f"bench_assist_cpu_{os.getpid()}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin(f'CREATE DATABASE "{name}"')
    try:
        yield {"ASSIST_DATABASE_URL": admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + "/" + name}
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def main_async(args: argparse.Namespace) -> None:
    async with throwaway_database(args.postgres) as database:
        await measure(args, database)


async def measure(args: argparse.Namespace, database: dict[str, str]) -> None:
    from service.app import create_app
    from service.settings import Settings

    data = tempfile.mkdtemp(prefix="bench-assist-cpu-")
    settings = Settings.from_env({"ASSIST_DATA_DIR": data, "ASSIST_LOG_LEVEL": "error", "ASSIST_LOG_FORMAT": "json",
                                  "ASSIST_KNOWLEDGE_DIR": str(REPO / "knowledge"), "ASSIST_PROMPTS_DIR": str(REPO / "prompts"),
                                  "ASSIST_POLICY_FILE": str(REPO / "knowledge" / "policy.yaml"),
                                  "ASSIST_INTENTS_FILE": str(REPO / "knowledge" / "intents.yaml"),
                                  "ASSIST_RATE_LIMIT_PER_MINUTE": "0", "ASSIST_HEAVY_PER_KEY": "0",
                                  "ASSIST_EMBEDDING_THREADS": "1", **database, **dict(kv.split("=", 1) for kv in args.env)})
    assert not settings.llm.enabled
    app = create_app(settings)
    texts = queries()
    async with app.lifespan():  # type: ignore[attr-defined]
        container = app.state.container
        await container.knowledge.ingest_dir(settings.content.knowledge_dir)
        key, _ = await container.keys.create("bench", "suggestions:read")
        # Warm-up: other texts, or (--warm) the same questions on the same channels with other ticket
        # numbers, as a server that has been up a while has seen them (the period of the pairs is
        # len(texts) * 4: that many requests later the same question comes back on the same channel).
        period = len(texts) * len(CHANNELS)
        warm = range(args.requests) if args.warm else range(args.warmup)
        for i in warm:
            await call(app, "/v1/assist", body_for(texts, (period * 5000 if args.warm else 10_000_000) + i), key)
        bodies: dict[int, Any] = {}
        errors = 0
        counter = iter(range(args.requests))

        async def worker() -> None:
            nonlocal errors
            for i in counter:
                status, raw = await call(app, "/v1/assist", body_for(texts, i), key)
                if status != 200:
                    errors += 1
                if args.dump:
                    bodies[i] = {"status": status, "body": normalised(json.loads(raw))}

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile(time.thread_time) if args.profile_clock == "cpu" else cProfile.Profile()
            profiler.enable()
        checks = getattr(container.suggester, "checks", None)
        hits0, misses0 = (checks.hits, checks.misses) if checks is not None else (0, 0)
        backends0 = await server_cpu(database)
        threads0, cpu0, wall0 = thread_cpu(), time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.clients)))
        cpu, wall, threads = time.process_time() - cpu0, time.perf_counter() - wall0, thread_cpu()
        backends = await server_cpu(database)
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
    print(f"POST /v1/assist, no LLM, in process (ASGI, {'PostgreSQL' if database else 'SQLite'}), {args.clients} clients, {args.requests} unique texts "
          f"(+{args.requests if args.warm else args.warmup} warm-up{' on the same questions' if args.warm else ''}): CPU per request {1000 * cpu / args.requests:.2f} ms, errors {errors}"
          f" (wall {1000 * wall / args.requests:.1f} ms/request, not comparable on a shared machine)")
    if backends:
        used = sum(v - backends0.get(pid, 0.0) for pid, v in backends.items())
        print(f"  PostgreSQL backends of the bench's database (not in the figure above): {1000 * used / args.requests:.2f} ms/request")
    if checks is not None:
        print(f"  reply checks cache (measured requests): {checks.hits - hits0} hits, {checks.misses - misses0} misses")
    per_thread = {k: v - threads0.get(k, 0.0) for k, v in threads.items()}
    print("  by thread (ms/request): " + ", ".join(f"{k} {1000 * v / args.requests:.2f}" for k, v in
                                                   sorted(per_thread.items(), key=lambda kv: -kv[1]) if v > 0))
    if args.dump:
        Path(args.dump).write_text(json.dumps([bodies[i] for i in sorted(bodies)], indent=1, sort_keys=True))


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU time per POST /v1/assist without an LLM, in process")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--warm", action="store_true", help="warm up on the same questions and channels (other ticket numbers)")
    parser.add_argument("--env", action="append", default=[], help="a setting for the app, e.g. ASSIST_EMBEDDING_THREADS=2")
    parser.add_argument("--dump", help="write the normalised response bodies to this file")
    parser.add_argument("--profile", help="write a cProfile of the measured requests to this file")
    parser.add_argument("--profile-clock", choices=("wall", "cpu"), default="wall",
                        help="what the profile counts: wall time, or the event-loop thread's CPU time")
    parser.add_argument("--postgres", metavar="ADMIN_URL",
                        help="run on PostgreSQL: a throwaway database on this server, e.g. postgresql://postgres@127.0.0.1:5432/test")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
