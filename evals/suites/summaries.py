"""Summaries suite: the summaries engineer's ``evals/summaries.py`` (extractive engine and its
scorers: fact and commitment recall, status accuracy, need hits, source coverage) with the
framework's per-case records, charts and gate."""

from __future__ import annotations

from typing import Any

from evals.framework import COUNT, LOWER, TIMING, CaseResult, Chart, RunContext, SuiteResult, load_dataset, scorers, suite


def _history_text(history: list[dict[str, Any]], limit: int = 8) -> str:
    lines = [f"[{h.get('channel')}/{h.get('author_role')}] {h.get('text', '')}" for h in history[-limit:]]
    more = f"… {len(history) - limit} earlier interactions\n" if len(history) > limit else ""
    return more + "\n".join(lines)


def _summary_text(s: Any) -> str:
    d = s.to_dict()
    facts = "; ".join(f"{f['kind']}={f['value']}" for f in d["facts"])
    commits = "; ".join(f"{c['type']}:{c['status']}" for c in d["commitments"])
    return (f"need: {d['current_need'].get('text', '')}\nfacts: {facts}\ncommitments: {commits}\n"
            f"next: {d['next_step'].get('text', '') if isinstance(d['next_step'], dict) else d['next_step']}")


@suite("summaries", "Cross-channel summaries (extractive engine) of 43 customer histories: expected facts "
       "and commitments found, commitment status, current need, every item sourced.")
def run(ctx: RunContext) -> SuiteResult:
    from evals import summaries as summ  # the summaries engineer's module: solver and scorers
    from service.assist.history import parse_history
    from service.assist.summarize import ExtractiveSummarizer

    data = load_dataset(summ.DATASET, "summaries")
    engine = ExtractiveSummarizer()
    bar = ctx.bar(len(data), "summaries")
    report = summ.run(summ.DATASET, engine=engine, repeat=1)
    holdout = summ.run(summ.DATASET, engine=engine, repeat=1, tag="holdout")
    result = SuiteResult("summaries", datasets=[data.describe()], system="ExtractiveSummarizer (no LLM)")
    result.add("facts_and_commitments_recall", report["facts_and_commitments_recall"], headline=True)
    result.add("fact_recall", report["fact_recall"], headline=True)
    result.add("commitment_recall", report["commitment_recall"])
    result.add("commitment_status_accuracy", report["commitment_status_accuracy"], headline=True)
    result.add("need_hit_rate", report["need_hit_rate"])
    result.add("holdout.facts_and_commitments_recall", holdout["facts_and_commitments_recall"], tolerance=0.05,
               description=f"{holdout['cases']} histories tagged holdout")
    result.add("items_without_source", report["items_without_source"], direction=LOWER, kind=COUNT)
    result.add("unknown_sources", report["unknown_sources"], direction=LOWER, kind=COUNT)
    result.add("latency_p50_ms", report["latency_p50_ms"], direction=LOWER, kind=TIMING)
    result.add("latency_p95_ms", report["latency_p95_ms"], direction=LOWER, kind=TIMING)

    per_case = {r["id"]: r for r in report["per_case"]}
    for case in data:
        r = per_case[case.id]
        inp = case.input
        history = parse_history(inp["history"], customer_id=inp.get("customer_id"))
        summary = engine.summarize(history, customer_id=inp.get("customer_id"), as_of=history[-1].ts)
        expected = r["facts_expected"] + r["commitments_expected"]
        recall = (r["facts_found"] + r["commitments_found"]) / expected if expected else 1.0
        scores = {
            "recall": round(recall, 4),
            "status_ok": round(r["status_correct"] / r["commitments_found"], 4) if r["commitments_found"] else 1.0,
            "need_hit": 1.0 if r["need_hit"] else 0.0,
            "sourced": 0.0 if (r["items_without_source"] or r["unknown_sources"]) else 1.0,
        }
        scores["overall"] = round(scorers.mean(scores.values()), 4)
        result.cases.append(CaseResult(
            id=case.id, input=_history_text(inp["history"]), expected=case.expected, output=_summary_text(summary),
            scores=scores, primary="overall", tags=case.tags, latency_ms=round(r["latency_ms"], 3), notes=r["misses"],
        ))
        bar.update(1)
    bar.close()
    result.charts = [
        Chart("bars", "facts+commitments recall by tag", {"items": [
            (tag, mean, n) for tag, (mean, n) in scorers.by_tag((c.tags, c.scores["recall"]) for c in result.cases).items() if n >= 2
        ], "label": "recall"}),
        Chart("histogram", "extractive summary latency", {"values": [c.latency_ms for c in result.cases],
                                                          "x_label": "latency per history (ms)"}),
    ]
    return result
