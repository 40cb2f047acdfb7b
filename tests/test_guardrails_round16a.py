"""Issue 13, round 16a: a denial on the customer's case is checked like a grant.

* A denial said of a level (named, or the customer's own) where the cited source denies the thing only
  to other levels, or only in another case, and grants that level something on it outright, is refused
  ("there's nothing we can do to remove the charge for Gold members": Gold get a credit anyway; "since it
  was placed as a guest, there's nothing we can do to move the delivery": any level may delay an order not
  yet shipped). The same denial to a level, or in a case, the source denies stays used.
* A return denied to a customer whose own duration is within their level's window is refused (any one
  condition is enough); the same denial past the window stays used.
"""

from __future__ import annotations

import pytest

from service.guardrails.level_windows import level_limits
from service.guardrails.window_denials import window_denial
from tests.test_guardrails import check, failed

BILL = "billing-charged-never-bought"
SLOW = "orders-slower-delivery"
RETURNS = "returns-membership-windows"
PROMO = "promotions-promo-code-expired"


def charge(level: str) -> tuple[str, ...]:
    return (f"I'm a {level} member. There's a charge for an order I never placed and your system says it's valid.",)


# ---- 1. a denial to a level the source's own part grants ---------------------------------------------


@pytest.mark.parametrize("text", [
    "Since the purchase shows as valid, there's nothing we can do to remove the charge for Gold members.",
    "As the system shows the purchase as valid, we're unable to take the charge off for Gold accounts.",
])
def test_a_denial_to_gold_where_gold_gets_the_credit_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, BILL, customer=charge("Gold")))


@pytest.mark.parametrize("text", [
    "Since the purchase shows as valid, there's nothing we can do to remove the charge for Silver members.",
    "As the system shows the purchase as valid, we're unable to remove the charge for Bronze members.",
])
def test_the_same_denial_to_a_level_the_source_denies_is_used(text: str) -> None:
    level = "Silver" if "Silver" in text else "Bronze"
    assert "grounded" not in failed(check(text, BILL, customer=charge(level)))


def test_a_denial_to_the_customers_own_gold_level_is_refused() -> None:
    text = "I've checked, and as the purchase shows as valid, I'm afraid we can't take the charge off your account."
    assert "grounded" in failed(check(text, BILL, customer=charge("Gold")))
    assert "grounded" not in failed(check(text, BILL, customer=charge("Bronze")))


def test_a_delivery_denial_to_a_guest_whose_order_has_not_shipped_is_refused() -> None:
    customer = ("I checked out as a guest and my order is still at Order Received. Could it come next week?",)
    for text in ("Since it was placed as a guest, there's nothing we can do to move the delivery.",
                 "As a guest order, I'm afraid we can't push the delivery back to next week."):
        assert "grounded" in failed(check(text, SLOW, customer=customer)), text


def test_a_delivery_denial_naming_the_shipped_case_is_used() -> None:
    customer = ("I checked out as a guest and my order already shipped. Could it come next week?",)
    text = "Since it has already shipped and was placed as a guest, there's nothing we can do to move the delivery."
    assert "grounded" not in failed(check(text, SLOW, customer=customer))


def test_a_code_denial_to_a_guest_is_used_and_to_silver_refused() -> None:
    assert "grounded" not in failed(check("Since the code has expired and you checked out as a guest, we can't replace it.", PROMO,
                                          customer=("My promo code was rejected; it was issued 10 days ago. I checked out as a guest.",)))
    assert "grounded" in failed(check("Since the code has expired, there's nothing we can do to replace it for Silver members.", PROMO,
                                      customer=("My promo code was rejected; it was issued 10 days ago. I'm a Silver member.",)))


# ---- 2. a return denied inside the customer's window ---------------------------------------------------


class _P:
    parts = ()

    def __init__(self, text: str) -> None:
        self.text = text


WINDOWS = [_P("**Bronze members:** the item can be returned if it was bought within the last **90 days**, **or** the customer has the receipt."),
           _P("**Guests** (no membership): the item can be returned if it was bought within the last **30 days**, **or** the customer has the receipt.")]


@pytest.mark.parametrize("sentence,durations,level", [
    ("As it was bought 20 days ago with no receipt, it doesn't qualify for a return.", [("20", "day")], "guest"),
    ("Without the receipt, I'm afraid the jacket isn't eligible for a return.", [("2", "month")], "bronze"),
    ("Sorry, with no box and no receipt it can't be returned.", [("3", "week")], "guest"),
])
def test_a_return_denied_inside_the_level_window_is_found(sentence: str, durations, level: str) -> None:
    assert window_denial(sentence, durations, WINDOWS, level, level_limits)


@pytest.mark.parametrize("sentence,durations,level", [
    ("As it was bought 45 days ago with no receipt, it doesn't qualify for a return.", [("45", "day")], "guest"),
    ("At 4 months, without the receipt, the jacket isn't eligible for a return.", [("4", "month")], "bronze"),
    ("Original packaging alone doesn't qualify a guest return.", [("20", "day")], "guest"),
    ("If it was bought more than 30 days ago, it can't be returned.", [("20", "day")], "guest"),
])
def test_a_return_denied_past_the_window_or_a_rule_is_not(sentence: str, durations, level: str) -> None:
    assert window_denial(sentence, durations, WINDOWS, level, level_limits) is None


def test_the_window_denial_through_the_checker_both_ways() -> None:
    bronze = "I'm a Bronze member. I bought a jacket {} ago, no receipt and no box. Can I return it?"
    text = "Since you no longer have the receipt or the original packaging, I'm afraid the jacket isn't eligible for a return."
    assert "grounded" in failed(check(text, RETURNS, customer=(bronze.format("2 months"),)))
    assert "grounded" not in failed(check(text, RETURNS, customer=(bronze.format("4 months"),)))
