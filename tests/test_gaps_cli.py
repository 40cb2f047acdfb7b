"""`assist knowledge gaps` as a user runs it: a period with no signals, the HTML page, bad dates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.test_cli import env, run  # noqa: F401  (the env fixture)


def test_knowledge_gaps_prints_the_period_and_writes_html(env: Any, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "gaps.html"
    out = run(["knowledge", "gaps", "--tenant", "acme", "--since", "2026-10-16T12:00:00Z", "--until", "2026-11-15T12:00:00Z",
               "--html", str(page)], env).stdout
    assert "0 gap(s) in 0 signal(s), 2026-10-16 to 2026-11-15" in out
    assert "No gaps in this period" in page.read_text() and "Knowledge gaps of acme" in page.read_text()
    data = json.loads(run(["knowledge", "gaps", "--tenant", "acme", "--until", "2026-11-15T12:00:00Z", "--json"], env).stdout)
    assert data["gaps"] == [] and data["drafts"] == [] and data["since"].startswith("2026-10-16")


def test_knowledge_gaps_refuses_bad_dates_with_a_message(env: Any) -> None:  # noqa: F811
    bad = run(["knowledge", "gaps", "--tenant", "acme", "--since", "last tuesday"], env, check=False)
    assert bad.returncode == 1 and "--since must be an ISO 8601" in bad.stderr and "Traceback" not in bad.stderr
    bad = run(["knowledge", "gaps", "--tenant", "acme", "--since", "2026-11-15", "--until", "2026-11-01"], env, check=False)
    assert bad.returncode == 1 and "since must be before until" in bad.stderr
