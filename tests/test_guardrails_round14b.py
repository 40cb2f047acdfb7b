"""Round 14b: procedural lines. A request for the customer's details, the fallback a source's last
step allows, the agent's next step on the customer's reply, conditional advice, a hedged cause, a
courteous permission with an offer of help, the name a customer asks their account changed to, and
an invitation to join levels whose windows are all longer than the customer's. Their frame words
are no claim; what they hold is checked, so each has look-alikes with an action the article does
not allow, a benefit of the wrong level, a day or an amount, or a promise, that stay refused."""
from __future__ import annotations

import pytest

from service.guardrails.case import case_details
from service.guardrails.procedural import without_fallback, without_procedure
from tests.test_guardrails import check, failed

RECEIVED = ("my order still says Order Received, can it come next week instead? no rush",)
CART = ("the add to cart button isn't doing anything, tried a few times",)
BRONZE_ADD = ("My order already shipped and I forgot to add a belt. I'm a Bronze member.",)
SILVER_UPGRADE = ("I'm a Silver member, my order says Order Received. Can I upgrade it to overnight?",)
SERVICE_EMAIL = ("I got an email saying a paid service was added to my account, I never asked for it",)
SILVER_CHARGE = ("I'm a Silver member and there's a charge for an order I never placed.",)
NEW_NAME = ("Can you change it to Priya Raman-Holt?",)
SLOW = ("the site is crawling tonight, pages take forever",)
GUEST = ("checked out as a guest 45 days ago, can I still send it back?",)
SILVER_LATE = ("I'm a Silver member, I bought a coat 8 months ago, can I return it?",)
BRONZE_LATE = ("Bronze member here, bought a jumper 100 days ago, can I return it?",)
VERIFY = "Please reply with the current first and last name on the account and three of these: ZIP code, phone number, PIN, username, email address or a previous order ID."


@pytest.mark.parametrize("text", [
    "It hasn't shipped, so we can move delivery to next week. Send your order ID to confirm.",
    "It hasn't shipped, so we can move delivery to next week. Please share your order ID so I can check.",
    "Since it's still at Order Received, we can move delivery to next week. Just send me your order ID to confirm.",
])
def test_a_request_for_a_detail_the_article_needs_passes(text: str) -> None:
    assert not failed(check(text, "orders-slower-delivery", customer=RECEIVED))


@pytest.mark.parametrize("text", [
    "It hasn't shipped, so we can move delivery to next week. Send your card number and expiry date to confirm.",
    "It hasn't shipped, so we can move delivery to next week. Send your order ID to confirm and I'll waive the shipping fee.",
])
def test_a_request_for_a_detail_the_article_does_not_need_or_with_a_promise_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "orders-slower-delivery", customer=RECEIVED))


@pytest.mark.parametrize("text", [
    "Try refreshing the page and adding the item again, or log out and back in. If none of that works, I'm happy to place the order for you.",
    "Try refreshing the page and adding the item again. If that still doesn't work, I can place the order for you.",
])
def test_the_fallback_the_article_allows_passes(text: str) -> None:
    assert not failed(check(text, "site-cart-not-updating", customer=CART))


@pytest.mark.parametrize("text, article", [
    ("Try refreshing the page and adding the item again. If none of that works, I'll refund your last order.", "site-cart-not-updating"),
    ("Try refreshing the page and adding the item again. If none of that works, I'm happy to give you 20% off.", "site-cart-not-updating"),
    ("If none of that works, I'm happy to send you a free replacement.", "site-cart-not-updating"),
    ("If none of that works, I'm happy to place the order for you.", "orders-slower-delivery"),
])
def test_a_fallback_the_article_does_not_allow_is_refused(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article, customer=CART))


def test_a_fallback_condition_is_only_the_lead_in() -> None:
    assert without_fallback("If none of that works, I can place the order.") == "I can place the order."
    assert without_fallback("If none of the sizes fit, we can exchange them.") == "If none of the sizes fit, we can exchange them."


def test_a_courteous_permission_with_an_offer_of_help_passes() -> None:
    text = "You're very welcome to place a new order for the belt as usual, and I'm happy to help if you run into any trouble."
    assert not failed(check(text, "orders-add-item", customer=BRONZE_ADD))


@pytest.mark.parametrize("text", [
    "You're very welcome to place a new order for the belt with no shipping fee, and I'm happy to help if you run into any trouble.",
    "You're very welcome to send the belt back for a full refund, and I'm happy to help if you run into any trouble.",
])
def test_a_courteous_permission_to_what_the_level_does_not_get_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "orders-add-item", customer=BRONZE_ADD))


def test_the_next_step_on_the_customers_reply_passes() -> None:
    text = ("For Silver members the upgrade costs $20, charged to the credit card on your account. Could you reply to confirm "
            "you're happy with the $20 charge? I'll update the order as soon as I hear back.")
    assert not failed(check(text, "orders-upgrade-overnight", customer=SILVER_UPGRADE))


