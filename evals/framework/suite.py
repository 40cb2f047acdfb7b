"""What a suite is and what it returns.

A suite joins one or more datasets, a system under test (the service's own use cases, built on
the embedded defaults with ``overrides``) and scorers. Suites live in ``evals/suites/`` as thin
adapters onto each feature's eval module, and register themselves with :func:`register`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

HIGHER = "higher"
LOWER = "lower"

# Metric kinds: only "quality" and "count" metrics are compared with the baseline; "timing"
# varies from run to run and machine to machine, "judge" comes from an LLM and is reported apart.
QUALITY, COUNT, TIMING, JUDGE, INFO = "quality", "count", "timing", "judge", "info"

# Data splits: "dev" is what the system may be tuned on, "held_out" was written before tuning
# and is not looked at while tuning. Metrics are reported per split; the gate uses held-out.
DEV, HELD_OUT = "dev", "held_out"
SPLITS = (HELD_OUT, DEV)

# Provenance of a split's data, as the README and the reports state it.
WRITTEN_BEFORE_TUNING = "written by us before tuning"
PUBLIC = "public data set"
TUNED_ON = "tuned on"


@dataclass
class Metric:
    name: str
    value: float
    direction: str = HIGHER
    kind: str = QUALITY
    headline: bool = False
    tolerance: float | None = None
    """Default allowed drop before the gate fails (the baseline file may set its own)."""
    published: float | None = None
    """A published figure for the same data set, for context (never gated)."""
    published_source: str = ""
    variant: str = ""
    """The case variant this metric is computed over (e.g. a retrieval mode), for 'changed cases'."""
    description: str = ""
    split: str = ""
    """The data split the metric is computed on (``dev`` or ``held_out``), empty for neither."""

    @property
    def deterministic(self) -> bool:
        return self.kind in (QUALITY, COUNT, INFO)


@dataclass
class CaseResult:
    id: str
    input: Any
    expected: Any
    output: Any
    scores: dict[str, float]
    primary: str
    """The score that ranks the worst cases and detects changed cases."""
    tags: tuple[str, ...] = ()
    variant: str = ""
    latency_ms: float | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    split: str = ""

    @property
    def key(self) -> str:
        return f"{self.variant}/{self.id}" if self.variant else self.id

    @property
    def primary_score(self) -> float:
        return float(self.scores.get(self.primary, 0.0))


@dataclass
class Chart:
    kind: str
    """confusion | line | histogram | bars."""
    title: str
    data: dict[str, Any]


@dataclass
class SuiteResult:
    suite: str
    status: str = "ok"
    """ok | not_available | error."""
    reason: str = ""
    description: str = ""
    datasets: list[dict[str, Any]] = field(default_factory=list)
    system: str = ""
    """What was evaluated: engine, model, prompt id@version, embedder."""
    metrics: list[Metric] = field(default_factory=list)
    judged: list[Metric] = field(default_factory=list)
    cases: list[CaseResult] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comparison: dict[str, Any] | None = None
    """Side-by-side of two prompt versions: {"task", "versions", "metrics": {v: {...}}, "cases": [...]}."""
    seconds: float = 0.0
    provenance: dict[str, str] = field(default_factory=dict)
    """split -> where its data comes from (written by us before tuning / public data set / tuned on)."""
    html: str = ""
    """A suite's own HTML section for the report (already escaped), e.g. the gaps it found."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def metric(self, name: str) -> Metric | None:
        return next((m for m in self.metrics if m.name == name), None)

    def add(self, name: str, value: float, **kw: Any) -> Metric:
        if "split" not in kw:  # "held_out.x" / "dev.x" added by hand belong to their split
            kw["split"] = next((sp for sp in SPLITS if name.startswith(sp + ".")), "")
        m = Metric(name, round(float(value), 4), **kw)
        self.metrics.append(m)
        return m

    def add_split(self, name: str, values: dict[str, float | None], *, headline: bool = False, **kw: Any) -> list[Metric]:
        """``held_out.<name>`` and ``dev.<name>`` from ``{split: value}`` (a split without data is
        skipped). The held-out one is the headline; the dev one is a headline only when there is
        no held-out data (the gate then says so)."""
        out = []
        for split in SPLITS:
            if values.get(split) is None:
                continue
            head = headline and (split == HELD_OUT or values.get(HELD_OUT) is None)
            out.append(self.add(f"{split}.{name}", values[split], headline=head, split=split, **kw))
        return out

    @property
    def has_held_out(self) -> bool:
        return any(m.split == HELD_OUT for m in self.metrics)

    def gated(self, metric: Metric) -> bool:
        """Whether the gate compares ``metric``: quality and count metrics, and of those computed
        per split only the held-out ones when the suite has held-out data."""
        if metric.kind not in (QUALITY, COUNT):
            return False
        return not (metric.split == DEV and self.has_held_out)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Reporter(Protocol):
    def update(self, n: int = 1) -> Any: ...

    def close(self) -> Any: ...


@dataclass
class Suite:
    name: str
    """Dotted: "intents.store"; asking for "intents" runs every "intents.*" suite."""
    description: str
    run: Callable[[Any], SuiteResult]
    """run(ctx: RunContext) -> SuiteResult."""
    fast: bool = True
    """Fast suites run in the gate of every ``make test``."""
    needs_llm: bool = False
    prompt_tasks: tuple[str, ...] = ()
    """Prompt tasks whose version the suite honours (``--prompt-version TASK=V``)."""


_REGISTRY: dict[str, Suite] = {}


def register(suite: Suite) -> Suite:
    _REGISTRY[suite.name] = suite
    return suite


def suite(name: str, description: str, **kw: Any) -> Callable[[Callable[[Any], SuiteResult]], Callable[[Any], SuiteResult]]:
    """Decorator form of :func:`register`."""

    def wrap(fn: Callable[[Any], SuiteResult]) -> Callable[[Any], SuiteResult]:
        register(Suite(name, description, fn, **kw))
        return fn

    return wrap


def registry() -> dict[str, Suite]:
    import evals.suites  # noqa: F401  (registers the built-in suites)

    return dict(sorted(_REGISTRY.items()))


def select(names: list[str] | None, *, fast_only: bool = False) -> list[Suite]:
    """Suites by name or group prefix ("intents" → intents.*); all (or all fast ones) when none named."""
    all_suites = registry()
    if not names:
        return [s for s in all_suites.values() if s.fast or not fast_only]
    chosen: list[Suite] = []
    for name in names:
        matches = [s for n, s in all_suites.items() if n == name or n.startswith(name + ".")]
        if not matches:
            raise KeyError(f"no eval suite {name!r}; known: {', '.join(all_suites)}")
        chosen.extend(s for s in matches if s not in chosen)
    return chosen


class NotAvailable(Exception):
    """Raised by a suite whose system or data is missing: reported clearly, never scored."""


def failed(name: str, exc: BaseException) -> SuiteResult:
    if isinstance(exc, NotAvailable):
        return SuiteResult(name, status="not_available", reason=str(exc))
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith(("evals.", "service.")):
        return SuiteResult(name, status="not_available", reason=f"{exc.name} does not exist yet")
    tb = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return SuiteResult(name, status="error", reason=tb, notes=[traceback.format_exc(limit=6)])
