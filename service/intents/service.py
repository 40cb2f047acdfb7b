"""The intent classification use case: it holds the live (taxonomy, model) pair, swaps in a new
one atomically on reload, and answers for texts, batches and conversations.

The pieces: ``taxonomy.py`` (the reviewed content and its validation), ``classifier.py`` (from a
model's scores to answers), ``current_need.py`` (which turn of a conversation the answer is read
from), ``llm_fallback.py`` (the optional LLM for abstentions). The model is trained through the
:class:`~service.ports.IntentTrainer` port; the scikit-learn one is
``service/adapters/sk_intent_model.py``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from service.errors import InvalidInput, Unavailable
from service.intents.calibration import DEFAULT_THRESHOLD
from service.intents.classifier import Classification, classify
from service.intents.current_need import MAX_TURNS, Message, customer_turns, pick_current_need
from service.intents.llm_fallback import Fallback
from service.intents.taxonomy import Taxonomy, TaxonomyError, load_taxonomy, one_line
from service.ports import IntentModel, IntentTrainer

log = structlog.get_logger("service.intents")

MAX_TEXT_CHARS = 4000
MAX_BATCH = 256


@dataclass
class ReloadReport:
    version: str
    previous_version: str | None
    changed: bool
    summary: dict[str, Any]
    train: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "previous_version": self.previous_version, "changed": self.changed,
                "taxonomy": self.summary, "training": self.train}


@dataclass(frozen=True)
class _Live:
    taxonomy: Taxonomy
    classifier: IntentModel


@dataclass
class IntentService:
    """Holds the live (taxonomy, model) pair and swaps it atomically.

    Classification reads one reference, so a reload never leaves a moment where classification
    fails or mixes versions; training runs in a worker thread, off the event loop; a taxonomy
    that fails validation or training is refused and the previous one keeps serving.
    """

    trainer: IntentTrainer
    """Trains the model on the taxonomy (port; scikit-learn adapter in production)."""
    path: Path
    threshold_override: float | None = None
    """ASSIST_INTENT_THRESHOLD when set; None: the threshold calibrated on the taxonomy at training."""
    fallback: Fallback | None = None
    """Optional LLM fallback for abstentions: ``await fallback(text, taxonomy) -> intent | None``."""
    _live: _Live | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _async_lock: asyncio.Lock | None = None
    last_error: str | None = None

    # -- lifecycle --

    @property
    def ready(self) -> bool:
        return self._live is not None

    @property
    def threshold(self) -> float:
        """The abstention threshold in use: the override, else the live taxonomy's calibrated one."""
        if self.threshold_override is not None:
            return self.threshold_override
        live = self._live
        return live.classifier.threshold if live is not None else DEFAULT_THRESHOLD

    @property
    def taxonomy(self) -> Taxonomy:
        return self._require().taxonomy

    @property
    def version(self) -> str | None:
        return self._live.taxonomy.version if self._live else None

    def load(self, path: str | Path | None = None) -> ReloadReport:
        """Validate and train synchronously, then swap. Raises TaxonomyError and keeps serving
        the previous taxonomy on any problem."""
        with self._lock:
            target = Path(path) if path is not None else self.path
            previous = self._live
            try:
                taxonomy = load_taxonomy(target)
                if previous is not None and previous.taxonomy.version == taxonomy.version:
                    return ReloadReport(taxonomy.version, taxonomy.version, False, taxonomy.summary(),
                                        previous.classifier.train_info)
                texts, labels = taxonomy.training_set()
                classifier = self.trainer.train(texts, labels, version=taxonomy.version)
            except TaxonomyError as exc:
                self.last_error = exc.detail
                log.warning("intent_taxonomy_refused", problem=exc.detail, serving=previous and previous.taxonomy.version)
                raise
            except Exception as exc:  # training failed: refuse, keep serving
                self.last_error = f"training failed: {one_line(exc)}"
                log.exception("intent_training_failed", serving=previous and previous.taxonomy.version)
                raise TaxonomyError(f"{target.name}: the classifier could not be trained ({one_line(exc)}); "
                                    "the previous taxonomy keeps serving") from exc
            self._live = _Live(taxonomy, classifier)  # the atomic swap
            self.path = target
            self.last_error = None
            log.info("intent_taxonomy_loaded", version=taxonomy.version, previous=previous and previous.taxonomy.version,
                     **classifier.train_info)
            return ReloadReport(taxonomy.version, previous.taxonomy.version if previous else None, True,
                                taxonomy.summary(), classifier.train_info)

    async def reload(self, path: str | Path | None = None) -> ReloadReport:
        """Hot reload without blocking the event loop; classification keeps serving meanwhile."""
        if self._async_lock is None:
            self._async_lock = asyncio.Lock()
        async with self._async_lock:
            return await asyncio.to_thread(self.load, path)

    def _threshold(self, live: _Live) -> float:
        return self.threshold_override if self.threshold_override is not None else live.classifier.threshold

    def _require(self) -> _Live:
        live = self._live
        if live is None:
            raise Unavailable("the intent classifier is not loaded yet" + (f" ({self.last_error})" if self.last_error else ""))
        return live

    # -- classification (sync: call from a worker thread in async code) --

    def classify(self, text: str) -> Classification:
        return self.classify_batch([text])[0]

    def classify_batch(self, texts: Sequence[str]) -> list[Classification]:
        live = self._require()
        clean = [_check_text(t, i) for i, t in enumerate(texts)]
        if not clean:
            return []
        if len(clean) > MAX_BATCH:
            raise InvalidInput(f"at most {MAX_BATCH} texts per batch, got {len(clean)}")
        return classify(live.classifier, clean, threshold=self._threshold(live), version=live.taxonomy.version)

    def classify_conversation(self, messages: Sequence[Message]) -> Classification:
        live = self._require()
        turns = customer_turns(messages)
        if not turns:
            raise InvalidInput("the conversation has no customer message to classify")
        turns = turns[-MAX_TURNS:]
        texts = [_check_text(t, i) for i, t in turns]
        threshold = self._threshold(live)
        results = classify(live.classifier, texts, threshold=threshold, version=live.taxonomy.version)
        return pick_current_need([(i, r) for (i, _), r in zip(turns, results, strict=True)], threshold)

    # -- async API used by controllers --

    async def aclassify(self, text: str, *, use_fallback: bool = True) -> Classification:
        result = await asyncio.to_thread(self.classify, text)
        return await self._maybe_fallback(text, result) if use_fallback else result

    async def aclassify_batch(self, texts: Sequence[str]) -> list[Classification]:
        return await asyncio.to_thread(self.classify_batch, texts)

    async def aclassify_conversation(self, messages: Sequence[Message], *, use_fallback: bool = True) -> Classification:
        result = await asyncio.to_thread(self.classify_conversation, messages)
        if not use_fallback or result.intent is not None:
            return result
        text = "\n".join(t for _, t in customer_turns(messages)[-3:])
        return await self._maybe_fallback(text, result)

    async def _maybe_fallback(self, text: str, result: Classification) -> Classification:
        """Ask the LLM when the model abstained and a fallback is configured; recorded as ``llm``."""
        if result.intent is not None or self.fallback is None or self._live is None:
            return result
        taxonomy = self._live.taxonomy
        try:
            name = await self.fallback(text, taxonomy)
        except Exception:  # the LLM is optional: any failure keeps the abstention
            log.warning("intent_llm_fallback_failed")
            return result
        if name and taxonomy.get(name) is not None:
            return Classification(intent=name, confidence=result.confidence, alternatives=result.alternatives,
                                  taxonomy_version=result.taxonomy_version, source="llm", candidate=result.candidate,
                                  turn=result.turn)
        return result

    def describe(self) -> dict[str, Any]:
        live = self._live
        return {
            "ready": live is not None,
            "threshold": self.threshold,
            "threshold_source": "setting" if self.threshold_override is not None else "calibrated on the taxonomy",
            "taxonomy": live.taxonomy.summary() if live else None,
            "training": live.classifier.train_info if live else None,
            "last_error": self.last_error,
            "llm_fallback": self.fallback is not None,
        }


def _check_text(text: Any, i: int) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(f"text #{i} is empty; send the customer's words")
    text = text.strip()
    return text[:MAX_TEXT_CHARS]
