"""Issue 13, round 17c: spoken prices and product facts no source states.

* A price said in words ("nine ninety-nine a month", "ninety-nine a year", "four ninety-nine per item") is read
  as the figure it is and checked like "$9.99"; a faithful spoken price the source gives stays used.
* A fill or a sourcing no source states ("responsibly sourced goose down", "down-filled") is refused; the
  jackets' own materials stay used, and "down to about 20°F" is no fill.
* A size no cited source names ("S, M, L, XL and XXL", "XS to XL") is refused; the source's sizes or a part of
  them, and a size said denied ("XL isn't one of our listed sizes"), stay used.
* An item added to a list a source gives ("on jeans as well as shirts, jackets and bags") is refused;
  restating the list or a part of it stays used.
"""

from __future__ import annotations

import pytest

from service.guardrails.added_items import added_item
from service.guardrails.numbers import prepare
from service.guardrails.sizes import unstated_size
from service.guardrails.specifics import unstated_specifics
from tests.test_guardrails import check, failed

SUB = "subscription-amount-and-due-date"
JACKETS = "products-jackets-faq"
SHIRTS = "products-shirts-faq"
EXTRAS = "store-pricing-extras"
SHIRT_SIZES = "Sizes in stock: availability for Small, Medium and Large is shown on each product page."
STITCHING = "We can stitch a name or initials onto eligible shirts, jackets and bags for $10 per item, up to 12 characters."


# ---- 1. spoken prices ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("said", "read"), [
    ("The premium subscription is nine ninety-nine a month", "The premium subscription is $9.99 a month"),
    ("Gift wrapping is four ninety-nine per item", "Gift wrapping is $4.99 per item"),
    ("it costs twelve fifty", "it costs $12.50"),
    ("Premium is ninety-nine a year", "Premium is $99 a year"),
    ("ninety-nine dollars a year", "$99 a year"),
])
def test_a_spoken_price_is_read_as_its_figure(said: str, read: str) -> None:
    assert prepare(said) == read


@pytest.mark.parametrize("said", ["we open at nine thirty on weekdays", "the limit is one a month", "founded in nineteen ninety-nine"])
def test_words_that_price_nothing_stay_words(said: str) -> None:
    assert "$" not in prepare(said)


@pytest.mark.parametrize("text", [
    "The premium subscription is nine ninety-nine a month.",
    "Premium is ninety-nine a month.",
    "The premium subscription costs nineteen ninety-nine a year.",
])
def test_a_spoken_price_no_source_gives_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, SUB, channel="voice"))


@pytest.mark.parametrize("text", [
    "The standard premium subscription is ninety-nine dollars a year.",
    "The standard premium subscription is ninety-nine a year.",
])
def test_a_spoken_price_the_source_gives_is_used(text: str) -> None:
    assert "grounded" not in failed(check(text, SUB, channel="voice"))


def test_a_spoken_extra_price_is_checked_against_the_source() -> None:
    assert "grounded" in failed(check("Gift wrapping is four ninety-nine per item.", EXTRAS, channel="voice"))
    assert "grounded" not in failed(check("Gift wrapping is five dollars per item.", EXTRAS, channel="voice"))


# ---- 2. fills and sourcing -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Our insulated jackets are filled with responsibly sourced goose down.",
    "Our insulated jackets are down-filled for extra warmth.",
    "They're insulated with duck down and feathers.",
])
def test_a_fill_no_source_gives_is_found(text: str) -> None:
    assert unstated_specifics(text, ["a water-resistant polyester shell with recycled polyester insulation"]) is not None


@pytest.mark.parametrize("text", [
    "Our insulated jackets are comfortable down to about 20°F with a normal layer underneath.",
    "Our jackets have a water-resistant polyester shell with recycled polyester insulation.",
    "Our jackets aren't down-filled; they use recycled polyester insulation.",
])
def test_the_jackets_own_materials_and_a_denied_fill_are_no_finding(text: str) -> None:
    assert unstated_specifics(text, ["a water-resistant polyester shell with recycled polyester insulation, comfortable down to about 20°F"]) is None


def test_a_fill_the_source_gives_is_no_finding() -> None:
    assert unstated_specifics("They're filled with responsibly sourced goose down.", ["Filled with responsibly sourced goose down."]) is None


def test_goose_down_is_refused_through_the_checker() -> None:
    assert "grounded" in failed(check("Our insulated jackets are filled with responsibly sourced goose down.", JACKETS))
    assert "grounded" not in failed(check("Our jackets have a water-resistant polyester shell with recycled polyester insulation.", JACKETS))


# ---- 3. sizes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Our 100% cotton shirts come in S, M, L, XL and XXL.",
    "our shirts come in small, medium, large and extra large",
    "Our shirts come in sizes XS to XL.",
    "Yes, we have that shirt in XL.",
    "Our shirts come in S, M, L and XL, not XXL.",
])
def test_a_size_no_source_names_is_found(text: str) -> None:
    assert unstated_size(text, [SHIRT_SIZES]) is not None


@pytest.mark.parametrize("text", [
    "Our shirts come in Small, Medium and Large.",
    "Availability for S, M and L is shown on each product page.",
    "Our shirts come in Small, Medium and Large, so XL isn't one of our listed sizes.",
    "I'm afraid we don't list XXL for shirts.",
    "Small and large orders both ship for $8.",
    "Would you like the XL?",
])
def test_the_sources_sizes_a_denied_size_and_other_words_are_no_finding(text: str) -> None:
    assert unstated_size(text, [SHIRT_SIZES]) is None


def test_a_size_line_is_checked_through_the_checker() -> None:
    assert "grounded" in failed(check("Our shirts come in S, M, L, XL and XXL.", SHIRTS, channel="sms"))
    assert "grounded" not in failed(check("Our shirts come in Small, Medium and Large.", SHIRTS, channel="sms"))


# ---- 4. an item added to a source's list -------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Name stitching is $10 per item, and it's available on jeans as well as shirts, jackets and bags.",
    "We can stitch a name onto shirts, jackets, bags and hats for $10 per item.",
    "We can stitch a name onto caps, shirts, jackets and bags.",
])
def test_an_item_added_to_the_sources_list_is_found(text: str) -> None:
    assert added_item(text, [STITCHING]) is not None


@pytest.mark.parametrize("text", [
    "We can stitch a name or initials onto eligible shirts, jackets and bags for $10 per item.",
    "Name stitching works on shirts and bags, $10 per item.",
    "We can stitch onto jackets, bags and shirts.",
    "We can stitch a name onto shirts, jackets and tote bags.",
    "We can't stitch onto jeans, only onto shirts, jackets and bags.",
])
def test_the_sources_list_or_a_part_of_it_is_no_finding(text: str) -> None:
    assert added_item(text, [STITCHING]) is None


def test_an_added_item_is_refused_through_the_checker() -> None:
    assert "grounded" in failed(check("Name stitching is $10 per item and available on jeans as well as shirts, jackets and bags.", EXTRAS))
    assert "grounded" not in failed(check("We can stitch a name or initials onto eligible shirts, jackets and bags for $10 per item.", EXTRAS))
