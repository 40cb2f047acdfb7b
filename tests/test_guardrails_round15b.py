"""Issue 13, round 15b: levels said back, labelled level items, "X only" waivers and denials the sources make too.

* The customer's own level said back in other words ("I've noted that your account is Gold", "was placed
  as a guest", "since you checked out as a guest") is their situation, not a rule of the level; the same
  words naming another level than the one they gave are refused.
* A list item labelled with a level ("Bronze: you join at Bronze ...") after an item whose body names a
  level ("Guest: shopping without a membership") is read under its own label, not run into the one before.
* "Waived for Gold members only; for Silver it's $20": the price the sources give the other levels is the
  same as the denial of the waiver, not a grant of it; keeping a benefit to one level that others also get
  is refused.
* A denial for a level the sources deny too ("there's nothing we can adjust" to a guest whose shipped order
  the source says nothing can be done for; "we can't replace it for guest orders"; "for Bronze members we
  can't send it with free shipping") is supported; the same denial to a level the sources grant, and the
  grant to the denied level, are refused.
"""

from __future__ import annotations

import pytest

from service.guardrails.levels import level_groups
from service.guardrails.moves import misstated_level, restated_level
from service.guardrails.numbers import prepare
from tests.test_guardrails import check, failed

BILL = "billing-charged-never-bought"
SLOW = "orders-slower-delivery"
DUPLICATE = "orders-cancel-duplicate-item"
LEVELS = "store-membership-levels"
ADD = "orders-add-item"
PROMO = "promotions-promo-code-not-working"


# ---- 1. the customer's level said back ---------------------------------------------------------------


@pytest.mark.parametrize("clause,level", [
    ("I've noted that your account is Gold.", "gold"),
    ("I can see you're on Silver", "silver"),
    ("the order was placed as a guest", "guest"),
    ("was placed as a guest", "guest"),
    ("since you placed it as a guest", "guest"),
    ("because you checked out as a guest", "guest"),
])
def test_the_customers_level_said_back_in_other_words_is_no_claim(clause: str, level: str) -> None:
    assert restated_level(clause, level) == ""
    assert misstated_level(clause, level) is None


@pytest.mark.parametrize("clause", [
    "since you're a Bronze member, you're eligible for free shipping",
    "as a Gold member you'll receive a credit for the charge",
    "the order was placed as a guest, so we'll refund it",
])
def test_a_level_with_a_rule_stays_a_claim(clause: str) -> None:
    assert restated_level(clause, "gold") == clause


GOLD_CHARGE = ("I'm a Gold member and there's a charge for an order I never placed; your system says it's valid.",)
SILVER_CHARGE = ("I'm a Silver member and there's a charge for an order I never placed; your system says it's valid.",)
CREDIT = "I've noted that your account is Gold. Even if the purchase shows as valid, as a Gold member you'll receive a credit for the charge."


def test_their_gold_level_noted_then_its_credit_is_used() -> None:
    report = check(CREDIT, BILL, customer=GOLD_CHARGE)
    assert report.passed, report.findings()


def test_gold_noted_for_a_silver_customer_is_refused() -> None:
    assert "grounded" in failed(check(CREDIT, BILL, customer=SILVER_CHARGE))
    assert misstated_level("I can see your account is Gold.", "silver")


@pytest.mark.parametrize("text", [
    "Since order NW-51480 is already in transit and was placed as a guest, the extra scarf can't be removed now. "
    "Once the package arrives, just contact us and we'll start the return for the extra scarf.",
    "Because you checked out as a guest and the parcel is already out for delivery, the extra pair can't be taken off now.",
])
def test_a_guest_order_said_back_with_the_guest_rule_is_used(text: str) -> None:
    report = check(text, DUPLICATE, customer=("I checked out as a guest and bought two of the same scarf. It's in transit.",),
                   facts={"first_name": "Grace", "order_id": "NW-51480"})
    assert report.passed, report.findings()


def test_a_refund_now_for_a_guest_order_said_back_is_refused() -> None:
    text = "Since you checked out as a guest, we'll refund the extra scarf right away."
    assert "grounded" in failed(check(text, DUPLICATE, customer=("I checked out as a guest and bought two of the same scarf. It's in transit.",)))


# ---- 2. labelled level items ----------------------------------------------------------------------


