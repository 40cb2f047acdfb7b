"""Replies that use the history (service/continuity/replies.py, claims.py and the policy hook):
no re-asking given facts, approved acknowledgements, history as a source for claims about the
customer only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from service.domain.interactions import Interaction
from service.replies.policy import Candidate, Evidence, load_checker
from service.summaries.extractive import ExtractiveSummarizer
from service.continuity.claims import about_customer
from service.continuity.context import CustomerContext, WireMessage, merge, request_interactions
from service.continuity.replies import Templates, asks_for, history_sources, re_asks, revise

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
TEMPLATES = Templates.load(REPO / "knowledge" / "continuity.yaml")
CHECKER = load_checker(REPO / "knowledge" / "policy.yaml")


def it(i: int, role: str, text: str, day: int, channel: str = "chat") -> Interaction:
    return Interaction(id=f"h-{i}", customer_id="c1", channel=channel, direction={"customer": "inbound"}.get(role, "outbound"),
                       author_role=role, ts=datetime(2026, 11, day, 10, i, tzinfo=UTC), text=text, thread_id=f"t-{channel}")


def context() -> CustomerContext:
    history = [
        it(1, "customer", "My refund for order 3348917502 has not arrived. My e-mail is ana@example.com", 3),
        it(2, "agent", "I'll process the refund now; it will be back on your card within 5 business days.", 3),
        it(3, "customer", "Still no refund on my card.", 12, "email"),
    ]
    summary = ExtractiveSummarizer().summarize(history, customer_id="c1", as_of=NOW)
    return CustomerContext("c1", history, summary, stored_total=3, as_of=NOW)


def test_asking_for_a_given_fact_is_recognised():
    assert asks_for("Could you confirm your order number?") == {"order_id"}
    assert asks_for("Please send your username, account email and order ID.") == {"username", "email", "order_id"}
    assert asks_for("Your order 3348917502 is on its way.") == set()


def test_revise_drops_re_asks_and_acknowledges_the_broken_promise_citing_it():
    ctx = context()
    cand = Candidate("Thanks for waiting. Could you confirm your order number and e-mail? Refunds go back to the card.", ["x"], "grounded")
    out = revise(cand, ctx, channel="chat", templates=TEMPLATES, current_texts=["where is my refund"], max_chars=500)
    assert not re_asks(out.text, ctx.known_facts())
    assert out.text.startswith("I can see that on 3 November, in our chat, we said we would process your refund")
    assert out.history_citations == ["h-2"]
    assert "Refunds go back to the card." in out.text


def test_without_a_customer_the_reply_is_untouched():
    cand = Candidate("Could you confirm your order number?", ["x"], "grounded")
    assert revise(cand, None, channel="chat", templates=TEMPLATES, current_texts=[], max_chars=500) is cand


def test_an_email_reply_keeps_greeting_and_sign_off():
    ctx = context()
    cand = Candidate("Hi Ana,\n\nRefunds go back to the card.\n\nKind regards,\nNorthwind", ["x"], "grounded")
    out = revise(cand, ctx, channel="email", templates=TEMPLATES, current_texts=["refund?"], max_chars=1500)
    lines = out.text.split("\n")
    assert lines[0] == "Hi Ana," and lines[2].startswith("I can see that on 3 November") and lines[-1] == "Northwind"


def test_history_supports_claims_about_the_customer_never_policy():
    ctx = context()
    ev = Evidence("chat", {}, ["where is my refund"], {}, None, history=history_sources(ctx, TEMPLATES))
    ack = TEMPLATES.render(ctx.summary.commitments[0])
    ok = CHECKER.check(Candidate(ack, [], "grounded", history_citations=["h-2"]), ev)
    assert ok.passed, ok.findings()
    # The same words as a general rule are not a claim about this customer: not supported.
    rule = CHECKER.check(Candidate("All customers get the refund back on the card within 5 business days.", [], "grounded",
                                   history_citations=["h-2"]), ev)
    assert not rule.passed
    # And without citing the interaction, the claim about the customer has no source.
    bare = CHECKER.check(Candidate(ack, [], "grounded"), ev)
    assert not bare.passed
    assert about_customer(ack) and not about_customer("Refunds always take 5 days.")


def test_request_messages_already_stored_count_once():
    stored = [it(1, "customer", "Where is my parcel?", 15)]
    req = request_interactions([WireMessage("customer", "Where is my parcel?"), WireMessage("customer", "Order 3100200300", "m-2")],
                               customer_id="c1", channel="chat", conversation_id=None, now=NOW)
    merged, new = merge(stored, req)
    assert [i.id for i in new] == ["m-2"] and len(merged) == 2
    again = request_interactions([WireMessage("customer", "Order 3100200300", "m-2")], customer_id="c1", channel="chat",
                                 conversation_id=None, now=NOW)
    assert merge(merged, again)[1] == []
