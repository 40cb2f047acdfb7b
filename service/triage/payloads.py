"""Help-desk payloads into one :class:`Ticket`: a generic JSON shape (see :func:`parse_generic`)
and Zendesk's event webhooks (``zen:event-type:ticket.*``, see :func:`parse_zendesk`)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.errors import InvalidInput
from service.intents.current_need import Message
from service.privacy.subjects import subject_hashes

SOURCES = ("generic", "zendesk")
MAX_MESSAGES = 200
MAX_ID = 128
"""Longest ticket or event id (the width of the ``triage_events`` key columns)."""
MAX_TEXT = 20_000


@dataclass
class Person:
    id: str | None = None
    name: str | None = None
    email: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in {"id": self.id, "name": self.name, "email": self.email}.items() if v}


@dataclass
class Ticket:
    source: str
    ticket_id: str
    event_id: str
    event: str
    subject: str
    messages: list[Message]
    channel: str
    customer: Person = field(default_factory=Person)
    requester: Person = field(default_factory=Person)
    tags: list[str] = field(default_factory=list)

    def subjects(self) -> list[str]:
        """Hashed references to whom the ticket is about (for erasure), never the values."""
        return subject_hashes([self.customer.id, self.customer.email, self.requester.id, self.requester.email])

    def customer_texts(self) -> list[str]:
        return [m.text for m in self.messages if m.role == "customer"]

    def conversation(self) -> list[Message]:
        """What the classifier reads: the subject as the opening customer turn, then the thread."""
        out = [Message("customer", self.subject)] if self.subject else []
        return out + self.messages

    def fingerprint(self) -> str:
        """SHA-256 of what the ticket says (not of how the JSON was spelled): a replayed event
        must carry the same content as the first delivery."""
        content = {"event": self.event, "subject": self.subject, "channel": self.channel, "tags": self.tags,
                   "messages": [[m.role, m.text] for m in self.messages],
                   "customer": self.customer.as_dict(), "requester": self.requester.as_dict()}
        return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _str(value: Any, what: str, *, required: bool = False, max_len: int = 256) -> str | None:
    if value is None or value == "":
        if required:
            raise InvalidInput(f"{what} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInput(f"{what} must be a string")
    text = str(value).strip()
    if required and not text:
        raise InvalidInput(f"{what} is required")
    if len(text) > max_len:
        raise InvalidInput(f"{what} is longer than {max_len} characters")
    return text or None


def _person(value: Any, what: str) -> Person:
    if value is None:
        return Person()
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return Person(id=str(value))
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be an object with id, name, email")
    return Person(_str(value.get("id"), f"{what}.id"), _str(value.get("name"), f"{what}.name"),
                  _str(value.get("email"), f"{what}.email"))


ROLE_MAP = {"customer": "customer", "user": "customer", "end-user": "customer", "end_user": "customer",
            "requester": "customer", "agent": "agent", "staff": "agent", "bot": "agent", "system": "agent"}


def _messages(value: Any, what: str = "ticket.messages") -> list[Message]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(f"{what} must be a list of {{role, text}}")
    if len(value) > MAX_MESSAGES:
        raise InvalidInput(f"{what} has more than {MAX_MESSAGES} messages")
    out = []
    for i, m in enumerate(value):
        if not isinstance(m, dict):
            raise InvalidInput(f"{what}[{i}] must be an object with role and text")
        role = str(m.get("role", "customer")).strip().lower()
        if role not in ROLE_MAP:
            raise InvalidInput(f"{what}[{i}].role must be customer or agent, got {m.get('role')!r}")
        text = m.get("text", m.get("body"))
        if not isinstance(text, str):
            raise InvalidInput(f"{what}[{i}].text must be a string")
        if len(text) > MAX_TEXT:
            raise InvalidInput(f"{what}[{i}].text is longer than {MAX_TEXT} characters")
        if text.strip():
            out.append(Message(ROLE_MAP[role], _strip_html(text)))
    return out


def parse_generic(obj: Any) -> Ticket:
    """The generic shape::

        {"event_id": "evt-1", "event": "created" | "updated",
         "ticket": {"id": "T-1", "subject": "...", "channel": "email",
                    "messages": [{"role": "customer" | "agent", "text": "..."}],
                    "customer": {"id", "name", "email"}, "requester": {"id", "name", "email"},
                    "tags": ["..."]}}
    """
    if not isinstance(obj, dict):
        raise InvalidInput("the body must be a JSON object with event_id and ticket")
    ticket = obj.get("ticket")
    if not isinstance(ticket, dict):
        raise InvalidInput("ticket is required and must be an object")
    event = (_str(obj.get("event"), "event") or "created").lower().removeprefix("ticket.")
    if event not in ("created", "updated"):
        raise InvalidInput(f"event must be 'created' or 'updated', got {obj.get('event')!r}")
    tags = ticket.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InvalidInput("ticket.tags must be a list of strings")
    out = Ticket(
        source="generic",
        ticket_id=_str(ticket.get("id"), "ticket.id", required=True, max_len=MAX_ID),  # type: ignore[arg-type]
        event_id=_str(obj.get("event_id"), "event_id", required=True, max_len=MAX_ID),  # type: ignore[arg-type]
        event=event,
        subject=_str(ticket.get("subject"), "ticket.subject", max_len=1000) or "",
        messages=_messages(ticket.get("messages")),
        channel=(_str(ticket.get("channel"), "ticket.channel", max_len=32) or "unknown").lower(),
        customer=_person(ticket.get("customer"), "ticket.customer"),
        requester=_person(ticket.get("requester"), "ticket.requester"),
        tags=tags[:50],
    )
    return _require_text(out)


def parse_zendesk(obj: Any) -> Ticket:
    """Zendesk event webhooks (``"type": "zen:event-type:ticket.created"``, ``ticket.comment_added``,
    other ``ticket.*`` events): ``id`` is the event id, ``detail`` the ticket (id, subject,
    description, requester_id, via.channel, tags), ``event.comment`` a new comment."""
    if not isinstance(obj, dict):
        raise InvalidInput("the body must be a Zendesk webhook event (a JSON object)")
    etype = obj.get("type")
    if not isinstance(etype, str) or not etype.startswith("zen:event-type:ticket."):
        raise InvalidInput(f"not a Zendesk ticket event: type must be 'zen:event-type:ticket.*', got {etype!r}")
    detail = obj.get("detail")
    if not isinstance(detail, dict):
        raise InvalidInput("Zendesk event has no 'detail' object (the ticket)")
    kind = etype.removeprefix("zen:event-type:ticket.")
    messages: list[Message] = []
    description = detail.get("description")
    if isinstance(description, str) and description.strip():
        messages.append(Message("customer", _strip_html(description)[:MAX_TEXT]))
    event = obj.get("event") if isinstance(obj.get("event"), dict) else {}
    comment = event.get("comment") if isinstance(event.get("comment"), dict) else None
    if comment and isinstance(comment.get("body"), str) and comment["body"].strip():
        author = comment.get("author") if isinstance(comment.get("author"), dict) else {}
        role = "agent" if author.get("is_staff") else "customer"
        body = _strip_html(comment["body"])[:MAX_TEXT]
        if not messages or messages[-1].text != body:
            messages.append(Message(role, body))
    via = detail.get("via") if isinstance(detail.get("via"), dict) else {}
    tags = detail.get("tags") if isinstance(detail.get("tags"), list) else []
    requester = Person(id=_str(detail.get("requester_id"), "detail.requester_id"))
    out = Ticket(
        source="zendesk",
        ticket_id=_str(detail.get("id"), "detail.id", required=True, max_len=MAX_ID),  # type: ignore[arg-type]
        event_id=_str(obj.get("id"), "id (the event id)", required=True, max_len=MAX_ID),  # type: ignore[arg-type]
        event="created" if kind == "created" else "updated",
        subject=_str(detail.get("subject"), "detail.subject", max_len=1000) or "",
        messages=messages,
        channel=_zendesk_channel(via.get("channel")),
        customer=requester,
        requester=requester,
        tags=[str(t) for t in tags][:50],
    )
    return _require_text(out)


def _zendesk_channel(value: Any) -> str:
    v = str(value or "").lower()
    if v in ("email", "mail"):
        return "email"
    if v in ("chat", "native_messaging", "messaging", "whatsapp", "sunshine_conversations_api"):
        return "chat"
    if v in ("voice", "phone", "phone_call_inbound", "voicemail"):
        return "voice"
    if v in ("web", "web_form", "web_widget", "api", "web_service", "help_center"):
        return "web"
    return v or "unknown"


def _require_text(t: Ticket) -> Ticket:
    if not t.subject and not any(m.role == "customer" for m in t.messages):
        raise InvalidInput("the ticket has no subject and no customer message to triage")
    return t


PARSERS: dict[str, Callable[[Any], Ticket]] = {"generic": parse_generic, "zendesk": parse_zendesk}


def parse_ticket(source: str, body: bytes) -> Ticket:
    if source not in PARSERS:
        raise InvalidInput(f"unknown source {source!r}; known: {', '.join(PARSERS)}")
    try:
        obj = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"the body is not valid JSON ({getattr(exc, 'msg', 'bad encoding')})") from None
    return PARSERS[source](obj)


_TAG_RE = re.compile(r"<[^>]+>")


def _strip_html(text: str) -> str:
    if "<" in text and ">" in text:
        text = _TAG_RE.sub(" ", text)
    return " ".join(text.split())
