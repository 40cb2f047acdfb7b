"""Issue 13, round 18e: a hedged lead-in to the customer's own steps, a safe security step advised, and a
generic "we'll sort it out" after a bare request for details.

* "Both can usually be sorted at home." before sourced care steps is a hedged summary of them: no fee,
  figure, level or promise (:mod:`service.guardrails.hedged_steps`); "Both can be repaired free of charge
  at home." and a promise after the lead-in are refused.
* "If so, I'd recommend resetting your password." is a safe, generic security step in a hedged
  conditional (the cited article recommends a password reset too); "I'd recommend a refund of $60",
  sending us the password, or a refund added after the advice are refused.
* "Send us your full name or account ID and we'll sort it out." after a level's sourced replacement code:
  a bare request naming the details is a request (:func:`service.guardrails.moves.asks_their_details`), so
  the generic step after it says nothing of the level; "we'll sort it out with a full refund", "... with a
  code for 30% off" and "... and send you a free gift today" keep the level and are refused.
"""

from __future__ import annotations

import pytest

from service.guardrails.courtesy import is_conversational
from service.guardrails.hedged_steps import hedged_lead_in, security_step
from tests.test_guardrails import check, failed

BOOTS = "products-boots-faq"
JEANS = "products-jeans-faq"
UNKNOWN = "account-unknown-service-added"
PROMO = "promotions-promo-code-expired"
STAINED = ("My toddler got chewing gum on my new boots, and there's some paint on the toe. Help?",)
GUM = " Gum: hold an ice cube in a plastic bag against it until the gum hardens, then ease it off with a blunt edge such as a plastic card."
EMAILED = ("I got an email saying a 'Premium Care Plan' was added to my account. I never asked for that!",)
SILVER = ("Silver member and my promo code expired before I could use it",)
CODE = "As a Silver member you can get a replacement code for 20% off your next purchase. "


# ---- 1. a hedged lead-in to the customer's own steps ----------------------------------------------------


@pytest.mark.parametrize("lead", [
    "Both can usually be sorted at home.",  # faith-4913
    "Good news: both can usually be cleaned off at home.",
    "It can often be sorted yourself with a few simple steps.",
    "The gum can generally be lifted off at home.",
])
def test_a_hedged_lead_in_to_sourced_steps_is_used(lead: str) -> None:
    assert "grounded" not in failed(check(lead + GUM, BOOTS, customer=STAINED))


@pytest.mark.parametrize("lead", [
    "Both can be repaired free of charge at home.",
    "Both can usually be sorted at home for free.",
    "Both can usually be sorted at home, or we'll replace the boots.",
    "Both can usually be repaired in store within 2 days.",
    "Both can always be removed at home.",
])
def test_a_fee_a_promise_or_no_hedge_in_the_lead_in_is_refused(lead: str) -> None:
    assert "grounded" in failed(check(lead + GUM, BOOTS, customer=STAINED))


def test_a_lead_in_with_a_replacement_after_it_is_refused_for_jeans() -> None:
    text = ("It can usually be sorted at home, and if not we'll send you a free replacement pair. Rub a little liquid laundry "
            "detergent into the stain, leave it for 15 minutes, then wash inside out in cold water.")
    assert "grounded" in failed(check(text, JEANS, customer=("grass stain on the knee of my jeans, any tips?",)))


def test_the_lead_in_form() -> None:
    assert hedged_lead_in("Both can usually be sorted at home.")
    assert hedged_lead_in("These can often be wiped off without much fuss!")
    assert not hedged_lead_in("Both can be sorted at home.")  # no hedge
    assert not hedged_lead_in("Both can usually be repaired at home.")  # a repair could be a service of ours
    assert not hedged_lead_in("Both are covered by our warranty.")
    assert not is_conversational("Both can usually be sorted at home for free.")


# ---- 2. a safe security step advised --------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Did you click any link in the email? If so, I'd recommend resetting your password.",  # faith-4931
    "If you clicked the link, it's a good idea to change your password straight away.",
    "To be safe, you may want to reset your password.",
    "If you did, I'd suggest turning on two-step verification.",
])
def test_a_hedged_security_step_is_used(text: str) -> None:
    assert "grounded" not in failed(check(text, UNKNOWN, customer=EMAILED))


@pytest.mark.parametrize("text", [
    "If so, I'd recommend resetting your password, and we'll refund you $60.",
    "If so, I'd recommend sending us your password so we can check.",
])
def test_a_refund_or_the_password_sent_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, UNKNOWN, customer=EMAILED))


def test_the_security_step_form() -> None:
    assert security_step("If so, I'd recommend resetting your password.")
    assert not security_step("If so, I'd recommend resetting your password using the link in that email.")  # how: not this form
    assert not security_step("If so, I'd recommend sharing your password with us.")
    assert not security_step("If so, I'd recommend a refund of $40.")
    assert not is_conversational("If so, I'd recommend a refund of $40.")


# ---- 3. a generic step after a bare request for details -----------------------------------------------


@pytest.mark.parametrize("tail", [
    "Send us your full name or account ID and we'll sort it out.",  # faith-4956
    "Send us your account ID and we'll take care of it.",
    "Tell us your full name and we'll look into it.",
    "Send us your full name or account ID and we'll set it up.",
])
def test_a_generic_step_after_a_bare_request_is_used(tail: str) -> None:
    assert "grounded" not in failed(check(CODE + tail, PROMO, channel="social", customer=SILVER))


@pytest.mark.parametrize("tail", [
    "Send us your full name or account ID and we'll sort it out with a full refund.",
    "Send us your full name or account ID and we'll sort it out and send you a new pair today.",
    "Send us your account ID and we'll sort it out with a code for 30% off.",
])
def test_an_outcome_after_the_request_is_refused(tail: str) -> None:
    assert "grounded" in failed(check(CODE + tail, PROMO, channel="social", customer=SILVER))


def test_a_wrong_figure_before_the_request_is_still_refused() -> None:
    text = "As a Silver member you can get a replacement code for 30% off your next purchase. Send us your full name and we'll sort it out."
    assert "grounded" in failed(check(text, PROMO, channel="social", customer=SILVER))
