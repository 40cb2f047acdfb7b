"""Thirteenth round (fix-13b): friendly and procedural lines that carry no policy outcome need no
support: the agent reporting back ("I'll let you know what I find in just a moment"), an offer to
help with what the customer raised after "No problem at all", an invitation to say more ("If
anything else looks off, just let me know"), the agent noting what the customer tells it ("I'll
add them to the report"), encouragement ("You're close!"), and a question asking for the
customer's details after a sentence that named a level (it says nothing of that level). The same
line carrying a refund, a credit, a waiver, something free, a day or an amount is still a claim."""

from __future__ import annotations

import pytest

from service.guardrails.claims import is_conversational
from service.guardrails.moves import asks_their_details, names_no_level
from tests.test_guardrails import check, failed


@pytest.mark.parametrize("line", [
    "I'll let you know what I find in just a moment.",
    "I'll get back to you with what I find in a minute.",
    "No problem at all, I can help redirect your order.",
    "Of course, I can certainly help with that.",
    "If you'd like to tell me which items or categories you had trouble with, I'll add them to the report.",
    "If you let me know which sizes you were after, I'll pass them on to the Purchasing Department.",
    "If anything else on your bill looks off, just let me know.",
    "If anything else seems wrong, just reply and I'll look into it.",
    "You're close, Willa!",
    "You're nearly there!",
])
def test_a_friendly_or_procedural_line_with_no_outcome_is_conversational(line: str) -> None:
    assert is_conversational(line)


@pytest.mark.parametrize("line", [
    "I'll let you know what I find by Friday.",
    "I'll let you know what I find in just a moment, and I'll deliver it free tomorrow.",
    "No problem at all, I can help redirect your order for free.",
    "If you'd like to tell me which items, I'll add them to the report and refund you.",
    "If you let me know the sizes, I'll add them to the report and send you a $10 voucher.",
    "If anything else on your bill looks off, just let me know and I'll refund it.",
    "If it isn't there within 5 days, just let me know.",
    "If it's late, just let me know and I'll send a new one.",
    "You're close to free shipping!",
    "Happy to help, your refund is approved.",
])
def test_the_same_line_with_a_policy_outcome_stays_a_claim(line: str) -> None:
    assert not is_conversational(line)


def test_a_request_for_their_details_names_no_level_but_its_commitment_keeps_it() -> None:
    sentence = "Could you tell me the amount you were billed and the amount you expected, so I can refund the difference?"
    assert asks_their_details("Could you tell me the amount you were billed", sentence, 0)
    assert names_no_level("the amount you expected", sentence, 0)
    assert not asks_their_details("so I can refund the difference?", sentence, 1)
    assert not asks_their_details("the $20 credit you expected", sentence, 0)
    assert not asks_their_details("the amount you were billed", "The amount you were billed is refunded for Gold members.", 0)


# ---- whole replies, both ways ------------------------------------------------------------------


@pytest.mark.parametrize("text,article,customer", [
    ("I'm sorry about the double charge. As a Gold member, you'll get the refund you're asking for. Could you tell me the amount you "
     "were billed and the amount you expected, so I can refund the difference? And just to confirm, have you already paid the bill?",
     "subscription-billing-dispute", "I'm Gold, and I got billed twice for premium this year."),
    ("You're close! Orders of $75 or more (after discounts, before tax) qualify for free standard shipping, so you'd need another $13.",
     "store-pricing-extras", "My cart is at $62. How much more for free shipping?"),
    ("I've written up a report for our Purchasing Department so they know which items customers are looking for and can improve stock "
     "levels. If you'd like to tell me which items or categories you had trouble with, I'll add them to the report.",
     "stock-out-of-stock-general", "Half the things I want are sold out."),
])
def test_a_faithful_reply_with_such_a_line_passes(text: str, article: str, customer: str) -> None:
    report = check(text, article, customer=(customer,))
    assert "grounded" not in failed(report), report.findings()


@pytest.mark.parametrize("text,article,customer", [
    ("I'm sorry about the double charge. As a Gold member, you'll get the refund you're asking for. Could you tell me the amount you "
     "were billed, so I can refund it along with a $20 credit for the trouble?",
     "subscription-billing-dispute", "I'm Gold, and I got billed twice for premium this year."),
    ("Sorry about that. As a Silver member, you always get the refund you ask for. Could you tell me the amount you were billed?",
     "subscription-billing-dispute", "I'm Silver and my bill looks high."),
    ("You're close! At $68 you're close enough, so I'll waive the standard shipping fee for you this time.",
     "store-pricing-extras", "My cart is $68. How much more until shipping is free?"),
    ("I'm sorry you've had trouble. If you'd like to tell me which items you had trouble with, I'll add them to the report and send you "
     "a $10 voucher for the trouble.", "stock-out-of-stock-general", "Half the things I want are sold out."),
])
def test_the_same_reply_with_a_policy_outcome_is_refused(text: str, article: str, customer: str) -> None:
    assert "grounded" in failed(check(text, article, customer=(customer,)))
