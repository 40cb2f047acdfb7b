"""Classes of faithful replies fresh-d12 refused (issue 13, ninth round, helper 9f): openers that
address the customer by name with no fact in them, the customer's amount said back in a courtesy,
a length converted, a price times the customer's count in number words, and sentences read as a
street address; and the violating replies beside them, still refused."""

from __future__ import annotations

import pytest

from service.domain.pii import redact
from service.guardrails.claims import is_conversational
from tests.test_guardrails import check, failed

# ---- openers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Totally get that it feels like a lot, Kez",
    "Completely understand the worry, Priya.",
    "Good instinct to check, Rafa",
    "Smart to double-check it with us first, Omar!",
    "Good on you for asking, Lena.",
    "Good news on that front, Beatrix.",
    "Some good news there!",
    "At this stage:",
    "In that case:",
])
def test_an_opener_with_no_fact_is_conversational(text: str) -> None:
    assert is_conversational(text)


@pytest.mark.parametrize("text", [
    "Good instinct to check, that email was a scam.",
    "Totally get it, Kez, we'll skip the PIN this time.",
    "Totally get that it feels like a lot, so we've waived it.",
    "Good call to cancel, Rafa.",
    "Good news on that front, your refund is approved.",
    "Good instinct to check before the 30 days are up.",
    "At this stage, you can still cancel:",
])
def test_an_opener_that_carries_a_fact_or_a_promise_is_a_claim(text: str) -> None:
    assert not is_conversational(text)


def test_an_opener_naming_the_customer_passes_and_one_carrying_a_wrong_fact_is_refused() -> None:
    assert not failed(check("Good instinct to check, Rafa 👀 I'll look at your account now.", "account-unknown-service-added",
                            customer=("got an email saying some service was added to my account. scam?",)))
    ask = ("What are your shirts made of? I'm allergic to synthetics.",)
    assert not failed(check("Good news on that front, Beatrix. Our shirts are made of one hundred percent cotton.",
                            "products-shirts-faq", customer=ask))
    assert "grounded" in failed(check("Good news on that front, Beatrix, our shirts are made of linen.",
                                      "products-shirts-faq", customer=ask))


# ---- the customer's amount said back in a courtesy ---------------------------------------------

DROPPED = ("The shirt I bought on Monday is $12 cheaper today. Can I get the difference back?",)


@pytest.mark.parametrize("text", [
    "I'm sorry I can't refund the $12 difference.",
    "I'm really sorry we can't refund the $12 difference, Eitan.",
])
def test_a_denial_in_a_courtesy_carrying_the_customers_amount_passes(text: str) -> None:
    assert not failed(check(text, "pricing-price-dropped", customer=DROPPED))


@pytest.mark.parametrize("text", [
    "I'm sorry I can refund the $12 difference.",  # grants what the source denies
    "I'm sorry I can refund the difference.",
    "I'm sorry I can't refund the $15 difference.",  # not the customer's amount
])
def test_a_courtesy_that_grants_or_carries_another_amount_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "pricing-price-dropped", customer=DROPPED))


# ---- a length converted ------------------------------------------------------------------------

ARMS = ("My arms measure about 87 cm from neck to wrist. Which jacket size has the right sleeve length?",)


@pytest.mark.parametrize("text", [
    "87 cm is roughly 34.3 inches, so a Medium, with a 34.5 inch sleeve, is the closest fit.",
    "For reference, Small is 33.5 inches and Large is 35.5 inches.",
    "87 cm is roughly 34.3 inches.",
    "Your 87 cm is about 34 in, so Medium.",
])
def test_the_customers_length_converted_and_the_sources_sizes_in_full_pass(text: str) -> None:
    assert not failed(check(text, "products-jackets-faq", customer=ARMS))


@pytest.mark.parametrize("text", [
    "87 cm is roughly 36 inches, so a Medium, with a 34.5 inch sleeve, is the closest fit.",
    "87 cm is roughly 36 inches.",
    "For reference, Small is 32.5 inches.",
    "That's about 34 inches.",  # a length nobody gave, converted from nothing
])
def test_a_wrong_conversion_or_size_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "products-jackets-faq", customer=ARMS))


def test_a_conversion_on_another_article_passes_and_a_wrong_one_is_refused() -> None:
    ask = ("My arm is 86 centimetres long, which shirt size should I get?",)
    assert not failed(check("86 centimetres is about 33.9 inches, so a Medium, with a 34 inch sleeve, is the closest fit.", "products-shirts-faq", customer=ask))
    assert "grounded" in failed(check("86 centimetres is about 31 inches, so a Small is the closest.", "products-shirts-faq", customer=ask))


# ---- a price times the customer's count in number words ---------------------------------------


@pytest.mark.parametrize("text, ask", [
    ("Gift wrapping is five dollars per item, Tilde, so fifteen dollars for three, and the gift message card is free.",
     "How much is gift wrapping for three presents?"),
    ("Name stitching is ten dollars per item, so thirty dollars for your three shirts.", "Can you stitch names on three shirts?"),
    ("Name stitching is $10 per item, so $40 for four.", "What would name stitching cost for four jackets?"),
])
def test_a_price_times_the_customers_spelled_count_passes(text: str, ask: str) -> None:
    assert not failed(check(text, "store-pricing-extras", customer=(ask,)))


@pytest.mark.parametrize("text, ask", [
    ("Gift wrapping is five dollars per item, so twenty dollars for three.", "How much is gift wrapping for three presents?"),
    ("Name stitching is ten dollars per item, so forty dollars for three.", "Can you stitch names on three shirts?"),
    ("Gift wrapping is five dollars per item, so fifteen dollars for three.", "How much is gift wrapping?"),
])
def test_a_wrong_multiple_or_a_count_nobody_gave_is_refused(text: str, ask: str) -> None:
    assert "grounded" in failed(check(text, "store-pricing-extras", customer=(ask,)))


# ---- sentences read as a street address --------------------------------------------------------


@pytest.mark.parametrize("text", [
    "As a Gold member, that extra $12 will be removed either way, and I'll update your order.",
    "3 orders are on the way to you.",
    "The $8 fee comes off either way.",
    "2 of them will arrive on the way back.",
])
def test_a_sentence_with_a_number_and_a_street_word_is_no_address(text: str) -> None:
    assert "[ADDRESS" not in redact(text).text


@pytest.mark.parametrize("text", [
    "I live at 742 Evergreen Terrace, Springfield.",
    "Send it to 12 Oak Way please",
    "It's 10 The Close, Bristol.",
    "We moved to 18 Old Mill Road last week.",
    "ship to 4 Privet Drive",
])
def test_a_street_address_is_still_masked(text: str) -> None:
    assert "[ADDRESS_1]" in redact(text).text
