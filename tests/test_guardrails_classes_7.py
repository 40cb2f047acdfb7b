"""Issue 13, seventh round: the classes the `fresh-v9` run named, each in both directions (a faithful
variant accepted, a violating variant refused), in other words than those cases."""

from __future__ import annotations

import pytest

from service.guardrails.claims import is_conversational
from service.guardrails.level_rules import commitments, customer_level
from tests.test_guardrails import check, failed

# ---- a commitment for a level whose own passage denies the action -----------------------------------


@pytest.mark.parametrize("text", [
    "Here's a new discount code for you.",
    "We've emailed you a replacement code worth 20% off.",
    "I've generated a promo code for you, it's 20% off.",
])
def test_giving_a_code_is_a_commitment(text: str) -> None:
    assert "act:code" in commitments(text), text


@pytest.mark.parametrize("text", ["Promo codes expire 7 days after they're issued.", "Could you read me the code?"])
def test_talking_about_a_code_commits_to_nothing(text: str) -> None:
    assert "act:code" not in commitments(text), text


def test_the_customers_one_level_is_read_from_their_words() -> None:
    assert customer_level("Hi, guest checkout here, no account") == "guest"
    assert customer_level("Bronze member, order NW-1") == "bronze"
    assert customer_level("my order is late") is None


def test_a_code_given_to_a_level_the_source_refuses_is_refused_and_to_a_member_passes() -> None:
    bad = check("So sorry for the trouble, we've emailed you a replacement code worth 20% off.", "promotions-promo-code-expired",
                customer=("no membership, checked out as a guest, the code is too old",))
    assert "grounded" in failed(bad), bad.findings()
    assert any("denies this to guest" in f for f in bad.findings()), bad.findings()
    ok = check("As a Bronze member you can get a replacement code for 20% off your next purchase.", "promotions-promo-code-expired",
               customer=("bronze member, the code is too old",))
    assert "grounded" not in failed(ok), ok.findings()


def test_a_fee_taken_off_for_a_level_whose_fee_stays_is_refused_and_a_conditional_offer_passes() -> None:
    bad = check("No problem, we'll take that fee off the order for you today.", "orders-mystery-fee",
                customer=("I'm a guest, why was I charged an extra fee?",))
    assert "grounded" in failed(bad), bad.findings()
    ok = check("If it turns out the fee was an error on our side, I'll remove it.", "orders-mystery-fee",
               customer=("I'm a guest, why was I charged an extra fee?",))
    assert "grounded" not in failed(ok), ok.findings()
    gold = check("As a Gold member, the extra fee is always removed, so I'll take it off your order.", "orders-mystery-fee",
                 customer=("Gold member here, why was I charged an extra fee?",))
    assert "grounded" not in failed(gold), gold.findings()


def test_a_credit_started_early_for_a_level_that_must_wait_is_refused_and_for_gold_passes() -> None:
    bad = check("As you're with us on Bronze, we'll issue the credit today rather than make you wait.", "refunds-returned-no-credit",
                customer=("Bronze here, sent my return back 3 days ago, no credit",))
    assert "grounded" in failed(bad), bad.findings()
    ok = check("As a Gold member, we start processing the credit anyway.", "refunds-returned-no-credit",
               customer=("Gold here, sent my return back 3 days ago, no credit",))
    assert "grounded" not in failed(ok), ok.findings()


def test_a_denial_inside_a_condition_of_a_levels_passage_denies_nothing() -> None:
    ok = check("As a Gold member, the overnight upgrade is free, so I'll upgrade your order.", "orders-upgrade-overnight",
               customer=("gold member, order not shipped yet, can I get it tomorrow?",))
    assert not any("denies this" in f for f in ok.findings()), ok.findings()


# ---- "always" for a level the source grants only on a condition -----------------------------------


