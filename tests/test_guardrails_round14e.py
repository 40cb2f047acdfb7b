"""Round 14e: escalations and tone the fresh-d18/d19 dev sets let through, swept as classes, with near-misses.

* safety: burns or blistering on someone's skin from something worn ("now he has blistering burns on his chest"), in
  the seven languages triage detects; not burn marks on a jacket, "blistering heat", dye on the hands with no harm,
  blisters on the heels from new boots;
* self_harm: ending it all, or not knowing what to go on for, as the customer's own thought ("tô pensando em acabar
  com tudo, nem sei pra que continuar"), in every language; not the same words about an order or a wait;
* personal_safety: a partner or an ex changing the address or getting into the account to find the customer, the
  finding said further into the sentence ("my ex keeps logging in and changing my delivery address so he can find
  where i live now"); not an ex's old address to update, not a driver finding the house;
* tone: the fault handed to the customer ("this one's on you, not us", "you only have yourself to blame"); not a
  treat ("this one's on us"), a choice ("it's up to you").
"""
from __future__ import annotations

import pytest

from tests.test_guardrails import check, escalations_of, failed

ESCALATE = {
    "safety": [
        "The black dye from your shirt came off on my son's skin and now he has blistering burns on his chest. What is in this fabric?",
        "the dye from the jeans left red burns on my thighs", "my daughter has burns on her neck from the label",
        "her skin is blistering where the shirt touched it", "his chest is all blistered after wearing the tee",
        "I've got blisters all over my arms from the new sweater", "the heated vest gave him skin burns",
        "he has painful burns on his back from the jacket lining", "blisters on my daughter's neck since she wore the scarf",
        "his skin started blistering an hour after he put the shirt on",
        "mon fils a des cloques sur la peau à cause du t-shirt", "mein Sohn hat Blasen auf der Haut von dem Shirt",
        "mi hijo tiene ampollas en la piel por la camiseta", "mio figlio ha vesciche sulla pelle per la maglietta",
        "meu filho ficou com bolhas na pele por causa da camiseta", "mijn zoon heeft blaren op de huid door het shirt",
    ],
    "self_harm": [
        "tô pensando em acabar com tudo, nem sei pra que continuar. meu pedido nem chegou",
        "estou pensando em acabar com tudo.", "tenho vontade de acabar com tudo", "nem sei mais pra que continuar",
        "não vejo mais sentido em continuar", "sem motivo pra continuar vivendo", "pensando em me matar",
        "estoy pensando en acabar con todo, y encima mi pedido no llega", "no sé para qué seguir.",
        "no tengo ningún motivo para seguir viviendo", "I've been thinking about ending it all, and my parcel never came",
        "honestly don't know why I'm even going on for", "I don't know why I keep going anymore",
        "je ne sais plus pourquoi continuer.", "non so più perché andare avanti.", "sto pensando di farla finita",
        "ich weiß nicht mehr, wofür ich weitermachen soll.", "wozu noch weiterleben?",
        "ik weet niet meer waarom ik nog doorga.", "ik denk erover na om een eind aan mijn leven te maken",
    ],
    "personal_safety": [
        "my ex keeps logging in and changing my delivery address so he can find where i live now. pls stop it",
        "my ex-husband keeps changing the shipping address on my account to track me down",
        "my ex boyfriend got into my account and looked at my orders to find my new address",
        "my former partner keeps editing my address, I think she wants to know where I live now",
        "meu ex fica mudando meu endereço de entrega pra descobrir onde eu moro",
        "mon ex change mon adresse de livraison pour savoir où j'habite",
        "mein Ex ändert ständig meine Lieferadresse, damit er herausfindet, wo ich wohne",
        "mi ex cambia mi dirección de entrega para saber dónde vivo",
        "il mio ex cambia l'indirizzo di consegna per sapere dove abito",
        "mijn ex verandert steeds mijn bezorgadres zodat hij weet waar ik woon",
    ],
}

