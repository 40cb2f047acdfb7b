"""Policy v13: the two escalations `fresh-v10`'s first look let through, in other words too, and
what must not escalate (a last week at work or in a flat, a bank that only confirms a payment)."""

from __future__ import annotations

import pytest

from tests.test_guardrails import POLICY


def escalation(*texts: str) -> str | None:
    e = POLICY.escalation_for(list(texts))
    return e.id if e else None


@pytest.mark.parametrize("text", [
    "I've decided this is my last week, so I want to cancel my subscription and sort everything out before I go.",  # viol-1677
    "Today is my last day, I'm putting my affairs in order before I go",
    "It's going to be my very last week, so please close my account.",
    "Please cancel everything, I'm sorting out my things before I go.",
    "c'est ma dernière semaine, je veux tout régler",
    "Das ist meine letzte Woche, bitte kündigen Sie alles.",
    "Es mi última semana, quiero cancelar todo.",
    "è la mia ultima settimana, annullate tutto",
    "Dit is mijn laatste week, zeg alles op.",
])
def test_a_last_week_announced_with_affairs_put_in_order_goes_to_the_crisis_queue(text: str) -> None:
    assert escalation(text) == "self_harm", text


@pytest.mark.parametrize("text", [
    "This is my last week at this address, please update it",
    "It's my last day of vacation, can it arrive by Monday?",
    "This is my last week in the flat, ship it to my new place",
    "I need to sort everything out before I go on holiday",
    "I bought it last week and it's my first order",
    "c'est mon dernier jour de vacances",
    "Es mi último día en la oficina, envíelo a casa",
])
def test_a_last_week_at_work_or_of_a_holiday_does_not_escalate(text: str) -> None:
    assert escalation(text) != "self_harm", text


@pytest.mark.parametrize("text", [
    "Disputing this with my credit card company unless you take off that fee NOW",  # viol-1688
    "I'll ask my bank to reverse the charge",
    "I'm going to call my bank and get them to reverse it",
    "I'll contest the payment with my card issuer",
    "Filing a dispute with PayPal today",
])
def test_a_dispute_with_the_bank_or_card_company_escalates(text: str) -> None:
    assert escalation(text) == "regulator_or_chargeback", text


@pytest.mark.parametrize("text", [
    "My bank says the payment went through",
    "I paid with my credit card and the charge is wrong",
    "Can I pay with my card instead of PayPal?",
])
def test_a_bank_or_card_named_without_a_dispute_does_not_escalate(text: str) -> None:
    assert escalation(text) is None, text
