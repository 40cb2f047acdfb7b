"""Issue 13, round 17f: friendly asides with no policy fact are used; the same asides carrying a fact or a promise are not.

* A joke about the customer's things or situation ("Ha, your jeans have earned a rest!", "New phone, new
  headaches!"), a list lead-in ("A few highlights:"), the agent's word on why a step helps ("That'll make
  the report more useful.") and the customer's next move set against the fact just stated ("So it's
  worth checking the forecast for your trip against that.") need no source.
* The customer's own words, quoted back in a step of theirs ("... before trying "jeans" again."), are
  their situation, not words the sources must have; in a sentence that commits or speaks for the shop
  they are weighed as ever.
"""

from __future__ import annotations

import pytest

from service.guardrails.courtesy import is_conversational
from service.guardrails.light_asides import light_aside, their_quotes
from service.replies.policy import content_words
from tests.test_guardrails import check, failed

JEANS = "products-jeans-faq"
BOOTS = "products-boots-faq"
JACKETS = "products-jackets-faq"
TWO_FACTOR = "account-reset-two-factor"
LEVELS = "store-membership-levels"
STOCK = "stock-out-of-stock-general"
SEARCH = "site-search-not-working"


def grounded_fails(text: str, article: str, customer: str = "hello", channel: str = "chat") -> bool:
    return "grounded" in failed(check(text, article, customer=(customer,), channel=channel))


# ---- 1. the forms, on their own -------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Ha, your jeans have earned a rest!",
    "Haha, those boots have seen better days!",
    "Your jeans deserve a break!",
    "New phone, new headaches!",
    "Different device, different problems!",
    "A few highlights:",
    "Here are the main differences:",
    "Some handy pointers:",
    "That'll make the report more useful.",
    "That helps us narrow it down.",
    "This will make the search much easier.",
    "So it's worth checking the forecast for your trip against that.",
    "You might want to compare the temperatures where you're going with that.",
])
def test_a_friendly_aside_is_conversational(text: str) -> None:
    assert light_aside(text)
    assert is_conversational(text)


@pytest.mark.parametrize("text", [
    "Ha, your jeans have earned a free hem!",
    "Ha, your jeans have earned a full refund!",
    "New phone, new perks!",
    "New level, new benefits!",
    "That'll make your refund quicker.",
    "That'll get the items to you faster.",
    "So it's worth knowing the jacket is warm to minus 30 degrees.",
    "Ha, your jeans will last forever!",
])
def test_an_aside_carrying_a_fact_or_a_promise_is_not_conversational(text: str) -> None:
    assert not is_conversational(text)


# ---- 2. end to end: used where only the aside is added, refused where it carries a claim ------------


@pytest.mark.parametrize("text, article, customer", [
    ("Ha, your jeans have earned a rest, Kenji! Wash them inside out in cold water every 5 to 10 wears and hang them to dry.", JEANS,
     "I wash my jeans after every wear"),
    ("Those boots have seen better days! Our boots are waterproof, with a waterproof membrane and sealed seams.", BOOTS,
     "my boots are worn out, are yours waterproof?"),
    ("New phone, new headaches! I can reset your two-factor authentication. We'll send a reset code to your email address.", TWO_FACTOR,
     "got a new phone and can't get my 2FA codes"),
    ("Which items have you had trouble with? That'll make the report more useful.", STOCK, "everything is out of stock"),
    ("Our insulated jackets are comfortable down to about 20°F with a normal layer underneath. So it's worth checking the forecast for your trip against that.",
     JACKETS, "going somewhere really cold, is the insulated jacket warm enough?"),
])
def test_a_reply_with_a_friendly_aside_is_used(text: str, article: str, customer: str) -> None:
    assert not grounded_fails(text, article, customer)


@pytest.mark.parametrize("text, article, customer", [
    ("Ha, your jeans have earned a free hem, Kenji!", JEANS, "I wash my jeans after every wear"),
    ("Those boots have seen better days, so we'll send you a new pair for free!", BOOTS, "my boots are worn out"),
    ("New phone, new perks! As a thank-you we'll add a $10 credit to your account.", TWO_FACTOR, "got a new phone"),
    ("Which items were you after? That'll make your refund quicker.", STOCK, "everything is out of stock"),
    ("That'll make the report go through, and we'll restock them within 3 days.", STOCK, "everything is out of stock"),
    ("Our insulated jackets are comfortable down to about minus thirty Fahrenheit. So it's worth checking the forecast against that.",
     JACKETS, "going somewhere really cold"),
])
def test_the_same_aside_with_a_claim_is_refused(text: str, article: str, customer: str) -> None:
    assert grounded_fails(text, article, customer)


def test_a_list_lead_in_before_sourced_items_is_used_and_before_a_made_up_one_refused() -> None:
    good = "Hi Tariq,\n\nA few highlights:\n- Silver members can return within 6 months\n- Bronze within 90 days\n\nKind regards,\nNorthwind"
    bad = "Hi Tariq,\n\nA few highlights:\n- Every member gets free overnight upgrades\n\nKind regards,\nNorthwind"
    assert not grounded_fails(good, LEVELS, "what are the levels?", channel="email")
    assert grounded_fails(bad, LEVELS, "what are the levels?", channel="email")


# ---- 3. the customer's quoted words said back in a step ---------------------------------------------

THEIR_SEARCH = "Search says 'No results found' for everything, even 'jeans'."


@pytest.mark.parametrize("text, customer", [
    ('Then search for something different before trying "jeans" again.', THEIR_SEARCH),
    ('Then search for something different before trying "navy blue dress" again.', 'No results found even for "navy blue dress"'),
])
def test_their_quoted_words_in_a_step_of_theirs_are_used(text: str, customer: str) -> None:
    assert not grounded_fails(text, SEARCH, customer)


@pytest.mark.parametrize("text, customer", [
    ('Then we\'ll send you a voucher before you try "jeans" again.', THEIR_SEARCH),
    ('Then search for "free shipping" before trying "jeans" again.', THEIR_SEARCH),
    ('We\'ll give you a "full refund" for the trouble.', 'I want a "full refund"'),
])
def test_quoted_words_with_a_promise_or_not_theirs_are_refused(text: str, customer: str) -> None:
    assert grounded_fails(text, SEARCH, customer)


def test_their_quotes_keeps_only_short_quotes_of_their_own_words() -> None:
    mine = content_words(THEIR_SEARCH)
    assert their_quotes('Then try "jeans" again.', mine, content_words) == ['"jeans"']
    assert their_quotes('Then try "dresses" again.', mine, content_words) == []
    assert their_quotes('Then we\'ll try "jeans" again.', mine, content_words) == []
    assert their_quotes('Then try "jeans" again.', frozenset(), content_words) == []
