"""The scikit-learn intent model behind the :class:`~service.ports.IntentTrainer` and
:class:`~service.ports.IntentModel` ports (chosen by measurement on CLINC150, see
``evals/intents.py``):

* features: word 1-2-gram and character 2-5-gram TF-IDF, concatenated with the sentence
  embedding (weighted x2);
* a multinomial logistic regression over the intents plus, when out-of-scope examples exist,
  one rejection class;
* an out-of-scope score ``log p(best intent) + 4 x mean cosine similarity of the 5 nearest
  training examples``: the linear model knows the boundaries between intents, the neighbours
  know whether the text is near anything the taxonomy has seen;
* a calibrated confidence: a logistic (Platt) map from that score to "the answer is right",
  fitted on a stratified 20% held out while training (in-scope mistakes and out-of-scope texts
  count as wrong), then the model is refitted on everything (warm-started). The abstention
  threshold is chosen on the same held-out share (``service/intents/calibration.py``).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import structlog
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from service.errors import InvalidInput
from service.intents.calibration import DEFAULT_THRESHOLD, MAX_IN_SCOPE_REJECTION, choose_threshold
from service.ports import OUT_OF_SCOPE, Embedder, IntentScores

log = structlog.get_logger("service.intents")


@dataclass(frozen=True)
class ClassifierConfig:
    C: float = 10.0
    """Inverse L2 strength of the logistic regression."""
    embedding_weight: float = 2.0
    """Weight of the sentence embedding next to the TF-IDF features."""
    knn_k: int = 5
    knn_weight: float = 4.0
    """Out-of-scope score = log p(best) + knn_weight * mean cosine of the knn_k nearest examples."""
    holdout: float = 0.2
    """Share of the examples held out to calibrate the confidence and choose the threshold
    (then refitted on all)."""
    max_in_scope_rejection: float = MAX_IN_SCOPE_REJECTION
    """The threshold chosen at training abstains on at most this share of the held-out in-scope
    examples (see service/intents/calibration.py)."""
    max_iter: int = 1000
    seed: int = 0


# ---- the trainer (the IntentTrainer port) ----------------------------------------------------------

_TRAINED: dict[tuple[Any, ...], SkIntentModel] = {}
_TRAINED_LOCK = threading.Lock()
_TRAINED_MAX = 4


class SkIntentTrainer:
    """Trains :class:`SkIntentModel` over ``embedder``; reuses a model this process already
    trained on the same data version, the same embedding model and configuration (app restarts
    in tests, several tenants' services)."""

    def __init__(self, embedder: Embedder, config: ClassifierConfig | None = None) -> None:
        self.embedder = embedder
        self.config = config or ClassifierConfig()

    def train(self, texts: Sequence[str], labels: Sequence[str], *, version: str) -> SkIntentModel:
        embedder = self.embedder
        key = (getattr(embedder, "model_name", type(embedder).__name__), getattr(embedder, "dimension", 0), version, self.config)
        with _TRAINED_LOCK:
            cached = _TRAINED.get(key)
        if cached is not None:
            return cached.with_embedder(embedder)
        model = SkIntentModel(embedder, self.config).fit(texts, labels)
        with _TRAINED_LOCK:
            _TRAINED[key] = model
            while len(_TRAINED) > _TRAINED_MAX:
                _TRAINED.pop(next(iter(_TRAINED)))
        return model


# ---- the model (the IntentModel port) ----------------------------------------------------------------


class SkIntentModel:
    """TF-IDF + sentence embedding logistic regression with a kNN out-of-scope score and a
    calibrated confidence. Immutable once trained; a new taxonomy builds a new one."""

    def __init__(self, embedder: Embedder, config: ClassifierConfig | None = None) -> None:
        self.embedder = embedder
        self.config = config or ClassifierConfig()
        self.labels: list[str] = []
        self.train_info: dict[str, Any] = {}
        self.threshold = DEFAULT_THRESHOLD
        """The abstention threshold chosen on the held-out examples at training."""

    # -- training --

    def fit(self, texts: Sequence[str], labels: Sequence[str], embeddings: np.ndarray | None = None) -> SkIntentModel:
        """Train on (text, label) pairs; label ``out_of_scope`` marks rejection examples."""
        started = time.perf_counter()
        cfg = self.config
        texts = [str(t) for t in texts]
        labels = list(labels)
        if len(texts) != len(labels) or not texts:
            raise InvalidInput("training needs as many labels as texts, and at least one")
        intents = sorted({lab for lab in labels if lab != OUT_OF_SCOPE})
        if len(intents) < 2:
            raise InvalidInput("training needs at least two intents")
        has_oos = OUT_OF_SCOPE in labels
        classes = intents + ([OUT_OF_SCOPE] if has_oos else [])
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[lab] for lab in labels])
        t0 = time.perf_counter()
        emb = np.asarray(self.embedder.embed(texts) if embeddings is None else embeddings, dtype=np.float32)
        embed_s = time.perf_counter() - t0
        min_df = 2 if len(texts) >= 2000 else 1
        self._word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True, dtype=np.float32).fit(texts)
        self._char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=min_df, dtype=np.float32).fit(texts)
        X = self._features(texts, emb)
        in_scope = y < len(intents)

        # 1. hold out a stratified share to calibrate the confidence
        rng = np.random.default_rng(cfg.seed)
        held = np.zeros(len(y), dtype=bool)
        for c in range(len(classes)):
            idx = np.where(y == c)[0]
            k = int(len(idx) * cfg.holdout)
            if len(idx) - k >= 2 and k >= 1:
                held[rng.choice(idx, size=k, replace=False)] = True
        model = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, warm_start=True)
        calib: tuple[float, float] | None = None
        threshold = DEFAULT_THRESHOLD
        t1 = time.perf_counter()
        if held.sum() >= 20 and (~held & in_scope).sum() > 0:
            model.fit(X[~held], y[~held])
            self._set(model, emb[~held & in_scope], intents, has_oos)
            s, best = self._raw_scores(X[held], emb[held])
            correct = (best == y[held]) & in_scope[held]
            calib = _platt(s, correct)
            self._calib = calib
            threshold = choose_threshold(self.calibrate(s), in_scope[held], cfg.max_in_scope_rejection)
        fit_holdout_s = time.perf_counter() - t1
        # 2. refit on everything, warm-started from the held-out fit
        t2 = time.perf_counter()
        model.fit(X, y)
        self._set(model, emb[in_scope], intents, has_oos)
        fit_s = time.perf_counter() - t2
        self._fast = _FastScorer.build(self, texts, emb, X)
        self._calib = calib
        self.threshold = round(threshold, 4)
        self.train_info = {
            "examples": len(texts),
            "intents": len(intents),
            "out_of_scope_examples": int((~in_scope).sum()),
            "calibrated": calib is not None,
            "calibration_examples": int(held.sum()) if calib else 0,
            "threshold": self.threshold,
            "embed_s": round(embed_s, 2),
            "fit_holdout_s": round(fit_holdout_s, 2),
            "fit_s": round(fit_s, 2),
            "total_s": round(time.perf_counter() - started, 2),
        }
        return self

    def with_embedder(self, embedder: Embedder) -> SkIntentModel:
        """The same trained model reading texts through another (equivalent) embedder."""
        clone = copy.copy(self)
        clone.embedder = embedder
        return clone

    def _set(self, model: Any, neighbours: np.ndarray, intents: list[str], has_oos: bool) -> None:
        self._model = model
        self._neighbours = np.ascontiguousarray(neighbours, dtype=np.float32)
        self.labels = intents
        self._has_oos = has_oos

    def _features(self, texts: Sequence[str], emb: np.ndarray) -> Any:
        return sparse.hstack(
            [self._word.transform(texts), self._char.transform(texts), sparse.csr_matrix(emb * self.config.embedding_weight)],
            format="csr",
            dtype=np.float32,
        )

    def _knn(self, emb: np.ndarray) -> np.ndarray:
        k = min(self.config.knn_k, len(self._neighbours))
        sims = emb @ self._neighbours.T
        if k < sims.shape[1]:
            sims = np.partition(sims, -k, axis=1)[:, -k:]
        return sims.mean(axis=1)

    def _in_scope_probs(self, X: Any) -> np.ndarray:
        p = self._model.predict_proba(X)
        return p[:, : len(self.labels)]

    def _probs(self, texts: list[str], emb: np.ndarray) -> np.ndarray:
        fast = getattr(self, "_fast", None)
        if fast is not None:
            return fast.probs(texts, emb)[:, : len(self.labels)]
        return self._in_scope_probs(self._features(texts, emb))

    def _raw_scores(self, X: Any, emb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self._in_scope_probs(X)
        best = p.argmax(axis=1)
        pmax = np.maximum(p[np.arange(len(best)), best], 1e-12)
        return np.log(pmax) + self.config.knn_weight * self._knn(emb), best

    # -- inference --

    def score(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> IntentScores:
        texts = [str(t) for t in texts]
        emb = np.asarray(self.embedder.embed(texts) if embeddings is None else embeddings, dtype=np.float32)
        p = self._probs(texts, emb)
        best = p.argmax(axis=1)
        pmax = np.maximum(p[np.arange(len(best)), best], 1e-12)
        s = np.log(pmax) + self.config.knn_weight * self._knn(emb)
        conf = self.calibrate(s) if self._calib else pmax
        rel = p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
        return IntentScores(labels=self.labels, probs=rel, best=best, score=s, confidence=conf)

    def calibrate(self, s: np.ndarray) -> np.ndarray:
        a, b = self._calib or (1.0, 0.0)
        return 1.0 / (1.0 + np.exp(-(a * s + b)))


class _FastScorer:
    """The trained model's probabilities without scikit-learn's per-call overhead: the TF-IDF
    rows built from the vectorisers' own analysers, vocabularies and IDF weights, then the
    linear model's weights and a softmax. About 20x faster for one message (which is what
    requests classify); built only when it reproduces ``predict_proba`` on training examples."""

    def __init__(self, clf: SkIntentModel) -> None:
        model = clf._model
        self.parts = []
        offset = 0
        for vec in (clf._word, clf._char):
            width = len(vec.vocabulary_)
            self.parts.append((vec.build_analyzer(), vec.vocabulary_, vec.idf_.astype(np.float64), offset))
            offset += width
        coef = np.asarray(model.coef_, dtype=np.float64)
        self.coef_t = np.ascontiguousarray(coef.T)  # (features, classes): one row per feature
        self.emb_coef = np.ascontiguousarray(coef[:, offset:].T) * clf.config.embedding_weight
        self.intercept = np.asarray(model.intercept_, dtype=np.float64)
        self.binary = coef.shape[0] == 1

    @classmethod
    def build(cls, clf: SkIntentModel, texts: list[str], emb: np.ndarray, X: Any) -> _FastScorer | None:
        try:
            fast = cls(clf)
            sample = list(range(0, len(texts), max(1, len(texts) // 25)))[:25]
            want = clf._model.predict_proba(X[sample])
            got = fast.probs([texts[i] for i in sample], emb[sample])
            drift = float(np.abs(got - want).max())
        except Exception as exc:  # a vectoriser or model this does not know: the slow path
            log.warning("intent_fast_scorer_unavailable", reason=str(exc)[:200])
            return None
        if drift > 1e-4:
            log.warning("intent_fast_scorer_unavailable", reason=f"differs from predict_proba by {drift:.2g}")
            return None
        return fast

    def probs(self, texts: Sequence[str], emb: np.ndarray) -> np.ndarray:
        logits = emb.astype(np.float64) @ self.emb_coef + self.intercept
        for row, text in enumerate(texts):
            for analyse, vocab, idf, offset in self.parts:
                counts: dict[int, int] = {}
                for token in analyse(text):
                    j = vocab.get(token)
                    if j is not None:
                        counts[j] = counts.get(j, 0) + 1
                if not counts:
                    continue
                idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                values = (np.log(tf) + 1.0) * idf[idx]  # sublinear tf, then idf, then l2 norm
                values /= np.sqrt(values @ values)
                logits[row] += values @ self.coef_t[idx + offset]
        if self.binary:
            p1 = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1.0 - p1, p1], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)


def _platt(s: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """Logistic map score -> P(correct), fitted on held-out examples (a little smoothing)."""
    if correct.all() or not correct.any():
        # One class only: keep the ordering, centre the map on the weakest/strongest score seen.
        centre = float(s.min() - 1.0) if correct.all() else float(s.max() + 1.0)
        return 2.0, -2.0 * centre
    lr = LogisticRegression(C=1.0).fit(s.reshape(-1, 1), correct.astype(int))
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])
