"""Ninth round (fix-9e): faithful classes the reply checks refused, and the violating near-misses
they must still refuse."""

from __future__ import annotations

import pytest

from service.domain.pii import Redactor
from service.guardrails.case import case_amounts
from tests.test_guardrails import check, failed


def grounded(report) -> list[str]:
    return [f for f in report.findings() if f.startswith(("grounded", "pii"))]


# ---- a sample address shown as an example of a format is nobody's address --------------------


@pytest.mark.parametrize("text", [
    'Please send your current street address (only the street part, for example "22 Birch Road") and your new one.',
    "Please send the street part of your current address (e.g. 9 Mill Lane) plus three of: ZIP code, phone number, PIN or username.",
])
def test_a_sample_address_given_as_an_example_is_no_pii(text: str) -> None:
    report = check(text, "account-change-address", customer=("We moved, please update my address.",))
    assert not grounded(report), report.findings()


@pytest.mark.parametrize("text", [
    "I've updated your account to 22 Birch Road.",
    "For example, we will now send everything to 22 Birch Road.",
])
def test_an_address_stated_not_as_an_example_is_still_refused(text: str) -> None:
    report = check(text, "account-change-address", customer=("We moved, please update my address.",))
    assert "pii" in failed(report)


# ---- a security answer spoken of, not given -------------------------------------------------


@pytest.mark.parametrize("text", [
    "If you can't get into it, your PIN or security question answer works instead.",
    "Your mother's maiden name will do as well.",
])
def test_a_sentence_about_the_security_answer_holds_no_secret(text: str) -> None:
    r = Redactor()
    assert "[SECRET" not in r.redact(text), r.mapping


@pytest.mark.parametrize("text,value", [
    ("my security answer is Will Smith", "Will Smith"),
    ("security answer: Fluffy", "Fluffy"),
    ("mother's maiden name Okafor", "Okafor"),
])
def test_a_security_answer_given_is_still_masked(text: str, value: str) -> None:
    r = Redactor()
    r.redact(text)
    assert value in r.mapping.values()


# ---- "stays the same" says what "does not change" says ---------------------------------------


@pytest.mark.parametrize("text", [
    "Just so you know, your username stays the same.",
    "Your username remains unchanged.",
    "Your username will stay as it is.",
])
def test_stays_the_same_is_a_paraphrase_of_does_not_change(text: str) -> None:
    assert not grounded(check(text, "account-change-name", customer=("I need my name changed",)))


@pytest.mark.parametrize("text", [
    "Your username will also change to match your new name.",
    "Your username doesn't stay the same.",
])
def test_a_username_said_to_change_is_still_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "account-change-name", customer=("I need my name changed",)))


# ---- the customer's amount without a currency, in an action their level gets outright --------


def test_a_bare_amount_in_a_charge_is_the_customers_amount() -> None:
    assert case_amounts(["I was charged twice for premium, ninety-nine each."]) == {"99"}
    assert case_amounts(["Billed 45 twice this month."]) == {"45"}
    assert case_amounts(["I was charged 3 times", "paid 2 days ago", "I ordered two each", "they took twelve each time I paid"]) == set()


GOLD = ("I was charged twice for premium, ninety-nine each. I'm a Gold member and I've paid both.",)


@pytest.mark.parametrize("text", [
    "As a Gold member you always get the refund you ask for, and since you've paid both, I'll refund the extra ninety-nine dollars once I've reviewed the bill.",
    "As a Gold member, I'll refund the extra $99.",
])
def test_their_amount_in_the_refund_their_level_always_gets(text: str) -> None:
    assert not grounded(check(text, "subscription-billing-dispute", customer=GOLD))


@pytest.mark.parametrize("level,text", [
    ("Silver", "As a Silver member, I'll refund the extra $99."),
    ("Bronze", "As a Bronze member, I'll refund the extra $99."),
    ("Gold", "As a Gold member, I'll refund you $150."),
])
def test_a_refund_a_level_gets_only_on_a_condition_is_still_refused(level: str, text: str) -> None:
    customer = (f"I was charged twice for premium, ninety-nine each. I'm a {level} member and I've paid both. I want 150 back.",)
    assert "grounded" in failed(check(text, "subscription-billing-dispute", customer=customer))


# ---- "something you'll remember" is "something memorable" ------------------------------------


@pytest.mark.parametrize("text", [
    "Once you're in, it's a good idea to change it to something you'll remember.",
    "After you log in, you may want to change it to something easy to remember.",
])
def test_the_sources_advice_in_other_words(text: str) -> None:
    assert not grounded(check(text, "account-reset-password", customer=("I forgot my password",)))


@pytest.mark.parametrize("text", [
    "It's a good idea to write your password down somewhere you'll remember.",
    "It's a good idea to email us your PIN so we remember it.",
])
def test_advice_the_sources_do_not_give_is_still_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "account-reset-password", customer=("I forgot my password",)))


def test_the_full_bill_refunded_to_a_gold_member_is_still_refused() -> None:
    customer = ("Gold member here. My premium bill was $120 but it should be $60, and I've already paid it.",)
    text = "The gap between the $120 billed and the $60 you expected is $60, so I'll refund the full $120 once I've reviewed your bill."
    assert "grounded" in failed(check(text, "subscription-billing-dispute", customer=customer))
