"""Issue 13, round 18c: worked figures and figures in words.

* The customer's own amount said back (in digits or in words) ("the socks cost $12") in a sentence that works it out with their other
  amount to a right result ("Your current refund is $64 ..., so the refund will become $76") is their figure; a wrong
  result ("will become $80"), a figure they did not give, or their figure in a promise ("I'll refund the $12 to your
  card today") is refused. The sum of three or more of their amounts is theirs too ("$64, $12 and $8: $84").
* A spoken price with its cents ("forty-nine dollars and fifty cents", "forty-nine fifty" after a price) is the figure "$49.50": a right half or quarter
  of the source's price is used, a wrong one ("forty-five dollars") or a price no source gives is refused.
* A size's figure in words with "and a half" and no unit after it ("Medium is thirty-four and a half"), or a whole
  figure in words after a size ("Medium is thirty-five"), is the figure it is, matched against the source's table; a
  wrong length or two sizes swapped is refused. "For comparison," before it is a frame, like "for example".
"""

from __future__ import annotations

import pytest

from service.guardrails.numbers import prepare
from service.guardrails.procedural import without_procedure
from service.guardrails.workings import in_their_working
from tests.test_guardrails import check, failed

ADD = "refunds-add-item-to-refund"
SUB = "subscription-pay-or-renew"
JACKETS = "products-jackets-faq"
SHIRTS = "products-shirts-faq"

SOCKS = "I already have a $64 refund open on this order. Can I add the Old Navy socks I bought with it? They were $12."
TWO = "I have a $64 refund open. Can I add the Old Navy socks ($12) and the Gap belt ($8) from the same order?"
SCARF = "There's already a sixty dollar refund on my order. The Zara scarf from it was twenty-five dollars, can you add that?"
BELT = "i have a $30 refund going already, can the levi's belt from the same order go on it? it was $18"
HALF = "I want to renew my premium subscription but I can only pay half of it right now."
QUARTER = "Could I pay a quarter of my premium subscription today and the rest later? I'd like to renew."
PRICE = "How much is the premium subscription? I want to renew."
SLEEVE = "What's the sleeve length on a large jacket? I've got long arms."
NECK = "What neck size is a large shirt? My collar is sixteen and a half."


def grounded(text: str, article: str, customer: str) -> bool:
    """Is ``text`` refused by the claim check for a customer who wrote ``customer``?"""
    return "grounded" in failed(check(text, article, customer=(customer,)))


# ---- 1. the customer's figures in a right working ------------------------------------------------------


@pytest.mark.parametrize("text,customer", [
    ("Your current refund is $64 and the socks cost $12, so the refund will become $76.", SOCKS),
    ("Your current refund is sixty-four dollars and the socks cost twelve dollars, so the refund will become seventy-six dollars.", SOCKS),
    ("The socks were $12, and with your $64 refund that makes $76.", SOCKS),
    ("Your current refund is $30 and the belt cost $18, so it becomes $48.", BELT),
    ("Your refund is $64, the socks cost $12 and the belt cost $8, so the refund will become $84.", TWO),
    ("Your refund is sixty dollars right now and the scarf was twenty-five dollars, so it'll go up to eighty-five dollars.", SCARF),
])
def test_their_figures_in_a_right_working_are_used(text: str, customer: str) -> None:
    assert not grounded(text, ADD, customer)


@pytest.mark.parametrize("text,customer", [
    ("Your current refund is $64 and the socks cost $12, so the refund will become $80.", SOCKS),
    ("Your current refund is $64 and the socks cost $15, so the refund will become $79.", SOCKS),
    ("Your current refund is $64 and the socks cost $12, so the refund will become $76, and we'll refund the $12 today.", SOCKS),
    ("Your current refund is $64 and the socks cost $12, so we'll refund $76 today.", SOCKS),
    ("The socks cost $12, so I'll refund the $12 today.", SOCKS),
    ("Your current refund is $30 and the belt cost $18, so it becomes $58.", BELT),
    ("Your refund is $64, the socks cost $12 and the belt cost $8, so the refund will become $90.", TWO),
    ("Your refund is sixty dollars right now and the scarf was twenty-five dollars, so it'll go up to ninety-five dollars.", SCARF),
])
def test_a_wrong_working_or_a_promise_is_refused(text: str, customer: str) -> None:
    assert grounded(text, ADD, customer)


def test_in_their_working_needs_a_right_result_and_no_commitment() -> None:
    text = "Your current refund is $64 and the socks cost $12, so the refund will become $76."
    at = text.index("$12")
    assert in_their_working("12", at, "the socks cost $12", text, ["64", "12"])
    assert not in_their_working("12", at, "the socks cost $12", text.replace("$76", "$80"), ["64", "12"])
    assert not in_their_working("12", at, "the socks cost $12", text, ["64", "12"], asked=["12"])
    assert not in_their_working("12", at, "I'll refund the $12 today", text, ["64", "12"])


