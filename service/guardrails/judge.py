"""The optional grounding judge: a second, cheap LLM call that may veto a reply.

Runs only when ``ASSIST_LLM_GROUNDING_JUDGE`` is on and only on a reply that already passed
every deterministic check. The judge sees the reply and the cited in-force passages and answers
``{"verdict": "supported" | "unsupported", "unsupported": [...]}``. ``unsupported`` refuses
the reply (the findings name the claims); anything else — "supported", an invalid answer (not
JSON, or not the prompt's ``output_schema``, checked with jsonschema), a
failed or skipped call — leaves the checks' verdict as it is: the judge never approves alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.llm.answers import json_object, schema_errors

MAX_EXCERPTS = 24


async def veto(gateway: Any, prompt: Any, reply: str, excerpts: Sequence[str], *, timeout_s: float | None = None,
               calls: list[Any] | None = None) -> list[str]:
    """The judge's findings when it refuses ``reply``; ``[]`` when it does not (or cannot)."""
    messages = prompt.render(reply=reply, excerpts=list(excerpts)[:MAX_EXCERPTS])
    try:
        result, call = await gateway.complete("grounding_judge", messages, prompt_params=prompt.params, json_mode=True,
                                              schema=prompt.output_schema or None, timeout_s=timeout_s)
    except Exception:  # LLMSkipped or anything else: no veto, the checks stand
        return []
    if calls is not None:
        calls.append(call)
    try:
        data = json_object(result.text)
    except ValueError:
        return []
    if isinstance(data.get("verdict"), str):
        data["verdict"] = data["verdict"].lower()
    schema = getattr(prompt, "output_schema", None)
    if schema and schema_errors(data, schema):  # not the answer the prompt asks for
        return []
    if str(data.get("verdict", "")).lower() != "unsupported":
        return []
    claims = [str(c)[:160] for c in (data.get("unsupported") or []) if str(c).strip()][:5]
    return [f"grounding judge: claim not supported by the cited excerpts: {c!r}" for c in claims] or [
        "grounding judge: the reply states something the cited excerpts do not support"]
