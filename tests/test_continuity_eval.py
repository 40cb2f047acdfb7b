"""The continuity metrics can fail: with the history hook switched off (replies as before issue
14), broken promises are no longer acknowledged on the same dev cases (evals/continuity)."""

from __future__ import annotations

import pytest

from evals.continuity.run import answer_cases, build_app, with_client
from evals.continuity.score import aggregate, score_case
from evals.framework import load_dataset
from service.continuity.replies import HistoryHook
from tests.conftest import make_settings

pytestmark = pytest.mark.asyncio

CASES = ("continuity-00-", "continuity-06-", "continuity-09-", "continuity-11-")


class NoHistory(HistoryHook):
    """The broken behaviour: facts, acknowledgements and history sources all off."""

    def facts(self, conv):
        return {}

    def sources(self, conv):
        return {}

    def revise(self, candidate, conv, max_chars):
        return candidate


async def test_switching_the_history_off_drops_the_acknowledgement_metric(tmp_path, real_embedder, counter):
    cases = [c for c in load_dataset("continuity") if c.id.startswith(CASES)]
    assert len(cases) == 4 and all(c.meta["split"] == "dev" for c in cases)
    results = {}
    for mode in ("on", "off"):
        settings = make_settings(tmp_path / mode)
        app = build_app(settings, {"embedder": real_embedder, "counter": counter})

        async def run(client, mode=mode):
            if mode == "off":
                client.app.state.container.suggester.history = NoHistory(None)
            return await answer_cases(client, cases)

        rows = await with_client(app, settings.content.knowledge_dir, run)
        results[mode] = aggregate(score_case(c.expected, body) for c, body, _ in rows)
    assert results["on"]["broken_acknowledged"] == 1.0 and results["on"]["re_asks"] == 0
    assert results["off"]["broken_acknowledged"] == 0.0
    assert results["off"]["re_asks"] >= results["on"]["re_asks"]
