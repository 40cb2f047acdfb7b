"""Issue 13, round 14c: the customer's own figures, and right arithmetic on them, are their case.

* A difference to a threshold said as what is still needed ("so you're $14 away", "Add $13.50 more
  to qualify" for a $61 / $61.50 cart and "$75 or more") is no claim that their amount meets it; a
  wrong difference, or their amount said to qualify, is refused.
* A worked product in a list ("2 × $5 = $10") counts its product once in the total after it
  ("That comes to $30"); a wrong total or a wrong product is refused.
* A refund total said after a bare condition ("Once it's added, your refund will be updated to
  $110: the original $84 plus the $26") is their sum; a made-up total is refused.
* The customer's own amount in error, named so ("the $6 difference"), in a refund their level gets
  on a money limit it meets (Silver: "less than $10"); $12, or a Bronze customer, is refused. "the
  second $99 payment ..., I'll refund that $99" for Gold (outright) passes; for Bronze it is refused.
* A part payment the customer proposed ("can I pay $50 now?": "I'll take $50 now") where the article
  lets customers pay part of a price; an amount past the price, one they did not give, or an article
  with no part payment is refused.
* Their duration said to be inside their level's window ("At 2 months you're well within the
  Silver return window"); 8 months is refused.
* A count of the details they sent ("You've sent 2" of full name, ZIP, phone, email); a wrong
  count is refused.
* Channel shaping: list items run into one line keep their edges ("..., it's still in its original
  packaging. At four months ..."), and the SMS sender prefix is not a word of the claim after it.
"""

from __future__ import annotations

import pytest

from service.guardrails.bare_amounts import bare_amounts
from service.guardrails.numbers import prepare
from service.replies.channels import plain
from tests.test_guardrails import check, failed

PRICES = "store-pricing-extras"
BILLING = "subscription-billing-dispute"
RENEW = "subscription-pay-or-renew"
ADD_ITEM = "refunds-add-item-to-refund"
USERNAME = "account-recover-username"
STAINED = "returns-stained-or-damaged"
WINDOWS = "returns-membership-windows"


@pytest.mark.parametrize("cart, text", [
    ("$61", "Orders of $75 or more (after discounts, before tax) get free standard shipping, so you're $14 away."),
    ("$61.50", "Not yet: free standard shipping starts at $75 (after discounts, before tax). Add $13.50 more to qualify."),
    ("$52", "Orders of $75 or more get free standard shipping, so you're $23 short."),
])
def test_a_right_difference_to_a_threshold_passes(cart: str, text: str) -> None:
    report = check(text, PRICES, customer=(f"My cart is {cart}. Do I get free shipping?",))
    assert report.passed, report.findings()


@pytest.mark.parametrize("cart, text", [
    ("$61", "Orders of $75 or more (after discounts, before tax) get free standard shipping, so you're $13 away."),
    ("$61.50", "Not yet: free standard shipping starts at $75 (after discounts, before tax). Add $10 more to qualify."),
    ("$61", "Orders of $75 or more (after discounts, before tax) get free standard shipping, so at $61 your cart already qualifies."),
])
def test_a_wrong_difference_or_an_unmet_threshold_is_refused(cart: str, text: str) -> None:
    assert "grounded" in failed(check(text, PRICES, customer=(f"My cart is {cart}. Do I get free shipping?",)))


LIST = ("Gift wrapping is $5 per item and name stitching is $10 per item, so that's:\n\n"
        "- Gift wrap: 2 × $5 = $10\n- Stitching: 2 × $10 = {stitch}\n\nThat comes to {total} in extras.")
TWO_AND_TWO = ("I want two items gift wrapped and two of them with my initials stitched. What will that cost?",)


def test_a_worked_list_and_its_total_pass() -> None:
    report = check(plain(LIST.format(stitch="$20", total="$30")), PRICES, customer=TWO_AND_TWO)
    assert report.passed, report.findings()


@pytest.mark.parametrize("stitch, total", [("$20", "$45"), ("$25", "$35")])
def test_a_wrong_total_or_product_is_refused(stitch: str, total: str) -> None:
    assert "grounded" in failed(check(plain(LIST.format(stitch=stitch, total=total)), PRICES, customer=TWO_AND_TWO))


ADDING = ("I already have a refund open for $84 on a coat. Can I add the $26 scarf from the same order?",)


