"""Issue 13, round 12 (d): money thresholds read once; the customer's own figures, and what a reply
works out from them and the sources' figures, are their case, while the verdict drawn from them
must be right."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from service.guardrails import amount_thresholds, verdicts
from service.guardrails.commitments import OWN_STEP
from tests.test_guardrails import check, failed

BILLING = "subscription-billing-dispute"
SHIPPING = "store-pricing-extras"
RETURNS = "returns-membership-windows"


# ---- one reader of money thresholds -------------------------------------------------------------


def test_both_money_threshold_rules_read_the_same_pair_of_patterns() -> None:
    assert not hasattr(verdicts, "_AT_LEAST") and not hasattr(verdicts, "_AT_MOST") and not hasattr(verdicts, "_GRANTED")
    assert amount_thresholds.AT_LEAST.search("Orders of $75 or more qualify") and amount_thresholds.AT_LEAST.search("over $50")
    assert amount_thresholds.AT_MOST.search("when the amount in error is less than $10")


@pytest.mark.parametrize("line", ["you already qualify for free standard shipping", "your $70 basket already qualifies",
                                  "you'll still get the refund", "your order now qualifies"])
def test_a_grant_to_the_customer_is_read_with_already_or_now(line: str) -> None:
    assert amount_thresholds.GRANTED.search(line)


def test_a_rule_is_no_grant_to_the_customer() -> None:
    assert not amount_thresholds.GRANTED.search("Orders of $75 or more qualify for free standard shipping.")


def test_a_grant_with_already_to_a_customer_below_the_threshold_is_refused_though_the_amount_is_not_said() -> None:
    report = check("Good news: you already qualify for free standard shipping.", SHIPPING, customer=("My basket is $70, free shipping?",))
    assert "grounded" in failed(report), report.findings()


def test_the_word_of_when_the_agent_reports_back_is_its_own_step() -> None:
    assert OWN_STEP.search("I'll refund the $6 and confirm once it's done.")
    assert OWN_STEP.search("I'll refund the $8 once I've checked your account.")
    assert not OWN_STEP.search("I'll refund it once the return has arrived.")
    assert not hasattr(verdicts, "_DONE_TAIL")


# ---- the customer's charge said back, and arithmetic on it --------------------------------------


@pytest.mark.parametrize(("text", "customer"), [
    ("You were billed $112 but should have been charged $105, so the difference is $7.", "I'm Silver. I paid $112 when it should have been $105."),
    ("By your figures you were charged $64 instead of $60, which is a difference of $4.", "I was charged $64 instead of $60. I'm Silver."),
    ("You mentioned $75 billed against $70 expected; could you confirm those figures so I can check them against your account?",
     "My subscription bill says $75 but I expected $70."),
])
def test_the_customers_charge_said_back_and_worked_right_passes(text: str, customer: str) -> None:
    report = check(text, BILLING, customer=(customer,))
    assert "grounded" not in failed(report), report.findings()


@pytest.mark.parametrize(("text", "customer"), [
    ("You were billed $105 but should have been charged $99, so the difference is $8.", "I'm Silver. I paid $105 instead of $99."),  # wrong sum
    ("You were billed $105 but should have been charged $89, so the difference is $16.", "I'm Silver. I paid $105 instead of $99."),  # misquoted
    ("By your figures you were charged $115 instead of $99, which is a difference of $16.", "I was charged $105 instead of $99."),
    ("You mentioned $129 billed against $89 expected; could you confirm those figures so I can check them against your account?",
     "I was billed $129 for my subscription, which I thought was $99."),
    ("You were billed $129 instead of $99, a difference of $30, so you qualify for a refund of the $30.",
     "I'm Silver. I was billed $129, which I thought was $99. Already paid."),  # wrong verdict: Silver refunds under $10
])
def test_a_charge_misquoted_misworked_or_wrongly_judged_is_refused(text: str, customer: str) -> None:
    assert "grounded" in failed(check(text, BILLING, customer=(customer,)))


def test_the_amount_of_a_commitment_is_still_a_claim() -> None:
    report = check("You were billed $105 instead of $99, so I'll refund the $105 to you.", BILLING, customer=("I'm Silver. I paid $105 instead of $99.",))
    assert "grounded" in failed(report)


# ---- a case the reply supposes, and rates for a count ---------------------------------------------


@pytest.mark.parametrize("text", [
    "Orders of $75 or more qualify for free standard shipping. So if your basket is at $70, adding $5 or more would get you free standard shipping.",
    "Orders of $75 or more qualify for free standard shipping. If your cart is at $60, adding another $15 would get you free standard shipping.",
    "Orders of $75 or more qualify for free standard shipping, so if your basket is at $80, you already qualify for free standard shipping.",
    "Gift wrapping is $5 per item and name stitching is $10 per item. So two wrapped, stitched sweaters would come to $30 in extras.",
    "Gift wrapping is $5 per item, so three wrapped gifts would come to $15 in extras.",
])
def test_a_supposed_case_or_a_count_worked_right_passes(text: str) -> None:
    report = check(text, SHIPPING, customer=("How much is shipping and wrapping?",))
    assert "grounded" not in failed(report), report.findings()


@pytest.mark.parametrize("text", [
    "Orders of $75 or more qualify for free standard shipping. So if your basket is at $70, you already qualify for free standard shipping.",
    "Orders of $75 or more qualify for free standard shipping. If your cart is at $60, adding another $12 would get you free standard shipping.",
    "Gift wrapping is $5 per item and name stitching is $10 per item. So two wrapped, stitched sweaters would come to $25 in extras.",
    "Gift wrapping is $5 per item and name stitching is $12 per item. So two wrapped, stitched sweaters would come to $34 in extras.",
    "If your basket is at $70 you qualify for free standard shipping.",
])
def test_a_supposed_case_misjudged_or_misworked_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, SHIPPING, customer=("How much is shipping and wrapping?",)))


# ---- the customer's duration judged against their level's window ----------------------------------


@pytest.mark.parametrize(("text", "customer"), [
    ("Gold members have no time limit on returns, so 20 months isn't a problem.", "I'm Gold and bought a coat 20 months ago."),
    ("Silver members can return within six months of purchase. Since it's been about seven months, I'm afraid that's outside the Silver window.",
     "I'm a Silver member, bought a jacket seven months ago, can I return it?"),
    ("Bronze members can return within 90 days of purchase. Since it's been about four months, I'm afraid that's outside the Bronze window.",
     "I'm a Bronze member, bought boots four months ago, can I return them?"),
])
def test_a_duration_judged_right_against_the_window_passes(text: str, customer: str) -> None:
    report = check(text, RETURNS, customer=(customer,))
    assert "grounded" not in failed(report), report.findings()


@pytest.mark.parametrize(("text", "customer"), [
    ("Silver members can return within 6 months of purchase, so 14 months isn't a problem.", "I'm Silver and bought a coat 14 months ago."),
    ("Silver members can return within six months of purchase. Since it's been about five months, I'm afraid that's outside the Silver window.",
     "I'm a Silver member, bought a jacket five months ago, can I return it?"),
    ("Silver members can return within 12 months of purchase, so 8 months isn't a problem.", "I'm Silver and bought a coat 8 months ago."),
])
def test_a_duration_judged_wrong_or_against_a_changed_window_is_refused(text: str, customer: str) -> None:
    assert "grounded" in failed(check(text, RETURNS, customer=(customer,)))


def test_a_past_window_verdict_is_judged_against_the_level_window() -> None:
    silver = SimpleNamespace(text="**Silver members:** the item can be returned if it was bought within the last **6 months**, **or** the "
                                  "customer has the receipt.", source="chunk 1 of returns-membership-windows", parts=())
    said = "I'm afraid that's outside the Silver window"
    assert verdicts.past_window(said, (("7", "month"),), [silver], None) is True
    assert verdicts.past_window(said, (("5", "month"),), [silver], None) is False
    assert verdicts.past_window("you can return it", (("5", "month"),), [silver], None) is None


def test_the_check_cache_keys_the_customers_duration_for_a_past_window_verdict() -> None:
    from tests.test_check_cache import CHECKER as FRESH, TODAY, chunks, same
    from service.replies.check_cache import CheckCache
    from service.replies.policy import Candidate, Evidence

    hits = chunks(RETURNS)

    def make(text: str) -> Evidence:
        return Evidence("chat", {h.chunk_id: h for h in hits}, [text], {"first_name": "Dana"}, None, today=TODAY)

    cache = CheckCache(FRESH)
    cand = Candidate("I'm afraid that's outside the Silver window.", [hits[0].chunk_id], "grounded")
    seven, five = make("Silver member. Bought a jacket seven months ago."), make("Silver member. Bought a jacket five months ago.")
    assert cache.key(cand, seven) != cache.key(cand, five)
    for ev in (seven, five, seven, five):
        assert same(cache.check(cand, ev), FRESH.check(cand, ev))


def test_a_sentence_of_their_figures_with_a_commitment_word_is_still_weighed() -> None:
    report = check("I'm sorry I can't give you a different answer, but I can give you a $15 credit this once.", "pricing-price-dropped",
                   customer=("The jacket I bought last week is now $15 cheaper. Can you refund the difference?",))
    assert "grounded" in failed(report)
