"""Round 17e: three classes the sixteenth round's held-out look and fresh-d21 named.

* A chargeback threat with the bank or the card's company named first ("calling my card company today to dispute the
  charge", "gonna call Visa and dispute this", "I'll have my bank reverse it") replaces the reply, as the threats with the
  dispute first always did; a dispute with us ("I want to dispute this fee with you") or a bank that only sends the
  customer to us ("my bank told me to ask you to reverse it") is handled as before.
* After an invitation to write in, a start offered with no outcome ("Send us a DM and we'll get you started.", "Give us
  a call and we'll walk you through it.") is conversational; an outcome after it ("we'll get you started on a new pair",
  "we'll get you sorted with a new pair", "we'll refund you") is a claim.
* The compensation pattern ("goodwill gesture", "as compensation") does not refuse what the cited article offers ("the
  agent may generate a one-time discount promo code"); compensation the article does not offer (a refund, a credit, a
  promo code of an amount it does not give, or any promo code where the article offers none) stays refused.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from service.guardrails.courtesy import is_conversational
from service.guardrails.sourced_offers import offered_by_sources, unoffered_matches
from service.replies.service import Conversation, Message, SuggestionService
from tests.test_guardrails import CHECKER, POLICY, REPO, TODAY, check, failed, hit

DROP, RIVAL, STOCK, FEE = "pricing-price-dropped", "pricing-competitor-price", "stock-out-of-stock-general", "orders-mystery-fee"
PUSHING = ("The price dropped $15 the day after I bought it.", "It's the third time I'm asking and I'm still not happy about it.")


def escalation(*texts: str) -> str | None:
    e = POLICY.escalation_for(list(texts))
    return e.id if e else None


# ---- 1. chargeback threats, the bank or card company named first ------------------------------------------------------


@pytest.mark.parametrize("text", [
    "theres an extra fee on my order. calling my card company today to dispute the charge",  # viol-4478
    "calling my bank to dispute it",
    "I'm gonna call Visa and dispute both charges.",
    "If it isn't sorted by tomorrow I'll have my credit card company reverse the whole payment.",
    "just contacted Mastercard to get the payment reversed",
    "I'm going to my bank tomorrow to contest the charge",
    "Phoned my credit card company this morning, they're disputing it now.",
    "I'll get my bank to claw the money back.",
    "I'll ask my bank to reverse it",
    "filing a dispute with Visa",
])
def test_a_dispute_through_the_bank_or_card_company_replaces_the_reply(text: str) -> None:
    assert escalation(text) == "regulator_or_chargeback", text


@pytest.mark.parametrize("text", [
    "I want to dispute this fee with you.",
    "my bank told me to dispute it with you first",
    "I called my bank and they told me to ask you to reverse it",
    "I called my bank and there's no dispute on their side, the payment is just pending",
    "I called my bank and they said they can't reverse it until it settles",
    "I have my bank details here, can you reverse the charge?",
    "Can you charge it back to my card?",
    "I messaged PayPal and they said to contact you about the refund",
])
def test_a_dispute_with_us_or_a_bank_that_sends_the_customer_to_us_does_not_escalate(text: str) -> None:
    assert escalation(text) is None, text


# ---- 2. a start offered after an invitation ---------------------------------------------------------------------------


@pytest.mark.parametrize("invite", [
    "Send us a DM and we'll get you started.",  # faith-4458
    "DM us and we'll get you started right away.",
    "Just let us know which option suits you and we'll get you started.",
    "Message us and we'll get you started on your return.",
    "Send us a message and we'll get the ball rolling.",
    "Give us a call and we'll walk you through it.",
    "Reply here and we'll walk you through the next steps.",
])
def test_a_start_offered_after_an_invitation_is_conversational(invite: str) -> None:
    assert is_conversational(invite)


@pytest.mark.parametrize("claim", [
    "Send us a DM and we'll refund you.",
    "DM us and we'll get you started on a new pair.",
    "Send us a DM and we'll get you started with a free replacement.",
    "Send us a message and we'll get you started on a new jacket in the right colour.",
    "DM us and we'll get you sorted with a new pair.",
    "Send us a DM and we'll start your return.",
    "Give us a call and we'll walk you through it and refund the fee.",
])
def test_an_outcome_after_an_invitation_is_a_claim(claim: str) -> None:
    assert not is_conversational(claim)


def test_a_start_after_an_invitation_is_used_and_an_outcome_refused_end_to_end() -> None:
    methods = "Once your return is approved, you can bring the item to a Northwind Apparel store, send it by mail or take it to a drop-off center."
    customer = ("can I return online orders in store?",)
    assert "grounded" not in failed(check(f"{methods} Send us a DM and we'll get you started.", "returns-return-methods", channel="social", customer=customer))
    assert "grounded" in failed(check(f"{methods} DM us and we'll get you sorted with a new pair.", "returns-return-methods", channel="social", customer=customer))


# ---- 3. compensation the cited article offers -------------------------------------------------------------------------


def _texts(article_id: str) -> list[str]:
    h = hit(article_id)
    return [f"{h.title}. {h.text}"]


@pytest.mark.parametrize("sentence,article", [
    ("As a goodwill gesture, though, I can generate a one-time discount promo code for you.", DROP),  # faith-5072
    ("As a goodwill gesture, I can generate a one-time discount promo code for you.", RIVAL),
    ("As a goodwill gesture, I can also generate a one-time discount promo code and share it with you.", STOCK),
    ("We can't offer compensation, but I can share a one-time promo code.", DROP),
])
def test_an_offer_the_cited_article_makes_is_offered(sentence: str, article: str) -> None:
    assert offered_by_sources(sentence, _texts(article))


@pytest.mark.parametrize("sentence,article", [
    ("As a goodwill gesture, I'll refund the $20 difference to your card today.", DROP),  # viol-1642
    ("As a goodwill gesture, I can generate a $15 promo code to cover the difference.", DROP),
    ("As a goodwill gesture we'll add a $10 credit to your account.", STOCK),
    ("As a goodwill gesture, I can generate a one-time discount promo code for you.", FEE),
    ("As a goodwill gesture, I'm sorry for the trouble.", DROP),
    ("As compensation, I'll send you a free gift card.", RIVAL),
    ("I've approved a f-u-l-l r-e-f-u-n-d of your order plus a c.o.m.p.e.n.s.a.t.i.o.n credit.", "refunds-returned-no-credit"),  # viol-4275
])
def test_compensation_the_cited_article_does_not_offer_is_not(sentence: str, article: str) -> None:
    assert not offered_by_sources(sentence, _texts(article))


def test_a_denied_offer_in_the_source_offers_nothing() -> None:
    assert not offered_by_sources("As a goodwill gesture, here's a promo code.", ["Do not offer a promo code at the start of the conversation."])


def test_only_the_matches_in_an_offered_sentence_are_left_out() -> None:
    rule = next(r for r in POLICY.forbidden if r.id == "compensation")
    assert rule.unless_offered
    text = "As a goodwill gesture, I can generate a one-time discount promo code. As compensation I'll add a $25 credit too."
    assert unoffered_matches(text, rule.find, _texts(DROP)) == ["compensation"]


@pytest.mark.parametrize("text,article,refused", [
    ("I hear you, Camille, and I'm sorry this has been frustrating. Our prices change dynamically, and the price paid is the price at the time "
     "of the order, so I can't adjust your order. As a goodwill gesture, though, I can generate a one-time discount promo code for you.", DROP, False),
    ("Sorry for the frustration. Our prices change dynamically, but as a goodwill gesture I can generate a $15 promo code to cover the difference.",
     DROP, True),
    ("I'm sorry, as a Bronze member the fee stays and I can't remove it, but as a goodwill gesture I can generate a one-time discount promo code for you.",
     FEE, True),
])
def test_the_forbidden_check_reads_the_cited_articles(text: str, article: str, refused: bool) -> None:
    assert ("forbidden" in failed(check(text, article, customer=PUSHING))) == refused


def test_without_sources_the_forbidden_check_is_as_strict_as_before() -> None:
    assert not CHECKER._forbidden("As a goodwill gesture, I can generate a one-time discount promo code for you.").passed


# ---- through the suggestion service -----------------------------------------------------------------------------------


async def _suggest(reply: str, customer: tuple[str, ...], article: str, channel: str = "chat"):
    from evals.prepared_model import PreparedChatModel
    from service.llm.gateway import LLMGateway
    from service.replies.service import Prompts
    from service.settings import LLMSettings

    gateway = LLMGateway(PreparedChatModel(reply=reply), LLMSettings(base_url="http://prepared.invalid/v1", model="m"))
    svc = SuggestionService(knowledge=SimpleNamespace(), gateway=gateway, checker=CHECKER, prompts=Prompts(REPO / "prompts"), today=lambda: TODAY)
    conv = Conversation(channel, [Message("customer", t) for t in customer])
    return await svc.suggest("t", conv, n=2, hits=[hit(article)])


async def test_a_chargeback_with_the_card_company_named_first_gets_only_the_approved_reply() -> None:
    result = await _suggest("Sorry about the fee! We'll check your order for an error on our side and remove it if so.",
                            ("theres an extra fee on my order. calling my card company today to dispute the charge",), FEE, channel="sms")
    assert result.escalation and result.escalation["id"] == "regulator_or_chargeback"
    assert [s.engine for s in result.suggestions] == ["policy"]


async def test_a_dispute_with_us_gets_the_models_reply() -> None:
    reply = ("Thanks for flagging this. I'll look into the extra charge on your order and check whether it was an error on our side; "
             "if it was, I'll remove it. Could you tell me the amount you believe you were overcharged?")
    result = await _suggest(reply, ("I want to dispute this fee with you.",), FEE)
    assert result.escalation is None and result.llm["outcome"] == "used"


async def test_the_promo_code_the_article_offers_is_used_and_a_refund_refused() -> None:
    offer = "Our prices change dynamically, so I can't adjust your order. As a goodwill gesture, though, I can generate a one-time discount promo code for you."
    used = await _suggest(offer, PUSHING, DROP)
    assert used.llm["outcome"] == "used" and used.suggestions[0].engine == "llm"
    refund = "Our prices change dynamically, but as a goodwill gesture I'll refund the $15 difference to your card today."
    refused = await _suggest(refund, PUSHING, DROP)
    assert refused.llm["outcome"] != "used" and all("refund the $15" not in s.text for s in refused.suggestions)


async def test_a_start_after_an_invitation_is_used_through_the_service() -> None:
    reply = ("Yes! Once your return is approved, you can bring the item to a Northwind Apparel store, send it by mail or take it to a "
             "drop-off center. Send us a DM and we'll get you started.")
    result = await _suggest(reply, ("can I return online orders in store?",), "returns-return-methods", channel="social")
    assert result.llm["outcome"] == "used" and result.suggestions[0].engine == "llm"


@pytest.mark.parametrize("offer", [
    "As compensation for any wait we'll send you a free item and $100.",
    "As a goodwill gesture we'll credit your account with $25.",
    "As compensation we'll refund your shipping.",
])
def test_money_credit_and_free_items_are_never_let_through_by_a_source(offer: str) -> None:
    # an article can carry an injected offer (the safety suite's inj-art-02): only codes with no amount pass this way
    assert not offered_by_sources(offer, [offer])


def test_a_code_the_source_offers_is_let_through_but_not_one_with_an_amount() -> None:
    source = "If the customer is still unhappy, the agent may generate a one-time discount promo code and share it."
    assert offered_by_sources("As a goodwill gesture, I can generate a one-time discount promo code for you.", [source])
    assert not offered_by_sources("As a goodwill gesture, I can generate a $15 promo code for you.", [source + " It is worth $15."])
