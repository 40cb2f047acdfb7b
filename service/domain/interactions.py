"""Customer history as domain objects: interactions from any channel, validated once.

An :class:`Interaction` is one message or one system event. Wire payloads (JSON dicts) become
interactions through :func:`parse_interaction` / :func:`parse_history`, which raise
:class:`~service.errors.InvalidInput` (422) or :class:`~service.errors.PayloadTooLarge` (413)
with one entry per bad field, so a client sees every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from service.errors import InvalidInput, PayloadTooLarge

CHANNELS = ("chat", "email", "voice", "sms", "social", "web")
"""chat, e-mail, voice (call transcripts), SMS, social media, web forms."""
CHANNEL_ALIASES = {
    "phone": "voice",
    "call": "voice",
    "voice_transcript": "voice",
    "web_form": "web",
    "webform": "web",
    "form": "web",
    "text": "sms",
    "mail": "email",
    "e-mail": "email",
    "livechat": "chat",
    "live_chat": "chat",
}
DIRECTIONS = ("inbound", "outbound", "internal")
ROLES = ("customer", "agent", "bot", "system")
DEFAULT_DIRECTION = {"customer": "inbound", "agent": "outbound", "bot": "outbound", "system": "internal"}

EVENT_KINDS = (
    "order_placed",
    "order_shipped",
    "order_delivered",
    "order_cancelled",
    "order_updated",
    "payment_failed",
    "refund_requested",
    "refund_issued",
    "refund_rejected",
    "credit_issued",
    "return_requested",
    "return_received",
    "replacement_shipped",
    "exchange_shipped",
    "callback_scheduled",
    "callback_completed",
    "callback_missed",
    "ticket_opened",
    "ticket_escalated",
    "ticket_resolved",
    "ticket_closed",
    "ticket_reopened",
    "subscription_started",
    "subscription_cancelled",
    "account_updated",
    "address_changed",
    "survey_submitted",
    "note",
)
"""System event kinds with a known meaning; integrators may add their own prefixed ``x_``."""
KINDS = ("message", *EVENT_KINDS)
_CUSTOM_KIND_RE = re.compile(r"^x_[a-z0-9_]{1,30}$")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@/#+-]{0,127}$")
CUSTOMER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,127}$"
"""Customer ids appear in URL paths (GET /v1/customers/{id}/...): no '/' or '#' (issue 12)."""
_CUSTOMER_ID_RE = re.compile(CUSTOMER_ID_PATTERN)

MAX_TEXT_CHARS = 20_000
"""Longest accepted text of one interaction (a long e-mail thread fits; a log dump does not)."""
MAX_BATCH = 500
"""Most interactions in one POST /v1/interactions."""
MAX_INLINE_HISTORY = 2_000
"""Most interactions in a history passed inline to POST /v1/summaries."""
MAX_META_KEYS = 50
MAX_META_DEPTH = 16
"""Deepest nesting inside an interaction's metadata (stored as JSON, copied to the audit trail)."""


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_META_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
FUTURE_SKEW = timedelta(minutes=5)
"""How far in the future a timestamp may be (clock skew between systems)."""


@dataclass(frozen=True, slots=True)
class Interaction:
    id: str
    customer_id: str
    channel: str
    direction: str
    author_role: str
    ts: datetime
    text: str
    thread_id: str | None = None
    kind: str = "message"
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_event(self) -> bool:
        return self.kind != "message"

    def content_key(self) -> tuple[Any, ...]:
        """What must be identical for a re-sent interaction to count as the same one."""
        return (
            self.customer_id,
            self.channel,
            self.direction,
            self.author_role,
            self.ts.astimezone(UTC).replace(tzinfo=None),
            self.text,
            self.thread_id,
            self.kind,
            dict(self.meta),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "customer_id": self.customer_id,
            "channel": self.channel,
            "direction": self.direction,
            "author_role": self.author_role,
            "ts": self.ts.isoformat(),
            "text": self.text,
            "thread_id": self.thread_id,
            "kind": self.kind,
            "metadata": dict(self.meta),
        }


