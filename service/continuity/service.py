"""The continuity use case: resolve the customer, merge the stored history with the request,
record what is new, remember what each suggestion answered, merge identities.

``clock`` is injected (tests and evals pin it); nothing here reads the wall clock directly.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog

from service.domain.interactions import Interaction, normalise_handle
from service.ports import InteractionRepository
from service.summaries.extractive import ExtractiveSummarizer
from service.continuity import chatwoot as cw
from service.continuity.cache import HistoryCache
from service.continuity import zendesk as zd
from service.continuity.context import CustomerContext, WireMessage, from_items, merge, request_interactions
from service.adapters.sql.continuity_repo import ContinuityRepo
from service.audit import AuditEntry
from service.errors import Conflict, InvalidInput, NotFound, Unauthorized

log = structlog.get_logger("service.continuity")

MAX_HISTORY = 2000
"""Newest stored interactions read for one answer."""
OFFLOAD_AT = 200
"""Histories at least this long are summarised in a worker thread."""

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


class ContinuityService:
    def __init__(self, store: InteractionRepository, repo: ContinuityRepo, *, clock: Clock = wall_clock,
                 record_default: bool = False,
                 audit: Callable[[], Any] = lambda: None,
                 on_recorded: Callable[[str, list[Interaction]], Awaitable[None]] | None = None,
                 writeback: Callable[..., Awaitable[dict[str, Any] | None]] | None = None,
                 classify: Callable[[], Any] = lambda: None, cache: HistoryCache | None = None) -> None:
        self.store = store
        self.repo = repo
        self.clock = clock
        self.record_default = record_default
        self.audit = audit
        self.on_recorded = on_recorded
        self.writeback = writeback
        self.classify = classify
        self.cache = cache if cache is not None else HistoryCache()
        """The stored history and its per-text analysis per customer, while its version holds."""

    # -- who is the customer --------------------------------------------------------------------
    async def resolve(self, tenant: str, customer_id: str | None, handle: tuple[str, str] | None) -> tuple[str | None, list[str]]:
        """The customer id named by ``customer_id`` or, failing that, linked to ``handle``."""
        notes: list[str] = []
        if customer_id:
            return customer_id, notes
        if handle is None:
            return None, notes
        kind, value = normalise_handle(*handle)
        found = await self.store.resolve(tenant, kind, value)
        if found is None:
            notes.append(f"history: no customer is linked to this {kind} handle; answered on the request alone")
        return found, notes

    # -- the story for one request --------------------------------------------------------------
    async def context(self, tenant: str, *, customer_id: str | None, handle: tuple[str, str] | None,
                      channel: str, conversation_id: str | None, messages: Sequence[WireMessage],
                      record: bool | None) -> CustomerContext | None:
        cid, notes = await self.resolve(tenant, customer_id, handle)
        if cid is None:
            return None
        now = self.clock()
        if customer_id and handle is not None and record is not False:
            try:
                await self.store.link(tenant, cid, [handle])
            except Conflict:
                notes.append("history: the handle is linked to another customer; not linked again")
        version = await self.repo.history_version(tenant, cid)
        entry = self.cache.get(tenant, cid, version)
        if entry is None:
            entry = self.cache.put(tenant, cid, version, await self.store.history(tenant, cid, limit=MAX_HISTORY))
        stored, total = entry.stored, max(entry.total, len(entry.stored))
        request = request_interactions(messages, customer_id=cid, channel=channel, conversation_id=conversation_id, now=now)
        history, new = merge(stored, request)
        recorded = 0
        if await self._should_record(tenant, record) and new:
            fresh = await self.repo.existing_ids(tenant, [it.id for it in new])
            to_store = [it for it in new if it.id not in fresh]
            if to_store:
                report = await self.store.add(tenant, to_store)
                recorded = len(report.inserted)
        summarizer = ExtractiveSummarizer(classify=self.classify())

        def run() -> Any:
            return summarizer.summarize(history, customer_id=cid, as_of=max(now, history[-1].ts), channel=channel,
                                        memo=entry.memo)

        offload = len(history) >= OFFLOAD_AT or summarizer.classify is not None  # the classifier waits for the model
        summary = await asyncio.to_thread(run) if offload else run()
        return CustomerContext(customer_id=cid, history=history, summary=summary, stored_total=total + len(new),
                               as_of=max(now, history[-1].ts),
                               request_ids=[it.id for it in request], recorded=recorded, notes=notes)

    async def _should_record(self, tenant: str, record: bool | None) -> bool:
        if record is not None:
            return record
        settings = await self.repo.settings(tenant)
        return settings.record_default or self.record_default

    # -- stale drafts -----------------------------------------------------------------------------
    async def remember(self, tenant: str, ctx: CustomerContext | None, conversation_id: str | None,
                       suggestion_ids: Sequence[str]) -> None:
        """Record the conversation state each suggestion answered."""
        if ctx is None or not suggestion_ids:
            return
        last = ctx.latest_customer_message()
        if last is None:
            return
        await self.repo.save_states(tenant, [
            {"suggestion_id": sid, "customer_id": ctx.customer_id, "conversation_id": conversation_id,
             "answered_at": last.ts, "last_customer_message": last.id} for sid in suggestion_ids], self.clock())

    async def stale_suggestions(self, tenant: str, ctx: CustomerContext | None, conversation_id: str | None) -> list[str]:
        """Earlier suggestions of this conversation that answered an older state than now."""
        if ctx is None:
            return []
        last = ctx.latest_customer_message()
        if last is None:
            return []
        return await self.repo.states_before(tenant, conversation_id=conversation_id, customer_id=ctx.customer_id,
                                             before=last.ts)

    async def staleness(self, tenant: str, suggestion_id: str) -> dict[str, Any] | None:
        """{stale, newer_message} for a suggestion whose state was recorded, else None."""
        state = await self.repo.state(tenant, suggestion_id)
        if state is None:
            return None
        latest = await self.repo.latest_customer_message(tenant, customer_id=state["customer_id"],
                                                         thread_id=state["conversation_id"])
        if latest is None:
            return {"stale": False, "newer_message": None}
        newer = latest[1] > state["answered_at"] and latest[0] != state["last_customer_message"]
        return {"stale": newer, "newer_message": latest[0] if newer else None}

    # -- identity merge ---------------------------------------------------------------------------
    async def merge_customers(self, tenant: str, source: str, target: str, *, key_id: str | None = None) -> dict[str, Any]:
        if source == target:
            raise InvalidInput("from and into name the same customer")
        if not await self.repo.known(tenant, source):
            raise NotFound(f"unknown customer {source!r}: no interactions or handles recorded for it")
        try:
            report = await self.repo.merge(tenant, source, target)
        finally:
            self.cache.forget(tenant, source)
            self.cache.forget(tenant, target)
        body = {"from": source, "into": target, "moved": {"interactions": report.interactions, "handles": report.handles,
                                                          "suggestion_states": report.suggestion_states}}
        trail = self.audit()
        if trail is not None:
            await trail.record(AuditEntry(endpoint="customers.merge", tenant_id=tenant, key_id=key_id, customer_id=target,
                                          input_redacted={"from": source, "into": target}, params={}, outcome="ok",
                                          latency_ms=0.0, output=body["moved"]))
        log.info("customers_merged", interactions=report.interactions, handles=report.handles)
        return body

    # -- feeding the history ----------------------------------------------------------------------
    async def ingest(self, tenant: str, items: Sequence[Interaction], handles: Sequence[tuple[str, str, str]] = ()) -> dict[str, int]:
        """Store interactions (ids already stored are skipped, whatever their content: help desks
        re-send) and link ``(customer_id, kind, value)`` handles (a handle linked to someone else is
        skipped)."""
        linked = 0
        by_customer: dict[str, list[tuple[str, str]]] = {}
        for cid, kind, value in handles:
            by_customer.setdefault(cid, []).append((kind, value))
        for cid, hs in by_customer.items():
            for h in hs:
                try:
                    await self.store.link(tenant, cid, [h])
                    linked += 1
                except (Conflict, InvalidInput):
                    continue
        unique = list({it.id: it for it in items}.values())
        have = await self.repo.existing_ids(tenant, [it.id for it in unique]) if unique else set()
        new = [it for it in unique if it.id not in have]
        inserted = 0
        if new:
            report = await self.store.add(tenant, new)
            inserted = len(report.inserted)
            if self.on_recorded is not None:
                await self.on_recorded(tenant, new)
        return {"inserted": inserted, "duplicates": len(unique) - inserted, "handles_linked": linked}

    # -- Chatwoot ---------------------------------------------------------------------------------
    async def chatwoot(self, tenant: str, body: bytes, headers: dict[str, str], url_secret: str | None) -> dict[str, Any]:
        """One Chatwoot account webhook: authenticate it, then store its interactions and handles."""
        settings = await self.repo.settings(tenant)
        if settings.chatwoot_signing_secret:
            cw.verify_signature(settings.chatwoot_signing_secret, body, headers, now=self.clock().timestamp())
        elif settings.chatwoot_url_secret:
            if not url_secret or not hmac.compare_digest(url_secret.encode(), settings.chatwoot_url_secret.encode()):
                raise Unauthorized("the secret in this webhook URL is wrong")
        else:
            raise Unauthorized("Chatwoot webhooks are not set up for this tenant (assist history chatwoot --tenant T)")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput("the Chatwoot webhook body is not JSON") from None
        event = cw.parse_event(payload, now=self.clock(), fallback_account=settings.chatwoot_account_id or 0)
        if event.contact is None:
            return {"event": event.event, "ignored": True,
                    "reason": "no contact in this event" if event.event in cw.EVENTS else "event not handled"}
        cid = await self._chatwoot_customer(tenant, event.contact)
        handles = [(cid, k, v) for k, v in (event.contact.external, *event.contact.handles)]
        report = await self.ingest(tenant, from_items(event.items, cid), handles)
        out = {"event": event.event, "ignored": False, "customer_id": cid, **report}
        if self.writeback is not None:
            out["writeback"] = await self.writeback(tenant, settings, event, cid, report["inserted"])
        return out

    async def _chatwoot_customer(self, tenant: str, contact: cw.Contact) -> str:
        """The customer this contact already is (its Chatwoot handle, else its e-mail, phone or
        social handle), else a new id ``chatwoot-<account>-<contact>``."""
        found = await self.store.resolve_many(tenant, [contact.external, *contact.handles])
        for h in (contact.external, *contact.handles):
            if h in found:
                return found[h]
        return contact.default_customer_id

    # -- tenant settings (admin commands) ---------------------------------------------------------
    async def configure(self, tenant: str, *, box: Any = None, token: str | None = None, **values: Any) -> dict[str, Any]:
        """Change a tenant's continuity settings; ``token`` (Chatwoot API access token) is sealed
        with ``box`` before it is stored. Returns the settings without any secret."""
        if token is not None:
            if box is None:
                raise InvalidInput("a token can only be stored with ASSIST_SECRET_KEY set")
            values["chatwoot_token_enc"] = box.seal(token)
        base = values.get("chatwoot_base_url")
        if base is not None and not base.startswith(("http://", "https://")):
            raise InvalidInput("the Chatwoot base URL must start with http:// or https://")
        s = await self.repo.update_settings(tenant, self.clock(), **{k: v for k, v in values.items() if v is not None})
        return {"tenant": tenant, "record_default": s.record_default, "chatwoot_url_secret_set": bool(s.chatwoot_url_secret),
                "chatwoot_signing_secret_set": bool(s.chatwoot_signing_secret), "chatwoot_base_url": s.chatwoot_base_url,
                "chatwoot_account_id": s.chatwoot_account_id, "chatwoot_token_set": bool(s.chatwoot_token_enc),
                "chatwoot_writeback": s.chatwoot_writeback}

    # -- Zendesk ----------------------------------------------------------------------------------
    async def zendesk(self, tenant: str, body: bytes) -> dict[str, Any]:
        """A verified Zendesk ticket event: its description and new comment become interactions of
        the requester (found by handle, else ``zendesk-<requester_id>``)."""
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput("the Zendesk webhook body is not JSON") from None
        ticket = zd.parse(payload, now=self.clock())
        if ticket is None:
            return {"inserted": 0, "duplicates": 0, "handles_linked": 0}
        found = await self.store.resolve_many(tenant, [ticket.external, *ticket.handles])
        cid = next((found[h] for h in (ticket.external, *ticket.handles) if h in found), f"zendesk-{ticket.requester_id}")
        handles = [(cid, k, v) for k, v in (ticket.external, *ticket.handles)]
        return {"customer_id": cid, **await self.ingest(tenant, from_items(ticket.items, cid), handles)}
