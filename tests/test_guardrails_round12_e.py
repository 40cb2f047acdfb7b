"""Twelfth round (fix-12e): a level denied what a source grants it outright, a benefit kept to some
levels that a source grants another, and a fee waived for a level that pays it are refused; a
denial the sources bear out (they deny it, keep it to other levels, or never grant it to the
level) stands."""

from __future__ import annotations

import pytest

from service.guardrails.level_denials import denial_against_grant, denial_stands, fee_kept_for_level
from service.replies.policy import content_words
from tests.test_guardrails import ARTICLES, check, failed
from service.guardrails.passages import split_passages


def _passages(*articles: str):
    return [p for a in articles for p in split_passages(ARTICLES[a].body, a)]


@pytest.mark.parametrize(("text", "articles"), [
    ("Once an order has shipped, the date can't be changed, and as a Gold member you can't get a credit for the shipping fee.", ("orders-slower-delivery",)),
    ("Since your order has shipped, a separate order with no shipping fee isn't available to Silver members.", ("orders-add-item",)),
    ("Sending the item in a separate order with no shipping fee is only for Gold members.", ("orders-add-item",)),
    ("As a guest you won't pay the extra fee on this order.", ("orders-mystery-fee",)),
    ("Bronze members won't pay the extra fee on this order.", ("orders-mystery-fee",)),
])
def test_a_denial_against_a_grant_is_refused(text: str, articles: tuple[str, ...]) -> None:
    report = check(text, *articles)
    assert "grounded" in failed(report), text


@pytest.mark.parametrize(("text", "articles"), [
    ("Once an order has shipped, the date can't be changed, and as a guest you can't get a credit for the shipping fee.", ("orders-slower-delivery",)),
    ("Once an order has shipped, the date can't be changed, and for guest orders we aren't able to offer a credit for the shipping fee.", ("orders-slower-delivery",)),
    ("Since your order has shipped, a separate order with no shipping fee isn't available to Bronze members.", ("orders-add-item",)),
    ("Sending the item in a separate order with no shipping fee is only for Gold and Silver members.", ("orders-add-item",)),
    ("As a Gold member you won't pay the extra fee on this order.", ("orders-mystery-fee",)),
])
def test_a_denial_the_sources_bear_out_passes(text: str, articles: tuple[str, ...]) -> None:
    report = check(text, *articles)
    assert "grounded" not in failed(report), report.findings()


def test_the_finding_names_the_grant() -> None:
    why = denial_against_grant("as a Gold member you can't get a credit for the shipping fee", _passages("orders-slower-delivery"), content_words)
    assert why and "grants this to gold" in why and "credit" in why


def test_a_conditional_grant_does_not_refute_a_denial() -> None:
    # Silver gets an extension only if 1 day late: a denial to a Silver member who is later is no contradiction
    assert denial_against_grant("As a Silver member you can't get a subscription payment extension", _passages("store-membership-levels"),
                                content_words) is None


def test_a_denial_naming_no_thing_is_not_judged_here() -> None:
    assert denial_against_grant("not for Bronze", _passages("store-membership-levels"), content_words) is None


def test_a_fee_kept_for_a_level_is_found_only_for_that_level() -> None:
    passages = _passages("orders-mystery-fee")
    assert fee_kept_for_level("As a guest you won't pay the extra fee", passages, content_words)
    assert fee_kept_for_level("As a Silver member you won't pay the extra fee", passages, content_words) is None
    assert fee_kept_for_level("If it was our error you won't pay the extra fee", passages, content_words, frozenset({"guest"})) is None


def test_a_denial_stands_only_where_no_part_grants_it() -> None:
    passages = _passages("orders-slower-delivery")
    words = content_words("we aren't able to offer a credit for the shipping fee")
    assert denial_stands(frozenset({"guest"}), words, passages, content_words)
    assert not denial_stands(frozenset({"gold"}), words, passages, content_words)


@pytest.mark.parametrize(("text", "articles", "refused"), [
    ("If the code turns out not to be valid, I'm afraid we can't give you a new code as a guest.", ("promotions-promo-code-not-working",), False),
    ("If the code turns out not to be valid, I'm afraid we can't give you a new code as a Bronze member.", ("promotions-promo-code-not-working",), True),
    ("Unfortunately, as a Bronze member you can't get unexplained extra fees removed.", ("store-membership-levels",), False),
    ("Unfortunately, as a Silver member you can't get unexplained extra fees removed.", ("store-membership-levels",), True),
])
def test_a_hedge_is_no_part_of_a_denial_but_the_denial_is_judged(text: str, articles: tuple[str, ...], refused: bool) -> None:
    assert ("grounded" in failed(check(text, *articles))) is refused, text


def test_a_level_in_brackets_binds_only_what_is_in_them() -> None:
    from service.guardrails.passages import facts_of
    facts = {f.value: f.scope for f in facts_of("Overnight shipping is $20 (free for Gold members), and orders of $75 or more qualify for free standard shipping.")}
    assert facts["75"] is None
