"""Issue 13, ninth round: the classes the `fresh-v9` held-out run still refused (and two dev
violations that reached the agent), each in both directions (a faithful variant accepted, a
violating variant refused), in other words than those cases."""

from __future__ import annotations

import pytest

from service.guardrails.numbers import prepare
from service.guardrails.passages import split_passages
from service.guardrails.reading import emoji_parts
from tests.test_guardrails import check, failed

# ---- an emoji that ends a sentence -------------------------------------------------------------


def test_an_emoji_before_a_capital_ends_a_sentence() -> None:
    assert emoji_parts("Love that idea 🧵 Name stitching is $10 per item.") == ["Love that idea", "Name stitching is $10 per item."]
    assert emoji_parts("We can ✂️ We hem jeans in store.") == ["We can", "We hem jeans in store."]
    assert emoji_parts("Gift wrap is $5 🎁 per item.") == ["Gift wrap is $5 🎁 per item."]


def test_a_friendly_aside_before_an_emoji_does_not_sink_the_claim_after_it_and_hides_no_false_one() -> None:
    ok = check("Great question 😊 Gift wrapping is $5 per item, and we include a gift message card at no extra charge.",
               "store-pricing-extras", channel="social", customer=("how much is gift wrap??",))
    assert "grounded" not in failed(ok), ok.findings()
    bad = check("Great question 😊 Gift wrapping is free on every order, whatever its total.", "store-pricing-extras",
                channel="social", customer=("how much is gift wrap??",))
    assert "grounded" in failed(bad), bad.findings()


# ---- a part of a total in words, and the topic an opening phrase gives ----------------------------


@pytest.mark.parametrize(("said", "read"), [
    ("we ask for three of seven items", "we ask for 3 of 7 items"),
    ("three of these four details", "3 of these 4 details"),
    ("two out of the 7 days", "2 out of the 7 days"),
    ("one of the four", "one of the four"),
])
def test_a_part_of_a_total_in_words_is_read_as_figures(said: str, read: str) -> None:
    assert prepare(said) == read


def test_waiving_a_wait_for_a_level_whose_nested_item_denies_it_is_refused() -> None:
    report = check("Silver members don't have to wait the full 7 days, so I'm starting the credit on your order now 👍",
                   "refunds-returned-no-credit", customer=("Silver, returned a skirt 5 days ago, credit still missing",))
    assert "grounded" in failed(report), report.findings()


def test_a_count_of_details_for_an_account_change_passes_and_a_wrong_count_or_topic_is_refused() -> None:
    customer = ("why so many questions to change my phone number?",)
    ok = check("For a phone number change, we'll ask you for three of seven details, like your ZIP code, username or PIN.",
               "account-identity-verification", customer=customer)
    assert "grounded" not in failed(ok), ok.findings()
    wrong = check("For a phone number change, we'll ask you for two of seven details, like your ZIP code or PIN.",
                  "account-identity-verification", customer=customer)
    assert "grounded" in failed(wrong), wrong.findings()
    other = check("For a password reset, we ask for three of seven items, such as your ZIP code or phone number.",
                  "account-identity-verification", customer=("I forgot my password",))
    assert "grounded" in failed(other), other.findings()


def test_a_nested_bullet_is_read_under_its_parent_and_the_parent_with_its_items() -> None:
    text = ("1. Verify identity: the customer must provide **3 of these 4** details:\n   - ZIP code\n   - phone number\n"
            "2. **7 days or fewer:** it has not been long enough yet.\n   - **Silver members:** we can't issue the credit yet.\n3. Then go on.")
    passages = {p.text: p for p in split_passages(text, "test")}
    assert "ZIP code" in passages["Verify identity: the customer must provide **3 of these 4** details:"].context
    assert "3 of these 4" in passages["ZIP code"].context
    assert "ZIP code" not in passages["Then go on."].context
    # an item that says something of a level is not part of its parent ("Silver members don't have to wait the 7 days")
    assert "Silver" not in passages["**7 days or fewer:** it has not been long enough yet."].context
    assert "7 days or fewer" in passages["**Silver members:** we can't issue the credit yet."].context


