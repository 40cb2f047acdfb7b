"""Intent suites over the intents engineer's ``evals/intents.py`` (classifier runs and scorers):

* ``intents.store`` (fast, gated): whole store conversations (``evals/datasets/intents_store.jsonl``)
  against ``knowledge/intents.yaml`` at the service's threshold: accuracy, macro-F1,
  out-of-scope recall, confusion pairs.
* ``intents.clinc150`` (slow, in `assist eval`): CLINC150 full (Larson et al., EMNLP 2019), one
  threshold chosen on validation; in-scope accuracy and out-of-scope recall on the 4,500 + 1,000
  test queries beside the paper's figures.

Their module reports percentages; the framework reports fractions (0-1) like every other suite.
"""

from __future__ import annotations

from collections import Counter

from evals.framework import (
    DEV,
    HELD_OUT,
    LOWER,
    PUBLIC,
    SPLITS,
    TIMING,
    TUNED_ON,
    WRITTEN_BEFORE_TUNING,
    CaseResult,
    Chart,
    RunContext,
    SuiteResult,
    load_dataset,
    scorers,
    suite,
)

NONE = "none"  # abstention / out of scope, as the intents module scores it


def _confusion_chart(gold: list[str], pred: list[str], title: str, size: int = 12) -> Chart:
    """The labels most involved in mistakes (and 'none'), as a confusion matrix."""
    involved: Counter = Counter()
    for g, p in zip(gold, pred, strict=True):
        if g != p:
            involved[g] += 1
            involved[p] += 1
    labels = [label for label, _ in sorted(involved.items(), key=lambda kv: (-kv[1], kv[0]))[:size]]
    if not labels:
        labels = sorted(set(gold))[:size]
    labels = sorted(labels, key=lambda x: (x == NONE or x == "oos", x))
    return Chart("confusion", title, {"labels": labels, "matrix": scorers.confusion_matrix(gold, pred, labels)})


STORE_PROVENANCE = {HELD_OUT: f"36 conversations whose every turn is unique, {WRITTEN_BEFORE_TUNING} (issue 16)",
                    DEV: f"125 conversations from ABCD flows sharing scripted agent turns, {TUNED_ON}"}


def _split_metrics(gold: list[str], pred: list[str]) -> dict[str, float]:
    return {"accuracy": scorers.accuracy(gold, pred), "macro_f1": scorers.macro_f1(gold, pred),
            "oos_recall": scorers.oos_recall(gold, pred, NONE), "in_scope_accuracy": scorers.in_scope_accuracy(gold, pred, NONE)}


@suite("intents.store", "Intent classification of whole store conversations (knowledge/intents.yaml taxonomy, "
       "conversation mode, the service's threshold): accuracy, macro-F1, out-of-scope recall, confusion pairs.")
def run_store(ctx: RunContext) -> SuiteResult:
    from evals import intents  # the intents engineer's module

    data = load_dataset(intents.STORE_DATASET, "intents_store")
    picked = ctx.take(list(data))
    split_of = {c.id: c.split for c in picked}
    threshold = ctx.settings.models.intent_threshold
    bar = ctx.bar(1, "intents.store")
    out = intents.run_store(ctx.embedder(), taxonomy=ctx.content_path("intents_file"), threshold=threshold,
                            dataset=intents.STORE_DATASET, ids=set(split_of))
    bar.update(1)
    bar.close()
    rows = out["rows"]
    gold = [r["expected"] or NONE for r in rows]
    pred = [r["predicted"] or NONE for r in rows]
    result = SuiteResult("intents.store", datasets=[data.describe()], provenance=dict(STORE_PROVENANCE),
                         system=f"IntentService conversation mode, taxonomy {out['taxonomy_version']}, "
                                f"threshold {out['threshold']:.3f}")
    per = {}
    for sp in SPLITS:
        idx = [i for i, r in enumerate(rows) if split_of[r["id"]] == sp]
        per[sp] = _split_metrics([gold[i] for i in idx], [pred[i] for i in idx]) if idx else None
    for name, tol, head in (("accuracy", 0.03, True), ("macro_f1", 0.03, True), ("oos_recall", 0.05, True),
                            ("in_scope_accuracy", 0.03, False)):
        result.add_split(name, {sp: (per[sp][name] if per[sp] else None) for sp in SPLITS}, headline=head, tolerance=tol)
    lat = scorers.latency_summary(r["latency_ms"] for r in rows)
    result.add("latency_p50_ms", lat["latency_p50_ms"], direction=LOWER, kind=TIMING)
    result.add("latency_p95_ms", lat["latency_p95_ms"], direction=LOWER, kind=TIMING)
    by_id = {c.id: c for c in data}
    for r, g, p in zip(rows, gold, pred, strict=True):
        case = by_id[r["id"]]
        text = "\n".join(f"[{m['role']}] {m['text']}" for m in case.input.get("messages", []))
        result.cases.append(CaseResult(
            id=r["id"], input=text, expected={"intent": g}, output={"intent": p, "confidence": r["confidence"],
                                                                     "candidate": r.get("candidate")},
            scores={"correct": 1.0 if g == p else 0.0}, primary="correct", tags=tuple(r["tags"]), latency_ms=r["latency_ms"],
            split=case.split,
        ))
    pairs = scorers.confusion_pairs(gold, pred, top=8)
    if pairs:
        result.notes.append("most confused: " + "; ".join(f"{x['gold']} → {x['predicted']} ×{x['count']}" for x in pairs))
    result.charts = [
        _confusion_chart(gold, pred, "Confusion matrix (labels most involved in mistakes)"),
        Chart("bars", "accuracy by tag", {"items": [
            (tag, mean, n) for tag, (mean, n) in scorers.by_tag((c.tags, c.scores["correct"]) for c in result.cases).items()
        ], "label": "accuracy"}),
    ]
    return result


