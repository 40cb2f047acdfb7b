"""Latency of a summary of a long history (500 interactions) without an LLM.

The history is built from the eval histories (evals/datasets/summaries.jsonl), replayed one
after another for one customer with shifted timestamps, so the text looks like real traffic
(chats, e-mails, calls, events, promises, complaints). Prints p50 / p95 / max in milliseconds.

Run: ``.venv/bin/python -m benchmarks.bench_summaries [--interactions 500] [--runs 50]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import timedelta
from pathlib import Path

from service.domain.interactions import Interaction, parse_history
from service.summaries.extractive import ExtractiveSummarizer
from service.summaries.rules import clear_caches

DATASET = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "summaries.jsonl"


def long_history(n: int = 500, customer_id: str = "bench-customer") -> list[Interaction]:
    cases = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    out: list[Interaction] = []
    offset = timedelta(0)
    rnd = 0
    while len(out) < n:
        for case in cases:
            hist = parse_history(case["input"]["history"])
            base = hist[0].ts
            start = (out[-1].ts + timedelta(hours=6)) if out else base
            for it in hist:
                if len(out) >= n:
                    break
                out.append(Interaction(
                    id=f"r{rnd}-{it.id}", customer_id=customer_id, channel=it.channel, direction=it.direction,
                    author_role=it.author_role, ts=start + (it.ts - base) + offset, text=it.text,
                    thread_id=f"r{rnd}-{it.thread_id}" if it.thread_id else None, kind=it.kind, meta=dict(it.meta)))
            if len(out) >= n:
                break
        rnd += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interactions", type=int, default=500)
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args(argv)
    history = long_history(args.interactions)
    engine = ExtractiveSummarizer()
    engine.summarize(history, as_of=history[-1].ts)  # warm-up (regex caches, imports)
    times, cpu = [], []
    for _ in range(args.runs):
        clear_caches()  # every run is cold: no sentence score memoised by an earlier run
        t0, c0 = time.perf_counter(), time.process_time()
        summary = engine.summarize(history, as_of=history[-1].ts)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    times.sort()
    chars = sum(len(it.text) for it in history)
    print(f"extractive summary of {len(history)} interactions ({chars} characters, "
          f"{len({it.thread_id for it in history})} threads, {len({it.channel for it in history})} channels), {args.runs} runs")
    print(f"  wall p50 {statistics.median(times):.1f} ms   p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms   "
          f"max {times[-1]:.1f} ms   (CPU time p50 {statistics.median(cpu):.1f} ms; wall time grows on a busy machine)")
    print(f"  summary: {len(summary.open_issues)} issues, {len(summary.commitments)} commitments, "
          f"{len(summary.facts)} facts, {len(summary.timeline)} timeline entries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
