"""Load benchmark over loopback, without an LLM: /v1/assist, /v1/intents/classify and
/v1/knowledge/search at 1, 8 and 32 concurrent clients.

Starts `assist serve` on a free 127.0.0.1 port with a temp data dir (ingests knowledge/ first,
creates an admin key), waits for /readyz, then drives each endpoint for a bounded number of
requests (and at most --seconds per run), each client on its own keep-alive connection: by
default with a small HTTP/1.1 client written here (`--client raw`, well under a millisecond of
CPU per request), or with httpx (`--client httpx`, 2-3 ms per request of the same two cores). Prints throughput, p50/p95/p99 latency,
errors, the server's CPU per request (user + system, all threads, from /proc), the benchmark
client's own CPU per request (it shares the cores), the server's RSS at rest and its peak under
load, and the floor: the cost of one query embedding measured in this process with the same
model and thread count before the server starts, times the cores the lanes can use; `rps/floor`
is the throughput as a share of that floor. Every request text is
unique by default (no cache hits: the worst case); --repeat-texts cycles the eval queries.
Prints numbers; asserts nothing.

`--workers N` runs `assist serve --workers N` on PostgreSQL (a throwaway database made through
--pg-admin, unless --env gives ASSIST_DATABASE_URL), which starts the index engine that owns the
embedded shard; each worker gets ASSIST_EMBEDDING_THREADS=1 unless --env says otherwise. CPU
and RSS are then summed over the whole process tree (workers and engine), the floor counts one
lane per worker, and the CPU each process used over the run is printed at the end (how the
connections were spread over the workers: each worker listens on its own SO_REUSEPORT socket, so
the kernel assigns connections by address). Keep-alive connections stay on the worker that
accepted them: at 1 client one worker does all the work.

    .venv/bin/python benchmarks/bench_load.py [--requests 300] [--seconds 40] [--concurrency 1,8,32] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
CHANNELS = ("chat", "sms", "email", "voice")


def queries() -> list[str]:
    path = REPO / "evals" / "datasets" / "retrieval.jsonl"
    return [json.loads(line)["input"]["query"] for line in path.read_text().splitlines() if line.strip()]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system, every thread) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body_for(endpoint: str, text: str, i: int) -> dict[str, Any]:
    if endpoint == "/v1/assist":
        return {"channel": CHANNELS[i % len(CHANNELS)], "messages": [{"role": "customer", "text": text}],
                "customer": {"first_name": "Dana", "order_id": "4471920"}, "n": 3}
    if endpoint == "/v1/intents/classify":
        return {"text": text}
    return {"query": text, "top_k": 5}


class RawConnection:
    """One keep-alive HTTP/1.1 connection written by hand: the load generator shares the cores
    with the server, and httpx costs it about 2-3 ms of CPU per request (``--client httpx``
    still measures with it). Reads a Content-Length or chunked body; reconnects when the server
    closes the connection."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        host_port = url.split("://", 1)[1]
        self.host, port = host_port.rsplit(":", 1)
        self.port = int(port)
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": host_port, "Content-Type": "application/json", **headers}.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, endpoint: str, body: dict[str, Any]) -> tuple[int, bytes]:
        payload = json.dumps(body).encode()
        request = f"POST {endpoint} HTTP/1.1\r\n{self.head}Content-Length: {len(payload)}\r\n\r\n".encode() + payload
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if fields.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if not size:
                    break
                chunks.append(chunk[:-2])
            data = b"".join(chunks)
        else:
            data = await self.reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def drive(url: str, headers: dict[str, str], endpoint: str, clients: int, total: int, seconds: float,
                texts: list[str], unique: bool, offset: int, client: str = "raw") -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    samples: dict[str, str] = {}
    counter = iter(range(total))
    stop_at = time.perf_counter() + seconds

    async def worker(post: Any) -> None:
        for i in counter:
            if time.perf_counter() > stop_at:
                return
            n = offset + i
            text = texts[n % len(texts)] + (f" (ticket {n})" if unique else "")
            t0 = time.perf_counter()
            try:
                code, data = await asyncio.wait_for(post(endpoint, body_for(endpoint, text, n)), 60)
                status = str(code)
                if status != "200":
                    samples.setdefault(status, data[:300].decode(errors="replace"))
            except (httpx.HTTPError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                status = type(exc).__name__
                samples.setdefault(status, str(exc)[:300])
            latencies.append((time.perf_counter() - t0) * 1000)
            if status != "200":
                errors[status] = errors.get(status, 0) + 1

    started = time.perf_counter()
    if client == "raw":
        connections = [RawConnection(url, headers) for _ in range(clients)]

        def raw_post(conn: RawConnection) -> Any:
            async def post(path: str, body: dict[str, Any]) -> tuple[int, bytes]:
                try:
                    return await conn.post(path, body)
                except BaseException:
                    await conn.close()  # a half-read response must not be read as the next one's
                    raise
            return post

        try:
            await asyncio.gather(*(worker(raw_post(conn)) for conn in connections))
        finally:
            for conn in connections:
                await conn.close()
    else:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:

            async def httpx_post(path: str, body: dict[str, Any]) -> tuple[int, bytes]:
                r = await http.post(path, json=body, headers=headers)
                return r.status_code, r.content

            await asyncio.gather(*(worker(httpx_post) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies), "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50": pct(latencies, 0.5), "p95": pct(latencies, 0.95), "p99": pct(latencies, 0.99),
        "errors": sum(errors.values()), "error_kinds": errors, "error_samples": samples,
    }


def embedding_floor(texts: list[str], threads: int) -> dict[str, float]:
    from service.adapters.embedder import make_embedder

    emb = make_embedder(threads=threads, backend=os.environ.get("ASSIST_EMBEDDING_BACKEND", "auto"))
    for t in texts[:5]:
        emb.embed([t + " warm"])
    single = []
    for i, t in enumerate(texts[:60]):
        t0 = time.perf_counter()
        emb.embed([f"{t} (floor {i})"])
        single.append((time.perf_counter() - t0) * 1000)
    batch = [f"{t} (batch {i})" for i, t in enumerate(texts[:32])]
    t0 = time.perf_counter()
    emb.embed(batch)
    per_text_batched = (time.perf_counter() - t0) * 1000 / len(batch)
    return {"single_p50_ms": statistics.median(single), "single_rps": 1000 / statistics.median(single),
            "batched32_ms_per_text": per_text_batched, "backend": emb.backend}


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (`--workers N`: the workers and the index engine)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def tree_cpu_s(pid: int) -> float:
    total = 0.0
    for p in tree(pid):
        try:
            total += cpu_s(p)
        except OSError:
            pass
    return total


def tree_rss_mb(pid: int) -> float:
    return sum(rss_mb(p) for p in tree(pid))


def run_server(env: dict[str, str], port: int, workers: int = 1) -> subprocess.Popen:
    command = [PY, "-m", "service", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180 * workers
    ready_in_a_row = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"assist serve exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            # several workers: each connection may reach another one, so ask until many in a row are ready
            ok = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2, headers={"Connection": "close"}).status_code == 200
            ready_in_a_row = ready_in_a_row + 1 if ok else 0
            if ready_in_a_row >= (1 if workers == 1 else 10 * workers):
                return proc
        except httpx.HTTPError:
            ready_in_a_row = 0
        time.sleep(0.3 if not ready_in_a_row else 0.05)
    proc.kill()
    raise SystemExit(f"assist serve did not become ready in {180 * workers} s")


@contextlib.contextmanager
def throwaway_database(admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for the run (`--workers N` needs PostgreSQL), dropped after."""
    import asyncpg

    name = f"bench_load_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{admin_url.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+asyncpg://')}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=300, help="requests per endpoint and concurrency (bounded)")
    ap.add_argument("--seconds", type=float, default=40.0, help="time cap per endpoint and concurrency")
    ap.add_argument("--concurrency", default="1,8,32")
    ap.add_argument("--endpoints", default="/v1/assist,/v1/intents/classify,/v1/knowledge/search")
    ap.add_argument("--repeat-texts", action="store_true", help="cycle the eval queries (cache hits) instead of unique texts")
    ap.add_argument("--env", action="append", default=[], help="extra NAME=VALUE for the server (e.g. ASSIST_EMBEDDING_BATCH_MS=0)")
    ap.add_argument("--workers", type=int, default=1, help="`assist serve --workers N`: on PostgreSQL, with the index engine "
                    "it starts (or ASSIST_QDRANT_URL / ASSIST_INDEX_URL given with --env); each worker gets "
                    "ASSIST_EMBEDDING_THREADS=1 unless --env sets it")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw",
                    help="the load generator: raw (keep-alive HTTP/1.1 written by hand, light on the shared cores) or httpx")
    ap.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/test",
                    help="with --workers > 1 and no ASSIST_DATABASE_URL in --env: where a throwaway database is made")
    args = ap.parse_args()
    extra_env = dict(kv.split("=", 1) for kv in args.env)
    if args.workers > 1:
        extra_env.setdefault("ASSIST_EMBEDDING_THREADS", "1")
        args.env = [f"{k}={v}" for k, v in extra_env.items()]
    with contextlib.ExitStack() as stack:
        if args.workers > 1 and "ASSIST_DATABASE_URL" not in extra_env:
            args.env.append(f"ASSIST_DATABASE_URL={stack.enter_context(throwaway_database(args.pg_admin))}")
        run(args)


def run(args: argparse.Namespace) -> None:
    levels = [int(c) for c in args.concurrency.split(",")]
    endpoints = args.endpoints.split(",")
    texts = queries()
    # The floor first, in this process, before the server starts (the same model and lanes).
    threads = int(dict(kv.split("=", 1) for kv in args.env).get("ASSIST_EMBEDDING_THREADS", os.environ.get("ASSIST_EMBEDDING_THREADS", "2")))
    floor = embedding_floor(texts, threads)
    lanes = min(threads * args.workers, os.cpu_count() or 1)
    floor_rps = floor["single_rps"] * lanes

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        env = {**os.environ, "ASSIST_DATA_DIR": tmp, "ASSIST_LOG_LEVEL": "warning", "ASSIST_LOG_FORMAT": "json",
               "ASSIST_LLM_BASE_URL": "", "HF_HUB_OFFLINE": "1",
               # one key plays every client: the per-key limits (issue 12) would measure themselves
               "ASSIST_RATE_LIMIT_PER_MINUTE": "0", "ASSIST_HEAVY_PER_KEY": "0"}
        env.update(dict(kv.split("=", 1) for kv in args.env))
        subprocess.run([PY, "-m", "service", "knowledge", "ingest", "--json"], env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        key = subprocess.run([PY, "-m", "service", "keys", "create", "--tenant", "bench", "--scopes", "admin"], env=env, cwd=REPO,
                             check=True, capture_output=True, text=True).stdout.strip()
        headers = {"Authorization": f"Bearer {key}"}
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = run_server(env, port, args.workers)
        try:
            rest = tree_rss_mb(proc.pid)
            peak = [rest]
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.is_set():
                    peak[0] = max(peak[0], tree_rss_mb(proc.pid))
                    time.sleep(0.2)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            extra = " ".join(args.env) or "defaults"
            print(f"# bench_load: assist serve on {url} ({args.workers} worker{'s' if args.workers > 1 else ''}, no LLM, {extra}); {os.cpu_count()} cores; "
                  f"{'repeated' if args.repeat_texts else 'unique'} texts; {args.client} client; <= {args.requests} requests or {args.seconds:.0f} s per run")
            print(f"floor: one query embedding {floor['single_p50_ms']:.1f} ms p50 ({floor['backend']}, threads={threads}) = "
                  f"{floor_rps:.0f} embeddings/s on {lanes} cores; batched by 32: "
                  f"{floor['batched32_ms_per_text']:.1f} ms per text")
            print(f"{'endpoint':24} {'conc':>4} {'reqs':>5} {'rps':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} "
                  f"{'srv cpu ms/req':>14} {'bench cpu ms/req':>16} {'rps/floor':>9}")
            offset = 0
            cpu_start = {p: cpu_s(p) for p in tree(proc.pid)}
            for endpoint in endpoints:
                probe = httpx.post(url + endpoint, json=body_for(endpoint, "warm up please", 0), headers=headers, timeout=60)
                if probe.status_code == 404:
                    print(f"{endpoint:24} not available on this build (404)")
                    continue
                asyncio.run(drive(url, headers, endpoint, 4, 20, 20, texts, True, 10_000_000, args.client))  # warm-up, not reported
                for c in levels:
                    srv0, own0 = tree_cpu_s(proc.pid), time.process_time()
                    r = asyncio.run(drive(url, headers, endpoint, c, args.requests, args.seconds, texts, not args.repeat_texts, offset, args.client))
                    srv = 1000 * (tree_cpu_s(proc.pid) - srv0) / max(1, r["requests"])
                    own = 1000 * (time.process_time() - own0) / max(1, r["requests"])
                    offset += args.requests
                    kinds = f" {r['error_kinds']}" if r["errors"] else ""
                    print(f"{endpoint:24} {c:>4} {r['requests']:>5} {r['rps']:>7.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} {r['errors']:>6} "
                          f"{srv:>14.1f} {own:>16.1f} {r['rps'] / floor_rps:>9.2f}{kinds}", flush=True)
                    for status, body in r["error_samples"].items():
                        print(f"  first {status}: {body}", flush=True)
            sampling.set()
            sampler.join()
            if args.workers > 1:
                for p in tree(proc.pid):
                    try:
                        cmd = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")
                        joined = b" ".join(cmd)
                        kind = ("supervisor" if p == proc.pid else "index engine" if b"index" in cmd
                                else "multiprocessing helper" if b"resource_tracker" in joined else "worker")
                        print(f"cpu: pid {p} ({kind}) {cpu_s(p) - cpu_start.get(p, 0.0):.1f} s over the load runs")
                    except OSError:
                        pass
            print(f"memory: RSS at rest {rest:.0f} MB, peak under load {peak[0]:.0f} MB, after {tree_rss_mb(proc.pid):.0f} MB"
                  + (" (every process of the server: workers and index engine)" if args.workers > 1 else ""))
        finally:
            proc.send_signal(signal.SIGINT)  # --workers: the workers stop, then the index engine
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
