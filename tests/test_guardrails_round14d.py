"""Issue 13, round 14d: membership levels read the way a reply sets them out.

* A clause with no word that could speak of a level ("order number" in a request for details, "in
  progress" in a list of a refund's statuses) does not take the level addressed before it; the
  customer's own level said back ("it was a guest order") is their situation.
* An elliptical price set against a level that pays nothing ("waived for Gold, $20 for Silver") is
  the price of the thing the earlier clause names; two prices side by side are not.
* A labelled comparison's yes/no ("**Subscription payment extension:** ..., Bronze not available")
  is read with its label; a pronoun denial ("so it isn't available on a guest account") with what
  the pronoun stands for; "a Gold and Silver benefit" names levels only.
* A figure with no level in a check or condition on the customer's case ("once I've confirmed it's
  only 1 day past due") is read as said of their level; "still missing" is the sources' "has not
  appeared"; "Both get ..." is the two levels just named.

Each faithful wording has a violating twin that must still be refused: the wrong level's figure, a
benefit granted to a level that lacks it, a denial to a level that has it.
"""

from __future__ import annotations

import pytest

from service.domain.text import stem
from tests.test_guardrails import check, failed

LEVELS = "store-membership-levels"
ADD = "orders-add-item"
NO_CREDIT = "refunds-returned-no-credit"
EXTENSION = "subscription-payment-extension"
DUPLICATE = "orders-cancel-duplicate-item"
PROMO = "promotions-promo-code-expired"
ASKED = ("What's the difference between the levels?",)


def test_a_request_for_details_after_the_level_takes_no_level() -> None:
    text = ("Credits can take up to seven days, but as a Gold member we start processing the credit anyway. "
            "Let me just confirm your username, email and order number and I'll get that going.")
    report = check(text, NO_CREDIT, customer=("I returned an item four days ago and no credit yet. I'm a Gold member.",))
    assert report.passed, report.findings()


def test_a_promise_in_the_same_request_keeps_the_level() -> None:
    text = "Credits can take up to seven days. Let me just confirm your username, email and order number and I'll start processing the credit anyway."
    report = check(text, NO_CREDIT, customer=("I returned an item four days ago and no credit yet. I'm a Silver member.",))
    assert "grounded" in failed(report)


def test_an_invitation_to_dm_after_the_level_takes_no_level() -> None:
    text = ("Codes expire 7 days after they're issued, but as a Gold member you can get a replacement for 20% off your next purchase. "
            "DM us your account details and we'll send a new one your way.")
    assert check(text, PROMO, channel="social", customer=("Gold member, my promo code expired before I could use it",)).passed


def test_a_code_sent_to_a_guest_after_a_dm_is_refused() -> None:
    text = "Codes expire 7 days after they're issued. DM us your account details and we'll send a replacement code your way."
    assert "grounded" in failed(check(text, PROMO, channel="social", customer=("Guest here, my promo code expired",)))


GUEST_DUPLICATE = ("Guest checkout. I accidentally ordered two identical hoodies and it says In Transit.",)


def test_the_customers_own_level_said_back_is_their_situation() -> None:
    text = "Because the order is already in transit and it was a guest order, we can't refund the extra hoodie just yet."
    report = check(text, DUPLICATE, customer=GUEST_DUPLICATE)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "Because the order is already in transit and it was a Gold order, we can't refund the extra hoodie just yet.",
    "It was a guest order, so we've refunded the extra hoodie.",
])
def test_another_level_or_a_refund_for_the_guest_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, DUPLICATE, customer=GUEST_DUPLICATE))


@pytest.mark.parametrize("text", [
    "Overnight upgrades: the $20 fee is waived for Gold; Silver members pay $20.",
    "Overnight upgrade fee: waived for Gold, $20 for Silver.",
    "The overnight upgrade fee is waived for Gold members, while Silver members pay the $20.",
])
def test_a_price_set_against_a_level_that_pays_nothing_passes(text: str) -> None:
    report = check(text, LEVELS, customer=ASKED)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "Overnight upgrades: Silver members pay $20, Gold members pay $20.",
    "Overnight upgrades: the $20 fee is waived for Silver; Gold members pay $20.",
    "Overnight upgrades: the fee is waived for Gold; Silver members pay $25.",
])
def test_the_wrong_level_or_figure_in_a_price_contrast_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, LEVELS, customer=ASKED))


