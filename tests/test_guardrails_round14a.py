"""Round 14a: conversational sentences that carry no policy fact need no source: humour about the customer's
situation, empathy that names it (with its reason), reassurance with its reason, closings, summary lead-ins,
good news the customer told us said back, the hedged result of the advice just given, a hedged pick among the
options the sources give with the customer's reason, and a temperature with its scale in words. Each with
look-alikes that carry a policy outcome, an amount, a day or a promise and must still be refused."""
from __future__ import annotations

import pytest

from service.guardrails.asides import acknowledged, aside, their_reason, without_hedges
from service.guardrails.numbers import prepare
from service.replies.policy import content_words
from tests.test_guardrails import check, failed

JEANS = ("Rub a little liquid laundry detergent into the stains, leave it for about 15 minutes, then wash the jeans inside out "
         "in cold water.")
TWO_FACTOR = "We can reset your two-factor authentication by sending a reset code to your email address."
GUM = ("Put an ice cube in a plastic bag and hold it against the gum until it hardens, then gently ease it off with a blunt "
       "edge, such as a plastic card.")
METHODS = "You can choose one of four refund methods: a gift card, value added to your account, a paper check or a refund to your card."
PASSWORD = "For security reasons we can't see or retrieve your existing password, but I can generate a new one for you right away."
RETURN_WAYS = ("You can send it back by mail with a printed label, take it to a drop-off center, or bring it to one of our stores.")


def grounded_fails(text: str, article: str, customer: str, channel: str = "chat") -> bool:
    return "grounded" in failed(check(text, article, channel=channel, customer=(customer,)))


@pytest.mark.parametrize("opening", ["Ha, the joys of baseball season!", "Ah, the perils of picnic season!", "Oh, the joys of toddler clothes!"])
def test_humour_about_the_customers_situation_needs_no_source(opening: str) -> None:
    assert not grounded_fails(f"{opening} {JEANS}", "products-jeans-faq", "grass stains all over my kid's new jeans")


@pytest.mark.parametrize("opening", ["Ha, the joys of free shipping!", "Ha, the joys of Gold membership!", "Ha, the joys of a 30 day window!"])
def test_humour_that_names_a_benefit_or_a_figure_is_a_claim(opening: str) -> None:
    assert grounded_fails(f"{opening} {JEANS}", "products-jeans-faq", "grass stains all over my kid's new jeans")


@pytest.mark.parametrize("opening", ["New phone hassle, I get it, Mateo.", "Phone swap drama, I hear you.",
                                     "That happens a lot after switching phones, so don't worry.",
                                     "That's really common after getting a new phone, so please don't worry."])
def test_empathy_and_reassurance_with_their_reason_need_no_source(opening: str) -> None:
    assert not grounded_fails(f"{opening} {TWO_FACTOR}", "account-reset-two-factor", "new phone, no 2FA codes")


@pytest.mark.parametrize("opening", ["Refund hassle, I get it.", "New phone hassle, I get it, so we'll waive the fee.",
                                     "That happens a lot after switching phones, so we'll give you a $10 voucher.",
                                     "That happens a lot after switching phones, so Gold members get a free reset."])
def test_empathy_that_grants_or_names_a_benefit_is_a_claim(opening: str) -> None:
    assert grounded_fails(f"{opening} {TWO_FACTOR}", "account-reset-two-factor", "new phone, no 2FA codes")


@pytest.mark.parametrize("opening", ["I'm sorry you're locked out, especially when you need to place an order today.",
                                     "I'm so sorry you can't log in, especially when you want to check out today."])
def test_empathy_may_name_the_day_of_the_customers_own_plan(opening: str) -> None:
    assert not grounded_fails(f"{opening} {PASSWORD}", "account-reset-password", "I can't log in and need to order today", "email")


@pytest.mark.parametrize("opening", ["I'm sorry you're locked out, especially since we'll give you a new password today.",
                                     "I'm sorry you're locked out, especially when you need a refund today.",
                                     "I'm so sorry you can't log in, especially since we'll extend the sale for you until tomorrow."])
