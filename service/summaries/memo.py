"""The extractive summariser's per-text steps, and a memo that keeps them between summaries.

The extractive engine re-reads the whole history for every summary, but most of its work is
per text and pure: what PII a text holds (:meth:`~service.domain.pii.Redactor.detect`), its
sentences, the facts it states, its sentiment, whether it is a complaint, the intent of a
sentence. :data:`PLAIN` computes them each time; a :class:`SummaryMemo` (one per customer, kept
by :mod:`service.continuity.cache`) remembers them by text, so the next summary of the same
history plus a new message only does the new message's share. The summary is the same either
way: every step remembered is a function of its text alone (placeholders are numbered after the
memo, by the request's own redactor), and intents are remembered per taxonomy version.
"""

from __future__ import annotations

from typing import Any

from service.domain.pii import Detection, Redactor
from service.domain.text import chat_sentences
from service.summaries import rules as R
from service.summaries.model import Classify


class Analysis:
    """Every step computed afresh (what a summary without a memo does)."""

    def redact(self, redactor: Redactor, text: str) -> str:
        return redactor.redact(text) if text else ""

    def sentences(self, text: str) -> list[str]:
        return chat_sentences(text)

    def fact_hits(self, text: str, role: str) -> list[R.FactHit]:
        return R.extract_facts(text, role)

    def sentiment(self, text: str) -> float:
        return R.sentiment_score(text)

    def complaint(self, text: str) -> bool:
        return R.is_complaint(text)

    def classify(self, classify: Classify, text: str) -> tuple[str | None, float]:
        return classify(text)


PLAIN = Analysis()


def classifier_version(classify: Classify | None) -> Any:
    """The version of the intent model behind ``classify`` (None: unknown, so never remembered)."""
    version = getattr(classify, "version", None)
    return version() if callable(version) else None


class SummaryMemo(Analysis):
    """Remembered per-text steps for one customer's history. Two summaries may use it at once
    (worker threads): every entry is a function of its key alone and dict reads and writes are
    atomic, so a race at worst computes an entry twice."""

    def __init__(self) -> None:
        self._detect: dict[tuple[frozenset[str], str], Detection | None] = {}
        self._sents: dict[str, list[str]] = {}
        self._facts: dict[tuple[str, str], tuple[R.FactHit, ...]] = {}
        self._sentiment: dict[str, float] = {}
        self._complaint: dict[str, bool] = {}
        self._intent: dict[tuple[Any, str], tuple[str | None, float]] = {}

    def __len__(self) -> int:
        return len(self._detect) + len(self._sents)

    def redact(self, redactor: Redactor, text: str) -> str:
        if not text:
            return ""
        key = (redactor.kinds, text)
        if key not in self._detect:
            self._detect[key] = redactor.detect(text)
        return redactor.apply(text, self._detect[key])

    def sentences(self, text: str) -> list[str]:
        out = self._sents.get(text)
        if out is None:
            out = self._sents[text] = chat_sentences(text)
        return list(out)

    def fact_hits(self, text: str, role: str) -> list[R.FactHit]:
        key = (text, role)
        hits = self._facts.get(key)
        if hits is None:
            hits = self._facts[key] = tuple(R.extract_facts(text, role))
        return list(hits)

    def sentiment(self, text: str) -> float:
        out = self._sentiment.get(text)
        if out is None:
            out = self._sentiment[text] = R.sentiment_score(text)
        return out

    def complaint(self, text: str) -> bool:
        out = self._complaint.get(text)
        if out is None:
            out = self._complaint[text] = R.is_complaint(text)
        return out

    def classify(self, classify: Classify, text: str) -> tuple[str | None, float]:
        version = classifier_version(classify)
        if version is None:
            return classify(text)
        key = (version, text)
        out = self._intent.get(key)
        if out is None:
            out = self._intent[key] = classify(text)
        return out
