"""Issue 13, round 15c: faithful replies used as written, their violating twins still refused.

* Identifiers: the digits of the order id the caller sent ("order ID NW-42419", in a sentence said
  of Silver) are no figure; the same digits said as the rule's figure ("less than $16" for order
  NW-16) are refused.
* Verdicts on the customer's case in a sentence of their own ("Your receipt covers it.") after the
  sentence listing their level's conditions and "any one of those is enough": supported when the
  customer said they have that condition; refused when they said they lack it, or never named it.
* Relative clauses: "..., which covers fifteen to fifteen and a half inches" is read with the clause
  it qualifies (the Medium); the same range said of the Large is refused (a labelled range pairs its
  label with both ends).
* Security questions: the question named in brackets ("the answer to your security question (your
  mother's maiden name)") is no secret; the customer's own answer said back is refused, and a
  bracketed question followed by "is Okafor" still gives the answer.
* Conditional credit: the customer's own charge in a commitment made under the condition the
  article's level-less step makes it under ("if it was our mistake, I'll start processing a credit
  for the $64"); under another condition, or none, it is refused.
"""

from __future__ import annotations

import pytest

from service.domain.pii import Redactor
from tests.test_guardrails import check, failed

BILLING = "subscription-billing-dispute"
WINDOWS = "returns-membership-windows"
SHIRTS = "products-shirts-faq"
TWO_FACTOR = "account-reset-two-factor"
NEVER_BOUGHT = "billing-charged-never-bought"


# ---- 1. identifiers ---------------------------------------------------------------------------

SILVER_BILL = ("My premium bill came to $103 but it should be $99. I've already paid it. I'm a Silver member.",)


def test_the_digits_of_the_order_id_are_no_figure() -> None:
    text = ("As a Silver member, you can get a refund when the amount in error is less than $10. The difference between "
            "$103 and $99 is $4, so once I've confirmed order ID NW-42419, I can refund that $4.")
    report = check(text, BILLING, customer=SILVER_BILL, facts={"first_name": "Kenji", "order_id": "NW-42419"})
    assert report.passed, report.findings()


def test_the_order_ids_digits_said_as_the_rules_figure_are_refused() -> None:
    text = ("As a Silver member, you can get a refund when the amount in error is less than $16. The difference between "
            "$103 and $99 is $4, so once I've confirmed order ID NW-16, I can refund that $4.")
    report = check(text, BILLING, customer=SILVER_BILL, facts={"first_name": "Kenji", "order_id": "NW-16"})
    assert "grounded" in failed(report)


# ---- 2. verdicts on the customer's case ---------------------------------------------------------

RULE = ("Bronze members can return an item bought within the last 90 days, or with the receipt, or in its original "
        "packaging, and meeting any one of those is enough.")


@pytest.mark.parametrize("verdict", ["Your receipt covers it.", "Your receipt qualifies.", "The receipt is enough."])
def test_a_verdict_naming_a_condition_they_have_passes(verdict: str) -> None:
    customer = ("Bronze member. bought a sweater about 4 months ago but I still have the receipt. can I return it?",)
    report = check(f"{RULE} {verdict}", WINDOWS, customer=customer)
    assert report.passed, report.findings()


@pytest.mark.parametrize("customer", [
    "Bronze member. bought a sweater about 4 months ago, no receipt. can I return it?",
    "Bronze member, bought a sweater 4 months ago and I lost the receipt. can I return it?",
    "Bronze member, bought a sweater 4 months ago. can I return it?",
])
def test_a_verdict_naming_a_condition_they_lack_or_never_named_is_refused(customer: str) -> None:
    assert "grounded" in failed(check(f"{RULE} Your receipt covers it.", WINDOWS, customer=(customer,)))


def test_a_verdict_without_the_rule_before_it_is_refused() -> None:
    customer = ("Bronze member. bought a sweater about 4 months ago but I still have the receipt. can I return it?",)
    text = "Bronze members can return an item bought within the last 90 days. Your receipt covers it."
    assert "grounded" in failed(check(text, WINDOWS, customer=customer))