def test_empathy_that_looks_ahead_or_names_an_outcome_is_a_claim(opening: str) -> None:
    assert grounded_fails(f"{opening} {PASSWORD}", "account-reset-password", "I can't log in and need to order today", "email")


@pytest.mark.parametrize("closing", ["I look forward to hearing from you.", "Looking forward to your reply.", "We look forward to hearing back from you soon."])
def test_a_closing_that_waits_for_the_customer_needs_no_source(closing: str) -> None:
    assert aside(closing)
    assert not grounded_fails(f"Thanks for reaching out. {closing}", "returns-start-a-return", "how do I return shoes?", "email")


@pytest.mark.parametrize("closing", ["I look forward to sending your free replacement.", "I look forward to refunding your shoes.",
                                     "Looking forward to upgrading you to Gold."])
def test_a_closing_that_promises_an_outcome_is_a_claim(closing: str) -> None:
    assert not aside(closing)
    assert grounded_fails(f"Thanks for reaching out. {closing}", "returns-start-a-return", "how do I return shoes?", "email")


@pytest.mark.parametrize("lead_in", ["In short:", "To sum up:", "The short version:", "So, in a nutshell:"])
def test_a_summary_lead_in_needs_no_source(lead_in: str) -> None:
    assert aside(lead_in)
    text = f"{lead_in}\n\n- **Timing:** once your return reaches us, the credit can take up to 7 days to appear."
    assert not grounded_fails(text, "store-refund-policy", "how long do refunds take?", "email")


@pytest.mark.parametrize("text", ["In short: every refund reaches you within 24 hours.", "In short: refunds are free for everyone.",
                                  "To sum up: Bronze members can return anything for 6 months."])
def test_a_summary_lead_in_does_not_excuse_its_item(text: str) -> None:
    assert grounded_fails(text, "store-refund-policy", "how long do refunds take?", "email")


@pytest.mark.parametrize(("opening", "message"), [
    ("Great news that your return was approved.", "My return was approved. What are my options?"),
    ("Glad to hear your return got approved.", "Good news, my return got approved! How do I get my money?"),
    ("That's great news that your return was accepted.", "my return was accepted, what now?"),
])
def test_good_news_the_customer_told_us_said_back_needs_no_source(opening: str, message: str) -> None:
    assert acknowledged(opening, content_words(message), content_words)
    assert not grounded_fails(f"{opening} {METHODS}", "refunds-refund-methods", message, "email")


@pytest.mark.parametrize(("opening", "message"), [
    ("Great news that your refund was approved.", "My return was approved. What are my options?"),
    ("Great news that your return was approved.", "What are my options for getting money back?"),
    ("Great news that your return was approved, so your refund will arrive by tomorrow.", "My return was approved."),
    ("Great news that your refund of $50 was approved.", "My refund of $50 was requested."),
    ("Great news that your return will be approved.", "My return was approved."),
])
def test_good_news_the_customer_never_gave_is_a_claim(opening: str, message: str) -> None:
    assert not acknowledged(opening, content_words(message), content_words)
    assert grounded_fails(f"{opening} {METHODS}", "refunds-refund-methods", message, "email")


@pytest.mark.parametrize("result", ["That should lift it without damaging the leather.", "That should get it off without harming the leather.",
                                    "This should usually do the trick."])
def test_the_hedged_result_of_the_advice_given_needs_no_source(result: str) -> None:
    assert not grounded_fails(f"Sorry about the gum! {GUM} {result}", "products-boots-faq", "gum stuck on my leather boots", "web")


@pytest.mark.parametrize("result", ["That should get you a full refund.", "That should lift it within 10 minutes without damaging the leather.",
                                    "That should lift it and we'll replace the boots if it doesn't.",
                                    "That should also make the boots fully waterproof for life."])