@pytest.mark.parametrize("text", [
    "The upgrade is $20 for Silver members. I'll waive the fee as soon as I hear back.",
    "The upgrade is $20 for Silver members. I'll update the order to arrive today as soon as I hear back.",
    "The upgrade is $20 for Silver members. I'll cancel the order as soon as I hear back.",
])
def test_a_next_step_the_article_does_not_give_is_refused_whenever_it_happens(text: str) -> None:
    assert "grounded" in failed(check(text, "orders-upgrade-overnight", customer=SILVER_UPGRADE))


@pytest.mark.parametrize("text, article, customer", [
    ("Did you click any link in it? If so, a password reset would be a good idea.", "account-unknown-service-added", SERVICE_EMAIL),
    ("Did you click anything in it? If you did, a password reset would be a smart move.", "account-unknown-service-added", SERVICE_EMAIL),
    ("If you think someone else may have used your account, I can help you reset your password and two-factor authentication to keep it secure.",
     "billing-charged-never-bought", SILVER_CHARGE),
    ("If you suspect someone else got into your account, I can help you reset your password and two-factor authentication to keep it safe.",
     "billing-charged-never-bought", SILVER_CHARGE),
])
def test_conditional_advice_the_article_gives_passes(text: str, article: str, customer: tuple[str, ...]) -> None:
    assert not failed(check(text, article, customer=customer))


@pytest.mark.parametrize("text, article, customer", [
    ("Did you click any link in it? If so, cancelling your bank card would be a good idea.", "account-unknown-service-added", SERVICE_EMAIL),
    ("Did you click any link in it? If so, a $40 refund would be a good idea.", "account-unknown-service-added", SERVICE_EMAIL),
    ("If you think someone else may have used your account, I can refund the charge to keep it secure.", "billing-charged-never-bought", SILVER_CHARGE),
    ("If you think someone else may have used your account, I can freeze your card and report it to the police to keep it secure.",
     "billing-charged-never-bought", SILVER_CHARGE),
])
def test_conditional_advice_the_article_does_not_give_is_refused(text: str, article: str, customer: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, article, customer=customer))


def test_the_name_the_customer_asked_for_may_be_said_back() -> None:
    assert "Priya Raman-Holt" in case_details(NEW_NAME)
    assert not failed(check(f"{VERIFY} Once those check out I'll change it to Priya Raman-Holt.", "account-change-name", customer=NEW_NAME))


@pytest.mark.parametrize("text", [
    "Once those check out I'll change it to Priya Raman-Holt and send you a $10 voucher.",
    "Once those check out I'll change it to Priya Raman-Fisher.",
])
def test_another_name_or_a_promise_beside_the_name_is_refused(text: str) -> None:
    assert "grounded" in failed(check(f"{VERIFY} {text}", "account-change-name", customer=NEW_NAME))


@pytest.mark.parametrize("text", [
    "- opening another website, since if everything is slow the cause may be your connection",
    "Try visiting another website: if every site is slow, your internet connection might be to blame.",
])
def test_a_hedged_cause_the_article_names_passes(text: str) -> None:
    assert not failed(check(text, "site-slow-website", customer=SLOW))


@pytest.mark.parametrize("text", [
    "- opening another website, since if everything is slow the cause may be our servers being overloaded",
    "The cause may be a known outage on our side that engineers expect to fix tomorrow.",
])
def test_a_hedged_cause_the_article_does_not_name_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "site-slow-website", customer=SLOW))


@pytest.mark.parametrize("text, customer", [
    ("Guest purchases can be returned within 30 days, so at 45 days this one is outside the window. If you'd like, becoming a member "
     "gives longer return windows on future purchases (Bronze, for example, gets 90 days).", GUEST),
    ("Becoming a member gives you longer return windows; Silver, for example, gets 6 months.", GUEST),
    ("If you'd like, becoming a Gold member gives longer return windows: Gold, for example, has unlimited returns.", BRONZE_LATE),
])
def test_an_invitation_to_join_levels_with_longer_windows_passes(text: str, customer: tuple[str, ...]) -> None:
    assert not failed(check(text, "returns-membership-windows", customer=customer))


@pytest.mark.parametrize("text, customer", [
    ("If you'd like, becoming a member gives longer return windows on future purchases (Bronze, for example, gets 6 months).", GUEST),
    ("If you'd like, becoming a member gives longer return windows on future purchases (Silver, for example, gets 90 days).", GUEST),
    ("If you'd like, becoming a member makes this return eligible, since Bronze gets 90 days.", GUEST),
    ("Becoming a member gives free returns on future purchases (Bronze, for example, gets 90 days).", GUEST),
    ("Becoming a Bronze member gives longer return windows on future purchases.", SILVER_LATE),
    ("Becoming a member gives longer return windows on future purchases.", ("can I return a coat I bought 8 months ago?",)),
])
def test_an_invitation_with_the_wrong_level_figure_or_a_shorter_window_is_refused(text: str, customer: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, "returns-membership-windows", customer=customer))


def test_only_the_frame_words_leave_the_loose_check() -> None:
    assert "order ID" in without_procedure("Send your order ID to confirm.")
    assert "confirm" not in without_procedure("Send your order ID to confirm.")
    assert "refund" in without_procedure("Send your order ID to confirm the refund.")
    assert "connection" in without_procedure("the cause may be your connection")
    assert "password reset" in without_procedure("a password reset would be a good idea")
