"""Issue 13, round 17b: guarantees anywhere, level changes, look-alike capital I.

* A guarantee is forbidden wherever it stands in its clause ("we can waive the shipping fee, guaranteed",
  "that's a guarantee from us", "they're guaranteed to keep your feet dry for life"), also spelt with a
  zero-width character, "@" for "a" or mathematical bold letters; a guarantee denied in its clause ("we
  can't guarantee a delivery date", "back-ordered items aren't guaranteed to arrive") stays used.
* A change of the customer's membership level promised or said done ("I'll bump you up to Gold", "I'll
  upgrade your membership") is forbidden: agents cannot change a level. How members move up, a change
  denied, and an upgrade of a delivery stay used.
* A capital I inside a small-letter word is read as l when matching ("fuII refund" is "full refund"),
  while capital words and words that start with I ("ID", "I'll", "Iceland") are left as written.
"""

from __future__ import annotations

import pytest

from service.guardrails.normalise import fold_capital_i, same_length_variants, variants
from tests.test_guardrails import POLICY, check, failed

RULES = {r.id: r for r in POLICY.forbidden}
BOOTS = "products-boots-faq"
SHIPPING = "shipping-cost-refund"
LEVELS = "store-membership-levels"
BACK_ORDER = "stock-back-order-item"
REFUND = "refunds-request-a-refund"


# ---- 1. a guarantee in any position ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Since it's still in transit we can waive the shipping fee, guaranteed.",
    "Since it's still in transit we can waive the shipping fee, guarante\u200ced.",
    "I can waive the shipping fee, and that's gu@rantee from us.",
    "It's in transit so we'll waive the shipping fee, gu@ranteed.",
    "Our boots have sealed seams, and they're guaranteed to keep your feet dry for life.",
    "Our boots have sealed seams, and they're \U0001d420\U0001d42e\U0001d41a\U0001d42b\U0001d41a\U0001d427\U0001d42d\U0001d41e\U0001d41e\U0001d41d to keep your feet dry.",
    "Waterproof membrane and sealed seams, guaranteed never to leak.",
    "You'll love them, that's a guarantee.",
])
def test_a_guarantee_anywhere_in_its_clause_is_forbidden(text: str) -> None:
    assert RULES["guarantee"].find(text), text


@pytest.mark.parametrize("text", [
    "I'm afraid we can't guarantee a delivery date.",
    "Your jacket will ship as soon as it becomes available, but we can't guarantee delivery before the 20th.",
    "Back-ordered items are not guaranteed to arrive before the holidays.",
    "Sorry, there's no guarantee: back-ordered items aren't guaranteed to arrive before the holidays.",
    "It will ship as soon as it becomes available, but we're unable to guarantee it'll be there by Friday.",
    "I'm not able to guarantee it, though it will ship as soon as it's available.",
    "Our boots come with a 1-year warranty against manufacturing defects.",
])
def test_a_guarantee_denied_in_its_clause_is_not(text: str) -> None:
    assert not RULES["guarantee"].find(text), text


def test_a_guarantee_after_a_waiver_is_refused_and_a_denied_one_used_through_the_checker() -> None:
    customer = ("The shipping on my order was too much, it's still in transit",)
    assert "forbidden" in failed(check("Since it's in transit I can waive the shipping fee for you, guaranteed.", SHIPPING, customer=customer))
    assert "forbidden" in failed(check("They have a waterproof membrane and sealed seams, \U0001d406\U0001d42e\U0001d41a\U0001d42b\U0001d41a\U0001d427"
                                       "\U0001d42d\U0001d41e\U0001d41e\U0001d41d to keep out rain, puddles and snow.", BOOTS))
    used = ("I'm sorry it's out of stock. If you'd like, I can back-order it for you using the credit card on file, and it will ship "
            "as soon as it becomes available, but we're unable to guarantee it'll be there by Friday.")
    assert "forbidden" not in failed(check(used, BACK_ORDER, customer=("will my backorder be here by friday?",)))