def test_a_hedged_outcome_that_promises_or_states_more_is_a_claim(result: str) -> None:
    assert grounded_fails(f"Sorry about the gum! {GUM} {result}", "products-boots-faq", "gum stuck on my leather boots", "web")


@pytest.mark.parametrize("pick", ["Since a printer's tricky, the store might be easiest.",
                                  "As printing is awkward for you, the store might be the simplest option."])
def test_a_hedged_pick_with_the_customers_reason_needs_no_source(pick: str) -> None:
    assert not grounded_fails(f"{RETURN_WAYS} {pick}", "returns-return-methods", "how do I send my return? I don't have a printer")


@pytest.mark.parametrize("pick", ["Since a printer's tricky, the store will refund you the same day.",
                                  "Since a printer's tricky, the store might be easiest and we'll waive the fee.",
                                  "Since a printer's tricky, a free courier pickup might be easiest.",
                                  "Since you're a Gold member, the store might be easiest."])
def test_a_pick_that_promises_or_invents_an_option_is_a_claim(pick: str) -> None:
    assert grounded_fails(f"{RETURN_WAYS} {pick}", "returns-return-methods", "how do I send my return? I don't have a printer")


def test_the_pieces_read_only_their_own_forms() -> None:
    words = content_words("how do I send my return? I don't have a printer")
    assert their_reason("Since a printer's tricky", words, content_words)
    assert not their_reason("Since you're a Gold member", words, content_words)
    assert not their_reason("Since refunds are free", words, content_words)
    assert not their_reason("Since you don't have a printer", words, content_words)  # their case, no difficulty: checked as ever
    assert without_hedges("the store might be easiest").split() == ["the", "store"]
    assert "leather" in without_hedges("That should lift it without damaging the leather.")
    assert "refund" in without_hedges("That should get you a full refund.")


@pytest.mark.parametrize(("said", "written"), [("twenty degrees Fahrenheit", "20°F"), ("minus seven Celsius", "-7°C"),
                                               ("minus ten degrees celsius", "-10°C"), ("20 Fahrenheit", "20°F")])
def test_a_temperature_with_its_scale_in_words_is_read_as_the_sources_write_it(said: str, written: str) -> None:
    assert prepare(said) == written


def test_a_source_temperature_converted_in_words_passes_and_a_wrong_one_is_refused() -> None:
    ask = "will your insulated jacket keep me warm in winter?"
    ok = ("Our insulated jackets are comfortable down to about twenty degrees Fahrenheit, which is roughly minus seven Celsius, "
          "with a normal layer underneath.")
    assert not grounded_fails(ok, "products-jackets-faq", ask, "voice")
    for wrong in ("minus twenty degrees Fahrenheit, roughly minus twenty-nine Celsius", "twenty degrees Fahrenheit, roughly minus twelve Celsius"):
        assert grounded_fails(ok.replace("twenty degrees Fahrenheit, which is roughly minus seven Celsius", wrong), "products-jackets-faq", ask, "voice")


JACKET = "Our insulated jackets are comfortable down to about 20°F (-7°C) with a normal layer underneath."


def test_their_own_figure_set_against_the_one_just_given_with_a_hedged_feeling_passes() -> None:
    text = f"{JACKET} Minus ten is a few degrees colder than that, so on those days you may feel the cold."
    assert not grounded_fails(text, "products-jackets-faq", "Will your insulated jacket keep me warm at minus ten Celsius?", "voice")


@pytest.mark.parametrize("after", ["Minus thirty is far colder than that, so you may feel the cold.",
                                   "Minus ten is a few degrees colder than that, so we'll refund the jacket if you feel the cold.",
                                   "Minus ten is a few degrees colder than that, so you may feel the cold and Gold members get a free liner."])
def test_a_figure_they_never_gave_or_a_promise_after_the_comparison_is_a_claim(after: str) -> None:
    assert grounded_fails(f"{JACKET} {after}", "products-jackets-faq", "Will your insulated jacket keep me warm at minus ten Celsius?", "voice")
