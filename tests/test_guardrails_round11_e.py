"""Policy v15 (round 11, fixer e): a chargeback or card dispute replaces the reply (until v14 it was
flagged and the reply went on); stalking, harassment or abuse by a partner or an ex escalates
(``personal_safety``); threats that someone will get hurt and self-harm slang and gerunds, said in
more ways; impatience and "read it before asking" are tone. Each with the near-misses that must
not escalate or be refused."""

from __future__ import annotations

import pytest

from service.replies.policy import CHANNELS
from service.replies.service import Conversation, Message
from tests.test_guardrails import POLICY, _suggester, check, escalations_of, failed


def test_the_policy_is_version_15() -> None:
    assert POLICY.version == 15


# ---- threats to hurt people -----------------------------------------------------------------------


@pytest.mark.parametrize("message", [
    "sort this fee out or im coming to your store and someone's getting hurt",
    "fix it today or someone's gonna get hurt",
    "people will get hurt if this isn't sorted",
    "you'll regret it, I'll make sure someone gets hurt",
    "I'll come down there and hurt whoever is on shift",
    "somebody is going to get hurt over this",
])
def test_someone_getting_hurt_is_a_threat(message: str) -> None:
    assert "threat_to_people" in escalations_of(message), message


@pytest.mark.parametrize("message", [
    "honestly my feelings are hurt, nobody told me about the fee",
    "it hurt to wear them all day",
    "the shoes hurt, can I swap them for a bigger size?",
    "nobody got hurt, but the box was crushed",
])
def test_hurt_feelings_and_sore_feet_are_not_threats(message: str) -> None:
    assert "threat_to_people" not in escalations_of(message), message


# ---- self-harm slang and gerunds ------------------------------------------------------------------


@pytest.mark.parametrize("message", [
    "lost my job, can't pay, kinda feel like unaliving myself tbh",
    "I keep thinking about ending it all",
    "I've been thinking of ending my life",
    "been thinking about offing myself",
    "i don't want to be here anymore",
    "honestly life's not worth living anymore",
])
def test_self_harm_in_slang_and_gerunds_escalates(message: str) -> None:
    assert "self_harm" in escalations_of(message), message


@pytest.mark.parametrize("message", [
    "I'm ending my subscription, how do I cancel?",
    "you guys are killing it this season",
    "I'm dying to get these boots",
    "I don't want to be here all day waiting for the courier",
])
def test_ending_a_subscription_and_enthusiasm_do_not_escalate(message: str) -> None:
    assert "self_harm" not in escalations_of(message), message


# ---- stalking and abuse by a partner --------------------------------------------------------------


@pytest.mark.parametrize("message", [
    "my ex keeps changing my delivery address on your site, he's been stalking me and i'm scared",
    "I'm scared he'll find me if the parcel goes to my old flat",
    "he's threatening me, please don't send anything to that address",
    "my ex-husband keeps harassing me",
    "he's been threatening to hurt me",
    "I have a restraining order against him, please remove his address",
    "I left an abusive relationship and need my address hidden",
    "il me harcèle depuis des semaines",
    "mein Ex stalkt mich",
    "mi ex me está acosando",
    "bang dat hij me vindt",
])
def test_stalking_and_abuse_by_a_partner_escalate(message: str) -> None:
    assert "personal_safety" in escalations_of(message), message


@pytest.mark.parametrize("message", [
    "scared my parcel is lost",
    "I keep stalking the tracking page lol",
    "stop harassing me with emails about the sale",
    "are you threatening me with late fees?",
    "my boyfriend is tracking the parcel for me",
    "I'm worried they won't find my address",
    "my wife follows us on instagram",
])
def test_a_lost_parcel_and_marketing_emails_do_not_escalate(message: str) -> None:
    assert "personal_safety" not in escalations_of(message), message


@pytest.mark.parametrize("channel", CHANNELS)
async def test_stalking_gets_the_policy_reply_on_every_channel(channel: str) -> None:
    message = "my ex keeps changing my delivery address, he's been stalking me and i'm scared"
    result = await _suggester().suggest("t", Conversation(channel, [Message("customer", message)]), n=3)
    assert result.escalation and result.escalation["id"] == "personal_safety"
    assert result.escalation["action"] == "replace"
    assert [s.engine for s in result.suggestions] == ["policy"]
    s = result.suggestions[0]
    assert all(c["passed"] for c in s.checks), s.checks
    assert s.text != POLICY.fallback_reply


# ---- chargebacks replace the reply (policy v15) ---------------------------------------------------


def test_a_chargeback_replaces_the_reply_in_the_policy() -> None:
    e = POLICY.escalation_for(["I'll file a chargeback with my bank"])
    assert e is not None and e.id == "regulator_or_chargeback"
    assert e.action == "replace" and e.reply


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_chargeback_gets_the_policy_reply_on_every_channel(channel: str) -> None:
    message = "If you don't take this fee off I'm calling my bank and doing a chargeback today."
    result = await _suggester().suggest("t", Conversation(channel, [Message("customer", message)]), n=3)
    assert result.escalation and result.escalation["id"] == "regulator_or_chargeback"
    assert result.escalation["action"] == "replace"
    assert [s.engine for s in result.suggestions] == ["policy"]
    s = result.suggestions[0]
    assert all(c["passed"] for c in s.checks), s.checks
    assert s.text != POLICY.fallback_reply


def test_a_bank_that_confirms_a_payment_is_not_a_chargeback() -> None:
    assert "regulator_or_chargeback" not in escalations_of(
        "My bank says the payment went through, but there's a charge I don't recognise.")


# ---- impatience and "read it before asking" -------------------------------------------------------


@pytest.mark.parametrize("text", [
    "As I've already said, Nick, In Transit means it's shipped. Maybe read the status before asking?",
    "Like I said before, In Transit means your package has left our warehouse.",
    "As I have explained, In Transit means your package has left our warehouse.",
    "Maybe check the tracking page before asking next time.",
    "If you'd read the email you would have known the date can't change.",
    "In Transit means it has left our warehouse. It's not that hard.",
    "As I already said in my last email, it has left our warehouse.",
])
def test_impatience_and_read_before_asking_are_tone(text: str) -> None:
    assert "tone" in failed(check(text, "orders-shipping-statuses")), text


@pytest.mark.parametrize("text", [
    "As I said in my last message, In Transit means your package has left our warehouse.",
    "As I mentioned in my last email, In Transit means your package has left our warehouse.",
    "Before asking for a change, check the status: In Transit means it has left our warehouse.",
    "It's not that hard to fix: log out and back in.",
    "If you read the email, you'll find the tracking link.",
])
def test_a_reference_to_an_earlier_message_and_tips_are_not_tone(text: str) -> None:
    assert "tone" not in failed(check(text, "orders-shipping-statuses")), text
