"""The gap loop per tenant: analyse a period, keep gaps and drafts, and review drafts.

``refresh`` reads the tenant's signal events of the period, finds the gaps and matches each to a
stored gap of the same topic (same outdated article, or centroids with cosine >= ``MATCH``):
an open gap is updated; a closed gap stays closed unless a signal arrived after it was closed,
which reopens it; an unmatched gap is new. Each open gap gets a pending draft (rewritten while
nobody has decided on it; after a rejection, a new one only once new signals arrive).

``approve`` turns a draft into an approved tenant article version (through the knowledge
ingest, so it is indexed like any other article), closes its gap and appends an audit record;
``reject`` records the decision and its reason, audited too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import anyio
import numpy as np
import yaml

from service.audit.entry import AuditEntry
from service.audit.trail import AuditTrail
from service.adapters.sql import gaps_repo as repo
from service.adapters.sql.models import KnowledgeDraft, KnowledgeGap
from service.errors import Conflict, InvalidInput, NotFound
from service.gaps.analysis import analyse
from service.gaps.clustering import MIN_SIZE, Clusterer, Gap
from service.gaps.drafts import REVIEW_NOTE, Draft, build_draft, slug, write_with_llm
from service.gaps.signals import LOW_SCORE
from service.knowledge.articles import ArticleError, parse_article
from service.knowledge.frontmatter import FrontMatterError, load_front_matter, split_front_matter
from service.knowledge.service import KnowledgeService

MATCH = 0.8
"""Cosine between centroids above which a new analysis's gap is the same topic as a stored one."""
PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 366
NO_ANSWER = "No agent reply was recorded for this topic yet"


def _utc(ts: datetime | None) -> datetime | None:
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def gap_view(row: KnowledgeGap, drafts: list[KnowledgeDraft]) -> dict[str, Any]:
    pending = next((d for d in drafts if d.status == "draft"), None)
    return {
        "id": row.id, "status": row.status, "kind": row.kind, "title": row.title, "article_id": row.article_id,
        "size": row.size, **{k: v for k, v in (row.summary or {}).items() if k not in ("kind", "title", "article_id", "size")},
        "closed_at": _iso(row.closed_at), "reopened_at": _iso(row.reopened_at), "updated_at": _iso(row.updated_at),
        "draft_id": pending.id if pending else None,
        "drafts": [{"id": d.id, "status": d.status, "version": d.version} for d in drafts],
    }


def draft_view(row: KnowledgeDraft) -> dict[str, Any]:
    return {
        "id": row.id, "gap_id": row.gap_id, "article_id": row.article_id, "title": row.title, "version": row.version,
        "status": row.status, "engine": row.engine, "notes": list(row.notes or []), "content": row.content,
        "created_at": _iso(row.created_at), "updated_at": _iso(row.updated_at), "decided_at": _iso(row.decided_at),
        "decided_by": row.decided_by, "decision_reason": row.decision_reason,
    }


def _iso(ts: datetime | None) -> str | None:
    ts = _utc(ts)
    return ts.isoformat() if ts else None


def approved_text(content: str) -> str:
    """``content`` with ``status: approved`` in its front matter (the rest as the reviewer left it)."""
    try:
        head, rest = split_front_matter(content)
    except FrontMatterError:
        raise InvalidInput("content must start with a '---' YAML front-matter block") from None
    try:
        meta = load_front_matter(head) or {}
    except FrontMatterError:
        raise InvalidInput("the draft's front matter is not valid YAML") from None
    if not isinstance(meta, dict):
        raise InvalidInput("the draft's front matter must be a YAML mapping")
    meta["status"] = "approved"
    meta = {k: v for k, v in meta.items() if v not in ("", None)}
    body = "\n".join(line for line in rest.splitlines() if not line.startswith(REVIEW_NOTE))
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---" + body + "\n"


