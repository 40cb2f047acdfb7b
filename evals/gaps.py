"""Gaps eval: does the gap finder find the planted topics, name the outdated articles, and
write drafts that carry what agents sent?

Dataset: ``evals/datasets/gaps.jsonl`` (``python -m evals.gaps_generate``): one event per case,
``input`` in the signal event format of :mod:`service.gaps.signals`, ``expected.topic`` the
planted topic (``null`` for noise), ``expected.planted`` ``missing`` or ``outdated``,
``expected.facts`` what agents sent for it; top-level ``split`` is ``dev`` or ``held_out``.

System under test: :func:`service.gaps.service.analyse` (signals, MiniLM embeddings,
agglomerative clustering, extractive drafts) over one split's events at the pinned date.
Scorers, per split: a gap *finds* a planted topic when most of its signals come from that
topic's events; ``gap_recall`` = planted topics found / planted; ``gap_precision`` = gaps that
find a planted topic / gaps; ``outdated_named`` = planted outdated articles named as such by a gap
of theirs / planted outdated articles; ``draft_facts`` = share of the found topics' facts that
their draft contains.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / "evals" / "datasets" / "gaps.jsonl"
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
PERIOD = timedelta(days=30)
SPLITS = ("dev", "held_out")


@dataclass
class GapOutcome:
    gap: dict[str, Any]
    topic: str | None
    """The planted topic most of the gap's signals come from (None: noise)."""
    purity: float
    draft: str
    facts_found: list[str] = field(default_factory=list)
    facts_missing: list[str] = field(default_factory=list)


@dataclass
class SplitResult:
    split: str
    events: int
    signals: int
    planted: dict[str, dict[str, Any]]
    outcomes: list[GapOutcome]

    def metrics(self) -> dict[str, float]:
        found = {o.topic for o in self.outcomes if o.topic}
        outdated = {t for t, e in self.planted.items() if e["planted"] == "outdated"}
        named = {o.topic for o in self.outcomes if o.topic in outdated and o.gap["kind"] == "outdated" and o.gap["article_id"] == o.topic}
        facts = [(len(o.facts_found), len(o.facts_found) + len(o.facts_missing)) for o in self.outcomes if o.topic]
        wrongly_outdated = [o for o in self.outcomes if o.topic and o.topic not in outdated and o.gap["kind"] == "outdated"]
        return {
            "gap_recall": len(found) / len(self.planted) if self.planted else 0.0,
            "gap_precision": sum(1 for o in self.outcomes if o.topic) / len(self.outcomes) if self.outcomes else 0.0,
            "outdated_named": len(named) / len(outdated) if outdated else 0.0,
            "missing_called_outdated": float(len(wrongly_outdated)),
            "draft_facts": sum(f for f, _ in facts) / sum(t for _, t in facts) if facts and sum(t for _, t in facts) else 0.0,
            "gaps": float(len(self.outcomes)),
            "duplicate_gaps": float(sum(1 for o in self.outcomes if o.topic) - len(found)),
        }


def load(split: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The split's events (each with its ``ref``, the case id) and expectations, by case."""
    from evals.framework import load_dataset

    data = load_dataset(DATASET, "gaps")
    events, expected = [], []
    for case in data:
        if case.meta.get("split") != split:
            continue
        events.append({**case.input, "ref": case.id})
        expected.append(case.expected)
    if not events:
        raise ValueError(f"no {split} cases in {DATASET}")
    return events, expected


def _norm(text: str) -> str:
    return " ".join(text.lower().replace(",", "").split())


def score_split(split: str, events: list[dict[str, Any]], expected: list[dict[str, Any]], analysis: Any) -> SplitResult:
    topic_of = {e["ref"]: x.get("topic") for e, x in zip(events, expected, strict=True)}
    planted = {x["topic"]: x for x in expected if x.get("topic")}
    outcomes = []
    for gap, draft in zip(analysis.gaps, analysis.drafts, strict=True):
        counts = Counter(topic_of.get(s.ref) for s in gap.signals)
        topic, n = counts.most_common(1)[0]
        purity = n / gap.size
        topic = topic if topic and purity > 0.5 else None
        o = GapOutcome(gap.summary(), topic, round(purity, 3), draft.content)
        if topic:
            for fact in planted[topic].get("facts", []):
                (o.facts_found if _norm(fact) in _norm(draft.content) else o.facts_missing).append(fact)
        outcomes.append(o)
    return SplitResult(split, len(events), analysis.signal_count, planted, outcomes)


async def run_split(split: str, embedder: Any, clusterer: Any = None, **kw: Any) -> SplitResult:
    from service.adapters.sk_cluster import AgglomerativeClusterer
    from service.gaps.analysis import analyse
    from service.knowledge.articles import load_dir

    events, expected = load(split)
    versions = {a.id: a.version for a in load_dir(REPO / "knowledge").articles}
    analysis = await analyse(events, embedder, clusterer or AgglomerativeClusterer(), since=NOW - PERIOD, until=NOW,
                             versions=versions, **kw)
    return score_split(split, events, expected, analysis)


def main() -> None:  # python -m evals.gaps
    import asyncio

    from service.wiring import make_embedder
    from service.settings import Settings

    embedder = make_embedder(Settings.from_env())
    for split in SPLITS:
        r = asyncio.run(run_split(split, embedder))
        print(split, {k: round(v, 3) for k, v in r.metrics().items()})
        for o in r.outcomes:
            print(f"   {o.topic or '-':34s} {o.gap['kind']:8s} {o.gap['size']:3d} purity={o.purity} missing={o.facts_missing} {o.gap['title']!r}")


if __name__ == "__main__":
    main()
