"""POST /v1/assist for a customer with 500 stored interactions, no LLM: p50/p95 latency.

The customer's history is built from the continuity dataset's stories (evals/datasets/
continuity.jsonl): consecutive stories re-labelled as one customer until 500 interactions on
five channels; it is stored once, then /v1/assist is called sequentially with ``customer.id``
(and, for comparison, the same request without a customer). The app runs in process (real
ASGI app, SQLite and local Qdrant in a temp dir, httpx's ASGI transport). Bounded; prints
numbers, asserts nothing. The clock is pinned (2026-11-15T12:00Z) like the eval.

    .venv/bin/python benchmarks/bench_continuity.py [--requests 40] [--interactions 500]
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
REQUESTS = ["Where is my refund? Nobody called me back.", "I still need that return label please.",
            "Can you refund the shipping fee or not?", "Has my order shipped yet?"]


def history(n: int) -> list[dict]:
    """``n`` interactions of one customer, oldest first, ending an hour before NOW."""
    rows = [json.loads(line) for line in (REPO / "evals" / "datasets" / "continuity.jsonl").read_text().splitlines()]
    out: list[dict] = []
    k = 0
    while len(out) < n:
        for it in rows[k % len(rows)]["input"]["history"]:
            if len(out) >= n:
                break
            out.append({**it, "id": f"bench-{len(out):04d}", "customer_id": "bench-customer",
                        "thread_id": f"bench-t{k}", "channel": ("chat", "email", "voice", "sms", "social")[k % 5]})
        k += 1
    start = NOW - timedelta(hours=1) - timedelta(minutes=30 * len(out))
    for i, it in enumerate(out):
        it["ts"] = (start + timedelta(minutes=30 * i)).isoformat().replace("+00:00", "Z")
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


async def main(args: argparse.Namespace) -> dict:
    import httpx

    from service.app import create_app
    from service.settings import Settings

    with tempfile.TemporaryDirectory(prefix="assist-bench-") as data:
        settings = Settings.from_env({"ASSIST_DATA_DIR": data, "ASSIST_LOG_LEVEL": "error", "ASSIST_LOG_FORMAT": "json",
                                      "ASSIST_KNOWLEDGE_DIR": str(REPO / "knowledge"), "ASSIST_PROMPTS_DIR": str(REPO / "prompts"),
                                      "ASSIST_POLICY_FILE": str(REPO / "knowledge" / "policy.yaml"),
                                      "ASSIST_INTENTS_FILE": str(REPO / "knowledge" / "intents.yaml"),
                                      "ASSIST_CONTINUITY_FILE": str(REPO / "knowledge" / "continuity.yaml")})
        app = create_app(settings, {"clock": lambda: NOW})
        async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                                      timeout=60) as client:  # type: ignore[attr-defined]
            container = app.state.container
            await container.knowledge.ingest_dir(settings.content.knowledge_dir)
            key, _ = await container.keys.create("bench", "suggestions:read,interactions:write")
            headers = {"Authorization": f"Bearer {key}"}
            items = history(args.interactions)
            for k in range(0, len(items), 500):
                r = await client.post("/v1/interactions", json={"interactions": items[k:k + 500]}, headers=headers)
                r.raise_for_status()
            out: dict = {"interactions": len(items), "requests": args.requests}
            for label, customer in (("with_history", {"id": "bench-customer"}), ("request_only", None)):
                lat: list[float] = []
                server: list[float] = []
                for i in range(args.requests + args.warmup):
                    body = {"channel": "chat", "messages": [{"role": "customer", "text": REQUESTS[i % len(REQUESTS)]}],
                            "use_llm": False, **({"customer": customer} if customer else {})}
                    t0 = time.perf_counter()
                    r = await client.post("/v1/assist", json=body, headers=headers)
                    ms = (time.perf_counter() - t0) * 1000
                    r.raise_for_status()
                    if i >= args.warmup:
                        lat.append(ms)
                        server.append(r.json()["timings"]["summary_ms"])
                used = r.json()["history"]["interactions_used"] if customer else 1
                out[label] = {"p50_ms": round(statistics.median(lat), 1), "p95_ms": round(pct(lat, 0.95), 1),
                              "summary_p50_ms": round(statistics.median(server), 1), "interactions_used": used}
            return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=40)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--interactions", type=int, default=500)
    print(json.dumps(asyncio.run(main(p.parse_args())), indent=2))
