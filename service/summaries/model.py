"""What a summary is: the :class:`Summary` both engines return, and its items.

Every item names its ``sources``: the ids of the interactions it comes from. The extractive
engine (:mod:`service.summaries.extractive`) and the LLM engine (:mod:`service.summaries.llm`)
fill the same types; the API serialises :meth:`Summary.to_dict`.
"""

from __future__ import annotations

from collections.abc import Callable
import copy
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from typing import Any

ENGINE_EXTRACTIVE = "extractive"
ENGINE_LLM = "llm"

Classify = Callable[[str], tuple[str | None, float]]
"""``classify(text) -> (intent or None, confidence)``: the intent classifier, optional."""


@dataclass
class Fact:
    kind: str
    value: str
    sources: list[str]
    given_by: str
    """Who stated it first: customer, agent, bot or system."""


@dataclass
class Commitment:
    type: str
    text: str
    status: str
    """kept | broken | pending."""
    made_at: str
    channel: str
    due: str | None
    evidence: str
    """Why the status: a fulfilling event or message, the customer's complaint, a passed due date."""
    sources: list[str]
    """The promise first, then the interactions that decided the status."""


@dataclass
class Issue:
    title: str
    status: str
    """open | waiting_on_business | promise_broken | resolved."""
    channels: list[str]
    threads: list[str]
    first_seen: str
    last_seen: str
    interaction_count: int
    sources: list[str]
    intent: str | None = None


@dataclass
class TimelineEntry:
    ts: str
    until: str
    channel: str
    thread_id: str | None
    kind: str
    text: str
    sources: list[str]


@dataclass
class Summary:
    customer_id: str | None
    engine: str
    headline: dict[str, Any]
    current_need: dict[str, Any]
    open_issues: list[Issue]
    commitments: list[Commitment]
    facts: list[Fact]
    timeline: list[TimelineEntry]
    sentiment: dict[str, Any]
    next_step: dict[str, Any]
    coverage: dict[str, Any]
    prompt: str | None = None
    model: str | None = None
    fallback_reason: str | None = None
    pii_masked: dict[str, int] = field(default_factory=dict)
    latency_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """What :func:`dataclasses.asdict` gives (a deep, plain copy), without its per-value
        ``deepcopy``: a 500-interaction summary is converted on every /v1/assist."""
        return _plain(self)

    def all_items(self) -> list[tuple[str, dict[str, Any]]]:
        """Every item that must name its sources, with its section (used by evals and tests)."""
        d = self.to_dict()
        items: list[tuple[str, dict[str, Any]]] = [("headline", d["headline"]), ("current_need", d["current_need"]),
                                                   ("sentiment", d["sentiment"]), ("next_step", d["next_step"])]
        for section in ("open_issues", "commitments", "facts", "timeline"):
            items.extend((section, x) for x in d[section])
        return items


def iso(dt: datetime) -> str:
    """A time as the summary writes it: UTC, ISO 8601, ``Z``."""
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


_LEAVES = (str, int, float, bool, type(None))
_EXACT_LEAVES = frozenset(_LEAVES)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
"""A dataclass's field names, looked up once per class (:func:`dataclasses.fields` builds them anew each call)."""


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _EXACT_LEAVES:  # most of a summary: the isinstance chain below only for what is not
        return value
    names = _FIELD_NAMES.get(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, _LEAVES):
        return value
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return type(value)(*[_plain(v) for v in value]) if hasattr(value, "_fields") else tuple(_plain(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
        return {name: _plain(getattr(value, name)) for name in names}
    return copy.deepcopy(value)

