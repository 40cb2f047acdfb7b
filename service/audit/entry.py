"""What callers hand the trail (:class:`AuditEntry`), how it becomes a stored record (PII masked,
the original input hashed), and how a record reads back (:func:`record_to_dict`)."""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import structlog

from service.audit.chain import ChainRecord, canonical_text, iso, jsonable, sha256
from service.domain.pii import Redactor
from service.errors import InvalidInput

_LIMITS = {"key_id": 32, "endpoint": 64, "request_id": 64, "customer_id": 128, "prompt": 128, "model": 128, "outcome": 32}


@dataclass
class AuditEntry:
    """One answer to record. ``input`` is the raw request: the trail stores a PII-redacted copy
    and the hash of the original. Give ``input_redacted`` instead when the caller already masked
    it. ``output``, ``policy`` and ``params`` are PII-masked too (identifiers under ``*_id`` keys
    are kept); still, pass ids, versions and decisions there, not free customer text.
    ``tenant_id``, ``key_id`` and ``request_id`` default to the current request's."""

    endpoint: str
    tenant_id: str | None = None
    input: Any = None
    input_redacted: Any = None
    customer_id: str | None = None
    articles: list[Any] = field(default_factory=list)
    prompt: str | None = None
    model: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=dict)
    outcome: str = "ok"
    latency_ms: float = 0.0
    output: Any = None
    key_id: str | None = None
    request_id: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AuditEntry:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(f"audit entry has unknown field(s) {', '.join(unknown)}")
        return cls(**{k: v for k, v in data.items() if v is not None or k in ("input", "output")})

    @classmethod
    def of(cls, entry: AuditEntry | Mapping[str, Any]) -> AuditEntry:
        return entry if isinstance(entry, AuditEntry) else cls.from_mapping(entry)


@dataclass(frozen=True)
class AuditQuery:
    since: datetime | None = None
    until: datetime | None = None
    endpoint: str | None = None
    customer_id: str | None = None
    prompt: str | None = None
    """``id@version``, or an id alone for every version."""
    outcome: str | None = None
    request_id: str | None = None


# ---- masking ----------------------------------------------------------------------------------


def _is_identifier(key: str | None) -> bool:
    k = (key or "").lower()
    return k in {"id", "ids", "ref", "refs", "prompt", "model"} or k.endswith(("_id", "_ids", "_hash", "_ref"))


def redact_value(value: Any, redactor: Any, key: str | None = None) -> Any:
    """Every string in a JSON-like value, PII masked (placeholders stable within one redactor),
    except identifiers (keys ``id``, ``*_id``, ``*_ids``, ``*_hash``...): the phone detector
    would otherwise mangle the odd UUID."""
    if redactor is None:
        return value
    if isinstance(value, str):
        return value if _is_identifier(key) else redactor.redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v, redactor, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, redactor, key) for v in value]
    return value


def _as_object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def build_record(entry: AuditEntry) -> ChainRecord:
    """The record ``entry`` makes, not yet linked into its chain. Fills the tenant, key id and
    request id from the current request's context when the entry has none."""
    ctx = structlog.contextvars.get_contextvars()
    tenant = entry.tenant_id or ctx.get("tenant")
    if not tenant:
        raise InvalidInput("an audit entry needs a tenant")
    # The input's canonical text is hashed as is: json.loads of it read back and spelled again
    # is the same text (what jsonable would hand canonical).
    original_text = canonical_text(entry.input_redacted if entry.input_redacted is not None else entry.input)
    original = None if original_text is None else json.loads(original_text)
    redactor = Redactor()  # one per record: its placeholders are numbered within the record
    # redact_value of a JSON value (string keys in sorted order, finite numbers) is a JSON value
    # of the same shape: no second jsonable round trip is needed for what it returns.
    redacted = redact_value(original, redactor)
    values = {
        "key_id": entry.key_id or ctx.get("key_id"),
        "endpoint": entry.endpoint,
        "request_id": entry.request_id or ctx.get("request_id"),
        "customer_id": None if entry.customer_id is None else str(entry.customer_id),
        "prompt": entry.prompt,
        "model": entry.model,
        "outcome": entry.outcome or "ok",
    }
    for name, limit in _LIMITS.items():
        if isinstance(values[name], str) and len(values[name]) > limit:
            values[name] = values[name][:limit]
    latency = entry.latency_ms if isinstance(entry.latency_ms, (int, float)) and math.isfinite(entry.latency_ms) else 0.0
    return ChainRecord(
        id=str(uuid.uuid4()),
        tenant_id=tenant,
        input_redacted=redacted if isinstance(redacted, dict) else {"value": redacted},
        input_hash=sha256("null" if original_text is None else original_text),
        articles=jsonable(list(entry.articles or [])),
        params=redact_value(jsonable(dict(entry.params or {})), redactor),
        tokens=jsonable(dict(entry.tokens or {})),
        # issue 8: findings and outputs may quote restored contact details; the copy is masked
        policy=redact_value(jsonable(dict(entry.policy or {})), redactor),
        latency_ms=round(float(latency), 3),
        output=_as_object(redact_value(jsonable(entry.output), redactor)),
        erased=False,
        **values,
    )


# ---- reading back -----------------------------------------------------------------------------


def record_to_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "tenant_id": row.tenant_id,
        "seq": row.seq,
        "created_at": iso(row.created_at),
        "key_id": row.key_id,
        "endpoint": row.endpoint,
        "request_id": row.request_id,
        "customer_id": row.customer_id,
        "input": row.input_redacted,
        "input_hash": row.input_hash,
        "articles": row.articles,
        "prompt": row.prompt,
        "model": row.model,
        "params": row.params,
        "tokens": row.tokens,
        "policy": row.policy,
        "outcome": row.outcome,
        "latency_ms": row.latency_ms,
        "output": row.output,
        "erased": row.erased,
        "prev_hash": row.prev_hash,
        "record_hash": row.record_hash,
        "personal_hash": row.personal_hash,
    }


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
