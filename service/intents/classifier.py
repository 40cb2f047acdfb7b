"""From an intent model's scores to answers: the abstention threshold, the alternatives, the
taxonomy version every answer names.

The model itself sits behind the :class:`~service.ports.IntentModel` port (the scikit-learn one:
``service/adapters/sk_intent_model.py``, chosen by measurement on CLINC150, see
``evals/intents.py``). Below the threshold (``ASSIST_INTENT_THRESHOLD``, else the one calibrated
on the taxonomy at training) the answer abstains: ``intent`` is null.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from service.ports import IntentModel, IntentScores


@dataclass
class Alternative:
    intent: str
    confidence: float


@dataclass
class Classification:
    intent: str | None
    confidence: float
    alternatives: list[Alternative]
    taxonomy_version: str
    source: str = "model"
    """``model``, or ``llm`` when the LLM fallback named the intent after the model abstained."""
    candidate: str | None = None
    """The best intent even when abstaining (for logs and evals, not shown to agents as an answer)."""
    turn: int | None = None
    """For a conversation: the index of the message the current need was read from."""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "intent": self.intent,
            "confidence": round(float(self.confidence), 4),
            "alternatives": [{"intent": a.intent, "confidence": round(float(a.confidence), 4)} for a in self.alternatives],
            "taxonomy_version": self.taxonomy_version,
            "source": self.source,
        }
        if self.turn is not None:
            out["turn"] = self.turn
        return out


def classify(model: IntentModel, texts: Sequence[str], *, threshold: float, version: str,
             top_k: int = 3) -> list[Classification]:
    """One answer per text: the best intent when its confidence reaches ``threshold``, else an
    abstention that still names the best candidate; ``top_k`` alternatives either way."""
    scores = model.score(texts)
    return [answer(scores, i, threshold, version, top_k) for i in range(len(scores.best))]


def answer(sc: IntentScores, i: int, threshold: float, version: str, top_k: int = 3) -> Classification:
    conf = float(sc.confidence[i])
    best = int(sc.best[i])
    order = np.argsort(-sc.probs[i])[: top_k + 1]
    pbest = max(float(sc.probs[i, best]), 1e-12)
    # Alternatives: the top confidence scaled by each intent's probability relative to the best.
    alts = [Alternative(sc.labels[j], conf * float(sc.probs[i, j]) / pbest) for j in order if j != best][:top_k]
    intent = sc.labels[best] if conf >= threshold else None
    return Classification(intent=intent, confidence=conf, alternatives=alts, taxonomy_version=version,
                          candidate=sc.labels[best])


def intent_and_confidence(out: Any) -> tuple[str | None, float]:
    """``(intent, confidence)`` of a classifier's answer, whatever its shape: a tuple, a dict, or
    an object with ``intent`` and ``confidence`` (a :class:`Classification`)."""
    if isinstance(out, tuple):
        return out[0], float(out[1])
    if isinstance(out, dict):
        return out.get("intent"), float(out.get("confidence") or 0.0)
    return getattr(out, "intent", None), float(getattr(out, "confidence", 0.0) or 0.0)
