"""Round 15a: sentences that carry no policy fact need no source, each with twins that carry one and must still be
refused: how usual or easy the customer's problem is ("That's a common one after a phone switch"), an invitation
to write again while the case is open ("DM us if it still hasn't turned up"), the agent's own look ("I'll check
that for you right away"), and a bare yes resting on the reply's facts ("Good news: yes, you can."). A bare yes
beside the reply's own no, no time limit said to a customer whose level the sources do not give it, and the
identity check skipped in other words are refused."""
from __future__ import annotations

import pytest

from service.guardrails.answers import bare_yes, yes_denied
from service.guardrails.courtesy import is_conversational
from service.guardrails.next_steps import next_step
from tests.test_guardrails import check, failed

TWO_FACTOR = ("To reset your two-factor authentication we send a reset code to your email address, so could you confirm the email "
              "on your account?")
PAYMENT = "Since order NW-44486 is still at Order Received, I can switch it to PayPal right away."
MISSING = "Packages are sometimes marked as delivered before they arrive and can take a couple more days."
BRONZE_RECEIPT = ("For Bronze members, an item qualifies if it was bought within the last 90 days, or if you have the receipt, or if "
                  "it's still in its original packaging. Four months is past the 90 days, but your receipt on its own is enough.")


def grounded_fails(text: str, article: str, customer: str, channel: str = "chat") -> bool:
    return "grounded" in failed(check(text, article, channel=channel, customer=(customer,)))


# ---- how usual or easy the problem is ---------------------------------------------------------------------------------


@pytest.mark.parametrize("aside", ["That's a common one after a phone switch, Dev.", "That's an easy fix, Emeka.", "Quick one to sort!",
                                   "That's a really common one when people change phones, so don't worry.", "No trouble at all.",
                                   "We see this a lot after a move, so please don't panic.", "That one's a simple fix."])
def test_how_usual_or_easy_the_problem_is_is_conversational(aside: str) -> None:
    assert is_conversational(aside)


@pytest.mark.parametrize("claim", ["That's an easy fix: we'll refund you today.", "That's an easy fix, we'll waive the fee.",
                                   "That's a common one for Bronze members.", "That's a quick fix that takes 2 days.",
                                   "That's an easy fix since you're Gold."])
def test_an_easy_fix_that_carries_an_outcome_a_level_or_a_figure_is_a_claim(claim: str) -> None:
    assert not is_conversational(claim)


def test_a_common_one_before_the_sourced_steps_is_used() -> None:
    assert not grounded_fails(f"That's a common one after a phone switch, Dev. {TWO_FACTOR}", "account-reset-two-factor",
                              "got a new phone and now I can't get my 2FA codes")


def test_an_easy_fix_that_promises_a_refund_is_refused() -> None:
    assert grounded_fails("That's an easy fix, Owen: we'll refund the debit card today and charge PayPal instead.", "orders-change-payment-method",
                          "I paid with debit but wanted PayPal. The order is already out for delivery.")


def test_skipping_the_identity_check_after_an_aside_is_refused() -> None:
    report = check("That's a common one after a phone switch, Priya, so I can just turn two-factor off on your account right now "
                   "without any checks.", "account-reset-two-factor", customer=("changed phones and lost my 2FA app, can't log in",))
    assert "forbidden" in failed(report)


@pytest.mark.parametrize("text", ["We never skip verification.", "I can't skip the security questions, sorry."])
def test_saying_the_check_is_never_skipped_is_not_forbidden(text: str) -> None:
    assert "forbidden" not in failed(check(text, "account-reset-two-factor", customer=("locked out",)))


# ---- an invitation to write again, the case still open ----------------------------------------------------------------


@pytest.mark.parametrize("invite", ["DM us if it still hasn't turned up.", "Message us back if it doesn't arrive.",
                                    "Drop us a DM if it still hasn't shown up.", "Drop us a line if you're still stuck.",
                                    "Message me back if you spot anything else that looks off."])
def test_an_invitation_to_write_again_is_a_next_step(invite: str) -> None:
    assert next_step(invite) and is_conversational(invite)


@pytest.mark.parametrize("claim", ["DM us your card number.", "DM us and we'll refund it.", "DM us if you want a refund.",
                                   "DM us if it still hasn't turned up and we'll send a replacement.", "DM us if it hasn't arrived by Friday.",
                                   "DM us if it still hasn't turned up in 3 days.", "DM us if you're a Gold member."])
def test_an_invitation_that_asks_a_detail_promises_or_sets_a_time_is_a_claim(claim: str) -> None:
    assert not is_conversational(claim)


def test_dm_us_after_the_sourced_reassurance_is_used() -> None:
    assert not grounded_fails(f"Sorry, Bruno! {MISSING} If it's been a week or longer, we can send a replacement. DM us if it still hasn't turned up.",
                              "shipping-missing-package", "tracking says delivered 3 days ago but there's nothing here", channel="social")


