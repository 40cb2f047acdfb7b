"""Issue 13, round 11c: level-conditioned actions judged for the customer's level.

* A commitment the sources grant the customer's level outright ("Gold members: can always get an
  extension") is measured without the identity check it waits on ("once I've confirmed your
  account and order ID I'll extend it for you"); a level the action is not granted to, or granted
  only on a condition, is refused as before.
* A bare follow-up ("I'll set that up for you") after a supported sentence granting the customer's
  level an action commits to that action; after a grant to a level the sources refuse it stays refused.
* A lateness limit stated level by level ("Silver members can if the payment is just 1 day late")
  counts only against that level: Gold's "always" is not judged against it.
"""

from __future__ import annotations

import pytest

from tests.test_guardrails import check, failed

EXT = "subscription-payment-extension"
LATE = "subscription-cancel-and-late-payment"


@pytest.mark.parametrize("level,ok", [("Gold", True), ("Silver", False), ("Bronze", False)])
def test_a_commitment_granted_to_the_level_outright_waits_only_on_the_identity_check(level: str, ok: bool) -> None:
    text = f"No problem. As a {level} member, once I've confirmed your account and order ID I'll extend it for you."
    report = check(text, EXT, customer=(f"{level} member here, I'm 3 days late paying my sub",))
    assert report.passed is ok, report.findings()


def test_a_guest_is_not_promised_the_extension() -> None:
    text = "Of course. Once I've checked your account and order ID I'll extend your subscription for you as a guest."
    assert "grounded" in failed(check(text, EXT, customer=("I'm a guest and I can't pay until Friday",)))


@pytest.mark.parametrize("article", [EXT, LATE])
def test_a_follow_up_after_a_grant_to_the_customers_level_passes(article: str) -> None:
    text = "Thanks for telling us. As a Gold member you can always get an extension. I'll set that up for you."
    report = check(text, article, customer=("Gold member, running late on my subscription payment.",))
    assert report.passed, report.findings()


def test_a_follow_up_after_silvers_condition_met_passes() -> None:
    text = "Yes, since you're a Silver member and the payment is just 1 day late, you can get an extension. Let me get that sorted for you."
    report = check(text, EXT, customer=("I'm Silver and my payment is 1 day late, can I get more time?",))
    assert report.passed, report.findings()


@pytest.mark.parametrize("text,said", [
    ("Yes, since you're a Bronze member, you're eligible for an extension. Let me set that up for you.", "I'm Bronze and my payment is 1 day late"),
    ("Yes, since you're a Silver member and the payment is 3 days late, you're eligible for an extension. Let me set that up for you.", "I'm Silver and my payment is 3 days late"),
    ("As a Silver member you can always get an extension. I'll set that up for you.", "I'm Silver and my payment is a week late"),
    ("You're a Bronze member, so you can get an extension. I'll go ahead and arrange that for you.", "Bronze member, my payment will be late"),
])
def test_a_follow_up_after_a_grant_the_sources_refuse_the_level_is_refused(text: str, said: str) -> None:
    assert "grounded" in failed(check(text, EXT, LATE, customer=(said,)))


def test_gold_always_is_not_judged_against_silvers_one_day() -> None:
    text = ("As a Gold member, you can always get an extension on your premium subscription payment, so a week's delay isn't a problem. "
            "I'll extend the subscription on your account and confirm once it's done.")
    report = check(text, EXT, customer=("I'm a Gold member and my subscription payment is going to be a week late. Can I get an extension?",))
    assert report.passed, report.findings()


def test_silver_a_week_late_is_still_judged_against_one_day() -> None:
    text = "As a Silver member you can get an extension on your subscription payment, so the delay isn't a problem. I'll extend the subscription on your account and confirm it."
    report = check(text, EXT, customer=("I'm Silver and I'll be about two weeks late paying my subscription.",))
    assert "grounded" in failed(report)
    assert any("1 day late" in f for f in report.findings()), report.findings()
