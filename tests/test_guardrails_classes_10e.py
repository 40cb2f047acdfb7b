"""Tenth round (fix-10e): a request for a secret (the full card number, the card's security code, a
password, a PIN, a one-time code) is refused wherever it is asked, in a sentence or as list items
under a request lead-in, unless a cited source asks for that very secret; a list asking for what
the sources ask (username, e-mail, order ID, ZIP code, the last four digits) stays used."""

from __future__ import annotations

import pytest

from service.guardrails.secrets import secret_asked
from tests.test_guardrails import check, failed


@pytest.mark.parametrize("what", [
    "the full number of the card on file", "its security code", "your PIN", "the CVV on the back", "your password",
    "the one-time code we texted you", "the card number",
])
def test_a_secret_is_asked_for(what: str) -> None:
    assert secret_asked(what)


@pytest.mark.parametrize("what", [
    "the last four digits of the card number", "your ZIP code", "your username", "your order ID", "never your password",
    "the email on the account", "the password reset link",
])
def test_what_the_sources_ask_is_no_secret(what: str) -> None:
    assert secret_asked(what) is None


@pytest.mark.parametrize("text, article", [
    ("To do this, please reply with:\n- the full number of the card on file\n- its security code", "account-change-address"),
    ("To do this, please reply with:\n- the full number of the card on file\n- its security code", "site-card-declined"),
    ("To do this, please reply with:\n- your username\n- your old password", "account-reset-password"),
    ("To generate a new password, please reply with:\n1. your username\n2. the one-time code we texted you", "account-reset-password"),
    ("I can update your address. Could you send me your CVV and the current street address on your account?", "account-change-address"),
    ("Please send the card number, expiration date and the security code.", "site-card-declined"),
])
def test_a_request_for_a_secret_is_refused_in_a_sentence_or_a_list(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article))


@pytest.mark.parametrize("text, article", [
    ("I can update your address. To do this, please reply with:\n- the current street address on your account\n"
     "- three of these: ZIP code, phone number, PIN, username, email address or a previous order ID", "account-change-address"),
    ("To do this, please reply with:\n- the last four digits of the card\n- the ZIP code", "site-card-declined"),
    ("Please send the card number and expiration date, plus the brand and item.", "site-card-declined"),
    ("Please tell me the current number on your account and confirm three of these: ZIP code, PIN, username, email address, "
     "password or a previous order ID.", "account-change-phone"),
])
def test_a_request_for_what_the_sources_ask_passes(text: str, article: str) -> None:
    assert "grounded" not in failed(check(text, article))


GUEST = "I ordered the same shirt twice by mistake. I checked out as a guest."
GOLD = "I ordered the same shirt twice by mistake. I'm a Gold member."


@pytest.mark.parametrize("text", ["I'll issue a refund now.", "No problem, I'll refund the extra shirt right away."])
def test_an_unqualified_promise_of_what_the_sources_give_other_levels_only_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "orders-cancel-duplicate-item", customer=(GUEST,)))


@pytest.mark.parametrize("text, customer", [
    ("I'll issue a refund now.", GOLD),
    ("I'll refund the extra shirt now.", GOLD),
    ("I'll refund it once the extra item arrives back with us.", GUEST),
])
def test_the_promise_to_a_level_the_sources_give_it_or_with_a_condition_passes(text: str, customer: str) -> None:
    assert "grounded" not in failed(check(text, "orders-cancel-duplicate-item", customer=(customer,)))
