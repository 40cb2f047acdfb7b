"""One analysis: events of a period -> signals -> MiniLM vectors -> clusters -> gaps -> drafts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
import numpy as np

from service.gaps.clustering import MIN_SIZE, Clusterer, Gap, find_gaps
from service.gaps.drafts import Draft, build_draft
from service.gaps.signals import LOW_SCORE, Signal, signals_from



@dataclass
class Analysis:
    since: datetime
    until: datetime
    signals: list[Signal]
    gaps: list[Gap]
    drafts: list[Draft]

    @property
    def signal_count(self) -> int:
        return len(self.signals)


async def embed(embedder: Any, texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, int(getattr(embedder, "dimension", 384))), dtype=np.float32)
    vectors = np.asarray(await anyio.to_thread.run_sync(embedder.embed, list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


async def analyse(
    events: Sequence[Mapping[str, Any]],
    embedder: Any,
    clusterer: Clusterer,
    *,
    since: datetime,
    until: datetime,
    min_size: int = MIN_SIZE,
    low_score: float = LOW_SCORE,
    versions: Mapping[str, int] | None = None,
) -> Analysis:
    """Gaps and extractive drafts from the events recorded in ``[since, until)``; ``versions``:
    the current version of each article (a draft for an outdated article is the next one)."""
    signals = [s for s in signals_from(events, low_score=low_score) if since <= s.at < until]
    vectors = await embed(embedder, [s.text for s in signals])
    gaps = await anyio.to_thread.run_sync(  # the clustering is CPU work: off the event loop
        lambda: find_gaps(signals, vectors, clusterer, since=since, until=until, min_size=min_size))
    versions = versions or {}
    drafts = [build_draft(g, until.date(), article_id=g.article_id, version=versions.get(g.article_id or "", 0) + 1) for g in gaps]
    return Analysis(since, until, signals, gaps, drafts)