# ---- 3. relative clauses and ranges in words ----------------------------------------------------

NECK = ("What size shirt should I get? My neck is fifteen inches.",)


@pytest.mark.parametrize("text", [
    "A fifteen inch neck fits our Medium, Zoe, which covers fifteen to fifteen and a half inches.",
    "That's our Medium, which fits a 15 to 15.5 inch neck.",
])
def test_a_relative_clause_is_read_with_the_thing_it_qualifies(text: str) -> None:
    report = check(text, SHIRTS, customer=NECK)
    assert report.passed, report.findings()


@pytest.mark.parametrize("neck, text", [
    ("fifteen", "A fifteen inch neck fits our Large, Zoe, which covers fifteen to fifteen and a half inches."),
    ("fourteen", "That's our Small, which fits a fourteen to fifteen inch neck."),
    ("fifteen", "That's our Medium, which fits a fifteen to sixteen inch neck."),
])
def test_a_range_of_another_label_or_a_made_up_range_is_refused(neck: str, text: str) -> None:
    customer = (f"What size shirt should I get? My neck is {neck} inches.",)
    assert "grounded" in failed(check(text, SHIRTS, customer=customer))


# ---- 4. security questions named, not answered --------------------------------------------------

LOCKED_OUT = ("I changed phones and now my authenticator codes don't work. I can't log in.",)


@pytest.mark.parametrize("text", [
    "If you no longer have access to it, you can verify with your PIN or the answer to your security question "
    "(your mother's maiden name) instead, and the code will go to the email we have on file.",
    "If you can't get into that email, your PIN or your security question answer (mother's maiden name) works "
    "instead, and the code goes to the email on file.",
])
def test_the_security_question_named_in_brackets_is_no_secret(text: str) -> None:
    report = check(text, TWO_FACTOR, customer=LOCKED_OUT)
    assert "pii" not in failed(report), report.findings()


def test_the_customers_own_answer_said_back_is_refused() -> None:
    customer = ("New phone, codes don't work, no access to my email. If it helps, my mother's maiden name is Okonkwo.",)
    text = ("Thanks, I can verify you with the answer to your security question (your mother's maiden name, Okonkwo), "
            "and the reset code will go to the email we have on file.")
    assert "pii" in failed(check(text, TWO_FACTOR, customer=customer))


def test_a_bracketed_question_followed_by_its_answer_is_still_a_secret() -> None:
    assert "Okafor" not in Redactor().redact("2fa reset. no access to email. security answer (mother's maiden name) is Okafor")


# ---- 5. a commitment under the source's condition -----------------------------------------------

CHARGE = ("There's a $64 charge on my card from you for an order I never made!!",)


@pytest.mark.parametrize("text", [
    "I'll check whether order NW-93018 was placed in error; if it was our mistake, I'll start processing a credit for the $64.",
    "I'll look into whether the charge was an error on our side, and if it was our error, I'll start a credit for the $64 right away.",
])
def test_their_charge_credited_under_the_sources_condition_passes(text: str) -> None:
    report = check(text, NEVER_BOUGHT, customer=CHARGE, facts={"first_name": "Nia", "order_id": "NW-93018"})
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "I'll check whether order NW-93018 was placed in error; if the system shows the purchase as valid, I'll still start "
    "processing a credit for the $64.",
    "I'll start processing a credit for the $64 right away.",
    "I'll check whether order NW-93018 was placed in error; if it was our mistake, I'll start processing a credit for the $80.",
])
def test_their_charge_credited_under_another_condition_or_none_is_refused(text: str) -> None:
    report = check(text, NEVER_BOUGHT, customer=CHARGE, facts={"first_name": "Nia", "order_id": "NW-93018"})
    assert "grounded" in failed(report)