def test_a_level_label_after_an_item_naming_a_level_is_its_own_group() -> None:
    t = prepare("Levels: Guest: shopping without a membership, Bronze: you join at Bronze when you create an account.")
    assert [sorted(g[2]) for g in level_groups(t)][-2:] == [["bronze"], ["bronze"]]
    assert [sorted(g[2]) for g in level_groups(prepare("Gold, Silver and Bronze members: we refund it."))] == [["bronze", "gold", "silver"]]
    assert [sorted(g[2]) for g in level_groups(prepare("Returns: for Gold, Silver and Bronze members: yes."))] == [["bronze", "gold", "silver"]]


LIST = ("We have four levels: Guest: shopping without a membership, Bronze: you join at Bronze when you create an account, "
        "Silver and Gold: based on how much you shop with us over a membership year.")


def test_labelled_level_items_run_into_one_sentence_are_used() -> None:
    report = check(LIST, LEVELS, channel="web", customer=("what are the membership levels?",))
    assert report.passed, report.findings()


def test_a_labelled_item_granting_its_level_another_levels_benefit_is_refused() -> None:
    text = LIST.replace("when you create an account", "with unlimited returns")
    assert "grounded" in failed(check(text, LEVELS, channel="web", customer=("what are the membership levels?",)))


# ---- 3. "X only" contrasts -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The overnight fee is waived for Gold members only; for Silver members overnight shipping or an upgrade costs $20.",
    "Free overnight upgrades are for Gold members only; as a Silver member the overnight upgrade costs $20.",
])
def test_a_waiver_kept_to_gold_with_the_others_price_is_used(text: str) -> None:
    report = check(text, LEVELS, customer=("Does my Silver membership include free overnight shipping?",))
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "Free overnight upgrades are for Silver members only; as a Gold member the overnight upgrade costs $20.",
    "Removal of unexplained extra fees is for Gold members only.",
    "The overnight fee is waived for Gold members only; for Silver members it costs $10.",
])
def test_a_benefit_kept_to_the_wrong_level_or_priced_wrong_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, LEVELS, customer=("Does my Silver membership include free overnight shipping?",)))


# ---- 4. denials the sources make too ----------------------------------------------------------------

GUEST_SHIPPED = ("I'm a guest shopper. My order already shipped but I'd have waited till next week to save on shipping.",)


@pytest.mark.parametrize("text", [
    "Because your order has already shipped and the order was placed as a guest, there's nothing we can adjust on the shipping this time.",
    "As your order has already shipped and it's a guest order, I'm afraid there's nothing we're able to adjust on the shipping fee now.",
])
def test_a_blanket_denial_the_source_makes_for_guests_is_used(text: str) -> None:
    report = check(text, SLOW, customer=GUEST_SHIPPED)
    assert report.passed, report.findings()


def test_the_same_blanket_denial_to_bronze_is_refused() -> None:
    text = "As your order has already shipped, there's nothing we can adjust on the shipping this time for Bronze members."
    assert "grounded" in failed(check(text, SLOW, customer=("Bronze member. My order already shipped but I'd have waited till next week.",)))


@pytest.mark.parametrize("text", [
    "If it's genuinely invalid, we can't replace it for guest orders.",
    "If it turns out to be invalid, I'm afraid we can't issue a replacement for guest checkouts.",
])
def test_a_guest_denied_a_promo_replacement_is_used(text: str) -> None:
    report = check(text, PROMO, customer=("promo code invalid at checkout. i dont have an account",))
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "If it turns out to be invalid, I'm afraid we can't issue a replacement for Bronze members.",
    "If it's genuinely invalid, we can still send a new code for guest orders.",
])
def test_a_bronze_denied_or_a_guest_granted_a_replacement_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, PROMO, customer=("promo code invalid at checkout",)))


BRONZE_ADD = ("Bronze member here. My order already shipped but I forgot a belt, can you add it?",)


@pytest.mark.parametrize("text", [
    "Since your order has already shipped, I can't add the belt to it, and for Bronze members we can't send it separately with free shipping.",
    "Your order is already in transit, so the belt can't be added to it, and for Bronze members we aren't able to send it separately with free shipping.",
])
def test_bronze_denied_free_separate_shipping_is_used(text: str) -> None:
    report = check(text, ADD, customer=BRONZE_ADD)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "Your order is already in transit, so the belt can't be added to it, but as a Bronze member we can send it separately with free shipping.",
    "Your order is already in transit, so the belt can't be added to it, and for Silver members we can't send it separately with free shipping.",
])
def test_bronze_granted_or_silver_denied_free_separate_shipping_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, ADD, customer=BRONZE_ADD))
