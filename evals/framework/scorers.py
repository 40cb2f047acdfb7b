"""Deterministic scorers: pure functions, no model, no I/O; cheap checks come first.

Per-case scorers take one output and its expectations and return a number in [0, 1] (or a
count); aggregate scorers take every case. Suites use these or their own module's scorers
(``evals/retrieval.py`` and ``evals/summaries.py`` have theirs); an LLM judge, when one is
configured, is reported apart (:mod:`evals.framework.judge`).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence

# ---- classification -----------------------------------------------------------------------


def accuracy(gold: Sequence[str | None], pred: Sequence[str | None]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def macro_f1(gold: Sequence[str | None], pred: Sequence[str | None], labels: Iterable[str | None] | None = None) -> float:
    """Unweighted mean of per-label F1 over the gold labels (or ``labels``)."""
    labels = sorted({g for g in gold}, key=str) if labels is None else list(labels)
    if not labels:
        return 0.0
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    f1s = []
    for label in labels:
        denom = 2 * tp[label] + fp[label] + fn[label]
        f1s.append(2 * tp[label] / denom if denom else 0.0)
    return sum(f1s) / len(f1s)


def confusion_pairs(gold: Sequence[str | None], pred: Sequence[str | None], top: int = 10) -> list[dict]:
    """The most frequent (gold, predicted) mistakes, most frequent first, ties by name."""
    counts = Counter((str(g), str(p)) for g, p in zip(gold, pred, strict=True) if g != p)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"gold": g, "predicted": p, "count": n} for (g, p), n in ranked[:top]]


def confusion_matrix(gold: Sequence[str | None], pred: Sequence[str | None], labels: Sequence[str]) -> list[list[int]]:
    """Rows are gold labels, columns predictions, over ``labels`` (others are counted as 'other' when listed)."""
    index = {label: i for i, label in enumerate(labels)}
    other = index.get("other")
    m = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        gi, pi = index.get(str(g), other), index.get(str(p), other)
        if gi is not None and pi is not None:
            m[gi][pi] += 1
    return m


def oos_recall(gold: Sequence[str | None], pred: Sequence[str | None], oos_label: str | None = None) -> float:
    """Of the out-of-scope cases (gold == ``oos_label``), the share the system also called out of scope."""
    oos = [(g, p) for g, p in zip(gold, pred, strict=True) if g == oos_label]
    return sum(p == oos_label for _, p in oos) / len(oos) if oos else 0.0


def in_scope_accuracy(gold: Sequence[str | None], pred: Sequence[str | None], oos_label: str | None = None) -> float:
    pairs = [(g, p) for g, p in zip(gold, pred, strict=True) if g != oos_label]
    return sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0


# ---- ranking --------------------------------------------------------------------------------


def recall_at(ranked: Sequence[str], expected: Iterable[str], k: int) -> float:
    return 1.0 if set(expected) & set(ranked[:k]) else 0.0


def recall_curve(rankings: Sequence[tuple[Sequence[str], Iterable[str]]], ks: Sequence[int] = tuple(range(1, 11))) -> list[tuple[int, float]]:
    """Mean recall@k for each k: the points of a recall@k chart."""
    if not rankings:
        return [(k, 0.0) for k in ks]
    return [(k, sum(recall_at(r, e, k) for r, e in rankings) / len(rankings)) for k in ks]


def reciprocal_rank(ranked: Sequence[str], expected: Iterable[str]) -> float:
    want = set(expected)
    for i, item in enumerate(ranked, 1):
        if item in want:
            return 1.0 / i
    return 0.0


def ndcg_at(ranked: Sequence[str], expected: Iterable[str], k: int = 10) -> float:
    want = set(expected)
    dcg = sum(1.0 / math.log2(i + 1) for i, a in enumerate(ranked[:k], 1) if a in want)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(want), k) + 1))
    return dcg / ideal if ideal else 0.0


# ---- generated text -------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9$%]+(?:[.,'][a-z0-9]+)*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
_STOP = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been it its this that these those "
    "you your we our i me my they them their he she his her can will would could should may might do does did not no "
    "so than then there here have has had just also about into over any all some more most very".split()
)


def _norm(s: str) -> str:
    return "".join(ch for ch in str(s).lower() if ch.isalnum())


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SENTENCE.split(" ".join(str(text).split()))]
    return [p for p in parts if p]


def expected_fact_recall(output: str, facts: Sequence[str]) -> float:
    """Share of expected facts that appear in ``output`` (case, spaces and punctuation ignored)."""
    if not facts:
        return 1.0
    hay = _norm(output)
    return sum(1 for f in facts if _norm(f) and _norm(f) in hay) / len(facts)


def citation_validity(cited: Sequence[str], allowed: Iterable[str]) -> float:
    """Share of citations that point at something the answer was allowed to cite (1.0 when none)."""
    if not cited:
        return 1.0
    ok = set(allowed)
    return sum(1 for c in cited if c in ok) / len(cited)


def sentence_groundedness(sentence: str, sources: Sequence[str], threshold: float = 0.6) -> bool:
    """A sentence is grounded when most of its content words occur in its cited sources."""
    words = content_words(sentence)
    if len(words) < 3:
        return True  # greetings, "Thanks!", sign-offs carry no claim
    source_words: set[str] = set()
    for s in sources:
        source_words |= content_words(s)
    return len(words & source_words) / len(words) >= threshold


def groundedness(text: str, sources: Sequence[str], threshold: float = 0.6) -> float:
    """Share of the text's sentences grounded in ``sources`` (its cited chunks)."""
    sents = sentences(text)
    if not sents:
        return 1.0
    return sum(sentence_groundedness(s, sources, threshold) for s in sents) / len(sents)


def within_channel_length(text: str, limit: int | None) -> float:
    return 1.0 if limit is None or len(text) <= limit else 0.0


# ---- aggregates -----------------------------------------------------------------------------


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.fmean(values) if values else 0.0


def percentile(values: Iterable[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``; 0 for none."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def latency_summary(latencies_ms: Iterable[float]) -> dict[str, float]:
    values = list(latencies_ms)
    return {
        "latency_p50_ms": round(percentile(values, 50), 2),
        "latency_p95_ms": round(percentile(values, 95), 2),
        "latency_p99_ms": round(percentile(values, 99), 2),
    }


def by_tag(cases: Iterable[tuple[Sequence[str], float]]) -> dict[str, tuple[float, int]]:
    """Mean score and count per tag, from (tags, score) pairs."""
    sums: dict[str, list[float]] = {}
    for tags, value in cases:
        for tag in tags:
            sums.setdefault(tag, []).append(value)
    return {tag: (statistics.fmean(v), len(v)) for tag, v in sorted(sums.items())}
