"""Ninth round (fix-9i): openers with a name and no fact, offers to explain, why a question was
asked, and list lead-ins naming the levels compared; near-misses carrying a fact stay claims."""

from __future__ import annotations

import pytest

from service.guardrails.claims import is_conversational
from tests.test_guardrails import check, failed


@pytest.mark.parametrize("text", [
    "Good timing, Zainab", "Perfect timing!", "Happy to explain, Amara.", "Glad to clarify how it works!",
    "I'd be happy to walk you through the differences.", "That helps the report.", "It'd really help us.",
    "A few things Gold adds over Silver:", "Here's what Silver changes:",
])
def test_courtesies_and_lead_ins_are_conversational(text: str) -> None:
    assert is_conversational(text)


@pytest.mark.parametrize("text", [
    "Good timing, it hasn't shipped yet.", "Happy to explain: returns are free.", "Happy to refund it, Amara.",
    "That helps your refund go through faster.", "That helps, so I'll waive the fee.", "That will help us refund you today.",
    "Gold members get free returns:", "Gold members can get a refund on:", "A few things Gold gets within 90 days:",
    "Gold adds a few things over Silver.",
])
def test_near_misses_with_a_fact_or_promise_are_claims(text: str) -> None:
    assert not is_conversational(text)


def test_an_offer_to_explain_before_a_supported_fact_passes() -> None:
    report = check("Glad to clarify, Ines. A membership level lasts for 12 months and is reviewed each year.", "store-membership-levels")
    assert "grounded" not in failed(report)


def test_a_timely_opener_carrying_a_level_benefit_is_refused() -> None:
    report = check("Good timing, Lee, the $20 fee is waived for Silver members this week.", "store-membership-levels")
    assert "grounded" in failed(report)


def test_a_level_lead_in_with_a_wrong_number_is_refused() -> None:
    report = check("A few things Silver gets within 90 days:\n\n- a membership level lasts 12 months", "store-membership-levels")
    assert "grounded" in failed(report)


@pytest.mark.parametrize("text", ["Sure, Yara, I can redirect it.", "I can reroute your parcel to the office."])
def test_an_offer_to_redirect_reads_as_sending_to_a_different_address(text: str) -> None:
    assert "grounded" not in failed(check(text, "shipping-change-address-or-item"))


@pytest.mark.parametrize("text, article", [
    ("I can redirect it for free.", "shipping-change-address-or-item"),
    ("I can redirect it.", "orders-add-item"),
])
def test_a_redirect_the_source_does_not_cover_is_refused(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article))