@suite("intents.clinc150", "CLINC150 full (Larson et al., EMNLP 2019) through POST /v1/intents/classify at the "
       "defaults a new user gets: the taxonomy loaded from its own 15,000 + 100 out-of-scope training queries, the "
       "abstention threshold calibrated on them; in-scope accuracy and out-of-scope recall on the 4,500 + 1,000 test "
       "queries against the paper's figures; then 10 queries per intent against MiniLM + logistic regression.", fast=False)
def run_clinc(ctx: RunContext) -> SuiteResult:
    from evals import intents, intents_api
    from evals.framework import INFO, NotAvailable
    from evals.framework.dataset import file_version

    try:
        intents.clinc_split()
    except FileNotFoundError as exc:
        raise NotAvailable(str(exc)) from None
    path = intents.CLINC_DIR / "data_full.json"
    bar = ctx.bar(1, "intents.clinc150 through the API (embed ~22,000 queries twice over, train, classify)")
    embedder = intents_api.Memo(ctx.embedder())  # the 10-shot apps and the baseline re-read the same queries
    out = intents_api.run(embedder, ctx.settings, sample=ctx.sample, baseline=not ctx.sample)
    bar.update(1)
    bar.close()
    full, ten = out["full"], out["ten_shot"]
    result = SuiteResult("intents.clinc150", provenance={HELD_OUT: f"CLINC150 test split, {PUBLIC}"},
                         system=f"POST /v1/intents/classify, default settings: threshold {full['default']['threshold']:.4f} "
                                f"calibrated on the taxonomy (10-shot: {ten['default']['threshold']:.4f})",
                         datasets=[{"name": "clinc150/data_full", "path": str(path), "version": file_version(path),
                                    "cases": out["test_queries"], "splits": {HELD_OUT: out["test_queries"]}}])
    paper = intents.PAPER
    best_acc = max(paper.items(), key=lambda kv: kv[1][0])
    best_oos = max(paper.items(), key=lambda kv: kv[1][1])
    d = full["default"]
    result.add_split("in_scope_accuracy", {HELD_OUT: d["in_scope_accuracy"] / 100}, headline=True, tolerance=0.01,
                     published=best_acc[1][0] / 100, published_source=best_acc[0], description="abstaining counts as wrong")
    result.add_split("oos_recall", {HELD_OUT: d["oos_recall"] / 100}, headline=True, tolerance=0.02,
                     published=best_oos[1][1] / 100, published_source=best_oos[0])
    result.add_split("in_scope_abstained", {HELD_OUT: d["in_scope_abstained"] / 100}, direction=LOWER, tolerance=0.02)
    t = ten["default"]
    result.add_split("ten_shot.in_scope_accuracy", {HELD_OUT: t["in_scope_accuracy"] / 100}, tolerance=0.02,
                     description="10 queries per intent, no out-of-scope data, default settings (abstaining counts as wrong)")
    result.add_split("ten_shot.oos_recall", {HELD_OUT: t["oos_recall"] / 100}, tolerance=0.03)
    result.add_split("ten_shot.in_scope_accuracy_no_abstention", {HELD_OUT: ten["no_abstention"]["in_scope_accuracy"] / 100},
                     headline=True, tolerance=0.015, description="10 per intent, ASSIST_INTENT_THRESHOLD=0 (never abstaining)")
    if "minilm_logreg" in ten:
        best_c, best = max(ten["minilm_logreg"].items(), key=lambda kv: kv[1])
        result.add("ten_shot.minilm_logreg_accuracy", best / 100, kind=INFO,
                   description=f"MiniLM embeddings + logistic regression ({best_c}, the best of C=1, 10, 100) on the same 1,500 queries")
        result.notes.append("10 per intent, MiniLM + logistic regression: " +
                            ", ".join(f"{k} {v:.1f}%" for k, v in ten["minilm_logreg"].items()))
    for name, (acc, oos) in paper.items():
        result.notes.append(f"paper, {name}: in-scope accuracy {acc}%, out-of-scope recall {oos}%")
    gold = [g if g != intents_api.OOS else "oos" for g in out["gold"]]
    pred = [p or "oos" for p in d["predictions"]]
    n_in = sum(1 for g in out["gold"] if g != intents_api.OOS)
    for i, (text, g, p) in enumerate(zip(out["queries"], gold, pred, strict=True)):
        split = "test" if i < n_in else "oos_test"
        result.cases.append(CaseResult(
            id=f"{split}-{i if i < n_in else i - n_in:04d}", input=text, expected={"intent": g}, output={"intent": p},
            scores={"correct": 1.0 if g == p else 0.0}, primary="correct", tags=(split,), split=HELD_OUT,
        ))
    result.add_split("macro_f1", {HELD_OUT: scorers.macro_f1(gold, pred)}, tolerance=0.01, description="over the 150 intents and oos")
    pairs = scorers.confusion_pairs(gold, pred, top=10)
    result.notes.append("most confused: " + "; ".join(f"{x['gold']} → {x['predicted']} ×{x['count']}" for x in pairs))
    result.charts = [_confusion_chart(gold, pred, "Confusion matrix (the 12 labels most involved in mistakes)")]
    return result
