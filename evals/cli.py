"""`python -m evals` (and `assist eval`, which runs it): the offline eval suites from the command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

HELP = """Run the offline eval suites and write report.json, summary.md and report.html.

Offline by default: embedded Qdrant and SQLite on a temp dir, the bundled embedding model, and
recorded LLM answers (evals/recordings/) where a suite uses an LLM. The exit status is 1 when a
metric drops below its baseline by more than its tolerance, or a suite errors."""


def build_parser(prog: str = "python -m evals") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    _arguments(p)
    return p


def main(argv: list[str] | None = None) -> int:
    from service.settings import Settings, SettingsError

    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"evals: configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        return cmd_eval(args, settings)
    except KeyboardInterrupt:
        return 130


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="run the offline eval suites and write a report", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _arguments(p)


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("suites", nargs="*", metavar="SUITE",
                   help="suites or groups (intents, retrieval, summaries, suggestions, safety); default: all")
    p.add_argument("--prompt-version", action="append", default=[], metavar="TASK=V",
                   help="run TASK's prompt at version V; give one task twice for a side-by-side comparison")
    p.add_argument("--baseline", type=Path, help="baseline directory or a previous report.json (default evals/baseline)")
    p.add_argument("--out", type=Path, help="report directory (default $ASSIST_DATA_DIR/eval)")
    p.add_argument("--update-baseline", action="store_true", help="accept these numbers as the new baseline")
    p.add_argument("--fast", action="store_true", help="only the fast suites (the ones `make test` gates)")
    llm = p.add_mutually_exclusive_group()
    llm.add_argument("--record", action="store_true", help="call the configured LLM and re-record evals/recordings/")
    llm.add_argument("--live", action="store_true", help="call the configured LLM without recording")
    llm.add_argument("--no-llm", action="store_true", help="no LLM at all, not even recorded answers")
    p.add_argument("--judge", action="store_true", help="also score with the LLM judge (reported apart)")
    p.add_argument("--list", action="store_true", help="list the suites and exit")
    p.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    p.set_defaults(func=cmd_eval)


def parse_prompt_versions(items: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        task, sep, version = item.partition("=")
        if not sep or not task.strip() or not version.strip():
            raise SystemExit(f"assist eval: --prompt-version wants TASK=VERSION, got {item!r}")
        out.setdefault(task.strip(), [])
        if version.strip() not in out[task.strip()]:
            out[task.strip()].append(version.strip())
    return out


def cmd_eval(args: argparse.Namespace, settings: Any) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from evals.framework import RunContext, registry, select
    from evals.framework.gate import BASELINE_DIR
    from evals.framework.runner import run

    if args.list:
        for name, s in registry().items():
            flags = ", ".join(f for f, on in (("fast", s.fast), ("llm", s.needs_llm)) if on)
            print(f"{name:22} {'[' + flags + ']' if flags else '':12} {s.description}")
        return 0
    try:
        suites = select(args.suites, fast_only=args.fast)
    except KeyError as exc:
        print(f"assist eval: {exc.args[0]}", file=sys.stderr)
        return 2
    import signal

    def _terminate(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt  # run the clean-up (stop the local LLM, save nothing half-done)

    signal.signal(signal.SIGTERM, _terminate)
    versions = parse_prompt_versions(args.prompt_version)
    honoured = {t for s in suites for t in s.prompt_tasks}
    for task in sorted(set(versions) - honoured):
        print(f"assist eval: no selected suite takes --prompt-version {task}=... "
              f"(tasks: {', '.join(sorted(honoured)) or 'none'}); ignored", file=sys.stderr)
    mode = "record" if args.record else "live" if args.live else "off" if args.no_llm else "replay"
    ctx = RunContext(settings=settings, prompt_versions=versions, llm_mode=mode,
                     progress=not args.no_progress, judge=args.judge)
    out_dir = args.out or (Path(settings.storage.data_dir) / "eval")
    outcome = run(suites, ctx, out_dir=out_dir, baseline=args.baseline or BASELINE_DIR, update_baseline=args.update_baseline)
    if any(r.status == "error" for r in outcome.results):
        return 1
    if outcome.gate is not None and not outcome.gate.passed and not args.update_baseline:
        return 1
    return 0
