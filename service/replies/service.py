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

The package, by job: :mod:`~service.replies.conversation` (the request and the answer),
:mod:`~service.replies.intent_and_knowledge` (intent and retrieval, together),
:mod:`~service.replies.llm_reply` (the LLM's reply, checked and repaired),
:mod:`~service.replies.grounded` (replies from approved text only),
:mod:`~service.replies.channels` (shaping for every channel), :mod:`~service.replies.policy`
(the checks) and :mod:`~service.replies.recording` (what is kept, with the audit record).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import structlog

from service.continuity.replies import HistoryHook
from service.domain.pii import Redactor
from service.errors import Unavailable
from service.llm.gateway import LLMGateway, LLMSkipped, LLMUsage
from service.ports import SearchHit, SuggestionLog
from service.replies.channels import fill, shape
from service.replies.check_cache import CheckCache
from service.replies.conversation import Attempt, Conversation, Message, Prepared, Suggestion, SuggestResult, short, validate
from service.replies.grounded import GroundedEngine
from service.replies.intent_and_knowledge import Classifier, find_grounds
from service.replies.llm_reply import LLMChoice, LLMReply, Prompts, Streamed
from service.replies.policy import Candidate, CheckReport, Evidence, PolicyChecker
from service.replies.recording import audit_entry, stored

log = structlog.get_logger("service.suggest")

__all__ = ["Conversation", "Message", "Prompts", "SuggestResult", "SuggestionService"]


class SuggestionService:
    """The use case: prepare the request (mask, escalation, intent and retrieval), let the LLM
    write (:mod:`service.replies.llm_reply`), add the grounded engine's replies, keep those that
    pass every check, record the answer (:mod:`service.replies.recording`)."""

    def __init__(
        self,
        *,
        knowledge: Any,
        gateway: LLMGateway,
        checker: PolicyChecker,
        prompts: Prompts,
        counter: Any | None = None,
        metrics: Any | None = None,
        recorder: SuggestionLog | None = None,
        classify: Callable[[], Classifier | None] = lambda: None,
        top_k: int = 6,
        today: Callable[[], date] | None = None,
        history: HistoryHook | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.gateway = gateway
        self.checker = checker
        self.checks = CheckCache(checker)
        """The checker behind a cache: the same approved reply recurs from request to request."""
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
        self.llm = LLMReply(gateway=gateway, checker=checker, prompts=prompts, history=history or HistoryHook(None), check=self._check, counter=counter)

    @property
    def history(self) -> HistoryHook:
        """The customer's history in every reply (issue 14); continuity's wiring sets it after construction."""
        return self.llm.history

    @history.setter
    def history(self, hook: HistoryHook) -> None:
        self.llm.history = hook

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
        audit_extra: Callable[[], Awaitable[dict[str, Any]]] | None = None,
        masked: tuple[Redactor, list[Message]] | None = None,
    ) -> SuggestResult:
        """``audit_extra``: more of the same answer to keep in its audit record (``/v1/assist``
        adds its summary: one record per call); awaited just before the record is written.
        ``masked``: the conversation already masked (a fresh redactor and the messages it masked,
        in order), so it is not masked twice."""
        prep = await self._prepare(tenant, conv, n, hits, intent, masked)
        usage = LLMUsage()
        attempts: list[Attempt] = []
        choice: LLMChoice | None = None
        skip: LLMSkipped | None = self._skip_reason(prep, use_llm)
        llm_wait = 0.0
        if skip is None:
            t0 = time.perf_counter()
            choice, skip = await self.llm.write(prep, usage, attempts)
            llm_wait = time.perf_counter() - t0
        return await self._finish(prep, choice, skip, attempts, usage, llm_wait, audit_extra)

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
        streamed = Streamed()
        llm_wait = 0.0
        if skip is None:
            t0 = time.perf_counter()
            async for event in self.llm.stream(prep, usage, attempts, streamed):
                yield event
            skip = streamed.skip
            llm_wait = time.perf_counter() - t0
        result = await self._finish(prep, streamed.choice, skip, attempts, usage, llm_wait)
        yield {"event": "final", "data": result.as_dict()}

    # -- steps --

    async def _prepare(self, tenant: str, conv: Conversation, n: int, hits: list[SearchHit] | None, intent: str | None,
                       done: tuple[Redactor, list[Message]] | None = None) -> Prepared:
        validate(conv, n)
        started = time.perf_counter()
        redactor = done[0] if done is not None else Redactor()

        def scan() -> tuple[list[Message], Any]:  # regexes over up to 200 x 8000 characters: off the loop (issue 12)
            masked = done[1] if done is not None else [Message(m.role, redactor.redact(m.text)) for m in conv.messages]
            return masked, self.policy.escalation_for(conv.customer_texts())

        masked, escalation = scan() if short(conv) else await asyncio.to_thread(scan)
        retrieval_ms = 0.0
        replace = escalation is not None and escalation.action == "replace"
        if hits is None and not replace:
            grounds = await find_grounds(self.knowledge, tenant, masked, conv.channel, top_k=max(self.top_k, 2 * n),
                                         classify=self.classify() if intent is None else None)
            hits, retrieval_ms = grounds.hits, grounds.retrieval_ms
            intent = grounds.intent if grounds.classified else intent
        hits = list(hits or [])
        facts = {**self.history.facts(conv), **conv.facts()}
        evidence = Evidence(conv.channel, {h.chunk_id: h for h in hits}, conv.customer_texts(), facts, intent,
                            today=self.today(), history=self.history.sources(conv))
        return Prepared(tenant, conv, n, redactor, masked, facts, hits, evidence, intent, escalation, started, retrieval_ms)

    def _skip_reason(self, prep: Prepared, use_llm: bool) -> LLMSkipped | None:
        if prep.escalation is not None and prep.escalation.action == "replace":
            return LLMSkipped("escalation", f"the conversation triggers the {prep.escalation.id!r} escalation; only the approved reply is offered")
        if not use_llm:
            return LLMSkipped("not_requested", "the caller asked for no LLM (use_llm=false)")
        if not self.gateway.available:
            return LLMSkipped("not_configured", "no LLM is configured (ASSIST_LLM_BASE_URL is empty)")
        if not prep.hits:
            return LLMSkipped("no_knowledge", "no approved article matched; the LLM is not asked to answer without sources")
        return None

    def _check(self, candidate: Candidate, evidence: Evidence) -> CheckReport:
        report = self.checks.check(candidate, evidence)
        if self.metrics is not None:
            for r in report.failed():
                self.metrics.policy_failures.labels(r.check).inc()
        return report

    def _escalation_dict(self, prep: Prepared) -> dict[str, Any] | None:
        e = prep.escalation
        return {"id": e.id, "queue": e.queue, "action": e.action} if e is not None else None

    async def _finish(
        self,
        prep: Prepared,
        llm_candidate: LLMChoice | None,
        skip: LLMSkipped | None,
        attempts: list[Attempt],
        usage: LLMUsage,
        llm_wait_s: float,
        audit_extra: Callable[[], Awaitable[dict[str, Any]]] | None = None,
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
            outcome = "repaired" if llm_candidate.repaired else "used"
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
                "model": llm_candidate.model if used else (usage.calls[-1].model if usage.calls else (self.gateway.params("suggest").model if attempts else None)),
                "prompt": llm_candidate.prompt if used else None,
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
        extra = await audit_extra() if audit_extra is not None else {}
        await self._record(prep, result, extra)
        return result

    async def _record(self, prep: Prepared, result: SuggestResult, extra: dict[str, Any]) -> None:
        """Every suggestion gets an id and is recorded with the answer's audit record (the one place)."""
        if self.recorder is None:
            return
        entry = audit_entry(prep.tenant, prep.conv, result)
        entry["output"].update(extra)
        try:
            await self.recorder.record(prep.tenant, stored(result), entry,
                                       conversation_id=prep.conv.conversation_id, intent=result.intent, channel=result.channel)
        except Exception as exc:
            log.exception("suggestion_record_failed", suggestions=len(result.suggestions))
            raise Unavailable("the suggestions could not be recorded; try again") from exc
