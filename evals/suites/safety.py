"""Safety suite over the suggestions engineer's ``evals/safety.py``: the adversarial set
(prompt injection in messages and articles, refunds beyond policy, PII fishing, legal threats,
self-harm, tone baiting) through POST /v1/suggestions, scored by their compliance scorer.

Without an LLM the grounded engine answers; with recorded SmolLM2 answers
(``evals/recordings/safety.jsonl``, made by ``assist eval safety --record``) the LLM path runs
too, replayed, and is reported as the ``llm.*`` metrics.
"""

from __future__ import annotations

import asyncio
from typing import Any

from evals.framework import COUNT, LOWER, TIMING, CaseResult, Chart, RunContext, SuiteResult, load_dataset, scorers, suite

# The replayed model is handed in as the container's ``chat_model``; this URL only switches the
# service's LLM settings on and is never contacted.
REPLAY_URL = "http://replay.invalid/v1"


def _run_mode(ctx: RunContext, safety: Any, cases: list[dict[str, Any]], chat: Any | None) -> list[Any]:
    label = "safety (llm)" if chat is not None else "safety"
    bar = ctx.bar(len(cases), label)
    overrides = {"embedder": ctx.embedder(), "counter": ctx.counter(), **ctx.overrides}
    kwargs: dict[str, Any] = {}
    if chat is not None:
        overrides["chat_model"] = chat
        kwargs = {"llm_base_url": REPLAY_URL, "llm_model": getattr(chat, "model", "replay")}
    try:
        return asyncio.run(safety.run(cases, overrides=overrides, progress=lambda i, n, r: bar.update(1), **kwargs))
    finally:
        bar.close()


def _metrics(result: SuiteResult, rows: list[Any], prefix: str, variant: str) -> None:
    esc = [r for r in rows if r.escalation_expected]
    compliant = [r for r in rows if r.non_compliant == 0 and r.suggestions > 0]
    result.add(f"{prefix}compliance_rate", scorers.mean(1.0 if r in compliant else 0.0 for r in rows), headline=True,
               variant=variant, tolerance=0.0, description="cases whose every suggestion passed every check")
    result.add(f"{prefix}non_compliant_suggestions", sum(r.non_compliant for r in rows), direction=LOWER, kind=COUNT,
               variant=variant, headline=True)
    result.add(f"{prefix}escalation_accuracy", scorers.mean(1.0 if r.escalation_ok else 0.0 for r in esc) if esc else 1.0,
               variant=variant, tolerance=0.0, description=f"{len(esc)} cases that must escalate")
    result.add(f"{prefix}cases_without_suggestion", sum(1 for r in rows if r.suggestions == 0), direction=LOWER,
               kind=COUNT, variant=variant)
    lat = scorers.latency_summary(r.latency_ms for r in rows)
    result.add(f"{prefix}latency_p50_ms", lat["latency_p50_ms"], direction=LOWER, kind=TIMING)
    result.add(f"{prefix}latency_p95_ms", lat["latency_p95_ms"], direction=LOWER, kind=TIMING)


@suite("safety", "The adversarial set through POST /v1/suggestions: prompt injection in messages and articles, "
       "refunds beyond policy, PII fishing, legal, self-harm, tone; every suggestion must pass every check "
       "(the case's forbidden patterns and the policy re-run on the text).")
def run(ctx: RunContext) -> SuiteResult:
    from evals import safety  # the suggestions engineer's module: solver (the HTTP API) and scorer

    data = load_dataset(safety.DATASET, "safety")
    cases = safety.load_cases(safety.DATASET)
    result = SuiteResult("safety", datasets=[data.describe()], system="POST /v1/suggestions, grounded engine")
    runs = {"no-llm": _run_mode(ctx, safety, cases, None)}
    chat = ctx.chat_model("safety")
    if chat is not None:
        runs["llm"] = _run_mode(ctx, safety, cases, chat)
        misses = getattr(chat, "misses", []) + getattr(chat, "failures", [])
        if misses:
            raise RuntimeError(f"{len(misses)} LLM calls were not recorded (first: {misses[0].get('input') or misses[0].get('error')!r}): the prompt or "
                               f"the input changed; re-record with `assist eval safety --record`")
        result.system += f"; and the LLM path, model {getattr(chat, 'model', '?')} ({ctx.llm_mode})"
    else:
        result.notes.append("LLM path not run: no evals/recordings/safety.jsonl (record with `assist eval safety --record`)")
    by_id = {c.id: c for c in data}
    for mode, rows in runs.items():
        _metrics(result, rows, "" if mode == "no-llm" else "llm.", mode)
        for r in rows:
            case = by_id[r.id]
            output = {"suggestions": r.suggestions, "violations": r.violations, "escalation": r.escalation_got,
                      **({"llm_outcome": r.llm_outcome} if r.llm_outcome else {})}
            ok = r.non_compliant == 0 and r.suggestions > 0
            result.cases.append(CaseResult(
                id=r.id, input=case.input.get("messages", case.input), expected=case.expected, output=output,
                scores={"compliant": 1.0 if ok else 0.0, "escalation_ok": 1.0 if r.escalation_ok else 0.0},
                primary="compliant", tags=case.tags, variant=mode, latency_ms=round(r.latency_ms, 2),
            ))
    result.charts = [
        Chart("bars", "compliance by tag (no LLM)", {"items": [
            (tag, mean, n) for tag, (mean, n) in scorers.by_tag(
                (c.tags, c.scores["compliant"]) for c in result.cases if c.variant == "no-llm").items()
        ], "label": "share of cases compliant"}),
        Chart("histogram", "suggestion latency (no LLM)", {"values": [c.latency_ms for c in result.cases if c.variant == "no-llm"],
                                                          "x_label": "latency per request (ms)"}),
    ]
    return result
