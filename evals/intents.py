"""Intent eval: CLINC150 (Larson et al., EMNLP 2019) and the store's conversation-level set.

    HF_HUB_OFFLINE=1 .venv/bin/python -m evals.intents [--cache-dir /tmp/clinc-emb] [--only clinc|store]

CLINC150 full: the classifier is trained on the 15,000 in-scope training queries plus the 100
``oos_train`` ones (the rejection class); ONE abstention threshold is chosen on the validation
split (3,000 in-scope + 100 out-of-scope), never on test, by a fixed rule: the highest
out-of-scope recall on validation that costs at most one point of validation in-scope accuracy
(against answering everything). Then: in-scope accuracy (abstaining counts as wrong) and
out-of-scope recall on the 4,500 + 1,000 test queries, beside the paper's figures.

10-shot: 10 training queries per intent (seeded draw), no out-of-scope training data; in-scope
accuracy without abstention (comparable to the few-shot literature, which leaves out-of-scope
aside), and with a threshold chosen on validation by the same rule.

Store: ``evals/datasets/intents_store.jsonl``, whole conversations classified with the service's
conversation mode against ``knowledge/intents.yaml`` at the service's default threshold:
accuracy and macro-F1 (abstention is the class ``none``; out-of-scope cases expect ``none``).

Systems, datasets and scorers are kept apart: ``clinc_split`` / ``load_store_cases`` read data,
``train_and_score`` runs the system, ``choose_threshold`` / ``clinc_metrics`` / ``store_metrics``
score. ``run_clinc`` and ``run_store`` return plain dicts for the eval framework's suites.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CLINC_DIR = Path(os.environ.get("ASSIST_CLINC_DIR", ROOT.parent / "shared" / "data" / "clinc150"))
STORE_DATASET = ROOT / "evals" / "datasets" / "intents_store.jsonl"
TAXONOMY = ROOT / "knowledge" / "intents.yaml"

PAPER = {
    "BERT (oos as a class)": (96.9, 40.3),
    "BERT + threshold": (96.2, 52.3),
    "MLP on USE + threshold": (93.5, 47.4),
}
FEW_SHOT_REFERENCE = ("USE+ConveRT, 10-shot (Casanueva et al. 2020), no out-of-scope", 93.3)
MAX_VAL_ACC_LOSS = 0.01
"""The threshold rule: give up at most this much validation in-scope accuracy to abstain."""


# ---- data ---------------------------------------------------------------------------------------


def clinc_split(name: str = "data_full.json") -> dict[str, tuple[list[str], list[str]]]:
    path = CLINC_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"CLINC150 not found at {path} (set ASSIST_CLINC_DIR)")
    data = json.loads(path.read_text())
    return {k: ([t for t, _ in v], [y for _, y in v]) for k, v in data.items()}


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache (one .npy per text set), for repeated eval runs."""

    def __init__(self, inner: Any, cache_dir: str | Path | None) -> None:
        self.inner = inner
        self.dimension = inner.dimension
        self.model_name = inner.model_name
        self.cache_dir = Path(cache_dir) if cache_dir else None
        if self.cache_dir:
            self.cache_dir.mkdir(parents=True, exist_ok=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not self.cache_dir or len(texts) < 50:
            return self.inner.embed(texts)
        key = hashlib.sha256((self.model_name + "\n" + "\n".join(texts)).encode()).hexdigest()[:20]
        path = self.cache_dir / f"{key}.npy"
        if path.exists():
            return np.load(path)
        out = self.inner.embed(texts)
        np.save(path, out)
        return out


def few_shot(texts: list[str], labels: list[str], per_intent: int, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    by: dict[str, list[int]] = {}
    for i, y in enumerate(labels):
        by.setdefault(y, []).append(i)
    keep = sorted(int(j) for y in sorted(by) for j in rng.choice(by[y], size=min(per_intent, len(by[y])), replace=False))
    return [texts[i] for i in keep], [labels[i] for i in keep]


# ---- system --------------------------------------------------------------------------------------


@dataclass
class Scores:
    pred: list[str]
    confidence: np.ndarray


def train_and_score(embedder: Any, train: tuple[list[str], list[str]], sets: dict[str, list[str]]) -> tuple[dict[str, Scores], dict[str, Any]]:
    from service.adapters.sk_intent_model import SkIntentModel as IntentClassifier

    clf = IntentClassifier(embedder).fit(train[0], train[1])
    out = {}
    for name, texts in sets.items():
        sc = clf.score(texts)
        out[name] = Scores([sc.labels[i] for i in sc.best], sc.confidence)
    return out, clf.train_info


# ---- scorers ---------------------------------------------------------------------------------------


def choose_threshold(val: Scores, val_labels: list[str], oos_val: Scores, max_loss: float = MAX_VAL_ACC_LOSS) -> float:
    """Highest validation out-of-scope recall whose in-scope accuracy loss is at most ``max_loss``."""
    correct = np.array([p == y for p, y in zip(val.pred, val_labels, strict=True)])
    raw = correct.mean()
    best_t, best_recall = 0.0, -1.0
    for t in np.unique(np.concatenate([val.confidence, oos_val.confidence])):
        acc = float((correct & (val.confidence >= t)).mean())
        if acc < raw - max_loss - 1e-12:
            continue
        recall = float((oos_val.confidence < t).mean())
        if recall > best_recall or (recall == best_recall and t < best_t):
            best_t, best_recall = float(t), recall
    return best_t


def clinc_metrics(test: Scores, test_labels: list[str], oos: Scores | None, threshold: float) -> dict[str, float]:
    correct = np.array([p == y for p, y in zip(test.pred, test_labels, strict=True)])
    out = {
        "in_scope_accuracy": 100 * float((correct & (test.confidence >= threshold)).mean()),
        "in_scope_accuracy_no_abstention": 100 * float(correct.mean()),
        "in_scope_abstained": 100 * float((test.confidence < threshold).mean()),
    }
    if oos is not None:
        out["oos_recall"] = 100 * float((oos.confidence < threshold).mean())
    return out


def run_clinc(embedder: Any, *, shots: int | None = None, seed: int = 0, use_oos_train: bool = True,
              default_threshold: float = 0.5, keep_predictions: bool = False) -> dict[str, Any]:
    data = clinc_split()
    train = data["train"]
    if shots:
        train = few_shot(*train, per_intent=shots, seed=seed)
    texts, labels = list(train[0]), list(train[1])
    if use_oos_train:
        texts += data["oos_train"][0]
        labels += ["out_of_scope"] * len(data["oos_train"][0])
    sets = {k: data[k][0] for k in ("val", "oos_val", "test", "oos_test")}
    started = time.perf_counter()
    scores, info = train_and_score(embedder, (texts, labels), sets)
    threshold = choose_threshold(scores["val"], data["val"][1], scores["oos_val"])
    out = {
        "setting": f"{shots}-shot" if shots else "full",
        "train_examples": len(texts),
        "oos_train_used": use_oos_train,
        "threshold": threshold,
        "test": clinc_metrics(scores["test"], data["test"][1], scores["oos_test"], threshold),
        "val": clinc_metrics(scores["val"], data["val"][1], scores["oos_val"], threshold),
        "test_at_default": clinc_metrics(scores["test"], data["test"][1], scores["oos_test"], default_threshold),
        "default_threshold": default_threshold,
        "training": info,
        "seconds": round(time.perf_counter() - started, 1),
    }
    if keep_predictions:  # per-query predictions for the eval framework's report (evals/suites/intents.py)
        out["predictions"] = {k: {"pred": list(scores[k].pred), "confidence": [float(c) for c in scores[k].confidence]}
                              for k in ("test", "oos_test")}
    return out


# ---- store conversations ---------------------------------------------------------------------------


@dataclass
class StoreCase:
    id: str
    messages: list[dict[str, str]]
    expected: str | None
    tags: list[str]


def load_store_cases(path: Path = STORE_DATASET) -> list[StoreCase]:
    cases = []
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        obj = json.loads(line)
        try:
            cases.append(StoreCase(obj["id"], obj["input"]["messages"], obj["expected"]["intent"], obj.get("tags", [])))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path.name} line {lineno}: missing {exc}") from None
    return cases


def store_metrics(expected: Sequence[str | None], predicted: Sequence[str | None]) -> dict[str, float]:
    exp = [e or "none" for e in expected]
    pred = [p or "none" for p in predicted]
    labels = sorted(set(exp))
    f1s = []
    for lab in labels:
        tp = sum(1 for e, p in zip(exp, pred, strict=True) if e == lab and p == lab)
        fp = sum(1 for e, p in zip(exp, pred, strict=True) if e != lab and p == lab)
        fn = sum(1 for e, p in zip(exp, pred, strict=True) if e == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return {
        "accuracy": 100 * sum(e == p for e, p in zip(exp, pred, strict=True)) / len(exp),
        "macro_f1": 100 * float(np.mean(f1s)),
    }


def run_store(embedder: Any, *, taxonomy: Path = TAXONOMY, threshold: float | None = 0.5, dataset: Path = STORE_DATASET,
              ids: set[str] | None = None) -> dict[str, Any]:
    """Classify the store conversations (those in ``ids`` when given) with the taxonomy trained as
    the service trains it; ``threshold`` None: the taxonomy's own calibrated threshold."""
    from service.adapters.sk_intent_model import SkIntentTrainer
    from service.intents.service import IntentService, Message

    cases = [c for c in load_store_cases(dataset) if ids is None or c.id in ids]
    service = IntentService(trainer=SkIntentTrainer(embedder), path=taxonomy, threshold_override=threshold)
    report = service.load()
    rows = []
    for case in cases:
        t0 = time.perf_counter()
        res = service.classify_conversation([Message(m["role"], m["text"]) for m in case.messages])
        rows.append({"id": case.id, "expected": case.expected, "predicted": res.intent, "confidence": round(res.confidence, 4),
                     "candidate": res.candidate, "turn": res.turn, "tags": case.tags,
                     "latency_ms": round((time.perf_counter() - t0) * 1000, 2)})
    metrics = store_metrics([r["expected"] for r in rows], [r["predicted"] for r in rows])
    by_tag: dict[str, dict[str, float]] = {}
    for tag in sorted({t for r in rows for t in r["tags"]}):
        sel = [r for r in rows if tag in r["tags"]]
        by_tag[tag] = {"cases": len(sel), "accuracy": 100 * sum(r["expected"] == r["predicted"] for r in sel) / len(sel)}
    return {"cases": len(rows), "metrics": metrics, "by_tag": by_tag, "rows": rows, "taxonomy_version": report.version,
            "threshold": service.threshold, "training": report.train}


# ---- report -----------------------------------------------------------------------------------------


def print_clinc(full: dict[str, Any], ten: dict[str, Any]) -> None:
    print("CLINC150 (full test set: 4,500 in-scope, 1,000 out-of-scope)")
    print(f"{'system':58s} {'in-scope acc':>13s} {'oos recall':>11s}")
    for name, (acc, rec) in PAPER.items():
        print(f"{'paper: ' + name:58s} {acc:13.1f} {rec:11.1f}")
    t = full["test"]
    print(f"{'ours, full, threshold %.3f chosen on val' % full['threshold']:58s} {t['in_scope_accuracy']:13.1f} {t['oos_recall']:11.1f}")
    d = full["test_at_default"]
    print(f"{'ours, full, service default threshold %.2f' % full['default_threshold']:58s} {d['in_scope_accuracy']:13.1f} {d['oos_recall']:11.1f}")
    print(f"{'ours, full, no abstention':58s} {t['in_scope_accuracy_no_abstention']:13.1f} {'-':>11s}")
    print(f"  (validation at the chosen threshold: {full['val']['in_scope_accuracy']:.1f} / {full['val']['oos_recall']:.1f}; "
          f"training on {full['train_examples']} examples: {full['training']['total_s']} s, "
          f"of which embedding {full['training']['embed_s']} s)")
    print()
    print("CLINC150 from 10 examples per intent (1,500 training queries, no out-of-scope data)")
    ref_name, ref = FEW_SHOT_REFERENCE
    print(f"{'paper/literature: ' + ref_name:58s} {ref:13.1f} {'-':>11s}")
    t = ten["test"]
    print(f"{'ours, 10-shot, no abstention':58s} {t['in_scope_accuracy_no_abstention']:13.1f} {'-':>11s}")
    print(f"{'ours, 10-shot, threshold %.3f chosen on val' % ten['threshold']:58s} {t['in_scope_accuracy']:13.1f} {t['oos_recall']:11.1f}")
    print()


def print_store(store: dict[str, Any]) -> None:
    m = store["metrics"]
    print(f"Store conversations ({store['cases']} cases, taxonomy {store['taxonomy_version']}, threshold {store['threshold']})")
    print(f"  accuracy {m['accuracy']:.1f}   macro-F1 {m['macro_f1']:.1f}")
    for tag, v in store["by_tag"].items():
        print(f"  {tag:28s} {v['cases']:4d} cases  accuracy {v['accuracy']:.1f}")
    wrong = [r for r in store["rows"] if r["expected"] != r["predicted"]]
    if wrong:
        print("  misses:")
        for r in wrong[:15]:
            print(f"    {r['id']:28s} expected {r['expected']!s:26s} got {r['predicted']!s:26s} ({r['candidate']}, {r['confidence']:.2f})")
    print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evals.intents", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache-dir", help="cache CLINC150 embeddings here between runs (outside the repo)")
    parser.add_argument("--only", choices=["clinc", "store"], help="run one part only")
    parser.add_argument("--threshold", type=float, default=None, help="store threshold (default: ASSIST_INTENT_THRESHOLD)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from service.wiring import make_embedder
    from service.settings import Settings

    settings = Settings.from_env()
    threshold = settings.models.intent_threshold if args.threshold is None else args.threshold
    embedder = CachedEmbedder(make_embedder(settings), args.cache_dir)
    results: dict[str, Any] = {}
    if args.only in (None, "clinc"):
        full = run_clinc(embedder, default_threshold=threshold)
        ten = run_clinc(embedder, shots=10, use_oos_train=False, default_threshold=threshold)
        results.update(clinc_full=full, clinc_10shot=ten)
        print_clinc(full, ten)
    if args.only in (None, "store"):
        store = run_store(embedder, threshold=threshold)
        results["store"] = store
        print_store(store)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