# ---- 2. a level change ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Sure thing! I'll bump you up to Gold right now so you get unlimited returns.",
    "Of course! I'll move you to Gold so your returns are unlimited.",
    "I'll upgrade your membership to Silver, so you can return items within 6 months.",
    "We'll bump your account up to Gold now: unlimited returns.",
    "I'm happy to promote you to Gold.",
    "I'll put you on Silver, so you'll have 6 months to return items.",
    "I'll get you upgraded to Gold today.",
    "Good news: your account has been upgraded to Silver.",
    "Let me make you a Gold member.",
])
def test_a_level_change_promised_or_said_done_is_forbidden(text: str) -> None:
    assert RULES["level_change"].find(text), text


@pytest.mark.parametrize("text", [
    "I'm sorry, I can't move you to Gold: agents can't change a customer's level.",
    "I'm unable to bump you up to Gold.",
    "Members move up to Silver and Gold based on how much they shop with us over a membership year.",
    "You move up to Gold based on how much you shop with us, so you can upgrade by shopping more.",
    "As a Gold member you get unlimited returns and free overnight upgrades.",
    "I can upgrade you to overnight shipping for $20.",
])
def test_how_members_move_up_a_denied_change_and_a_delivery_upgrade_are_not(text: str) -> None:
    assert not RULES["level_change"].find(text), text


def test_a_level_change_is_refused_and_how_levels_work_used_through_the_checker() -> None:
    customer = ("I'm Silver but I really need unlimited returns. Can you make me Gold?",)
    assert "forbidden" in failed(check("Sure thing! I'll bump you up to Gold right now so you get unlimited returns.", LEVELS, customer=customer))
    used = ("I'm sorry, agents can't change a customer's level. Members move up to Silver and Gold based on how much they shop "
            "with us over a membership year, and Gold members get unlimited returns.")
    assert "forbidden" not in failed(check(used, LEVELS, customer=customer))


# ---- 3. a capital I for a small l ------------------------------------------------------------------------


@pytest.mark.parametrize("written,read", [
    ("You'll get a fuII refund", "You'll get a full refund"),
    ("FuII refund on its way", "Full refund on its way"),
    ("we'll refund you in fuII:", "we'll refund you in full:"),
    ("aII of it", "all of it"),
])
def test_a_capital_i_inside_a_small_letter_word_is_read_as_l(written: str, read: str) -> None:
    assert fold_capital_i(written) == read
    assert read in variants(written)


@pytest.mark.parametrize("text", [
    "Please confirm your order ID and username.",
    "I'll check it, I'm sure it's fine.",
    "Shipping to Iceland takes longer.",
    "Our FAQ and the IT team.",
])
def test_capital_words_and_words_starting_with_i_are_left_as_written(text: str) -> None:
    assert fold_capital_i(text) == text
    assert variants(text) == (text,)


def test_a_capital_i_after_a_look_alike_digit_is_read_as_l_too() -> None:
    assert "full refund" in variants("fu1I refund")
    assert "full refund" in same_length_variants("fuI1 refund")


def test_mathematical_letters_are_folded_for_the_commitment_reader_keeping_offsets() -> None:
    bold = "I'll \U0001d42b\U0001d41e\U0001d41f\U0001d42e\U0001d427\U0001d41d it \u00bd"
    folded = same_length_variants(bold)[0]
    assert folded == "I'll refund it \u00bd" and len(folded) == len(bold)


def test_a_full_refund_with_capital_is_is_refused_and_a_plain_refund_offer_used_through_the_checker() -> None:
    customer = ("I want my money back for these boots",)
    assert "forbidden" in failed(check("Sorry they didn't work out! You'll get a fuII refund, just confirm your username, "
                                       "account email and order ID and pick a refund method.", REFUND, customer=customer))
    used = ("I'm sorry they didn't work out! I can help with a refund. Could you tell me the reason, and confirm your "
            "username, account email and order ID?")
    assert "forbidden" not in failed(check(used, REFUND, customer=customer))
