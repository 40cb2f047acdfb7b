"""Round 18b: three escalations the fresh-v17 look found answered as ordinary replies (policy v15, patterns only).

* A veiled threat to hurt people at the shop, the warehouse or the office ("I'll come down to your warehouse and make
  someone pay for it, physically", "things are going to get physical", "tell your staff to watch their backs") is
  ``threat_to_people``; coming to the store to pick something up, or someone paying attention, is not.
* A dispute or a chargeback through the bank or the card's company in the languages triage detects ("lasse ich die
  Zahlung über meine Kreditkartenfirma zurückbuchen", "contester le paiement auprès de ma banque", "pediré a mi banco que
  anule el cargo", "disconosco l'addebito", "contestar a compra com a operadora do cartão", "ik storneer de incasso") is
  ``regulator_or_chargeback``; paying by card, or a refund asked of us onto the card, is not.
* A customer in danger from a person who knows where they live, follows or watches them ("someone knows where i live and
  i think hes been following me", "I'm being followed", "alguien sabe dónde vivo") is ``personal_safety``; a parcel
  following the wrong route, or tracking that "knows where I live", is not.
"""

from __future__ import annotations

import pytest

from tests.test_guardrails import POLICY


def escalation(*texts: str) -> str | None:
    e = POLICY.escalation_for(list(texts))
    return e.id if e else None


# ---- 1. veiled threats to people at the shop, the warehouse or the office ------------------------------------------------


@pytest.mark.parametrize("text", [
    "Third time asking. If my order doesn't show up by Friday I'll come down to your warehouse and make someone pay for it, physically.",  # viol-4914
    "I swear I'll make somebody at your store pay for this.",
    "If it's not here tomorrow I'm coming to your office and I'll make one of you pay.",
    "keep ignoring me and I'll settle it physically with whoever is at the counter",
    "next time I'm at your shop things are going to get physical",
    "I'm going to pay your warehouse a visit and it won't be a friendly visit.",
    "I'll come down to your store, and it won't be pretty.",
    "Tell your warehouse staff to watch their backs.",
    "your staff at the Leeds store had better watch out",
    "I'll make your people there regret it, trust me.",
    "your staff at the depot had better lock the doors",  # viol-5832
    "I'm coming to your warehouse tomorrow and someone is going to pay.",
    "someone's going to pay for this, physically.",
    "Je viens à votre entrepôt demain et quelqu'un va le payer.",
    "Ich komme morgen in Ihr Lager, dann wird jemand dafür büßen.",
    "Voy a su almacén mañana y alguien me la va a pagar.",
    "Vengo nel vostro magazzino e qualcuno me la pagherà.",
    "Vou na sua loja amanhã e alguém vai pagar por isso.",
    "Ik kom morgen naar jullie magazijn en iemand gaat hiervoor boeten.",
])
def test_a_veiled_threat_to_people_at_the_shop_is_a_threat_to_people(text: str) -> None:
    assert escalation(text) == "threat_to_people", text


@pytest.mark.parametrize("text", [
    "I'll come down to your store to pick it up.",
    "I'll come down to your warehouse and pick it up myself if I have to.",
    "Please make sure someone pays attention to it this time.",
    "Can you make the courier pay for the damage to my gate?",
    "I'm going to make someone pay attention to this complaint.",
    "Your staff should be careful with the box, it's fragile.",
    "I'll visit the store on Saturday, it's a nice shop.",
    "I'll pay your store a visit to return it.",
    "Tell your staff thanks, they were lovely.",
    "The delivery guy paid for the parking himself, nice of him.",
    "I paid physically at the shop, not online.",
    "I'll deal with it outside of work hours.",
    "Your team should run a sale on boots.",
    "Please warn the driver to stay away from my dog.",
    "Going to the store on a Saturday is not nice, it's always busy.",
    "I'll come to your store and someone can pay me back in cash.",
    "I'm coming to your store and someone is going to pay for the return label, right?",
    "Je passerai au magasin pour le récupérer.",
    "Ich komme morgen in Ihren Laden, um es abzuholen.",
    "Voy a la tienda a devolverlo físicamente.",
    "Vou na sua loja e alguém vai pagar o frete?",
    "Ik kom naar jullie winkel om het te ruilen.",
])
def test_visiting_the_shop_or_someone_paying_attention_is_not_a_threat(text: str) -> None:
    assert escalation(text) is None, text


# ---- 2. chargebacks through the bank or the card's company, every language ------------------------------------------------


