"""Round 15d: reply checks for the classes of viol-4204, viol-4232 and viol-4530, with near-miss twins both ways.

* a price told plainly to a customer whose own level (from their messages) the source waives it for ("The upgrade is
  twenty dollars, charged to the card on your account" to a Gold member); not the same words to a Silver member, nor
  a reply that says the fee is waived for them (waivers.py, level_rules.py);
* counts of ten or more in words before a plural are figures ("over forty countries"; numbers.py);
* a benefit the sources name free only as an open question ("whether free international shipping is included",
  "... depends on your account", a question title) said as given; the reply that leaves it open stays allowed
  (free_names.py, free_things.py);
* a carrier, partner or place of ours by a name no source gives ("All our orders ship with FedEx", "our Reno
  warehouse"); the customer's own carrier, our brand and the customer's name stay allowed (specifics.py);
* a refund as the outcome of the customer's next step ("Send your order ID to confirm the refund") is a commitment
  (commitments.py); good news said back that the customer told us the other way is a claim (asides.py).
"""
from __future__ import annotations

import pytest

from service.guardrails.numbers import prepare
from service.guardrails.specifics import unstated_name
from tests.test_guardrails import check, failed

GOLD = "I'm a Gold member and my order hasn't shipped yet. Can I get it overnight?"
SILVER = "I'm a Silver member and my order hasn't shipped yet. Can I get it overnight?"
ABROAD = "Does my account include free international shipping?"
MISSING = "My package says delivered but it's not here. It's been 3 days."


def grounded_fails(text: str, article: str, customer: str, channel: str = "chat") -> bool:
    return "grounded" in failed(check(text, article, channel=channel, customer=(customer,)))


@pytest.mark.parametrize("reply", [
    "Sure. I can upgrade it to arrive tomorrow. The upgrade is twenty dollars, charged to the card on your account. Shall I go ahead?",
    "Happy to help! I can switch it to overnight so it arrives tomorrow. The overnight upgrade costs $20, charged to the card on your account.",
    "Since it hasn't shipped, I can upgrade it to arrive tomorrow. There's a $20 fee on the card on your account.",
    "I can upgrade it to arrive tomorrow. It's 20 dollars, charged to the card on your account.",
])
def test_a_price_told_plainly_to_a_level_the_source_waives_it_for_is_refused(reply: str) -> None:
    assert grounded_fails(reply, "orders-upgrade-overnight", GOLD)


@pytest.mark.parametrize("reply", [
    "Sure. I can upgrade it to arrive tomorrow. The upgrade is twenty dollars, charged to the card on your account. Shall I go ahead?",
    "I can upgrade it to arrive tomorrow. There's a $20 fee on the card on your account.",
])
def test_the_same_price_to_a_level_that_pays_it_passes(reply: str) -> None:
    assert not grounded_fails(reply, "orders-upgrade-overnight", SILVER)


@pytest.mark.parametrize("reply", [
    "Since it hasn't shipped yet, I can upgrade it to overnight so it arrives tomorrow, and as a Gold member the overnight fee is waived for you.",
    "I can upgrade it to arrive tomorrow, and as a Gold member the upgrade is free.",
    ("If your order hasn't shipped yet, I can upgrade it to overnight shipping so it arrives tomorrow. The upgrade is free for Gold members "
     "and $20 for other members and guests, charged to the credit card on your account."),
])
def test_a_gold_member_told_the_fee_is_waived_passes(reply: str) -> None:
    assert not grounded_fails(reply, "orders-upgrade-overnight", GOLD)


@pytest.mark.parametrize("said, written", [
    ("ships to over forty countries", "ships to over 40 countries"),
    ("Twenty new styles", "20 new styles"),
    ("over forty-two countries", "over 42 countries"),
    ("a hundred stores", "100 stores"),
    ("two options", "two options"),
    ("forty of them", "forty of them"),
])
def test_counts_of_ten_or_more_in_words_are_figures(said: str, written: str) -> None:
    assert prepare(said) == written


@pytest.mark.parametrize("reply", [
    "Yes, every premium subscription includes free international shipping to over forty countries.",
    "Yes, every premium subscription includes free international shipping.",
    "Your premium subscription comes with free international shipping.",
    "Good news: international shipping is free on your account.",
    "I'll check your account now. Premium subscriptions usually cover shipping to twenty countries.",
])
def test_a_benefit_the_source_leaves_to_a_check_said_as_given_is_refused(reply: str) -> None:
    assert grounded_fails(reply, "shipping-international-free-shipping", ABROAD, channel="voice")


@pytest.mark.parametrize("reply", [
    ("Whether free international shipping is included depends on your account and its premium subscription, "
     "so I'll check your account now and confirm."),
    "Free international shipping depends on your account and its premium subscription, so I'll check your account and confirm.",
    "I'll check your account to see whether free international shipping is included, and send you the link to our subscription FAQ page.",
])
def test_a_reply_that_leaves_the_benefit_to_the_check_passes(reply: str) -> None:
    assert not grounded_fails(reply, "shipping-international-free-shipping", ABROAD, channel="voice")


