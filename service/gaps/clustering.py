"""Gaps: signals grouped by topic, with size, trend, examples, intents and cited articles.

The topic of a signal is the customer's words, embedded with the service's MiniLM embedder; a
:class:`Clusterer` (scikit-learn's agglomerative clustering, ``service/adapters/sk_cluster.py``)
groups the vectors. A group with at least ``min_size`` signals from at least two conversations
is a gap. It is an *outdated article* gap when most of its signals are agents rejecting or
rewriting suggestions that cite one article (``outdated_share``); otherwise a *missing* article.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from service.gaps.signals import FEEDBACK_KINDS, Signal

MIN_SIZE = 4
OUTDATED_SHARE = 0.5
"""Share of a gap's signals that must be rejections or edits citing one article to call it outdated."""
EXAMPLES = 5


class Clusterer(Protocol):
    def labels(self, vectors: np.ndarray) -> list[int]:
        """One cluster label per row of ``vectors`` (L2-normalised); -1 for noise."""
        ...


@dataclass
class Gap:
    key: str
    """Stable within one analysis: a hash of the gap's signal refs and texts."""
    kind: str
    """``missing`` (no article answers it) or ``outdated`` (an article answers it wrongly)."""
    title: str
    """The most central customer question of the gap."""
    signals: list[Signal]
    centroid: np.ndarray
    article_id: str | None = None
    """The outdated article, for ``outdated`` gaps."""
    trend: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.signals)

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(s.kind for s in self.signals).items()))

    def intents(self) -> list[dict[str, Any]]:
        return [{"intent": i, "count": c} for i, c in Counter(s.intent for s in self.signals if s.intent).most_common(5)]

    def cited(self) -> list[dict[str, Any]]:
        return [{"article_id": a, "count": c} for a, c in Counter(a for s in self.signals for a in s.cites).most_common(5)]

    def sent_texts(self) -> list[str]:
        return [s.sent_text for s in self.signals if s.sent_text]

    def examples(self, n: int = EXAMPLES) -> list[dict[str, Any]]:
        """The newest signal of each kind first, then the newest others, up to ``n``."""
        newest = sorted(self.signals, key=lambda s: s.at, reverse=True)
        picked: list[Signal] = []
        for kind in dict.fromkeys(s.kind for s in newest):
            picked.append(next(s for s in newest if s.kind == kind))
        picked += [s for s in newest if s not in picked]
        return [s.as_dict() for s in picked[:n]]

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "title": self.title, "article_id": self.article_id, "size": self.size, "signals": self.counts(),
            "trend": self.trend, "intents": self.intents(), "articles_cited": self.cited(), "examples": self.examples(),
            "first_signal_at": min(s.at for s in self.signals).isoformat(),
            "last_signal_at": max(s.at for s in self.signals).isoformat(),
        }


def trend(signals: Sequence[Signal], since: datetime, until: datetime) -> dict[str, Any]:
    """Signals in the earlier and the later half of the period, and which way it goes."""
    middle = since + (until - since) / 2
    earlier = sum(1 for s in signals if s.at < middle)
    later = len(signals) - earlier
    direction = "rising" if later >= 1.5 * max(earlier, 1) else "falling" if earlier >= 1.5 * max(later, 1) else "steady"
    return {"earlier": earlier, "later": later, "direction": direction}


def _title(texts: Sequence[str], vectors: np.ndarray, centroid: np.ndarray) -> str:
    best = int(np.argmax(vectors @ centroid))
    title = re.sub(r"^(hi|hello|hey there|good morning|quick question)[,.:!]?\s*", "", texts[best].strip(), flags=re.I)
    title = re.sub(r"[\s,]*(thanks|thank you|please)[!.]*$", "", title, flags=re.I).strip() or texts[best].strip()
    title = title[:1].upper() + title[1:]
    return title[:120]


def _kind(signals: Sequence[Signal]) -> tuple[str, str | None]:
    cited = Counter(a for s in signals for a in dict.fromkeys(s.cites))
    if cited:
        article, n = cited.most_common(1)[0]
        if n >= OUTDATED_SHARE * len(signals) and n >= 2:
            return "outdated", article
    return "missing", None


def find_gaps(
    signals: Sequence[Signal],
    vectors: np.ndarray,
    clusterer: Clusterer,
    *,
    since: datetime,
    until: datetime,
    min_size: int = MIN_SIZE,
) -> list[Gap]:
    """The gaps among ``signals`` (one L2-normalised vector each), biggest first."""
    if len(signals) < min_size:
        return []
    labels = clusterer.labels(vectors)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        if label >= 0:
            groups.setdefault(int(label), []).append(i)
    gaps: list[Gap] = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        sigs = [signals[i] for i in members]
        if len({s.conversation_id or s.ref or s.text for s in sigs}) < 2:
            continue
        vecs = vectors[members]
        centroid = vecs.mean(axis=0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        kind, article = _kind(sigs)
        digest = hashlib.sha256("\n".join(sorted(f"{s.ref}|{s.text}" for s in sigs)).encode()).hexdigest()[:16]
        gaps.append(Gap(
            key=digest, kind=kind, title=_title([s.text for s in sigs], vecs, centroid), signals=sorted(sigs, key=lambda s: s.at),
            centroid=centroid, article_id=article, trend=trend(sigs, since, until),
        ))
    gaps.sort(key=lambda g: (-g.size, g.title))
    return gaps


__all__ = ["EXAMPLES", "FEEDBACK_KINDS", "MIN_SIZE", "Clusterer", "Gap", "find_gaps", "trend"]
