"""One query embedding, float32 against int8 (ASSIST_EMBEDDING_PRECISION): median and p95 of
``--singles`` texts never seen before (so the cache does not help), each encoded alone on one
lane, and the cosine between the two precisions' vectors of the same texts.

Prints numbers; asserts nothing. Run:
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_embedding.py [--singles 400]
The machine's load average is printed too: numbers from a busy machine are upper bounds.
The two precisions alternate text by text, so both see the same machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.adapters.embedder import make_embedder  # noqa: E402

STEMS = ("I was charged twice for order {n}", "where is parcel {n}, it is late", "how do I return item {n}",
         "my account {n} is locked after a password reset", "can I change the address on order {n}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--singles", type=int, default=400)
    args = parser.parse_args()
    embedders = {p: make_embedder(backend="onnx", threads=1, precision=p) for p in ("float32", "int8")}
    if embedders["int8"].precision != "int8":
        print("int8 could not be built (see the warning above)")
        return 1
    texts = [STEMS[i % len(STEMS)].format(n=1000 + i) for i in range(args.singles)]
    for e in embedders.values():  # warm up
        e.embed(["warm up"])
    times: dict[str, list[float]] = {p: [] for p in embedders}
    vectors: dict[str, list[np.ndarray]] = {p: [] for p in embedders}
    for text in texts:
        for p, e in embedders.items():
            t0 = time.perf_counter()
            vectors[p].append(e.embed([text])[0])
            times[p].append((time.perf_counter() - t0) * 1000)
    cosine = (np.stack(vectors["float32"]) * np.stack(vectors["int8"])).sum(1)
    print(f"one query embedding, {args.singles} new texts, load average {os.getloadavg()[0]:.2f}, cpus {os.cpu_count()}")
    print("| precision | p50 ms | p95 ms |")
    print("|---|---|---|")
    for p, values in times.items():
        print(f"| {p} | {statistics.median(values):.2f} | {percentile(values, 0.95):.2f} |")
    print(f"cosine float32 vs int8: min {cosine.min():.4f}, median {np.median(cosine):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
