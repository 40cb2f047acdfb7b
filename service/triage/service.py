"""Help-desk triage: a new or updated ticket in, intent + queue + priority + language +
sentiment + a one-line summary out.

* Signatures: ``X-Assist-Signature: t=<unix seconds>,v1=<hex hmac_sha256(secret, f"{t}.{raw_body}")>``
  with the tenant's webhook secret (``assist keys webhook-secret --tenant T``), 5 minutes of
  tolerance; several ``v1=`` values are accepted (secret rotation). Zendesk's own scheme
  (``X-Zendesk-Webhook-Signature`` = base64 HMAC-SHA256 over timestamp + body, with
  ``X-Zendesk-Webhook-Signature-Timestamp``) is accepted too, against the same tenant secret.
* Payloads: a generic JSON shape (see :func:`parse_generic`) and Zendesk's event webhooks
  (``zen:event-type:ticket.*``, see :func:`parse_zendesk`).
* Idempotent per (tenant, source, ticket id, event id): the first answer is stored
  (``triage_events``) and a replay returns it without classifying again.
* Priority: the intent's default, raised by urgency signals (outage, legal threat,
  cancellation, fraud, safety, repeated contact, very negative tone).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog

from service.intents.service import PRIORITIES, Classification, Message
from service.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from service.privacy.subjects import subject_hashes

log = structlog.get_logger("service.triage")

SIGNATURE_HEADER = "x-assist-signature"
ZENDESK_SIGNATURE = "x-zendesk-webhook-signature"
ZENDESK_TIMESTAMP = "x-zendesk-webhook-signature-timestamp"
TOLERANCE_S = 300
SOURCES = ("generic", "zendesk")
FALLBACK_QUEUE = "triage"
"""Queue for tickets the classifier abstains on: a person routes them."""
MAX_MESSAGES = 200
MAX_ID = 128
"""Longest ticket or event id (the width of the ``triage_events`` key columns)."""
MAX_TEXT = 20_000


# ---- signatures -------------------------------------------------------------------------------


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The X-Assist-Signature header value for ``body`` (for clients, tests and docs)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def sign_zendesk(secret: str, body: bytes, timestamp: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()).decode()


def verify_signature(secret: str, body: bytes, headers: Mapping[str, str], *, now: float | None = None,
                     tolerance_s: int = TOLERANCE_S) -> str:
    """Check the request's signature; returns the scheme used. Raises Unauthorized with the reason."""
    now = time.time() if now is None else now
    h = {k.lower(): v for k, v in headers.items()}
    if SIGNATURE_HEADER in h:
        return _verify_assist(secret, body, h[SIGNATURE_HEADER], now, tolerance_s)
    if ZENDESK_SIGNATURE in h:
        return _verify_zendesk(secret, body, h[ZENDESK_SIGNATURE], h.get(ZENDESK_TIMESTAMP, ""), now, tolerance_s)
    raise Unauthorized("missing webhook signature: send X-Assist-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "
                       "'<t>.<raw body>' with the tenant's webhook secret>")


def _verify_assist(secret: str, body: bytes, header: str, now: float, tolerance_s: int) -> str:
    timestamp: str | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = value.strip()
        elif key == "v1":
            candidates.append(value.strip())
    if timestamp is None or not timestamp.isdigit() or not candidates:
        raise Unauthorized("malformed X-Assist-Signature: expected 't=<unix seconds>,v1=<hex>'")
    _check_age(int(timestamp), now, tolerance_s)
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, c.lower()) for c in candidates):
        raise Unauthorized("webhook signature does not match the body (wrong secret, or the body was changed)")
    return "assist-v1"


def _verify_zendesk(secret: str, body: bytes, signature: str, timestamp: str, now: float, tolerance_s: int) -> str:
    if not timestamp:
        raise Unauthorized("X-Zendesk-Webhook-Signature needs X-Zendesk-Webhook-Signature-Timestamp")
    try:
        ts = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        raise Unauthorized("malformed X-Zendesk-Webhook-Signature-Timestamp: expected an ISO 8601 time") from None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    _check_age(int(ts.timestamp()), now, tolerance_s)
    expected = sign_zendesk(secret, body, timestamp)
    if not hmac.compare_digest(expected, signature.strip()):
        raise Unauthorized("Zendesk webhook signature does not match the body (wrong secret, or the body was changed)")
    return "zendesk"


def _check_age(ts: int, now: float, tolerance_s: int) -> None:
    age = now - ts
    if age > tolerance_s:
        raise Unauthorized(f"webhook timestamp is {int(age)} s old; more than {tolerance_s} s is refused as a possible replay")
    if age < -tolerance_s:
        raise Unauthorized(f"webhook timestamp is {int(-age)} s in the future; check the sender's clock")