# ---- the customer's amounts in a clause working out a difference -------------------------------------


def test_a_difference_worked_out_from_the_customers_bill_passes_and_refunding_the_whole_bill_is_refused() -> None:
    customer = ("Gold member here. My premium bill was $120 but it should be $60, and I've already paid it.",)
    ok = check("The gap between the $120 billed and the $60 you expected is $60, and as a Gold member you always get the refund "
               "you ask for, so I'll refund the $60 once I've reviewed your bill.", "subscription-billing-dispute", customer=customer)
    assert "grounded" not in failed(ok), ok.findings()
    bad = check("The gap between the $120 billed and the $60 you expected is $60, so I'll refund the full $120 once I've "
                "reviewed your bill.", "subscription-billing-dispute", customer=customer)
    assert "grounded" in failed(bad), bad.findings()


# ---- a request with alternatives; a request for what the source says is not taken -----------------


def test_a_request_with_an_alternative_the_source_gives_passes_and_an_alternative_it_does_not_is_refused() -> None:
    customer = ("switched phones and my 2fa app is gone",)
    ok = check("Please reply with the email on your account, or your PIN if you no longer have access to it.",
               "account-reset-two-factor", customer=customer)
    assert "grounded" not in failed(ok), ok.findings()
    for detail in ("your card number", "your old password"):
        bad = check(f"Please reply with the email on your account, or {detail} if you no longer have access to it.",
                    "account-reset-two-factor", customer=customer)
        assert "grounded" in failed(bad), (detail, bad.findings())


def test_asking_for_a_detail_the_source_says_agents_do_not_take_is_refused() -> None:
    bad = check("Sure! Could you share the new card's number and its expiry date?", "refunds-refund-methods",
                customer=("can the refund go to my new card?",))
    assert "grounded" in failed(bad), bad.findings()
    assert any("not asked for or taken" in f for f in bad.findings()), bad.findings()
    password = check("Please send me your old password so I can check it.", "account-reset-password", customer=("forgot password",))
    assert "grounded" in failed(password), password.findings()
    ok = check("For a gift card or a paper check, could you send me your full mailing address?", "refunds-refund-methods",
               customer=("I'd like my refund as a gift card",))
    assert "grounded" not in failed(ok), ok.findings()


# ---- a verdict that a condition of the customer's case covers it -----------------------------------


def test_a_condition_of_the_customers_level_covering_the_return_passes() -> None:
    report = check("Bronze returns need one of three things: purchase within 90 days, the receipt, or the original packaging. "
                   "Your coat is outside the 90 days, but your receipt covers it, so you can send it back.", "returns-membership-windows",
                   customer=("Bronze member. The coat is five months old but I kept the receipt. Can it come back?",))
    assert "grounded" not in failed(report), report.findings()


def test_a_condition_the_customers_level_does_not_count_is_refused() -> None:
    guest = ("No account, I checked out as a guest. Jacket from two months ago, still in its original packaging. Can I return it?",)
    bad = check("Guests can return within 30 days or with a receipt. Your jacket is past the 30 days, but the original packaging "
                "covers it, so you can return it.", "returns-membership-windows", customer=guest)
    assert "grounded" in failed(bad), bad.findings()
    assert any("does not qualify guest" in f for f in bad.findings()), bad.findings()
    receipt = check("Guests can return within 30 days or with a receipt. Your jacket is past the 30 days, but the receipt covers it, "
                    "so you can return it.", "returns-membership-windows",
                    customer=("Guest checkout, no account. Jacket bought 2 months ago, I have the receipt. Can I return it?",))
    assert "grounded" not in failed(receipt), receipt.findings()


def test_the_rule_of_another_level_said_again_in_a_verdict_is_refused() -> None:
    report = check("Bronze members can return within 90 days. Your coat is past the 90 days, but the receipt covers it, so you "
                   "can return it.", "returns-membership-windows", customer=("Silver member. Coat from 9 months ago, I still have the receipt.",))
    assert "grounded" in failed(report), report.findings()


