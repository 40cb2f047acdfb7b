"""An LLM's JSON answer: the object pulled out of the text, validated with ``jsonschema``
against the ``output_schema`` of the prompt that asked for it (:mod:`service.prompts.registry`)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


def json_object(text: str) -> dict[str, Any]:
    """The JSON object of an answer (code fences and text around the braces ignored); raises
    ValueError saying what is wrong."""
    stripped = _FENCE.sub("", text.strip())
    start, end = stripped.find("{"), stripped.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("the output is not a JSON object")
    try:
        data = json.loads(stripped[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"the output is not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("the output is not a JSON object")
    return data


@lru_cache(maxsize=64)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json))


def schema_errors(data: Any, schema: dict[str, Any]) -> list[ValidationError]:
    """Every way ``data`` breaks ``schema`` (empty when it matches)."""
    return list(_validator(json.dumps(schema, sort_keys=True)).iter_errors(data))


def missing_keys(errors: list[ValidationError]) -> list[str]:
    """The required keys the errors say are missing at the top level, in the schema's order."""
    out: list[str] = []
    for e in errors:
        if e.validator == "required" and not e.absolute_path:
            required = e.validator_value if isinstance(e.validator_value, list) else []
            out += [k for k in required if isinstance(e.instance, dict) and k not in e.instance and k not in out]
    return out


def check_schema(schema: dict[str, Any]) -> str | None:
    """Why ``schema`` is not a valid JSON schema, or None."""
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as exc:  # jsonschema.SchemaError
        return getattr(exc, "message", str(exc))
    return None
