"""Chatwoot account webhooks as interactions and handles.

Payload shapes follow Chatwoot's own serialisers: ``Message#webhook_data``
(app/models/message.rb: id, content, created_at, message_type, content_type, private, sender,
inbox, conversation, account), ``Conversation#webhook_data`` (channel such as
``Channel::Email``, id, messages, meta.sender, status) and ``Contact#webhook_data`` (id, name,
email, phone_number, identifier, additional_attributes). Events handled: ``message_created``,
``message_updated``, ``conversation_created``, ``conversation_status_changed``,
``contact_created``, ``contact_updated``; any other event is acknowledged and ignored.

Signature: Chatwoot releases that sign account webhooks send ``X-Chatwoot-Signature:
sha256=<hex HMAC-SHA256 of "<X-Chatwoot-Timestamp>.<raw body>">`` and ``X-Chatwoot-Timestamp``
(Unix seconds). Older releases (lib/webhooks/trigger.rb posts the JSON with no signature
header) sign nothing: for them the tenant's URL carries a secret instead.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.domain.interactions import normalise_handle, parse_ts
from service.errors import InvalidInput, Unauthorized

TOLERANCE_S = 300
EVENTS = ("message_created", "message_updated", "conversation_created", "conversation_status_changed",
          "contact_created", "contact_updated")
INBOX_CHANNELS = {
    "Channel::WebWidget": "chat",
    "Channel::Api": "chat",
    "Channel::Whatsapp": "chat",
    "Channel::Telegram": "chat",
    "Channel::Line": "chat",
    "Channel::Email": "email",
    "Channel::Sms": "sms",
    "Channel::TwilioSms": "sms",
    "Channel::FacebookPage": "social",
    "Channel::Instagram": "social",
    "Channel::TwitterProfile": "social",
    "Channel::Voice": "voice",
}
"""Chatwoot inbox (channel) type -> our channel; anything else is ``chat``."""
_MESSAGE_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}
_STATUS_KINDS = {"resolved": "ticket_resolved", "open": "x_status_open", "pending": "x_status_pending",
                 "snoozed": "x_status_snoozed"}


def sign(secret: str, body: bytes, timestamp: int) -> str:
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, headers: Mapping[str, str], *, now: float) -> None:
    """Raise :class:`Unauthorized` unless the body carries a fresh, valid Chatwoot signature."""
    lower = {k.lower(): v for k, v in headers.items()}
    signature = lower.get("x-chatwoot-signature", "")
    stamp = lower.get("x-chatwoot-timestamp", "")
    if not signature or not stamp:
        raise Unauthorized("missing X-Chatwoot-Signature or X-Chatwoot-Timestamp (this tenant's Chatwoot webhook is signed)")
    try:
        ts = int(stamp)
    except ValueError:
        raise Unauthorized("X-Chatwoot-Timestamp is not a Unix time") from None
    if abs(now - ts) > TOLERANCE_S:
        raise Unauthorized(f"X-Chatwoot-Timestamp is more than {TOLERANCE_S} s away from our clock (replay?)")
    if not hmac.compare_digest(sign(secret, body, ts), signature.strip()):
        raise Unauthorized("the X-Chatwoot-Signature does not match the body")


@dataclass
class Contact:
    account_id: int
    contact_id: int
    handles: list[tuple[str, str]] = field(default_factory=list)
    """(kind, value), normalised; invalid values are dropped."""

    @property
    def external(self) -> tuple[str, str]:
        return ("external", f"chatwoot:{self.account_id}:{self.contact_id}")

    @property
    def default_customer_id(self) -> str:
        return f"chatwoot-{self.account_id}-{self.contact_id}"


@dataclass
class ChatwootEvent:
    event: str
    contact: Contact | None
    items: list[dict[str, Any]]
    """Interactions without ``customer_id`` (the service resolves the contact first)."""
    conversation_id: int | None = None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _contact(raw: Any, account_id: int) -> Contact | None:
    if not isinstance(raw, Mapping):
        return None
    cid = _int(raw.get("id"))
    if cid is None or raw.get("type") not in (None, "contact"):
        return None
    handles: list[tuple[str, str]] = []
    attrs = raw.get("additional_attributes") if isinstance(raw.get("additional_attributes"), Mapping) else {}
    candidates: list[tuple[str, Any]] = [("email", raw.get("email")), ("phone", raw.get("phone_number"))]
    social = attrs.get("social_profiles") if isinstance(attrs.get("social_profiles"), Mapping) else {}
    for network, handle in social.items():
        if handle:
            candidates.append(("social", f"{network}:{handle}"))
    for network in ("twitter", "facebook", "instagram", "telegram", "linkedin"):
        handle = attrs.get(f"{network}_screen_name") or attrs.get(f"{network}_username")
        if handle:
            candidates.append(("social", f"{network}:{handle}"))
    for kind, value in candidates:
        if not value:
            continue
        try:
            handles.append(normalise_handle(kind, str(value)))
        except InvalidInput:
            continue
    return Contact(account_id, cid, list(dict.fromkeys(handles)))


def _account(payload: Mapping[str, Any], fallback: int) -> int:
    acct = payload.get("account")
    if isinstance(acct, Mapping) and _int(acct.get("id")) is not None:
        return _int(acct.get("id"))  # type: ignore[return-value]
    for m in payload.get("messages") or []:
        if isinstance(m, Mapping) and _int(m.get("account_id")) is not None:
            return _int(m.get("account_id"))  # type: ignore[return-value]
    return _int(payload.get("account_id")) or fallback


def _message(m: Mapping[str, Any], *, account_id: int, channel: str, conversation_id: int | None,
             now: datetime) -> dict[str, Any] | None:
    mid = _int(m.get("id"))
    text = m.get("content") if isinstance(m.get("content"), str) else ""
    mtype = m.get("message_type")
    mtype = _MESSAGE_TYPES.get(mtype, mtype) if isinstance(mtype, int) else mtype
    if mid is None or not text.strip() or mtype not in ("incoming", "outgoing", "template"):
        return None  # activity lines, attachments without text
    sender = m.get("sender") if isinstance(m.get("sender"), Mapping) else {}
    private = bool(m.get("private"))
    if mtype == "incoming" and not private:
        role, direction, kind = "customer", "inbound", "message"
    elif private:
        role, direction, kind = "agent", "internal", "note"
    elif mtype == "template" or sender.get("type") in ("agent_bot", "bot") or m.get("sender_type") == "AgentBot":
        role, direction, kind = "bot", "outbound", "message"
    else:
        role, direction, kind = "agent", "outbound", "message"
    try:
        ts = parse_ts(m.get("created_at")) if m.get("created_at") is not None else now
    except (ValueError, TypeError, OverflowError, OSError):
        ts = now
    conv = conversation_id if conversation_id is not None else _int(m.get("conversation_id"))
    return {
        "id": f"cw:{account_id}:m:{mid}", "channel": channel, "direction": direction, "author_role": role,
        "ts": min(ts, now), "text": text[:20_000], "thread_id": f"cw:{account_id}:c:{conv}" if conv is not None else None,
        "kind": kind, "metadata": {"source": "chatwoot", "chatwoot_message_id": mid, "private": private},
    }


def parse_event(payload: Any, *, now: datetime, fallback_account: int = 0) -> ChatwootEvent:
    if not isinstance(payload, Mapping):
        raise InvalidInput("a Chatwoot webhook body is a JSON object")
    event = payload.get("event")
    if not isinstance(event, str):
        raise InvalidInput("the Chatwoot webhook has no 'event'")
    account_id = _account(payload, fallback_account)
    if event in ("contact_created", "contact_updated"):
        return ChatwootEvent(event, _contact(payload, account_id), [])
    if event in ("message_created", "message_updated"):
        conv = payload.get("conversation") if isinstance(payload.get("conversation"), Mapping) else {}
        channel = INBOX_CHANNELS.get(str(conv.get("channel") or ""), "chat")
        conv_id = _int(conv.get("display_id")) or _int(conv.get("id"))
        sender = payload.get("sender")
        meta = conv.get("meta") if isinstance(conv.get("meta"), Mapping) else {}
        contact = _contact(sender, account_id) if isinstance(sender, Mapping) and sender.get("type") == "contact" else None
        contact = contact or _contact(meta.get("sender"), account_id) or _contact(payload.get("contact"), account_id)
        item = _message(payload, account_id=account_id, channel=channel, conversation_id=conv_id, now=now)
        return ChatwootEvent(event, contact, [item] if item else [], conv_id)
    if event in ("conversation_created", "conversation_status_changed"):
        channel = INBOX_CHANNELS.get(str(payload.get("channel") or ""), "chat")
        conv_id = _int(payload.get("display_id")) or _int(payload.get("id"))
        meta = payload.get("meta") if isinstance(payload.get("meta"), Mapping) else {}
        contact = _contact(meta.get("sender"), account_id)
        items = [x for m in payload.get("messages") or [] if isinstance(m, Mapping)
                 for x in [_message(m, account_id=account_id, channel=channel, conversation_id=conv_id, now=now)] if x]
        if event == "conversation_status_changed" and conv_id is not None:
            status = str(payload.get("status") or "")
            stamp = payload.get("timestamp") or payload.get("last_activity_at") or payload.get("updated_at")
            try:
                ts = min(parse_ts(stamp), now) if stamp is not None else now
            except (ValueError, TypeError, OverflowError, OSError):
                ts = now
            kind = _STATUS_KINDS.get(status, "x_status_changed")
            items.append({"id": f"cw:{account_id}:c:{conv_id}:{status or 'status'}:{int(ts.timestamp())}", "channel": channel,
                          "direction": "internal", "author_role": "system", "ts": ts, "text": f"conversation {status}".strip(),
                          "thread_id": f"cw:{account_id}:c:{conv_id}", "kind": kind,
                          "metadata": {"source": "chatwoot", "status": status}})
        return ChatwootEvent(event, contact, items, conv_id)
    return ChatwootEvent(event, None, [])
