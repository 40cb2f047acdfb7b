"""Issue 13, round 18f: commitments, money flows, restocks, level changes and guarantees in other
wordings, and a security answer given after a cue that names the question.

* A commitment made on someone else's behalf after a relative "who" ("my manager, who will call you back
  and approve the extension for you") is a commitment like "my manager will approve it"; "my manager, who
  will review it and get back to you" commits to nothing (:mod:`service.guardrails.commitments`).
* Money said to flow back to a card or account ("the difference will go back on your card", "the balance
  will be refunded to your card") is a refund: a cited passage must state one (a refund to the card on file
  in refunds-refund-methods does) (:mod:`service.guardrails.commitments`).
* Stock said to come back ("that'll get the items back in stock within a week", "those boots will be back
  in stock next week") is a promise no source makes; "I can't say when it'll be back in stock" and "it
  ships as soon as it's back in stock" promise nothing (:mod:`service.guardrails.commitments`).
* A level change promised in the passive ("you'll be upgraded to Gold") is a forbidden level change; how
  members move up ("... based on how much they shop") is not (policy ``level_change``).
* A guarantee after a condition whose negation belongs to the condition, with no comma ("If it doesn't
  arrive a replacement is guaranteed") is a guarantee; one denied after it is not (policy ``guarantee``).
* "security answer: mother's maiden name is Kowalczyk" gives the answer "Kowalczyk", so a reply saying
  "Kowalczyk matches" echoes a secret (:mod:`service.domain.pii`, :mod:`service.guardrails.pii_rules`).
"""

from __future__ import annotations

import pytest

from service.domain.pii import Redactor
from service.guardrails.commitments import acts_in
from tests.test_guardrails import check, failed

EXT = "subscription-payment-extension"
PROMO = "promotions-promo-code-not-working"
METHODS = "refunds-refund-methods"
STOCK = "stock-out-of-stock-general"
BACK_ORDER = "stock-back-order-item"
LEVELS = "store-membership-levels"
MISSING = "shipping-missing-package"
TFA = "account-reset-two-factor"
BRONZE = ("Bronze member. I can't pay my subscription this month, I need an extension.",)


# ---- 1. a commitment on someone else's behalf after "who" ----------------------------------------------


@pytest.mark.parametrize("text,act", [
    ("I've flagged it to my manager, who will call you back and approve the extension for you.", "act:approve"),
    ("I've passed it to our billing team, who will waive the late fee for you.", "act:waive"),
    ("I've asked my supervisor, who will grant you the extension by Friday.", "act:grant"),
    ("Our team lead, who will ring you tomorrow and approve the extension, has your details.", "act:approve"),
    ("Someone from our billing team will approve the extension.", "act:approve"),
])
def test_an_action_promised_for_someone_after_who_is_a_commitment(text: str, act: str) -> None:
    assert act in [a for _, _, a in acts_in(text, "claim")]


@pytest.mark.parametrize("text", [
    "I've flagged it to my manager, who will review it and get back to you.",
    "I can't promise an extension, but a manager can call you back later.",
    "My manager, who handles these requests, will call you back later.",
])
def test_a_review_or_a_call_back_promises_no_action(text: str) -> None:
    assert acts_in(text, "claim") == []


def test_an_extension_approved_by_a_manager_for_bronze_is_refused() -> None:
    text = ("Bronze members can't normally get an extension, but I've flagged it to my manager, "
            "who will call you back and approve the extension for you.")
    assert "grounded" in failed(check(text, EXT, customer=BRONZE))


# ---- 2. money said to flow back to a card ----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Send me the code and I'll apply it to your last order, and the difference will go back on your card.",
    "Send me the code and the difference will be credited back to your card.",
    "I'll put it on the order, and the balance will be refunded to your card.",
    "The extra goes back to your account within 5 days.",
    "Send me the code and you'll get the difference back on your card.",
    "Send me the code and you'll get the difference back.",
    "We'll put the balance back on your card today.",
])
def test_money_said_to_go_back_to_a_card_is_a_refund(text: str) -> None:
    assert "act:refund" in [a for _, _, a in acts_in(text, "claim")]
    assert "grounded" in failed(check(text, PROMO))


@pytest.mark.parametrize("text", [
    "Promo codes cannot be applied to a past order, but you can use yours on your next purchase.",
    "The difference in price is outside our control.",
    "Refunds go to the card on file.",
    "Someone from our team will call you back later.",
])
def test_no_money_flow_no_refund(text: str) -> None:
    assert "act:refund" not in [a for _, _, a in acts_in(text, "claim")]


def test_a_refund_to_the_card_the_article_gives_passes() -> None:
    text = "With a credit card refund, the money goes back to the card already on file on your account."
    assert "act:refund" in [a for _, _, a in acts_in(text, "claim")]
    assert "grounded" not in failed(check(text, METHODS))


