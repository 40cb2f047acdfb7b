"""The repository's eval suites (evals/, not installed with the service), run in a child process
so that the service never imports them (`assist eval`, `assist intents eval`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_repo_module(module: str, argv: list[str]) -> int:
    """``module.main(argv)`` with this interpreter and the repository first on the path, in a
    child process that inherits this environment (so the same settings) and working directory."""
    code = f"import sys; sys.path.insert(0, {str(REPO)!r}); from {module} import main; sys.exit(main(sys.argv[1:]))"
    sys.stdout.flush()
    return subprocess.call([sys.executable, "-c", code, *argv])
