"""Zendesk ticket events (the triage webhook, already verified) as interactions and handles.

Zendesk's event webhooks (``zen:event-type:ticket.*``) carry the ticket in ``detail`` (id,
description, requester_id, via.channel, created_at) and a new comment in ``event.comment`` (id,
body, is_public, author.is_staff). The description is the customer's first message; each comment
is one interaction (a private comment is an internal note), idempotent by ticket and comment id.
The requester is the customer: handle ``external zendesk:<requester_id>``, plus e-mail and phone
when the payload carries them (``detail.requester`` or a top-level ``requester`` object, as a
trigger-built webhook body with ``{{ticket.requester.email}}`` does).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.domain.interactions import normalise_handle, parse_ts
from service.errors import InvalidInput

_CHANNELS = {"email": "email", "mail": "email", "chat": "chat", "native_messaging": "chat", "messaging": "chat",
             "whatsapp": "chat", "sunshine_conversations_api": "chat", "voice": "voice", "phone": "voice",
             "phone_call_inbound": "voice", "voicemail": "voice", "sms": "sms", "text": "sms", "twitter": "social",
             "facebook": "social", "instagram_dm": "social"}
_TAG = re.compile(r"<[^>]+>")


@dataclass
class ZendeskTicket:
    requester_id: str
    handles: list[tuple[str, str]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def external(self) -> tuple[str, str]:
        return ("external", f"zendesk:{self.requester_id}")


def _text(value: Any) -> str:
    return " ".join(_TAG.sub(" ", value).split())[:20_000] if isinstance(value, str) else ""


def _ts(value: Any, now: datetime) -> datetime:
    try:
        return min(parse_ts(value), now) if value is not None else now
    except (ValueError, TypeError, OverflowError, OSError):
        return now


def parse(obj: Any, *, now: datetime) -> ZendeskTicket | None:
    """The ticket's requester and new interactions, or None when it names no requester."""
    if not isinstance(obj, Mapping) or not isinstance(obj.get("detail"), Mapping):
        raise InvalidInput("not a Zendesk ticket event (no 'detail')")
    detail = obj["detail"]
    requester = detail.get("requester_id")
    if requester is None or str(requester).strip() == "":
        return None
    tid = str(detail.get("id"))
    via = detail.get("via") if isinstance(detail.get("via"), Mapping) else {}
    channel = _CHANNELS.get(str(via.get("channel") or "").lower(), "web")
    out = ZendeskTicket(str(requester)[:100])
    person = detail.get("requester") if isinstance(detail.get("requester"), Mapping) else obj.get("requester")
    if isinstance(person, Mapping):
        for kind, key in (("email", "email"), ("phone", "phone")):
            if person.get(key):
                try:
                    out.handles.append(normalise_handle(kind, str(person[key])))
                except InvalidInput:
                    pass
    thread = f"zd:{tid}"
    description = _text(detail.get("description"))
    if description:
        out.items.append({"id": f"zd:{tid}:description", "channel": channel, "direction": "inbound", "author_role": "customer",
                          "ts": _ts(detail.get("created_at"), now), "text": description, "thread_id": thread, "kind": "message",
                          "metadata": {"source": "zendesk", "ticket_id": tid}})
    event = obj.get("event") if isinstance(obj.get("event"), Mapping) else {}
    comment = event.get("comment") if isinstance(event.get("comment"), Mapping) else None
    body = _text(comment.get("body")) if comment else ""
    if comment and body and body != description:
        author = comment.get("author") if isinstance(comment.get("author"), Mapping) else {}
        staff = bool(author.get("is_staff"))
        public = comment.get("is_public", True) is not False
        cid = comment.get("id") or obj.get("id")
        role, direction, kind = ("agent", "outbound", "message") if staff else ("customer", "inbound", "message")
        if not public:
            role, direction, kind = "agent", "internal", "note"
        out.items.append({"id": f"zd:{tid}:c:{cid}", "channel": channel, "direction": direction, "author_role": role,
                          "ts": _ts(obj.get("time") or detail.get("updated_at"), now), "text": body, "thread_id": thread,
                          "kind": kind, "metadata": {"source": "zendesk", "ticket_id": tid, "public": public}})
    return out
