"""Issue 13, fifth round: the classes the `fresh-v6` run named, each in both directions (a faithful
variant accepted, a violating variant refused), in other words than those cases."""

from __future__ import annotations

import pytest

from service.domain.text import stem
from service.guardrails.claims import is_conversational
from service.guardrails.commitments import acts_in
from service.guardrails.lists import list_item
from service.guardrails.numbers import prepare
from service.guardrails.passages import facts_of
from tests.test_guardrails import POLICY, check, failed

# ---- friendly lines with a verb --------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "These things happen!", "Easy mistake to make!", "No harm done.", "I hope your brother loves it!", "Hopefully that helps!",
    "How lovely, congratulations on the new job!", "Warmest wishes,", "Glad to hear it!", "You're in luck!",
    "Wishing your mum a very happy birthday!", "Oh, that's so exciting, congratulations on the new baby!", "That sounds like a lovely trip!",
    "I really hope the boots keep you warm this winter.", "Mistakes happen, don't worry.", "That must be so frustrating.",
    "You're not the first to ask!", "Happy early birthday to your dad!",
])
def test_friendly_lines_with_a_verb_need_no_support(text: str) -> None:
    assert is_conversational(text), text


@pytest.mark.parametrize("text", [
    "I hope you enjoy the free shipping!", "I hope your refund arrives tomorrow!", "Don't worry, we'll refund you.",
    "These things happen, so we'll waive the fee.", "How lovely, Gold members get unlimited returns!",
    "I hope you get your money back soon.", "That sounds like a great plan: we'll waive the fee.",
    "No harm done, your account is now unlocked.", "I hope that helps, the boots are waterproof to the knee.",
])
def test_a_friendly_line_carrying_a_fact_or_a_commitment_is_a_claim(text: str) -> None:
    assert not is_conversational(text), text


# ---- a verdict exclamation ---------------------------------------------------------------------


def test_a_verdict_exclamation_rests_on_the_reasons_the_reply_gives() -> None:
    ok = check("Not too late, Sam! Gold members have unlimited returns, with no time limit.", "returns-membership-windows")
    assert ok.passed, ok.findings()
    alone = check("Not too late! Shall I start the return for you?", "returns-membership-windows")
    assert "grounded" in failed(alone), alone.findings()


# ---- advice in its frame -----------------------------------------------------------------------


def test_advice_is_judged_without_its_frame_but_invented_advice_is_still_refused() -> None:
    for text in ("Once you're logged back in, I'd recommend changing it to something memorable.",
                 "After that, it's a smart idea to change it to something memorable."):
        report = check(text, "account-reset-password")
        assert "grounded" not in failed(report), (text, report.findings())
    assert "grounded" in failed(check("I'd recommend soaking them overnight in bleach.", "products-shirts-faq"))
    assert stem("change") == stem("changing") == stem("changed") == stem("changes")


# ---- the customer's own figure -------------------------------------------------------------------


def test_the_customers_figure_in_a_concession_passes() -> None:
    ok = check("As a Silver member you can return it with the receipt, even at eight months.", "returns-membership-windows",
               customer=("Silver, bought a coat 8 months ago, I have the receipt",))
    assert ok.passed, ok.findings()


def test_the_customers_figure_in_a_verdict_on_their_case_passes() -> None:
    customer = ("I have no account. I bought a hat 2 months ago and lost the receipt.",)
    ok = check("Guests can return items bought within the last 30 days, or with the receipt, so at two months without the receipt "
               "the hat doesn't qualify, I'm sorry.", "returns-membership-windows", customer=customer)
    assert ok.passed, ok.findings()
    bronze = ("I'm Bronze, I returned a shirt 4 days ago and there's no credit yet",)
    ok = check("Credits can take up to 7 days, and with 4 days gone we can't issue it yet for Bronze members.", "refunds-returned-no-credit",
               customer=bronze)
    assert ok.passed, ok.findings()


@pytest.mark.parametrize("text", [
    "Guests can return items for up to 2 months, so you're fine.",
    "Silver members at 2 months still qualify without the receipt.",
])
def test_the_customers_figure_turned_into_a_rule_is_refused(text: str) -> None:
    customer = ("I bought a hat 2 months ago and lost the receipt.",)
    assert "grounded" in failed(check(text, "returns-membership-windows", customer=customer)), text


@pytest.mark.parametrize("text", [
    "Once a parcel is 3 days late we send a replacement order.",
    "Since it's been 3 days, your parcel qualifies for a replacement order.",
    "Because it's been more than 3 days, a replacement is on its way.",
])
def test_the_customers_figure_made_the_threshold_of_a_rule_is_refused(text: str) -> None:
    report = check(text, "shipping-missing-package", customer=("my parcel is 3 days late",))
    assert "grounded" in failed(report), text


