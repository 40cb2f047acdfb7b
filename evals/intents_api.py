"""CLINC150 through the HTTP API, at the defaults a new user gets.

The taxonomy is written as a user would write it (one intent per CLINC label, named as the data
set names it, its training queries as examples in a JSONL examples file, the out-of-scope
training queries as out-of-scope examples), the service is started on it with default settings
(so the abstention threshold is the one calibrated on the taxonomy's own examples), and every
test query goes through ``POST /v1/intents/classify`` in batches.

Protocols:

* ``full``: the 15,000 in-scope + 100 out-of-scope training queries; scored on the 4,500 in-scope
  and 1,000 out-of-scope test queries (Larson et al., EMNLP 2019).
* ``ten_shot``: 10 training queries per intent (seed 0), no out-of-scope data; scored on the same
  test queries, and against MiniLM embeddings + logistic regression trained on the same 1,500
  queries (the plain baseline: no abstention, so compared on in-scope accuracy without
  abstention, which the service reports with ``ASSIST_INTENT_THRESHOLD=0``).

Run: ``python -m evals.intents_api`` (minutes: it embeds about 20,000 queries).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from evals.intents import CLINC_DIR, clinc_split, few_shot

BATCH = 256
OOS = "oos"


def write_taxonomy(directory: Path, texts: list[str], labels: list[str], oos: list[str]) -> Path:
    """A taxonomy file and its examples file, as a user loading CLINC150 would write them."""
    directory.mkdir(parents=True, exist_ok=True)
    names = sorted(set(labels))
    doc = {
        "examples_file": "examples.jsonl",
        "queues": ["support"],
        "intents": [{"name": n, "description": n.replace("_", " "), "queue": "support", "priority": "normal"} for n in names],
    }
    if oos:
        doc["out_of_scope_examples"] = oos
    (directory / "intents.yaml").write_text(json.dumps(doc, indent=1), encoding="utf-8")  # JSON is YAML
    with (directory / "examples.jsonl").open("w", encoding="utf-8") as f:
        for t, y in zip(texts, labels, strict=True):
            f.write(json.dumps({"text": t, "intent": y}) + "\n")
    return directory / "intents.yaml"


async def classify_over_http(settings: Any, overrides: dict[str, Any], queries: list[str]) -> tuple[list[str | None], dict[str, Any]]:
    """Start the app on ``settings``, wait for the taxonomy, classify ``queries`` through the API."""
    from litestar.testing import AsyncTestClient

    from service.app import create_app

    app = create_app(settings, overrides)
    async with AsyncTestClient(app) as client:
        key, _ = await app.state.container.keys.create("clinc", "intents:read")
        headers = {"Authorization": f"Bearer {key}"}
        started = time.perf_counter()
        while True:  # the taxonomy trains at start-up; 503 until it is ready
            r = await client.get("/v1/intents/", headers=headers)
            if r.status_code == 200:
                break
            if time.perf_counter() - started > 3600:
                raise RuntimeError(f"the taxonomy did not load: {r.status_code} {r.text[:300]}")
            await asyncio.sleep(1.0)
        taxonomy = r.json()
        out: list[str | None] = []
        for i in range(0, len(queries), BATCH):
            r = await client.post("/v1/intents/classify", json={"texts": queries[i:i + BATCH]}, headers=headers)
            if r.status_code != 200:
                raise RuntimeError(f"classify answered {r.status_code}: {r.text[:300]}")
            out += [x["intent"] for x in r.json()["results"]]
    return out, taxonomy


def score(pred: list[str | None], gold: list[str], n_in_scope: int) -> dict[str, float]:
    ins = list(zip(pred[:n_in_scope], gold[:n_in_scope], strict=True))
    oos = pred[n_in_scope:]
    return {
        "in_scope_accuracy": 100 * sum(p == g for p, g in ins) / len(ins),
        "in_scope_abstained": 100 * sum(p is None for p, _ in ins) / len(ins),
        "oos_recall": 100 * sum(p is None for p in oos) / len(oos) if oos else float("nan"),
    }


def logistic_regression_baseline(embedder: Any, train: tuple[list[str], list[str]], test: tuple[list[str], list[str]]) -> dict[str, float]:
    """MiniLM sentence embeddings + scikit-learn logistic regression (no abstention), for a few C."""
    from sklearn.linear_model import LogisticRegression

    x_train = np.asarray(embedder.embed(train[0]), dtype=np.float32)
    x_test = np.asarray(embedder.embed(test[0]), dtype=np.float32)
    out = {}
    for c in (1.0, 10.0, 100.0):
        model = LogisticRegression(C=c, max_iter=2000).fit(x_train, train[1])
        out[f"C={c:g}"] = 100 * float((model.predict(x_test) == np.array(test[1])).mean())
    return out


def run(embedder: Any, settings: Any, protocols: tuple[str, ...] = ("full", "ten_shot"), *, sample: int = 0,
        baseline: bool = True) -> dict[str, Any]:
    """Both protocols through the API. ``sample``: a quick run for the failure tests (the first
    ``sample`` in-scope and ``sample // 4`` out-of-scope test queries, and ``full`` trained on 10
    queries per intent plus the out-of-scope ones)."""
    data = clinc_split()
    test_in = (data["test"][0][:sample], data["test"][1][:sample]) if sample else data["test"]
    test_oos = data["oos_test"][0][: max(1, sample // 4)] if sample else data["oos_test"][0]
    queries = list(test_in[0]) + list(test_oos)
    gold = list(test_in[1]) + [OOS] * len(test_oos)
    n_in = len(test_in[0])
    report: dict[str, Any] = {"data": str(CLINC_DIR / "data_full.json"), "test_queries": len(queries),
                              "queries": queries, "gold": gold}
    with tempfile.TemporaryDirectory(prefix="clinc-api-") as tmp:
        for protocol in protocols:
            t0 = time.perf_counter()
            if protocol == "full":
                train, oos = (few_shot(*data["train"], per_intent=10, seed=0) if sample else data["train"]), data["oos_train"][0]
            else:
                train, oos = few_shot(*data["train"], per_intent=10, seed=0), []
            path = write_taxonomy(Path(tmp) / protocol, list(train[0]), list(train[1]), list(oos))
            variants = {"default": None} if protocol == "full" else {"default": None, "no_abstention": 0.0}
            result: dict[str, Any] = {"train_examples": len(train[0]), "oos_examples": len(oos)}
            for variant, threshold in variants.items():
                s = settings.replace(storage={"data_dir": Path(tmp) / f"{protocol}-{variant}-data", "database_url": "",
                                              "qdrant_url": ""},
                                     content={"intents_file": path}, models={"intent_threshold": threshold})
                pred, taxonomy = asyncio.run(classify_over_http(s, {"embedder": embedder}, queries))
                result[variant] = score(pred, gold, n_in)
                result[variant]["threshold"] = taxonomy.get("threshold")
                result[variant]["predictions"] = pred
            if protocol == "ten_shot" and baseline:
                result["minilm_logreg"] = logistic_regression_baseline(embedder, (list(train[0]), list(train[1])),
                                                                       (list(test_in[0]), list(test_in[1])))
            result["seconds"] = round(time.perf_counter() - t0, 1)
            report[protocol] = result
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="CLINC150 through POST /v1/intents/classify at default settings")
    ap.add_argument("--protocol", action="append", choices=("full", "ten_shot"), help="default: both")
    ap.add_argument("--json", type=Path, help="also write the report here")
    args = ap.parse_args(argv)
    from evals.framework.context import RunContext

    ctx = RunContext(progress=False)
    report = run(Memo(ctx.embedder()), ctx.settings, tuple(args.protocol or ("full", "ten_shot")))
    for key in ("queries", "gold"):
        report.pop(key)
    for protocol in ("full", "ten_shot"):
        for variant in ("default", "no_abstention"):
            report.get(protocol, {}).get(variant, {}).pop("predictions", None)
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


class Memo:
    """The same model, remembering vectors, so the second app and the baseline do not re-embed."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.dimension, self.model_name = inner, inner.dimension, inner.model_name
        self._seen: dict[str, Any] = {}

    def embed(self, texts: Any) -> Any:
        missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if missing:
            self._seen.update(zip(missing, self.inner.embed(missing), strict=True))
        return np.stack([self._seen[t] for t in texts]) if len(texts) else self.inner.embed(texts)


if __name__ == "__main__":
    sys.exit(main())
