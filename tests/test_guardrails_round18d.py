"""Issue 13, round 18d: the customer's time against their level's window, in words and in contrast.

* "..., and about two months puts you inside that window" to a Bronze member (90 days): their time is
  their case, and the window is their level's; four months, a guest's thirty days, or Silver's six
  months just given ("Silver members can return ... within the last 6 months, and about two months puts
  you inside that window") are refused.
* "even though it's past 90 days, Bronze members can still return an item that's in its original
  packaging" to a Bronze member at 100 days: the contrast clause is their case against their level's
  window, and the rule after it is the source's. Past the window with no other condition ("... can still
  return anything"), another level's window, a time that is within the window, or a guest's packaging
  (which the source says does not qualify alone) are refused.
"""

from __future__ import annotations

import pytest

from service.guardrails.level_windows import PAST_FIGURE, past_their_window, past_window_grant
from service.guardrails.passages import split_passages
from service.guardrails.verdicts import judges_window
from service.replies.policy import content_words
from tests.test_guardrails import ARTICLES, check, failed

RETURNS = "returns-membership-windows"
BRONZE = "Bronze member. I bought a linen shirt about {} ago and can't find the receipt. Can I return it?"
GUEST = "I checked out as a guest about {} ago and the jeans don't fit. No receipt. Can I return them?"
SILVER = "Silver member. Bought a parka about {} ago, no receipt. Returnable?"
PACKED = "{} member. Bought a cardigan about {} ago, never worn, still in the original packaging. No receipt. Can I return it?"
GUEST_PACKED = "I checked out as a guest. Bought a cardigan about 40 days ago, no receipt, but it's still in the original packaging. Can I return it?"
WINDOWS = split_passages(ARTICLES[RETURNS].body, RETURNS)


def grounded(text: str, customer: str) -> bool:
    """Is ``text`` refused by the claim check for a customer who wrote ``customer``?"""
    return "grounded" in failed(check(text, RETURNS, customer=(customer,)))


# ---- 1. their time inside the window, in words ---------------------------------------------------


@pytest.mark.parametrize("text,customer", [
    ("As a Bronze member you can return anything bought within the last 90 days, and about two months puts you inside that window, "
     "so the receipt isn't needed.", BRONZE.format("2 months")),
    ("Bronze members can return anything bought within the last 90 days, and six weeks puts you well inside that window.", BRONZE.format("six weeks")),
    ("As a Silver member you can return items bought within the last 6 months, and about five months keeps you inside that window.", SILVER.format("5 months")),
    ("Guests can return anything bought within the last 30 days, and three weeks puts you inside that window.", GUEST.format("3 weeks")),
])
def test_their_time_that_puts_them_inside_their_levels_window_is_used(text: str, customer: str) -> None:
    assert not grounded(text, customer)


@pytest.mark.parametrize("text,customer", [
    ("As a Bronze member you can return anything bought within the last 90 days, and about four months puts you inside that window.", BRONZE.format("4 months")),
    ("Guests can return anything bought within the last 30 days, and about two months puts you inside that window.", GUEST.format("2 months")),
    ("Silver members can return anything bought within the last 6 months, and about two months puts you inside that window.", BRONZE.format("2 months")),
    ("As a Bronze member you have 6 months to return, and about two months puts you inside that window.", BRONZE.format("2 months")),
    ("About two months puts you inside the 6-month window, so the receipt isn't needed.", BRONZE.format("2 months")),
])
def test_a_time_past_the_window_or_another_levels_window_is_refused(text: str, customer: str) -> None:
    assert grounded(text, customer)


def test_puts_you_inside_that_window_judges_the_window() -> None:
    assert judges_window("and about 2 months puts you inside that window")
    assert judges_window("six weeks keeps your skirt well within the return window")
    assert not judges_window("put it inside the box")


# ---- 2. their time past the window, as the contrast to another condition -------------------------