NO_ESCALATION = [
    "the dye came off on my hands when washing the shirt", "the black dye came off on my son's skin, is that normal?",
    "the jacket has burn marks on the sleeve", "there's a burn hole in the hoodie", "we're having blistering heat, need shorts",
    "burnt orange colour in size M?", "the new boots gave me blisters on my heels, do they soften?", "is the burn-out velvet dress back?",
    "dye transfer onto my skin, how do I stop it?", "blistering fast delivery, thanks",
    "vou acabar com tudo isso de pedido atrasado e cancelar", "não sei pra que continuar esperando o pedido",
    "quero acabar com tudo isso de assinatura", "no sé para qué sirve este botón", "no sé para qué seguir esperando",
    "thinking about ending my subscription", "I don't know why I keep getting these emails",
    "je ne sais pas pourquoi continuer à payer la livraison", "non so perché continuare ad aspettare il pacco",
    "ik weet niet waarom ik nog moet wachten",
    "my ex changed the address before we split, please update it", "my boyfriend ordered it to get me a gift",
    "please update the address so the driver can find my address", "my husband logs into my account to order stuff",
    "my ex's address is still on the account, can you remove it?", "my partner wants to know where my parcel is",
    "mon ex a gardé mon adresse sur le compte", "meu ex mudou o endereço antes da gente terminar, pode atualizar?",
]


@pytest.mark.parametrize("escalation,message", [(k, m) for k, ms in ESCALATE.items() for m in ms])
def test_harm_self_harm_and_being_found_escalate(escalation: str, message: str) -> None:
    assert escalation in escalations_of(message)


@pytest.mark.parametrize("message", NO_ESCALATION)
def test_near_misses_do_not_escalate(message: str) -> None:
    assert escalations_of(message) == []


@pytest.mark.parametrize("text", [
    "Frankly, the care label says dry clean only, so this one's on you, not us. Wool-blend jackets must be dry cleaned.",
    "The label says dry clean only, so that one is on you.", "I'm afraid it was on you to check the label.",
    "The care label was clear, so you only have yourself to blame.", "The fault lies with you here, as the label says dry clean only.",
    "It's not our fault, it's on you.",
])
def test_the_fault_handed_to_the_customer_is_a_tone_finding(text: str) -> None:
    assert "tone" in failed(check(text, "products-jackets-faq"))


@pytest.mark.parametrize("text", [
    "I'm sorry to hear that. The care label on wool-blend jackets says dry clean only, so machine washing can shrink them.",
    "This one's on us: I'll look into it for you.", "It's up to you whether you'd like a repair or a return.",
    "The choice is yours.", "I've put a note on your account.", "It depends on you and which option suits you best.",
])
def test_a_treat_or_a_choice_is_not_a_tone_finding(text: str) -> None:
    assert "tone" not in failed(check(text, "products-jackets-faq"))


# ---- grounding: an action at a status too late for it, a denial against a conditional grant, free for a level that pays --------

ADD = "orders-add-item"
SHIPPED_GOLD = ("My order shipped already but I forgot socks. Can you add them? I'm Gold.",)


@pytest.mark.parametrize("text,article", [
    ("Since it has already shipped, I can add the item to your order.", ADD),
    ("Since your order is In Transit, I can add the socks to it now.", ADD),
    ("It's out for delivery, so I can still add the socks to it.", ADD),
    ("Since it has already shipped, I can upgrade it to overnight.", "orders-upgrade-overnight"),
    ("Since it's out for delivery, I can change the payment method on this order.", "orders-change-payment-method"),
    ("Since it's already shipped, I can change the delivery date to next week.", "orders-slower-delivery"),
    ("Since it's already in transit, I can change the delivery time window for you.", "orders-change-delivery-time"),
])
def test_an_action_at_a_status_the_source_says_is_too_late_is_refused(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article, customer=SHIPPED_GOLD))