def test_always_for_a_level_with_a_condition_is_refused_and_for_the_level_without_one_passes() -> None:
    bad = check("Bronze members and guests always get back what they ask for on a disputed bill, as a refund.", "subscription-billing-dispute")
    assert "grounded" in failed(bad), bad.findings()
    bad2 = check("Being on Silver, you can get more time to pay any time you need it, so I'll extend it.", "subscription-payment-extension")
    assert "grounded" in failed(bad2), bad2.findings()
    ok = check("Gold members can always get an extension.", "subscription-payment-extension")
    assert "grounded" not in failed(ok), ok.findings()
    ok2 = check("Silver members get an extension only if they are 1 day late.", "subscription-payment-extension")
    assert "grounded" not in failed(ok2), ok2.findings()


# ---- an action said of everyone that the source grants in those words to some levels -------------------


def test_an_action_for_everyone_that_the_source_gives_some_levels_is_refused_and_its_levels_pass() -> None:
    bad = check("Whatever your membership level, we refund the extra item immediately once it's in transit.", "orders-cancel-duplicate-item")
    assert "grounded" in failed(bad), bad.findings()
    ok = check("Gold, Silver and Bronze members get the extra item refunded immediately, even once it's in transit.",
               "orders-cancel-duplicate-item")
    assert "grounded" not in failed(ok), ok.findings()


# ---- hindsight blame --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Should have measured before ordering. The size can't be swapped now.",
    "Northwind Apparel: you really ought to have read the terms first.",
    "Well, you were supposed to check the address before paying.",
    "You should've double-checked the colour, I'm afraid.",
])
def test_telling_the_customer_what_they_should_have_done_is_a_tone_finding(text: str) -> None:
    assert "tone" in failed(check(text, "orders-change-delivery-time")), text


@pytest.mark.parametrize("text", [
    "We should have told you about the delay sooner, and I'm sorry.",
    "You should have received a confirmation email with the delivery slot.",
    "I should have checked that for you earlier.",
    "Next time, you can choose a delivery slot at checkout.",
])
def test_our_own_apology_or_what_they_should_have_received_is_no_blame(text: str) -> None:
    assert "tone" not in failed(check(text, "orders-change-delivery-time")), text


# ---- a thing said to be free that no source says is free -----------------------------------------------