class GapService:
    def __init__(
        self,
        *,
        sessions: Any,
        embedder: Any,
        clusterer: Clusterer,
        knowledge: KnowledgeService,
        trail: Callable[[], AuditTrail | None],
        chat: Callable[[], Any] = lambda: None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        min_size: int = MIN_SIZE,
        low_score: float = LOW_SCORE,
    ) -> None:
        self.sessions = sessions
        self.embedder = embedder
        self.clusterer = clusterer
        self.knowledge = knowledge
        self.trail = trail
        self.chat = chat
        self.now = now
        self.min_size = min_size
        self.low_score = low_score
        self._lock = anyio.Lock()

    def period(self, since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
        until = _utc(until) or self.now()
        try:
            since = _utc(since) or until - timedelta(days=PERIOD_DAYS)
        except OverflowError:
            raise InvalidInput("until is too early for a 30-day period; give since as well") from None
        if since >= until:
            raise InvalidInput("since must be before until")
        if until - since > timedelta(days=MAX_PERIOD_DAYS):
            raise InvalidInput(f"the period is longer than {MAX_PERIOD_DAYS} days")
        return since, until

    # ---- analysis ---------------------------------------------------------------------------

    async def refresh(self, tenant: str, since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
        """Analyse ``[since, until)`` (default: the last 30 days), store the outcome, return it."""
        since, until = self.period(since, until)
        async with self.sessions() as session:
            events = await repo.signal_events(session, tenant, since, until)
        analysis = await analyse(events, self.embedder, self.clusterer, since=since, until=until,
                                 min_size=self.min_size, low_score=self.low_score)
        versions = {d.article_id: d.version for d in await self.knowledge.documents(tenant)}
        async with self._lock:
            async with self.sessions.begin() as session:
                stored = await repo.gaps(session, tenant)
                taken: set[str] = set()
                for gap in analysis.gaps:
                    row = self._match(gap, stored, taken)
                    if row is None:
                        row = KnowledgeGap(id=str(uuid.uuid4()), tenant_id=tenant, status="open", first_seen_at=self.now(),
                                           closed_at=None, reopened_at=None)
                        session.add(row)
                    taken.add(row.id)
                    await self._update(session, tenant, row, gap, versions, until.date())
        return {"since": since.isoformat(), "until": until.isoformat(), "signals": analysis.signal_count,
                "gaps": await self.list_gaps(tenant)}

    @staticmethod
    def _match(gap: Gap, stored: list[KnowledgeGap], taken: set[str]) -> KnowledgeGap | None:
        """The stored gap of the same topic not yet matched in this analysis, if any."""
        best, best_sim = None, MATCH
        for row in stored:
            if row.kind != gap.kind or row.id in taken:
                continue
            if gap.kind == "outdated" and row.article_id == gap.article_id:
                best, best_sim = row, 2.0
                break
            sim = float(np.dot(np.asarray(row.centroid or [0.0], dtype=np.float32)[: len(gap.centroid)], gap.centroid)) if row.centroid else 0.0
            if sim >= best_sim:
                best, best_sim = row, sim
        return best

    async def _update(self, session: Any, tenant: str, row: KnowledgeGap, gap: Gap, versions: dict[str, int], today: date) -> None:
        now = self.now()
        last_signal = max(s.at for s in gap.signals)
        unchanged = row.size == gap.size and _utc(row.last_signal_at) == last_signal
        if row.status == "closed":
            closed_at = _utc(row.closed_at)
            if closed_at is not None and last_signal <= closed_at:
                return  # nothing new since it was closed
            row.status, row.reopened_at = "open", now
        row.kind, row.article_id, row.title = gap.kind, gap.article_id, gap.title
        row.centroid = [round(float(x), 6) for x in gap.centroid]
        row.size, row.summary = gap.size, gap.summary()
        row.last_signal_at, row.updated_at = last_signal, now
        await session.flush()
        history = await repo.drafts(session, tenant, gap_ids=[row.id])
        pending = next((d for d in history if d.status == "draft"), None)
        latest = history[0] if history else None
        if pending is not None and unchanged:
            return  # same signals as when the pending draft was written: keep it (no LLM call)
        if pending is None and latest is not None and latest.status == "rejected" and last_signal <= (_utc(latest.decided_at) or now):
            return  # rejected, and no new signal since
        approved = next((d for d in history if d.status == "approved"), None)
        article_id = gap.article_id or (approved.article_id if approved else f"gap-{slug(gap.title)}")
        draft = build_draft(gap, today, article_id=article_id, version=versions.get(article_id, 0) + 1)
        chat = self.chat()
        if chat is not None:
            draft = await write_with_llm(draft, gap, today, chat)
        self._write_draft(session, tenant, row.id, pending, draft, now)

    @staticmethod
    def _write_draft(session: Any, tenant: str, gap_id: str, pending: KnowledgeDraft | None, draft: Draft, now: datetime) -> None:
        if pending is None:
            pending = KnowledgeDraft(id=str(uuid.uuid4()), tenant_id=tenant, gap_id=gap_id, status="draft", created_at=now)
            session.add(pending)
        pending.article_id, pending.title, pending.version = draft.article_id, draft.title, draft.version
        pending.content, pending.engine, pending.notes, pending.updated_at = draft.content, draft.engine, list(draft.notes), now

    # ---- reading ----------------------------------------------------------------------------

    async def list_gaps(self, tenant: str, status: str | None = None) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            rows = await repo.gaps(session, tenant, status)
            drafts = await repo.drafts(session, tenant, gap_ids=[r.id for r in rows]) if rows else []
        by_gap: dict[str, list[KnowledgeDraft]] = {}
        for d in drafts:
            by_gap.setdefault(d.gap_id, []).append(d)
        return [gap_view(r, by_gap.get(r.id, [])) for r in rows]

    async def list_drafts(self, tenant: str, status: str | None = None) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            return [draft_view(d) for d in await repo.drafts(session, tenant, status)]

    # ---- review -----------------------------------------------------------------------------

    async def approve(self, tenant: str, draft_id: str, *, key_id: str | None, content: str | None = None) -> dict[str, Any]:
        """The draft (or the reviewer's edit of it) becomes an approved tenant article version."""
        async with self._lock:
            async with self.sessions() as session:
                draft = await repo.draft_for_update(session, tenant, draft_id)
            if draft is None:
                raise NotFound(f"no draft {draft_id!r}")
            if draft.status != "draft":
                raise Conflict(f"draft {draft_id!r} is already {draft.status}")
            source = content if content is not None else draft.content
            if content is None and NO_ANSWER in source:
                raise InvalidInput("this draft has no answer yet: send the reviewed article in 'content'")
            text = approved_text(source)
            try:
                article = parse_article(text, "draft")
            except ArticleError as exc:
                raise InvalidInput(f"article is not valid: {exc.field}: {exc.message}", errors=[exc.as_dict()]) from None
            report = await self.knowledge.ingest_text(tenant, text)
            if report.errors:
                raise Conflict(f"the article was not written: {report.errors[0]['message']}", errors=report.errors)
            now = self.now()
            async with self.sessions.begin() as session:
                draft = await repo.draft_for_update(session, tenant, draft_id)
                gap = await repo.gap(session, tenant, draft.gap_id) if draft else None
                if draft is None or draft.status != "draft":
                    raise Conflict(f"draft {draft_id!r} was decided meanwhile")
                draft.status, draft.decided_at, draft.decided_by, draft.updated_at = "approved", now, key_id, now
                draft.article_id, draft.version, draft.content = article.id, article.version, text
                if gap is not None:
                    gap.status, gap.closed_at, gap.updated_at = "closed", now, now
                record = await self._audit(session, AuditEntry(
                    endpoint="knowledge.drafts.approve", tenant_id=tenant, key_id=key_id,
                    input_redacted={"draft_id": draft_id, "gap_id": draft.gap_id, "edited": content is not None},
                    articles=[{"article_id": article.id, "version": article.version}],
                    params={"engine": draft.engine}, outcome="approved",
                    output={"draft_id": draft_id, "gap_id": draft.gap_id, "article_id": article.id, "version": article.version,
                            "content_hash": article.content_hash, "ingest": report.as_dict()},
                ))
                view = draft_view(draft)
        return {**view, "audit_id": record.id if record else None, "ingest": report.as_dict()}

    async def reject(self, tenant: str, draft_id: str, *, key_id: str | None, reason: str) -> dict[str, Any]:
        reason = " ".join((reason or "").split())
        if not reason:
            raise InvalidInput("a rejection needs a reason")
        now = self.now()
        async with self._lock, self.sessions.begin() as session:
            draft = await repo.draft_for_update(session, tenant, draft_id)
            if draft is None:
                raise NotFound(f"no draft {draft_id!r}")
            if draft.status != "draft":
                raise Conflict(f"draft {draft_id!r} is already {draft.status}")
            draft.status, draft.decided_at, draft.decided_by, draft.decision_reason, draft.updated_at = "rejected", now, key_id, reason, now
            record = await self._audit(session, AuditEntry(
                endpoint="knowledge.drafts.reject", tenant_id=tenant, key_id=key_id,
                input={"draft_id": draft_id, "gap_id": draft.gap_id, "reason": reason},
                articles=[], outcome="rejected", output={"draft_id": draft_id, "gap_id": draft.gap_id},
            ))
            view = draft_view(draft)
        return {**view, "audit_id": record.id if record else None}

    async def _audit(self, session: Any, entry: AuditEntry) -> Any:
        trail = self.trail()
        return await trail.append(session, entry) if trail is not None else None
