"""Issue 13, sixth round: the classes the `fresh-v8` run named, each in both directions (a faithful
variant accepted, a violating variant refused), in other words than those cases."""

from __future__ import annotations

import pytest

from service.guardrails.claims import is_conversational
from service.guardrails.commitments import acts_in
from service.guardrails.passages import facts_of
from tests.test_guardrails import check, failed

# ---- commitments said as already done ------------------------------------------------------------


@pytest.mark.parametrize("text, act", [
    ("I've gone ahead and booked a replacement for you.", "act:replace"),
    ("We have set up a refund to your card.", "act:refund"),
    ("I've sent you a voucher.", "act:voucher"),
    ("We took the delivery charge off your bill.", "act:remove"),
    ("I've already stripped the surcharge off the order.", "act:remove"),
    ("We dropped the service fee for you.", "act:remove"),
    ("We've paid you back in full.", "act:refund"),
    ("A replacement pair has been booked.", "act:replace"),
])
def test_a_commitment_said_as_already_done_is_a_commitment(text: str, act: str) -> None:
    assert act in {a for _, _, a in acts_in(text, "claim")}, text


@pytest.mark.parametrize("text", ["We haven't dropped the fee.", "I can't take the charge off.", "Your details match ours."])
def test_a_denied_or_plain_statement_commits_to_nothing(text: str) -> None:
    assert not acts_in(text, "claim"), text


def test_an_unsupported_commitment_said_as_done_is_refused_and_a_supported_one_passes() -> None:
    bad = check("Sorry for the bother, and we've struck the extra charge off your order as a goodwill gesture.", "orders-mystery-fee",
                customer=("bronze member, extra $9 fee on my order",))
    assert "grounded" in failed(bad), bad.findings()
    ok = check("As a Gold member, we remove extra fees for you, so I'll take that fee off once I've checked the order.", "orders-mystery-fee",
               customer=("gold member, extra $9 fee on my order",))
    assert "grounded" not in failed(ok), ok.findings()


# ---- a commitment past a threshold the customer's own duration does not meet ---------------------------


def test_an_unconditional_commitment_the_customers_duration_does_not_qualify_for_is_refused() -> None:
    bad = check("To make up for it, I've arranged a replacement order for you.", "shipping-missing-package",
                customer=("ordered my jacket two days ago and it's not here",))
    assert "grounded" in failed(bad), bad.findings()
    assert any("do not meet" in f for f in bad.findings()), bad.findings()
    # the same commitment for a customer past the threshold, or offered on the source's condition
    ok = check("I'm sorry it still hasn't arrived. I can send a replacement order.", "shipping-missing-package",
               customer=("it's been 9 days and my jacket is not here",))
    assert "grounded" not in failed(ok), ok.findings()
    conditional = check("If you've been waiting a week or longer, I can send a replacement order.", "shipping-missing-package",
                        customer=("ordered my jacket two days ago and it's not here",))
    assert "grounded" not in failed(conditional), conditional.findings()


# ---- what the customer wants, named in a source, grants nothing ----------------------------------------


def test_a_source_naming_what_the_customer_wants_states_no_action() -> None:
    assert not acts_in("Customers who ask for their fee refunded should be sent to the billing team.", "passage")
    assert not acts_in("If the customer would like a replacement, check the stock first.", "passage")
    assert acts_in("If the item is faulty, we send a replacement.", "passage")
    bad = check("Since it has already shipped, we'll refund the delivery fee to your card.", "orders-slower-delivery",
                customer=("guest here, my order shipped, can it come later",))
    assert "grounded" in failed(bad), bad.findings()


# ---- look-alike letters in a commitment ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["We'll сrеdit yоur ассоunt today.", "I'll r3fund the fee now."])
def test_a_commitment_in_look_alike_letters_is_read_as_written_plainly(text: str) -> None:
    assert acts_in(text, "claim"), text


def test_a_commitment_in_cyrillic_letters_is_refused_like_the_plain_one() -> None:
    report = check("Oh no, so sorry 😟 We'll rеfund yоur оrdеr straight away.", "pricing-price-dropped", customer=("the price went down",))
    assert "grounded" in failed(report), report.findings()


# ---- a bare apology is an interjection ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["Sorry, that's really annoying.", "I'm sorry, Priya, I know that's a pain.", "So sorry about that!"])
def test_an_apology_with_a_courtesy_after_it_is_conversational(text: str) -> None:
    assert is_conversational(text), text


