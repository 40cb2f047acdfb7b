"""Continuity suite: 40 cross-channel customer histories answered through POST /v1/assist.

Each case stores its history (3 channels, 7-51 interactions), then asks /v1/assist with the
customer's id or linked e-mail handle. Scored per split (dev and held_out, written before any
tuning; held_out is the headline): fact recall, commitment status accuracy, current-need hit,
re-asks of facts already given (target 0), broken commitments acknowledged (target 0.9).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from evals.framework import LOWER, TIMING, CaseResult, RunContext, SuiteResult, load_dataset, scorers, suite

SPLITS = ("held_out", "dev")


@suite("continuity", "Cross-channel histories through POST /v1/assist (no LLM): facts, commitment status, current "
       "need, re-asks of given facts, broken promises acknowledged; dev and held_out halves.")
def run(ctx: RunContext) -> SuiteResult:
    from evals.continuity.run import answer_cases, build_app, with_client
    from evals.continuity.score import aggregate, score_case

    data = load_dataset("continuity")
    result = SuiteResult("continuity", datasets=[data.describe()],
                         system="POST /v1/assist on stored history, grounded engine (no LLM), pinned at 2026-11-15T12:00Z")

    async def go() -> list[tuple[Any, dict[str, Any], float]]:
        with tempfile.TemporaryDirectory(prefix="assist-eval-") as tmp:
            settings = ctx.eval_settings(Path(tmp))
            app = build_app(settings, {"embedder": ctx.embedder(), "counter": ctx.counter(), **ctx.service_overrides()})
            return await with_client(app, settings.content.knowledge_dir, lambda client: answer_cases(client, list(data)))

    rows = asyncio.run(go())
    by_split: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    for case, body, latency in rows:
        scores = score_case(case.expected, body)
        split = case.meta.get("split", "dev")
        by_split.setdefault(split, []).append(scores)
        top = (body.get("suggestions") or [{}])[0]
        result.cases.append(CaseResult(
            id=case.id, input={"request": case.input["request"], "interactions": len(case.input["history"])},
            expected=case.expected,
            output={"reply": top.get("text"), "history_citations": top.get("history_citations"),
                    "need": (body.get("summary") or {}).get("current_need", {}).get("text")},
            scores={k: v for k, v in scores.items() if v is not None}, primary="commitment_status",
            tags=(*case.tags, split), variant="", latency_ms=round(latency, 2)))
    for split in SPLITS:
        agg = aggregate(by_split.get(split, []))
        head = split == "held_out"
        result.add(f"{split}.fact_recall", agg["fact_recall"], headline=head)
        result.add(f"{split}.commitment_status_accuracy", agg["commitment_status_accuracy"], headline=head)
        result.add(f"{split}.current_need_hit", agg["current_need_hit"], headline=head)
        result.add(f"{split}.re_asks", agg["re_asks"], direction=LOWER, headline=head, tolerance=0.0,
                   description="sentences asking for a fact the customer already gave (target 0)")
        result.add(f"{split}.broken_acknowledged", agg["broken_acknowledged"], headline=head,
                   description="stories with a broken promise whose top reply acknowledges one, citing it (target 0.9)")
    lat = scorers.latency_summary(c.latency_ms for c in result.cases)
    result.add("latency_p50_ms", lat["latency_p50_ms"], direction=LOWER, kind=TIMING)
    return result