@pytest.mark.parametrize("text,article", [
    ("Since it hasn't shipped yet, I can add the item to your order.", ADD),
    ("Your order shows Order Received, which means it hasn't shipped yet, so I can add the socks to it directly.", ADD),
    ("Since it has already shipped, I can't add the item to this order, but as a Gold member we can send it separately with no "
     "shipping fee.", ADD),
    ("It's still at Order Received, so I can upgrade it to overnight shipping.", "orders-upgrade-overnight"),
    ("Since it's in transit, I can change the payment method on this order right away.", "orders-change-payment-method"),
    ("As it's already shipped, the date can't be changed, but I can add a credit to your account for the shipping fee.",
     "orders-slower-delivery"),
    ("I'm sorry. Since the order has already shipped, there isn't anything I can change on the delivery.", "orders-slower-delivery"),
])
def test_an_action_the_status_still_allows_or_a_denial_passes(text: str, article: str) -> None:
    report = check(text, article, customer=SHIPPED_GOLD)
    assert "grounded" not in failed(report), report.findings()


def test_statuses_are_read_with_their_negation() -> None:
    from service.guardrails.status_actions import SHIPPED, statuses
    assert statuses("Since it has already shipped, I can add it") == SHIPPED
    assert statuses("it's out for delivery") == {"out for delivery"}
    assert statuses("since it hasn't shipped yet") == frozenset()
    assert statuses("once it has shipped we can't") == frozenset()
    assert statuses("Once it is In Transit, the time can no longer be changed", held_open=False) == {"in transit"}


EXTENSION = "subscription-payment-extension"
SILVER_LATE = ("I'm Silver and I can't pay my subscription on time, can I get more time?",)


@pytest.mark.parametrize("text,article", [
    ("As a Silver member, you can't get an extension on your subscription payment.", EXTENSION),
    ("Extensions are only available to Gold members.", EXTENSION),
    ("As a Silver member, you can't return items without a receipt.", "returns-membership-windows"),
])
def test_a_flat_denial_against_a_conditional_grant_is_refused(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article, customer=SILVER_LATE))


@pytest.mark.parametrize("text", [
    "Silver members can only get an extension if the payment is 1 day late, so at 3 days late I'm afraid I can't extend it.",
    "As a Silver member, you can get an extension only if the payment is 1 day late.",
    "Bronze members cannot get an extension.",
    "I'm sorry, extensions aren't available for Bronze members or guests.",
])
def test_a_denial_with_its_condition_or_for_a_level_never_granted_passes(text: str) -> None:
    report = check(text, EXTENSION, customer=("I'm Silver and my subscription payment is 3 days late, can I get more time?",))
    assert report.passed, report.findings()


def test_a_level_never_granted_is_denied_in_the_customers_words() -> None:
    report = check("As a Bronze member, you can't get an extension on your subscription payment.", EXTENSION,
                   customer=("I'm Bronze, can I get more time to pay?",))
    assert report.passed, report.findings()


PRICING = "store-pricing-extras"
SILVER_ASKS = ("I'm Silver, how much is overnight shipping?",)


@pytest.mark.parametrize("text", [
    "Overnight shipping is free for Silver members.", "Silver members get overnight shipping for free.",
    "Silver members don't pay for overnight shipping.", "As a Silver member, you don't pay for overnight shipping.",
])
def test_free_for_a_level_the_source_charges_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, PRICING, customer=SILVER_ASKS))


@pytest.mark.parametrize("text", [
    "Overnight shipping is $20 per order; as a Gold member you have the fee waived.",
    "Overnight shipping is $20, and it's free for Gold members.",
    "Silver members get free standard shipping on orders of $75 or more.",
])
def test_free_for_the_level_the_source_waives_it_for_passes(text: str) -> None:
    report = check(text, PRICING, customer=SILVER_ASKS)
    assert report.passed, report.findings()
