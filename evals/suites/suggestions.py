"""Suggestions suite: reply suggestions for realistic single-message conversations, scored by the
framework's deterministic text scorers (citations, groundedness per sentence against the cited
chunks and the cited articles' approved replies, the policy checks, channel length).

Data: every fourth query of ``evals/datasets/retrieval.jsonl`` (60 cases), asked on chat, email
and SMS in turn; its expected articles tell whether the reply cites the right one. The system
under test is the suggestion service (grounded engine) on the sample knowledge.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from evals.framework import LOWER, TIMING, CaseResult, Chart, RunContext, SuiteResult, load_dataset, scorers, suite

CHANNELS = ("chat", "email", "sms")
EVERY = 4


@suite("suggestions", "Reply suggestions (grounded engine) for 60 customer messages on chat, email and SMS: "
       "valid citations, citing an expected article, groundedness of each sentence against its cited sources, "
       "policy checks passed, channel length.")
def run(ctx: RunContext) -> SuiteResult:
    from service.assist.suggest import Conversation, Message
    from service.knowledge.articles import load_dir

    data = load_dataset("retrieval")
    cases = [c for i, c in enumerate(data) if i % EVERY == 0]
    replies = {a.id: list(a.replies.values()) for a in load_dir(ctx.content_path("knowledge_dir")).articles}
    result = SuiteResult("suggestions", datasets=[{**data.describe(), "cases": len(cases), "name": f"retrieval[every {EVERY}th]"}],
                         system="SuggestionService, grounded engine (no LLM), n=3")

    async def go() -> list[tuple[Any, str, Any, float]]:
        out = []
        bar = ctx.bar(len(cases), "suggestions")
        try:
            async with ctx.container() as c:
                suggester = c.extras["suggester"]
                for i, case in enumerate(cases):
                    channel = CHANNELS[i % len(CHANNELS)]
                    conv = Conversation(channel, [Message("customer", case.input["query"])], conversation_id=case.id)
                    t0 = time.perf_counter()
                    r = await suggester.suggest("eval", conv, n=3, use_llm=False)
                    out.append((case, channel, r, (time.perf_counter() - t0) * 1000))
                    bar.update(1)
        finally:
            bar.close()
        return out

    rows = asyncio.run(go())
    sources_of: dict[str, list[str]] = {}
    for case, channel, r, latency in rows:
        top = r.suggestions[0] if r.suggestions else None
        chunks = {h.chunk_id: h.text for h in r.knowledge}
        retrieved = {h.article_id for h in r.knowledge}
        if top is None:
            scores = {"citation_valid": 0.0, "cites_expected": 0.0, "grounded": 0.0, "policy_pass": 0.0, "within_length": 0.0}
        else:
            cited = [x["article_id"] for x in top.citations]
            sources = [chunks.get(x.get("chunk_id"), "") for x in top.citations] + [t for a in cited for t in replies.get(a, [])]
            sources_of[case.id] = sources
            length = next((ch for ch in top.checks if ch["check"] == "channel"), None)
            scores = {
                "citation_valid": round(scorers.citation_validity(cited, retrieved), 4) if cited else 0.0,
                "cites_expected": 1.0 if set(cited) & set(case.expected["article_ids"]) else 0.0,
                "grounded": round(scorers.groundedness(top.text, sources), 4),
                "policy_pass": 1.0 if all(ch["passed"] for s in r.suggestions for ch in s.checks) else 0.0,
                "within_length": 1.0 if length is None or length["passed"] else 0.0,
            }
        scores["overall"] = round(scorers.mean(scores.values()), 4)
        result.cases.append(CaseResult(
            id=case.id, input={"channel": channel, "message": case.input["query"]}, expected=case.expected,
            output=({"reply": top.text, "citations": [x["article_id"] for x in top.citations], "engine": top.engine}
                    if top else {"reply": None}),
            scores=scores, primary="overall", tags=(*case.tags, channel), latency_ms=round(latency, 2),
        ))
    cs = result.cases
    result.add("cites_expected_article", scorers.mean(c.scores["cites_expected"] for c in cs), headline=True,
               tolerance=0.034, description="the top reply cites one of the case's expected articles")
    result.add("groundedness", scorers.mean(c.scores["grounded"] for c in cs), headline=True,
               description="share of the top reply's sentences supported by its cited chunks and approved replies")
    result.add("citation_validity", scorers.mean(c.scores["citation_valid"] for c in cs),
               description="cited articles that were among the approved, in-force search hits")
    result.add("policy_pass_rate", scorers.mean(c.scores["policy_pass"] for c in cs), headline=True, tolerance=0.0)
    result.add("within_channel_length", scorers.mean(c.scores["within_length"] for c in cs), tolerance=0.0)
    lat = scorers.latency_summary(c.latency_ms for c in cs)
    result.add("latency_p50_ms", lat["latency_p50_ms"], direction=LOWER, kind=TIMING)
    result.add("latency_p95_ms", lat["latency_p95_ms"], direction=LOWER, kind=TIMING)
    if ctx.judge:
        _judge(ctx, result, sources_of)
    result.charts = [
        Chart("bars", "top reply score by channel and tag", {"items": [
            (tag, mean, n) for tag, (mean, n) in scorers.by_tag((c.tags, c.scores["overall"]) for c in cs).items() if n >= 3
        ], "label": "mean of the per-case scores"}),
        Chart("histogram", "suggestion latency (grounded)", {"values": [c.latency_ms for c in cs], "x_label": "latency (ms)"}),
    ]
    return result


def _judge(ctx: RunContext, result: SuiteResult, sources_of: dict[str, list[str]]) -> None:
    """The optional LLM judge (reported apart, never gated), replayed like any LLM call."""
    from evals.framework.judge import JudgeItem, judge

    model = ctx.chat_model("suggestions.judge")
    if model is None:
        result.notes.append("LLM judge not run: no evals/recordings/suggestions.judge.jsonl and no --live/--record")
        return
    items = [JudgeItem(c.key, c.input["message"], c.output.get("reply") or "", sorted(set(sources_of.get(c.id, []))))
             for c in result.cases]
    metrics, per_case = judge(model, items)
    result.judged.extend(metrics)
    for c in result.cases:
        if c.key in per_case:
            c.scores["judge"] = round(per_case[c.key], 4)
    if getattr(model, "misses", None):
        result.notes.append(f"LLM judge: {len(model.misses)} replies had no recorded verdict (re-record with --record --judge)")
