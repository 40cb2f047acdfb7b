"""Issue 13, round 12c: number lists, counts and number words.

* A list of figures that shares one head ("most styles come in 30, 32 and 34 inch inseams") is one
  claim: one passage must give every member, and a member no source gives is refused, even when it
  is the customer's own figure ("do you have a 36 inch leg?": listed beside the source's figures it
  has become part of the rule).
* Number words for sizes and ranges ("fourteen to fourteen and a half") are figures, read as the
  source writes them ("14–14.5 in"); a range no source gives is refused.
* A count of the options the reply lists after it ("3 ways: mail, in store, or a drop-off center")
  is supported where it counts its own list and a source states that count; a miscount or a count
  no source gives is refused.
"""

from __future__ import annotations

import pytest

from service.guardrails.counts import listed_items
from service.guardrails.number_lists import listed
from service.guardrails.numbers import prepare
from tests.test_guardrails import check, failed

JEANS = "products-jeans-faq"
SHIRTS = "products-shirts-faq"
METHODS = "returns-return-methods"


@pytest.mark.parametrize("text", [
    "Most of our jeans come in 30, 32 or 34 inch inseams, and the product page shows the lengths for each style.",
    "Also worth knowing for next time: most styles come in 30, 32 and 34 inch inseams.",
    "Most styles come in 30, 32 and 34in inseams.",
])
def test_a_list_of_figures_one_passage_gives_passes(text: str) -> None:
    report = check(text, JEANS, customer=("What lengths do your jeans come in?",))
    assert report.passed, report.findings()


@pytest.mark.parametrize("text,said", [
    ("Yes, most styles come in 30, 32, 34 and 36 inch inseams.", "do you have jeans in a 36 inch leg"),
    ("Most styles come in 28, 30, 32 and 34 inch inseams.", "What lengths do your jeans come in?"),
    ("Most of our jeans come in 30, 32, 34 or 36 inch inseams.", "What lengths do your jeans come in?"),
])
def test_a_list_with_a_member_no_source_gives_is_refused(text: str, said: str) -> None:
    assert "grounded" in failed(check(text, JEANS, customer=(said,)))


def test_the_members_of_a_list_are_found_as_one() -> None:
    t = "most styles come in 30, 32, 34 and 36 inch inseams"
    assert listed(t.index("36"), t) and listed(t.index("30"), t)
    assert not listed(t.index("30"), "it was 30 days ago, and 12 of them were late")


def test_number_words_of_a_range_are_figures() -> None:
    assert prepare("Small is fourteen to fourteen and a half") == "Small is 14 to 14.5"
    assert prepare("a fifteen to fifteen and a half inch neck") == "a 15 to 15.5 in neck"
    assert prepare("we can do it one to one") == "we can do it one to one"


def test_a_size_range_in_words_passes() -> None:
    text = ("Our Medium shirts fit a fifteen to fifteen and a half inch neck. For comparison, Small is fourteen to fourteen "
            "and a half, and Large is sixteen to sixteen and a half.")
    report = check(text, SHIRTS, customer=("What collar size is a medium in your shirts?",))
    assert report.passed, report.findings()


def test_a_size_range_in_words_no_source_gives_is_refused() -> None:
    text = "Our Large shirts fit a seventeen to seventeen and a half inch neck."
    assert "grounded" in failed(check(text, SHIRTS, customer=("What neck size is a large shirt?",)))


def test_a_count_is_read_with_the_list_after_it() -> None:
    t = "3 ways Robin: mail (print the label we send), in store, or a drop-off center."
    assert listed_items(t, 0) == (3, ["mail", "in store", "a drop-off center"])


@pytest.mark.parametrize("text", [
    "3 ways: mail (print the label we send), in store, or a drop-off center. Which works?",
    "There are 3 ways to send it back: by mail, in store or at a drop-off center.",
])
def test_a_count_of_the_listed_options_a_source_counts_passes(text: str) -> None:
    report = check(text, METHODS, customer=("how do i send a return back",))
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "2 ways: mail or in store. Which works?",
    "2 ways: mail, in store, or a drop-off center. Which works?",
    "There are 4 ways to send it back: by mail, in store, at a drop-off center or by courier pickup.",
])
def test_a_miscount_or_a_count_no_source_gives_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, METHODS, customer=("how do i send a return back",)))


OVERNIGHT = "orders-upgrade-overnight"
ADD_ITEM = "orders-add-item"


@pytest.mark.parametrize("text,article,said", [
    ("Yes! As a Gold member the overnight upgrade is free if your order hasn't shipped yet.", OVERNIGHT, "upgrade to overnight? im gold"),
    ("Since your order has shipped, the free separate shipment is only for Gold and Silver members.", ADD_ITEM, "Bronze here, can I add socks?"),
    ("Since your order has shipped, as a Silver member the separate shipment is free.", ADD_ITEM, "Silver here, can I add socks?"),
])
def test_a_thing_named_free_in_other_words_for_its_level_passes(text: str, article: str, said: str) -> None:
    report = check(text, article, customer=(said,))
    assert report.passed, report.findings()


@pytest.mark.parametrize("text,article", [
    ("As a Silver member the overnight upgrade is free if your order hasn't shipped yet.", OVERNIGHT),
    ("The overnight upgrade is free if your order hasn't shipped yet.", OVERNIGHT),
    ("Since your order has shipped, as a Bronze member the separate shipment is free.", ADD_ITEM),
])
def test_a_thing_named_free_for_a_level_the_source_prices_or_leaves_out_is_refused(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article, customer=("can you help?",)))


def test_another_thing_said_free_names_nothing() -> None:
    from service.guardrails.free_names import named_free
    from service.guardrails.passages import split_passages
    from service.replies.policy import content_words
    passages = split_passages("Orders of $75 or more ship free.", "src", "Gift wrapping and extras")
    assert not named_free(content_words("gift wrapping"), "Gift wrapping is free.", passages, content_words)


WINDOWS = "returns-membership-windows"


@pytest.mark.parametrize("text", [
    "As a Gold member you have unlimited returns, so there's no time limit on sending them back.",
    "As a Gold member your returns are unlimited, which means there's no time limit on sending the jacket back.",
])
def test_a_consequence_that_says_the_clause_before_it_again_passes(text: str) -> None:
    report = check(text, WINDOWS, customer=("I'm a Gold member, can I return boots?",))
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "As a Silver member you can return within 6 months of purchase, so there's no time limit on sending the jacket back.",
    "Bronze members can return within 90 days, so there's no time limit on sending the scarf back.",
    "As a Silver member you have unlimited returns, so there's no time limit on sending them back.",
])
def test_no_time_limit_for_a_level_that_has_one_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, WINDOWS, customer=("can I return something?",)))


@pytest.mark.parametrize("text", ["Yes, gift wrapping is free over the holidays.", "Gift wrapping is free on every order, whatever its total."])
def test_a_thing_a_source_prices_is_not_made_free_by_another_thing_it_gives_free(text: str) -> None:
    assert "grounded" in failed(check(text, "store-pricing-extras", customer=("Is gift wrapping free?",)))
