"""HTTP for intents: classify a message, a batch or a conversation; see and reload the taxonomy."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post

from service.api.deps import Injected
from service.intents.service import MAX_BATCH, IntentService, Message
from service.audit import AuditEntry, AuditTrail, elapsed_ms
from service.errors import InvalidInput
from service.tenancy.keys import Principal
from service.observability.logging import annotate

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class TurnIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Literal["customer", "agent", "user", "assistant", "system", "bot"]
    text: Annotated[str, msgspec.Meta(max_length=20_000)]


class ClassifyIn(msgspec.Struct, forbid_unknown_fields=True):
    """Exactly one of ``text``, ``texts`` or ``messages`` (a conversation: the customer's
    current need is classified, not their first message)."""

    text: Text | None = None
    texts: Annotated[list[Text], msgspec.Meta(min_length=1, max_length=MAX_BATCH)] | None = None
    messages: Annotated[list[TurnIn], msgspec.Meta(min_length=1, max_length=200)] | None = None
    llm_fallback: bool = True
    """Ask the LLM when the model abstains (only if one is configured); the answer says ``source: llm``."""


class AlternativeOut(msgspec.Struct):
    intent: str
    confidence: float


class ClassificationOut(msgspec.Struct, omit_defaults=True):
    intent: str | None
    confidence: float
    alternatives: list[AlternativeOut]
    taxonomy_version: str
    source: str = "model"
    turn: int | None = None
    """For a conversation: index of the message the current need was read from."""


class BatchOut(msgspec.Struct):
    results: list[ClassificationOut]


def to_out(result: Any) -> ClassificationOut:
    d = result.as_dict()
    return ClassificationOut(
        intent=d["intent"], confidence=d["confidence"], taxonomy_version=d["taxonomy_version"], source=d["source"],
        alternatives=[AlternativeOut(**a) for a in d["alternatives"]], turn=d.get("turn"),
    )


async def record(trail: AuditTrail, svc: IntentService, principal: Principal, endpoint: str, data: Any, output: Any,
                 started: float, version: str | None) -> None:
    """One audit record per answer (issue 6): the redacted input, taxonomy version, the result."""
    await trail.record(AuditEntry(
        endpoint=endpoint, tenant_id=principal.tenant_id, key_id=principal.key_id, input=data,
        params={"taxonomy_version": version, "threshold": svc.threshold},
        outcome="ok", latency_ms=elapsed_ms(started), output=output,
    ))


class IntentsController(Controller):
    path = "/intents"
    tags = ["intents"]

    @post("/classify", opt={"scope": "intents:read", "heavy": True}, status_code=200,
          summary="Classify a message, a batch of messages, or a conversation's current need")
    async def classify(self, data: ClassifyIn, principal: Principal, intents: Injected[IntentService],
                       audit: Injected[AuditTrail]) -> ClassificationOut | BatchOut:
        given = [n for n in ("text", "texts", "messages") if getattr(data, n) is not None]
        if len(given) != 1:
            raise InvalidInput("send exactly one of 'text', 'texts' or 'messages'"
                               + (f" (got {', '.join(given)})" if given else ""))
        svc = intents
        started = time.perf_counter()
        out: ClassificationOut | BatchOut
        if data.text is not None:
            out = to_out(await svc.aclassify(data.text, use_fallback=data.llm_fallback))
        elif data.texts is not None:
            out = BatchOut([to_out(r) for r in await svc.aclassify_batch(data.texts)])
        else:
            msgs = [Message(m.role, m.text) for m in data.messages or []]
            out = to_out(await svc.aclassify_conversation(msgs, use_fallback=data.llm_fallback))
        results = out.results if isinstance(out, BatchOut) else [out]
        annotate(taxonomy_version=svc.version, intents=[r.intent for r in results][:20])
        await record(audit, svc, principal, "intents.classify", msgspec.to_builtins(data),
                     [{"intent": r.intent, "confidence": r.confidence, "source": r.source} for r in results],
                     started, svc.version)
        return out

    @get("/", opt={"scope": "intents:read"}, summary="The live taxonomy: version, intents, queues, default priorities")
    async def taxonomy(self, intents: Injected[IntentService]) -> dict[str, Any]:
        svc = intents
        tax = svc.taxonomy
        return {
            **svc.describe(),
            "intents": [{"name": i.name, "description": i.description, "queue": i.queue, "priority": i.priority,
                         "examples": len(i.examples)} for i in tax.intents],
        }

    @post("/reload", opt={"scope": "operator", "heavy": True}, status_code=200,
          summary="Reload the taxonomy file and retrain, without a restart; a bad file is refused. The taxonomy "
                  "is the service's, shared by every tenant, so this needs an operator key (admin does not grant it)")
    async def reload(self, principal: Principal, intents: Injected[IntentService]) -> dict[str, Any]:
        svc = intents
        report = await svc.reload()
        annotate(taxonomy_version=report.version, changed=report.changed)
        return report.as_dict()
