"""/v1/assist: summary, intent, knowledge and suggestions for one conversation in one call.

Independent parts run concurrently: the summary alongside everything else; intent and
retrieval together; the suggestions once both are in (they need the hits, and the intent
decides some required disclosures). A part that fails (no summariser, no intent service) is
reported as ``null`` with a note, never as an error of the whole call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from service.domain.interactions import DEFAULT_DIRECTION, Interaction
from service.domain.pii import Redactor
from service.errors import AppError, InvalidInput
from service.replies.conversation import Conversation, Message, short, validate
from service.replies.intent_and_knowledge import Classifier, find_grounds
from service.replies.service import SuggestionService
from service.summaries.service import audit_record

log = structlog.get_logger("service.assist")


class AssistService:
    def __init__(
        self,
        knowledge: Any,
        suggester: SuggestionService,
        *,
        intents: Callable[[], Classifier | None] = lambda: None,
        summaries: Callable[[], Any] = lambda: None,
    ) -> None:
        self.knowledge = knowledge
        self.suggester = suggester
        self.intents = intents
        self.summaries = summaries

    async def assist(
        self,
        tenant: str,
        conv: Conversation,
        *,
        n: int = 3,
        top_k: int = 5,
        use_llm: bool = True,
        include_summary: bool = True,
    ) -> dict[str, Any]:
        validate(conv, n)
        if not 1 <= top_k <= 20:
            raise InvalidInput("top_k must be between 1 and 20")
        started = time.perf_counter()
        redactor = Redactor()

        def mask() -> list[Message]:
            return [Message(m.role, redactor.redact(m.text)) for m in conv.messages]

        # The PII regexes over up to 200 x 8000 characters run off the loop; a short conversation
        # costs less here than the hand-off to a thread (issue 18).
        masked = mask() if short(conv) else await asyncio.to_thread(mask)
        notes: list[str] = []
        # The conversation's intent, once the answer part has classified it: the summary of a
        # conversation with a single issue takes it rather than classifying a sentence again.
        known_intent: asyncio.Future[tuple[str | None, float | None] | None] = asyncio.get_running_loop().create_future()
        summary_audit: dict[str, Any] = {}

        async def answer_part() -> tuple[dict[str, Any] | None, list[Any], Any, float]:
            classify = self.intents()
            grounds = await find_grounds(self.knowledge, tenant, masked, conv.channel, top_k=max(top_k, 2 * n, 6), classify=classify)
            known_intent.set_result((grounds.intent, grounds.confidence) if grounds.classified else None)
            if classify is None:
                notes.append("intent: no intent service is configured")
            intent = {"intent": grounds.intent, "confidence": round(grounds.confidence, 4)} if grounds.classified else None
            result = await self.suggester.suggest(
                tenant, conv, n=n, use_llm=use_llm, hits=grounds.hits, intent=(intent or {}).get("intent"),
                audit_extra=summary_in_audit, masked=(redactor, masked),  # masked once, here
            )
            return intent, grounds.hits, result, grounds.retrieval_ms

        async def summary_in_audit() -> dict[str, Any]:
            """One audit record per call: the summary's (ids, versions, counts) goes in the suggestions' record."""
            await asyncio.shield(summary_task)
            return {"summary": summary_audit} if summary_audit else {}

        async def summary_part() -> tuple[dict[str, Any] | None, float]:
            """The summary and its own time: for a conversation summarised without an LLM, from
            the moment the conversation's intent is known (it waits for that, doing nothing)."""
            service = self.summaries() if include_summary else None
            known = None
            if service is not None and conv.context is None and (not use_llm or service.chat_model() is None):
                known = await known_intent
            t0 = time.perf_counter()
            summary = await summarise(service, known)
            return summary, (time.perf_counter() - t0) * 1000

        async def summarise(service: Any, known: tuple[str | None, float | None] | None) -> dict[str, Any] | None:
            if not include_summary:
                return None
            if service is None:
                notes.append("summary: no summariser is configured")
                return None
            try:
                ctx = conv.context  # issue 14: the customer's whole story, when the request names one
                if ctx is not None and not use_llm:  # its extractive summary is already made: reuse it
                    summary = await service.finish(tenant, ctx.summary, used=len(ctx.history), stored_total=ctx.stored_total,
                                                   audit=False)
                else:
                    history = ctx.history if ctx is not None else to_interactions(conv)
                    summary = await service.summarize(
                        tenant, history, customer_id=conv.customer.get("id") or None, channel=conv.channel,
                        engine="auto" if use_llm else "extractive",
                        stored_total=ctx.stored_total if ctx is not None else None, as_of=ctx.as_of if ctx is not None else None,
                        known_intent=known, audit=False,
                    )
            except AppError as exc:
                notes.append(f"summary: {exc.detail}")
                return None
            summary_audit.update(audit_record(summary))
            return summary.to_dict()

        summary_task = asyncio.ensure_future(summary_part())
        try:
            intent, hits, result, retrieval_ms = await answer_part()
        except BaseException:
            summary_task.cancel()
            raise
        summary, summary_ms = await summary_task
        body = result.as_dict()
        total_ms = (time.perf_counter() - started) * 1000
        llm_ms = result.timings.get("llm_ms", 0.0) + float((summary or {}).get("latency_ms", 0.0) if (summary or {}).get("engine") == "llm" else 0.0)
        return {
            "summary": summary,
            "intent": intent,
            "knowledge": [
                {"article_id": h.article_id, "chunk_id": h.chunk_id, "title": h.title, "text": h.text, "score": round(h.score, 6), "version": h.version, "heading": h.heading}
                for h in hits[:top_k]
            ],
            "suggestions": body["suggestions"],
            "escalation": body["escalation"],
            "policy": body["policy"],
            "llm": body["llm"],
            "timings": {
                "retrieval_ms": round(retrieval_ms, 2),
                "summary_ms": round(summary_ms, 2),
                "suggestions_ms": result.timings.get("total_ms", 0.0),
                "llm_ms": round(llm_ms, 2),
                "total_ms": round(total_ms, 2),
                "non_llm_ms": round(total_ms - llm_ms, 2),
            },
            "notes": notes,
        }


def to_interactions(conv: Conversation) -> list[Any]:
    """This conversation's messages as interactions for the summariser (oldest first)."""
    now = datetime.now(UTC)
    count = len(conv.messages)
    customer = conv.customer.get("id") or "anonymous"
    return [
        Interaction(
            id=f"{conv.conversation_id or 'conv'}-{i + 1}",
            customer_id=customer,
            channel=conv.channel,
            direction=DEFAULT_DIRECTION.get(m.role, "inbound"),
            author_role=m.role,
            ts=now - timedelta(seconds=count - i),
            text=m.text,
            thread_id=conv.conversation_id,
        )
        for i, m in enumerate(conv.messages)
        if m.text.strip()
    ]
