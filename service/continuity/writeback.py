"""Optional Chatwoot write-back: when a customer writes in a Chatwoot conversation, the top
suggestion (answered on the customer's whole history) goes back as a private note, with its
citations, for the agent to use. On only when the tenant set a base URL, an account, an API
token (stored encrypted) and ``--writeback on``. A failure is logged (status only, never the
token) and does not fail the webhook: Chatwoot would retry and the history is already stored."""

from __future__ import annotations

from typing import Any

import structlog

from service.adapters.chatwoot_api import ChatwootAPI
from service.adapters.secretbox import SecretBox
from service.replies.service import Conversation, Message, SuggestionService
from service.continuity.chatwoot import ChatwootEvent
from service.adapters.sql.continuity_repo import TenantHelpdesk
from service.errors import AppError

log = structlog.get_logger("service.continuity")
ROLES = ("customer", "agent", "bot")


def note_text(suggestion: dict[str, Any]) -> str:
    lines = ["Suggested reply (Agent Assist):", "", suggestion["text"], ""]
    for c in suggestion.get("citations") or []:
        lines.append(f"Source: {c['title']} ({c['article_id']} v{c['version']})")
    for h in suggestion.get("history_citations") or []:
        lines.append(f"Earlier: {h['channel']} {h['ts'][:10]} ({h['interaction_id']})")
    return "\n".join(lines).strip()


class ChatwootWriteback:
    def __init__(self, suggester: SuggestionService, continuity: Any, api: ChatwootAPI, secret_key: str) -> None:
        self.suggester = suggester
        self.continuity = continuity
        self.api = api
        self.secret_key = secret_key

    async def __call__(self, tenant: str, settings: TenantHelpdesk, event: ChatwootEvent, customer_id: str,
                       inserted: int) -> dict[str, Any] | None:
        item = event.items[-1] if event.items else None
        if (not settings.chatwoot_writeback or not settings.chatwoot_base_url or not settings.chatwoot_token_enc
                or event.event != "message_created" or item is None or item["author_role"] != "customer" or not inserted
                or event.conversation_id is None):
            return None
        try:
            token = SecretBox(self.secret_key).open(settings.chatwoot_token_enc)
            ctx = await self.continuity.context(tenant, customer_id=customer_id, handle=None, channel=item["channel"],
                                                conversation_id=item["thread_id"], messages=[], record=False)
            thread = [it for it in ctx.history if it.thread_id == item["thread_id"] and it.kind == "message"
                      and it.author_role in ROLES][-8:]
            conv = Conversation(item["channel"], [Message(it.author_role, it.text) for it in thread],
                                customer={"id": customer_id}, conversation_id=item["thread_id"], context=ctx)
            result = await self.suggester.suggest(tenant, conv, n=1)
            if not result.suggestions:
                return {"posted": False, "reason": "no suggestion"}
            top = result.suggestions[0].as_dict()
            account = settings.chatwoot_account_id or 0
            note_id = await self.api.private_note(settings.chatwoot_base_url, account, event.conversation_id, token,
                                                  note_text(top))
            return {"posted": True, "suggestion_id": top["id"], "note_id": note_id}
        except AppError as exc:
            log.warning("chatwoot_writeback_failed", detail=exc.detail)
            return {"posted": False, "reason": exc.detail}
