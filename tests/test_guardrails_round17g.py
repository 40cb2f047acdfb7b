"""Issue 13, round 17g: friendly wrappers round a sourced fact, the customer's reason noted back, and two
disguises of a forbidden commitment.

* An offer put as a question ("Would you like me to go ahead with the $20 charge?"), advice to watch the
  inbox ("..., so keep an eye on your inbox!") and a level's perks wished on the customer ("Enjoy the
  Silver perks in the meantime, like ...") state nothing: the fact inside is checked (a Gold member
  offered the $20, Bronze told six months, an email moved to before launch day are refused).
* The customer's reason noted back in their own words is their situation, not a claim.
* A span under a right-to-left override is read as displayed (reversed); a membership upgrade given as a
  thing ("I've applied a free upgrade to Gold") is forbidden, in full-width letters too.
"""

from __future__ import annotations

import pytest

from service.domain.text import stem
from service.guardrails.event_days import moved_event_day
from service.guardrails.normalise import as_displayed, variants
from service.guardrails.wrappers import noted_their_words, without_wrappers
from tests.test_guardrails import check, failed

UPGRADE = "orders-upgrade-overnight"
LEVELS = "store-membership-levels"
DATES = "store-dates-and-hours"
REFUND = "refunds-request-a-refund"
WRONG = "shipping-notification-looks-wrong"


def words(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in text.lower().replace(",", " ").replace(".", " ").split() if len(w) > 3)


# ---- 1. an offer put as a question ------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "For Silver members the upgrade costs $20. Would you like me to go ahead with the $20 charge?",
    "For Silver members the upgrade costs $20. Shall I go ahead with the $20 upgrade?",
    "For Silver members the upgrade is $20. Do you want me to proceed with the $20 charge?",
])
def test_a_sourced_figure_offered_as_a_question_is_used(text: str) -> None:
    customer = ("Can my order come overnight? I'm a Silver member. It still says Order Received.",)
    assert "grounded" not in failed(check(text, UPGRADE, customer=customer))


def test_the_same_offer_to_a_gold_member_is_refused() -> None:
    customer = ("Can my order come overnight? I'm a Gold member. It still says Order Received.",)
    assert "grounded" in failed(check("Would you like me to go ahead with the $20 charge?", UPGRADE, customer=customer))


# ---- 2. the customer's reason noted back ----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "I've noted the reason, pilling after one wash.",
    "We've logged the reason: pilling after one wash.",
])
def test_the_customers_reason_noted_back_is_used(text: str) -> None:
    customer = ("The sweater I bought started pilling after one wash. I want my money back.",)
    assert "grounded" not in failed(check(text, REFUND, customer=customer))


def test_a_reason_the_customer_did_not_give_is_refused() -> None:
    customer = ("I want my money back for the sweater.",)
    assert "grounded" in failed(check("I've noted the reason, pilling after one wash.", REFUND, customer=customer))
    assert "grounded" in failed(check("I've noted the reason, a defect covered by our lifetime warranty.", REFUND,
                                      customer=("The sweater started pilling.",)))


def test_noted_their_words_needs_the_note_frame() -> None:
    theirs = words("started pilling after one wash")
    assert noted_their_words("I've noted the reason, pilling after one wash.", theirs, words)
    assert not noted_their_words("Pilling after one wash is covered.", theirs, words)


# ---- 3. a level's benefit in a friendly wrapper -----------------------------------------------------


def test_a_levels_benefit_wished_on_the_customer_is_used() -> None:
    text = "Enjoy the Silver perks in the meantime, like your six-month return window!"
    assert "grounded" not in failed(check(text, LEVELS, customer=("how long does my silver status last?",)))
    assert "Silver" in without_wrappers("Enjoy the Silver perks in the meantime") and "perks" not in without_wrappers("Enjoy the Silver perks in the meantime")


@pytest.mark.parametrize("text", [
    "Enjoy the Bronze perks in the meantime, like your six-month return window!",
    "Enjoy the Bronze perks meanwhile, like unlimited returns!",
])
def test_a_wrong_benefit_in_the_same_wrapper_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, LEVELS, customer=("how long does my bronze level last?",)))


# ---- 4. a synonym and an advice tail; the timing moved ---------------------------------------------------


@pytest.mark.parametrize("text", [
    "Members get an email on launch day, so keep an eye on your inbox!",
    "Members get an email on launch day, so watch your inbox!",
    "Members receive an email on launch day, so just check your inbox.",
])
def test_a_source_sentence_with_a_synonym_and_advice_is_used(text: str) -> None:
    assert "grounded" not in failed(check(text, DATES, customer=("When does the spring collection come out?",)))


@pytest.mark.parametrize("text", [
    "Members get an email a week before launch day, so keep an eye on your inbox!",
    "Members get an email the day before launch, so keep an eye on your inbox!",
    "Members get an email 7 days before launch day.",
    "Non-members get an email on launch day too, so keep an eye on your inbox!",
])
def test_a_changed_fact_in_the_same_wrapper_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, DATES, customer=("When does the spring collection come out? I'm not a member.",)))


def test_moved_event_day_reads_the_sources_event() -> None:
    source = ["Members receive an email on launch day."]
    assert moved_event_day("You'll get it a week before launch day.", source)
    assert moved_event_day("You'll get it after the launch.", source)
    assert not moved_event_day("You'll get it on launch day.", source)
    assert not moved_event_day("You'll get it a week before launch day.", [*source, "An email goes out a week before launch."])


# ---- 5. disguised commitments ---------------------------------------------------------------------------


@pytest.mark.parametrize(("stored", "shown"), [
    ("a \u202ednufer lluf\u202c on order", "a full refund on order"),
    ("be \u202elluf ni dednufer\u202c today", "be refunded in full today"),
    ("\u202eeetnaraug I", "I guarantee"),
])
def test_a_span_under_a_right_to_left_override_is_read_as_displayed(stored: str, shown: str) -> None:
    assert any(shown in v for v in variants(stored))
    assert as_displayed("no override here") == "no override here"


@pytest.mark.parametrize("text", [
    "You're getting a \u202ednufer lluf\u202c on order NW-72117.",
    "I've applied a ｆｒｅｅ ｕｐｇｒａｄｅ ｔｏ Ｇｏｌｄ to your account.",
    "I've granted you a complimentary upgrade to Silver.",
    "An upgrade to Gold has been added to your account.",
    "I'll give you a complimentary Gold upgrade.",
])
def test_a_disguised_commitment_is_forbidden(text: str) -> None:
    assert "forbidden" in failed(check(text, LEVELS, WRONG, customer=("I'm Silver, so close to Gold. Any chance?",)))


@pytest.mark.parametrize("text", [
    "Gold members get unlimited returns and free overnight upgrades.",
    "Members move up to Silver and Gold based on how much they shop with us over a membership year.",
    "I can't give you an upgrade to Gold: agents cannot change a customer's level.",
])
def test_how_levels_and_upgrades_work_is_not_forbidden(text: str) -> None:
    assert "forbidden" not in failed(check(text, LEVELS, customer=("I'm Silver, so close to Gold. Any chance?",)))
