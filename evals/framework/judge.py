"""The optional LLM judge: a versioned prompt (``evals/prompts/judge_reply@<v>.md``) scoring
replies 1-5, only when an LLM is there (live, or its answers recorded), reported apart from the
deterministic scores and never gated. Its calls go through the run's ChatModel for the
``<suite>.judge`` recording, so judged numbers replay too."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.framework.suite import JUDGE, Metric

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


@dataclass
class JudgeItem:
    case_key: str
    customer: str
    reply: str
    sources: list[str]


def load_prompt(version: int = 1) -> Any:
    from service.prompts.registry import load_prompt as load  # the repo's one prompt-file loader

    return load(PROMPTS / f"judge_reply@{version}.md")


def parse_score(text: str) -> float | None:
    try:
        obj = json.loads(text)
        score = obj.get("score") if isinstance(obj, dict) else None
    except json.JSONDecodeError:
        m = re.search(r'"?score"?\s*[:=]\s*([1-5])', text)
        score = int(m.group(1)) if m else None
    if isinstance(score, int | float) and 1 <= score <= 5:
        return (float(score) - 1) / 4
    return None


def judge(model: Any, items: list[JudgeItem], version: int = 1) -> tuple[list[Metric], dict[str, float]]:
    """Judge every item; returns the aggregate metrics and each case's 0-1 score."""
    prompt = load_prompt(version)
    params = prompt.params

    async def go() -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for item in items:
            messages = prompt.render(customer=item.customer, reply=item.reply, sources=item.sources)
            try:
                result = await model.complete(messages, temperature=params.get("temperature", 0.0),
                                              max_tokens=params.get("max_tokens", 120), json_mode=params.get("json_mode", True))
                out[item.case_key] = parse_score(result.text)
            except Exception:  # a judge failure is a missing score, not a failed eval
                out[item.case_key] = None
        return out

    raw = asyncio.run(go())
    scored = {k: v for k, v in raw.items() if v is not None}
    metrics = [
        Metric("judge.reply_quality", round(sum(scored.values()) / len(scored), 4) if scored else 0.0, kind=JUDGE,
               description=f"{prompt.ref}: mean of (score-1)/4 over {len(scored)} of {len(items)} replies"),
        Metric("judge.unparsed", len(raw) - len(scored), direction="lower", kind=JUDGE,
               description="judge answers that were not a 1-5 score"),
    ]
    return metrics, scored
