"""Suggested replies: retrieve → LLM (or not) → policy checks → one repair → grounded fallback.

For one conversation on one channel, :meth:`SuggestionService.suggest` returns up to ``n``
ranked replies. Each names its engine (``llm``, ``grounded`` or ``policy``), the chunks that
support it (article id, chunk id, version), the prompt ``id@version`` and model when an LLM
wrote it, a confidence, and the result of every policy check. Only replies that pass every
check are returned; the response's ``llm`` block says whether the LLM was used, skipped (and
why), repaired or replaced, and ``timings`` separates the model's time from the rest.

Safety properties, in order of reliance:

1. the output checks (:mod:`service.replies.policy`) run on every reply of every engine;
2. the grounded engine only uses approved reply text (:mod:`service.replies.grounded`);
3. the prompt puts customer and article text in delimited data sections and masks PII.
The model obeying the prompt is never relied on.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import structlog
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from service.replies.grounded import GroundedEngine, fill, shape
from service.llm.gateway import LLMGateway, LLMSkipped, LLMUsage
from service.domain.messages import Message
from service.domain.pii import CONTACT_KINDS, Redactor
from service.replies.policy import CHANNELS, Candidate, CheckReport, Evidence, PolicyChecker
from service.continuity.replies import HistoryHook
from service.errors import InvalidInput, Unavailable
from service.guardrails import judge
from service.guardrails.facts import split_facts
from service.ports import ChatMessage, SearchFilters, SearchHit

log = structlog.get_logger("service.suggest")

MAX_SUGGESTIONS = 5
PROMPT_ARTICLES = 3
ARTICLE_TOKENS = 220
MIN_REPAIR_S = 0.5
ROLES = ("customer", "agent", "bot", "system")
CHANNEL_STYLE = {
    "sms": "Plain text for a text message, no Markdown, one or two short sentences.",
    "chat": "Friendly and short: two or three sentences.",
    "social": "Friendly and short: two or three sentences, public-safe.",
    "web": "Friendly and short: two or three sentences.",
    "email": "The body of an e-mail in two to four sentences; the greeting and sign-off are added for you.",
    "voice": "A short script the agent reads aloud: plain spoken sentences, no lists, links or symbols.",
}


# ---- input and output ---------------------------------------------------------------------


@dataclass
class Conversation:
    channel: str
    messages: list[Message]
    customer: dict[str, str] = field(default_factory=dict)
    """Known facts: ``first_name``, ``order_id``, ``id`` (customer id)."""
    conversation_id: str | None = None
    locale: str | None = None
    context: Any = None
    """The customer's whole story (:class:`service.continuity.context.CustomerContext`), or None."""

    def customer_texts(self) -> list[str]:
        return [m.text for m in self.messages if m.role == "customer"]

    def facts(self) -> dict[str, str]:
        """The placeholder values that look like what they claim to be (see
        :mod:`service.guardrails.facts`); the others are left out of every reply."""
        return split_facts(self._given())[0]

    def rejected_facts(self) -> list[str]:
        """The placeholder keys whose value was left out (recorded in the audit trail)."""
        return split_facts(self._given())[1]

    def _given(self) -> dict[str, str]:
        return {k: str(v).strip() for k, v in self.customer.items() if k in ("first_name", "order_id") and v and str(v).strip()}


def validate(conv: Conversation, n: int) -> None:
    if conv.channel not in CHANNELS:
        raise InvalidInput(f"unknown channel {conv.channel!r}; expected one of {', '.join(CHANNELS)}")
    if not 1 <= n <= MAX_SUGGESTIONS:
        raise InvalidInput(f"n must be between 1 and {MAX_SUGGESTIONS}")
    if not conv.messages:
        raise InvalidInput("messages must not be empty")
    for i, m in enumerate(conv.messages):
        if m.role not in ROLES:
            raise InvalidInput(f"messages[{i}].role must be one of {', '.join(ROLES)}")
    if not any(m.role == "customer" and m.text.strip() for m in conv.messages):
        raise InvalidInput("the conversation needs at least one non-empty customer message")