def test_a_refund_total_after_a_bare_condition_passes() -> None:
    report = check("Once it's added, your refund will be updated to $110: the original $84 plus the $26 scarf.", ADD_ITEM, customer=ADDING)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "Once it's added, your refund will be updated to $120: the original $84 plus the $26 scarf.",
    "Once it's added, your refund will be updated to $110: the original $84 plus the $26 scarf, and we'll send you a free gift card.",
])
def test_a_made_up_total_or_an_added_promise_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, ADD_ITEM, customer=ADDING))


def _overcharged(amount: str, level: str) -> tuple[str, ...]:
    return (f"I was charged {amount} too much on my subscription. I already paid. I'm {level}.",)


@pytest.mark.parametrize("text", [
    "For Silver members we refund billing errors under ten dollars, and six dollars is under that, so I'll refund the six-dollar difference.",
    "I'll refund the $6 difference.",
])
def test_a_silver_refund_within_its_limit_passes(text: str) -> None:
    report = check(text, BILLING, customer=_overcharged("$6", "Silver"))
    assert report.passed, report.findings()


@pytest.mark.parametrize("amount, level, text", [
    ("$12", "Silver", "For Silver members we refund billing errors under ten dollars, so I'll refund the $12 difference."),
    ("$6", "Bronze", "I'll refund the $6 difference."),
    ("$6", "Silver", "I'll refund the $8 difference."),
])
def test_a_refund_past_the_limit_or_for_another_level_is_refused(amount: str, level: str, text: str) -> None:
    assert "grounded" in failed(check(text, BILLING, customer=_overcharged(amount, level)))


def test_a_difference_of_their_bare_figures_passes() -> None:
    customer = ("I'm Silver and I got billed sixty dollars for something that should have been fifty four. I already paid.",)
    report = check("The difference is six dollars, and since Silver members get a refund when the error is less than ten dollars, "
                   "and you've already paid, I'll refund the six dollars.", BILLING, customer=customer)
    assert report.passed, report.findings()
    wrong = check("The difference is nine dollars, and since Silver members get a refund when the error is less than ten dollars, "
                  "I'll refund the nine dollars.", BILLING, customer=customer)
    assert "grounded" in failed(wrong)


def test_the_amount_a_charge_should_have_been_is_theirs() -> None:
    assert bare_amounts([prepare("I got billed $60 for something that should have been fifty four.")]) == {"54"}
    assert bare_amounts([prepare("It should have been 3 days ago, the $60 charge.")]) == frozenset()
    assert prepare("the six-dollar difference") == "the $6 difference"


DOUBLE = "I'm {level} and I've been charged ninety-nine dollars twice for my subscription. Both went through."
REFUND_THAT = ("As a {level} member you'll get the refund, and since the second ninety-nine dollar payment has already gone through, "
               "I'll refund that ninety-nine dollars to you.")


def test_a_gold_double_charge_refunded_passes() -> None:
    report = check(REFUND_THAT.format(level="Gold"), BILLING, channel="voice", customer=(DOUBLE.format(level="Gold"),))
    assert report.passed, report.findings()


@pytest.mark.parametrize("level, text", [
    ("Bronze", REFUND_THAT.format(level="Bronze")),
    ("Gold", "As a Gold member you'll get the refund, and since the second ninety-nine dollar payment has already gone through, "
             "I'll refund $120 to you."),
])
def test_a_double_charge_refunded_for_another_level_or_amount_is_refused(level: str, text: str) -> None:
    assert "grounded" in failed(check(text, BILLING, channel="voice", customer=(DOUBLE.format(level=level),)))


PART = ("I want to renew my premium, can I pay $50 now and the rest later?",)
TODAY = ("I'd like to pay $50 toward my premium subscription today and the rest later. Is that possible?",)


@pytest.mark.parametrize("customer, text", [
    (PART, "Of course, you can pay part of it today. The premium subscription is $99 a year, so I'll take $50 now and renew it."),
    (TODAY, "Yes, you can pay part of your subscription. The standard premium subscription is $99 a year, and I can take $50 today and renew it."),
])
def test_a_part_payment_the_customer_proposed_passes(customer: tuple[str, ...], text: str) -> None:
    report = check(text, RENEW, customer=customer)
    assert report.passed, report.findings()


