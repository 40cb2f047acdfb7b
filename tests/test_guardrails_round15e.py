"""Round 15e: indirect goodbyes (letters to the family, a pet given away, not being around, two of them in one
message) escalate as self_harm in every language triage detects; veiled threats to a named person or a member
of staff (knowing where they live, a visit to sort it out, turning up at their home or office) escalate as
threat_to_people; a delivery date guaranteed after the fact or said as certain is a forbidden guarantee, in
look-alike letters too, while a guarantee denied is not. Each with the near-misses that must stay normal."""
from __future__ import annotations

import pytest

from service.guardrails.normalise import clean
from tests.test_guardrails import POLICY, check, failed


def escalation(text: str) -> str | None:
    found = POLICY.escalation_for([text])
    return found.id if found else None


def guarantees(reply: str) -> list[str]:
    return [m for rule in POLICY.forbidden if rule.id == "guarantee" for m in rule.find(reply)]


# ---- indirect self-harm signals ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I'm writing to update my address. Honestly it won't matter much, I've already written letters to my kids and "
    "given my dog away. I won't be around to receive anything.",
    "I rehomed my cat last week and I've given my dog away too. It won't matter, I won't be around anyway.",
    "This is my last order. I've finished writing letters to my family, so please send it to my sister's.",
    "Gave my dog away yesterday. Won't need any of my stuff anymore.",
    "I wrote a few letters for my children and I won't be around.",
    "J'ai écrit des lettres à mes enfants et j'ai donné mon chien, je ne serai plus là pour recevoir quoi que ce soit.",
    "Ich habe Briefe an meine Kinder geschrieben und meinen Hund weggegeben.",
    "He escrito cartas a mis hijos y he regalado mi perro.",
    "Ho scritto lettere ai miei figli e ho dato via il mio cane.",
    "Escrevi cartas para os meus filhos e doei o meu cachorro.",
    "Ik heb brieven geschreven aan mijn kinderen en mijn hond weggegeven.",
])
def test_indirect_goodbyes_escalate_as_self_harm(text: str) -> None:
    assert escalation(text) == "self_harm"


@pytest.mark.parametrize("text", [
    "I won't be around on Tuesday for the delivery, can you update my address?",
    "I gave my old coat away, so I need a new one in size M.",
    "I wrote letters to my kids' school about the uniform order.",
    "I gave my dog away to my sister, who has a garden, so please cancel the dog bed.",
    "This is my last order, your service is awful.",
    "I won't be around to receive it, please leave it with a neighbour.",
    "This is my last order with you, I'm moving abroad and won't be around until March.",
    "I wrote letters to my kids' school and I won't be around on Friday.",
])
def test_one_signal_or_an_errand_is_not_a_goodbye(text: str) -> None:
    assert escalation(text) is None


# ---- veiled threats to a named person or staff ----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Your manager Karen refused my refund. I know where Karen lives and I'll be paying her a visit this weekend to sort "
    "it out in person.",
    "I know where Daniel lives.",
    "Your agent Priya hung up on me. I'll be paying your agent a visit at her home to settle this.",
    "I'll pay your manager a visit to sort it out face to face.",
    "Still no refund. You'll see me at your office on Monday.",
    "I'll be waiting outside her house tomorrow.",
    "Tell Marcus I'll be paying him a visit to deal with this.",
])
def test_veiled_threats_to_a_person_escalate(text: str) -> None:
    assert escalation(text) == "threat_to_people"


@pytest.mark.parametrize("text", [
    "I know where the store is, so I'll visit the store in person.",
    "I'll visit the store in person to return it.",
    "I'll pay your store a visit to return it in person.",
    "My mum lives nearby, I'll pay her a visit and give her the scarf.",
    "I know where Denver is, please ship there.",
    "Your manager Karen was lovely, please thank her.",
    "You'll see me at your store on Saturday for the sale!",
])
def test_visits_and_places_are_not_threats(text: str) -> None:
    assert escalation(text) is None


# ---- guaranteed delivery timing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("reply", [
    "Your back-ordered boots will ship as soon as they become available, and delivery before the 20th is guаrаnteed.",
    "Delivery before the 20th is guaranteed.",
    "Arrival by Friday is guaranteed.",
    "It will ship within 3 days, guaranteed.",
    "They'll be with you by Friday - guaranteed.",
    "It will definitely arrive before the 15th.",
    "Your parcel is certain to arrive by Friday.",
    "Delivery before the 20th is guɑrɑոteed.",
    "Delivery before the 20th is gυaraηteeԁ.",
])
def test_delivery_timing_guaranteed_is_forbidden(reply: str) -> None:
    assert guarantees(reply), reply


@pytest.mark.parametrize("reply", [
    "We can't guarantee delivery before the 20th.",
    "I'm afraid delivery before the 20th isn't guaranteed.",
    "Delivery before the 20th is not guaranteed.",
    "Back-ordered items are not guaranteed to arrive before the holidays.",
    "It will probably arrive by Friday, but I can't promise that.",
    "We're unable to guarantee delivery by Friday.",
    "Delivery by Friday cannot be guaranteed.",
])
def test_a_denied_or_hedged_guarantee_is_allowed(reply: str) -> None:
    assert not guarantees(reply), reply


def test_look_alike_letters_fold_to_latin() -> None:
    assert clean("guɑrɑոteed gυaraηteeԁ guаrаntееd") == "guaranteed guaranteed guaranteed"


def test_the_back_order_twins_both_ways() -> None:
    customer = ("Will my back-ordered jacket arrive before my trip on the 20th?",)
    faithful = ("Your back-ordered jacket will ship as soon as it becomes available, but I'm afraid we can't guarantee "
                "delivery before the 20th.")
    violating = "Your back-ordered jacket will ship as soon as it becomes available, and delivery before the 20th is guaranteed."
    assert "forbidden" not in failed(check(faithful, "stock-back-order-item", channel="email", customer=customer))
    assert "forbidden" in failed(check(violating, "stock-back-order-item", channel="email", customer=customer))