@dataclass
class Suggestion:
    id: str
    rank: int
    text: str
    engine: str
    citations: list[dict[str, Any]]
    prompt: str | None
    model: str | None
    confidence: float
    checks: list[dict[str, Any]]
    repaired: bool = False
    history_citations: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "history_citations": self.history_citations,
            "id": self.id,
            "rank": self.rank,
            "text": self.text,
            "engine": self.engine,
            "citations": self.citations,
            "prompt": self.prompt,
            "model": self.model,
            "confidence": self.confidence,
            "checks": self.checks,
            "repaired": self.repaired,
        }


@dataclass
class Attempt:
    kind: str
    """``first`` or ``repair``."""
    outcome: str
    """``passed``, ``failed_checks``, ``invalid_output``, ``truncated`` or an LLM skip reason."""
    findings: list[str] = field(default_factory=list)
    text: str | None = None
    """The reply the checks saw (kept for the audit trail; not returned to clients)."""

    def as_dict(self) -> dict[str, Any]:
        return {"attempt": self.kind, "outcome": self.outcome, "findings": self.findings}


@dataclass
class SuggestResult:
    suggestions: list[Suggestion]
    channel: str
    intent: str | None
    escalation: dict[str, Any] | None
    policy: str
    llm: dict[str, Any]
    timings: dict[str, float]
    knowledge: list[SearchHit]
    audit: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "suggestions": [s.as_dict() for s in self.suggestions],
            "channel": self.channel,
            "intent": self.intent,
            "escalation": self.escalation,
            "policy": self.policy,
            "llm": self.llm,
            "timings": self.timings,
        }


# ---- prompts (a thin seam until the shared registry lands) ---------------------------------

_FRONT = re.compile(r"^---\s*\n(.*?)\n---\s*\n(.*)$", re.S)
_PARTS = re.compile(r"\{#\s*(system|user)\s*#\}\s*\n")


@dataclass
class PromptFile:
    """``prompts/<id>@<version>.md``: front matter, then ``{# system #}`` / ``{# user #}`` parts,
    rendered in a sandboxed Jinja2 environment."""

    id: str
    version: int
    params: dict[str, Any]
    output_schema: dict[str, Any]
    system: str
    user: str

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    @classmethod
    def load(cls, path: Path) -> PromptFile:
        m = _FRONT.match(path.read_text(encoding="utf-8"))
        if not m:
            raise InvalidInput(f"{path}: no YAML front matter")
        meta = yaml.safe_load(m.group(1)) or {}
        parts = dict(zip(*[iter(_PARTS.split(m.group(2))[1:])] * 2, strict=False))
        if "system" not in parts or "user" not in parts:
            raise InvalidInput(f"{path}: the template needs {{# system #}} and {{# user #}} parts")
        return cls(str(meta["id"]), int(meta["version"]), dict(meta.get("parameters") or {}), dict(meta.get("output_schema") or {}), parts["system"], parts["user"])

    def render(self, **inputs: Any) -> list[ChatMessage]:
        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        return [
            ChatMessage("system", env.from_string(self.system).render(**inputs).strip()),
            ChatMessage("user", env.from_string(self.user).render(**inputs).strip()),
        ]


class Prompts:
    """``active(task)``: the shared registry's prompt when one is registered, else the file."""

    FILES = {"suggest": "suggest_reply@1.md", "repair": "suggest_repair@1.md", "grounding_judge": "grounding_judge@1.md"}

    def __init__(self, prompts_dir: Path, registry: Callable[[], Any] = lambda: None) -> None:
        self.dir = prompts_dir
        self.registry = registry
        self._cache: dict[str, PromptFile] = {}

    def active(self, task: str, *, tenant: str, conversation_id: str | None) -> Any:
        registry = self.registry()
        if registry is not None:
            try:
                return registry.active(task, tenant=tenant, conversation_id=conversation_id)
            except Exception as exc:  # the registry may not know our tasks yet
                log.warning("prompt_registry_miss", task=task, error=type(exc).__name__)
        if task not in self._cache:
            self._cache[task] = PromptFile.load(self.dir / self.FILES[task])
        return self._cache[task]


