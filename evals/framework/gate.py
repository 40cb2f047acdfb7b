"""The baseline and the gate: did a metric drop by more than its stated tolerance?

``evals/baseline/<suite>.json`` holds, per suite, the dataset versions, every deterministic
metric with its direction and tolerance, and each case's primary score (so a failure can name
the cases that changed). Tolerances are reviewed content: ``--update-baseline`` rewrites values
and cases but keeps a tolerance someone edited by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.framework.dataset import REPO
from evals.framework.suite import COUNT, HIGHER, LOWER, QUALITY, SuiteResult

BASELINE_DIR = REPO / "evals" / "baseline"
DEFAULT_TOLERANCE = {QUALITY: 0.02, COUNT: 0.0}
GATED_KINDS = (QUALITY, COUNT)


def _metric_tolerance(metric: Any) -> float:
    return metric.tolerance if metric.tolerance is not None else DEFAULT_TOLERANCE.get(metric.kind, 0.0)


def baseline_of(result: SuiteResult, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    kept = (previous or {}).get("metrics", {})
    metrics = {}
    for m in result.metrics:
        if not result.gated(m):
            continue
        tolerance = kept.get(m.name, {}).get("tolerance", _metric_tolerance(m))
        metrics[m.name] = {"value": m.value, "direction": m.direction, "tolerance": tolerance, "kind": m.kind}
        if m.variant:
            metrics[m.name]["variant"] = m.variant
    return {
        "suite": result.suite,
        "datasets": result.datasets,
        "system": result.system,
        "metrics": metrics,
        "provenance": result.provenance,
        "cases": {c.key: round(c.primary_score, 4) for c in sorted(result.cases, key=lambda c: c.key)},
    }


def load_baseline(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Suite name -> baseline, from a baseline directory or a previous run's report.json."""
    path = Path(path or BASELINE_DIR)
    if path.is_dir():
        out = {}
        for f in sorted(path.glob("*.json")):
            data = json.loads(f.read_text(encoding="utf-8"))
            out[data["suite"]] = data
        return out
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        if "suites" not in data:
            raise ValueError(f"{path} is neither a baseline directory nor a report.json")
        out = {}
        for s in data["suites"]:
            if s.get("status") != "ok":
                continue
            from evals.framework.report import suite_from_dict

            result = suite_from_dict(s)
            out[s["suite"]] = baseline_of(result)
        return out
    raise FileNotFoundError(f"no baseline at {path}")