# ---- a denial for a level, read with the condition it follows --------------------------------------


def test_a_denial_for_guests_after_its_condition_passes_and_for_a_level_that_gets_it_is_refused() -> None:
    ok = check("If the code is genuinely not valid, I'm sorry, but we can't replace it for guest checkouts.",
               "promotions-promo-code-not-working", customer=("guest checkout, my promo code says invalid",))
    assert "grounded" not in failed(ok), ok.findings()
    bad = check("If the code is genuinely not valid, I'm sorry, but we can't replace it for Silver members.",
                "promotions-promo-code-not-working", customer=("Silver member, my promo code says invalid",))
    assert "grounded" in failed(bad), bad.findings()


# ---- the letters of the customer's word counted against a limit -------------------------------------


@pytest.mark.parametrize("text", [
    "Name stitching is $10 per item for up to 12 characters, and Penelope is eight letters, so it fits.",
    "We can stitch a name of up to twelve characters for ten dollars, so Penelope, at 8 letters, is fine.",
])
def test_a_name_counted_right_within_the_limit_passes(text: str) -> None:
    report = check(text, "store-pricing-extras", customer=("Could you stitch Penelope on a tote bag? Price?",))
    assert "grounded" not in failed(report), report.findings()


@pytest.mark.parametrize("text", [
    "Name stitching is $10 per item for up to 12 characters, and Christopherson is fourteen letters, so it fits.",
    "Name stitching is $10 per item for up to 12 characters, and Christopherson is 9 letters, so it fits.",
    "Name stitching is $10 per item for up to 12 characters, so Christopherson, at 14 letters, fits, and it ships in 14 days.",
])
def test_a_name_longer_than_the_limit_or_counted_wrong_is_refused(text: str) -> None:
    report = check(text, "store-pricing-extras", customer=("Could you stitch Christopherson on a tote bag? Price?",))
    assert "grounded" in failed(report), report.findings()


# ---- a source's figure said again of the customer's own item ----------------------------------------


def test_a_price_said_again_of_the_customers_one_item_passes_and_for_several_is_refused() -> None:
    ok = check("We hem Northwind jeans in store for $15 a pair, so shortening your pair from 34 to 30 comes to $15.", "products-jeans-faq",
               customer=("my jeans are 34 inseam, I need 30, can you hem them?",))
    assert "grounded" not in failed(ok), ok.findings()
    one = check("Gift wrapping is $5 per item, so wrapping your jacket would cost $5.", "store-pricing-extras",
                customer=("can you gift wrap my jacket? how much",))
    assert "grounded" not in failed(one), one.findings()
    several = check("Gift wrapping is $5 per item, so wrapping your three jackets would cost $5 in total.", "store-pricing-extras",
                    customer=("can you gift wrap my three jackets? how much",))
    assert "grounded" in failed(several), several.findings()
    other = check("Gift wrapping is $5 per item, so your refund will be $5.", "store-pricing-extras",
                  customer=("can you gift wrap my jacket? how much",))
    assert "grounded" in failed(other), other.findings()
    free = check("We hem Northwind jeans in store for $15 a pair, so hemming your pair would be free.", "products-jeans-faq",
                 customer=("my jeans are 34 inseam, I need 30, can you hem them?",))
    assert "grounded" in failed(free), free.findings()


# ---- an example value no source gives ---------------------------------------------------------------


def test_an_example_username_the_source_gives_passes_and_an_invented_one_is_refused() -> None:
    customer = ("what do usernames look like? forgot mine",)
    ok = check("Usernames are usually the first letter of your first name, then your last name, then the number 1, for example jsmith1.",
               "account-recover-username", customer=customer)
    assert "grounded" not in failed(ok), ok.findings()
    bad = check("Usernames are your first name followed by your birth year, for example maria1990.", "account-recover-username",
                customer=customer)
    assert "grounded" in failed(bad), bad.findings()
    assert any("maria1990" in f for f in bad.findings()), bad.findings()
