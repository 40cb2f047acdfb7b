"""Issue 13, eleventh round (b): which levels a benefit or fee is said of — complements ("$20 for
everyone else", "For other members and guests ..."), "both levels", and a denial to a level the
sources leave out of a benefit they give level by level."""

from __future__ import annotations

import pytest

from service.guardrails.levels import others_resolved, scope_of
from tests.test_guardrails import check, failed


def test_everyone_else_is_every_level_but_those_named() -> None:
    assert scope_of("waived for Gold, $20 for everyone else.") == frozenset({"gold", "silver", "bronze", "guest"})
    text, named = others_resolved("waived for Gold, $20 for everyone else.", frozenset())
    assert text == "waived for Gold, $20 for Silver and Bronze members and guests."
    assert named == frozenset({"gold", "silver", "bronze", "guest"})


def test_a_complement_opening_a_sentence_leaves_the_levels_the_sentence_before_named() -> None:
    text, _ = others_resolved("For other members and guests it's $20.", frozenset({"gold"}))
    assert text == "For Silver and Bronze members and guests it's $20."
    assert others_resolved("For other members it's $20.", frozenset())[0] == "For other members it's $20."


def test_both_levels_are_the_two_named_before() -> None:
    assert others_resolved("Both levels get it.", frozenset({"gold", "silver"}))[0] == "Gold and Silver members get it."
    assert others_resolved("Both levels get it.", frozenset({"gold"}))[0] == "Both levels get it."


@pytest.mark.parametrize(("text", "article"), [
    ("Gold members can upgrade to overnight for free. For other members and guests it's $20.", "orders-upgrade-overnight"),
    ("The overnight upgrade is waived for Gold, and it's $20 for everyone else.", "orders-upgrade-overnight"),
    ("Gold members get unexplained extra fees removed, and so do Silver members. Both levels get free separate shipping "
     "when adding to a shipped order.", "store-membership-levels"),
    ("Sorry, the order has shipped so the hat can't be added, and for Bronze members we aren't able to send it as a "
     "separate shipment with no shipping fee.", "orders-add-item"),
])
def test_levels_said_by_complement_or_denial_pass(text: str, article: str) -> None:
    assert "grounded" not in failed(check(text, article))


@pytest.mark.parametrize(("text", "article"), [
    ("Gold members can upgrade to overnight for free. For other members and guests it's free as well.", "orders-upgrade-overnight"),
    ("The overnight upgrade is free for Silver, and it's $20 for everyone else.", "orders-upgrade-overnight"),
    ("Silver members can upgrade to overnight for free. For other members and guests it's $20.", "orders-upgrade-overnight"),
    ("Silver returns run 6 months and Bronze returns run 90 days. Both levels get free separate shipping when adding to "
     "a shipped order.", "store-membership-levels"),
    ("Sorry, the order has shipped so the hat can't be added, but for Bronze members we can send it as a separate "
     "shipment with no shipping fee.", "orders-add-item"),
    ("The order has shipped, but for guests we are able to send the hat as a separate shipment with no shipping fee.", "orders-add-item"),
    ("Everyone gets free separate shipping when adding to a shipped order.", "store-membership-levels"),
])
def test_levels_swapped_or_widened_are_still_refused(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article))


def test_a_list_of_member_levels_is_one_clause() -> None:
    ok = "If you're a Gold, Silver or Bronze member, we can send you a replacement code for 20% off your next purchase."
    bad = "If you're a Gold, Silver, Bronze member or a guest, we can send you a replacement code for 20% off your next purchase."
    assert "grounded" not in failed(check(ok, "promotions-promo-code-expired"))
    assert "grounded" in failed(check(bad, "promotions-promo-code-expired"))
