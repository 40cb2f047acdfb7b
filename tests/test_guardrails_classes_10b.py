"""Tenth round (fix-10b): invitations to private messages and the generic verbs of a next step,
the agent's own look-up and other courtesies, a purpose before a request for details, a total of
two prices per item, another condition said to qualify a return, a price for a level a source
waives it for, and a swallowed part as a safety escalation; near-misses both ways."""

from __future__ import annotations

import pytest

from service.guardrails.claims import is_conversational
from tests.test_guardrails import POLICY, check, failed


def grounded(text: str, *articles: str, channel: str = "chat", customer: tuple[str, ...] = ("hello",)) -> bool:
    return "grounded" not in failed(check(text, *articles, channel=channel, customer=customer))


# ---- an invitation to private messages, the generic verb of a next step --------------------------


@pytest.mark.parametrize("text, article", [
    ("DM us!", "promotions-promo-code-not-working"),
    ("DM us and we'll check.", "account-unknown-service-added"),
    ("Pop us a DM with your order ID.", "orders-change-payment-method"),
    ("DM us and we can order it for you.", "site-cart-not-updating"),
    ("DM us your order ID and we'll set it up!", "returns-membership-windows"),
    ("Then I'll set up the return.", "returns-membership-windows"),
    ("We'll send it over.", "promotions-promo-code-expired"),
])
def test_a_move_to_private_messages_or_a_next_step_carries_no_fact(text: str, article: str) -> None:
    assert grounded(text, article, channel="social")


@pytest.mark.parametrize("text, article", [
    ("DM us and we'll waive the fee for you.", "site-cart-not-updating"),
    ("DM us and we'll send you a $25 voucher.", "promotions-promo-code-expired"),
    ("DM us and guests get a new code too!", "promotions-promo-code-expired"),
    ("We'll send it over free of charge.", "promotions-promo-code-expired"),
    ("We'll set it up for free.", "orders-add-item"),
])
def test_a_promise_or_a_fact_beside_the_move_is_still_checked(text: str, article: str) -> None:
    assert not grounded(text, article, channel="social")


# ---- courtesies ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "We'll take a look at your account.", "I'll review your account now.", "Let me pull up your account.",
    "I'll be back in touch with the answer shortly.", "Happy to give you an overview.",
    "Please let me know if you have any other questions.", "That's not the experience we want for you.",
    "To make the change, please reply with:",
])
def test_a_look_up_a_promise_to_come_back_and_regret_are_conversational(text: str) -> None:
    assert is_conversational(text)


@pytest.mark.parametrize("text", [
    "I'll review your account now and refund you.", "We'll take a look at your husband's account.",
    "I'll get back to you within 24 hours.", "I'll get back to you with your refund.", "I'll be back in touch tomorrow.",
    "Happy to give you an overview: refunds are instant.", "Please let me know if you'd like the fee waived.",
    "That's not the experience we want, so we'll refund you.", "That's not covered by our returns policy.",
    "To get your refund, please reply with:", "To waive the fee, please send:",
])
def test_near_misses_with_a_fact_or_a_promise_are_claims(text: str) -> None:
    assert not is_conversational(text)


def test_a_look_up_beside_a_credit_the_source_does_not_give_is_refused() -> None:
    assert not grounded("I'll review your account now and add a $100 credit for the trouble.", "account-unknown-service-added")


# ---- a total of two prices per item ---------------------------------------------------------------------


@pytest.mark.parametrize("total, ok", [("$15", True), ("$13", False), ("$20", False), ("$25", False)])
def test_two_prices_per_item_add_up_to_their_sum(total: str, ok: bool) -> None:
    text = f"Gift wrapping is $5 per item and name stitching is $10 per item, so for one shirt with both that's {total} in extras."
    assert grounded(text, "store-pricing-extras") is ok, total


# ---- another condition said to qualify a return --------------------------------------------------------


def test_a_receipt_said_to_qualify_a_guest_return_on_its_own_passes() -> None:
    assert grounded("For guests the window is 30 days, but having the receipt qualifies the return on its own.", "returns-membership-windows")


@pytest.mark.parametrize("text", [
    "For guests the window is 30 days, but having the original packaging qualifies the return on its own.",
    "As a guest, the original packaging qualifies the return.",
])
def test_original_packaging_said_to_qualify_a_guest_return_is_refused(text: str) -> None:
    assert not grounded(text, "returns-membership-windows")


# ---- a price for a level a source waives it for ------------------------------------------------------


@pytest.mark.parametrize("text, articles", [
    ("For Gold members the overnight upgrade is $20, charged to the card on your account.", ("orders-upgrade-overnight", "store-pricing-extras")),
    ("For Gold members the overnight upgrade fee is $20.", ("store-membership-levels",)),
    ("For Gold members overnight shipping is $20.", ("store-pricing-extras",)),
    ("As a Gold member, your overnight upgrade is $20.", ("orders-upgrade-overnight", "store-pricing-extras")),
])
def test_a_price_for_a_level_the_source_waives_it_for_is_refused(text: str, articles: tuple[str, ...]) -> None:
    assert not grounded(text, *articles)


@pytest.mark.parametrize("text, articles", [
    ("As a Silver member, the overnight upgrade is $20.", ("orders-upgrade-overnight", "store-pricing-extras")),
    ("Gold members pay $8 for standard shipping on orders under $75.", ("store-pricing-extras", "store-membership-levels")),
    ("Overnight shipping is $20 per order, and Gold members have the overnight fee waived.", ("store-pricing-extras",)),
    ("The upgrade is free for Gold members and $20 for other members and guests.", ("orders-upgrade-overnight", "store-pricing-extras")),
])
def test_a_price_the_source_gives_that_level_passes(text: str, articles: tuple[str, ...]) -> None:
    assert grounded(text, *articles)


# ---- a swallowed part or trouble breathing escalates ------------------------------------------------------


@pytest.mark.parametrize("text", [
    "the toggle on your kids jacket came off and my son swallowed it, he's struggling to breathe!!",
    "my daughter swallowed a button from the coat", "he's not breathing properly",
])
def test_a_swallowed_part_or_trouble_breathing_is_a_safety_escalation(text: str) -> None:
    found = POLICY.escalation_for([text])
    assert found is not None and found.id == "safety"


@pytest.mark.parametrize("text", [
    "I can't breathe in these jeans lol, need a bigger size", "I swallowed my pride and ordered the medium",
    "the zipper pull came off, can you send a new one?",
])
def test_a_tight_fit_or_a_figure_of_speech_does_not_escalate(text: str) -> None:
    assert POLICY.escalation_for([text]) is None


# ---- the level everyone joins at ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Everyone joins at Bronze when they create an account.", "Everyone who creates an account joins at Bronze."])
def test_the_level_everyone_joins_at_is_said_of_that_level(text: str) -> None:
    assert grounded(text, "store-membership-levels", channel="web")


@pytest.mark.parametrize("text", [
    "Everyone joins at Gold when they create an account.", "Everyone starts at Silver when they create an account.",
    "Everyone joins at Bronze and gets unlimited returns.", "Everyone starts at Bronze, and everyone can return within 6 months.",
])
def test_a_wrong_entry_level_or_a_benefit_beside_it_is_refused(text: str) -> None:
    assert not grounded(text, "store-membership-levels", channel="web")
