"""Tenth round (fix-10a): what a number measures (characters, an amount per item or per order, a
percentage, a temperature below zero), an action promised whatever the case, a password the
customer logs in with said back, and a commitment spelt out letter by letter or guaranteed after it."""

from __future__ import annotations

import pytest

from service.domain.pii import Redactor
from service.guardrails.kinds import agree, below_zero
from service.guardrails.normalise import variants
from service.guardrails.passages import facts_of
from tests.test_guardrails import check, failed


# ---- what a number measures -----------------------------------------------------------------


@pytest.mark.parametrize("text, value, kind", [
    ("up to 20 characters", "20", "chr"),
    ("$10 per item", "10", "$/item"),
    ("**$10 per item**", "10", "$/item"),
    ("$5/item", "5", "$/item"),
    ("$20 per order", "20", "$/order"),
    ("five dollars per item", "5", "$/item"),
    ("5% shrinkage", "5", "%"),
    ("20 percent off", "20", "%"),
    ("about 20°F (", "20", "deg/f"),
    ("to about 20F with a layer", "20", "deg/f"),
    ("minus twenty degrees Fahrenheit", "-20", "deg/f"),
    ("down to -7°C", "-7", "deg/c"),
    ("20 degrees below zero", "-20", "deg"),
    ("30 days", "30", ""),
])
def test_a_number_carries_what_it_measures(text: str, value: str, kind: str) -> None:
    f = facts_of(text)[0]
    assert (f.value, f.kind) == (value, kind)


def test_ranges_and_order_ids_are_not_below_zero() -> None:
    assert [f.value for f in facts_of("every 10-20 degrees")] == ["10", "20"]
    assert "-24407" not in {f.value for f in facts_of("order NW-24407")}


def test_kinds_agree_only_with_themselves_or_their_parts() -> None:
    assert agree("$/item", "$") and agree("$", "$/item") and agree("deg/f", "deg") and agree("", "") and agree("chr", "")
    assert not agree("$/item", "$/order") and not agree("deg/f", "deg/c") and not agree("$/order", "chr")
    assert not agree("", "%") and not agree("", "$") and not agree("", "deg/f")  # a price, a share, a temperature need a source's


@pytest.mark.parametrize("text, article", [
    ("We can stitch names up to 20 characters on jackets for $10 per item.", "store-pricing-extras"),
    ("Standard shipping is $10 per order.", "store-pricing-extras"),
    ("Overnight shipping is $10 per order.", "store-pricing-extras"),
    ("Gift wrapping is 5% of the item price.", "store-pricing-extras"),
    ("Expect about 5% shrinkage on the first wash.", "products-jeans-faq"),
    ("Our insulated jackets keep you comfortable down to -20°F with a normal layer underneath.", "products-jackets-faq"),
    ("Our insulated jackets are comfortable down to about minus twenty degrees Fahrenheit with a normal layer underneath.", "products-jackets-faq"),
    ("Our insulated jackets are comfortable down to about -7°F with a normal layer underneath.", "products-jackets-faq"),
])
def test_a_true_figure_of_another_thing_supports_nothing(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article))


@pytest.mark.parametrize("text, article", [
    ("We can stitch a name of up to 12 characters onto eligible bags for $10 per item.", "store-pricing-extras"),
    ("Standard shipping is $8 per order and overnight shipping is $20 per order.", "store-pricing-extras"),
    ("Gift wrapping is five dollars per item.", "store-pricing-extras"),
    ("Expect up to about 2% shrinkage on the first wash.", "products-jeans-faq"),
    ("Our insulated jackets are comfortable down to about 20°F, or -7°C, with a normal layer underneath.", "products-jackets-faq"),
    ("Our insulated jackets are comfortable down to about twenty degrees Fahrenheit with a normal layer underneath.", "products-jackets-faq"),
])
def test_the_same_figures_of_the_right_thing_pass(text: str, article: str) -> None:
    report = check(text, article)
    assert "grounded" not in failed(report), report.findings()


def test_the_customers_own_temperature_below_zero_may_be_said_back() -> None:
    assert below_zero("it gets to about -5 C in the mornings") == {"-5"}
    report = check("Our insulated jackets are comfortable down to about 20°F, which is roughly -7°C, with a normal layer underneath, "
                   "so -5°C mornings are within that range.", "products-jackets-faq", customer=("it gets to about -5 C in the mornings",))
    assert "grounded" not in failed(report), report.findings()