def test_the_customers_figure_that_meets_the_threshold_passes() -> None:
    report = check("It's been 10 days, which is more than a week, so we'll send a replacement order.", "shipping-missing-package",
                   customer=("still no parcel after 10 days",))
    assert report.passed, report.findings()


def test_a_colour_the_customer_named_may_be_repeated_but_not_against_the_source() -> None:
    ok = check("You can return the navy coat and place a new order for the size you want.", "returns-wrong-size-or-color",
               customer=("The navy coat is too big",))
    assert "grounded" not in failed(ok), ok.findings()
    laces = check("Yes, the boots ship with black laces.", "products-boots-faq", customer=("do the boots come with black laces?",))
    assert "grounded" in failed(laces), laces.findings()


# ---- a clause that says its neighbour of everyone --------------------------------------------------


def test_whatever_the_level_is_judged_with_the_clause_it_qualifies() -> None:
    ok = check("If the order hasn't shipped yet, we can delay the delivery to next week, whatever your membership level.", "orders-slower-delivery")
    assert ok.passed, ok.findings()
    bad = check("Whatever your membership level, we can send the item in a separate order with no shipping fee.", "orders-add-item")
    assert "grounded" in failed(bad), bad.findings()


# ---- a figure said again ---------------------------------------------------------------------------


def test_a_figure_said_again_with_the_refers_to_what_it_was_said_of() -> None:
    ok = check("For Bronze members the overnight upgrade costs $20, charged to the card on your account. Shall I put the $20 on your card?",
               "orders-upgrade-overnight")
    assert ok.passed, ok.findings()
    alone = check("Are you happy for me to put that $20 on the card?", "orders-upgrade-overnight")
    assert "grounded" in failed(alone), alone.findings()


def test_a_figure_the_sources_give_level_by_level_is_not_supported_for_another_level_by_a_plain_passage() -> None:
    assert "grounded" in failed(check("The overnight upgrade is $20 for Gold members.", "orders-upgrade-overnight"))
    ok = check("For Silver members the overnight upgrade is $20.", "orders-upgrade-overnight")
    assert ok.passed, ok.findings()


# ---- exclamation marks ---------------------------------------------------------------------------


def test_two_exclamation_marks_are_style_but_three_or_doubled_marks_are_refused() -> None:
    assert POLICY.max_exclamations == 2
    two = check("Happy to help! Our boots are waterproof, with a waterproof membrane and sealed seams. Enjoy them!", "products-boots-faq")
    assert "tone" not in failed(two), two.findings()
    for text in ("Happy to help! Our boots are waterproof! Enjoy them!", "Yes!! Our boots are waterproof.",
                 "Waterproof?! Yes, our boots are waterproof."):
        assert "tone" in failed(check(text, "products-boots-faq")), text


# ---- claims that say the opposite of the passage they borrow from -----------------------------------


