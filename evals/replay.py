"""Recorded LLM responses, so the same commit gives the same numbers.

:class:`ReplayChatModel` implements the ``ChatModel`` port. Each call is keyed by the hash of
its prompt (the system messages: the rendered prompt template, which carries its id@version)
and the hash of its input (every other message plus the sampling parameters):

* ``record`` mode calls the real model and appends the answer to
  ``evals/recordings/<suite>.jsonl`` (one JSON object a line, sorted by key when saved);
* ``replay`` mode answers from that file and raises :class:`ReplayMiss` when a call was never
  recorded: the prompt or the input changed, so the recording must be refreshed with
  ``assist eval SUITE --record`` against a live model (the local SmolLM2 server).

A miss is also remembered in :attr:`ReplayChatModel.misses`, so a suite whose system under test
swallows model errors (and falls back) can still report that its numbers are not the recorded
ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from service.ports import ChatMessage, ChatModel, ChatResult

RECORDINGS = Path(__file__).resolve().parent / "recordings"
REPLAY, RECORD = "replay", "record"


class ReplayMiss(LookupError):
    """No recorded response for this prompt and input."""


def _sha(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def call_key(messages: Sequence[ChatMessage], params: dict[str, Any]) -> tuple[str, str]:
    """(prompt hash, input hash) of one call."""
    prompt = [m.content for m in messages if m.role == "system"]
    rest = [[m.role, m.content] for m in messages if m.role != "system"]
    return _sha(prompt), _sha({"messages": rest, "params": params})


class ReplayChatModel:
    """A ChatModel that replays (or records) another ChatModel's answers."""

    def __init__(self, path: Path, *, mode: str = REPLAY, inner: ChatModel | None = None, model: str | None = None) -> None:
        if mode not in (REPLAY, RECORD):
            raise ValueError(f"mode must be {REPLAY!r} or {RECORD!r}")
        if mode == RECORD and inner is None:
            raise ValueError("record mode needs a live model to record from (set ASSIST_LLM_BASE_URL)")
        self.path = Path(path)
        self.mode = mode
        self.inner = inner
        self._entries: dict[str, dict[str, Any]] = {}
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    self._entries[row["key"]] = row
        if mode == RECORD:
            # Re-recording starts afresh: stale answers for prompts that no longer exist go.
            self._entries = {}
        recorded = {e.get("model") for e in self._entries.values()}
        self.model = model or (inner.model if inner is not None else (sorted(m for m in recorded if m) or ["replay"])[0])
        self.hits = 0
        self.misses: list[dict[str, str]] = []
        self.failures: list[dict[str, str]] = []
        """Record mode: calls the live model failed (timeouts, errors); those were not recorded."""
        self.recorded = 0

    # ---- the port ----------------------------------------------------------------------

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        temperature: float = 0.2,
        max_tokens: int = 512,
        json_mode: bool = False,
    ) -> ChatResult:
        params = {"temperature": temperature, "max_tokens": max_tokens, "json_mode": json_mode, "stream": False}
        prompt_h, input_h = call_key(messages, params)
        key = f"{prompt_h}:{input_h}"
        if self.mode == RECORD:
            assert self.inner is not None
            try:
                result = await self.inner.complete(messages, temperature=temperature, max_tokens=max_tokens, json_mode=json_mode)
            except Exception as exc:
                # Not recorded: a replay of this run would miss here, so the recording is incomplete.
                self.failures.append({"key": key, "error": type(exc).__name__})
                raise
            self._store(key, prompt_h, input_h, messages, params, result)
            return result
        row = self._lookup(key, messages)
        return ChatResult(
            text=row["text"],
            model=row.get("model", self.model),
            finish_reason=row.get("finish_reason"),
            prompt_tokens=int(row.get("prompt_tokens", 0)),
            completion_tokens=int(row.get("completion_tokens", 0)),
            latency_ms=float(row.get("latency_ms", 0.0)),
        )

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        temperature: float = 0.2,
        max_tokens: int = 512,
    ) -> AsyncIterator[str]:
        params = {"temperature": temperature, "max_tokens": max_tokens, "json_mode": False, "stream": True}
        prompt_h, input_h = call_key(messages, params)
        key = f"{prompt_h}:{input_h}"
        if self.mode == RECORD:
            assert self.inner is not None
            parts: list[str] = []
            async for piece in self.inner.stream(messages, temperature=temperature, max_tokens=max_tokens):
                parts.append(piece)
                yield piece
            text = "".join(parts)
            self._store(key, prompt_h, input_h, messages, params,
                        ChatResult(text, self.inner.model, "stop", 0, 0, 0.0), pieces=parts)
            return
        row = self._lookup(key, messages)
        for piece in row.get("pieces") or [row["text"]]:
            yield piece

    def with_model(self, model: str) -> ReplayChatModel:
        return self

    async def close(self) -> None:
        if self.inner is not None and hasattr(self.inner, "close"):
            await self.inner.close()  # type: ignore[attr-defined]

    # ---- storage -----------------------------------------------------------------------

    def _lookup(self, key: str, messages: Sequence[ChatMessage]) -> dict[str, Any]:
        row = self._entries.get(key)
        if row is None:
            last = next((m.content for m in reversed(messages) if m.role != "system"), "")
            miss = {"key": key, "input": " ".join(last.split())[:120]}
            self.misses.append(miss)
            raise ReplayMiss(
                f"no recorded LLM response in {self.path.name} for prompt {key.split(':')[0]} and input "
                f"{key.split(':')[1]} ({miss['input']!r}); the prompt or input changed: re-record with "
                f"`assist eval <suite> --record` against a live model"
            )
        self.hits += 1
        return row

    def _store(self, key: str, prompt_h: str, input_h: str, messages: Sequence[ChatMessage], params: dict[str, Any],
               result: ChatResult, pieces: list[str] | None = None) -> None:
        row: dict[str, Any] = {
            "key": key,
            "prompt_hash": prompt_h,
            "input_hash": input_h,
            "params": params,
            "model": result.model,
            "text": result.text,
            "finish_reason": result.finish_reason,
            "prompt_tokens": result.prompt_tokens,
            "completion_tokens": result.completion_tokens,
            "latency_ms": round(result.latency_ms, 1),
            "input": " ".join(next((m.content for m in reversed(messages) if m.role != "system"), "").split())[:200],
        }
        if pieces is not None:
            row["pieces"] = pieces
        self._entries[key] = row
        self.recorded += 1

    def save(self) -> None:
        """Write the recordings (record mode), sorted by key so the file diffs cleanly."""
        if self.mode != RECORD:
            return
        if self.failures:
            raise RuntimeError(f"{len(self.failures)} live LLM calls failed while recording ({self.failures[0]['error']}); "
                               f"{self.path.name} was not written: a replay would miss those calls")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(self._entries[k], ensure_ascii=False, sort_keys=True) for k in sorted(self._entries)]
        self.path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")

    def stats(self) -> dict[str, Any]:
        return {"mode": self.mode, "file": self.path.name, "entries": len(self._entries), "hits": self.hits,
                "misses": len(self.misses), "recorded": self.recorded, "failed": len(self.failures)}


def recording_path(suite: str) -> Path:
    return RECORDINGS / f"{suite}.jsonl"
