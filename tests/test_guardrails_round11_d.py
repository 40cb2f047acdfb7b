"""Issue 13, round 11 (d): a customer's amount judged as meeting a money threshold it does not meet."""

from __future__ import annotations

import pytest

from tests.test_guardrails import check, failed

SHIPPING = "store-pricing-extras"


@pytest.mark.parametrize(("text", "customer"), [
    ("So if your basket is at $70, you already qualify for free standard shipping.", "My basket is $70, do I get free shipping?"),
    ("With $60 in your basket, your order qualifies for free standard shipping.", "I have $60 in my basket. Free shipping?"),
])
def test_a_customer_amount_below_a_money_threshold_said_to_qualify_is_refused(text: str, customer: str) -> None:
    assert "grounded" in failed(check(text, SHIPPING, customer=(customer,)))


@pytest.mark.parametrize(("text", "customer"), [
    ("So if your basket is at $80, you already qualify for free standard shipping.", "My basket is $80, do I get free shipping?"),
    ("With $90 in your basket, your order qualifies for free standard shipping.", "I have $90 in my basket. Free shipping?"),
])
def test_a_customer_amount_judged_the_right_way_round_is_their_case(text: str, customer: str) -> None:
    assert "grounded" not in failed(check(text, SHIPPING, customer=(customer,)))
