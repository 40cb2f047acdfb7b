"""Issue 13, round 13c: selections from a list, a day on a denied action, an any-one rule said again.

* A selection from a list ("could you confirm three of these four details?") is supported where a
  source passage on the same things gives the same selection ("3 of these 4 details", or "three
  of: full name, ZIP code, phone number, email address"); another selection ("two of these four")
  is a rule no source gives.
* A day on an action the agent says they can't take ("I'm afraid I can't update the order today")
  is no date claim; the same day on an action they promise ("I can update the order today") is.
* A source's rule that any one of its conditions is enough, said again ("Only one of those needs to
  apply"), with the verdict in the customer's words after it ("so your receipt covers it"), adds no
  fact; the rule turned round ("All of those need to apply", "Each of these needs to be true") is
  refused.
"""

from __future__ import annotations

import pytest

from service.guardrails.counts import selected_from
from service.guardrails.numbers import prepare
from service.guardrails.passages import Passage
from tests.test_guardrails import check, failed

USERNAME = "account-recover-username"
NO_CREDIT = "refunds-returned-no-credit"
WINDOWS = ("returns-membership-windows", "store-membership-levels")
FORGOT = ("I can't remember my username at all. Can you look it up?",)
WAITING = ("I mailed back a dress 4 days ago and the credit still isn't on my card. I'm Silver.",)
RECEIPT = ("Silver member here. I bought a coat 8 months ago but I still have the receipt, can I return it?",)
LISTED = ("For Silver members, a return qualifies if the item was bought within the last 6 months, or you have the receipt, "
          "or it's still in its original packaging. ")


@pytest.mark.parametrize("text", [
    "To keep your account secure I need to verify you first: could you confirm three of these four details? Your full name, "
    "your ZIP code, your phone number, and the email address on the account.",
    "Please confirm 3 of these 4 details: your full name, ZIP code, phone number and email address.",
])
def test_a_selection_the_source_gives_passes(text: str) -> None:
    report = check(text, USERNAME, customer=FORGOT)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "Could you confirm two of these four details? Your full name, ZIP code, phone number and the email address on the account.",
    "Could you confirm three of these five details? Your full name, ZIP code, phone number, date of birth and email address.",
])
def test_a_selection_no_source_gives_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, USERNAME, customer=FORGOT))


def test_a_selection_is_read_from_a_list_after_three_of() -> None:
    passage = Passage("Full name or account ID, plus three of: full name, ZIP code, phone number, email address.", "a")
    text = prepare("please confirm three of these four details")
    assert selected_from(text, text.index("3"), [passage]) and selected_from(text, text.index("4"), [passage])
    other = prepare("please confirm two of these four details")
    assert not selected_from(other, other.index("2"), [passage])


@pytest.mark.parametrize("text", [
    "Credits for returned items can take up to 7 days to appear, and since it has been 4 days, it hasn't been long enough yet "
    "for us to issue it. For Silver members I'm not able to start the credit early, so I'm afraid I can't update the order today.",
    "Since it has been 4 days, we can't issue the credit yet, so I won't update your order today.",
])
def test_a_day_on_a_denied_action_passes(text: str) -> None:
    report = check(text, NO_CREDIT, customer=WAITING)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "Since it has been 4 days, I can update the order today.",
    "For Silver members I can start the credit early, so I can update the order today.",
])
def test_a_day_on_a_promised_action_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, NO_CREDIT, customer=WAITING))


@pytest.mark.parametrize("text", [
    LISTED + "Only one of those needs to apply, so your receipt covers it.",
    LISTED + "Just one of these needs to be true, so your receipt is enough.",
])
def test_an_any_one_rule_said_again_passes(text: str) -> None:
    report = check(text, *WINDOWS, customer=RECEIPT)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    LISTED + "All of those need to apply, so your receipt covers it.",
    LISTED + "Each of these needs to be true, so your receipt is not enough.",
])
def test_an_any_one_rule_turned_round_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, *WINDOWS, customer=RECEIPT))


def test_a_day_on_a_denied_action_joined_by_and_passes() -> None:
    text = "Credits can take up to 7 days to appear, and it's been 4 days, so as a Silver member I can't issue it yet and won't update the order today."
    report = check(text, NO_CREDIT, customer=WAITING)
    assert report.passed, report.findings()