@pytest.mark.parametrize("text", [
    "Every jacket we sell, wool blends included, can be machine washed on a cold, gentle cycle.",
    "Even our wool-blend jackets are fine in the washing machine on cold.",
    "To be safe, all our jackets are dry clean only.",
    "Every one of our jackets is dry clean only.",
])
def test_an_exception_denied_is_refused(text: str) -> None:
    report = check(text, "products-jackets-faq")
    assert "grounded" in failed(report), text
    assert any("except" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize("text", [
    "Most of our jackets can go in the washing machine on a cold, gentle cycle, but wool-blend styles are dry clean only.",
    "Our jackets are machine washable on a cold, gentle cycle, except wool-blend styles, which need a dry cleaner.",
    "Wool-blend jackets are dry clean only, so please take yours to a dry cleaner.",
])
def test_the_exception_kept_passes(text: str) -> None:
    report = check(text, "products-jackets-faq")
    assert "grounded" not in failed(report), (text, report.findings())


@pytest.mark.parametrize("text,article", [
    ("Once you confirm your PIN, I'll retrieve your existing password for you.", "account-reset-password"),
    ("Sure, just send me the new card number and we'll refund it there.", "refunds-refund-methods"),
    ("I can take your new card number and put the refund on that card instead.", "refunds-refund-methods"),
    ("Your order is In Transit, but the delivery date can still be changed.", "orders-shipping-statuses"),
    ("Normal wear and tear is covered too.", "products-boots-faq"),
])
def test_a_capability_the_source_denies_is_refused(text: str, article: str) -> None:
    report = check(text, article)
    assert "grounded" in failed(report), (text, report.findings())


@pytest.mark.parametrize("text,article", [
    ("I can't see your existing password, but I can generate a new one for you.", "account-reset-password"),
    ("I can send the refund to the card already on your account.", "refunds-refund-methods"),
    ("The payment method can still be changed while the order is In Transit.", "orders-shipping-statuses"),
    ("Blot as much as you can with a clean cloth, then wash cold.", "products-jackets-faq"),
])
def test_what_the_source_allows_passes(text: str, article: str) -> None:
    report = check(text, article)
    assert "grounded" not in failed(report), (text, report.findings())


def test_a_figure_of_another_label_of_a_list_is_refused() -> None:
    for text in ("Our Small shirts have a 34-inch sleeve.", "A Large shirt has a 33 in sleeve."):
        report = check(text, "products-shirts-faq")
        assert "grounded" in failed(report), text
        assert any("is given for" in f for f in report.findings()), report.findings()
    ok = check("For a Medium shirt the sleeve is 34 inches, and a Large is 35.", "products-shirts-faq")
    assert ok.passed, ok.findings()


def test_an_action_said_as_its_thing_on_the_move_is_a_commitment() -> None:
    from service.guardrails.commitments import acts_in

    assert [a for _, _, a in acts_in("A replacement is on its way.", "claim")] == ["act:replace"]
    assert [a for _, _, a in acts_in("Your refund has been sent to your card.", "claim")] == ["act:refund"]
    assert acts_in("Your refund hasn't been processed yet.", "claim") == []
    assert "grounded" in failed(check("Your refund has been sent to your card.", "products-boots-faq"))
    fee = check("A credit for the extra fee has been applied to your order.", "orders-mystery-fee")
    assert any("commitment to credit" in f for f in fee.findings()), fee.findings()


def test_no_receipt_needed_follows_from_another_way_the_reply_states_but_is_not_a_levels_benefit_alone() -> None:
    customer = ("Bronze here, bought a jumper 3 weeks ago and lost the receipt",)
    ok = check("As a Bronze member you can return anything bought within the last 90 days, so at three weeks you don't need the receipt.",
               "returns-membership-windows", customer=customer)
    assert ok.passed, ok.findings()
    for text in ("Bronze members don't need a receipt to return anything.", "Yes, Silver members never need a receipt for returns.",
                 "At 3 weeks, Silver members still qualify without the receipt."):
        assert "grounded" in failed(check(text, "returns-membership-windows", customer=customer)), text
    gold = check("As a Gold member, we'll start processing the credit now, even though it's only been 2 days.", "refunds-returned-no-credit",
                 customer=("I'm Gold, returned a dress 2 days ago",))
    assert gold.passed, gold.findings()


# ==== the classes the `fresh-v7` run named (sixth round) ==========================================

# ---- the customer's amounts and what a reply works out from them --------------------------------


@pytest.mark.parametrize("text, customer, article", [
    ("I can add the scarf to that refund: your $40 refund plus the $22 scarf makes $62 in all.",
     "I have a $40 refund open. Can I add the $22 scarf from the same order?", "refunds-add-item-to-refund"),
    ("Free standard shipping starts at $75, so with $61 in your cart you're $14 away from it.",
     "My cart is at $61, do I get free shipping?", "store-pricing-extras"),
    ("You paid $130 against the $99 you expected, a difference of $31.",
     "I was charged $130 for my subscription instead of $99.", "subscription-billing-dispute"),
])
def test_sums_and_differences_of_the_customers_amounts_are_their_case(text: str, customer: str, article: str) -> None:
    report = check(text, article, customer=(customer,))
    assert "grounded" not in failed(report), report.findings()


@pytest.mark.parametrize("text, customer, article", [
    # the customer's amount made the rule's
    ("Orders of $61 or more ship free.", "My cart is at $61, do I get free shipping?", "store-pricing-extras"),
    # a sum resting on a figure no one gave: $50 is neither the customer's nor a source's
    ("Free standard shipping starts at $50, so with $41 in your cart you're $9 away from it.",
     "My cart is at $41, do I get free shipping?", "store-pricing-extras"),
    # an amount the customer asks for, promised
    ("Sure, I'll refund the $12 to your card.", "The other store is $12 cheaper, refund me the $12?", "pricing-competitor-price"),
])
def test_the_customers_amount_as_a_rule_or_a_promise_is_refused(text: str, customer: str, article: str) -> None:
    assert "grounded" in failed(check(text, article, customer=(customer,)))


# ---- the customer's figure judged against the rule -----------------------------------------------


def test_the_customers_figure_judged_right_passes() -> None:
    ok = check("Silver members can return an item bought within the last six months, so a coat from five weeks ago is fine.",
               "returns-membership-windows", customer=("Silver. Can I return a coat I bought 5 weeks ago?",))
    assert ok.passed, ok.findings()
    past = check("Guests can return items within thirty days or with the receipt. Seven weeks is past the thirty days, but since you "
                 "have the receipt, it can still come back.", "returns-membership-windows",
                 customer=("No account, bought a hat seven weeks ago, I have the receipt.",))
    assert "grounded" not in failed(past), past.findings()


@pytest.mark.parametrize("text, customer", [
    ("Bronze members can return items bought within the last 90 days, so a coat from five months ago is fine.",
     "Bronze. Can I return a coat I bought 5 months ago?"),
    ("Guests can return within the last 30 days, so your hat from six weeks ago is still within the window.",
     "No account, bought a hat 6 weeks ago."),
])
def test_the_customers_figure_judged_fine_against_a_limit_it_breaks_is_refused(text: str, customer: str) -> None:
    report = check(text, "returns-membership-windows", customer=(customer,))
    assert "grounded" in failed(report), report.findings()


# ---- an item added to a true list ----------------------------------------------------------------


def test_an_item_added_to_a_true_list_is_refused_and_the_true_list_passes() -> None:
    added = check("Your refund can go to a gift card, a paper check, the card on file, or a Venmo payment.", "refunds-refund-methods")
    assert any("list item" in f for f in added.findings()), added.findings()
    ok = check("Your refund can go to a gift card, a paper check, credit on your Northwind account, or the card on file.",
               "refunds-refund-methods")
    assert "grounded" not in failed(ok), ok.findings()
    assert list_item("or your Apple Pay wallet if you prefer") == "or your Apple Pay wallet"
    assert list_item("whichever suits you best") is None and list_item("so we'll check yours") is None


# ---- a date no source gives ----------------------------------------------------------------------


def test_a_day_of_the_month_in_words_is_a_date_that_needs_a_source() -> None:
    assert prepare("It opens on March fifteenth.") == "It opens on March 15."
    assert prepare("on the twenty-first of June") == "on June 21"
    assert prepare("The second may take longer.") == "The second may take longer."
    assert [f.qual for f in facts_of("order by December 15th")] == ["dec"]
    assert "grounded" in failed(check("The spring collection launches on the third of March.", "store-dates-and-hours"))
    assert "grounded" in failed(check("Our annual sale starts on November twenty-seventh.", "store-dates-and-hours"))
    ok = check("The spring collection launches in the first week of March.", "store-dates-and-hours")
    assert ok.passed, ok.findings()


# ---- matching a price is a commitment ------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "I'm sorry about that, and I'll match their price for you.", "No problem, we can price-match that store.",
    "I understand, and I'm glad to match the lower price on your order.",
])
def test_matching_a_price_is_a_commitment(text: str) -> None:
    assert "grounded" in failed(check(text, "pricing-competitor-price"))