@pytest.mark.parametrize("text", ["Sorry, discounted items can't be returned at all.", "I'm sorry, Priya, returns take ten weeks."])
def test_an_apology_followed_by_a_statement_is_a_claim(text: str) -> None:
    assert not is_conversational(text), text


def test_a_retired_final_sale_rule_is_refused() -> None:
    assert {f.value for f in facts_of("Clearance items are final sale.")} == {"final-sale"}
    assert {f.value for f in facts_of("Those are non-returnable.")} == {"final-sale"}
    report = check("Sorry, items bought on sale are final sale and can't be returned.", "returns-membership-windows",
                   customer=("can I return a top I bought on sale",))
    assert "grounded" in failed(report), report.findings()


# ---- a pronoun's fact must belong to its antecedent ------------------------------------------------


def test_a_fact_of_another_thing_tied_to_a_pronoun_is_refused() -> None:
    bad = check("Name stitching is $10 per item, and it's free on orders of $75 or more.", "store-pricing-extras")
    assert "grounded" in failed(bad), bad.findings()
    ok = check("Standard shipping is $8 per order, and it's free on orders of $75 or more.", "store-pricing-extras")
    assert "grounded" not in failed(ok), ok.findings()


# ---- the customer's case worked out ---------------------------------------------------------------


def test_a_concession_on_the_customers_own_figure_is_their_case_but_not_a_rule() -> None:
    ok = check("Gold members have unlimited returns with no time limit, so the coat can come back even after 3 years.",
               "returns-membership-windows", customer=("Gold member, can I return a coat from 3 years ago?",))
    assert "grounded" not in failed(ok), ok.findings()
    bad = check("Silver members can return items even after 3 years.", "returns-membership-windows",
                customer=("Silver member, can I return a coat from 3 years ago?",))
    assert "grounded" in failed(bad), bad.findings()


def test_a_verdict_that_it_has_not_been_long_enough_or_that_we_cannot_act_is_their_case() -> None:
    guest = check("Without a membership an item can be returned within 30 days or with the receipt, so at 45 days without the receipt "
                  "it can't come back.", "returns-membership-windows", customer=("guest, bought it 45 days ago, no receipt",))
    assert "grounded" not in failed(guest), guest.findings()
    for text in ("Credits can take up to 7 days to appear, and at 5 days it's not long enough yet.",
                 "Silver members can get an extension only if they're 1 day late, so at 6 days we aren't able to extend it."):
        report = check(text, "refunds-returned-no-credit", "subscription-cancel-and-late-payment",
                       customer=("Silver. Returned it 5 days ago, and I'm 6 days late on premium",))
        assert "grounded" not in failed(report), (text, report.findings())
    # the customer's figure made a level's rule is still a claim
    bad = check("Silver members aren't able to extend payments that are 6 days late.", "subscription-cancel-and-late-payment",
                customer=("Silver, I'm 6 days late on premium",))
    assert "grounded" in failed(bad), bad.findings()


def test_the_customers_amounts_worked_out_are_their_case() -> None:
    diff = check("Sorry about that. The gap is $7, and we'll look into it.", "subscription-billing-dispute",
                 customer=("billed $106 when it should be $99",))
    assert "grounded" not in failed(diff), diff.findings()
    invented = check("Sorry about that. The gap is $11, and we'll look into it.", "subscription-billing-dispute",
                     customer=("billed $106 when it should be $99",))
    assert "grounded" in failed(invented), invented.findings()


def test_a_source_price_times_the_customers_count_is_their_case() -> None:
    ok = check("Name stitching is $10 per item, so $40 for four.", "store-pricing-extras", customer=("stitching on 4 shirts, how much?",))
    assert "grounded" not in failed(ok), ok.findings()
    wrong = check("Name stitching is $10 per item, so $50 for four.", "store-pricing-extras", customer=("stitching on 4 shirts, how much?",))
    assert "grounded" in failed(wrong), wrong.findings()


def test_the_customers_own_charge_said_back_with_the_passes_but_never_in_a_commitment_or_as_what_they_ask() -> None:
    ok = check("I'll look into whether the $18 on your order was an error on our side.", "orders-mystery-fee",
               customer=("why is there an $18 fee on my order",))
    assert "grounded" not in failed(ok), ok.findings()
    committed = check("Sorry about that, we've taken the $18 off your order.", "orders-mystery-fee",
                      customer=("bronze member, why is there an $18 fee on my order",))
    assert "grounded" in failed(committed), committed.findings()
    asked = check("I'll look into whether the $18 was an error on our side.", "orders-mystery-fee",
                  customer=("I want $18 back for the hassle",))
    assert "grounded" in failed(asked), asked.findings()