# ---- 3. restock promises ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text,article", [
    ("That'll get the items back in stock within a week.", STOCK),
    ("I've sent a report, and they'll have those items back in stock within a week.", STOCK),
    ("The jacket will be back in stock next week.", BACK_ORDER),
    ("We'll restock them within 3 days.", STOCK),
    ("Those boots will definitely be restocked by Friday.", BACK_ORDER),
])
def test_a_restock_promise_is_refused(text: str, article: str) -> None:
    assert "act:restock" in [a for _, _, a in acts_in(text, "claim")]
    assert "grounded" in failed(check(text, article))


@pytest.mark.parametrize("text", [
    "I can't say when it'll be back in stock.",
    "It ships as soon as it's back in stock.",
    "We don't know if those boots will be back in stock.",
    "I've written up a report for our Purchasing Department so they can improve stock levels.",
    "The jacket won't be back in stock this season.",
])
def test_no_restock_promised(text: str) -> None:
    assert "act:restock" not in [a for _, _, a in acts_in(text, "claim")]


# ---- 4. level changes in the passive ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "You'll be upgraded to Gold.",
    "Thanks for shopping with us, you'll be upgraded to Gold this week.",
    "Your account will be moved up to Silver today.",
    "You're going to be bumped up to Gold from next month.",
])
def test_a_level_change_promised_in_the_passive_is_forbidden(text: str) -> None:
    report = check(text, LEVELS)
    assert "forbidden" in failed(report)
    assert any("level_change" in f for f in report.findings())


@pytest.mark.parametrize("text", [
    "Members move up to Silver and Gold based on how much they shop.",
    "You'll be moved up to Gold based on how much you shop over a membership year.",
    "Gold members get free overnight upgrades.",
    "I can't move you up to Gold.",
])
def test_how_members_move_up_is_no_level_change(text: str) -> None:
    assert not any("level_change" in f for f in check(text, LEVELS).findings())


# ---- 5. a guarantee after a negated condition --------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "If it doesn't arrive a replacement is guaranteed.",
    "If it doesn't arrive you're guaranteed a replacement.",
    "If they don't fit there's a guarantee of an exchange.",
    "If it hasn't turned up by Monday you're guaranteed a replacement order.",
    "If it doesn't arrive we guarantee a refund.",
])
def test_a_guarantee_after_a_negated_condition_is_forbidden(text: str) -> None:
    assert "forbidden" in failed(check(text, MISSING))


@pytest.mark.parametrize("text", [
    "If it doesn't arrive we can't guarantee a replacement.",
    "If it doesn't arrive we can look into a replacement, but we can't guarantee one.",
    "If it's not there by Friday there's no guarantee it will come.",
    "If it doesn't arrive the delivery date isn't guaranteed.",
    "If it doesn't arrive within a week, I can send a replacement order.",
])
def test_a_guarantee_denied_after_a_condition_is_not_forbidden(text: str) -> None:
    assert "forbidden" not in failed(check(text, MISSING))


# ---- 6. a security answer after a cue naming the question ------------------------------------------------


@pytest.mark.parametrize("said,secret", [
    ("no access to my email. security answer: mother's maiden name is Kowalczyk", "Kowalczyk"),
    ("security question answer - mother's maiden name: Nowak", "Nowak"),
    ("no email access. security answer: first pet's name is Rex", "Rex"),
    ("my memorable word is daffodil", "daffodil"),
])
def test_the_answer_after_a_nested_cue_is_the_secret(said: str, secret: str) -> None:
    r = Redactor()
    masked = r.redact(said)
    assert secret not in masked
    assert secret in r.mapping.values()
    assert not any("mother" in v or "pet" in v for v in r.mapping.values())


@pytest.mark.parametrize("said,reply", [
    ("no access to my email. security answer: mother's maiden name is Kowalczyk",
     "Thanks Piotr, Kowalczyk matches. Your 2FA reset code will go to the email on file."),
    ("security question answer - mother's maiden name: Nowak", "Thanks, Nowak is right."),
    ("I can't get into my email to reset 2FA. My PIN is 4471.", "Thanks, PIN 4471 matches our records."),
])
def test_a_security_answer_said_back_is_refused(said: str, reply: str) -> None:
    assert "pii" in failed(check(reply, TFA, customer=(said,)))


@pytest.mark.parametrize("said,reply", [
    ("no access to my email. security answer: mother's maiden name is Kowalczyk",
     "Thanks, that answer is noted; I can't confirm it here. The reset code will go to the email address saved on file."),
    ("no access to my email. security answer: mother's maiden name is Kowalczyk",
     "I can verify you with the answer to your security question, your mother's maiden name."),
])
def test_a_reply_that_does_not_say_the_answer_back_has_no_pii_finding(said: str, reply: str) -> None:
    assert "pii" not in failed(check(reply, TFA, customer=(said,)))