@pytest.mark.parametrize("text", [
    "Subscription payment extension: Silver if 1 day late, Bronze not available.",
    "Adding to an order that's already shipped: Gold and Silver get the item sent separately with no shipping fee.",
])
def test_a_labelled_comparison_passes(text: str) -> None:
    report = check(text, LEVELS, customer=ASKED)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "Subscription payment extension: Gold always, Silver not available.",
    "Adding to an order that's already shipped: Gold and Bronze get the item sent separately with no shipping fee.",
])
def test_a_labelled_comparison_wrong_for_a_level_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, LEVELS, customer=ASKED))


FORGOT = "Since the order has already shipped, I'm afraid I can't add the socks to it. "


def test_a_pronoun_denial_to_a_level_without_the_benefit_passes() -> None:
    text = FORGOT + ("Sending a forgotten item separately with no shipping fee is a benefit for Gold and Silver members, "
                     "so it isn't available on a guest account.")
    report = check(text, ADD, channel="voice", customer=("My order shipped already but I forgot socks. I'm a guest.",))
    assert report.passed, report.findings()


def test_a_pronoun_denial_to_a_level_with_the_benefit_is_refused() -> None:
    text = FORGOT + ("Sending a forgotten item separately with no shipping fee is a benefit for Gold members, "
                     "so it isn't available on a Silver account.")
    assert "grounded" in failed(check(text, ADD, channel="voice", customer=("My order shipped already but I forgot socks. I'm Silver.",)))


BELT = ("Bronze member. My order is out for delivery and I forgot to add a belt.",)


def test_a_benefit_named_for_the_levels_that_have_it_passes() -> None:
    text = ("Because the order is already out for delivery, the belt can't be added to it, and sending it separately with free "
            "shipping is a Gold and Silver benefit.")
    report = check(text, ADD, channel="voice", customer=BELT)
    assert report.passed, report.findings()


@pytest.mark.parametrize("text", [
    "Because the order is already out for delivery, the belt can't be added to it, but sending it separately with free shipping is a Bronze benefit.",
    "Because the order is already out for delivery, the belt can't be added to it, and sending it separately with free shipping is a Gold and Bronze benefit.",
])
def test_a_benefit_named_for_a_level_without_it_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, ADD, channel="voice", customer=BELT))


def test_a_figure_checked_on_the_customers_case_is_their_levels() -> None:
    text = ("Silver members can get an extension when the payment is just 1 day late. Once I've looked up your account and "
            "confirmed it's only one day past due, I'll extend your subscription.")
    report = check(text, EXTENSION, channel="email", customer=("My payment was due yesterday. I'm a Silver member.",))
    assert "grounded" not in failed(report), report.findings()


@pytest.mark.parametrize("customer", ["My payment was due yesterday. I'm a Bronze member.", "My payment was due yesterday, I'm a guest."])
def test_the_same_check_to_a_level_without_the_extension_is_refused(customer: str) -> None:
    text = "Once I've confirmed it's only one day past due, I'll extend your subscription."
    assert "grounded" in failed(check(text, EXTENSION, channel="email", customer=(customer,)))


@pytest.mark.parametrize("text", [
    "Credits can take up to 7 days to appear, so it's a bit early. If it's still missing after 7 days, get back to us and we'll start it.",
    "Credits can take up to 7 days to appear. If it still hasn't shown up after 7 days, get back to us and I'll start processing it.",
])
def test_a_credit_not_yet_seen_after_the_sources_days_passes(text: str) -> None:
    report = check(text, NO_CREDIT, customer=("returned my jeans 4 days ago and no credit yet. I'm Silver",))
    assert report.passed, report.findings()


def test_another_number_of_days_is_refused() -> None:
    text = "If it's still missing after 5 days, get back to us and we'll start it."
    assert "grounded" in failed(check(text, NO_CREDIT, customer=("returned my jeans 4 days ago and no credit yet. I'm Silver",)))


def test_both_after_two_levels_is_those_two() -> None:
    said = "Sub extension: Gold always, Silver if 1 day late. Both get extra fees removed."
    assert check(said, LEVELS, customer=ASKED).passed
    wrong = "Sub extension: Gold always, Bronze never. Both get extra fees removed."
    assert "grounded" in failed(check(wrong, LEVELS, customer=ASKED))


def test_an_adverb_keeps_its_adjectives_stem() -> None:
    assert stem("separately") == stem("separate") and stem("immediately") == stem("immediate")


def test_a_return_refused_in_the_agents_words_passes() -> None:
    text = ("I'm sorry, but for guest purchases a return needs to be within 30 days of purchase or come with a receipt. "
            "As your purchase was 45 days ago without a receipt, I'm unable to accept this return.")
    report = check(text, "returns-membership-windows", customer=("I don't have an account. I bought a scarf 45 days ago, no receipt. Can I return it?",))
    assert report.passed, report.findings()
