"""HTTP for the knowledge-gap loop (issue 19): gaps, drafts, and the review of drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from service.api.deps import Injected
from service.gaps.service import GapService
from service.tenancy.keys import Principal

DraftId = Annotated[str, Parameter(max_length=36)]


class ApproveIn(msgspec.Struct, forbid_unknown_fields=True):
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=200_000)] | None = None
    """The reviewed article (front matter, then Markdown); default: the draft as proposed. Its
    status is set to ``approved``."""


class RejectIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class Trend(msgspec.Struct):
    earlier: int
    later: int
    direction: str
    """rising, steady or falling (later half of the period vs the earlier half)."""


class IntentCount(msgspec.Struct):
    intent: str
    count: int


class ArticleCount(msgspec.Struct):
    article_id: str
    count: int


class Example(msgspec.Struct):
    kind: str
    at: str
    text: str
    """The customer's words, PII masked."""
    sent_text: str | None
    reason: str | None
    intent: str | None
    articles: list[str]
    conversation_id: str | None
    ref: str


class DraftRef(msgspec.Struct):
    id: str
    status: str
    version: int


class GapOut(msgspec.Struct):
    id: str
    status: str
    """open or closed."""
    kind: str
    """missing, or outdated (``article_id`` names the article)."""
    title: str
    article_id: str | None
    size: int
    signals: dict[str, int]
    trend: Trend
    intents: list[IntentCount]
    articles_cited: list[ArticleCount]
    examples: list[Example]
    first_signal_at: str
    last_signal_at: str
    closed_at: str | None
    reopened_at: str | None
    updated_at: str | None
    draft_id: str | None
    """The pending draft, if any."""
    drafts: list[DraftRef]


class GapsOut(msgspec.Struct):
    gaps: list[GapOut]
    since: str | None = None
    until: str | None = None
    signals: int | None = None
    """Signals in the analysed period (absent with refresh=false)."""


class DraftOut(msgspec.Struct):
    id: str
    gap_id: str
    article_id: str
    title: str
    version: int
    status: str
    """draft, approved or rejected."""
    engine: str
    notes: list[str]
    content: str
    created_at: str | None
    updated_at: str | None
    decided_at: str | None
    decided_by: str | None
    decision_reason: str | None


class DraftsOut(msgspec.Struct):
    drafts: list[DraftOut]


class DecisionOut(DraftOut):
    audit_id: str | None = None
    ingest: dict[str, Any] | None = None


class GapsController(Controller):
    path = "/knowledge"
    tags = ["knowledge gaps"]

    @get("/gaps", opt={"scope": "knowledge:read", "heavy": True},
         summary="Knowledge gaps found in the tenant's signals (rejected and edited suggestions, no-knowledge answers, "
                 "low-score searches, intent abstentions, escalations without an article)")
    async def list_gaps(
        self, principal: Principal, gaps: Injected[GapService],
        since: Annotated[datetime | None, Parameter(description="start of the period (ISO 8601); default until - 30 days")] = None,
        until: Annotated[datetime | None, Parameter(description="end of the period (ISO 8601); default now")] = None,
        status: Annotated[Literal["open", "closed"] | None, Parameter(description="only gaps with this status")] = None,
        refresh: Annotated[bool, Parameter(description="analyse the period first (default); false: stored gaps only")] = True,
    ) -> GapsOut:
        svc = gaps
        if refresh:
            out = await svc.refresh(principal.tenant_id, since, until)
            out["gaps"] = [g for g in out["gaps"] if status is None or g["status"] == status]
            return msgspec.convert(out, GapsOut)
        return msgspec.convert({"gaps": await svc.list_gaps(principal.tenant_id, status)}, GapsOut)

    @get("/drafts", opt={"scope": "knowledge:read"}, summary="Proposed articles for the gaps (never retrieved or cited)")
    async def list_drafts(
        self, principal: Principal, gaps: Injected[GapService],
        status: Annotated[Literal["draft", "approved", "rejected"] | None, Parameter(description="only drafts with this status")] = None,
    ) -> DraftsOut:
        return msgspec.convert({"drafts": await gaps.list_drafts(principal.tenant_id, status)}, DraftsOut)

    @post("/drafts/{draft_id:str}/approve", opt={"scope": "knowledge:write", "heavy": True}, status_code=200,
          summary="Approve a draft: it becomes an approved tenant article version (audited) and its gap closes")
    async def approve(self, draft_id: DraftId, principal: Principal, gaps: Injected[GapService], data: ApproveIn | None = None) -> DecisionOut:
        out = await gaps.approve(principal.tenant_id, draft_id, key_id=principal.key_id,
                                               content=data.content if data else None)
        return msgspec.convert(out, DecisionOut)

    @post("/drafts/{draft_id:str}/reject", opt={"scope": "knowledge:write"}, status_code=200,
          summary="Reject a draft with a reason (audited); the gap stays open")
    async def reject(self, draft_id: DraftId, data: RejectIn, principal: Principal, gaps: Injected[GapService]) -> DecisionOut:
        out = await gaps.reject(principal.tenant_id, draft_id, key_id=principal.key_id, reason=data.reason)
        return msgspec.convert(out, DecisionOut)