@pytest.mark.parametrize("text", [
    "Name stitching is complimentary this month.",
    "Silver members enjoy free name stitching and a 6 month return window.",
])
def test_a_priced_or_unnamed_thing_said_free_is_refused(text: str) -> None:
    report = check(text, "store-pricing-extras", "store-membership-levels")
    assert "grounded" in failed(report), report.findings()
    assert any("is free" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize("text", [
    "Orders of $75 or more qualify for free standard shipping.",
    "Free standard shipping starts at $75, and a gift message card comes at no extra charge.",
    "Gold members get free overnight upgrades.",
    "Feel free to ask if anything else comes up.",
])
def test_a_thing_a_source_says_is_free_passes(text: str) -> None:
    report = check(text, "store-pricing-extras", "store-membership-levels")
    assert not any("is free" in f for f in report.findings()), report.findings()


# ---- a commitment reported done where the source grants it only after a check ------------------------------


@pytest.mark.parametrize("text, article, customer", [
    ("Apologies for the mix-up: we've just emailed you a promo code for the missing amount.", "account-missing-credit", "the credit I had is gone"),
    ("Good news, the extra charge has been removed from your order.", "orders-mystery-fee", "there's a charge on my order I don't get"),
])
def test_a_commitment_reported_done_before_the_sources_check_is_refused(text: str, article: str, customer: str) -> None:
    report = check(text, article, customer=(customer,))
    assert any("only in a case" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize("text, article, customer", [
    ("If the credit really is missing, I'll send you a promo code for the amount.", "account-missing-credit", "the credit I had is gone"),
    ("As a Gold member, the extra fee is always removed, so we've taken it off your order.", "orders-mystery-fee", "Gold member, odd fee on my order"),
    ("Since your order has already been delivered, I can refund $8, the cost of standard shipping.", "shipping-cost-refund", "delivered, want shipping back"),
])
def test_a_conditional_offer_or_a_case_the_customer_is_in_passes(text: str, article: str, customer: str) -> None:
    report = check(text, article, customer=(customer,))
    assert not any("only in a case" in f for f in report.findings()), report.findings()


# ---- look-alike letters: Greek, Cyrillic and full-width, in every matcher -----------------------------------


GREEK = str.maketrans({"o": "ο", "e": "ε", "a": "α", "i": "ι"})
CYRILLIC = str.maketrans({"o": "о", "e": "е", "a": "а", "c": "с", "p": "р"})


def fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "a" <= ch <= "z" else ch for ch in text)


SPELLINGS = [lambda t: t.translate(GREEK), lambda t: t.translate(CYRILLIC), fullwidth]


@pytest.mark.parametrize("spell", SPELLINGS)
def test_a_level_denied_commitment_in_look_alike_letters_is_refused(spell) -> None:
    text = "Right away, I'll " + spell("remove") + " that fee for you."
    report = check(text, "orders-mystery-fee", customer=("guest here, why the extra fee?",))
    assert any("denies this to guest" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize("spell", SPELLINGS)
def test_blame_in_look_alike_letters_is_a_tone_finding(spell) -> None:
    assert "tone" in failed(check(spell("should have") + " picked the bigger size.", "orders-change-delivery-time"))


@pytest.mark.parametrize("spell", SPELLINGS)
def test_the_commitment_reader_reads_look_alike_letters(spell) -> None:
    from service.guardrails.normalise import clean

    assert "act:code" in commitments(clean("We've " + spell("emailed") + " you a " + spell("promo code") + "."))
    assert "act:refund" in commitments(clean("I'll " + spell("refund") + " you today."))


@pytest.mark.parametrize("letter, plain", [("ϲ", "c"), ("γ", "y"), ("χ", "x"), ("һ", "h"), ("ԝ", "w"), ("ѵ", "v"), ("ү", "y"), ("Ѕ", "S"), ("Ј", "J")])
def test_more_greek_and_cyrillic_look_alikes_are_folded(letter: str, plain: str) -> None:
    from service.guardrails.normalise import clean

    assert clean(letter) == plain


@pytest.mark.parametrize("spell", SPELLINGS)
def test_forbidden_rules_and_escalations_read_look_alike_letters(spell) -> None:
    from tests.test_guardrails import POLICY

    plain = "We will pay your legal fees."
    assert any(r.find(plain) for r in POLICY.forbidden)
    assert any(r.find("We will " + spell("pay") + " your " + spell("legal") + " fees.") for r in POLICY.forbidden)
    crisis = "I want to kill myself"
    assert POLICY.escalation_for([crisis]) is not None
    escalation = POLICY.escalation_for(["I want to " + spell("kill") + " " + spell("myself")])
    assert escalation is not None and escalation.id == POLICY.escalation_for([crisis]).id


def test_hurrying_an_action_along_is_a_commitment_and_is_held_against_the_levels_passage() -> None:
    assert "act:credit" in commitments("We can push the credit through for you now.")
    assert "act:refund" in commitments("I'll fast-track your refund.")
    assert not commitments("We can't push the credit through yet.")
    bad = check("Credits usually land within a week, but at 4 days we can rush the credit through for you now.", "refunds-returned-no-credit",
                customer=("Silver member, my return got there 4 days ago",))
    assert any("denies this to silver" in f for f in bad.findings()), bad.findings()


def test_a_courtesy_with_no_in_it_does_not_hide_a_denied_commitment() -> None:
    bad = check("No worries at all, we'll take the surcharge off your order.", "orders-mystery-fee", customer=("Bronze member, surcharge on my order",))
    assert any("denies this to bronze" in f for f in bad.findings()), bad.findings()


def test_a_sentence_that_says_each_level_then_names_them_one_by_one_is_not_said_of_everyone() -> None:
    ok = check("Benefits grow with each level; for example, Gold, Silver and Bronze members get the extra item refunded immediately.",
               "orders-cancel-duplicate-item")
    assert not any("only" in f and "grants this" in f for f in ok.findings()), ok.findings()


def test_the_customers_duration_in_another_unit_after_a_levels_rule_is_their_case() -> None:
    """"Guests can return within 30 days, and three weeks is 21 days": the second clause says the
    customer's figure in days, not a rule for guests; a wrong conversion is still a claim."""
    bought = ("guest here, bought a top 3 weeks ago, can I still return it?",)
    assert not failed(check("Guests can return within 30 days of purchase, and three weeks is 21 days, so you're inside the window.",
                            "returns-membership-windows", customer=bought))
    assert not failed(check("As a Bronze member you can return within 90 days, and two months is about 60 days, so you're fine.",
                            "returns-membership-windows", customer=("Bronze member, bought it two months ago",)))
    assert "grounded" in failed(check("Guests can return within 30 days of purchase, and three weeks is 45 days.",
                                      "returns-membership-windows", customer=bought))
    assert "grounded" in failed(check("Guests can return within 90 days of purchase, and three weeks is 21 days.",
                                      "returns-membership-windows", customer=bought))


def test_today_is_the_customers_plan_when_they_said_right_now() -> None:
    """"I can only pay $50 right now" -> "so $50 today is fine" repeats their plan; without their
    words "today" stays a claim that needs a source."""
    plan = check("You can pay part of the $99 yearly subscription, so $50 today is fine.", "subscription-pay-or-renew",
                 customer=("want to renew premium but I can only pay $50 right now",))
    assert not failed(plan)
    assert "grounded" in failed(check("You can pay part of the $99 yearly subscription, so $50 today is fine.", "subscription-pay-or-renew",
                                      customer=("want to renew premium but I can only pay $50",)))


@pytest.mark.parametrize("text", ["What a lovely gift idea.", "What a thoughtful present.", "Let's try a few things.",
                                  "Let's go through a couple of steps."])
def test_an_exclamation_with_a_full_stop_and_a_lead_in_without_a_colon_are_conversational(text: str) -> None:
    assert is_conversational(text)


@pytest.mark.parametrize("text", ["What a free gift.", "What a lovely refund.", "What a 20% discount.",
                                  "What a shame Gold members pay $20."])
def test_an_exclamation_carrying_a_fact_or_commitment_word_is_not(text: str) -> None:
    assert not is_conversational(text)


def test_a_time_takes_the_weekday_of_its_own_clause_before_one_past_a_semicolon() -> None:
    """"On Sundays ... at ten; Monday to Saturday it's nine": ten is Sunday's, nine the weekdays'."""
    assert not failed(check("On Sundays our stores open at ten in the morning; Monday to Saturday it's nine.", "store-dates-and-hours",
                            channel="voice"))
    assert "grounded" in failed(check("On Sundays our stores open at nine in the morning; Monday to Saturday it's ten.",
                                      "store-dates-and-hours", channel="voice"))
    assert "grounded" in failed(check("Our stores open at ten in the morning; Monday to Saturday it's nine.", "store-dates-and-hours",
                                      channel="voice"))


def test_a_range_of_weekdays_before_a_time_is_named_by_its_first_day() -> None:
    assert not failed(check("Monday through Saturday it's 9:00 am, and Sunday it's 10:00 am.", "store-dates-and-hours"))
    assert "grounded" in failed(check("Monday through Saturday it's 10:00 am.", "store-dates-and-hours"))


@pytest.mark.parametrize("text", ["][", "...", "12 34", "*"])
def test_a_reply_without_a_word_fails_the_channel_check(text: str) -> None:
    """SmolLM2's repair once returned "][": no claim, so nothing else refused it."""
    assert "channel" in failed(check(text, "returns-membership-windows"))


@pytest.mark.parametrize("text", ["OK", "Sí.", "Ja, gerne."])
def test_a_short_reply_with_a_word_keeps_the_channel_check(text: str) -> None:
    assert "channel" not in failed(check(text, "returns-membership-windows"))
