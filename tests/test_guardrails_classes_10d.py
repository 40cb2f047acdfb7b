"""Tenth round (fix-10d): faithful replies of older dev sets still refused. A figure the approved
reply gives everyone, "free"/"no fee"/"waived" as one fact, the customer's own amount in an action
a source takes "for that amount", list items under a lead-in naming a level, a level named after
what it gets ("removed for Silver, not for Bronze"), the condition a clause says qualifies, the
customer's duration judged past a window or against a code's life, and a burden lifted ("you
don't have to wait"). Each with near-misses that stay refused."""

from __future__ import annotations

import pytest

from service.guardrails.levels import claim_negated
from service.guardrails.numbers import prepare
from tests.test_guardrails import check, failed

GOLD_4 = ("Gold member, returned a dress 4 days ago, no credit yet",)
SILVER_4 = ("Silver member, returned a dress 4 days ago, no credit yet",)
DUP_BRONZE = ("I ordered the same jacket twice. It's In Transit. I'm a Bronze member. The jacket was $89.",)
DUP_GUEST = ("I ordered the same jacket twice. It's In Transit. I'm a guest. The jacket was $89.",)
GUEST_45_RECEIPT = ("Guest here, bought a scarf 45 days ago. I do have the receipt though",)
GUEST_45_PACKAGING = ("Guest here, bought a scarf 45 days ago. It's still in the original packaging",)
GUEST_25 = ("Guest here, bought a scarf 25 days ago, no receipt",)


def test_a_figure_the_approved_reply_gives_everyone_is_said_of_any_level() -> None:
    for text, customer in [("Thanks for your patience. Credits can take up to 7 days to appear.", ("returned a shirt, no credit",)),
                           ("Credits can take up to 7 days, and it's been four, but as a Gold member I can start processing your credit now anyway.",
                            GOLD_4)]:
        assert "grounded" not in failed(check(text, "refunds-returned-no-credit", customer=customer))


@pytest.mark.parametrize("text, article", [
    ("As a Gold member, the overnight upgrade costs $20.", "orders-upgrade-overnight"),  # the approved reply gives $20 to others
    ("You can return it within 90 days of purchase.", "returns-membership-windows"),  # the approved reply gives 90 days to Bronze
])
def test_a_figure_the_approved_reply_gives_some_levels_stays_theirs(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article))


def test_a_denied_level_is_refused_beside_the_everyone_figure() -> None:
    text = "Credits can take up to 7 days, and it's been four, but as a Silver member I can start processing your credit now anyway."
    assert "grounded" in failed(check(text, "refunds-returned-no-credit", customer=SILVER_4))


def test_no_fee_is_what_waived_and_free_say() -> None:
    text = "Your order hasn't shipped, so I can upgrade it to arrive tomorrow, and as a Gold member there's no fee for the upgrade."
    assert "grounded" not in failed(check(text, "orders-upgrade-overnight", customer=("I'm Gold, not shipped",)))


@pytest.mark.parametrize("text, article", [
    ("Your order hasn't shipped, so I can upgrade it to arrive tomorrow, and as a Silver member there's no fee for the upgrade.", "orders-upgrade-overnight"),
    ("There's no fee for the overnight upgrade.", "orders-upgrade-overnight"),
    ("As a Bronze member, there's no fee for the separate order with the socks.", "orders-add-item"),
])
def test_no_fee_for_a_level_the_source_charges_is_refused(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article, customer=("hello",)))


def test_their_amount_in_the_action_the_source_takes_for_that_amount_passes() -> None:
    text = "As a Bronze member you can have the extra jacket refunded now, so I'll issue a refund of $89."
    assert "grounded" not in failed(check(text, "orders-cancel-duplicate-item", customer=DUP_BRONZE))
    text = "As a Silver member the extra fee is removed either way, so I'll confirm the $6.50 and update your order."
    assert "grounded" not in failed(check(text, "orders-mystery-fee", customer=("Silver here, extra fee of $6.50",)))


@pytest.mark.parametrize("text, article, customer", [
    ("I'll issue a refund of $89 now.", "orders-cancel-duplicate-item", DUP_GUEST),  # no level said: the amount is a claim
    ("As a guest you can have the extra jacket refunded now, so I'll issue a refund of $89.", "orders-cancel-duplicate-item", DUP_GUEST),
    ("As a Bronze member you can have the extra jacket refunded now, so I'll issue a refund of $99.", "orders-cancel-duplicate-item", DUP_BRONZE),
    ("As a Bronze member the extra fee is removed either way, so I'll confirm the $6.50 and update your order.", "orders-mystery-fee",
     ("Bronze here, extra fee of $6.50",)),
    ("I'll remove the $6.50 fee and update your order.", "orders-mystery-fee", ("Bronze here, extra fee of $6.50",)),
])
def test_their_amount_in_an_action_not_theirs_is_refused(text: str, article: str, customer: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, article, customer=customer))


def test_list_items_under_a_level_lead_in_are_said_of_that_level() -> None:
    text = ("A few things Gold adds over Silver:\n\n- unlimited returns, where Silver has 6 months\n"
            "- the $20 overnight upgrade fee is waived")
    assert "grounded" not in failed(check(text, "store-membership-levels"))


@pytest.mark.parametrize("text", [
    "A few things Silver adds over Bronze:\n\n- the $20 overnight upgrade fee is waived",
    "A few things Silver adds over Bronze:\n\n- unlimited returns, where Bronze has 90 days",
    "A few things Gold adds over Silver:\n\n- unlimited returns, where Silver has 90 days",
    "Here's what Bronze adds over guests:\n\n- unexplained extra fees removed",
])
def test_list_items_under_a_lead_in_of_a_level_they_are_not_given_are_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "store-membership-levels"))