# ---- tickets ------------------------------------------------------------------------------------


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


# ---- urgency and priority -------------------------------------------------------------------------

URGENCY_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    # (signal, priority floor, pattern)
    ("legal_threat", "urgent", re.compile(
        r"\b(lawyer|attorney|solicitor|legal action|lawsuit|sue (you|your|the (company|store|shop))|suing"
        r"|take (you|this|it) to court|(see you|in|to) court|small claims"
        r"|consumer protection|trading standards|better business bureau|\bbbb\b|ombudsman|regulator)\b", re.I)),
    ("outage", "urgent", re.compile(
        r"\b(outage|site (is )?down|website (is )?down|app (is )?down|(is|are) down for everyone|nobody can|no one can"
        r"|can'?t access (the|your) (site|website|app)|completely (down|broken)|500 error|server error|everything is broken)\b", re.I)),
    ("safety", "urgent", re.compile(r"\b(injur(ed|y)|burn(ed|t)|caught fire|on fire|allergic reaction|rash|hospital|choking|hazard)\b", re.I)),
    ("fraud", "high", re.compile(r"\b(fraud|fraudulent|unauthori[sz]ed|stolen card|identity theft|hacked|scam(med)?|never (bought|ordered|placed))\b", re.I)),
    ("cancellation", "high", re.compile(
        r"\b(cancel (my|the) (account|subscription|membership|plan)|close my account|delete my account|never (shop|order|buy)ing"
        r" (here|from you) again|switch(ing)? to (another|a different) (store|shop|retailer)|taking my business elsewhere"
        r"|chargeback|dispute (the|this) charge with my bank)\b", re.I)),
    ("repeat_contact", "high", re.compile(
        r"\b((third|3rd|fourth|4th|fifth|5th) time|(contacted|called|emailed|written to) you (\w+ )?(times|again)"
        r"|still (no|haven'?t|waiting)|no one (has )?(replied|responded|answered)|nobody (has )?(replied|responded|answered))\b", re.I)),
)


def urgency_signals(texts: Sequence[str]) -> list[str]:
    joined = "\n".join(texts)
    return [name for name, _, pattern in URGENCY_RULES if pattern.search(joined)]


def raise_priority(default: str, signals: Sequence[str], sentiment_label: str) -> str:
    level = PRIORITIES.index(default) if default in PRIORITIES else 1
    floors = {name: floor for name, floor, _ in URGENCY_RULES}
    for s in signals:
        level = max(level, PRIORITIES.index(floors[s]))
    if sentiment_label == "very_negative":
        level = min(level + 1, len(PRIORITIES) - 1) if level < PRIORITIES.index("high") else level
    return PRIORITIES[level]


# ---- language (offline, stop-word profile) -----------------------------------------------------------

_STOPWORDS = {
    "en": "the and is are you your my i it to of in for on with this that have not was can please thanks order".split(),
    "es": "el la los las de que y en un una es por para con no mi su pedido gracias hola quiero por favor pero".split(),
    "fr": "le la les de des et est un une je pas pour que vous mon ma commande merci bonjour avec sur ne".split(),
    "de": "der die das und ist ich nicht ein eine zu mit für mein meine bestellung danke hallo sie auf es".split(),
    "pt": "o a os as de que e em um uma é não para com meu minha pedido obrigado olá por você".split(),
    "it": "il lo la gli le di che e un una è non per con mio mia ordine grazie ciao sono ho".split(),
    "nl": "de het een en is ik niet van voor met mijn bestelling bedankt hallo u op dat zijn".split(),
}
_STOP_SETS = {lang: set(words) for lang, words in _STOPWORDS.items()}
_WORD_RE = re.compile(r"[a-zà-ÿäöüßñç']+", re.I)


def detect_language(texts: Sequence[str]) -> str:
    """ISO 639-1 code of the most likely language among en, es, fr, de, pt, it, nl; ``und``
    when the text is too short or matches none."""
    words = [w.lower() for t in texts for w in _WORD_RE.findall(t)]
    if len(words) < 2:
        return "und"
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOP_SETS.items()}
    best = max(scores, key=lambda k: scores[k])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] == 0 or (ranked[0] == ranked[1] and len(words) < 6):
        return "und"
    return best


# ---- sentiment (lexicon with negation) -------------------------------------------------------------