def test_the_customers_own_plan_judged_workable_repeats_their_day() -> None:
    ok = check("The premium subscription is $99 a year and you can pay all or part of it, so $30 tomorrow works.",
               "subscription-pay-or-renew", customer=("can I pay $30 tomorrow for premium",))
    assert "grounded" not in failed(ok), ok.findings()
    promised = check("We'll renew it tomorrow.", "subscription-pay-or-renew", customer=("can I pay $30 tomorrow for premium",))
    assert "grounded" in failed(promised), promised.findings()


# ---- a time said of "the other days" -----------------------------------------------------------------


def test_a_time_said_of_the_other_days_is_every_day_but_the_one_named() -> None:
    ok = check("Our stores open at ten on Sundays and at nine on the remaining days.", "store-dates-and-hours")
    assert "grounded" not in failed(ok), ok.findings()
    swapped = check("Our stores open at nine on Sundays and at ten on the other days.", "store-dates-and-hours")
    assert "grounded" in failed(swapped), swapped.findings()


# ---- a feeling said of anyone --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["That would worry anyone!", "That would confuse anybody, Sam.", "It would make anyone nervous."])
def test_a_feeling_said_of_anyone_names_no_level(text: str) -> None:
    assert is_conversational(text), text


def test_a_benefit_said_of_anyone_is_still_a_claim() -> None:
    assert not is_conversational("That would worry anyone, so anyone can get a refund.")
    report = check("That would worry anybody. Anyone can return items with no time limit.", "returns-membership-windows")
    assert "grounded" in failed(report), report.findings()


# ---- the customer's address said back ---------------------------------------------------------------


def test_the_customers_new_address_said_back_needs_no_source() -> None:
    ok = check("Once you've confirmed three of those details, I'll update your address to 7 Harbour Lane.", "account-change-address",
               customer=("Please change my address, I've moved to 7 Harbour Lane.",))
    assert "grounded" not in failed(ok), ok.findings()
    # words that are not the customer's detail are still checked
    bad = check("I'll update your address to 7 Harbour Lane and send you a free gift hamper.", "account-change-address",
                customer=("Please change my address, I've moved to 7 Harbour Lane.",))
    assert "grounded" in failed(bad), bad.findings()


# ---- the customer's own words in a verdict on their case ----------------------------------------------


def test_the_customers_words_in_a_verdict_on_their_case_are_their_situation() -> None:
    customer = ("Silver member, the linen skirt I bought last month has a stain, can I return it?",)
    ok = check("Silver members can return items bought within 6 months, and a linen skirt bought last month is comfortably within that.",
               "returns-stained-or-damaged", customer=customer)
    assert "grounded" not in failed(ok), ok.findings()
    # their words outside a verdict, or a verdict with words of nobody's, are still checked
    bad = check("Silver members can return linen skirts bought last month for a full cash bonus.", "returns-stained-or-damaged", customer=customer)
    assert "grounded" in failed(bad), bad.findings()


# ---- a figure and its unit, then the level it is for -------------------------------------------------


def test_a_figure_with_its_unit_then_for_a_level_is_said_of_that_level() -> None:
    scoped = {f.value: f.scope for f in facts_of("Returns: 6 months for Silver, 90 days for Bronze")}
    assert scoped == {"6": frozenset({"silver"}), "90": frozenset({"bronze"})}
    ok = check("Returns: 6 months for Silver members, 90 days for Bronze members.", "store-membership-levels")
    assert "grounded" not in failed(ok), ok.findings()
    swapped = check("Returns: 90 days for Silver members, 6 months for Bronze members.", "store-membership-levels")
    assert "grounded" in failed(swapped), swapped.findings()


# ---- the customer's duration said in another unit ---------------------------------------------------------


def test_the_customers_duration_in_another_unit_is_their_case_and_a_wrong_conversion_is_not() -> None:
    customer = ("No account. Bought a hat seven weeks ago, no receipt. Can I return it?",)
    ok = check("Without a membership, an item can be returned if it was bought within the last 30 days or if you have the receipt. "
               "Seven weeks is about 49 days, so the hat is past the 30 days, and without the receipt neither condition is met.",
               "returns-membership-windows", customer=customer)
    assert "grounded" not in failed(ok), ok.findings()
    wrong = check("Seven weeks is about 25 days, so the hat is still inside the 30 days.", "returns-membership-windows", customer=customer)
    assert "grounded" in failed(wrong), wrong.findings()