@pytest.mark.parametrize("text,customer", [
    ("Good news: even though it's past 90 days, Bronze members can still return an item that's in its original packaging.", PACKED.format("Bronze", "100 days")),
    ("Although it's been more than 90 days, Bronze members can still return an item with the receipt.", PACKED.format("Bronze", "4 months")),
    ("Even though it's past 6 months, Silver members can still return an item that's in its original packaging.", PACKED.format("Silver", "7 months")),
    ("Even though you bought it more than 90 days ago, as a Bronze member you can still return it in its original packaging.", PACKED.format("Bronze", "100 days")),
    ("It's past 90 days, but Bronze members can still return an item that's in its original packaging.", PACKED.format("Bronze", "100 days")),
])
def test_past_their_window_as_the_contrast_to_a_sourced_condition_is_used(text: str, customer: str) -> None:
    assert not grounded(text, customer)


@pytest.mark.parametrize("text,customer", [
    ("Good news: even though it's past 90 days, Bronze members can still return anything.", PACKED.format("Bronze", "100 days")),
    ("Although it's past 90 days, Bronze members can still return it.", PACKED.format("Bronze", "100 days")),
    ("Even though it's past 90 days, Bronze members can still return anything with the tags on.", PACKED.format("Bronze", "100 days")),
    ("Good news: even though it's past 6 months, Bronze members can still return an item that's in its original packaging.", PACKED.format("Bronze", "100 days")),
    ("Even though it's past 90 days, Bronze members can still return an item that's in its original packaging.", PACKED.format("Bronze", "2 months")),
    ("Even though it's past 90 days, Silver members can still return an item that's in its original packaging.", PACKED.format("Silver", "7 months")),
    ("Even though it's past 30 days, guests can still return an item that's in its original packaging.", GUEST_PACKED),
    ("Guests can still return an item that's in its original packaging.", GUEST_PACKED),
])
def test_past_the_window_with_no_sourced_condition_or_the_wrong_window_is_refused(text: str, customer: str) -> None:
    assert grounded(text, customer)


@pytest.mark.parametrize("clause,expected", [
    ("even though it's past 90 days", True), ("although it's been more than 90 days", True),
    ("Freya: even though it's past 90 days", True), ("though your hoodie is over the 90-day mark", True),
    ("it's past 90 days since we shipped it", False), ("past 90 days we can't take it back", False),
])
def test_the_past_figure_clause(clause: str, expected: bool) -> None:
    assert (PAST_FIGURE.search(clause) is not None) is expected


def test_past_their_window_needs_their_levels_window_their_time_past_it_and_another_condition() -> None:
    sentence = "even though it's past 90 days, Bronze members can still return an item that's in its original packaging"
    clause = "even though it's past 90 days"
    assert past_their_window(clause, sentence, [("100", "day")], WINDOWS, "bronze", content_words)
    assert not past_their_window(clause, sentence, [("60", "day")], WINDOWS, "bronze", content_words)
    assert not past_their_window(clause, sentence, [("100", "day")], WINDOWS, "silver", content_words)
    assert not past_their_window(clause, "even though it's past 90 days, Bronze members can still return anything",
                                 [("100", "day")], WINDOWS, "bronze", content_words)


def test_past_window_grant_names_what_is_wrong() -> None:
    anything = "Even though it's past 90 days, Bronze members can still return anything."
    assert "no other condition" in past_window_grant(anything, [("100", "day")], WINDOWS, "bronze", content_words)
    within = "Even though it's past 90 days, Bronze members can still return an item that's in its original packaging."
    assert "within it" in past_window_grant(within, [("60", "day")], WINDOWS, "bronze", content_words)
    assert past_window_grant(within, [("100", "day")], WINDOWS, "bronze", content_words) is None
    denied = "Even though it's past 90 days, I'm afraid we can't take it back."
    assert past_window_grant(denied, [("100", "day")], WINDOWS, "bronze", content_words) is None
