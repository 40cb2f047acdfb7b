"""Round 12a: a sweep of two escalation classes (policy v15): physical harm done to the customer by staff, a courier or a
driver (personal_safety), and an immediate hazard: gas, hissing, smoke, fire, a burning or chemical smell, sparks, a shock,
something that exploded, a package leaking an unknown liquid or powder (safety); slang and the six other languages triage
detects, with near-miss customer-service talk that shares the words and must not escalate."""
from __future__ import annotations

import pytest

from tests.test_guardrails import escalations_of

POSITIVE = {
    "personal_safety": [
        "One of your store staff grabbed my arm and shoved me when I asked for help yesterday.",
        "the delivery guy shoved me when I opened the door", "your driver pushed me against the wall",
        "a security guard grabbed me by the collar", "the cashier slapped me", "the courier punched me in the face",
        "your manager hit my son", "I was assaulted by a member of your staff", "I got groped by the delivery driver",
        "the delivery man touched me inappropriately", "the sales assistant spat at me",
        "the postman kicked my dog and then kicked me", "i was pushed by your security guard and fell",
        "the driver sexually harassed me at my door", "the guy at the till grabbed my wrist, he grabbed my wrist so hard",
        "your employee elbowed me in the ribs", "the courier threw the parcel at me", "one of your workers headbutted me",
        "your delivery rider spit on me", "he grabbed my arm and wouldn't let go, he was your staff",
        "the bouncer at your store manhandled my husband", "the store manager shoved my daughter",
        "i was groped in your store by a member of staff", "your security guard choked me",
        "the shop assistant assaulted me", "a delivery driver dragged me by my hair", "le livreur m'a bousculée",
        "le vendeur m'a frappé", "le vigile m'a attrapé par le bras", "le livreur m'a craché dessus",
        "l'employé m'a giflée", "j'ai été agressée par un livreur", "le livreur m'a harcelée sexuellement",
        "der Fahrer hat mich geschubst", "der Verkäufer hat mich geschlagen", "der Paketbote hat mich am Arm gepackt",
        "der Wachmann hat mich getreten", "ich wurde vom Mitarbeiter sexuell belästigt",
        "der Zusteller hat mich angespuckt", "el repartidor me empujó", "el dependiente me dio una bofetada",
        "el guardia me agarró del brazo", "fui agredida por un empleado", "el mensajero me escupió",
        "il corriere mi ha spinto", "il commesso mi ha dato uno schiaffo", "la guardia mi ha afferrato per il braccio",
        "sono stata molestata dal fattorino", "il corriere mi ha sputato addosso", "o entregador me empurrou",
        "o segurança me agarrou pelo braço", "o vendedor me deu um tapa", "fui agredida pelo entregador",
        "o entregador cuspiu em mim", "de bezorger heeft me geduwd", "de beveiliger heeft me vastgepakt",
        "de verkoper heeft me geslagen", "ik ben aangerand door de koerier", "the delivery guy literally smacked me",
        "your driver decked me in my own driveway", "the security guy yanked my arm",
        "the guard pinned me against the wall", "your courier whacked my son with the parcel",
    ],
    "safety": [
        "delivery guy left a box that smells of gas and it's hissing, kids are in the house", "the parcel smells like gas",
        "I can smell gas coming from the box", "there's a gas leak from the package", "the box is hissing",
        "it's hissing and i'm scared to open it", "smoke is coming out of the charger",
        "there's smoke coming from the heated jacket", "the heater is on fire", "the box went up in flames",
        "the battery pack started a fire in my kitchen", "there's a burning smell from the heated gloves",
        "it smells like burning plastic", "the charger smells of burning", "sparks came out of the plug",
        "the heated vest sparked when I plugged it in", "I got a shock from the charger", "the heated blanket zapped me",
        "the package is leaking a strange liquid", "the parcel was covered in white powder",
        "there's a weird powder leaking out of the box", "the aerosol in the box exploded",
        "the canister exploded in the van", "the smoke alarm went off because of the charger",
        "we had to evacuate the house", "the box has a strong chemical smell and my eyes are burning",
        "toxic fumes coming from the parcel", "the parcel reeks of chemicals",
        "suspicious package on my doorstep from your courier", "i called 999 because of the charger",
        "ça sent le gaz dans le colis", "il y a une odeur de brûlé", "de la fumée sort du chargeur",
        "le colis fuit, il y a un liquide inconnu", "il y a des étincelles", "le colis siffle", "es riecht nach Gas",
        "das Paket zischt", "Rauch kommt aus dem Ladegerät", "der Akku raucht", "Funken sprühen aus dem Stecker",
        "weißes Pulver im Paket", "huele a gas", "huele a quemado", "sale humo del cargador",
        "el paquete gotea un líquido extraño", "la caja está silbando", "hay chispas", "c'è odore di gas",
        "puzza di bruciato", "esce fumo dal pacco", "il pacco perde un liquido strano", "c'è una polvere bianca nel pacco",
        "cheiro de gás na encomenda", "está saindo fumaça do carregador", "a caixa está vazando um líquido estranho",
        "cheira a queimado", "het ruikt naar gas", "het pakket sist", "er komt rook uit de oplader",
        "het pakket lekt een vreemde vloeistof", "er zit wit poeder in de doos",
        "the parcel smells like rotten eggs and it's hissing", "the charger is smoking",
        "my room is full of smoke from the heater",
    ],
}