# ---- 2. spoken prices with cents, and their parts ------------------------------------------------------


@pytest.mark.parametrize("text,customer", [
    ("The standard premium subscription is ninety-nine dollars a year, and you're welcome to pay part of it, so half would be forty-nine dollars and fifty cents.", HALF),
    ("Premium is ninety-nine dollars a year and you can pay part of it, so half comes to forty-nine dollars and fifty cents.", HALF),
    ("The standard premium subscription is ninety-nine dollars a year, so a quarter would be twenty-four dollars and seventy-five cents.", QUARTER),
    ("The standard premium subscription is ninety-nine dollars a year, and you can pay all or part of it.", PRICE),
    ("Premium is ninety-nine dollars a year, so half would be forty-nine fifty.", HALF),
])
def test_a_spoken_price_and_its_right_part_are_used(text: str, customer: str) -> None:
    assert not grounded(text, SUB, customer)


@pytest.mark.parametrize("text,customer", [
    ("The standard premium subscription is ninety-nine dollars a year, and you're welcome to pay part of it, so half would be forty-five dollars.", HALF),
    ("Premium is ninety-nine dollars a year, and half would be fifty-nine dollars and fifty cents.", HALF),
    ("Premium is ninety-nine dollars a year, so half would be forty-nine dollars and ninety cents.", HALF),
    ("The standard premium subscription is ninety-nine dollars a year, so a quarter would be twenty-five dollars and seventy-five cents.", QUARTER),
    ("The standard premium subscription is ninety-four dollars and fifty cents a year.", PRICE),
    ("Premium is ninety-nine dollars a year, so half would be forty-four fifty.", HALF),
])
def test_a_wrong_part_or_price_is_refused(text: str, customer: str) -> None:
    assert grounded(text, SUB, customer)


@pytest.mark.parametrize("said,read", [
    ("half would be forty-nine dollars and fifty cents", "half would be $49.50"),
    ("a quarter is twenty-four dollars and seventy-five cents", "a quarter is $24.75"),
    ("it's $12 and 5 cents", "it's $12.05"),
    ("half would be forty-nine dollars fifty.", "half would be $49.50."),
    ("Premium is ninety-nine dollars a year, so half would be forty-nine fifty.", "Premium is $99 a year, so half would be $49.50."),
    ("We're open until nine thirty.", "We're open until nine thirty."),
    ("Pickup would be nine thirty.", "Pickup would be nine thirty."),
])
def test_cents_are_read_into_the_amount(said: str, read: str) -> None:
    assert prepare(said) == read


# ---- 3. sizes in words ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text,article,customer", [
    ("A Large jacket has a thirty-five and a half inch sleeve. For comparison, Medium is thirty-four and a half and Small is thirty-three and a half.", JACKETS, SLEEVE),
    ("Large is thirty-five and a half and Medium is thirty-four and a half, both in inches.", JACKETS, SLEEVE),
    ("A Large shirt fits a sixteen to sixteen and a half inch neck, so it should suit you. For comparison, Medium is fifteen to fifteen and a half.", SHIRTS, NECK),
])
def test_sizes_in_words_matching_the_table_are_used(text: str, article: str, customer: str) -> None:
    assert not grounded(text, article, customer)


@pytest.mark.parametrize("text,article,customer", [
    ("A Large jacket has a thirty-five and a half inch sleeve. For comparison, Medium is thirty-six and a half and Small is thirty-three and a half.", JACKETS, SLEEVE),
    ("A Large jacket has a thirty-five and a half inch sleeve. For comparison, Medium is thirty-three and a half and Small is thirty-four and a half.", JACKETS, SLEEVE),
    ("A Large jacket has a thirty-six and a half inch sleeve.", JACKETS, SLEEVE),
    ("The Large sleeve is thirty-five and a half inches, and Medium is thirty-five.", JACKETS, SLEEVE),
    ("A Large shirt fits a sixteen to sixteen and a half inch neck. For comparison, Medium is seventeen and a half.", SHIRTS, NECK),
])
def test_a_wrong_or_swapped_size_in_words_is_refused(text: str, article: str, customer: str) -> None:
    assert grounded(text, article, customer)


@pytest.mark.parametrize("said,read", [
    ("Medium is thirty-four and a half and Small is thirty-three and a half.", "Medium is 34.5 and Small is 33.5."),
    ("and Medium is thirty-five.", "and Medium is 35."),
    ("Small is fourteen to fourteen and a half", "Small is 14 to 14.5"),
    ("a year and a half", "a year and a half"),
    ("it takes one and a half times as long", "it takes one and a half times as long"),
])
def test_bare_figures_in_words_are_read_as_figures(said: str, read: str) -> None:
    assert prepare(said) == read


def test_for_comparison_is_a_frame() -> None:
    assert "comparison" not in without_procedure("For comparison, Medium is 15 to 15.5.")
