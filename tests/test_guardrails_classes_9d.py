"""Issue 13, ninth round (9d): a wrong verdict on the customer's own case, or a figure applied to the wrong thing."""

from __future__ import annotations

import pytest

from tests.test_guardrails import check, failed

PW = " For your security, never share your password with anyone, including us."
BILL_30 = ("I'm a Silver member and my premium subscription bill was $30 more than it should have been. I already paid it.",)
BILL_8 = ("I'm Silver. My subscription bill was $58 but it should have been $50, and I've paid it.",)
COAT = ("I'm a Silver member. I bought this coat 9 months ago, no receipt and the box is gone. Can I still return it?",)
WORN = ("The soles of my boots are worn down after a year of daily wear. Is that covered by the warranty?",)
GUEST = ("I'm just a guest, no membership. I bought a sweater 2 months ago, lost the receipt but it's still in the original packaging.",)


@pytest.mark.parametrize("text, articles, customer", [
    ("As a Silver member you get the refund, so I'll refund the difference once I've checked your bill.", ("subscription-billing-dispute",), BILL_30),
    ("Since you're a Silver member, your $20 overcharge qualifies for a refund of the difference.", ("subscription-billing-dispute",),
     ("I'm Silver. My subscription bill was $45 but it should have been $25, and I've paid it.",)),
    ("Good news: your $60 cart qualifies for free standard shipping.", ("store-pricing-extras",), ("My cart is at $60 right now, do I get free shipping?",)),
    ("As a Silver member you qualify for the extension, so you're all set for a few more days.", ("subscription-payment-extension",),
     ("I'm a Silver member and my subscription payment is 4 days late. Can I get an extension?",)),
])
def test_a_grant_the_customers_own_figures_do_not_meet_is_refused(text: str, articles: tuple[str, ...], customer: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, *articles, customer=customer))


@pytest.mark.parametrize("text, articles, customer", [
    ("I'm sorry, for Silver members we can only refund a billing error of less than $10, so the $30 difference doesn't qualify.",
     ("subscription-billing-dispute",), BILL_30),
    ("As a Silver member, your $8 overcharge is less than $10, so it qualifies for a refund of the difference.", ("subscription-billing-dispute",), BILL_8),
    ("Good news, orders of $75 or more get free standard shipping, so your $80 cart qualifies.", ("store-pricing-extras",),
     ("My cart is at $80 right now, do I get free shipping?",)),
])
def test_the_right_verdict_on_the_customers_figures_passes(text: str, articles: tuple[str, ...], customer: tuple[str, ...]) -> None:
    report = check(text, *articles, customer=customer)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "As a Silver member, your coat is within the 6 months, so you can send it back.",
    "Your coat is still inside the six-month window for Silver members.",
])
def test_the_customers_case_said_to_be_within_a_limit_it_passes_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "returns-membership-windows", customer=COAT))


def test_a_limit_the_customers_case_meets_may_be_said_of_it() -> None:
    report = check("As a Silver member, your coat is within the 6 months, so you can send it back.", "returns-membership-windows",
                   customer=("I'm a Silver member. I bought this coat 2 months ago. Can I return it?",))
    assert report.passed, report.findings()


@pytest.mark.parametrize("text, article, channel", [
    ("Of course. Reply with your username, or your current password, and I'll generate a new one for you." + PW, "account-reset-password", "chat"),
    ("Sure, I can place it for you. Please send the card number and expiration date, or the security code on the back, plus the brand and item.",
     "site-card-declined", "chat"),
    ("Please confirm three of these: your full name, ZIP code, phone number or email address, or your account password.", "account-recover-username", "social"),
])
def test_a_secret_agents_must_not_take_or_no_source_asks_for_is_refused(text: str, article: str, channel: str) -> None:
    assert "grounded" in failed(check(text, article, channel=channel, customer=("I need help with my account",)))


@pytest.mark.parametrize("text, article", [
    ("Of course. Reply with your username and either your PIN or the answer to your security question, and I'll generate a new password for you." + PW,
     "account-reset-password"),
    ("Sure, I can place it for you. Please send the card number and expiration date, plus the brand and item you'd like.", "site-card-declined"),
])
def test_a_request_for_the_details_the_source_lists_passes(text: str, article: str) -> None:
    report = check(text, article, customer=("I need help with my account",))
    assert report.passed, report.findings()


