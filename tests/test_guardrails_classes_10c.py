"""Tenth round (fix-10c): the friendly and procedural lines fresh-d14 refused (a move to private
messages, seeing why the customer feels it, an apology for having no other answer, try-and-report-
back, a noted reason, why a question was asked, a purpose clause before a request, a slip said of
anyone), "one item in particular", "One thing worth knowing:", list items under a lead-in that
addresses a level, and "otherwise"; near-misses carrying a fact or a promise stay claims."""

from __future__ import annotations

import pytest

from service.guardrails.claims import is_conversational
from service.guardrails.numbers import prepare
from tests.test_guardrails import check, failed


@pytest.mark.parametrize("text", [
    "DM us and we'll sort it out.", "DM us and we'll help.", "DM us!", "Please send them by DM rather than posting them here.",
    "I can see why that's alarming, Sofia.", "I can see why that's worrying.",
    "I'm sorry I can't give you a different answer on this one.",
    "Give it a try and let me know if it causes any trouble.", "I've noted the reason.",
    "That lets me work out the exact difference.", "Happens to everyone, Noah!", "To do this, please reply with:",
    "why you'd like to return the scarf;",
])
def test_courtesies_invitations_and_questions_are_conversational(text: str) -> None:
    assert is_conversational(text)


@pytest.mark.parametrize("text", [
    "DM us and we'll send you a new code.", "DM us and we'll refund it.", "DM us and we'll send it over.",
    "Please send them by DM and we'll refund you.", "I can see why that's alarming, but you're covered for free returns.",
    "I'm sorry I can't give you a refund on this one.", "Give it a try, it's 20% off.", "I've noted the reason and refunded the $20.",
    "That lets me refund the exact difference.", "Happens to everyone, and Gold members get free returns!",
    "To do this, Gold members get free returns:", "why you'd like the free upgrade;",
])
def test_near_misses_with_a_fact_or_promise_are_claims(text: str) -> None:
    assert not is_conversational(text)


def test_a_slip_said_of_anyone_after_the_sms_sender_names_no_level() -> None:
    text = "Northwind Apparel: Happens to everyone, Noah! If your order hasn't shipped we'll remove the extra hoodie and refund it now."
    assert "grounded" not in failed(check(text, "orders-cancel-duplicate-item", channel="sms"))


def test_everyone_after_a_slip_is_still_a_level_claim() -> None:
    text = "Northwind Apparel: Happens to everyone, so everyone gets a refund now."
    assert "grounded" in failed(check(text, "orders-cancel-duplicate-item", channel="sms"))


def test_one_item_in_particular_counts_nothing() -> None:
    assert prepare("If there's one item in particular you're after, let us know.") == "If there's one item in particular you're after, let us know."
    assert prepare("You can order one item for free.") == "You can order 1 item for free."


def test_an_offer_for_one_item_in_particular_is_still_judged() -> None:
    text = "If there's one item in particular you're after, we can give you a 20% discount."
    assert "grounded" in failed(check(text, "stock-out-of-stock-general"))


def test_a_worth_knowing_lead_in_leaves_its_fact_to_be_judged() -> None:
    assert "grounded" not in failed(check("One thing worth knowing: changing your name won't change your username.", "account-change-name"))
    assert "grounded" in failed(check("One thing worth knowing: changing your name will change your username too.", "account-change-name"))
    assert "grounded" in failed(check("Good to know: changing your name is free for Gold members.", "account-change-name"))


_LIST = "As a {level} member, you can return an item if any one of these is true:\n- it was bought within the last {n};\n- you have the receipt."


def test_list_items_carry_the_level_the_lead_in_addressed() -> None:
    assert "grounded" not in failed(check(_LIST.format(level="Silver", n="6 months"), "returns-membership-windows"))


@pytest.mark.parametrize("level, n", [("Bronze", "6 months"), ("Silver", "90 days")])
def test_a_list_item_with_another_levels_figure_is_refused(level: str, n: str) -> None:
    assert "grounded" in failed(check(_LIST.format(level=level, n=n), "returns-membership-windows"))


def test_a_list_item_with_no_level_addressed_is_said_of_everyone() -> None:
    text = "You can return an item if any one of these is true:\n- it was bought within the last 6 months;\n- you have the receipt."
    assert "grounded" in failed(check(text, "returns-membership-windows"))


def test_otherwise_is_a_connective_not_a_claim_word() -> None:
    text = "Orders of $75 or more (after discounts, before tax) get free standard shipping. Otherwise standard is $8."
    assert "grounded" not in failed(check(text, "store-pricing-extras"))


def test_checking_it_yourself_anytime_is_no_time_limit() -> None:
    text = "I'll also send you the link to sign in so you can check your subscription yourself anytime."
    assert "grounded" not in failed(check(text, "subscription-status-active"))


@pytest.mark.parametrize("text", [
    "Silver members can return items anytime.", "As a Silver member you can check your order and send it back yourself anytime.",
])
def test_a_return_anytime_is_still_an_unlimited_window(text: str) -> None:
    assert "grounded" in failed(check(text, "returns-membership-windows"))
