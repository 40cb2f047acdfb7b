"""Issue 13, round 17d: the customer's own figures worked out, their time against their level's window,
and a level's benefit given as the reason of a verdict relative.

* A sum or difference of the customer's amounts said in words ("$198 minus $99, so $99 back to you",
  "your refund goes from $60 to $85" for a $25 item added to a $60 refund) is their case, even after a
  sentence addressed to their level; a wrong result ("so $109 back to you", "from $60 to $95") is refused.
* "At about three weeks, your dress is still inside the thirty-day window" to a guest: their duration is
  their case, and the window is their level's, so it must be the source's thirty days; a sixty-day window,
  or five weeks said to be inside thirty days, is refused.
* "..., which is no problem as a Gold member since you have unlimited returns": the verdict relative has
  no head, and its reason is the claim, read with the level it names; said of Silver it is refused.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from service.guardrails.relatives import relative_head, without_verdict
from service.guardrails.their_case import their_duration
from service.guardrails.verdicts import judges_window
from service.guardrails.workings import operator_words
from service.replies.service import Conversation, Message, SuggestionService
from tests.test_guardrails import CHECKER, REPO, TODAY, check, failed, hit

BILL = "subscription-billing-dispute"
ADD = "refunds-add-item-to-refund"
RETURNS = "returns-membership-windows"
SIZE = "returns-wrong-size-or-color"

GOLD_BILL = "I was billed $198 for my premium subscription this year instead of $99, and I've already paid it. I'm a Gold member."
BELT = "I already have a $60 refund going for a dress. The belt from the same order ($25) is too small too, can it go on the same refund?"
SCARF = "I've got a $100 refund open for boots. Can the $30 scarf from that order go on it too?"
GUEST = "I checked out as a guest about {} ago and the dress doesn't suit me. I threw the receipt away, is that a problem?"
BRONZE = "I'm a Bronze member. I bought a jacket two months ago and lost the receipt. Can I return it?"
JACKET = "The jacket's a medium and it's too tight. I'm {}. Can you just swap it for a large?"


def grounded(text: str, article: str, customer: str) -> bool:
    """Is ``text`` refused by the claim check for a customer who wrote ``customer``?"""
    return "grounded" in failed(check(text, article, customer=(customer,)))


# ---- 1. worked sums on the customer's own figures ----------------------------------------------------

GOLD_LEAD = "As a Gold member, you'll get the refund you ask for. "


@pytest.mark.parametrize("text,article,customer", [
    (GOLD_LEAD + "The refund is the difference between what you were billed and what you should have been charged: $198 minus $99, so $99 back to you.", BILL, GOLD_BILL),
    (GOLD_LEAD + "$198 minus $99 leaves $99, so that's $99 back to you.", BILL, GOLD_BILL),
    ("As a Gold member you get the refund you ask for: $198 minus $99, so $99 back to you.", BILL, GOLD_BILL),
    ("With the $25 belt added, your refund goes from $60 to $85.", ADD, BELT),
    ("Adding the $30 scarf takes your refund from $100 up to $130.", ADD, SCARF),
    ("Once the $30 scarf is added, your refund goes up from $100 to $130.", ADD, SCARF),
])
def test_a_right_working_on_the_customers_figures_is_used(text: str, article: str, customer: str) -> None:
    assert not grounded(text, article, customer)


@pytest.mark.parametrize("text,article,customer", [
    (GOLD_LEAD + "The refund is the difference between what you were billed and what you should have been charged: $198 minus $99, so $109 back to you.", BILL, GOLD_BILL),
    (GOLD_LEAD + "$198 minus $99 leaves $89, so that's $89 back to you.", BILL, GOLD_BILL),
    ("As a Gold member you get the refund you ask for: $198 minus $99, so $109 back to you.", BILL, GOLD_BILL),
    ("With the $25 belt added, your refund goes from $60 to $95.", ADD, BELT),
    ("Once the $30 scarf is added, your refund goes up from $100 to $140.", ADD, SCARF),
    ("With the $25 belt added, your refund goes from $60 to $85, and it will be paid out as a gift card.", ADD, BELT),
])
def test_a_wrong_working_or_a_claim_beside_it_is_refused(text: str, article: str, customer: str) -> None:
    assert grounded(text, article, customer)


def test_operator_words_name_the_working_only() -> None:
    assert operator_words("With the $25 belt added, your refund goes from $60 to $85") == "added goes from"
    assert operator_words("$198 minus $99") == "minus"
    assert operator_words("your refund is on its way") == ""


# ---- 2. the customer's time against the window of their level ---------------------------------------


@pytest.mark.parametrize("text,customer", [
    ("At about three weeks, your dress is still inside the thirty-day window.", GUEST.format("three weeks")),
    ("At three weeks, you're comfortably within the thirty-day window for guest returns.", GUEST.format("three weeks")),
    ("At two months, your jacket is still inside the ninety-day window.", BRONZE),
])
def test_their_time_inside_their_levels_window_is_used(text: str, customer: str) -> None:
    assert not grounded(text, RETURNS, customer)


@pytest.mark.parametrize("text,customer", [
    ("At about three weeks, your dress is still inside the sixty-day window.", GUEST.format("three weeks")),
    ("At about five weeks, your dress is still inside the thirty-day window.", GUEST.format("five weeks")),
    ("At two months, your jacket is still inside the sixty-day window.", BRONZE),
    ("At two months, your jacket is still inside the six-month window.", BRONZE),
    ("At two months, your jacket is still inside the thirty-day window.", BRONZE),
])
def test_a_wrong_window_or_a_time_outside_it_is_refused(text: str, customer: str) -> None:
    assert grounded(text, RETURNS, customer)


@pytest.mark.parametrize("clause,expected", [
    ("At about 3 weeks", True), ("after 3 weeks", True), ("At 5 weeks", False), ("At 3 weeks you qualify", False),
])
def test_their_duration_alone_is_theirs(clause: str, expected: bool) -> None:
    assert their_duration(clause, [("3", "week")]) is expected


def test_judges_window_reads_inside_and_past() -> None:
    assert judges_window("your dress is still inside the 30-day window")
    assert judges_window("that's past the 90-day window")
    assert not judges_window("guests can return within 30 days")


# ---- 3. a level's benefit as the reason of a verdict relative ---------------------------------------

MEDIUM = "So you'd send the medium back, which is no problem as a {} member since you have unlimited returns, and place a new order for the large."


@pytest.mark.parametrize("text", [
    MEDIUM.format("Gold"),
    "You'd send the medium back, which is fine as a Gold member because you get unlimited returns.",
    "You'd send the medium back, which isn't a problem as a Gold member since you have unlimited returns, then place a new order for the large.",
])
def test_unlimited_returns_as_the_reason_for_gold_is_used(text: str) -> None:
    assert not grounded(text, SIZE, JACKET.format("Gold"))


@pytest.mark.parametrize("text,level", [
    (MEDIUM.format("Silver"), "Silver"),
    ("You'd send the medium back, which is fine as a Bronze member because you get unlimited returns.", "Bronze"),
    ("You'd send the medium back, which is no problem as a Gold member since you get free return shipping.", "Gold"),
])
def test_the_reason_said_of_another_level_or_unsourced_is_refused(text: str, level: str) -> None:
    assert grounded(text, SIZE, JACKET.format(level))


def test_a_verdict_relative_has_no_head_and_reads_as_its_reason() -> None:
    text = "So you'd send the medium back, which is no problem as a Gold member since you have unlimited returns"
    spans = [(0, 29), (30, len(text))]
    assert relative_head(text, spans, 1) == ""
    assert "since" not in without_verdict(text) and "problem" not in without_verdict(text)
    assert "unlimited returns" in without_verdict(text)
    assert without_verdict("Our Medium, which covers 15 to 15.5 in.") == "Our Medium, which covers 15 to 15.5 in."


# ---- through the suggestion service ------------------------------------------------------------------


async def _suggest(reply: str, customer: str, article: str, channel: str = "chat"):
    from evals.prepared_model import PreparedChatModel
    from service.llm.gateway import LLMGateway
    from service.replies.service import Prompts
    from service.settings import LLMSettings

    gateway = LLMGateway(PreparedChatModel(reply=reply), LLMSettings(base_url="http://prepared.invalid/v1", model="m", grounding_judge=False))
    svc = SuggestionService(knowledge=SimpleNamespace(), gateway=gateway, checker=CHECKER, prompts=Prompts(REPO / "prompts"), today=lambda: TODAY)
    return await svc.suggest("t", Conversation(channel, [Message("customer", customer)]), n=2, hits=[hit(article)])


@pytest.mark.parametrize("reply,customer,article,outcome", [
    ("No problem, Chloe, I can add the belt to your existing refund. With the $25 belt added, your refund goes from $60 to $85.", BELT, ADD, "used"),
    ("No problem, Chloe, I can add the belt to your existing refund. With the $25 belt added, your refund goes from $60 to $95.", BELT, ADD, "replaced"),
    ("Thanks for getting in touch. At about three weeks, your dress is still inside the thirty-day window.", GUEST.format("three weeks"), RETURNS, "used"),
    ("Thanks for getting in touch. At about three weeks, your dress is still inside the sixty-day window.", GUEST.format("three weeks"), RETURNS, "replaced"),
    (MEDIUM.format("Gold"), JACKET.format("Gold"), SIZE, "used"),
    (MEDIUM.format("Silver"), JACKET.format("Silver"), SIZE, "replaced"),
])
async def test_the_service_uses_the_right_reply_and_replaces_the_wrong_twin(reply: str, customer: str, article: str, outcome: str) -> None:
    result = await _suggest(reply, customer, article)
    assert result.llm["outcome"] == outcome, result.llm
