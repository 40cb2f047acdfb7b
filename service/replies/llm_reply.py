"""The LLM's reply for one request: the prompt (from the prompt registry), the call through the
gateway, the JSON answer validated against the prompt's ``output_schema``, post-processing
(contact details restored, facts filled, shaped for the channel), the policy checks, the
optional grounding judge and one repair with the findings.

The model obeying the prompt is never relied on: whatever it writes goes through the same checks
as every other engine's reply, and a reply that fails them twice is replaced.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import jiter
import structlog

from service.continuity.replies import HistoryHook
from service.domain.pii import CONTACT_KINDS
from service.guardrails import judge
from service.llm.answers import json_object, missing_keys, schema_errors
from service.llm.gateway import LLMGateway, LLMSkipped, LLMUsage
from service.prompts.registry import PromptRegistry
from service.replies.channels import fill, shape
from service.replies.conversation import Attempt, Prepared
from service.replies.policy import Candidate, CheckReport, Evidence, PolicyChecker

log = structlog.get_logger("service.suggest")

PROMPT_ARTICLES = 3
ARTICLE_TOKENS = 220
MIN_REPAIR_S = 0.5
CHANNEL_STYLE = {
    "sms": "Plain text for a text message, no Markdown, one or two short sentences.",
    "chat": "Friendly and short: two or three sentences.",
    "social": "Friendly and short: two or three sentences, public-safe.",
    "web": "Friendly and short: two or three sentences.",
    "email": "The body of an e-mail in two to four sentences; the greeting and sign-off are added for you.",
    "voice": "A short script the agent reads aloud: plain spoken sentences, no lists, links or symbols.",
}
REPLY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["reply", "citations"],
    "properties": {"reply": {"type": "string", "minLength": 1}, "citations": {"type": "array", "items": {"type": "string"}}},
}
"""The answer's shape when a prompt declares no ``output_schema``."""


# ---- prompts ------------------------------------------------------------------------------


class Prompts:
    """``active(task)``: the prompt from the service's prompt registry (:mod:`service.prompts.registry`)
    when it has one for the task, else from the registry of ``prompts_dir`` (loaded once)."""

    def __init__(self, prompts_dir: Path, registry: Callable[[], Any] = lambda: None) -> None:
        self.dir = prompts_dir
        self.registry = registry
        self._own: PromptRegistry | None = None

    def active(self, task: str, *, tenant: str, conversation_id: str | None, history: bool = False) -> Any:
        """``history``: the request carries a customer's history (the route's ``with_history`` prompt
        serves it when the prompt chosen has no ``customer_history`` input)."""
        more = {"history": True} if history else {}
        registry = self.registry()
        if registry is not None:
            try:
                return registry.active(task, tenant=tenant, conversation_id=conversation_id, **more)
            except Exception as exc:  # a registry built for other tasks
                log.warning("prompt_registry_miss", task=task, error=type(exc).__name__)
        if self._own is None:
            self._own = PromptRegistry.load(self.dir)
        return self._own.active(task, tenant=tenant, conversation_id=conversation_id, **more)


# ---- the LLM's answer ---------------------------------------------------------------------


def parse_llm_json(text: str, schema: dict[str, Any] | None = None) -> tuple[str, list[str]]:
    """``(reply, citations)`` from the model's JSON, checked against the prompt's output schema
    (``jsonschema``); raises ValueError with a reason. A single citation given as a string, or
    numbers, are taken as a list of strings."""
    data = json_object(text)
    citations = data.get("citations")
    if isinstance(citations, str):
        data["citations"] = [citations]
    elif isinstance(citations, list) and all(isinstance(c, str | int) and not isinstance(c, bool) for c in citations):
        data["citations"] = [str(c) for c in citations]
    elif citations is None and "citations" in data:
        data["citations"] = []
    errors = schema_errors(data, schema or REPLY_SCHEMA)
    missing = missing_keys(errors)
    if missing:
        raise ValueError(f"the JSON lacks {', '.join(missing)}")
    reply = data.get("reply")
    if not isinstance(reply, str) or not reply.strip():
        raise ValueError("'reply' must be a non-empty string")
    citations = data.get("citations") or []
    if not isinstance(citations, list) or not all(isinstance(c, str) for c in citations):
        raise ValueError("'citations' must be a list of strings")
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "the answer"
        raise ValueError(f"{where} does not match the prompt's output schema: {e.message}")
    return reply.strip(), [c.strip() for c in citations]


