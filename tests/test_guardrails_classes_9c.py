"""Issue 13, ninth round (9c): the classes the blind dev set fresh-d11 named among its faithful replies
refused, each in both directions (a faithful variant accepted, a violating near-miss refused), in
other words than those cases."""

from __future__ import annotations

import pytest

from service.guardrails.claims import is_conversational
from service.guardrails.levels import addressed_level, claim_negated
from service.guardrails.lists import list_item
from service.guardrails.numbers import prepare
from tests.test_guardrails import check, failed


def grounded(text: str, *articles: str, customer: tuple[str, ...] = ("hello",), channel: str = "chat") -> bool:
    return "grounded" not in failed(check(text, *articles, customer=customer, channel=channel))


# ---- conversational: a slip said of everyone, a summary announced ----------------------------------------


@pytest.mark.parametrize("text", [
    "No problem, Hollis, that happens to everyone.",
    "Don't worry, it could happen to anyone!",
    "Honestly, it happens to all of us.",
    "Here's the short version, Amara.",
    "Here's a quick overview.",
    "Let me walk you through it.",
])
def test_a_reassurance_or_an_announced_summary_is_conversational(text: str) -> None:
    assert is_conversational(text), text


@pytest.mark.parametrize("text", [
    "That happens to everyone, so every customer gets a free reset.",
    "Here's the short version: refunds are free for everyone.",
    "No problem, Hollis, everyone can skip the verification.",
])
def test_a_reassurance_carrying_a_claim_is_no_courtesy(text: str) -> None:
    assert not is_conversational(text), text


def test_a_reassurance_naming_everyone_passes_and_a_rule_for_everyone_beside_it_is_refused() -> None:
    customer = ("I can't remember my username at all.",)
    assert grounded("No problem, Hollis, that happens to everyone. Could you give me three of these four: your full name, your ZIP code, "
                    "your phone number and the email address on the account?", "account-recover-username", customer=customer)
    assert not grounded("No problem, Hal, that happens to everyone, so every customer can get their username without any verification.",
                        "account-recover-username", customer=customer)


# ---- a level's denial with no comma after its reason ---------------------------------------------------


def test_a_denial_after_a_reason_with_no_comma_is_still_a_denial() -> None:
    t = prepare("since it has shipped we can't add the hat to that order for Bronze members")
    assert claim_negated(t, 0, len(t)) is True
    t = prepare("when the old one isn't valid we replace it for Gold members")
    assert claim_negated(t, 0, len(t)) is False


def test_a_levels_denial_the_source_gives_passes_and_a_grant_to_that_level_is_refused() -> None:
    customer = ("bronze member, order shipped, want to add a hat",)
    assert grounded("Sorry, since it has shipped we can't add the hat to that order for Bronze members.", "orders-add-item", customer=customer)
    assert grounded("Because it's already on its way we can't add the socks to that order for guests.", "orders-add-item", customer=customer)
    assert not grounded("Since it has shipped we can add the hat to that order for Bronze members.", "orders-add-item", customer=customer)
    assert not grounded("Since it has shipped we'll send the hat in a separate order with no shipping fee for Bronze members.", "orders-add-item",
                        customer=customer)


# ---- advice after a purpose is no list ------------------------------------------------------------------


def test_a_purpose_before_advice_is_no_list_item() -> None:
    assert list_item("To keep them looking good afterwards") is None
    assert list_item("to your card on file") is not None


def test_advice_after_a_purpose_passes_and_an_advice_item_no_source_gives_is_refused() -> None:
    customer = ("I bought 2 pairs of jeans, how should I wash them?",)
    assert grounded("To keep them looking good afterwards, wash them inside out in cold water and hang them to dry.", "products-jeans-faq",
                    customer=customer)
    assert not grounded("To keep them looking good, wash them inside out in cold water, hang them to dry and bleach them monthly.",
                        "products-jeans-faq", customer=customer)


# ---- the level the reply addressed the customer as --------------------------------------------------------


def test_the_level_a_reply_addresses_the_customer_as() -> None:
    assert addressed_level("As a Silver member, Eudora, you can return items within six months.") == frozenset({"silver"})
    assert addressed_level("Your Gold membership lasts 12 months.") == frozenset({"gold"})
    assert addressed_level("Gold and Silver members get it free.") is None


def test_a_later_sentence_to_the_customer_is_said_of_the_level_they_were_addressed_as() -> None:
    customer = ("What do I get as a Silver member?",)
    assert grounded("As a Silver member, you can return items within six months. You also get a payment extension if you're 1 day late.",
                    "store-membership-levels", customer=customer)
    assert grounded("As a Silver member, Bram, you can return items within 6 months. You also get unexplained extra fees removed from your orders.",
                    "store-membership-levels", customer=customer)
    assert not grounded("As a Bronze member, you can return items within 90 days. You also get a payment extension if you're 1 day late.",
                        "store-membership-levels", customer=customer)
    assert not grounded("As a Bronze member, Cal, you can return items within 90 days. You also get unexplained extra fees removed from your orders.",
                        "store-membership-levels", customer=customer)
    assert not grounded("As a Silver member, you can return items within six months. You also get free overnight upgrades.",
                        "store-membership-levels", customer=customer)