@pytest.mark.parametrize("text, article, customer", [
    ("Yes, the warranty covers it. Send me your order ID and I'll get the claim started.", "products-boots-faq", WORN),
    ("Good news, worn-down soles are covered under the 1-year warranty, so we can look at a claim.", "products-boots-faq", WORN),
    ("Since it's still in its original packaging, the sweater can come back even without the receipt.", "returns-membership-windows", GUEST),
    ("Yes! Since your order is over $75, overnight shipping is included for free.", "store-pricing-extras", ("My order is $90. Will overnight shipping be free too?",)),
])
def test_a_positive_verdict_on_what_the_source_excludes_is_refused(text: str, article: str, customer: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, article, customer=customer))


@pytest.mark.parametrize("text, article, customer", [
    ("I'm sorry, the 1-year warranty covers manufacturing defects such as sole separation or broken stitching, but normal wear and tear isn't covered.",
     "products-boots-faq", WORN),
    ("I'm sorry about that. Sole separation is a manufacturing defect, so it's covered by the 1-year warranty.", "products-boots-faq",
     ("The sole of my left boot came away from the upper after 3 months. Is that covered?",)),
    ("I'm sorry, guests can return within 30 days or with a receipt; original packaging alone doesn't qualify, so at 2 months without the receipt "
     "the sweater can't come back.", "returns-membership-windows", GUEST),
    ("Since it's still in its original packaging, the sweater can come back even without the receipt.", "returns-membership-windows",
     ("I'm a Bronze member. I bought a sweater 4 months ago, lost the receipt but it's still in the original packaging.",)),
])
def test_the_exclusion_said_right_or_a_case_it_does_not_touch_passes(text: str, article: str, customer: tuple[str, ...]) -> None:
    report = check(text, article, customer=customer)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text, article, customer", [
    ("Gift wrapping is $5 per item, so your shipping would be $5.", "store-pricing-extras", ("How much is gift wrapping? And shipping?",)),
    ("Yes, we can hem them in store, and hemming both your pairs comes to $15.", "products-jeans-faq", ("Can you hem both of my pairs of jeans?",)),
    ("Gift wrapping is $5 per item, so wrapping both gifts comes to $5.", "store-pricing-extras", ("I want two gifts wrapped, what's the cost?",)),
    ("Name stitching is $10 per item, so your three shirts would come to $10.", "store-pricing-extras", ("My name on three shirts, what's the cost?",)),
])
def test_a_price_carried_to_another_thing_or_not_multiplied_is_refused(text: str, article: str, customer: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, article, customer=customer))


@pytest.mark.parametrize("text, article, customer", [
    ("Gift wrapping is $5 per item, and standard shipping is $8 per order.", "store-pricing-extras", ("How much is gift wrapping? And shipping?",)),
    ("Yes, we hem jeans in store for $15 a pair, so both your pairs come to $30.", "products-jeans-faq", ("Can you hem both of my pairs of jeans?",)),
    ("Gift wrapping is $5 per item, so wrapping both gifts comes to $10.", "store-pricing-extras", ("I want two gifts wrapped, what's the cost?",)),
    ("We hem jeans in store for $15 a pair, so taking your 34-inch pair up to a 32 would cost $15.", "products-jeans-faq", ("Can you take my 34 inch jeans up to a 32?",)),
])
def test_a_price_said_of_its_own_thing_and_multiplied_passes(text: str, article: str, customer: tuple[str, ...]) -> None:
    report = check(text, article, customer=customer)
    assert report.passed, report.findings()


def test_the_customers_case_said_to_be_inside_their_levels_window_it_passes_is_refused() -> None:
    assert "grounded" in failed(check("Good news, your coat is still inside your Silver return window.", "returns-membership-windows", customer=COAT))
    report = check("Good news, your coat is still inside your Silver return window.", "returns-membership-windows",
                   customer=("I'm a Silver member. I bought this coat 2 months ago. Can I return it?",))
    assert report.passed, report.findings()


def test_a_price_per_item_given_for_the_customers_several_things_is_refused() -> None:
    customer = ("Can you hem my two pairs of jeans? How much?",)
    assert "grounded" in failed(check("Sure, we can hem them in store, and hemming them comes to $15.", "products-jeans-faq", customer=customer))
    report = check("Sure, we hem jeans in store for $15 a pair, so hemming them comes to $30.", "products-jeans-faq", customer=customer)
    assert "grounded" not in failed(report) or not any("per item" in f for f in report.findings()), report.findings()
