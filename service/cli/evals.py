"""`assist eval`: the offline eval suites (`python -m evals`), run in a child process.

The suites live in the repository's evals/ (not installed with the service): the service never
imports them."""

from __future__ import annotations

import sys
from typing import Any

from service.repo_evals import REPO, run_repo_module


def register_cli(sub: Any) -> None:
    """Listed in `assist --help`; ``main`` hands `assist eval ARGS` to :func:`run_evals` before parsing."""
    sub.add_parser("eval", add_help=False, help="run the offline eval suites (`python -m evals`; see `assist eval --help`)")


def run_evals(argv: list[str]) -> int:
    """``python -m evals ARGV`` with this interpreter, the repository first on the path."""
    if not (REPO / "evals" / "__main__.py").is_file():
        print("assist eval: the eval suites live in the repository's evals/ (not installed); run it from a checkout",
              file=sys.stderr)
        return 2
    return run_repo_module("evals.cli", argv)