def write_baseline(results: list[SuiteResult], directory: Path | None = None) -> list[Path]:
    directory = Path(directory or BASELINE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for r in results:
        if not r.ok:
            continue
        f = directory / f"{r.suite}.json"
        previous = json.loads(f.read_text(encoding="utf-8")) if f.is_file() else None
        f.write_text(json.dumps(baseline_of(r, previous), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(f)
    return written


@dataclass
class Finding:
    suite: str
    metric: str
    baseline: float | None
    current: float | None
    tolerance: float
    direction: str
    status: str
    """ok | regressed | improved | missing | suite-not-run."""
    worse_cases: list[dict[str, Any]] = field(default_factory=list)
    better_cases: list[dict[str, Any]] = field(default_factory=list)
    detail: str = ""

    @property
    def delta(self) -> float | None:
        if self.baseline is None or self.current is None:
            return None
        return round(self.current - self.baseline, 4)

    def describe(self) -> str:
        if self.status == "suite-not-run":
            return f"{self.suite}: did not run ({self.detail}) but has a baseline"
        if self.status == "missing":
            return f"{self.suite}.{self.metric}: in the baseline but no longer reported"
        arrow = "dropped" if self.status == "regressed" else "rose"
        text = (f"{self.suite}.{self.metric} {arrow} from {self.baseline:g} to {self.current:g} "
                f"(delta {self.delta:+g}, tolerance {self.tolerance:g}, {self.direction} is better)")
        if self.worse_cases:
            shown = ", ".join(f"{c['case']} {c['baseline']:g}->{c['current']:g}" for c in self.worse_cases[:10])
            more = f" and {len(self.worse_cases) - 10} more" if len(self.worse_cases) > 10 else ""
            text += f"; cases that got worse: {shown}{more}"
        return text


@dataclass
class GateResult:
    findings: list[Finding] = field(default_factory=list)
    compared_suites: list[str] = field(default_factory=list)
    uncompared: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.status in ("regressed", "missing", "suite-not-run")]

    @property
    def improvements(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "improved"]

    @property
    def passed(self) -> bool:
        return not self.failures

    def message(self) -> str:
        if not self.compared_suites:
            return "gate: nothing to compare: no baseline for " + (", ".join(self.uncompared) or "these suites")
        if self.passed:
            lines = [f"gate: passed ({len(self.compared_suites)} suites within tolerance of the baseline)"]
        else:
            lines = [f"gate: FAILED, {len(self.failures)} problem(s) against the baseline:"]
            lines += [f"  - {f.describe()}" for f in self.failures]
        if self.improvements:
            lines.append("  improved beyond tolerance (accept with --update-baseline): "
                         + ", ".join(f"{f.suite}.{f.metric} {f.baseline:g}->{f.current:g}" for f in self.improvements))
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "compared_suites": self.compared_suites,
            "failures": [f.describe() for f in self.failures],
            "findings": [{**f.__dict__, "delta": f.delta} for f in self.findings],
            "notes": self.notes,
        }


def _changed_cases(result: SuiteResult, base_cases: dict[str, float], variant: str) -> tuple[list[dict], list[dict]]:
    worse, better = [], []
    for case in result.cases:
        if variant and case.variant != variant:
            continue
        before = base_cases.get(case.key)
        if before is None:
            continue
        now = round(case.primary_score, 4)
        if now < before:
            worse.append({"case": case.key, "baseline": before, "current": now})
        elif now > before:
            better.append({"case": case.key, "baseline": before, "current": now})
    return worse, better


def compare(results: list[SuiteResult], baseline: dict[str, dict[str, Any]]) -> GateResult:
    gate = GateResult()
    for result in results:
        base = baseline.get(result.suite)
        if base is None:
            gate.uncompared.append(result.suite)
            if result.ok:
                gate.notes.append(f"{result.suite} has no baseline yet (create it with --update-baseline)")
            continue
        gate.compared_suites.append(result.suite)
        if not result.ok:
            gate.findings.append(Finding(result.suite, "*", None, None, 0.0, HIGHER, "suite-not-run", detail=result.reason))
            continue
        if not result.has_held_out:
            gate.notes.append(f"{result.suite} has no held-out data: gated on its dev data")
        current_versions = {d["name"]: d["version"] for d in result.datasets}
        for d in base.get("datasets", []):
            if current_versions.get(d["name"]) not in (None, d["version"]):
                gate.notes.append(f"{result.suite}: dataset {d['name']} changed since the baseline "
                                  f"({d['version']} -> {current_versions[d['name']]}); numbers may move for that reason")
        for name, spec in base.get("metrics", {}).items():
            metric = result.metric(name)
            tol = float(spec.get("tolerance", 0.0))
            direction = spec.get("direction", HIGHER)
            if metric is None:
                gate.findings.append(Finding(result.suite, name, spec["value"], None, tol, direction, "missing"))
                continue
            delta = metric.value - spec["value"]
            worse = -delta if direction == HIGHER else delta
            eps = 1e-9
            status = "regressed" if worse > tol + eps else "improved" if -worse > tol + eps else "ok"
            finding = Finding(result.suite, name, spec["value"], metric.value, tol, direction, status)
            if status != "ok":
                finding.worse_cases, finding.better_cases = _changed_cases(result, base.get("cases", {}), spec.get("variant", ""))
            gate.findings.append(finding)
    return gate


__all__ = ["BASELINE_DIR", "GateResult", "Finding", "compare", "load_baseline", "write_baseline", "baseline_of", "LOWER"]