def test_a_source_price_times_both_of_their_items_is_their_total() -> None:
    customer = ("Can you hem both of my pairs of jeans? How much would that be?",)
    report = check("Yes, we hem jeans in store for $15 a pair, so both your pairs come to $30.", "products-jeans-faq", customer=customer)
    assert "grounded" not in failed(report), report.findings()
    for wrong in ("so both your pairs come to $45.", "so hemming them comes to $30 each."):  # not their total, or a total said per item
        assert "grounded" in failed(check(f"Yes, we hem jeans in store for $15 a pair, {wrong}", "products-jeans-faq", customer=customer))


def test_a_price_each_is_a_price_per_item() -> None:
    assert "grounded" not in failed(check("Gift wrapping is $5 each.", "store-pricing-extras"))
    assert "grounded" in failed(check("Overnight shipping is $20 each item.", "store-pricing-extras"))


# ---- an action promised whatever the case ----------------------------------------------------


@pytest.mark.parametrize("text", [
    "Whatever the system shows, we credit any charge a customer doesn't recognise.",
    "No matter what the system shows, I'll start a credit for the charge on your order.",
    "Whatever the system shows, we start processing a credit for the charge on the order and tell you.",
])
def test_an_action_the_source_gives_in_some_cases_promised_in_every_case_is_refused(text: str) -> None:
    report = check(text, "billing-charged-never-bought")
    assert "grounded" in failed(report)
    assert any("promises credit" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize("text", [
    "I'll check whether the order was our error; if it was, I'll start processing a credit for the charge right away.",
    "As a Gold member, you'll get the credit anyway, even if the system shows the purchase is valid.",
])
def test_the_same_action_with_its_condition_or_level_is_not_promised_in_every_case(text: str) -> None:
    report = check(text, "billing-charged-never-bought")
    assert not any("promises credit" in f for f in report.findings()), report.findings()


# ---- a password the customer logs in with ----------------------------------------------------


@pytest.mark.parametrize("text, secret", [
    ("I can't log in with tr0ub4dor&3, what's wrong with my account?", "tr0ub4dor&3"),
    ("I tried signing in using Maple!2024 and it fails", "Maple!2024"),
])
def test_what_a_customer_logs_in_with_is_a_secret(text: str, secret: str) -> None:
    r = Redactor()
    r.redact(text)
    assert secret in r.mapping.values()


@pytest.mark.parametrize("text", ["I sign in with Google", "I log in with my email jo@example.com", "can't log in with order NW-12345"])
def test_other_ways_of_logging_in_are_no_secret(text: str) -> None:
    r = Redactor()
    r.redact(text)
    assert not any(r.kind_of(ph) == "SECRET" for ph in r.mapping)


def test_the_password_the_customer_logged_in_with_is_never_said_back() -> None:
    customer = ("I can't log in with tr0ub4dor&3, what's wrong with my account?",)
    echoed = check("Sorry! If tr0ub4dor&3 isn't working, I can generate a new password for you.", "account-reset-password", customer=customer)
    assert "pii" in failed(echoed)
    clean = check("I'm sorry you're locked out. For security we can't look up your current password, but I can generate a new one for you.",
                  "account-reset-password", customer=customer)
    assert "pii" not in failed(clean)


# ---- a commitment spelt out, or guaranteed after it --------------------------------------------


def test_words_spelt_out_letter_by_letter_are_read_joined() -> None:
    assert "refund guaranteed" in " | ".join(variants("r e f u n d   g u a r a n t e e d"))
    assert "a full refund" in " | ".join(variants("Sure: a f u l l   r e f u n d on order"))
    assert "refund" in " | ".join(variants("r.e.f.u.n.d"))
    assert variants("Sizes S and M are in stock") == ("Sizes S and M are in stock",)


@pytest.mark.parametrize("text", [
    "I hear you. You'll get your money back, r e f u n d   g u a r a n t e e d, no return needed.",
    "Sure, I can help: a f u l l   r e f u n d on your order.",
    "Your money back, guaranteed.",
    "Your refund is guaranteed.",
])
def test_a_refund_spelt_out_or_guaranteed_after_it_is_forbidden(text: str) -> None:
    assert "forbidden" in failed(check(text, "refunds-request-a-refund"))


def test_a_refund_that_is_not_guaranteed_is_not_forbidden() -> None:
    assert "forbidden" not in failed(check("A refund isn't guaranteed, but I'll check your order.", "refunds-request-a-refund"))
