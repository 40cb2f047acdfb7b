"""POST /v1/assist without an LLM: p50/p95 latency at 8 concurrent clients on the sample store.

By default the app runs in process (the real ASGI app, its lifespan, SQLite and local Qdrant in
a temp dir; requests go through httpx's ASGI transport, so HTTP parsing by a server is not
counted). ``--url`` points it at a running service instead (``assist serve``; give ``--key``).
Bounded: a fixed number of requests. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/bench_assist.py [--clients 8] [--requests 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHANNELS = ("chat", "sms", "email", "voice")


def queries() -> list[str]:
    path = REPO / "evals" / "datasets" / "retrieval.jsonl"
    out = [json.loads(line)["input"]["query"] for line in path.read_text().splitlines() if line.strip()]
    return out or ["I forgot my password"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


async def run(client, headers: dict[str, str], clients: int, total: int, warmup: int, summary: bool) -> dict:
    texts = queries()
    latencies: list[float] = []
    server_timings: list[dict] = []
    errors = 0
    counter = iter(range(total + warmup))

    async def worker() -> None:
        nonlocal errors
        for i in counter:
            body = {
                "channel": CHANNELS[i % len(CHANNELS)],
                "messages": [{"role": "customer", "text": texts[i % len(texts)]}],
                "customer": {"first_name": "Dana", "order_id": "4471920"},
                "n": 3,
                "include_summary": summary,
            }
            t0 = time.perf_counter()
            r = await client.post("/v1/assist", json=body, headers=headers)
            elapsed = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                errors += 1
                continue
            if i >= warmup:
                latencies.append(elapsed)
                server_timings.append(r.json()["timings"])

    t0, cpu0 = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"latencies": latencies, "timings": server_timings, "errors": errors, "wall_s": wall, "cpu_s": cpu,
            "requests": total + warmup - errors}


async def in_process(args: argparse.Namespace) -> dict:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)  # the client's line per request is not the service's cost

    from service.app import create_app
    from service.settings import Settings

    data = tempfile.mkdtemp(prefix="bench-assist-")
    settings = Settings.from_env({"ASSIST_DATA_DIR": data, "ASSIST_LOG_LEVEL": "error", "ASSIST_LOG_FORMAT": "json",
                                  "ASSIST_KNOWLEDGE_DIR": str(REPO / "knowledge"), "ASSIST_PROMPTS_DIR": str(REPO / "prompts"),
                                  "ASSIST_POLICY_FILE": str(REPO / "knowledge" / "policy.yaml"),
                                  "ASSIST_INTENTS_FILE": str(REPO / "knowledge" / "intents.yaml"),
                                  "ASSIST_RATE_LIMIT_PER_MINUTE": "0", "ASSIST_HEAVY_PER_KEY": "0",  # one key, every client
                                  **dict(kv.split("=", 1) for kv in args.env)})
    assert not settings.llm.enabled
    app = create_app(settings)
    async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:  # type: ignore[attr-defined]
        container = app.state.container
        await container.knowledge.ingest_dir(settings.content.knowledge_dir)
        key, _ = await container.keys.create("bench", "suggestions:read")
        return await run(client, {"Authorization": f"Bearer {key}"}, args.clients, args.requests, args.warmup, not args.no_summary)


async def remote(args: argparse.Namespace) -> dict:
    import httpx

    async with httpx.AsyncClient(base_url=args.url, timeout=30) as client:
        return await run(client, {"Authorization": f"Bearer {args.key}"}, args.clients, args.requests, args.warmup, not args.no_summary)


def main() -> None:
    parser = argparse.ArgumentParser(description="p50/p95 of POST /v1/assist without an LLM")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=24)
    parser.add_argument("--no-summary", action="store_true", help="include_summary=false")
    parser.add_argument("--env", action="append", default=[], help="a setting for the in-process app, e.g. ASSIST_EMBEDDING_THREADS=1")
    parser.add_argument("--url", help="a running service, e.g. http://127.0.0.1:8000 (default: in process)")
    parser.add_argument("--key", help="API key with suggestions:read (with --url)")
    args = parser.parse_args()
    result = asyncio.run(remote(args) if args.url else in_process(args))
    lat = result["latencies"]
    if not lat:
        print(f"no successful requests ({result['errors']} errors)")
        return
    t = result["timings"]

    def med(key: str) -> float:
        return statistics.median(x.get(key, 0.0) for x in t)

    print(f"POST /v1/assist, no LLM, {'in process' if not args.url else args.url}, {args.clients} concurrent clients, "
          f"{len(lat)} requests (+{args.warmup} warm-up), {os.cpu_count()} cores")
    print(f"  client latency   p50 {pct(lat, 0.5):7.1f} ms   p95 {pct(lat, 0.95):7.1f} ms   max {max(lat):7.1f} ms")
    print(f"  throughput       {len(lat) / result['wall_s']:7.1f} req/s   errors {result['errors']}")
    if not args.url:  # the client's share (httpx) is in it too
        print(f"  CPU per request  {1000 * result['cpu_s'] / max(1, result['requests']):7.1f} ms (process CPU time, both cores, client included)")
    print(f"  server (median)  total {med('total_ms'):.1f} ms = retrieval {med('retrieval_ms'):.1f} | summary {med('summary_ms'):.1f} | "
          f"suggestions {med('suggestions_ms'):.1f}; llm {med('llm_ms'):.1f} ms, non-LLM {med('non_llm_ms'):.1f} ms")


if __name__ == "__main__":
    main()
