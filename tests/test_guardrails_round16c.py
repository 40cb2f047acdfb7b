"""Round 16c: invitations to message, DM, call, reply or write back read as conversational too broadly. A secret as
the thing to send ("Message us your card number") is refused; a wait in the invitation's condition ("Message us if
it's not there in a couple of days", "If it hasn't arrived by Friday, just let us know") must be a threshold a cited
source gives ("a week or longer"); an act of ours after the invitation ("Message us and we'll reship it straight
away") is a claim. The faithful twins ("DM us your order number", "Reply here if it still hasn't arrived", "Message
us if it's still not there after a week", "Just let us know and we'll look into it") are used as written."""
from __future__ import annotations

import pytest

from service.guardrails.courtesy import is_conversational
from service.guardrails.invitations import unsupported_wait
from tests.test_guardrails import check, failed

MISSING = "Deliveries can take a couple of days, and packages are sometimes marked as delivered before they actually arrive."
SOURCE = ["Less than a week (7 days or less): reassure the customer. Shipping can take a couple of days.",
          "A week or longer: we send a replacement order.",
          "If it's been a week or more we'll send a replacement."]
PACKAGE = "my package says delivered but it isn't here"


def grounded_fails(text: str, channel: str = "chat") -> bool:
    return "grounded" in failed(check(text, "shipping-missing-package", channel=channel, customer=(PACKAGE,)))


# ---- a secret as the thing to send ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ask", ["Message us your card number.", "DM us your password and we'll take a look.",
                                 "Reply with your PIN and I'll check.", "Send us a message with your card number.",
                                 "Send us a DM with the 3-digit code on the back of your card.", "DM us your login code."])
def test_an_invitation_to_send_a_secret_is_refused(ask: str) -> None:
    assert grounded_fails(f"{MISSING} {ask}", channel="social")


@pytest.mark.parametrize("ask", ["DM us your order number.", "DM us your username and email address.", "Send us a DM with your order ID."])
def test_an_invitation_to_send_what_the_source_asks_for_is_used(ask: str) -> None:
    assert not grounded_fails(f"{MISSING} {ask}", channel="social")


# ---- a wait in the invitation's condition -----------------------------------------------------------------------------


@pytest.mark.parametrize("invite", ["Message us if it's not there in a couple of days.", "If it hasn't arrived by Friday, just let us know.",
                                    "Reply here if it still hasn't arrived in 3 days.", "Drop us a line if it's not there within 48 hours.",
                                    "Call us back if it hasn't turned up by tomorrow.", "Write back if it's still missing after 5 days.",
                                    "Message us if it's not there in a few days and we'll sort it out."])
def test_a_wait_no_source_gives_is_found(invite: str) -> None:
    assert unsupported_wait(invite, SOURCE)


@pytest.mark.parametrize("invite", ["Message us if it's not there in a week.", "If it still hasn't arrived after a week, just let us know.",
                                    "Call us back if it's still not there after 7 days.", "Reply here if it still hasn't arrived.",
                                    "Message us if you need anything else.", "Let us know if it shows up in the meantime.",
                                    "Shipping can take a couple of days, so let us know how it goes."])
def test_the_sources_wait_or_none_is_not_found(invite: str) -> None:
    assert unsupported_wait(invite, SOURCE) is None


def test_an_upper_end_of_a_range_is_a_threshold() -> None:
    assert unsupported_wait("Let us know if it hasn't shown up after 7 business days.", ["Refunds take 5-7 business days to appear."]) is None
    assert unsupported_wait("Let us know if it hasn't shown up after 3 business days.", ["Refunds take 5-7 business days to appear."])


@pytest.mark.parametrize("invite", ["Message us if it's not there in a couple of days.", "If it hasn't arrived by Friday, just let us know.",
                                    "Please write back if it hasn't turned up in 3 days."])
def test_an_invitation_with_a_wait_no_source_gives_is_refused(invite: str) -> None:
    assert grounded_fails(f"{MISSING} {invite}")


@pytest.mark.parametrize("invite", ["Message us if it's still not there after a week.", "Reply here if it still hasn't arrived.",
                                    "Message us if you need anything else.", "If it still hasn't arrived after a week, just let us know."])
def test_an_invitation_with_the_sources_wait_or_none_is_used(invite: str) -> None:
    assert not grounded_fails(f"{MISSING} {invite}")


# ---- an act of ours after the invitation ------------------------------------------------------------------------------


@pytest.mark.parametrize("claim", ["Message us and we'll reship it straight away.", "Let us know and we'll cover the return shipping.",
                                   "Just let us know and we'll have a new pair out to you.", "Reach out and I'll put a new order through."])
def test_an_act_after_an_invitation_is_a_claim(claim: str) -> None:
    assert not is_conversational(claim)


@pytest.mark.parametrize("invite", ["Just let us know and we'll look into it.", "Message us if anything changes and we'll take a look.",
                                    "If it still hasn't arrived by then, just get back in touch and we'll take it from there.",
                                    "Let us know if you have any questions."])
def test_a_look_or_help_after_an_invitation_is_conversational(invite: str) -> None:
    assert is_conversational(invite)


def test_an_act_after_an_invitation_is_refused_end_to_end() -> None:
    assert grounded_fails(f"{MISSING} Message us and we'll reship it straight away.", channel="social")
    assert not grounded_fails(f"{MISSING} Just let us know and we'll look into it.", channel="social")


# ---- what to send, named after the invitation -------------------------------------------------------------------------


@pytest.mark.parametrize("ask", ["Message us with your mother's maiden name.", "Reply with your date of birth.", "Let us know your preferred size.",
                                 "Tell me your username and your date of birth.", "Message us your card number."])
def test_an_invitation_that_names_what_to_send_is_a_claim(ask: str) -> None:
    assert not is_conversational(ask)


@pytest.mark.parametrize("invite", ["Message us with any questions.", "Reply with your order ID and we'll set it up.",
                                    "Please reply with those details and I'll take it from there.", "Message us with photos of the damage.",
                                    "Tell me your username and email and I'll check.", "Let us know."])
def test_an_invitation_with_no_object_or_the_usual_details_is_conversational(invite: str) -> None:
    assert is_conversational(invite)


@pytest.mark.parametrize("claim", ["Reply with your order ID and we'll send a new pair.", "Reply here and we'll reship it straight away."])
def test_an_act_after_a_reply_invitation_is_a_claim(claim: str) -> None:
    assert not is_conversational(claim)


def test_a_detail_no_source_asks_for_is_refused_end_to_end() -> None:
    assert grounded_fails(f"{MISSING} Message us with your mother's maiden name and we'll take a look.", channel="social")
    assert not grounded_fails(f"{MISSING} Message us with your username, email address and order ID and we'll take a look.", channel="social")


# ---- other invitation verbs, the source's wait ------------------------------------------------------------------------


@pytest.mark.parametrize("invite", ["Give us a shout if it's still not there after a week.", "Call us back if it's still not there after 7 days.",
                                    "Drop us a line if it still hasn't arrived.", "Call us back if it still hasn't arrived."])
def test_other_invitation_verbs_with_the_sources_wait_are_used(invite: str) -> None:
    assert not grounded_fails(f"{MISSING} {invite}", channel="voice")


@pytest.mark.parametrize("invite", ["Reach out again on Monday if it still hasn't arrived.", "Call us back if it's still not there after 4 days.",
                                    "Give us a shout if it's not there by the weekend."])
def test_other_invitation_verbs_with_a_wait_no_source_gives_are_refused(invite: str) -> None:
    assert grounded_fails(f"{MISSING} {invite}", channel="voice")
