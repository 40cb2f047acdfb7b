"""Time is an input: the evals run at a pinned date, so the machine's clock three years ahead
(past the sample articles' review_by dates) changes no score; the same run on the machine's
clock is what would have broken."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from evals.framework import RunContext
from evals.framework.runner import run_suite
from evals.framework.suite import registry
from service import clock as clock_module
from service.clock import Clock
from tests.conftest import make_settings

FAST = ("summaries", "summaries.llm", "retrieval", "suggestions", "intents.store")
SAMPLE = 12


def _scores(tmp_path: Any, real_embedder: Any, counter: Any, **overrides: Any) -> dict[str, dict[str, float]]:
    out = {}
    for name in FAST:
        ctx = RunContext(settings=make_settings(tmp_path / name), progress=False, sample=SAMPLE,
                         overrides={"embedder": real_embedder, "counter": counter, **overrides})
        result = run_suite(registry()[name], ctx)
        assert result.ok, f"{name}: {result.reason}"
        out[name] = {m.name: m.value for m in result.metrics if result.gated(m)}
    return out


def _three_years_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    real = clock_module.machine_now
    monkeypatch.setattr(clock_module, "machine_now", lambda: real() + timedelta(days=3 * 365 + 1))


def test_the_fast_suites_score_the_same_with_the_machine_clock_three_years_ahead(
        tmp_path, real_embedder, counter, monkeypatch) -> None:  # noqa: ANN001
    today = _scores(tmp_path / "today", real_embedder, counter)
    _three_years_ahead(monkeypatch)
    assert Clock().today().year >= 2029
    later = _scores(tmp_path / "later", real_embedder, counter)
    assert later == today


def test_without_the_pinned_date_retrieval_breaks_three_years_ahead(tmp_path, real_embedder, counter, monkeypatch) -> None:  # noqa: ANN001
    """The time bomb the pinned clock defuses: on the machine's clock in three years the sample
    articles are past their review_by date, out of force, and search returns nothing."""
    pinned = run_suite(registry()["retrieval"], RunContext(
        settings=make_settings(tmp_path / "a"), progress=False, sample=SAMPLE,
        overrides={"embedder": real_embedder, "counter": counter}))
    _three_years_ahead(monkeypatch)
    machine = run_suite(registry()["retrieval"], RunContext(
        settings=make_settings(tmp_path / "b"), progress=False, sample=SAMPLE,
        overrides={"embedder": real_embedder, "counter": counter, "clock": Clock()}))
    assert machine.metric("dev.hybrid.recall@5").value < pinned.metric("dev.hybrid.recall@5").value


def test_assist_now_pins_the_clock_and_a_bad_value_is_refused() -> None:
    from service.settings import Settings, SettingsError

    s = Settings.from_env({"ASSIST_NOW": "2026-11-15T12:00:00Z"})
    assert Clock.from_setting(s.server.now).now().isoformat() == "2026-11-15T12:00:00+00:00"
    assert Clock.from_setting("2026-11-15").today().isoformat() == "2026-11-15"
    assert Clock.from_setting("").pinned is None
    with pytest.raises(SettingsError, match="ASSIST_NOW"):
        Settings.from_env({"ASSIST_NOW": "next tuesday"})


def test_the_container_searches_knowledge_at_the_pinned_date(tmp_path, real_embedder, counter) -> None:  # noqa: ANN001
    import asyncio

    from service.wiring import build_container

    async def hits(now: str) -> int:
        settings = make_settings(tmp_path / now[:4]).replace(server={"now": now})
        c = await build_container(settings, {"embedder": real_embedder, "counter": counter})
        try:
            await c.knowledge.ingest_dir(settings.content.knowledge_dir)
            return len(await c.knowledge.search("t", "how do I return an item", top_k=5))
        finally:
            await c.close()

    assert asyncio.run(hits("2026-11-15T12:00:00Z")) > 0
    assert asyncio.run(hits("2031-01-01T00:00:00Z")) == 0