class ReplyStreamer:
    """The characters of the ``"reply"`` string of a JSON answer as it streams (jiter's partial
    JSON: an unfinished string is read as far as it goes, an unfinished escape waits)."""

    _DROP = str.maketrans("", "", "\r\b\f")

    def __init__(self) -> None:
        self.buf = ""
        self.sent = 0
        self.done = False

    def feed(self, delta: str) -> str:
        start_len = len(self.buf)
        self.buf += delta
        if self.done:
            return ""
        start = self.buf.find("{")
        if start < 0:
            return ""
        reply, complete = None, False
        # The longest prefix that parses: a JSON error in this delta ends the reply there.
        for end in range(len(self.buf), max(start_len, start) - 1, -1):
            try:
                reply = jiter.from_json(self.buf[start:end].encode(), partial_mode="trailing-strings").get("reply")
                complete = "reply" in jiter.from_json(self.buf[start:end].encode(), partial_mode=True)
            except ValueError:
                self.done = True
                continue
            break
        if not isinstance(reply, str):
            return ""
        self.done = self.done or complete
        piece, self.sent = reply[self.sent :], max(self.sent, len(reply))
        return piece.translate(self._DROP)


# ---- writing the reply ----------------------------------------------------------------------


class LLMChoice(NamedTuple):
    """An LLM reply that passed every check."""

    candidate: Candidate
    report: CheckReport
    prompt: str
    """``id@version`` (``first+repair`` when the repair wrote it)."""
    model: str
    repaired: bool


@dataclass
class Streamed:
    """How a streamed reply ended (set when the stream of events is over)."""

    choice: LLMChoice | None = None
    skip: LLMSkipped | None = None