_POSITIVE = set("""thanks thank great good love excellent happy amazing awesome perfect appreciate helpful pleased
glad wonderful fantastic nice satisfied quick fast easy best""".split())
_NEGATIVE = set("""bad terrible awful horrible worst angry upset annoyed annoying frustrated frustrating disappointed
disappointing useless ridiculous unacceptable disgusting broken wrong late never poor rude scam furious hate
sick tired waste fed joke pathetic incompetent outrageous missing damaged defective stained problem issue""".split())
_STRONG = set("""worst furious unacceptable disgusting outrageous pathetic incompetent scam hate ridiculous horrible""".split())
_NEGATORS = set("not no never dont don't isn't wasn't aren't can't cannot won't didn't hardly".split())


def sentiment(texts: Sequence[str]) -> dict[str, Any]:
    """Lexicon score in [-1, 1] with simple negation; label very_negative, negative, neutral or positive."""
    score = 0.0
    hits = 0
    strong = 0
    for text in texts:
        words = [w.lower() for w in _WORD_RE.findall(text)]
        for i, w in enumerate(words):
            value = 1.0 if w in _POSITIVE else -1.0 if w in _NEGATIVE else 0.0
            if not value:
                continue
            if any(p in _NEGATORS for p in words[max(0, i - 3):i]):
                value = -0.5 * value
            if w in _STRONG:
                value *= 2
                strong += 1
            score += value
            hits += 1
        exclaim = text.count("!")
        caps = sum(1 for w in text.split() if len(w) > 3 and w.isupper())
        if score < 0 and (exclaim >= 2 or caps >= 2):
            score -= 1.0
    norm = max(-1.0, min(1.0, score / max(3.0, hits))) if hits else 0.0
    if norm <= -0.5 or strong >= 2:
        label = "very_negative"
    elif norm < -0.1:
        label = "negative"
    elif norm > 0.2:
        label = "positive"
    else:
        label = "neutral"
    return {"label": label, "score": round(norm, 3)}


# ---- one-line summary ----------------------------------------------------------------------------

_SENT_RE = re.compile(r"(?<=[.!?])\s+")


def one_line_summary(ticket: Ticket, intent_description: str | None, signals: Sequence[str], *, max_len: int = 160,
                     redact: Callable[[str], str] | None = None) -> str:
    """``<what the customer wants>: "<their latest words>" [signals]`` on one line, PII masked."""
    latest = next((m.text for m in reversed(ticket.messages) if m.role == "customer"), "") or ticket.subject
    first = _SENT_RE.split(latest.strip())[0] if latest else ""
    if redact:
        first = redact(first)
    head = intent_description.rstrip(".") if intent_description else "Needs routing"
    quote = first if len(first) <= 90 else first[:87].rstrip() + "..."
    line = f'{head}: "{quote}"' if quote else head
    if signals:
        line += " [" + ", ".join(s.replace("_", " ") for s in signals) + "]"
    line = " ".join(line.split())
    return line if len(line) <= max_len else line[: max_len - 3].rstrip() + "..."


# ---- the use case ----------------------------------------------------------------------------------


@dataclass
class TriageOutcome:
    response: dict[str, Any]
    replayed: bool
    ticket: Ticket | None
    classification: Classification | None

    def audit_record(self) -> dict[str, Any]:
        """What an audit entry needs (hook point for the audit trail): ids, versions, result."""
        r = self.response
        return {"endpoint": "hooks.triage", "source": r["source"], "ticket_id": r["ticket_id"], "event_id": r["event_id"],
                "taxonomy_version": r["taxonomy_version"], "intent": r["intent"], "confidence": r["confidence"],
                "queue": r["queue"], "priority": r["priority"], "signals": r["urgency_signals"], "replayed": self.replayed}


