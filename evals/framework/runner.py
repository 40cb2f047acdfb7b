"""Run suites, compare with the baseline, write the reports, print the headline numbers."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from evals.framework.context import RunContext
from evals.framework.dataset import REPO
from evals.framework.gate import BASELINE_DIR, GateResult, compare, load_baseline, write_baseline
from evals.framework.report import write_all
from evals.framework.suite import DEV, HELD_OUT, Suite, SuiteResult, failed


STDOUT = object()


@dataclass
class RunOutcome:
    results: list[SuiteResult]
    gate: GateResult | None
    paths: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    baseline_written: list[Path] = field(default_factory=list)

    def result(self, suite: str) -> SuiteResult:
        return next(r for r in self.results if r.suite == suite)


def git_commit() -> tuple[str, bool]:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
        return sha or "unknown", dirty
    except (OSError, subprocess.SubprocessError):
        return "unknown", False


def run_suite(suite: Suite, ctx: RunContext) -> SuiteResult:
    started = time.perf_counter()
    try:
        result = suite.run(ctx)
        result.suite = suite.name
        if not result.description:
            result.description = suite.description
    except Exception as exc:  # a broken suite is reported, the others still run
        result = failed(suite.name, exc)
        result.description = suite.description
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _dev_beside(r: SuiteResult, m: Any) -> str:
    """A held-out headline's dev value, shown beside it: ``held_out.recall=0.91 (dev 0.99)``."""
    if m.split != HELD_OUT:
        return ""
    dev = r.metric(DEV + m.name[len(HELD_OUT):])
    return f" (dev {dev.value:.4g})" if dev is not None else ""


def print_headlines(results: list[SuiteResult], stream: TextIO) -> None:
    for r in results:
        if not r.ok:
            label = "NOT AVAILABLE" if r.status == "not_available" else "ERROR"
            print(f"{r.suite:22} {label}: {r.reason}", file=stream)
            continue
        heads = [m for m in r.metrics if m.headline] or r.metrics[:4]
        shown = "  ".join(f"{m.name}={m.value:.4g}{_dev_beside(r, m)}" for m in heads)
        print(f"{r.suite:22} {shown}  ({len(r.cases)} cases, {r.seconds:.1f}s)", file=stream)
        if r.provenance:
            print(f"{'':22} data: " + "; ".join(f"{k}: {v}" for k, v in r.provenance.items()), file=stream)
        for m in r.judged:
            print(f"{'':22} judge {m.name}={m.value:.4g}", file=stream)


def run(
    suites: list[Suite],
    ctx: RunContext,
    *,
    out_dir: Path | None = None,
    baseline: Path | None = BASELINE_DIR,
    update_baseline: bool = False,
    stream: TextIO | None | object = STDOUT,
) -> RunOutcome:
    """Run ``suites``; print headlines to ``stream`` (``STDOUT``: whatever sys.stdout is now; None: quiet)."""
    if stream is STDOUT:
        stream = sys.stdout
    for noisy in ("httpx", "httpcore", "openai", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)  # one line per in-process request would bury the progress
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    t0 = time.perf_counter()
    overall = ctx.bar(len(suites), "eval suites", unit="suite") if len(suites) > 1 else None
    results = []
    completed = False
    try:
        for s in suites:
            if overall is not None:
                overall.set_postfix_str(s.name)
            results.append(run_suite(s, ctx))
            if overall is not None:
                overall.update(1)
        completed = True
    finally:
        if overall is not None:
            overall.close()
        try:
            ctx.finish_llm(save=completed)  # an interrupted run records nothing
        except RuntimeError as exc:  # an incomplete recording: say so, keep the old file
            print(f"assist eval: {exc}", file=sys.stderr)
    seconds = round(time.perf_counter() - t0, 1)

    base: dict[str, Any] = {}
    if baseline is not None and Path(baseline).exists():
        base = load_baseline(Path(baseline))
    gate = compare(results, base) if base else None
    outcome = RunOutcome(results, gate, seconds=seconds)
    if update_baseline:
        outcome.baseline_written = write_baseline(results, Path(baseline) if baseline and Path(baseline).is_dir() else BASELINE_DIR)

    commit, dirty = git_commit()
    meta = {
        "tool": "assist eval",
        "commit": commit,
        "dirty": dirty,
        "started_at": started_at,
        "seconds": seconds,
        "llm_mode": ctx.llm_mode,
        "prompt_versions": ctx.prompt_versions,
        "baseline": str(baseline) if base else None,
        "suites_run": [s.name for s in suites],
    }
    if out_dir is not None:
        outcome.paths = write_all(Path(out_dir), meta, results, gate, base)
    if stream is not None:
        print_headlines(results, stream)
        if gate is not None:
            print(gate.message(), file=stream)
        for p in outcome.baseline_written:
            print(f"baseline updated: {p.relative_to(REPO) if p.is_relative_to(REPO) else p}", file=stream)
        if outcome.paths:
            print(f"reports: {', '.join(str(p) for p in outcome.paths.values())} ({seconds:.1f}s)", file=stream)
    return outcome