class LLMReply:
    def __init__(
        self,
        *,
        gateway: LLMGateway,
        checker: PolicyChecker,
        prompts: Prompts,
        history: HistoryHook,
        check: Callable[[Candidate, Evidence], CheckReport],
        counter: Any | None = None,
    ) -> None:
        self.gateway = gateway
        self.checker = checker
        self.policy = checker.policy
        self.prompts = prompts
        self.history = history
        self.check = check
        self.counter = counter

    def _prompt(self, prep: Prepared) -> Any:
        """The suggest prompt for this request; with a customer's history, one that takes it as data."""
        return self.prompts.active("suggest", tenant=prep.tenant, conversation_id=prep.conv.conversation_id,
                                   history=self.history.has_history(prep.conv))

    async def write(self, prep: Prepared, usage: LLMUsage, attempts: list[Attempt]) -> tuple[LLMChoice | None, LLMSkipped | None]:
        t0 = time.perf_counter()
        prompt = self._prompt(prep)
        messages = prompt.render(**self.inputs(prep), **self.history.prompt_inputs(prompt, prep.conv, prep.redactor.redact))
        try:
            result, call = await self.gateway.complete("suggest", messages, prompt_params=prompt.params, json_mode=True, schema=prompt.output_schema or None, timeout_s=self._remaining(t0))
        except LLMSkipped as exc:
            attempts.append(Attempt("first", exc.reason, [exc.detail]))
            return None, exc
        usage.calls.append(call)
        return await self._after_first(prep, prompt, result.text, result.finish_reason, usage, attempts, t0)

    async def stream(self, prep: Prepared, usage: LLMUsage, attempts: list[Attempt], out: Streamed) -> AsyncIterator[dict[str, Any]]:
        """``token`` events while the LLM writes (a ``retract`` event if the draft breaks a
        forbidden-commitment rule); the checked outcome is left in ``out``."""
        t0 = time.perf_counter()
        prompt = self._prompt(prep)
        messages = prompt.render(**self.inputs(prep), **self.history.prompt_inputs(prompt, prep.conv, prep.redactor.redact))
        streamer = ReplyStreamer()
        sink: list[Any] = []
        retracted = False
        try:
            async for delta in self.gateway.stream("suggest", messages, prompt_params=prompt.params, sink=sink):
                piece = streamer.feed(delta)
                if piece and not retracted:
                    found = self.checker._forbidden(streamer.buf)
                    if not found.passed:
                        retracted = True
                        yield {"event": "retract", "data": {"reason": "the draft broke a policy rule; a checked reply follows", "findings": found.findings}}
                        continue
                    yield {"event": "token", "data": {"text": piece}}
            usage.calls.extend(sink)
            out.choice, out.skip = await self._after_first(prep, prompt, streamer.buf, None, usage, attempts, t0)
        except LLMSkipped as exc:
            out.skip = exc
            attempts.append(Attempt("first", exc.reason, [exc.detail]))

    # -- the prompt's inputs --

    def _articles(self, prep: Prepared) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for hit in prep.hits:
            if hit.article_id in seen:
                continue
            seen.add(hit.article_id)
            ref = f"A{len(out) + 1}"
            prep.refs[ref] = hit.chunk_id
            replies = (hit.payload or {}).get("replies") or {}
            reply = replies.get(prep.conv.channel) or replies.get("default") or ""
            text = hit.text if self.counter is None else self.counter.truncate(hit.text, ARTICLE_TOKENS)
            out.append({"ref": ref, "title": hit.title, "text": text, "approved_reply": fill(reply, prep.facts)})
            if len(out) >= PROMPT_ARTICLES:
                break
        return out

    def inputs(self, prep: Prepared) -> dict[str, Any]:
        return {
            "brand": self.policy.brand,
            "channel": prep.conv.channel,
            "channel_style": CHANNEL_STYLE.get(prep.conv.channel, CHANNEL_STYLE["chat"]),
            "max_chars": self.policy.max_length(prep.conv.channel),
            "first_name": prep.facts.get("first_name", ""),
            "order_id": prep.facts.get("order_id", ""),
            "articles": self._articles(prep),
            "conversation": [{"role": m.role, "text": m.text[:1500]} for m in prep.masked[-8:]],
        }

    # -- checking, judging, repairing --

    def _remaining(self, t0: float) -> float:
        return self.gateway.settings.suggest_deadline_s - (time.perf_counter() - t0)

    async def _after_first(self, prep: Prepared, prompt: Any, text: str, finish: str | None, usage: LLMUsage, attempts: list[Attempt], t0: float) -> tuple[LLMChoice | None, LLMSkipped | None]:
        model = usage.calls[-1].model if usage.calls else self.gateway.params("suggest").model
        candidate, report, outcome, findings = self._evaluate(prep, prompt, text, finish)
        if candidate is not None and report is not None and report.passed:
            findings = await self._judge(prep, candidate, usage, t0)
            outcome = "failed_checks" if findings else outcome
        attempts.append(Attempt("first", outcome, findings, candidate.text if candidate else text[:2000]))
        if candidate is not None and report is not None and report.passed and not findings:
            return LLMChoice(candidate, report, prompt.ref, model, False), None
        # One repair attempt with the findings.
        if self._remaining(t0) < MIN_REPAIR_S:
            attempts.append(Attempt("repair", "skipped", ["no time left within ASSIST_LLM_SUGGEST_DEADLINE_S"]))
            return None, LLMSkipped("failed_checks", "the LLM reply failed the checks and there was no time to repair it")
        repair = self.prompts.active("repair", tenant=prep.tenant, conversation_id=prep.conv.conversation_id)
        inputs = self.inputs(prep)
        messages = repair.render(
            brand=inputs["brand"], channel=inputs["channel"], channel_style=inputs["channel_style"], max_chars=inputs["max_chars"],
            # The draft had contact details restored (_postprocess): mask them again before they go
            # back to the LLM (issue 8), with the request's redactor so placeholders stay the same.
            articles=inputs["articles"], draft=prep.redactor.redact((candidate.text if candidate else text)[:1500]) or "(empty)",
            findings=prep.redactor.redact_many(findings[:8]) or [outcome],
        )
        try:
            result, call = await self.gateway.complete("repair", messages, prompt_params=repair.params, json_mode=True, schema=repair.output_schema or None, timeout_s=self._remaining(t0))
        except LLMSkipped as exc:
            attempts.append(Attempt("repair", exc.reason, [exc.detail]))
            return None, LLMSkipped("failed_checks", f"the LLM reply failed the checks and the repair call failed ({exc.reason})")
        usage.calls.append(call)
        candidate2, report2, outcome2, findings2 = self._evaluate(prep, repair, result.text, result.finish_reason)
        if candidate2 is not None and report2 is not None and report2.passed:
            findings2 = await self._judge(prep, candidate2, usage, t0)
            outcome2 = "failed_checks" if findings2 else outcome2
        attempts.append(Attempt("repair", outcome2, findings2, candidate2.text if candidate2 else result.text[:2000]))
        if candidate2 is not None and report2 is not None and report2.passed and not findings2:
            return LLMChoice(candidate2, report2, f"{prompt.ref}+{repair.ref}", call.model, True), None
        if outcome == outcome2 == "invalid_output":
            self.gateway.garbage("suggest")
        return None, LLMSkipped("failed_checks", "the LLM reply failed the policy checks twice; grounded replies are offered instead")

    def _evaluate(self, prep: Prepared, prompt: Any, text: str, finish: str | None) -> tuple[Candidate | None, CheckReport | None, str, list[str]]:
        if finish == "length":
            return None, None, "truncated", ["the output was cut at the token limit (finish_reason=length); write a shorter reply"]
        try:
            reply, refs = parse_llm_json(text, getattr(prompt, "output_schema", None))
        except ValueError as exc:
            return None, None, "invalid_output", [f"{exc}; answer with one JSON object {{\"reply\": ..., \"citations\": [...]}}"]
        citations = []
        for ref in refs:
            key = ref.strip("[] ").upper()
            chunk = prep.refs.get(key) or (ref if ref in prep.evidence.hits else None)
            citations.append(chunk or ref)
        citations = list(dict.fromkeys(citations))
        reply = self._postprocess(prep, reply, citations)
        candidate = self.history.revise(Candidate(reply, citations, "llm"), prep.conv, self.policy.max_length(prep.conv.channel))
        report = self.check(candidate, prep.evidence)
        return candidate, report, "passed" if report.passed else "failed_checks", report.findings()

    async def _judge(self, prep: Prepared, candidate: Candidate, usage: LLMUsage, t0: float) -> list[str]:
        """The optional grounding judge (ASSIST_LLM_GROUNDING_JUDGE): findings if it vetoes."""
        if not getattr(self.gateway.settings, "grounding_judge", False) or self._remaining(t0) < MIN_REPAIR_S:
            return []
        prompt = self.prompts.active("grounding_judge", tenant=prep.tenant, conversation_id=prep.conv.conversation_id)
        excerpts = [p.text for p in self.checker.cited_passages(candidate, prep.evidence)]
        return await judge.veto(self.gateway, prompt, candidate.text, excerpts, timeout_s=self._remaining(t0), calls=usage.calls)

    def _postprocess(self, prep: Prepared, reply: str, citations: list[str]) -> str:
        # Contact details the customer gave may come back; secrets and ids never do.
        reply = prep.redactor.restore(reply, CONTACT_KINDS)
        reply = fill(reply, prep.facts)
        tags = self.checker.cited_tags(Candidate(reply, citations, "llm"), prep.evidence)
        disclosures = self.policy.disclosures_for(prep.conv.channel, prep.intent, tags)
        return shape(reply, prep.conv.channel, self.policy, facts=prep.facts, disclosures=disclosures)