def parse_ts(value: Any) -> datetime:
    """ISO 8601 (``Z`` allowed) or epoch seconds; naive times are taken as UTC."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        dt = datetime.fromtimestamp(float(value), tz=UTC)
    elif isinstance(value, str) and value.strip():
        s = value.strip()
        if s.endswith(("Z", "z")):
            s = s[:-1] + "+00:00"
        dt = datetime.fromisoformat(s)
    else:
        raise ValueError("expected an ISO 8601 timestamp")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def normalise_channel(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    v = value.strip().lower()
    v = CHANNEL_ALIASES.get(v, v)
    return v if v in CHANNELS else None


def parse_interaction(
    raw: Any,
    *,
    where: str = "",
    customer_id: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> Interaction | None:
    """Validate one wire interaction.

    With ``errors`` given, problems are appended there (``{"key", "message"}``) and ``None`` is
    returned; without it, the first problem raises :class:`InvalidInput`.
    """
    collect = errors is not None
    errs: list[dict[str, Any]] = errors if errors is not None else []
    start = len(errs)

    def bad(key: str, message: str) -> None:
        errs.append({"key": f"{where}{key}", "message": message})

    if not isinstance(raw, Mapping):
        bad("", "each interaction must be a JSON object")
        return _finish(collect, errs, start)

    iid = raw.get("id")
    if not isinstance(iid, str) or not _ID_RE.match(iid):
        bad("id", "required: 1-128 characters, letters, digits and _ . : @ / # + -")
    cid = raw.get("customer_id", customer_id)
    if customer_id is not None and cid != customer_id:
        bad("customer_id", f"does not match the customer of this request ({customer_id!r})")
    if not isinstance(cid, str) or not _CUSTOMER_ID_RE.match(cid):
        bad("customer_id", "required: 1-128 characters, letters, digits and _ . : @ + - (no '/' or '#': it is used in URLs)")

    channel = normalise_channel(raw.get("channel"))
    if channel is None:
        bad("channel", f"unknown channel {raw.get('channel')!r}; expected one of {', '.join(CHANNELS)}")

    role = raw.get("author_role", raw.get("role"))
    if role not in ROLES:
        bad("author_role", f"unknown author role {role!r}; expected one of {', '.join(ROLES)}")

    direction = raw.get("direction") or (DEFAULT_DIRECTION.get(role) if isinstance(role, str) else None)
    if direction not in DIRECTIONS and (raw.get("direction") or role in ROLES):
        bad("direction", f"unknown direction {raw.get('direction')!r}; expected one of {', '.join(DIRECTIONS)}")

    kind = raw.get("kind") or ("message" if role != "system" else None)
    if kind is None:
        bad("kind", "a system interaction needs a kind (an event name such as order_placed)")
    elif not isinstance(kind, str) or not (kind in KINDS or _CUSTOM_KIND_RE.match(kind)):
        bad("kind", f"unknown kind {kind!r}; expected 'message', a known event ({', '.join(EVENT_KINDS)}) or x_<name>")

    ts = None
    try:
        ts = parse_ts(raw.get("ts", raw.get("timestamp")))
    except (ValueError, TypeError, OverflowError, OSError):
        bad("ts", "required: an ISO 8601 timestamp such as 2024-05-01T09:30:00Z")
    if ts is not None and ts > (now or datetime.now(UTC)) + FUTURE_SKEW:
        bad("ts", "is in the future")

    text = raw.get("text", "")
    if text is None:
        text = ""
    if not isinstance(text, str):
        bad("text", "must be a string")
        text = ""
    elif len(text) > MAX_TEXT_CHARS:
        errs.append({"key": f"{where}text", "message": f"is {len(text)} characters; the limit is {MAX_TEXT_CHARS}", "status": 413})
    elif kind == "message" and not text.strip():
        bad("text", "a message needs text")

    thread = raw.get("thread_id")
    if thread is not None and (not isinstance(thread, str) or not _ID_RE.match(thread)):
        bad("thread_id", "must be 1-128 characters, letters, digits and _ . : @ / # + -")

    meta = raw.get("metadata", raw.get("meta")) or {}
    if not isinstance(meta, Mapping):
        bad("metadata", "must be a JSON object")
        meta = {}
    elif len(meta) > MAX_META_KEYS:
        bad("metadata", f"has {len(meta)} keys; the limit is {MAX_META_KEYS}")
    elif _depth(meta) > MAX_META_DEPTH:
        bad("metadata", f"is nested deeper than {MAX_META_DEPTH} levels")

    if len(errs) > start:
        return _finish(collect, errs, start)
    return Interaction(
        id=iid,
        customer_id=cid,
        channel=channel,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
        author_role=role,  # type: ignore[arg-type]
        ts=ts,  # type: ignore[arg-type]
        text=text,
        thread_id=thread,
        kind=kind,  # type: ignore[arg-type]
        meta=dict(meta),
    )


def _finish(collect: bool, errs: list[dict[str, Any]], start: int) -> None:
    if not collect:
        raise_for(errs[start:])
    return None


def raise_for(errors: list[dict[str, Any]]) -> None:
    """Raise the right error for a list of field problems: 413 for oversized text, else 422."""
    if not errors:
        return
    first = errors[0]
    summary = f"{first['key']}: {first['message']}" if first.get("key") else first["message"]
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    clean = [{"key": e["key"], "message": e["message"]} for e in errors[:100]]
    if any(e.get("status") == 413 for e in errors):
        big = next(e for e in errors if e.get("status") == 413)
        raise PayloadTooLarge(f"{big['key']}: {big['message']}", errors=clean)
    raise InvalidInput(summary + more, errors=clean)


def parse_batch(
    raws: Sequence[Any],
    *,
    limit: int = MAX_BATCH,
    customer_id: str | None = None,
    require_time_order: bool = False,
    field_name: str = "interactions",
    now: datetime | None = None,
    single: bool = False,
) -> list[Interaction]:
    """Validate a list of wire interactions; every problem is reported, then one error raised.

    Duplicate ids inside one list are accepted when the two copies are identical (a client that
    retries inside a batch) and rejected otherwise.
    """
    if not isinstance(raws, Sequence) or isinstance(raws, (str, bytes)):
        raise InvalidInput(f"{field_name} must be a list of interactions")
    if not raws:
        raise InvalidInput(f"{field_name} is empty")
    if len(raws) > limit:
        raise PayloadTooLarge(f"{field_name} has {len(raws)} interactions; the limit is {limit} per request")
    now = now or datetime.now(UTC)
    errors: list[dict[str, Any]] = []
    out: list[Interaction] = []
    seen: dict[str, Interaction] = {}
    for i, raw in enumerate(raws):
        item = parse_interaction(raw, where=f"{field_name}." if single else f"{field_name}[{i}].", customer_id=customer_id, errors=errors, now=now)
        if item is None:
            continue
        prev = seen.get(item.id)
        if prev is not None:
            if prev.content_key() != item.content_key():
                errors.append({"key": f"{field_name}[{i}].id", "message": f"id {item.id!r} appears twice with different content"})
            continue
        seen[item.id] = item
        out.append(item)
    if require_time_order and not errors:
        errors.extend(time_order_problems(out, field_name=field_name))
    raise_for(errors)
    return out


def time_order_problems(items: Sequence[Interaction], *, field_name: str = "history") -> list[dict[str, Any]]:
    """One problem per interaction that is older than the one before it."""
    problems = []
    for i in range(1, len(items)):
        if items[i].ts < items[i - 1].ts:
            problems.append(
                {
                    "key": f"{field_name}[{i}].ts",
                    "message": (
                        f"history is out of time order: {items[i].id!r} ({items[i].ts.isoformat()}) is older "
                        f"than the interaction before it, {items[i - 1].id!r} ({items[i - 1].ts.isoformat()}); "
                        "send the history oldest first"
                    ),
                }
            )
            if len(problems) >= 10:
                break
    return problems


def parse_history(raws: Sequence[Any], *, customer_id: str | None = None, now: datetime | None = None) -> list[Interaction]:
    """An inline history for a summary: validated, oldest first (out of order → 422).

    Interactions of an inline history may omit ``customer_id``; it defaults to ``customer_id``
    or to ``"inline"``.
    """
    if isinstance(raws, Sequence) and not isinstance(raws, (str, bytes)):
        default = customer_id or "inline"
        raws = [
            ({**r, "customer_id": r.get("customer_id") or default} if isinstance(r, Mapping) else r) for r in raws
        ]
    return parse_batch(
        raws, limit=MAX_INLINE_HISTORY, require_time_order=True, field_name="history", now=now
    )


def sort_history(items: Iterable[Interaction]) -> list[Interaction]:
    """Oldest first; ties keep their order (stable sort)."""
    return sorted(items, key=lambda it: it.ts)


# -- identities ---------------------------------------------------------------------------------

IDENTITY_KINDS = ("email", "phone", "social", "external")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalise_handle(kind: Any, value: Any) -> tuple[str, str]:
    """Canonical (kind, value) of a customer handle; raises :class:`InvalidInput`.

    E-mail addresses are lower-cased; phone numbers keep digits and a leading ``+``; social
    handles are lower-cased and written ``network:handle`` (``twitter:@jane`` → ``twitter:jane``).
    """
    if kind not in IDENTITY_KINDS:
        raise InvalidInput(f"unknown handle kind {kind!r}; expected one of {', '.join(IDENTITY_KINDS)}")
    if not isinstance(value, str) or not value.strip() or len(value) > 256:
        raise InvalidInput(f"a {kind} handle needs a value of 1-256 characters")
    v = value.strip()
    if kind == "email":
        v = v.lower()
        if not _EMAIL_RE.match(v):
            raise InvalidInput(f"{value!r} is not an e-mail address")
    elif kind == "phone":
        digits = "".join(ch for ch in v if ch.isdigit())
        if not 7 <= len(digits) <= 15:
            raise InvalidInput(f"{value!r} is not a phone number (7-15 digits)")
        v = ("+" if v.startswith("+") else "") + digits
    elif kind == "social":
        v = v.lower().replace(":@", ":")
        if v.startswith("@"):
            v = v[1:]
    return kind, v
