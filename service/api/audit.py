"""HTTP for the audit trail and agent feedback.

GET /v1/audit (filters, newest first, cursor paging), GET /v1/audit/records/{id},
GET /v1/audit/verify (this tenant's chain), GET /v1/feedback/report, and
POST /v1/suggestions/{id}/feedback.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from service.api.deps import Injected
from service.audit import AuditQuery, AuditTrail, FeedbackIn, FeedbackService
from service.api.request import strict_body
from service.audit.report import feedback_report
from service.continuity.service import ContinuityService
from service.errors import InvalidInput
from service.tenancy.keys import Principal
from service.observability.logging import annotate


class AuditRecordOut(msgspec.Struct):
    id: str
    tenant_id: str
    seq: int
    created_at: str
    key_id: str | None
    endpoint: str
    request_id: str | None
    customer_id: str | None
    input: dict[str, Any]
    """PII-redacted copy of the request."""
    input_hash: str
    """SHA-256 of the original request (canonical JSON)."""
    articles: list[Any]
    """Knowledge used: article id, chunk id, version."""
    prompt: str | None
    """id@version of the prompt, when an LLM was asked."""
    model: str | None
    params: dict[str, Any]
    tokens: dict[str, Any]
    policy: dict[str, Any]
    """Policy check results."""
    outcome: str
    latency_ms: float
    output: dict[str, Any]
    erased: bool
    """Personal data erased on request (the record still verifies)."""
    prev_hash: str
    record_hash: str
    personal_hash: str


class AuditPage(msgspec.Struct):
    records: list[AuditRecordOut]
    next_cursor: int | None
    """Pass as ``cursor`` for the next (older) page; null on the last page."""


class FeedbackBody(msgspec.Struct, forbid_unknown_fields=True):
    event: Literal["shown", "accepted", "edited", "rejected"]
    sent_text: Annotated[str, msgspec.Meta(max_length=20_000)] | None = None
    """The reply the agent actually sent (``edited`` only)."""
    reason: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    """Why the suggestion was rejected (``rejected`` only, required there)."""
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)] | None = None


class FeedbackOut(msgspec.Struct):
    id: str
    suggestion_id: str
    audit_id: str
    """The audit record of the answer that produced the suggestion."""
    feedback_audit_id: str | None
    """The audit record of this feedback event (null when ``replayed``)."""
    event: str
    rating: int | None
    edit_distance: float | None
    """Word-level, 0 (sent as suggested) to 1 (nothing kept); ``edited`` only."""
    prompt: str | None
    intent: str | None
    created_at: str
    stale: bool | None = None
    """True when newer customer messages arrived after the state the suggestion answered (a stale
    draft); null when that state was not recorded (a request without a customer). Issue 14."""
    newer_message: str | None = None
    """The id of the newest customer message the suggestion did not see."""
    replayed: bool = False
    """The same decision was already recorded: this is it, nothing new was written (200)."""


def _utc(value: datetime | None, name: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class AuditController(Controller):
    path = "/audit"
    tags = ["audit"]

    @get("/", opt={"scope": "audit:read"}, summary="The tenant's audit records, newest first, with filters and paging")
    async def list_records(
        self,
        principal: Principal,
        audit: Injected[AuditTrail],
        since: datetime | None = None,
        until: datetime | None = None,
        endpoint: Annotated[str | None, Parameter(max_length=64, description="e.g. knowledge.search, suggestions, summaries, feedback")] = None,
        customer_id: Annotated[str | None, Parameter(max_length=128)] = None,
        prompt: Annotated[str | None, Parameter(max_length=128, description="id@version, or an id for every version")] = None,
        outcome: Annotated[str | None, Parameter(max_length=32)] = None,
        request_id: Annotated[str | None, Parameter(max_length=64)] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        cursor: Annotated[int | None, Parameter(ge=1, le=2**62, description="next_cursor of the previous page")] = None,
    ) -> AuditPage:
        since_utc, until_utc = _utc(since, "since"), _utc(until, "until")
        if since_utc and until_utc and since_utc >= until_utc:
            raise InvalidInput("since must be before until")
        query = AuditQuery(since=since_utc, until=until_utc, endpoint=endpoint, customer_id=customer_id, prompt=prompt, outcome=outcome, request_id=request_id)
        rows, next_cursor = await audit.query(principal.tenant_id, query, limit=limit, before_seq=cursor)
        annotate(records=len(rows))
        return AuditPage(records=[msgspec.convert(r, AuditRecordOut) for r in rows], next_cursor=next_cursor)

    @get("/records/{record_id:str}", opt={"scope": "audit:read"}, summary="One audit record")
    async def get_record(self, record_id: Annotated[str, Parameter(max_length=64)], principal: Principal, audit: Injected[AuditTrail]) -> AuditRecordOut:
        return msgspec.convert(await audit.get(principal.tenant_id, record_id), AuditRecordOut)

    @get("/verify", opt={"scope": "audit:read"}, summary="Recompute this tenant's hash chain; names the first broken record")
    async def verify(self, principal: Principal, audit: Injected[AuditTrail]) -> dict[str, Any]:
        report = await audit.verify(principal.tenant_id)
        return report.as_dict()


class FeedbackReportController(Controller):
    path = "/feedback"
    tags = ["feedback"]

    @get("/report", opt={"scope": "audit:read"}, summary="Acceptance, edits and rejections per prompt version and per intent")
    async def report(self, principal: Principal, feedback: Injected[FeedbackService], since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
        return await feedback_report(feedback.store, principal.tenant_id, since=_utc(since, "since"), until=_utc(until, "until"))


class SuggestionFeedbackController(Controller):
    path = "/suggestions"
    tags = ["feedback"]

    @post("/{suggestion_id:str}/feedback", opt={"scope": "feedback:write"}, status_code=201,
          summary="What the agent did with a suggestion: shown, accepted, edited (sent_text), rejected (reason); rating 1-5",
          description=("One decision (accepted, edited, rejected) per suggestion: the same decision sent again "
                       "answers 200 with the recorded one (replayed: true), a different one is a 409. `shown` is not "
                       "a decision and may be sent any number of times."))
    async def feedback(
        self, suggestion_id: Annotated[str, Parameter(max_length=64)], data: FeedbackBody, request: Request,
        principal: Principal, feedback: Injected[FeedbackService], continuity: Injected[ContinuityService | None],
    ) -> Response[FeedbackOut]:
        data = await strict_body(request, FeedbackBody)  # issue 12: rating "5" is not a number
        out = await feedback.submit(principal.tenant_id, suggestion_id, FeedbackIn(data.event, data.sent_text, data.reason, data.rating))
        if continuity is not None:  # issue 14: a suggestion answered an older state of the conversation
            out = {**out, **(await continuity.staleness(principal.tenant_id, suggestion_id) or {})}
        annotate(suggestion_id=suggestion_id, feedback_event=data.event, prompt=out["prompt"], replayed=out["replayed"])
        return Response(msgspec.convert(out, FeedbackOut), status_code=200 if out["replayed"] else 201)


AUDIT_HANDLERS = [AuditController, FeedbackReportController, SuggestionFeedbackController]