class TriageService:
    """Verifies, parses, de-duplicates and triages help-desk events.

    ``store`` keeps the first answer per (tenant, source, ticket id, event id);
    :class:`SqlTriageStore` over the ``triage_events`` table in production, a dict in tests.
    """

    def __init__(self, intents: Any, store: Any, secrets: Callable[[str], Any], *, tolerance_s: int = TOLERANCE_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.intents = intents
        self.store = store
        self.secrets = secrets
        self.tolerance_s = tolerance_s
        self.clock = clock
        self._locks: dict[tuple[str, ...], asyncio.Lock] = {}

    async def handle(self, tenant: str, source: str, body: bytes, headers: Mapping[str, str]) -> TriageOutcome:
        if source not in PARSERS:
            raise InvalidInput(f"unknown source {source!r}; known: {', '.join(PARSERS)}")
        secret = await self.secrets(tenant)
        if not secret:
            raise Forbidden(f"tenant {tenant!r} has no webhook secret; see `assist keys webhook-secret`")
        verify_signature(secret, body, headers, now=self.clock(), tolerance_s=self.tolerance_s)
        ticket = parse_ticket(source, body)
        key = (tenant, ticket.source, ticket.ticket_id, ticket.event_id)
        fingerprint = ticket.fingerprint()
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                stored = await self.store.get(key)
                if stored is not None:
                    return TriageOutcome(_replayed(stored, fingerprint, ticket), True, ticket, None)
                response, classification = await self.triage(ticket)
                first = await self.store.put(key, response, fingerprint, subjects=ticket.subjects())
                if first is not None:  # another worker stored it first: answer as it did
                    return TriageOutcome(_replayed(first, fingerprint, ticket), True, ticket, None)
                return TriageOutcome(response, False, ticket, classification)
        finally:
            if not lock.locked() and self._locks.get(key) is lock:
                self._locks.pop(key, None)

    async def triage(self, ticket: Ticket) -> tuple[dict[str, Any], Classification]:
        from service.domain.pii import Redactor

        result: Classification = await self.intents.aclassify_conversation(ticket.conversation())
        taxonomy = self.intents.taxonomy
        intent = taxonomy.get(result.intent)
        texts = [ticket.subject, *ticket.customer_texts()]
        signals = urgency_signals(texts)
        mood = sentiment(ticket.customer_texts() or [ticket.subject])
        default = intent.priority if intent else "normal"
        redactor = Redactor()
        response = {
            "source": ticket.source,
            "ticket_id": ticket.ticket_id,
            "event_id": ticket.event_id,
            "event": ticket.event,
            "intent": result.intent,
            "confidence": round(float(result.confidence), 4),
            "intent_source": result.source,
            "alternatives": [{"intent": a.intent, "confidence": round(float(a.confidence), 4)} for a in result.alternatives],
            "queue": intent.queue if intent else FALLBACK_QUEUE,
            "priority": raise_priority(default, signals, mood["label"]),
            "default_priority": default,
            "urgency_signals": signals,
            "language": detect_language(texts),
            "sentiment": mood,
            "summary": one_line_summary(ticket, intent.description if intent else None, signals, redact=redactor.redact),
            "channel": ticket.channel,
            "taxonomy_version": result.taxonomy_version,
            "triaged_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return response, result


def _replayed(stored: tuple[dict[str, Any], str | None], fingerprint: str, ticket: Ticket) -> dict[str, Any]:
    response, first = stored
    if first is not None and first != fingerprint:
        raise Conflict(f"event {ticket.event_id!r} of ticket {ticket.ticket_id!r} was already delivered with other "
                       "content; a new event needs a new event id")
    return response


class MemoryTriageStore:
    """In-process store (tests, single worker without a database)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, ...], tuple[dict[str, Any], str | None]] = {}

    async def get(self, key: tuple[str, ...]) -> tuple[dict[str, Any], str | None] | None:
        return self.rows.get(key)

    async def put(self, key: tuple[str, ...], response: dict[str, Any], fingerprint: str | None = None,
                  subjects: list[str] | None = None) -> tuple[dict[str, Any], str | None] | None:
        """Store the first answer; returns the already stored one if there was one."""
        if key in self.rows:
            return self.rows[key]
        self.rows[key] = (response, fingerprint)
        return None


class SqlTriageStore:
    """The ``triage_events`` table: the first answer per (tenant, source, ticket, event)."""

    def __init__(self, sessions: Any) -> None:
        self.sessions = sessions

    async def get(self, key: tuple[str, ...]) -> tuple[dict[str, Any], str | None] | None:
        from service.adapters.sql.models import TriageEvent

        async with self.sessions() as session:
            row = await session.get(TriageEvent, key)
            return (dict(row.response), row.content_hash) if row is not None else None

    async def put(self, key: tuple[str, ...], response: dict[str, Any], fingerprint: str | None = None,
                  subjects: list[str] | None = None) -> tuple[dict[str, Any], str | None] | None:
        from sqlalchemy.exc import IntegrityError

        from service.adapters.sql.models import TriageEvent

        tenant, source, ticket_id, event_id = key
        try:
            async with self.sessions() as session, session.begin():
                session.add(TriageEvent(tenant_id=tenant, source=source, ticket_id=ticket_id, event_id=event_id,
                                        response=response, content_hash=fingerprint, created_at=datetime.now(UTC),
                                        subject_hashes=subjects or None))
        except IntegrityError:
            return await self.get(key)
        return None