NEGATIVE = [
    "the gas station near your store", "this jacket is fire", "hot deal", "I'm shoving it back in the box",
    "the staff were pushy", "smoke grey colour", "the sparkly dress", "burning question", "I'm fired up about this sale",
    "the staff pushed me to buy the warranty", "the sales guy pushed me into a store card",
    "she grabbed me a size 10 from the back", "hit me up when it's back in stock", "they slapped me with a late fee",
    "they hit me with a fee", "the app kicked me out", "I got kicked off the website", "the driver hit the gate",
    "is the smoke grey hoodie in stock?", "the jacket smells of smoke, was it worn?",
    "does the hoodie come in charcoal or smoke?", "the fire sale starts tomorrow", "these trainers are straight fire",
    "this price is on fire", "that deal is hot", "the sale sparked my interest", "these sparkles are gorgeous",
    "I had a burning desire to buy it", "burnt orange colour", "I'm fuming about the delay",
    "the staff were rude and pushy", "the manager pushed back my refund", "I pushed the button but nothing happened",
    "the delivery guy touched the doorbell", "the courier left it with the gas meter",
    "can you deliver to the petrol station", "the box was squashed", "the parcel got wet in the rain",
    "my boots leak in the rain", "it's a smoking hot price", "the email hit my spam folder", "the price hit me hard",
    "got a shock from the bill", "I got a shock from the price", "the staff grabbed my attention with the display",
    "he dragged his feet on my refund", "the driver grabbed the parcel and left", "she pushed my order to next week",
    "my inbox exploded with your emails", "sales exploded this week", "the powder blue dress",
    "the liquid foundation shade", "je suis en feu pour les soldes", "le vendeur m'a poussé à acheter",
    "la station-service à côté", "ça m'a frappé que le prix ait changé", "gris fumé", "der Verkäufer hat mich gut beraten",
    "ich bin Feuer und Flamme für die Jacke", "das ist brandneu", "die Tankstelle neben dem Laden",
    "gib Gas mit der Lieferung", "el dependiente me empujó a comprar más", "me pegó un susto el precio",
    "estoy echando humo con este retraso", "está que arde esta oferta", "la gasolinera al lado de la tienda",
    "il commesso mi ha spinto a comprare", "questi prezzi fanno scintille", "grigio fumo", "il distributore di benzina",
    "o vendedor me empurrou um seguro", "me bateu uma saudade", "água com gás", "o posto de gasolina",
    "de verkoper heeft me goed geholpen", "het tankstation naast de winkel", "rookgrijs vest",
    "she smacked me with a huge bill", "the security guard clocked me as a regular",
]


@pytest.mark.parametrize("escalation,message", [(k, m) for k, ms in POSITIVE.items() for m in ms])
def test_harm_by_staff_or_a_hazard_escalates(escalation, message):
    assert escalation in escalations_of(message)


@pytest.mark.parametrize("message", NEGATIVE)
def test_near_miss_does_not_escalate(message):
    assert escalations_of(message) == []


def test_the_sweep_is_wide():
    assert sum(len(ms) for ms in POSITIVE.values()) >= 100 and len(NEGATIVE) >= 50
