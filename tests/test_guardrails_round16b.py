"""Round 16b: reply checks for three classes, with near-miss twins both ways (dev cases 4861-4880).

* a waiver said as a price the level does not pay ("Gold members don't pay the twenty dollars", "you won't be
  charged the $20", "no $20 fee for you") is used for the level the source waives it for and refused for a level
  the source gives the price to (negated_prices.py, claims.py);
* the customer's name addressing them inside good news said back ("Great news that your return was approved,
  Kemal!", "Great news, Kemal, that ...") is left out as in a greeting; good news they told us the other way
  stays refused with their name in it (asides.py);
* a level compared with the figure just stated ("Silver gets longer than that", "Bronze has less time than
  that", "twice that") is read against the figure the sources give that level (comparisons.py).
"""
from __future__ import annotations

import pytest

from service.guardrails.asides import without_names
from service.guardrails.comparisons import compared_wrongly
from tests.test_guardrails import check, failed

GOLD = "I'm a Gold member and my order hasn't shipped yet. Can I get it overnight?"
SILVER = "I'm a Silver member and my order hasn't shipped yet. Can I get it overnight?"
APPROVED = "My return was approved, not sure what's next. What are my options for getting my money back?"
NOT_APPROVED = "My return wasn't approved. What are my options for getting my money back?"
WINDOWS = "How do the return windows compare between levels?"


def grounded_fails(text: str, article: str, customer: str, facts=None) -> bool:
    return "grounded" in failed(check(text, article, customer=(customer,), facts=facts))


# ---- 1. a waiver said as a price not paid ---------------------------------------------------------

@pytest.mark.parametrize("reply", [
    "Since your order hasn't shipped yet, I can upgrade it to overnight so it arrives tomorrow. Gold members don't pay the twenty dollars.",
    "I can upgrade it to arrive tomorrow, and as a Gold member you won't be charged the $20 upgrade fee.",
    "I can upgrade it to arrive tomorrow, and there's no $20 fee for you as a Gold member.",
    "I can upgrade it to arrive tomorrow, and you won't be charged the twenty dollars.",
    "I can upgrade it to arrive tomorrow. Gold members never have to pay the $20.",
    "I can upgrade it to arrive tomorrow, and Gold members aren't charged the $20.",
    "I can upgrade it to arrive tomorrow; the $20 fee doesn't apply to Gold members.",
])
def test_a_price_not_paid_by_the_level_it_is_waived_for_is_used(reply: str) -> None:
    assert not grounded_fails(reply, "orders-upgrade-overnight", GOLD)


@pytest.mark.parametrize("reply", [
    "Since your order hasn't shipped yet, I can upgrade it to overnight so it arrives tomorrow. Silver members don't pay the twenty dollars.",
    "I can upgrade it to arrive tomorrow, and as a Bronze member you won't be charged the $20 upgrade fee.",
    "I can upgrade it to arrive tomorrow, and there's no $20 fee for you as a guest.",
    "I can upgrade it to arrive tomorrow, and you won't be charged the twenty dollars.",
    "I can upgrade it to arrive tomorrow. Guests never have to pay the $20.",
    "I can upgrade it to arrive tomorrow, and Silver members aren't charged the $20.",
    "I can upgrade it to arrive tomorrow; the $20 fee doesn't apply to Silver members.",
])
def test_a_price_not_paid_by_a_level_that_pays_it_is_refused(reply: str) -> None:
    assert grounded_fails(reply, "orders-upgrade-overnight", SILVER)


def test_the_price_said_as_the_other_levels_stays_used() -> None:
    reply = "The upgrade is free for Gold members and $20 for other members and guests, charged to the credit card on your account."
    assert not grounded_fails(reply, "orders-upgrade-overnight", SILVER)


# ---- 2. the customer's name inside good news said back ------------------------------------------

@pytest.mark.parametrize("reply", [
    "Great news that your return was approved, Kemal! You can choose a gift card, value added to your account, a paper check or a refund to the card on file.",
    "Great news, Kemal, that your return was approved! You can choose a gift card, value added to your account, a paper check or a refund to the card on file.",
    "Kemal, great news that your return was approved! You can choose a gift card, value added to your account, a paper check or a refund to the card on file.",
])
def test_good_news_said_back_with_their_name_is_used(reply: str) -> None:
    assert not grounded_fails(reply, "refunds-refund-methods", APPROVED, facts={"first_name": "Kemal"})


@pytest.mark.parametrize("reply", [
    "Great news that your return was approved, Kemal! You can choose a gift card, value added to your account, a paper check or a refund to the card on file.",
    "Great news, Kemal, that your return was approved! You can choose a gift card, value added to your account, a paper check or a refund to the card on file.",
    "Great news that your refund was approved, Kemal! You can choose a gift card, value added to your account, a paper check or a refund to the card on file.",
])
def test_good_news_they_did_not_tell_us_is_refused_with_their_name(reply: str) -> None:
    customer = NOT_APPROVED if "return" in reply.split("!")[0] else APPROVED
    assert grounded_fails(reply, "refunds-refund-methods", customer, facts={"first_name": "Kemal"})


def test_without_names_keeps_a_name_said_as_part_of_a_claim() -> None:
    assert without_names("Great news, Kemal, that it's here!", ["Kemal"]) == "Great news that it's here!"
    assert without_names("Kemal's order has shipped.", ["Kemal"]) == "Kemal's order has shipped."


# ---- 3. a level compared with the figure just stated -------------------------------------------

@pytest.mark.parametrize("reply", [
    "Bronze members can return items bought within the last 90 days. Silver gets longer than that: 6 months.",
    "Silver members can return items bought within the last 6 months. Bronze has less time than that: 90 days.",
    "Bronze members can return items bought within the last 90 days, and Silver members get twice that.",
    "Silver members can return items bought within the last 6 months. Gold members get longer than that: there's no time limit at all.",
    "Bronze members can return items bought within the last 90 days. Guests have less time than that.",
    "Bronze members can return items bought within the last 90 days. Silver members get a longer window than that: 6 months.",
])
def test_a_comparison_the_levels_figure_bears_out_is_used(reply: str) -> None:
    assert not grounded_fails(reply, "returns-membership-windows", WINDOWS)


@pytest.mark.parametrize("reply", [
    "Silver members can return items bought within the last 6 months. Bronze gets longer than that.",
    "Bronze members can return items bought within the last 90 days. Guests have more time than that.",
    "Silver members can return items bought within the last 6 months, and Bronze members get twice that.",
    "Silver members can return items bought within the last 6 months. Gold members have less time than that.",
    "Bronze members can return items bought within the last 90 days. Guests get a longer window than that.",
])
def test_a_comparison_the_wrong_way_is_refused(reply: str) -> None:
    assert grounded_fails(reply, "returns-membership-windows", WINDOWS)


def test_a_comparison_naming_no_level_is_left_to_other_checks() -> None:
    assert compared_wrongly(["Bronze members have 90 days to return items.", "If it's been longer than that, a receipt also works."], []) == []