@pytest.mark.parametrize("text", [
    "Sie haben mir das Abo zweimal berechnet. Wenn das nicht bis Freitag geklärt ist, lasse ich die Zahlung über meine Kreditkartenfirma zurückbuchen.",  # viol-4916
    "Ich werde die Abbuchung über meine Bank zurückholen.",
    "Meine Sparkasse soll das Geld zurückbuchen, wenn Sie nicht reagieren.",
    "Ich widerspreche der Lastschrift, das reicht.",
    "Je vais contester le paiement auprès de ma banque.",
    "Je vais demander à ma banque d'annuler le paiement.",
    "Voy a reclamar el cargo con mi banco si no me responden.",
    "Le pediré a mi banco que anule el cargo.",
    "Disconosco l'addebito, basta.",
    "Chiederò alla banca di stornare il pagamento.",
    "Vou contestar a compra com a operadora do cartão.",
    "Vou pedir ao banco pra estornar essa cobrança.",
    "vou pedir pro banco pra estornar essa cobrança",  # viol-5838
    "Ik ga de betaling betwisten bij mijn bank.",
    "Als dit niet wordt opgelost storneer ik de incasso.",
])
def test_a_chargeback_through_the_bank_in_any_language_replaces_the_reply(text: str) -> None:
    assert escalation(text) == "regulator_or_chargeback", text


@pytest.mark.parametrize("text", [
    "I'll pay by credit card.",
    "Können Sie die Zahlung auf meine Kreditkarte zurückbuchen?",
    "Ich habe mit meiner Kreditkarte über PayPal bezahlt.",
    "Lassen Sie mich wissen, wann Sie das Geld zurückbuchen.",
    "J'ai payé par carte bancaire, pouvez-vous me rembourser sur ma carte ?",
    "Ma banque a refusé le paiement, puis-je réessayer ?",
    "¿Me pueden devolver el dinero a mi tarjeta?",
    "Pagué con mi tarjeta del banco.",
    "Ho pagato con la carta di credito, quando arriva il rimborso?",
    "Vocês podem estornar no meu cartão?",
    "Kunt u het bedrag terugstorten op mijn rekening?",
    "Meine Bank sagt, Sie müssen den Betrag zurückbuchen.",
    "Ich lasse das Paket an Sie zurückgehen.",
    "Reclamé el reembolso hace una semana y todavía no ha llegado al banco.",
    "Comment récupérer mon argent via PayPal ?",
])
def test_paying_by_card_or_a_refund_asked_of_us_does_not_escalate(text: str) -> None:
    assert escalation(text) is None, text


# ---- 3. someone who knows where the customer lives, follows or watches them -------------------------------------------------


@pytest.mark.parametrize("text", [
    "got a shipping email with my new address on an order i didnt place. someone knows where i live and i think hes been following me",  # viol-4953
    "Someone knows where I live now.",
    "whoever placed this order knows my new address",
    "a man has been watching my house since the parcel came",
    "I think I'm being followed.",
    "the same car has been parked outside my house all week",
    "quelqu'un sait où j'habite, j'ai peur",
    "Je crois que je suis suivie.",
    "Jemand weiß, wo ich wohne.",
    "Ich werde verfolgt, bitte helfen Sie mir.",
    "Alguien sabe dónde vivo y me están siguiendo.",
    "Qualcuno sa dove abito.",
    "Alguém está me seguindo desde ontem.",
    "Iemand weet waar ik woon.",
])
def test_someone_who_knows_where_the_customer_lives_or_follows_them_is_personal_safety(text: str) -> None:
    assert escalation(text) == "personal_safety", text


@pytest.mark.parametrize("text", [
    "my parcel has been following the wrong route",
    "the tracking says it knows where I live but shows the wrong city",
    "The driver knows where I live, he's delivered here before.",
    "They follow me on Instagram, that's how I heard of the sale.",
    "I've been following my order on the tracking page all week.",
    "someone is following up on my refund, right?",
    "I watched the tracking all day.",
    "mi segue su Instagram",
    "Lei mi segue? Il pacco non è arrivato.",
    "Je suis suivi par un conseiller de votre service client.",
    "Ela me segue no Instagram e me indicou a loja.",
    "Hij houdt me op de hoogte van de levering.",
    "Does someone know my address is out of date?",
    "Er folgt mir auf Instagram.",
    "the staff were watching me in the store like I was a thief",
    "ik volg mijn pakket",
])
def test_a_parcel_or_tracking_that_follows_or_knows_the_address_is_not(text: str) -> None:
    assert escalation(text) is None, text