# ---- the LLM's answer ---------------------------------------------------------------------


def parse_llm_json(text: str, schema: dict[str, Any] | None = None) -> tuple[str, list[str]]:
    """``(reply, citations)`` from the model's JSON; raises ValueError with a reason."""
    stripped = text.strip()
    stripped = re.sub(r"^```(?:json)?\s*|\s*```$", "", stripped)
    start, end = stripped.find("{"), stripped.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("the output is not a JSON object")
    try:
        data = json.loads(stripped[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"the output is not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("the output is not a JSON object")
    required = (schema or {}).get("required") or ["reply", "citations"]
    missing = [k for k in required if k not in data]
    if missing:
        raise ValueError(f"the JSON lacks {', '.join(missing)}")
    reply = data.get("reply")
    if not isinstance(reply, str) or not reply.strip():
        raise ValueError("'reply' must be a non-empty string")
    citations = data.get("citations") or []
    if isinstance(citations, str):
        citations = [citations]
    if not isinstance(citations, list) or not all(isinstance(c, str | int) for c in citations):
        raise ValueError("'citations' must be a list of strings")
    return reply.strip(), [str(c).strip() for c in citations]


class ReplyStreamer:
    """Pulls the characters of the ``"reply"`` string out of a JSON answer as it streams."""

    def __init__(self) -> None:
        self.buf = ""
        self.pos: int | None = None
        self.done = False

    def feed(self, delta: str) -> str:
        self.buf += delta
        if self.done:
            return ""
        if self.pos is None:
            m = re.search(r'"reply"\s*:\s*"', self.buf)
            if not m:
                return ""
            self.pos = m.end()
        out: list[str] = []
        i = self.pos
        while i < len(self.buf):
            c = self.buf[i]
            if c == "\\":
                if i + 1 >= len(self.buf):
                    break
                nxt = self.buf[i + 1]
                if nxt == "u":
                    if i + 6 > len(self.buf):
                        break
                    try:
                        out.append(chr(int(self.buf[i + 2 : i + 6], 16)))
                    except ValueError:
                        pass
                    i += 6
                    continue
                out.append({"n": "\n", "t": "\t", "r": "", "b": "", "f": ""}.get(nxt, nxt))
                i += 2
                continue
            if c == '"':
                self.done = True
                i += 1
                break
            out.append(c)
            i += 1
        self.pos = i
        return "".join(out)


# ---- the use case -------------------------------------------------------------------------

Recorder = Callable[[str, "Conversation", "SuggestResult"], Awaitable[None]]
Classifier = Callable[[Sequence["Message"]], Awaitable[tuple[str | None, float]]]
"""``await classify(masked messages) -> (intent or None, confidence)``."""


@dataclass
class _Prepared:
    tenant: str
    conv: Conversation
    n: int
    redactor: Redactor
    masked: list[Message]
    facts: dict[str, str]
    hits: list[SearchHit]
    evidence: Evidence
    intent: str | None
    escalation: Any
    started: float
    retrieval_ms: float = 0.0
    refs: dict[str, str] = field(default_factory=dict)
    """A1 → chunk id, for the prompt."""


class SuggestionService:
    def __init__(
        self,
        *,
        knowledge: Any,
        gateway: LLMGateway,
        checker: PolicyChecker,
        prompts: Prompts,
        counter: Any | None = None,
        metrics: Any | None = None,
        recorder: Recorder | None = None,
        classify: Callable[[], Classifier | None] = lambda: None,
        top_k: int = 6,
        today: Callable[[], date] | None = None,
        history: HistoryHook | None = None,
    ) -> None:
        self.history = history or HistoryHook(None)
        self.knowledge = knowledge
        self.gateway = gateway
        self.checker = checker
        self.policy = checker.policy
        self.engine = GroundedEngine(checker.policy)
        self.prompts = prompts
        self.counter = counter
        self.metrics = metrics
        self.recorder = recorder
        self.classify = classify
        self.top_k = top_k
        self.today = today or getattr(knowledge, "today", None) or (lambda: datetime.now(UTC).date())
        """The day replies are checked for (articles not in force that day support nothing)."""

    # -- entry points --

    async def suggest(
        self,
        tenant: str,
        conv: Conversation,
        *,
        n: int = 3,
        use_llm: bool = True,
        hits: list[SearchHit] | None = None,
        intent: str | None = None,
    ) -> SuggestResult:
        prep = await self._prepare(tenant, conv, n, hits, intent)
        usage = LLMUsage()
        attempts: list[Attempt] = []
        llm_candidate: tuple[Candidate, CheckReport, str, str, bool] | None = None
        skip: LLMSkipped | None = self._skip_reason(prep, use_llm)
        llm_wait = 0.0
        if skip is None:
            t0 = time.perf_counter()
            llm_candidate, skip = await self._llm(prep, usage, attempts)
            llm_wait = time.perf_counter() - t0
        return await self._finish(prep, llm_candidate, skip, attempts, usage, llm_wait)

    async def stream(self, tenant: str, conv: Conversation, *, n: int = 3, use_llm: bool = True) -> AsyncIterator[dict[str, Any]]:
        """Server-sent events: ``meta``, then ``token`` events while the LLM writes (a
        ``retract`` event if the draft breaks a forbidden-commitment rule), then ``final``
        with the checked replies, the same body as :meth:`suggest`."""
        prep = await self._prepare(tenant, conv, n, None, None)
        yield {
            "event": "meta",
            "data": {
                "channel": conv.channel,
                "knowledge": [{"article_id": h.article_id, "chunk_id": h.chunk_id, "version": h.version} for h in prep.hits],
                "escalation": self._escalation_dict(prep),
                "llm": self.gateway.status(),
            },
        }
        usage = LLMUsage()
        attempts: list[Attempt] = []
        skip = self._skip_reason(prep, use_llm)
        llm_candidate = None
        llm_wait = 0.0
        if skip is None:
            t0 = time.perf_counter()
            prompt = self.prompts.active("suggest", tenant=tenant, conversation_id=conv.conversation_id)
            messages = prompt.render(**self._inputs(prep), **self.history.prompt_inputs(prompt, conv, prep.redactor.redact))
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
                llm_candidate, skip = await self._after_first(prep, prompt, streamer.buf, None, usage, attempts, t0)
            except LLMSkipped as exc:
                skip = exc
                attempts.append(Attempt("first", exc.reason, [exc.detail]))
            llm_wait = time.perf_counter() - t0
        result = await self._finish(prep, llm_candidate, skip, attempts, usage, llm_wait)
        yield {"event": "final", "data": result.as_dict()}

    # -- steps --

    async def _prepare(self, tenant: str, conv: Conversation, n: int, hits: list[SearchHit] | None, intent: str | None) -> _Prepared:
        validate(conv, n)
        started = time.perf_counter()
        redactor = Redactor()

        def scan() -> tuple[list[Message], Any]:  # regexes over up to 200 x 8000 characters: off the loop (issue 12)
            return [Message(m.role, redactor.redact(m.text)) for m in conv.messages], self.policy.escalation_for(conv.customer_texts())

        masked, escalation = await asyncio.to_thread(scan)
        retrieval_ms = 0.0
        replace = escalation is not None and escalation.action == "replace"
        if hits is None and not replace:
            query = build_query(masked)
            t0 = time.perf_counter()
            classifier = self.classify() if intent is None else None
            search = self.knowledge.search(tenant, query, top_k=max(self.top_k, 2 * n), filters=SearchFilters(channel=conv.channel, locale=None))
            if classifier is not None:
                hits, (intent, _) = await asyncio.gather(search, classifier(masked))
            else:
                hits = await search
            retrieval_ms = (time.perf_counter() - t0) * 1000
        hits = list(hits or [])
        facts = {**self.history.facts(conv), **conv.facts()}
        evidence = Evidence(conv.channel, {h.chunk_id: h for h in hits}, conv.customer_texts(), facts, intent,
                            today=self.today(), history=self.history.sources(conv))
        return _Prepared(tenant, conv, n, redactor, masked, facts, hits, evidence, intent, escalation, started, retrieval_ms)

    def _skip_reason(self, prep: _Prepared, use_llm: bool) -> LLMSkipped | None:
        if prep.escalation is not None and prep.escalation.action == "replace":
            return LLMSkipped("escalation", f"the conversation triggers the {prep.escalation.id!r} escalation; only the approved reply is offered")
        if not use_llm:
            return LLMSkipped("not_requested", "the caller asked for no LLM (use_llm=false)")
        if not self.gateway.available:
            return LLMSkipped("not_configured", "no LLM is configured (ASSIST_LLM_BASE_URL is empty)")
        if not prep.hits:
            return LLMSkipped("no_knowledge", "no approved article matched; the LLM is not asked to answer without sources")
        return None

    def _articles(self, prep: _Prepared) -> list[dict[str, Any]]:
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

    def _inputs(self, prep: _Prepared) -> dict[str, Any]:
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

    async def _llm(self, prep: _Prepared, usage: LLMUsage, attempts: list[Attempt]) -> tuple[Any, LLMSkipped | None]:
        t0 = time.perf_counter()
        prompt = self.prompts.active("suggest", tenant=prep.tenant, conversation_id=prep.conv.conversation_id)
        messages = prompt.render(**self._inputs(prep), **self.history.prompt_inputs(prompt, prep.conv, prep.redactor.redact))
        try:
            result, call = await self.gateway.complete("suggest", messages, prompt_params=prompt.params, json_mode=True, schema=prompt.output_schema or None, timeout_s=self._remaining(t0))
        except LLMSkipped as exc:
            attempts.append(Attempt("first", exc.reason, [exc.detail]))
            return None, exc
        usage.calls.append(call)
        return await self._after_first(prep, prompt, result.text, result.finish_reason, usage, attempts, t0)

    def _remaining(self, t0: float) -> float:
        return self.gateway.settings.suggest_deadline_s - (time.perf_counter() - t0)

    async def _after_first(self, prep: _Prepared, prompt: Any, text: str, finish: str | None, usage: LLMUsage, attempts: list[Attempt], t0: float) -> tuple[Any, LLMSkipped | None]:
        model = usage.calls[-1].model if usage.calls else self.gateway.params("suggest").model
        candidate, report, outcome, findings = self._evaluate(prep, prompt, text, finish)
        if candidate is not None and report is not None and report.passed:
            findings = await self._judge(prep, candidate, usage, t0)
            outcome = "failed_checks" if findings else outcome
        attempts.append(Attempt("first", outcome, findings, candidate.text if candidate else text[:2000]))
        if candidate is not None and report is not None and report.passed and not findings:
            return (candidate, report, prompt.ref, model, False), None
        # One repair attempt with the findings.
        if self._remaining(t0) < MIN_REPAIR_S:
            attempts.append(Attempt("repair", "skipped", ["no time left within ASSIST_LLM_SUGGEST_DEADLINE_S"]))
            return None, LLMSkipped("failed_checks", "the LLM reply failed the checks and there was no time to repair it")
        repair = self.prompts.active("repair", tenant=prep.tenant, conversation_id=prep.conv.conversation_id)
        inputs = self._inputs(prep)
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
            return (candidate2, report2, f"{prompt.ref}+{repair.ref}", call.model, True), None
        if outcome == outcome2 == "invalid_output":
            self.gateway.garbage("suggest")
        return None, LLMSkipped("failed_checks", "the LLM reply failed the policy checks twice; grounded replies are offered instead")

    def _evaluate(self, prep: _Prepared, prompt: Any, text: str, finish: str | None) -> tuple[Candidate | None, CheckReport | None, str, list[str]]:
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
        report = self._check(candidate, prep.evidence)
        return candidate, report, "passed" if report.passed else "failed_checks", report.findings()

    async def _judge(self, prep: _Prepared, candidate: Candidate, usage: LLMUsage, t0: float) -> list[str]:
        """The optional grounding judge (ASSIST_LLM_GROUNDING_JUDGE): findings if it vetoes."""
        if not getattr(self.gateway.settings, "grounding_judge", False) or self._remaining(t0) < MIN_REPAIR_S:
            return []
        prompt = self.prompts.active("grounding_judge", tenant=prep.tenant, conversation_id=prep.conv.conversation_id)
        excerpts = [p.text for p in self.checker.cited_passages(candidate, prep.evidence)]
        return await judge.veto(self.gateway, prompt, candidate.text, excerpts, timeout_s=self._remaining(t0), calls=usage.calls)

    def _postprocess(self, prep: _Prepared, reply: str, citations: list[str]) -> str:
        # Contact details the customer gave may come back; secrets and ids never do.
        reply = prep.redactor.restore(reply, CONTACT_KINDS)
        reply = fill(reply, prep.facts)
        tags = self.checker.cited_tags(Candidate(reply, citations, "llm"), prep.evidence)
        disclosures = self.policy.disclosures_for(prep.conv.channel, prep.intent, tags)
        return shape(reply, prep.conv.channel, self.policy, facts=prep.facts, disclosures=disclosures)

    def _check(self, candidate: Candidate, evidence: Evidence) -> CheckReport:
        report = self.checker.check(candidate, evidence)
        if self.metrics is not None:
            for r in report.failed():
                self.metrics.policy_failures.labels(r.check).inc()
        return report

    def _escalation_dict(self, prep: _Prepared) -> dict[str, Any] | None:
        e = prep.escalation
        return {"id": e.id, "queue": e.queue, "action": e.action} if e is not None else None

    async def _finish(
        self,
        prep: _Prepared,
        llm_candidate: tuple[Candidate, CheckReport, str, str, bool] | None,
        skip: LLMSkipped | None,
        attempts: list[Attempt],
        usage: LLMUsage,
        llm_wait_s: float,
    ) -> SuggestResult:
        t_checks = time.perf_counter()
        chosen: list[tuple[Candidate, CheckReport, str | None, str | None, float, bool]] = []
        if llm_candidate is not None:
            cand, report, prompt_ref, model, repaired = llm_candidate
            conf = round(max(0.05, min(0.95, 0.4 + 0.5 * report.support - (0.1 if repaired else 0.0))), 2)
            chosen.append((cand, report, prompt_ref, model, conf, repaired))
        replaced = prep.escalation is not None and prep.escalation.action == "replace"
        if replaced:
            # Shaped for the channel like every reply (an e-mail gets its greeting and sign-off).
            text = shape(prep.escalation.reply_for(prep.conv.channel), prep.conv.channel, self.policy, facts=prep.facts,
                         disclosures=self.policy.disclosures_for(prep.conv.channel, None, ()))
            cand = Candidate(text, [], "policy")
            report = self._check(cand, prep.evidence)
            if report.passed:
                chosen.append((cand, report, None, None, 0.9, False))
        else:
            top = max((h.score for h in prep.hits), default=0.0)
            for g in self.engine.replies(prep.hits, prep.conv.channel, facts=prep.facts, intent=prep.intent, limit=prep.n + 2):
                if len(chosen) >= prep.n:
                    break
                cand = self.history.revise(g.candidate, prep.conv, self.policy.max_length(prep.conv.channel))
                report = self._check(cand, prep.evidence)
                if report.passed:
                    chosen.append((cand, report, None, None, self.engine.confidence(g, top), False))
        if not chosen:
            cand = Candidate(fill(self.policy.fallback_reply, prep.facts), [], "policy")
            cand.text = shape(cand.text, prep.conv.channel, self.policy, facts=prep.facts, disclosures=self.policy.disclosures_for(prep.conv.channel, None, ()))
            cand = self.history.revise(cand, prep.conv, self.policy.max_length(prep.conv.channel))
            report = self._check(cand, prep.evidence)
            if report.passed:
                chosen.append((cand, report, None, None, 0.1, False))
        suggestions = [
            Suggestion(
                id=str(uuid.uuid4()),
                rank=i + 1,
                text=cand.text,
                engine=cand.engine,
                citations=[
                    {"article_id": prep.evidence.hits[c].article_id, "chunk_id": c, "version": prep.evidence.hits[c].version, "title": prep.evidence.hits[c].title}
                    for c in cand.citations
                    if c in prep.evidence.hits
                ],
                prompt=prompt_ref,
                model=model,
                confidence=conf,
                checks=report.as_list(),
                repaired=repaired,
                history_citations=self.history.citations(cand, prep.conv),
            )
            for i, (cand, report, prompt_ref, model, conf, repaired) in enumerate(chosen[: prep.n])
        ]
        checks_ms = (time.perf_counter() - t_checks) * 1000
        total_ms = (time.perf_counter() - prep.started) * 1000
        llm_ms = llm_wait_s * 1000
        if skip is not None and self.metrics is not None and skip.reason not in ("not_configured", "not_requested"):
            self.metrics.fallbacks.labels("suggest", skip.reason).inc()
        used = llm_candidate is not None
        if used:
            outcome = "repaired" if llm_candidate[4] else "used"
        elif any(a.kind == "first" and a.outcome in ("failed_checks", "invalid_output", "truncated") for a in attempts):
            outcome = "replaced"  # the LLM answered, its reply failed the checks (and the repair)
        else:
            outcome = "skipped"
        result = SuggestResult(
            suggestions=suggestions,
            channel=prep.conv.channel,
            intent=prep.intent,
            escalation=self._escalation_dict(prep),
            policy=self.policy.ref,
            llm={
                "used": used,
                "outcome": outcome,
                "skipped_reason": None if used else (skip.reason if skip else None),
                "detail": None if used else (skip.detail if skip else None),
                "model": llm_candidate[3] if used else (usage.calls[-1].model if usage.calls else (self.gateway.params("suggest").model if attempts else None)),
                "prompt": llm_candidate[2] if used else None,
                "attempts": [a.as_dict() for a in attempts],
                "tokens": usage.tokens(),
                "calls": [c.as_dict() for c in usage.calls],
            },
            timings={
                "retrieval_ms": round(prep.retrieval_ms, 2),
                "llm_ms": round(llm_ms, 2),
                "checks_ms": round(checks_ms, 2),
                "total_ms": round(total_ms, 2),
                "non_llm_ms": round(total_ms - llm_ms, 2),
            },
            knowledge=prep.hits,
        )
        result.audit = {"attempts": [{"attempt": a.kind, "outcome": a.outcome, "findings": a.findings} for a in attempts], "masked_input": [m.text for m in prep.masked]}
        await self._record(prep, result)
        return result

    async def _record(self, prep: _Prepared, result: SuggestResult) -> None:
        """Every suggestion gets an id and is recorded (the one place; see :func:`record`)."""
        if self.recorder is None:
            return
        try:
            await self.recorder(prep.tenant, prep.conv, result)
        except Exception as exc:
            log.exception("suggestion_record_failed", suggestions=len(result.suggestions))
            raise Unavailable("the suggestions could not be recorded; try again") from exc


def build_query(masked: Sequence[Message]) -> str:
    """The retrieval query: the last customer message, with the one before when it is short."""
    customer = [m.text.strip() for m in masked if m.role == "customer" and m.text.strip()]
    query = customer[-1]
    if len(query.split()) < 8 and len(customer) > 1:
        query = f"{customer[-2]} {query}"
    return query[-1000:]


# ---- recording ----------------------------------------------------------------------------


def make_recorder(sessions: Any, audit: Callable[[], Any] = lambda: None) -> Recorder:
    """Insert one ``suggestions`` row per suggestion and, when the audit trail is registered,
    append one audit record for the answer (ids, versions, checks; customer text masked)."""
    from service.adapters.sql.models import Suggestion as SuggestionRow

    async def record(tenant: str, conv: Conversation, result: SuggestResult) -> None:
        trail = audit()
        if not result.suggestions and trail is None:
            return
        now = datetime.now(UTC)

        def rows(audit_id: str) -> list[Any]:
            return [
                SuggestionRow(
                    id=s.id, tenant_id=tenant, audit_id=audit_id, conversation_id=conv.conversation_id, prompt=s.prompt,
                    intent=result.intent, channel=result.channel, engine=s.engine, text=s.text, created_at=now,
                )
                for s in result.suggestions
            ]

        if trail is not None:  # the audit record and the rows commit together (issue 6)
            await trail.record(audit_entry(tenant, conv, result), rows=lambda rec: rows(rec.id))
            return
        async with sessions.begin() as session:
            session.add_all(rows(str(uuid.uuid4())))

    return record


def audit_entry(tenant: str, conv: Conversation, result: SuggestResult) -> dict[str, Any]:
    llm = result.llm
    return {
        "tenant_id": tenant,
        "endpoint": "suggestions",
        "customer_id": conv.customer.get("id"),
        "input_redacted": {"channel": conv.channel, "conversation_id": conv.conversation_id, "messages": result.audit.get("masked_input", [])},
        "articles": [{"article_id": h.article_id, "chunk_id": h.chunk_id, "version": h.version} for h in result.knowledge],
        "prompt": llm.get("prompt"),
        "model": llm.get("model"),
        "params": {"channel": conv.channel},
        "tokens": llm.get("tokens", {}),
        "policy": {
            "policy": result.policy,
            "llm_outcome": llm.get("outcome"),
            "skipped_reason": llm.get("skipped_reason"),
            "attempts": result.audit.get("attempts", []),
            "escalation": result.escalation,
            "rejected_facts": conv.rejected_facts(),
        },
        "outcome": llm.get("outcome") or "skipped",
        "latency_ms": result.timings.get("total_ms", 0.0),
        "output": {"suggestions": [{"id": s.id, "engine": s.engine, "citations": s.citations, "confidence": s.confidence} for s in result.suggestions]},
    }


# ---- wiring -------------------------------------------------------------------------------


def intent_classifier(component: Any) -> Classifier | None:
    """Turn the intent component (whatever its shape) into ``await classify(messages)``: the
    conversation read as /v1/intents/classify reads one (what the customer wants now, from all
    the customer's turns; without the LLM fallback, which would put an LLM call in front of every
    suggestion), or, for a component that only takes a text, the retrieval query."""
    if component is None:
        return None
    conversation = getattr(component, "aclassify_conversation", None)
    fn = getattr(component, "classify", component)
    if conversation is None and not callable(fn):
        return None

    async def classify(messages: Sequence[Message]) -> tuple[str | None, float]:
        try:
            if conversation is not None:
                from service.intents.service import Message as IntentMessage

                out: Any = await conversation([IntentMessage(m.role, m.text) for m in messages], use_fallback=False)
            elif asyncio.iscoroutinefunction(fn):
                out = await fn(build_query(messages))
            else:
                out = await asyncio.to_thread(fn, build_query(messages))
        except Exception:
            log.warning("intent_classification_failed")
            return None, 0.0
        if isinstance(out, tuple):
            return out[0], float(out[1])
        if isinstance(out, dict):
            return out.get("intent"), float(out.get("confidence") or 0.0)
        return getattr(out, "intent", None), float(getattr(out, "confidence", 0.0) or 0.0)

    return classify
