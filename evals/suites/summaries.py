"""Summaries suite: the summaries engineer's ``evals/summaries.py`` (extractive engine and its
scorers: fact and commitment recall, status accuracy, need hits, source coverage) with the
framework's per-case records, charts and gate."""

from __future__ import annotations

from typing import Any

from evals.framework import (
    COUNT,
    DEV,
    HELD_OUT,
    INFO,
    LOWER,
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


SUMMARY_METRICS = (("facts_and_commitments_recall", True), ("fact_recall", True), ("commitment_recall", False),
                   ("commitment_status_accuracy", True), ("need_hit_rate", False))
PROVENANCE = {HELD_OUT: "6 histories written after the extractive rules were tuned (issue 4) and 31 "
                        f"multi-channel histories {WRITTEN_BEFORE_TUNING} (issue 16)",
              DEV: f"37 histories, {TUNED_ON}"}


@suite("summaries", "Cross-channel summaries (extractive engine) of customer histories, dev (tuned on) and "
       "held-out: expected facts and commitments found, commitment status, current need, every item sourced.")
def run(ctx: RunContext) -> SuiteResult:
    from evals import summaries as summ  # the summaries engineer's module: solver and scorers
    from service.domain.interactions import parse_history
    from service.summaries.extractive import ExtractiveSummarizer

    data = load_dataset(summ.DATASET, "summaries")
    engine = ctx.overrides.get("summarizer") or ExtractiveSummarizer()
    bar = ctx.bar(len(data), "summaries")
    now = ctx.clock().now()
    reports = {split: summ.run(summ.DATASET, engine=engine, repeat=1, split=split, now=now) for split in SPLITS}
    result = SuiteResult("summaries", datasets=[data.describe()], system=f"{type(engine).__name__} (no LLM)",
                         provenance=dict(PROVENANCE))
    for name, headline in SUMMARY_METRICS:
        result.add_split(name, {sp: reports[sp][name] if reports[sp]["cases"] else None for sp in SPLITS},
                         headline=headline, tolerance=0.03)
    for name in ("items_without_source", "unknown_sources"):
        result.add_split(name, {sp: reports[sp][name] for sp in SPLITS}, direction=LOWER, kind=COUNT)
    every = [r for sp in SPLITS for r in reports[sp]["per_case"]]
    lat = scorers.latency_summary(r["latency_ms"] for r in every)
    result.add("latency_p50_ms", lat["latency_p50_ms"], direction=LOWER, kind=TIMING)
    result.add("latency_p95_ms", lat["latency_p95_ms"], direction=LOWER, kind=TIMING)

    per_case = {r["id"]: r for r in every}
    for case in data:
        r = per_case[case.id]
        inp = case.input
        history = parse_history(inp["history"], customer_id=inp.get("customer_id"), now=now)
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
            split=case.split,
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


# ---- the LLM engine, replayed -------------------------------------------------------------------


def _llm_version(ctx: RunContext, chat: Any, version: str, data: Any) -> dict[str, Any]:
    """Summaries of every history by the LLM engine with prompt summary@version, scored by the
    summaries engineer's scorer."""
    import asyncio

    from evals import summaries as summ
    from service.domain.interactions import parse_history
    from service.summaries.extractive import ExtractiveSummarizer
    from service.prompts.registry import load_prompt
    from service.summaries.llm import LLMSummarizer

    prompt_file = ctx.content_path("prompts_dir") / f"summary@{version}.md"
    if not prompt_file.is_file():
        raise FileNotFoundError(f"no prompt {prompt_file.name} in {prompt_file.parent}")
    prompt = load_prompt(prompt_file)
    engine = LLMSummarizer(chat, ctx.counter(), prompt, ExtractiveSummarizer(),
                           context_tokens=ctx.settings.llm.context_tokens)
    bar = ctx.bar(len(data), f"summaries.llm {prompt.ref}")

    async def go() -> list[tuple[Any, Any, Any]]:
        out = []
        for case in data:
            inp = case.input
            history = parse_history(inp["history"], customer_id=inp.get("customer_id"))
            summary = await engine.summarize(history, customer_id=inp.get("customer_id"), as_of=history[-1].ts)
            row = {"id": case.id, "input": case.input, "expected": case.expected, "tags": list(case.tags)}
            out.append((case, summary, summ.score(row, summary, {it.id for it in history})))
            bar.update(1)
        return out

    try:
        rows = asyncio.run(go())
    finally:
        bar.close()
    return {"prompt": prompt.ref, "rows": rows}


def _ratio(a: float, b: float) -> float:
    return a / b if b else 1.0


def _llm_metrics(rows: list[tuple[Any, Any, Any]], *, own: bool = True) -> dict[str, float]:
    """Scores of the summaries; ``own``: the LLM engine's own, where a history on which it fell
    back to the extractive engine scores nothing (the fallback's work is not the model's)."""
    used = [(s, r) for _, s, r in rows if not (own and s.fallback_reason)]
    fe = sum(r.facts_expected for _, _, r in rows)
    ff = sum(r.facts_found for _, r in used)
    ce = sum(r.commitments_expected for _, _, r in rows)
    cf = sum(r.commitments_found for _, r in used)
    out = {
        "facts_and_commitments_recall": round(_ratio(ff + cf, fe + ce), 4),
        "fact_recall": round(_ratio(ff, fe), 4),
        "commitment_recall": round(_ratio(cf, ce), 4),
        "commitment_status_accuracy": round(_ratio(sum(r.status_correct for _, r in used), cf), 4) if cf or not own else 0.0,
        "need_hit_rate": round(_ratio(sum(r.need_hit for _, r in used), len(rows)), 4),
    }
    if own:
        out["llm_answer_used_rate"] = round(_ratio(sum(1 for _, s, _ in rows if not s.fallback_reason), len(rows)), 4)
        out["items_without_source"] = sum(r.items_without_source for _, r in used)
        out["unknown_sources"] = sum(r.unknown_sources for _, r in used)
    return out


@suite("summaries.llm", "Cross-channel summaries by the LLM engine on the 6 holdout histories (prompt summary@V; "
       "SmolLM2 answers replayed from evals/recordings/summaries.llm.jsonl): the model's own score (a history on which "
       "it fell back to the extractive engine scores nothing), how often its answer was valid and used, and apart "
       "(delivered.*, not gated) what the agent got including the fallback.",
       needs_llm=True, prompt_tasks=("summary",))
def run_llm(ctx: RunContext) -> SuiteResult:
    from evals import summaries as summ
    from evals.framework import NotAvailable

    chat = ctx.chat_model("summaries.llm")
    if chat is None:
        raise NotAvailable("no LLM: evals/recordings/summaries.llm.jsonl is missing (record it with "
                           "`assist eval summaries.llm --record`) and --live was not asked for")
    # The histories tagged holdout: a 135M model on 2 CPU cores needs about a minute and a half per
    # history to record, so the LLM engine is measured on this fixed subset.
    data = load_dataset(summ.DATASET, "summaries").with_tag("holdout").split(HELD_OUT)
    versions = ctx.prompt_versions.get("summary") or ["1"]
    runs = {v: _llm_version(ctx, chat, v, data) for v in versions}
    misses = getattr(chat, "misses", []) + getattr(chat, "failures", [])
    if misses:
        raise RuntimeError(f"{len(misses)} LLM calls were not recorded (first: {misses[0].get('input') or misses[0].get('error')!r}): the prompt or "
                           f"the input changed; re-record with `assist eval summaries.llm --record`")
    main = runs[versions[0]]
    result = SuiteResult("summaries.llm", datasets=[data.describe()],
                         system=f"LLMSummarizer {main['prompt']}, model {getattr(chat, 'model', '?')} ({ctx.llm_mode})")
    result.provenance = {HELD_OUT: "the 6 histories tagged holdout, written after the extractive rules were tuned; "
                                   "recorded SmolLM2 answers"}
    headline = {"facts_and_commitments_recall", "llm_answer_used_rate"}
    for name, value in _llm_metrics(main["rows"]).items():
        if name in ("items_without_source", "unknown_sources"):
            result.add_split(name, {HELD_OUT: value}, direction=LOWER, kind=COUNT, tolerance=2.0)
        else:
            result.add_split(name, {HELD_OUT: value}, headline=name in headline, tolerance=0.05)
    for name, value in _llm_metrics(main["rows"], own=False).items():
        result.add(f"delivered.{name}", value, kind=INFO,
                   description="what the agent gets: the LLM's summary, or the extractive fallback's when it fell back")
    for case, summary, r in main["rows"]:
        expected = r.facts_expected + r.commitments_expected
        own = 0.0 if summary.fallback_reason else 1.0
        scores = {"recall": round(own * _ratio(r.facts_found + r.commitments_found, expected), 4),
                  "need_hit": 1.0 if r.need_hit else 0.0, "llm_used": 0.0 if summary.fallback_reason else 1.0}
        result.cases.append(CaseResult(
            id=case.id, input=_history_text(case.input["history"]), expected=case.expected,
            output=_summary_text(summary) + (f"\n(fallback: {summary.fallback_reason})" if summary.fallback_reason else ""),
            scores=scores, primary="recall", tags=case.tags, latency_ms=summary.latency_ms, notes=r.misses,
            split=case.split,
        ))
    result.charts = [Chart("bars", "LLM summary recall by tag", {"items": [
        (tag, mean, n) for tag, (mean, n) in scorers.by_tag((c.tags, c.scores["recall"]) for c in result.cases).items() if n >= 2
    ], "label": "recall"})]
    if hasattr(chat, "stats"):
        result.notes.append("LLM calls: " + ", ".join(f"{k} {v}" for k, v in chat.stats().items()))
    if len(versions) > 1:
        result.comparison = {
            "task": "summary", "versions": versions,
            "metrics": {v: _llm_metrics(runs[v]["rows"]) for v in versions},
            "cases": [
                {"id": case.id, "input": _history_text(case.input["history"], 3),
                 "outputs": {v: _summary_text(runs[v]["rows"][i][1]) for v in versions},
                 "scores": {v: f"recall={_ratio(runs[v]['rows'][i][2].facts_found + runs[v]['rows'][i][2].commitments_found, runs[v]['rows'][i][2].facts_expected + runs[v]['rows'][i][2].commitments_expected):.2f}" for v in versions}}
                for i, (case, _, _) in enumerate(main["rows"])
            ],
        }
    return result