def test_a_level_named_after_what_it_gets_takes_the_denial_after_it() -> None:
    t = prepare("Unexplained extra fees are removed for Silver, not for Bronze.")
    assert claim_negated(t, 0, t.index(",")) is False
    assert claim_negated(t, t.index(","), len(t)) is True
    assert "grounded" not in failed(check("Unexplained extra fees are removed for Silver, not for Bronze.", "store-membership-levels"))
    assert "grounded" not in failed(check("The overnight upgrade fee is waived for Gold, not for Silver.", "store-membership-levels"))


@pytest.mark.parametrize("text", ["Unexplained extra fees are removed for Bronze, not for Silver.",
                                  "The overnight upgrade fee is waived for Silver, not for Gold."])
def test_a_level_named_after_what_it_does_not_get_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "store-membership-levels"))


def test_a_receipt_qualifying_is_not_the_packaging_the_source_denies_guests() -> None:
    text = "That works. For guests the window is 30 days, so forty-five days is past it, but having the receipt qualifies the return on its own."
    assert "grounded" not in failed(check(text, "returns-membership-windows", customer=GUEST_45_RECEIPT))


@pytest.mark.parametrize("text, customer", [
    ("That works. For guests the window is 30 days, so forty-five days is past it, but the original packaging qualifies the return on its own.",
     GUEST_45_PACKAGING),
    ("Sorry. For guests the window is 30 days, so 25 days is past it.", GUEST_25),  # judged past a window it is within
    ("For guests the window is 45 days, so you're fine.", GUEST_45_RECEIPT),  # their figure made the rule's
])
def test_a_wrong_verdict_on_a_guest_return_is_refused(text: str, customer: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, "returns-membership-windows", customer=customer))


def test_a_code_judged_against_its_life_passes_when_the_working_holds() -> None:
    text = "Sorry your code isn't working, Cole. Codes last 7 days, so a two-day-old code should still be good."
    assert "grounded" not in failed(check(text, "promotions-promo-code-not-working", customer=("My promo code says invalid. I only got it 2 days ago.",)))


@pytest.mark.parametrize("text, customer", [
    ("Sorry your code isn't working, Cole. Codes last 7 days, so a nine-day-old code should still be good.", "I got it 9 days ago."),
    ("Sorry your code isn't working, Cole. Codes last 14 days, so a nine-day-old code should still be good.", "I got it 9 days ago."),
])
def test_a_code_judged_good_past_its_life_is_refused(text: str, customer: str) -> None:
    assert "grounded" in failed(check(text, "promotions-promo-code-not-working", customer=(f"My promo code says invalid. {customer}",)))


def test_a_burden_lifted_is_a_grant_of_the_level_the_source_grants() -> None:
    text = "Credits can take up to 7 days to appear, but as a Gold member you don't have to wait: I'll start processing the credit on your order."
    assert "grounded" not in failed(check(text, "refunds-returned-no-credit", customer=GOLD_4))
    assert "grounded" not in failed(check("Either way, as a Gold member you won't pay it.", "orders-mystery-fee", customer=("Gold member, $12 extra fee",)))


@pytest.mark.parametrize("text, article, customer", [
    ("Credits can take up to 7 days to appear, but as a Silver member you don't have to wait: I'll start processing the credit on your order.",
     "refunds-returned-no-credit", SILVER_4),
    ("As a Silver member you don't have to wait for the credit.", "refunds-returned-no-credit", SILVER_4),
    ("Either way, as a Bronze member you won't pay it.", "orders-mystery-fee", ("Bronze member, $12 extra fee",)),  # "the fee stays"
])
def test_a_burden_lifted_for_a_level_the_source_denies_is_refused(text: str, article: str, customer: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, article, customer=customer))


def test_a_list_run_into_one_sentence_reads_its_items_under_the_lead_in_level() -> None:
    text = "A few things Silver adds over Bronze: returns within 6 months, where Bronze has 90 days; unexplained extra fees removed."
    assert "grounded" not in failed(check(text, "store-membership-levels"))


@pytest.mark.parametrize("text", [
    "A few things Bronze adds over guests: returns within 90 days, where guests have 30 days; unexplained extra fees removed.",
    "A few things Silver adds over Bronze: returns within 6 months; the $20 overnight upgrade fee is waived.",
])
def test_a_list_run_into_one_sentence_with_an_item_not_of_its_level_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "store-membership-levels"))


def test_a_hedge_is_no_content_word() -> None:
    text = "I'm sorry for the wait. Credits usually show within 7 days, so after 9 days it should have arrived."
    assert "grounded" not in failed(check(text, "refunds-returned-no-credit", customer=("sent back a skirt 9 days ago, still no credit",)))
    text = "I'm sorry for the wait. Credits usually show within 3 days, so after 5 days it should have arrived."
    assert "grounded" in failed(check(text, "refunds-returned-no-credit", customer=("sent back a skirt 5 days ago, still no credit",)))


@pytest.mark.parametrize("text", ["For guests a return qualifies if it's still in its original packaging.",
                                  "As a guest, your return qualifies with the original packaging."])
def test_a_condition_named_after_qualifies_that_the_source_denies_the_level_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "returns-membership-windows"))


@pytest.mark.parametrize("text", ["For guests a return qualifies if you have the receipt.",
                                  "For Bronze members a return qualifies if it's still in its original packaging."])
def test_a_condition_named_after_qualifies_that_the_source_grants_passes(text: str) -> None:
    assert "grounded" not in failed(check(text, "returns-membership-windows"))
