"""Eleventh round (fix-11a): procedural and conversational lines that carry no fact about policy
(the agent's own next step and its timing, a channel courtesy, a list lead-in, a friendly line)
need no support; a timing word or an outcome attached to a policy action is still a claim."""

from __future__ import annotations

import pytest

from service.guardrails.claims import is_conversational
from tests.test_guardrails import check, failed


@pytest.mark.parametrize("line", [
    "I'll be in touch as soon as I've checked.",
    "I'll confirm what I find as soon as I've checked.",
    "I'll be in touch shortly with what I find.",
    "We'll get back to you soon with what we find.",
    "I'll send it over shortly.",
    "As soon as I have those I'll get it started and let you know.",
    "That helps me match it up quickly.",
    "Please DM us rather than posting personal info here and we'll take it from there.",
    "Please send those by DM rather than posting them publicly, and we'll take it from there.",
    "A few of the main differences:",
    "No worries, this happens more often than you'd think.",
    "New phones catch a lot of people out with two-factor codes.",
    "Almost there, Oscar!",
    "No worries, Clemence, I can fix that.",
    "it's worth a quick read once you're back in.",
])
def test_a_procedural_or_friendly_line_is_conversational(line: str) -> None:
    assert is_conversational(line)


@pytest.mark.parametrize("line", [
    "I'll refund it shortly.",
    "I'll refund it today.",
    "Your replacement ships today.",
    "We'll waive the fee shortly.",
    "You'll be able to return it anytime.",
    "I'll send it over today.",
    "I'll be in touch shortly with your refund.",
    "As soon as I have those I'll refund the difference and let you know.",
    "That helps me refund it quickly.",
    "Please DM us rather than posting them here and we'll send a free replacement.",
    "New phones catch a lot of people out, so we waive the fee.",
    "A few of the differences: Gold gets free overnight upgrades.",
])
def test_a_timing_or_outcome_on_a_policy_action_stays_a_claim(line: str) -> None:
    assert not is_conversational(line)


def test_the_agents_next_step_in_a_reply_passes() -> None:
    text = ("I'll confirm how many shirts were charged on your order. If an extra shirt really was added and the order hasn't "
            "shipped yet, I can remove it and refund it right away. I'll be in touch shortly with what I find.")
    report = check(text, "orders-wrong-quantity")
    assert report.passed, report.findings()


def test_a_policy_action_with_a_timing_word_is_refused() -> None:
    for text in ("I'll refund the extra shirt shortly, no need to check anything.", "Your replacement ships today."):
        assert "grounded" in failed(check(text, "orders-wrong-quantity")), text


def test_a_channel_courtesy_passes_but_not_a_promise_made_with_it() -> None:
    ok = ("We check it's really you before we share or change anything, so no one else can redirect your orders. "
          "Please DM us rather than posting your details here and we'll take it from there.")
    assert "grounded" not in failed(check(ok, "account-identity-verification", channel="social"))
    bad = "Please DM us rather than posting your details here and we'll send a free replacement right away."
    assert "grounded" in failed(check(bad, "account-identity-verification", channel="social"))


@pytest.mark.parametrize("text,article", [
    ("Sure, I can update that today. Could you read me the phone number that's on the account now?", "account-change-phone"),
    ("We'll check whether your premium subscription is active and send a login link so you can check anytime.", "subscription-status-active"),
])
def test_the_day_of_the_agents_change_or_the_customers_own_look_up_is_no_claim(text: str, article: str) -> None:
    assert "grounded" not in failed(check(text, article)), check(text, article).findings()


@pytest.mark.parametrize("text", ["You can return it anytime.", "I can refund that today.", "Your replacement ships today.", "You can pay it anytime."])
def test_a_day_or_no_limit_on_a_policy_action_is_still_a_fact(text: str) -> None:
    from service.guardrails.numbers import prepare
    from service.guardrails.passages import facts_of

    assert facts_of(prepare(text))


def test_a_read_recommended_is_left_out_but_what_is_sent_is_checked() -> None:
    ok = "I'll also send you our security best practices guide; it's worth a quick read once you're back in."
    assert "grounded" not in failed(check(ok, "account-reset-two-factor"))
    bad = "I'll also send you a free replacement phone; it's worth a quick read once you're back in."
    assert "grounded" in failed(check(bad, "account-reset-two-factor"))