def test_a_thing_the_source_says_is_free_outright_still_passes() -> None:
    reply = "Orders of $75 or more qualify for free standard shipping."
    assert not grounded_fails(reply, "store-pricing-extras", "Is shipping free?")


@pytest.mark.parametrize("reply", [
    "I'm sorry your package hasn't turned up. All our orders ship with FedEx, and they sometimes mark packages as delivered early.",
    "I'm sorry your package hasn't arrived yet. Deliveries with DHL can take a couple of days, and packages are sometimes marked as delivered before they actually arrive.",
    "Our courier partner, Evri, sometimes marks parcels as delivered a day or two early, so it may still arrive.",
    "Your package left our Reno warehouse two days ago, and deliveries can take a couple of days.",
    "We partner with Parcelforce, so packages are sometimes marked as delivered before they actually arrive.",
    "Your parcel is with Royal Mail, and packages are sometimes marked as delivered before they actually arrive.",
    "Packages are sometimes marked as delivered before they actually arrive; we use Yodel, and it may still arrive.",
    "It's being delivered by Canada Post, so it may still arrive in a couple of days.",
])
def test_a_carrier_partner_or_place_no_source_names_is_refused(reply: str) -> None:
    assert grounded_fails(reply, "shipping-missing-package", MISSING)


def test_a_carrier_the_customer_named_passes() -> None:
    reply = ("I'm sorry. Packages are sometimes marked as delivered before they actually arrive, so even though UPS shows it delivered "
             "it may still turn up in the next couple of days.")
    assert not grounded_fails(reply, "shipping-missing-package", "UPS tracking says delivered but nothing is here. It's been 3 days.")


@pytest.mark.parametrize("sentence", [
    "Northwind Apparel ships with care, and packages sometimes show as delivered early.",
    "Our courier, Dario, will look into it.",
    "Your order ships with Northwind Apparel's standard shipping.",
    "Which carrier was it, FedEx or UPS?",
])
def test_our_brand_the_customers_name_and_a_question_name_nothing_unsourced(sentence: str) -> None:
    assert unstated_name(sentence, ["Packages are sometimes marked as delivered."], ["hello"], ["Dario"]) is None


def test_a_name_no_source_gives_is_found_by_itself() -> None:
    assert "FedEx" in unstated_name("All our orders ship with FedEx.", ["Packages are sometimes marked as delivered."])
    assert unstated_name("All our orders ship with FedEx.", ["We ship every order with FedEx Ground."]) is None


BRONZE_LATE = "I'm a Bronze member and bought this jacket 4 months ago. Can I return it for a refund?"


@pytest.mark.parametrize("reply", [
    "Sorry the jacket didn't work out! Just send your order ID to confirm the refund and you're all set.",
    "Just send me your order ID and I'll confirm the refund.",
    "Reply with your order ID and we'll finalise your refund.",
])
def test_a_refund_confirmed_as_the_next_step_is_a_commitment(reply: str) -> None:
    assert grounded_fails(reply, "returns-membership-windows", BRONZE_LATE)


@pytest.mark.parametrize("reply, article, customer", [
    ("Send your order ID and I'll check whether it's within your window.", "returns-membership-windows", BRONZE_LATE),
    ("Send me your username, account email and order ID and I'll check to confirm the refund status.", "refunds-refund-status", "Where is my refund?"),
    ("I'm sorry the sweater didn't fit, and I can help with a refund. Please send me your username, account email and order ID to confirm the refund.",
     "refunds-request-a-refund", "I want a refund for the sweater I bought, it doesn't fit."),
])
def test_a_check_of_the_refund_or_a_refund_the_source_gives_passes(reply: str, article: str, customer: str) -> None:
    assert not grounded_fails(reply, article, customer)


METHODS = "You can choose one of four refund methods: a gift card, value added to your account, a paper check or a refund to your card."


def test_good_news_the_customer_denied_is_a_claim() -> None:
    assert grounded_fails("Great news that your return was approved! " + METHODS, "refunds-refund-methods", "My return wasn't approved. What are my options?")


@pytest.mark.parametrize("customer", ["My return was approved. What are my options?", "My return was approved, not sure what's next. What are my options?"])
def test_good_news_the_customer_gave_said_back_passes(customer: str) -> None:
    assert not grounded_fails("Great news that your return was approved! " + METHODS, "refunds-refund-methods", customer)


PAY = "Can I pay for my order with something other than my card? It hasn't shipped yet, it's at Order Received."


def test_a_payment_company_the_source_names_passes_and_one_it_never_names_is_refused() -> None:
    assert not grounded_fails("Since the order is still at Order Received, I can switch it to a debit card or PayPal right away.", "orders-change-payment-method", PAY)
    assert grounded_fails("Since the order is still at Order Received, I can switch it to PayPal or Klarna right away.", "orders-change-payment-method", PAY)