def test_a_denied_price_match_and_matching_details_pass() -> None:
    ok = check("I'm sorry it's cheaper elsewhere. Our prices change dynamically, so we aren't able to match another store's price.",
               "pricing-competitor-price")
    assert ok.passed, ok.findings()
    assert not acts_in("Your details match the ones on the account.", "claim")


# ---- reassurance ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, friendly", [
    ("That's alright, Lorenzo.", True), ("That's totally fine!", True), ("That's okay, we'll waive the fee.", False),
    ("That's fine, the boots are waterproof.", False), ("That's fine to machine wash.", False), ("It's okay to tumble dry them.", False),
])
def test_reassurance_is_friendly_only_on_its_own(text: str, friendly: bool) -> None:
    assert is_conversational(text) is friendly, text


# ---- a caution in the customer's words -----------------------------------------------------------


def test_a_caution_in_the_customers_words_passes_beside_its_reason() -> None:
    asked = ("Are the leather boots fine for paddling across a creek?",)
    ok = check("They are not designed to be submerged, so paddling across a creek isn't what they're made for.", "products-boots-faq",
               customer=asked)
    assert ok.passed, ok.findings()
    # a negation that grants is no caution, and a caution alone has no reason beside it
    assert "grounded" in failed(check("Our boots are waterproof, so paddling across a creek isn't a problem.", "products-boots-faq",
                                      customer=asked))
    assert "grounded" in failed(check("Paddling across a creek isn't what they're made for.", "products-boots-faq", customer=asked))