# ---- figures the reply works out ----------------------------------------------------------------------


GIFTS = ("How much to gift wrap 3 items and stitch a name on one shirt?",)


@pytest.mark.parametrize("total, ok", [("$25", True), ("$30", False), ("$15", False), ("$20", False)])
def test_a_total_is_the_sum_of_the_amounts_stated_before_it(total: str, ok: bool) -> None:
    text = f"Gift wrapping is $5 per item, so three items come to $15, and name stitching is $10 per item. That's {total} in total."
    assert grounded(text, "store-pricing-extras", customer=GIFTS) is ok, total


def test_a_total_in_other_words_passes() -> None:
    assert grounded("Gift wrapping is $5 per item, so two items come to $10, and standard shipping is $8 per order. Altogether that's $18.",
                    "store-pricing-extras", customer=("How much is gift wrap for 2 items plus standard shipping?",))


@pytest.mark.parametrize("customer, amount, ok", [
    ("can i pay half now?", "$49.50", True),
    ("can I pay a third now?", "$33", True),
    ("can i pay half now?", "$45", False),
    ("can i pay some now?", "$49.50", False),
])
def test_a_share_the_customer_named_of_a_source_amount(customer: str, amount: str, ok: bool) -> None:
    text = f"The premium subscription is $99 a year and you can pay all or part of it, so {amount} now is fine."
    assert grounded(text, "subscription-pay-or-renew", customer=(customer,)) is ok, (customer, amount)


@pytest.mark.parametrize("text, ok", [
    ("You paid $198 instead of $99, so you were overcharged $99, and as a Gold member you get the refund.", True),
    ("You paid $198 instead of $99, so you were overcharged $109, and as a Gold member you get the refund.", False),
    ("You paid $198 instead of $89, so you were overcharged $109, and as a Gold member you get the refund.", False),
])
def test_a_double_charge_worked_out(text: str, ok: bool) -> None:
    customer = ("Gold here. You charged me twice for premium, $198, I already paid.",)
    assert grounded(text, "subscription-billing-dispute", customer=customer) is ok, text


@pytest.mark.parametrize("text, ok", [
    ("The difference is $6, and since that's under $10, as a Silver member you qualify for the refund of the $6.", True),
    ("The difference is $6, and since that's under $20, as a Silver member you qualify for the refund of the $6.", False),
    ("The difference is $6, and as a Silver member you qualify for a refund of $8.", False),
    ("The difference is $6, and Gold members get the refund of the $6.", False),
])
def test_a_worked_amount_said_of_the_level_the_customer_was_addressed_as(text: str, ok: bool) -> None:
    customer = ("I'm Silver and got billed $105 for premium instead of $99. I already paid it.",)
    assert grounded(text, "subscription-billing-dispute", customer=customer) is ok, text


@pytest.mark.parametrize("celsius, ok", [("-7°C", True), ("-2°C", False)])
def test_a_temperature_converted_from_the_sources(celsius: str, ok: bool) -> None:
    text = f"Our insulated jackets are comfortable down to about 20°F, which is around {celsius}, with a normal layer underneath."
    assert grounded(text, "products-jackets-faq", customer=("how cold can the insulated jacket handle",)) is ok


def test_two_temperatures_no_source_gives_do_not_vouch_for_each_other() -> None:
    assert not grounded("Our insulated jackets keep you comfortable down to about 0F (-18C) with a normal layer underneath.",
                        "products-jackets-faq", customer=("how cold can the insulated jacket handle",))


@pytest.mark.parametrize("days, rule, word, ok", [
    ("10", "7", "more", True), ("12", "7", "longer", True), ("3", "7", "more", False), ("10", "5", "more", False),
])
def test_the_customers_figure_compared_with_the_rules(days: str, rule: str, word: str, ok: bool) -> None:
    text = f"Sorry for the wait. {days} days is {word} than the {rule} it should take, so I can start processing the credit now."
    customer = (f"returned my item {days} days ago and still no credit",)
    assert grounded(text, "refunds-returned-no-credit", customer=customer) is ok, text


@pytest.mark.parametrize("text, ok", [
    ("I'll check whether the $6 was an error on our side; if so, I'll remove it.", True),
    ("I'll check whether the $8 was an error on our side; if so, I'll remove it.", False),
    ("The $6 was an error on our side, so I've removed it.", False),
])
def test_their_charge_said_back_beside_a_commitment_on_a_condition(text: str, ok: bool) -> None:
    customer = ("guest checkout, there's a weird extra fee of 6 dollars",)
    assert grounded(text, "orders-mystery-fee", customer=customer) is ok, text
