"""Twelfth round (fix-12b): conversational and procedural lines that carry no fact about policy
need no support: the agent's capability on what the customer raised ("I can fix it"), its look-up
of the order's status, privacy advice, a list of details announced, a greeting that names the
order, a request for identification details after a sentence that named a level, a condition on
the customer's wish ("If you'd like to go ahead"), the frame of a remark ("Just note ...") and a
comparison with the figure just stated ("If it's been longer"). The same line carrying a policy
outcome (a refund, a credit, a free replacement, a day, an amount) is still a claim."""

from __future__ import annotations

import pytest

from service.guardrails.claims import is_conversational
from service.guardrails.moves import unframed, wish_lead_in, without_wishes
from tests.test_guardrails import check, failed


@pytest.mark.parametrize("line", [
    "I can fix it.",
    "We can sort that out for you.",
    "I'll check the status and confirm.",
    "Let me check your order status and let you know.",
    "Please don't post personal details publicly.",
    "Please don't share personal info here.",
    "To do that, I'll need two things:",
    "Then I'll need a few details:",
    "Thanks for getting in touch about order NW-31664.",
    "Could you share your username, the email on your account and order NW-34700 so I can confirm?",
])
def test_a_procedural_line_with_no_outcome_is_conversational(line: str) -> None:
    assert is_conversational(line)


@pytest.mark.parametrize("line", [
    "I can fix it with a full refund.",
    "I can fix it today.",
    "I'll check the status and confirm your free replacement.",
    "I'll check the status and confirm the refund.",
    "Please don't post personal details publicly, and we'll send you a $10 voucher.",
    "To do that, I'll need two things and a $5 fee:",
    "Thanks for getting in touch about order NW-31664, which ships free tomorrow.",
    "Could you share your username so I can refund you today?",
])
def test_the_same_line_with_a_policy_outcome_stays_a_claim(line: str) -> None:
    assert not is_conversational(line)


@pytest.mark.parametrize("clause", ["If you'd like to go ahead", "If you already know what you're looking for",
                                    "If you'd rather not use a different card", "If you prefer"])
def test_a_condition_on_the_customers_wish_is_a_lead_in(clause: str) -> None:
    assert wish_lead_in(clause)


@pytest.mark.parametrize("clause", ["If you'd like a refund to your card", "If you'd like the free upgrade", "If you'd like it today",
                                    "If you want $20 back", "If it hasn't shipped", "If you're a Gold member"])
def test_a_condition_naming_an_outcome_or_a_fact_is_no_wish_lead_in(clause: str) -> None:
    assert not wish_lead_in(clause)


def test_only_the_wish_is_left_out_of_the_word_check() -> None:
    assert without_wishes("If you'd rather not use a different card, I'll charge the card on file.") == ", I'll charge the card on file."
    assert without_wishes("If you'd like a gift card, I'll send one.") == "If you'd like a gift card, I'll send one."
    assert "Paris" in without_wishes("If you'd like, bring it to our Paris store.")


def test_a_remark_frame_and_a_back_reference_add_no_words_but_what_follows_stays() -> None:
    assert "note" not in unframed("Just note they aren't designed to be submerged.")
    assert "submerged" in unframed("Just note they aren't designed to be submerged.")
    assert "longer" not in unframed("If it's been longer, reply and we'll start processing it.")
    assert "note" in unframed("I'll note that as the reason.")


# ---- whole replies, both ways ------------------------------------------------------------------


@pytest.mark.parametrize("text,article", [
    ("Sorry about that typo. I can fix it. Could you read me the name exactly as it appears on the account now?", "account-change-name"),
    ("If order NW-34014 is still at Order Received or In Transit, I can switch it to PayPal for you. I'll check the status and confirm.",
     "orders-change-payment-method"),
    ("As a Gold member you have unlimited returns, with no time limit. If you'd like to go ahead, please reply with your username, "
     "the email on your account and the order ID, and I'll get the return set up.", "returns-membership-windows"),
    ("If you already know what you're looking for, I'm happy to place the order for you.", "site-search-not-working"),
    ("If you'd rather not use a different card, I'll use the credit card on your account.", "subscription-pay-or-renew"),
    ("Our leather boots have a waterproof membrane and sealed seams. Just note they aren't designed to be fully submerged.", "products-boots-faq"),
    ("Once your return reaches us the credit can take up to 7 days to show. If it's been longer, reply and we'll start processing it.",
     "store-refund-policy"),
])
def test_a_faithful_reply_with_a_procedural_line_passes(text: str, article: str) -> None:
    report = check(text, article, facts={"order_id": "NW-34014"})
    assert "grounded" not in failed(report), report.findings()


@pytest.mark.parametrize("text,article", [
    ("Sorry about that typo. I can fix it with a $25 account credit.", "account-change-name"),
    ("I'll check the status and confirm your free replacement order.", "orders-change-payment-method"),
    ("As a Gold member you have unlimited returns. If you'd like to go ahead, I'll refund it today and you can keep the jacket.",
     "returns-membership-windows"),
    ("If you already know what you're looking for, I'm happy to place the order for you with free overnight shipping.", "site-search-not-working"),
    ("If you'd rather not use a different card, I'll use the credit card on your account and waive the first month.", "subscription-pay-or-renew"),
    ("Just note they're guaranteed waterproof for 5 years, even fully submerged.", "products-boots-faq"),
    ("Once your return reaches us the credit can take up to 7 days to show. If it's been longer, reply and we'll add a $10 credit.",
     "store-refund-policy"),
    ("Please note that prices can vary, for example during periods of high demand.", "store-refund-policy"),
])
def test_the_same_reply_with_a_policy_outcome_is_refused(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article))


@pytest.mark.parametrize("text,article,ok", [
    ("To answer your second question: changing your name does not change your username, so you'll keep logging in exactly as you do now.",
     "account-change-name", True),
    ("To answer your question: changing your name doesn't change your username, so you'll keep your free overnight upgrades just as you do now.",
     "account-change-name", False),
    ("Our insulated jackets are comfortable down to about 20°F with a normal layer underneath. If you'll be colder than that, "
     "you may want to add another layer.", "products-jackets-faq", True),
    ("Our insulated jackets are comfortable down to about 20°F with a normal layer underneath. If it'll be colder than that, "
     "you might want to add an extra layer, though they're rated to -40°F on their own.", "products-jackets-faq", False),
])
def test_what_stays_the_same_and_one_more_of_a_thing_named_need_nothing_new(text: str, article: str, ok: bool) -> None:
    assert ("grounded" not in failed(check(text, article))) is ok, check(text, article).findings()


def test_adverbs_of_how_and_where_add_no_words_but_an_outcome_after_them_is_checked() -> None:
    customer = ("Can I add a pair of socks to the order I placed this morning? Status says Order Received.",)
    ok = "Since it's still at Order Received and hasn't shipped, I can add the socks straight onto that order."
    assert "grounded" not in failed(check(ok, "orders-add-item", customer=customer)), check(ok, "orders-add-item", customer=customer).findings()
    bad = "Since it's still at Order Received, I can add the socks straight onto that order and ship it overnight for free."
    assert "grounded" in failed(check(bad, "orders-add-item", customer=customer))
