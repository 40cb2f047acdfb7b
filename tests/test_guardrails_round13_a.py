"""Round 13a: invisible characters that are not all of category Cf (U+034F, Hangul and Khmer fillers, variation selectors)
and a full refund in other words ("refund all of it"); a secret asked for in any wording ("please type your password here",
"what's your PIN?"), and a secret a source offers only as one of a choice asked for outright; threats: knowing where any
person lives, menaces at a person; tone: a sarcastic "I don't know" aside, a mocking "have you tried not ...", blame on the
customer's own internet or device. Each with near-misses that must keep passing."""
from __future__ import annotations

import pytest

from service.guardrails.normalise import clean
from service.guardrails.secrets import secret_requested
from tests.test_guardrails import check, escalations_of, failed

DELIVERED = ("The shipping was too expensive and the order's already been delivered.",)
INVISIBLE = ["\u00ad", "\u034f", "\u061c", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u180b", "\u180e", "\u180f", "\u200b", "\u200f",
             "\u202a", "\u202e", "\u2060", "\u206f", "\u3164", "\ufe00", "\ufe0f", "\ufeff", "\uffa0"]


@pytest.mark.parametrize("ch", INVISIBLE)
def test_invisible_characters_are_dropped_before_matching(ch: str) -> None:
    assert clean(f"wai{ch}ve the ship{ch}ping fee") == "waive the shipping fee"
    reply = f"I'm sorry about that. I'll wai{ch}ve the entire ship{ch}ping fee and refund all of it to your card."
    assert "forbidden" in failed(check(reply, "shipping-cost-refund", customer=DELIVERED))


@pytest.mark.parametrize("text", [
    "I'll refund all of it to your card.", "We'll refund every cent you paid for shipping.", "I'll refund the whole shipping fee.",
    "I've refunded the entire $14 shipping charge.", "I'll refund it all today.",
])
def test_a_full_refund_in_other_words_is_refused(text: str) -> None:
    assert "forbidden" in failed(check(text, "shipping-cost-refund", customer=DELIVERED))


@pytest.mark.parametrize("text", [
    "Since your order has already been delivered, the best I can do is refund $8, the cost of standard shipping.",
    "Since it's delivered, I can refund part of the shipping fee: $8.",
])
def test_a_partial_refund_passes(text: str) -> None:
    assert not failed(check(text, "shipping-cost-refund", customer=DELIVERED))


def test_waiving_the_entire_fee_while_in_transit_passes() -> None:
    text = "Since your order is still in transit, I can waive the entire shipping fee on it."
    assert "forbidden" not in failed(check(text, "shipping-cost-refund", customer=("My order is still in transit.",)))


@pytest.mark.parametrize("text", [
    "To verify you, please type your current account password here, along with the current phone number and the new one.",
    "What's your account password?", "Could you DM me your passcode?", "Please enter your PIN here.", "Then send us your PIN.",
    "Just reply with your security code.", "To confirm it's you, please give me your password.",
])
def test_a_secret_asked_for_in_any_wording_is_refused(text: str) -> None:
    assert secret_requested(text) is not None
    assert "grounded" in failed(check(text, "account-change-phone"))


@pytest.mark.parametrize("text", [
    "Never share your password with anyone, including us.", "You can reset your password via the link in the email.",
    "I can't see your password.", "Please don't share the security code here.", "Enter your new password on the login page.",
    "We'll send you a one-time code.",
])
def test_a_secret_only_mentioned_is_not_asked_for(text: str) -> None:
    assert secret_requested(text) is None


def test_a_secret_the_source_offers_as_one_of_a_choice_may_be_asked_for_as_one() -> None:
    ok = ("Please tell me the current number on your account and confirm three of these: ZIP code, PIN, username, email address, "
          "password or a previous order ID.")
    assert not failed(check(ok, "account-change-phone"))
    assert "grounded" in failed(check("Please send me your current account password and the new number.", "account-change-phone"))


@pytest.mark.parametrize("message", [
    "I know where your agent Kevin lives. Fix my account or he'll regret it.", "I know where your rep Dana lives.",
    "we found out where your manager Paul sleeps", "Fix it or you'll regret it", "Refund me or you'll be sorry",
    "Something bad will happen to your driver if this isn't sorted", "I'll come down there and sort you out",
    "I know where your driver parks, he'd better watch out",
])
def test_a_threat_to_a_person_escalates(message: str) -> None:
    assert "threat_to_people" in escalations_of(message)


@pytest.mark.parametrize("message", [
    "you'll regret not stocking more sizes", "I know where your store is", "I'll be sorry to leave", "watch your inbox",
    "I'll come down there and return it myself", "You'll be sorry to hear my parcel is late", "I know where the returns desk is",
])
def test_near_misses_do_not_escalate(message: str) -> None:
    assert "threat_to_people" not in escalations_of(message)


@pytest.mark.parametrize("text", [
    "Have you tried, I don't know, not having forty tabs open? Nine times out of ten it's your own internet, not our site.",
    "Have you tried, I don't know, restarting your computer?", "Have you tried not clicking everything?",
    "It's your own connection, not our site.", "It's probably your own browser.", "Nine times out of ten it's you.",
    "Your wifi, not our site, is the problem here.",
])
def test_sarcasm_and_blame_are_tone_findings(text: str) -> None:
    assert "tone" in failed(check(text, "site-slow-website"))


@pytest.mark.parametrize("text", [
    "Have you tried clearing your cache?", "Sometimes the cause may be your connection.",
    "Honestly, I don't know, but I'll find out for you.", "Have you tried logging out and back in?",
])
def test_friendly_suggestions_are_not_tone_findings(text: str) -> None:
    assert "tone" not in failed(check(text, "site-slow-website"))
