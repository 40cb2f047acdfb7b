"""The help-desk triage hook: signatures, payload adapters, urgency, language, sentiment,
summary, idempotency, and the HTTP endpoint end to end."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from service.intents.classifier import Alternative, Classification
from service.intents.taxonomy import Intent, Taxonomy
from service.triage.payloads import parse_generic, parse_zendesk
from service.triage.service import MemoryTriageStore, TriageService
from service.triage.signals import detect_language, raise_priority, sentiment, urgency_signals
from service.triage.signatures import sign, sign_zendesk, verify_signature
from service.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from tests.conftest import new_key, running

SECRET = "s3cret-for-tests"


def ticket(event_id: str = "evt-1", ticket_id: str = "T-100", text: str = "My boots arrived with a stain, I want to return them",
           **extra: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "event": "created",
        "ticket": {"id": ticket_id, "subject": "Stained boots", "channel": "email",
                   "messages": [{"role": "customer", "text": text}],
                   "customer": {"id": "C-1", "name": "Jane Doe", "email": "jane@example.com"},
                   "requester": {"id": "C-1"}, **extra},
    }


ZENDESK_EVENT = {
    "type": "zen:event-type:ticket.created",
    "account_id": 88888888,
    "id": "01HNXXXX-CTEXAMPLE",
    "time": "2024-04-17T17:18:10Z",
    "zendesk_event_version": "2022-11-06",
    "subject": "zen:ticket:35436",
    "detail": {"id": "35436", "subject": "Charged for an order I never placed", "status": "NEW",
               "description": "<p>Hi, there is a charge on my card from your store but I never bought anything.</p>",
               "requester_id": "20978392", "via": {"channel": "email"}, "tags": ["billing"], "priority": "LOW",
               "created_at": "2024-04-17T17:18:10Z", "updated_at": "2024-04-17T17:18:10Z"},
    "event": {"meta": {"sequence": {"id": "abc", "position": 1}}},
}


# ---- signatures ---------------------------------------------------------------------------------


def test_a_correct_signature_is_accepted():
    body = b'{"a": 1}'
    assert verify_signature(SECRET, body, {"X-Assist-Signature": sign(SECRET, body)}) == "assist-v1"


def test_rotated_secrets_can_both_sign():
    body = b"{}"
    t = int(time.time())
    header = sign("old", body, t) + "," + sign(SECRET, body, t).split(",")[1]
    assert verify_signature(SECRET, body, {"x-assist-signature": header}) == "assist-v1"


# Signed headers are built when the test runs, not when it is collected: a suite that takes
# longer than the replay window would otherwise see its "good" timestamps go stale.
@pytest.mark.parametrize(
    ("headers", "needle"),
    [
        (lambda: {}, "missing webhook signature"),
        (lambda: {"X-Assist-Signature": "v1=abc"}, "malformed"),
        (lambda: {"X-Assist-Signature": "t=notanumber,v1=abc"}, "malformed"),
        (lambda: {"X-Assist-Signature": sign("wrong-secret", b'{"a": 1}')}, "does not match"),
        (lambda: {"X-Assist-Signature": sign(SECRET, b'{"a": 2}')}, "does not match"),
        (lambda: {"X-Assist-Signature": sign(SECRET, b'{"a": 1}', int(time.time()) - 301)}, "old"),
        (lambda: {"X-Assist-Signature": sign(SECRET, b'{"a": 1}', int(time.time()) + 3600)}, "future"),
    ],
    ids=["missing", "no-timestamp", "bad-timestamp", "wrong-secret", "other-body", "too-old", "future"],
)
def test_bad_signatures_are_refused_with_the_reason(headers, needle):
    with pytest.raises(Unauthorized, match=needle):
        verify_signature(SECRET, b'{"a": 1}', headers())


def test_zendesk_native_signature_scheme_is_accepted_and_checked():
    body = json.dumps(ZENDESK_EVENT).encode()
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    good = {"X-Zendesk-Webhook-Signature": sign_zendesk(SECRET, body, ts), "X-Zendesk-Webhook-Signature-Timestamp": ts}
    assert verify_signature(SECRET, body, good) == "zendesk"
    with pytest.raises(Unauthorized, match="does not match"):
        verify_signature(SECRET, body + b" ", good)
    old = "2020-01-01T00:00:00Z"
    with pytest.raises(Unauthorized, match="old"):
        verify_signature(SECRET, body, {"X-Zendesk-Webhook-Signature": sign_zendesk(SECRET, body, old),
                                        "X-Zendesk-Webhook-Signature-Timestamp": old})


# ---- payloads -------------------------------------------------------------------------------------


def test_generic_ticket_is_normalised():
    t = parse_generic(ticket(tags=["vip"]))
    assert (t.source, t.ticket_id, t.event_id, t.event, t.channel) == ("generic", "T-100", "evt-1", "created", "email")
    assert t.customer.email == "jane@example.com" and t.tags == ["vip"]
    assert [m.role for m in t.conversation()] == ["customer", "customer"]


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda b: b.pop("ticket"), "ticket is required"),
        (lambda b: b.pop("event_id"), "event_id is required"),
        (lambda b: b["ticket"].pop("id"), "ticket.id is required"),
        (lambda b: b.update(event="deleted"), "event must be"),
        (lambda b: b["ticket"].update(messages="hello"), "must be a list"),
        (lambda b: b["ticket"].update(messages=[{"role": "martian", "text": "hi"}]), "role must be customer or agent"),
        (lambda b: b["ticket"].update(messages=[{"role": "customer", "text": 5}]), "text must be a string"),
        (lambda b: b["ticket"].update(subject="", messages=[]), "no subject and no customer message"),
        (lambda b: b["ticket"].update(customer=[1, 2]), "ticket.customer must be an object"),
    ],
)
def test_malformed_generic_payloads_are_invalid_input(mutate, needle):
    body = ticket()
    mutate(body)
    with pytest.raises(InvalidInput, match=needle):
        parse_generic(body)


def test_zendesk_ticket_event_is_normalised():
    t = parse_zendesk(ZENDESK_EVENT)
    assert (t.source, t.ticket_id, t.event_id, t.event, t.channel) == ("zendesk", "35436", "01HNXXXX-CTEXAMPLE", "created", "email")
    assert t.subject == "Charged for an order I never placed"
    assert t.messages[0].text.startswith("Hi, there is a charge") and "<p>" not in t.messages[0].text
    assert t.requester.id == "20978392"


def test_zendesk_comment_event_adds_the_new_comment_as_the_latest_customer_turn():
    event = json.loads(json.dumps(ZENDESK_EVENT))
    event["type"] = "zen:event-type:ticket.comment_added"
    event["id"] = "evt-2"
    event["event"] = {"comment": {"id": "1", "body": "Also my promo code does not work", "author": {"is_staff": False}}}
    t = parse_zendesk(event)
    assert t.event == "updated"
    assert t.messages[-1].text == "Also my promo code does not work" and t.messages[-1].role == "customer"


@pytest.mark.parametrize("body", [[], {"type": "zen:event-type:user.created", "detail": {}}, {"type": "zen:event-type:ticket.created"},
                                  {"type": "zen:event-type:ticket.created", "id": "e", "detail": {"subject": "x"}}])
def test_malformed_zendesk_payloads_are_invalid_input(body):
    with pytest.raises(InvalidInput):
        parse_zendesk(body)


# ---- urgency, language, sentiment -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("If this isn't fixed I'm contacting my lawyer", "legal_threat"),
        ("I will take you to small claims court", "legal_threat"),
        ("Your website is down, nobody can check out", "outage"),
        ("I want to cancel my subscription today", "cancellation"),
        ("This is the third time I'm writing about this", "repeat_contact"),
        ("There is an unauthorized charge on my card", "fraud"),
        ("The jacket zipper burned my hand, I had to go to hospital", "safety"),
    ],
)
def test_urgency_signals_are_detected(text, signal):
    assert signal in urgency_signals([text])


def test_calm_request_has_no_urgency_signal():
    assert urgency_signals(["Could you tell me how to wash the jeans?"]) == []


@pytest.mark.parametrize(
    ("default", "signals", "mood", "expected"),
    [
        ("low", [], "neutral", "low"),
        ("low", ["cancellation"], "neutral", "high"),
        ("normal", ["legal_threat"], "neutral", "urgent"),
        ("normal", ["outage"], "negative", "urgent"),
        ("low", [], "very_negative", "normal"),
        ("urgent", ["cancellation"], "neutral", "urgent"),
    ],
)
def test_priority_is_the_default_raised_by_signals(default, signals, mood, expected):
    assert raise_priority(default, signals, mood) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hello, I want to return my order please, it is the wrong size", "en"),
        ("Hola, quiero devolver mi pedido por favor, no es la talla correcta", "es"),
        ("Bonjour, je voudrais retourner ma commande, la taille ne va pas", "fr"),
        ("Hallo, ich möchte meine Bestellung zurückgeben, die Größe ist nicht richtig", "de"),
        ("ok", "und"),
    ],
)
def test_language_is_detected_offline(text, lang):
    assert detect_language([text]) == lang


def test_sentiment_reads_the_tone():
    assert sentiment(["Thanks so much, great service!"])["label"] == "positive"
    assert sentiment(["This is the worst, absolutely unacceptable and ridiculous!!"])["label"] == "very_negative"
    assert sentiment(["The jacket arrived damaged"])["label"] == "negative"
    assert sentiment(["Where is my order?"])["label"] == "neutral"
    assert sentiment(["not bad at all"])["score"] >= 0


# ---- the use case with fakes --------------------------------------------------------------------------


class FakeIntents:
    """Counts classifications; always answers return_stain."""

    def __init__(self) -> None:
        self.calls = 0
        self.taxonomy = Taxonomy(
            intents=(Intent("return_stain", "Return an item that arrived stained.", "returns", "normal", ("x", "y")),),
            oos_examples=(), version="v-test")

    async def aclassify_conversation(self, messages: Any) -> Classification:
        self.calls += 1
        return Classification("return_stain", 0.91, [Alternative("return_color", 0.05)], "v-test")


def make_service(intents: Any = None) -> tuple[TriageService, Any]:
    intents = intents or FakeIntents()

    async def secrets(tenant: str) -> str | None:
        return SECRET if tenant == "acme" else None

    return TriageService(intents, MemoryTriageStore(), secrets), intents


def signed(body: dict[str, Any] | bytes, secret: str = SECRET, t: int | None = None) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, {"X-Assist-Signature": sign(secret, raw, t)}


async def test_triage_answers_intent_queue_priority_language_sentiment_summary():
    svc, _ = make_service()
    raw, headers = signed(ticket(text="My boots arrived stained. Third time I'm writing, I will call my lawyer! jane@example.com"))
    out = await svc.handle("acme", "generic", raw, headers)
    r = out.response
    assert not out.replayed
    assert (r["intent"], r["queue"], r["default_priority"]) == ("return_stain", "returns", "normal")
    assert r["priority"] == "urgent" and set(r["urgency_signals"]) >= {"legal_threat", "repeat_contact"}
    assert r["language"] == "en" and r["sentiment"]["label"] in {"negative", "very_negative"}
    assert r["summary"].startswith("Return an item that arrived stained") and "\n" not in r["summary"]
    assert "jane@example.com" not in r["summary"]
    assert r["taxonomy_version"] == "v-test" and r["confidence"] == 0.91
    assert out.audit_record()["ticket_id"] == "T-100"


async def test_a_replayed_event_returns_the_first_answer_and_does_no_work_twice():
    svc, intents = make_service()
    raw, headers = signed(ticket())
    first = await svc.handle("acme", "generic", raw, headers)
    raw2, headers2 = signed(ticket())  # same event, re-sent (fresh signature)
    again = await svc.handle("acme", "generic", raw2, headers2)
    assert again.replayed and again.response == first.response
    assert intents.calls == 1
    other = await svc.handle("acme", "generic", *signed(ticket(event_id="evt-2")))
    assert not other.replayed and intents.calls == 2


async def test_the_same_event_id_with_other_content_is_a_conflict_not_a_stale_answer():
    svc, intents = make_service()
    await svc.handle("acme", "generic", *signed(ticket()))
    reformatted = json.dumps(ticket(), indent=2).encode()  # same content, other spelling: a replay
    assert (await svc.handle("acme", "generic", *signed(reformatted))).replayed
    with pytest.raises(Conflict, match="already delivered with other content"):
        await svc.handle("acme", "generic", *signed(ticket(text="Actually it is about a refund")))
    assert intents.calls == 1


def test_ticket_and_event_ids_longer_than_the_key_columns_are_refused():
    with pytest.raises(InvalidInput, match="ticket.id"):
        parse_generic(ticket(ticket_id="T" * 129))
    with pytest.raises(InvalidInput, match="event_id"):
        parse_generic(ticket(event_id="e" * 129))
    assert parse_generic(ticket(ticket_id="T" * 128)).ticket_id == "T" * 128


async def test_triage_refuses_unknown_tenant_secret_and_source():
    svc, _ = make_service()
    with pytest.raises(Forbidden, match="no webhook secret"):
        await svc.handle("globex", "generic", *signed(ticket()))
    with pytest.raises(InvalidInput, match="unknown source"):
        await svc.handle("acme", "freshdesk", *signed(ticket()))


async def test_signature_is_checked_before_the_body_is_parsed():
    svc, intents = make_service()
    with pytest.raises(Unauthorized):
        await svc.handle("acme", "generic", b"not json", {"X-Assist-Signature": sign("nope", b"not json")})
    with pytest.raises(InvalidInput, match="not valid JSON"):
        await svc.handle("acme", "generic", *signed(b"not json"))
    assert intents.calls == 0


# ---- over HTTP with the real classifier and database ---------------------------------------------------


@pytest.fixture
async def hook(app_factory):
    async with running(app_factory()) as c:
        headers = await new_key(c, "acme", "triage:write")
        secret = await c.app.state.container.keys.webhook_secret("acme")
        yield c, headers, secret


async def test_http_triage_end_to_end_with_replay(hook):
    c, auth, secret = hook
    raw, sig = signed(ticket(text="I'm going to cancel my account, the shirt I received has a big stain on it"), secret)
    r = await c.post("/v1/hooks/triage", content=raw, headers={**auth, **sig, "Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["intent"] == "return_stain" and body["queue"] == "returns"
    assert body["priority"] == "high" and "cancellation" in body["urgency_signals"]
    assert body["taxonomy_version"] == c.app.state.container.intents.version
    assert r.headers["Idempotent-Replayed"] == "false"
    again = await c.post("/v1/hooks/triage", content=raw, headers={**auth, **sig, "Content-Type": "application/json"})
    assert again.status_code == 200 and again.json() == body and again.headers["Idempotent-Replayed"] == "true"


async def test_http_zendesk_event(hook):
    c, auth, secret = hook
    raw, sig = signed(ZENDESK_EVENT, secret)
    r = await c.post("/v1/hooks/triage/zendesk", content=raw, headers={**auth, **sig, "Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["ticket_id"], body["event_id"], body["source"]) == ("35436", "01HNXXXX-CTEXAMPLE", "zendesk")
    assert body["intent"] == "billing_never_bought" and body["queue"] == "billing"
    assert "fraud" in body["urgency_signals"] and body["priority"] == "high"


async def test_http_bad_signature_old_timestamp_and_malformed_payload_get_clear_4xx(hook):
    c, auth, secret = hook
    raw = json.dumps(ticket()).encode()
    cases = [
        ({"X-Assist-Signature": sign("wrong", raw)}, raw, 401, "does not match"),
        ({"X-Assist-Signature": sign(secret, raw, int(time.time()) - 3600)}, raw, 401, "old"),
        ({}, raw, 401, "missing webhook signature"),
        ({"X-Assist-Signature": sign(secret, b"{oops")}, b"{oops", 422, "not valid JSON"),
        ({"X-Assist-Signature": sign(secret, b'{"event_id": "e"}')}, b'{"event_id": "e"}', 422, "ticket is required"),
    ]
    for sig, body, status, needle in cases:
        r = await c.post("/v1/hooks/triage", content=body, headers={**auth, **sig, "Content-Type": "application/json"})
        assert r.status_code == status, (needle, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert needle in r.json()["detail"]


async def test_http_triage_needs_the_triage_scope(hook):
    c, _, secret = hook
    headers = await new_key(c, "acme", "intents:read")
    raw, sig = signed(ticket(), secret)
    r = await c.post("/v1/hooks/triage", content=raw, headers={**headers, **sig})
    assert r.status_code == 403


async def test_another_tenant_can_neither_use_a_signature_nor_read_a_stored_answer(hook):
    c, acme_auth, acme_secret = hook
    globex_auth = await new_key(c, "globex", "triage:write")
    globex_secret = await c.app.state.container.keys.webhook_secret("globex")
    assert globex_secret and globex_secret != acme_secret
    raw, acme_sig = signed(ticket(text="there's an unauthorized charge on my card, this is fraud"), acme_secret)
    first = await c.post("/v1/hooks/triage", content=raw, headers={**acme_auth, **acme_sig})
    assert first.status_code == 200
    # acme's signature with globex's key: refused (the secret is per tenant)
    r = await c.post("/v1/hooks/triage", content=raw, headers={**globex_auth, **acme_sig})
    assert r.status_code == 401
    # the same ticket and event ids from globex are globex's own event, not a replay of acme's
    raw2, globex_sig = signed(ticket(text="how do I wash the jeans?"), globex_secret)
    r = await c.post("/v1/hooks/triage", content=raw2, headers={**globex_auth, **globex_sig})
    assert r.status_code == 200 and r.headers["Idempotent-Replayed"] == "false"
    assert r.json()["intent"] != first.json()["intent"]
