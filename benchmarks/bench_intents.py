"""Intent classifier: training time on CLINC150's 15,000 training queries (embedding included),
latency of one message (p50/p95, texts never seen before, so the embedder's cache does not
help) and of a batch of 100, on the bundled MiniLM (ONNX lanes or torch threads, default 2).

Prints numbers; asserts nothing. Run:
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_intents.py [--threads 2] [--singles 300] [--batches 20]
The machine's load average is printed too: numbers from a busy machine are upper bounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="embedding lanes (onnx) or torch threads (the target is 2 CPU cores)")
    parser.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto", help="embedding backend")
    parser.add_argument("--singles", type=int, default=300, help="single-message classifications to time")
    parser.add_argument("--batches", type=int, default=20, help="batches of 100 to time")
    args = parser.parse_args()

    from evals.intents import clinc_split
    from service.adapters.embedder import make_embedder
    from service.adapters.sk_intent_model import SkIntentModel as IntentClassifier
    from service.intents.classifier import classify

    data = clinc_split()
    texts = data["train"][0] + data["oos_train"][0]
    labels = data["train"][1] + ["out_of_scope"] * len(data["oos_train"][0])
    embedder = make_embedder(backend=args.backend, threads=args.threads)
    embedder.embed(["warm up"])
    load_before = os.getloadavg()

    started = time.perf_counter()
    clf = IntentClassifier(embedder).fit(texts, labels)
    train_s = time.perf_counter() - started
    info = clf.train_info

    test = data["test"][0] + data["oos_test"][0]
    singles = test[: args.singles]
    for t in test[-10:]:  # warm-up of the inference path
        classify(clf, [t], threshold=0.5, version="bench")
    single_ms = []
    for t in singles:
        t0 = time.perf_counter()
        classify(clf, [t], threshold=0.5, version="bench")
        single_ms.append((time.perf_counter() - t0) * 1000)
    batch_ms = []
    offset = args.singles
    for b in range(args.batches):
        batch = test[offset + 100 * b: offset + 100 * (b + 1)]
        t0 = time.perf_counter()
        classify(clf, batch, threshold=0.5, version="bench")
        batch_ms.append((time.perf_counter() - t0) * 1000)
    load_after = os.getloadavg()

    print(f"intent classifier benchmark, {embedder.backend} embeddings, threads {args.threads}, cpus visible {os.cpu_count()}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"training on {len(texts)} examples (150 intents + out-of-scope): {train_s:.1f} s "
          f"(embedding {info['embed_s']} s, held-out fit {info['fit_holdout_s']} s, final fit {info['fit_s']} s)")
    print(f"one message, {len(single_ms)} unseen texts: p50 {statistics.median(single_ms):.1f} ms, "
          f"p95 {percentile(single_ms, 0.95):.1f} ms")
    print(f"batch of 100, {len(batch_ms)} batches: p50 {statistics.median(batch_ms):.1f} ms, "
          f"max {max(batch_ms):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