@pytest.mark.parametrize("article, customer, text", [
    (RENEW, PART, "The premium subscription is $99 a year, so I'll take $40 now and renew it."),
    (RENEW, ("Can I pay $150 now toward my premium?",), "The premium subscription is $99 a year, so I'll take $150 now and renew it."),
    (RENEW, ("Can I pay part of my premium now?",), "The premium subscription is $99 a year, so I'll take $50 now and renew it."),
    (PRICES, ("My cart is $80. Can I pay $40 now and the rest later?",), "Gift wrapping is $5 per item, and I'll take $40 now and the rest later."),
])
def test_a_part_payment_not_theirs_or_not_allowed_is_refused(article: str, customer: tuple[str, ...], text: str) -> None:
    assert "grounded" in failed(check(text, article, customer=customer))


def _stained(months: int, level: str) -> tuple[str, ...]:
    return (f"shirt arrived with a weird stain on the collar, bought {months} months ago, I'm {level}",)


def test_a_customer_within_their_window_passes() -> None:
    report = check("At 2 months you're well within the Silver return window, so we can take it back.", STAINED, customer=_stained(2, "Silver"))
    assert report.passed, report.findings()


@pytest.mark.parametrize("months, level, text", [
    (8, "Silver", "At 8 months you're well within the Silver return window, so we can take it back."),
    (4, "Bronze", "At 4 months you're well within the Bronze return window, so we can take it back."),
])
def test_a_customer_past_their_window_said_within_is_refused(months: int, level: str, text: str) -> None:
    assert "grounded" in failed(check(text, STAINED, customer=_stained(months, level)))


SENT = "forgot my username. im Carla Ruiz, zip 30308"
COUNTED = "To confirm it's you we need 3 of 4: full name, ZIP, phone, email. You've sent {n}; reply with your phone or email and we'll send your username."


def test_a_count_of_the_details_they_sent_passes() -> None:
    report = check(COUNTED.format(n=2), USERNAME, customer=(SENT,))
    assert report.passed, report.findings()


@pytest.mark.parametrize("customer, n", [(SENT, 3), ("forgot my username. im Carla Ruiz", 2)])
def test_a_wrong_count_of_their_details_is_refused(customer: str, n: int) -> None:
    assert "grounded" in failed(check(COUNTED.format(n=n), USERNAME, customer=(customer,)))


ANY_ONE = ("Yes, it is. For Bronze members a return qualifies if any one of these is true:\n\n- bought within the last 90 days\n"
           "- you have the receipt\n- it's still in its original packaging\n\nAt four months the scarf is {verdict}.")
SCARF = ("Bronze member. I bought a scarf four months ago, no receipt, but it's still in the original packaging with the tags. Returnable?",)


def test_list_items_keep_their_edges_when_flattened() -> None:
    text = plain(ANY_ONE.format(verdict="outside the 90 days, but the original packaging covers it"))
    assert "original packaging. At four months" in text and "90 days, you have the receipt," in text
    report = check(text, WINDOWS, channel="web", customer=SCARF)
    assert report.passed, report.findings()


def test_their_figure_said_inside_the_rule_in_a_flattened_list_is_refused() -> None:
    text = plain(ANY_ONE.format(verdict="still within the 90 days, so it qualifies"))
    assert "grounded" in failed(check(text, WINDOWS, channel="web", customer=SCARF))


def test_the_sms_sender_prefix_is_no_word_of_the_claim() -> None:
    report = check("Northwind Apparel: Orders of $75 or more (after discounts, before tax) get free standard shipping. Otherwise standard "
                   "shipping is $8.", PRICES, channel="sms", customer=("how much for free shipping",))
    assert report.passed, report.findings()
    wrong = check("Northwind Apparel: Orders of $50 or more get free standard shipping.", PRICES, channel="sms", customer=("how much for free shipping",))
    assert "grounded" in failed(wrong)


def test_their_case_past_the_rule_said_again_with_it_passes() -> None:
    customer = ("I'm a Silver member. I bought a jacket seven months ago and never opened it, it's still sealed in the original packaging.",)
    lead = ("For Silver members, an item qualifies if any one of these applies: it was bought within the last 6 months, you have the "
            "receipt, it's still in its original packaging. ")
    report = check(lead + "Your jacket was bought seven months ago, so it's outside the 6 months, but because it's still in its original "
                   "packaging, it qualifies.", WINDOWS, channel="web", customer=customer)
    assert report.passed, report.findings()
    wrong = check(lead + "Your jacket was bought seven months ago, so it's outside the 90 days.", WINDOWS, channel="web", customer=customer)
    assert "grounded" in failed(wrong)