def test_dm_us_with_a_refund_is_refused() -> None:
    assert grounded_fails(f"Sorry, Sven! {MISSING} DM us if it still hasn't turned up and we'll refund it straight away.",
                          "shipping-missing-package", "tracking says delivered but it's not here", channel="social")


# ---- the agent's own look, and a bare yes -------------------------------------------------------------------------------


@pytest.mark.parametrize("look", ["I'll check that for you right away, Arjun.", "I'll look into that for you now.", "Let me check on that."])
def test_the_agents_own_look_is_a_next_step(look: str) -> None:
    assert is_conversational(look)


@pytest.mark.parametrize("claim", ["I'll check that and refund you right away.", "I'll check that for you and fix the address today."])
def test_a_look_that_names_an_outcome_is_a_claim(claim: str) -> None:
    assert not is_conversational(claim)


@pytest.mark.parametrize("yes", ["Good news: yes, you can.", "Yes, you can.", "Yes, it does!", "Yes, you can, Chloe."])
def test_a_yes_with_its_bare_verb_is_a_bare_yes(yes: str) -> None:
    assert bare_yes(yes)


@pytest.mark.parametrize("claim", ["Yes, you can return it any time.", "Good news: yes, you can get a refund.", "Yes!"])
def test_a_yes_with_anything_after_its_verb_is_not_bare(claim: str) -> None:
    assert not bare_yes(claim)


def test_a_bare_yes_resting_on_the_replys_sourced_facts_is_used() -> None:
    assert not grounded_fails(f"Thanks for asking. Good news: yes, you can. {BRONZE_RECEIPT}", "returns-membership-windows",
                              "I'm a Bronze member. I bought a cardigan about 4 months ago but I still have the receipt. Can I return it?")


def test_a_bare_yes_in_a_reply_that_states_nothing_is_refused() -> None:
    assert grounded_fails("Good news: yes, you can. To get started, please send your username, the email address on your account and the order ID.",
                          "returns-membership-windows", "I'm a Bronze member. I bought a sweater 5 months ago, no receipt, no packaging. Can I return it?")


def test_a_bare_yes_beside_the_replys_own_no_is_refused() -> None:
    no = "Unfortunately, Bronze members can only return an item bought within the last 90 days, so it can't be returned."
    assert yes_denied("Yes, you can.", ["Yes, you can.", no])
    assert grounded_fails(f"Yes, you can. {no}", "returns-membership-windows",
                          "Bronze member here. I bought boots 4 months ago, no receipt, no box. Can I return them?")


NO_LIMIT_REPLY = "Yes, you can return it at any time. Just send me your username, email and order ID to get started."


def test_no_time_limit_said_to_a_bronze_member_is_refused() -> None:
    assert grounded_fails(NO_LIMIT_REPLY, "returns-membership-windows", "I'm Bronze, bought a scarf 6 months ago and lost the receipt. can I return it?")


def test_no_time_limit_said_to_a_gold_member_is_used() -> None:
    assert not grounded_fails(NO_LIMIT_REPLY, "returns-membership-windows",
                              "I'm a Gold member, bought a scarf 6 months ago and lost the receipt. can I return it?")


def test_no_time_limit_for_something_else_is_left_to_the_claim_check() -> None:
    assert not grounded_fails("Yes, you can. Bronze members can return an item bought within the last 90 days. Message us any time if you're unsure.",
                              "returns-membership-windows", "I'm Bronze, bought a scarf 2 months ago. can I return it?")


def test_the_customers_level_is_keyed_where_the_reply_says_there_is_no_time_limit() -> None:
    """The no-limit rule reads the level the customer gave: a different level must miss the check cache."""
    from service.replies.check_cache import CheckCache
    from service.replies.policy import Candidate, Evidence
    from tests.test_check_cache import CHECKER as CACHED_CHECKER, TODAY as CACHE_DAY, chunks, same

    hits = chunks("returns-membership-windows")

    def make(text: str) -> Evidence:
        return Evidence("chat", {h.chunk_id: h for h in hits}, [text], {"first_name": "Dana"}, None, today=CACHE_DAY)

    cache = CheckCache(CACHED_CHECKER)
    bronze, gold = make("I'm Bronze, can I return my scarf?"), make("I'm a Gold member, can I return my scarf?")
    cand = Candidate(NO_LIMIT_REPLY, [hits[0].chunk_id], "grounded")
    assert cache.key(cand, bronze) != cache.key(cand, gold)
    for ev in (bronze, gold, bronze, gold):
        assert same(cache.check(cand, ev), CACHED_CHECKER.check(cand, ev))
