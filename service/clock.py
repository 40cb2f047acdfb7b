"""One clock for everything that needs "now": the machine's, or a pinned instant.

``ASSIST_NOW`` (ISO 8601, e.g. ``2026-11-15T12:00:00Z``) pins it; unset, it is the machine's
clock. Knowledge search (which articles are in force), summaries (which promises are overdue)
and the evals take a :class:`Clock`; tests and evals pass a pinned one, so their results do not
depend on the day they run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

PINNED_FOR_EVALS = "2026-11-15T12:00:00Z"
"""The date tests and evals run at unless they say otherwise."""


def machine_now() -> datetime:
    """The machine's clock: the only place the service reads it through a :class:`Clock`."""
    return datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date or date-time; a date-time without a zone is UTC. Raises ValueError."""
    raw = text.strip()
    if not raw:
        raise ValueError("empty")
    value = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith(("Z", "z")) else raw)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class Clock:
    pinned: datetime | None = None
    """The instant this clock always returns; None means ``source`` or the machine's clock."""
    source: Callable[[], datetime] | None = None
    """A function giving "now" (a test's movable clock); None means the machine's clock."""

    @classmethod
    def of(cls, value: Any) -> Clock:
        """A Clock from a Clock, a function returning a datetime, an instant or ISO 8601 text."""
        if isinstance(value, Clock):
            return value
        if isinstance(value, str | datetime):
            return cls.at(value)
        if callable(value):
            return cls(source=value)
        raise TypeError(f"not a clock: {value!r}")

    @classmethod
    def from_setting(cls, value: str) -> Clock:
        return cls(parse_instant(value)) if value.strip() else cls()

    @classmethod
    def at(cls, value: str | datetime) -> Clock:
        return cls(value if isinstance(value, datetime) else parse_instant(value))

    def now(self) -> datetime:
        if self.pinned is not None:
            return self.pinned
        return self.source() if self.source is not None else machine_now()

    def today(self) -> date:
        return self.now().date()

    def describe(self) -> str:
        if self.pinned is not None:
            return f"pinned at {self.pinned.isoformat()}"
        return "a given clock" if self.source is not None else "machine clock"
