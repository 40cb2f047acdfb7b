"""Eval suite for cross-channel summaries (issue 4).

Dataset: ``evals/datasets/summaries.jsonl`` (see the README there). Solver: the extractive
engine (and, with ``--engine llm`` and a configured model, the LLM engine). Scorers, cheapest
first, all deterministic:

* fact recall: an expected fact is found when some summary fact's value contains it
  (case, spaces and punctuation ignored; the kind is reported, not required);
* commitment recall: an expected commitment is found when a summary commitment has one of its
  types; commitment status accuracy: of those found, how many have the expected status;
* need hit: one of the expected keywords appears in the current need (text or issue);
* source coverage: items without a source, and sources that are not interactions of the history;
* latency: p50 / p95 of the engine per history.

Run: ``.venv/bin/python -m evals.summaries`` (prints a table; ``--json`` for machine output).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from service.domain.interactions import parse_history
from service.summaries.extractive import ExtractiveSummarizer
from service.summaries.model import Summary

DATASET = Path(__file__).parent / "datasets" / "summaries.jsonl"


def _norm(s: str) -> str:
    return "".join(ch for ch in str(s).lower() if ch.isalnum())


def load(path: Path = DATASET) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@dataclass
class CaseResult:
    id: str
    facts_expected: int = 0
    facts_found: int = 0
    commitments_expected: int = 0
    commitments_found: int = 0
    status_correct: int = 0
    need_hit: bool = False
    items: int = 0
    items_without_source: int = 0
    unknown_sources: int = 0
    latency_ms: float = 0.0
    misses: list[str] = field(default_factory=list)


def score(case: dict[str, Any], summary: Summary, history_ids: set[str]) -> CaseResult:
    exp = case["expected"]
    r = CaseResult(id=case["id"])
    values = [_norm(f.value) for f in summary.facts]
    for fact in exp.get("facts", []):
        r.facts_expected += 1
        want = _norm(fact["value"])
        if any(want and want in v for v in values):
            r.facts_found += 1
        else:
            r.misses.append(f"fact {fact['kind']}={fact['value']}")
    for c in exp.get("commitments", []):
        r.commitments_expected += 1
        types = c["type"] if isinstance(c["type"], list) else [c["type"]]
        found = [x for x in summary.commitments if x.type in types]
        if found:
            r.commitments_found += 1
            if any(x.status == c["status"] for x in found):
                r.status_correct += 1
            else:
                r.misses.append(f"status {types[0]}: want {c['status']}, got {[x.status for x in found]}")
        else:
            r.misses.append(f"commitment {types}/{c['status']}")
    need = exp.get("need") or {}
    hay = f"{summary.current_need.get('text', '')} {summary.current_need.get('issue', '')}".lower()
    r.need_hit = any(k.lower() in hay for k in need.get("keywords", [])) if need.get("keywords") else True
    if not r.need_hit:
        r.misses.append(f"need: {summary.current_need.get('text')!r}")
    for _section, item in summary.all_items():
        if _section == "sentiment" and summary.sentiment.get("current") == "unknown":
            continue
        r.items += 1
        srcs = item.get("sources") or []
        if not srcs:
            r.items_without_source += 1
        r.unknown_sources += sum(1 for s in srcs if s not in history_ids)
    return r


def run(path: Path = DATASET, *, engine: ExtractiveSummarizer | None = None, repeat: int = 3,
        tag: str | None = None, split: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Score ``engine`` on the cases (those with ``tag`` / of ``split``, dev or held_out, when given)."""
    engine = engine or ExtractiveSummarizer()
    results: list[CaseResult] = []
    for case in load(path):
        if tag is not None and tag not in case.get("tags", []):
            continue
        if split is not None and case.get("split", "dev") != split:
            continue
        inp = case["input"]
        history = parse_history(inp["history"], customer_id=inp.get("customer_id"), now=now)
        as_of = history[-1].ts  # evaluate as of the last interaction: the dataset is historical
        times = []
        summary = None
        for _ in range(repeat):
            t0 = time.perf_counter()
            summary = engine.summarize(history, customer_id=inp.get("customer_id"), as_of=as_of)
            times.append((time.perf_counter() - t0) * 1000)
        assert summary is not None
        r = score(case, summary, {it.id for it in history})
        r.latency_ms = statistics.median(times)
        results.append(r)

    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    fe = sum(r.facts_expected for r in results)
    ff = sum(r.facts_found for r in results)
    ce = sum(r.commitments_expected for r in results)
    cf = sum(r.commitments_found for r in results)
    lat = sorted(r.latency_ms for r in results)
    return {
        "cases": len(results),
        "fact_recall": ratio(ff, fe),
        "commitment_recall": ratio(cf, ce),
        "facts_and_commitments_recall": ratio(ff + cf, fe + ce),
        "commitment_status_accuracy": ratio(sum(r.status_correct for r in results), cf),
        "need_hit_rate": ratio(sum(r.need_hit for r in results), len(results)),
        "items": sum(r.items for r in results),
        "items_without_source": sum(r.items_without_source for r in results),
        "unknown_sources": sum(r.unknown_sources for r in results),
        "latency_p50_ms": statistics.median(lat) if lat else 0.0,
        "latency_p95_ms": lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else 0.0,
        "expected": {"facts": fe, "commitments": ce},
        "per_case": [r.__dict__ for r in results],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Summary eval (extractive engine)")
    ap.add_argument("--dataset", type=Path, default=DATASET)
    ap.add_argument("--json", action="store_true", help="print the full report as JSON")
    ap.add_argument("--misses", action="store_true", help="list what each case missed")
    args = ap.parse_args(argv)
    report = run(args.dataset, split="dev")
    report["holdout"] = {k: v for k, v in run(args.dataset, split="held_out").items() if k != "per_case"}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"summaries eval — {report['cases']} dev histories (tuned on), engine=extractive")
    rows = [
        ("fact recall", f"{report['fact_recall']:.3f}", f"{report['expected']['facts']} expected facts"),
        ("commitment recall", f"{report['commitment_recall']:.3f}", f"{report['expected']['commitments']} expected commitments"),
        ("facts+commitments recall", f"{report['facts_and_commitments_recall']:.3f}", "target >= 0.9"),
        ("commitment status accuracy", f"{report['commitment_status_accuracy']:.3f}", "kept / broken / pending, of those found"),
        ("current need hit rate", f"{report['need_hit_rate']:.3f}", "expected keyword in the need"),
        ("items without source", str(report["items_without_source"]), f"of {report['items']} items (target 0)"),
        ("sources not in history", str(report["unknown_sources"]), "target 0"),
        ("latency p50 / p95 (ms)", f"{report['latency_p50_ms']:.2f} / {report['latency_p95_ms']:.2f}", "per history"),
    ]
    h = report["holdout"]
    if h["cases"]:
        rows.append(("held-out facts+commitments", f"{h['facts_and_commitments_recall']:.3f}",
                     f"{h['cases']} held-out histories (facts {h['fact_recall']:.3f}, commitments {h['commitment_recall']:.3f})"))
    w = max(len(r[0]) for r in rows)
    for name, val, note in rows:
        print(f"  {name:<{w}}  {val:>14}  {note}")
    if args.misses:
        for r in report["per_case"]:
            if r["misses"]:
                print(f"  - {r['id']}: " + "; ".join(r["misses"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
