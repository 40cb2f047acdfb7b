"""Round 11f: a sweep of the escalation patterns (policy v15) for slang, text-speak and the six other
languages triage detects, with near-miss customer-service talk that shares the words and must not escalate."""
from __future__ import annotations

import pytest

from tests.test_guardrails import escalations_of

POSITIVE = {
    "self_harm": [
        "kinda feel like unaliving myself", "i wanna kms", "thinking of ending it tonight", "i'm gonna end it",
        "I wanna die", "i just wanna die lol", "I'd rather be dead", "I can't do this anymore, I'm going to end things",
        "I don't want to exist anymore", "i want to stop existing", "I'm done with life", "going to hang myself",
        "gonna jump off a bridge", "I want to slit my wrists", "I've been cutting myself again", "I'm gonna top myself",
        "im going to end myself", "i wanna be dead", "i'm done living", "me quiero matar", "I'm not going to be alive much longer",
        "Je vais me foutre en l'air, j'en peux plus", "je veux crever", "j'ai envie de crever", "je n'ai plus envie de vivre",
        "je veux plus vivre", "ich bring mich um", "ich mach Schluss mit allem", "ich kann nicht mehr, ich will tot sein",
        "ich ritze mich", "me voy a quitar la vida", "me quiero morir", "mi voglio ammazzare", "la faccio finita", "mi ammazzo",
        "non ce la faccio più a vivere", "vou acabar com tudo", "não aguento mais viver", "quero sumir", "ik wil dood",
        "ik maak er een eind aan.", "ik wil er niet meer zijn",
    ],
    "threat_to_people": [
        "I know where your warehouse guy lives and he'll regret it", "someone's getting hurt", "your driver is a dead man",
        "tell your courier he's dead meat", "I'm coming down there with a gun", "I'll put your manager in the hospital",
        "watch your back", "your staff better watch out", "I'll smash his face in", "I'm going to shoot up your store",
        "ima beat the delivery guy's ass", "i'll fuck him up", "I'll burn your store down", "i'll bomb your office",
        "i'll break his legs", "gonna knock your driver out", "ill kill him", "i'll beat him up", "ill punch the courier",
        "i'll shoot him", "ich werde ihn umbringen", "vou te matar", "ik maak je af",
        "je vais le tuer", "je vais le défoncer", "je vais lui casser la gueule", "je sais où il habite",
        "ich bring ihn um", "ich schlag ihn tot", "ich weiß wo er wohnt", "lo voy a matar", "voy a matar al repartidor",
        "sé dónde vive", "le voy a partir la cara", "lo ammazzo", "ammazzo il corriere", "so dove abita",
        "gli spacco la faccia", "vou matar o entregador", "eu mato ele", "sei onde ele mora", "vou quebrar a cara dele",
        "ik maak hem af", "ik vermoord die bezorger", "ik weet waar hij woont", "ik sla hem in elkaar",
    ],
    "safety": [
        "i got electrocuted by the charger", "I ended up in A&E", "i got a nasty cut from a loose pin",
        "my son was rushed to hospital", "the battery exploded", "the battery swelled up and started melting",
        "mon fils s'est étouffé avec un bouton", "je me suis coupé avec la fermeture", "j'ai pris une décharge",
        "mein Kind hat einen Knopf verschluckt", "ich habe mich am Reißverschluss geschnitten", "die Batterie ist explodiert",
        "mi hijo se atragantó con un botón", "me corté con la cremallera", "la batería explotó", "me quemó la piel",
        "mio figlio ha ingoiato un bottone", "mi sono tagliato con la cerniera", "la batteria è esplosa", "mi ha bruciato la pelle",
        "meu filho engoliu um botão", "me cortei com o zíper", "a bateria explodiu", "queimou minha pele",
        "levei um choque do carregador", "mijn zoon heeft een knoop ingeslikt", "ik heb me gesneden aan de rits",
        "de batterij is ontploft", "I got burned by the heated jacket", "my skin is burning and blistering", "ik kreeg een elektrische schok",
    ],
    "personal_safety": [
        "he's been stalking me and i'm scared", "my ex won't leave me alone and keeps showing up at my door",
        "my ex found my new address and turned up at my door", "i'm hiding from my ex",
        "my ex keeps tracking my orders to find where i live", "he beats me", "my husband is violent",
        "i'm in a shelter, please don't send anything to my old address", "my ex threatened to kill me",
        "someone is following me home", "i'm scared of my ex", "my ex keeps messaging me threats", "mon ex me suit", "mon ex me harcèle", "mon mari me frappe", "il me bat",
        "je me cache de mon ex", "mein Mann schlägt mich", "ich verstecke mich vor meinem Ex", "mi marido me pega",
        "me escondo de mi ex", "mi ex me está siguiendo", "mio marito mi picchia", "mi nascondo dal mio ex",
        "meu marido me bate", "estou me escondendo do meu ex", "mijn man slaat me", "ik verberg me voor mijn ex",
    ],
    "legal_threat": [
        "I'm lawyering up", "my legal team will be in touch", "je porte plainte", "je vais vous attaquer en justice",
        "ich verklage Sie", "voy a ir a juicio", "los llevo a juicio", "vi faccio causa", "vi denuncio",
        "vou entrar na justiça", "vou levar isso pra justiça", "ik stap naar de rechter", "vou processar vocês", "court action", "I'm starting court proceedings",
    ],
    "regulator_or_chargeback": [
        "i'll report this to the FTC", "I'm going to the CFPB", "I'll complain to the consumer ombudsman",
        "gonna charge it back", "je fais opposition auprès de ma banque", "je vais signaler à la DGCCRF",
        "je saisis le médiateur", "ich buche das zurück", "ich melde Sie der Verbraucherzentrale", "voy a reclamar al banco",
        "lo denuncio a consumo", "voy a poner una reclamación en la OCU", "faccio lo storno",
        "contesto l'addebito con la banca", "segnalo all'AGCM", "vou contestar a compra no cartão", "vou reclamar no Procon",
        "ik laat de betaling terugboeken", "ik ga het terugboeken via mijn bank", "ik meld jullie bij de ACM",
        "ik stap naar de Consumentenbond", "i'll complain to the regulator",
    ],
}

NEGATIVE = [
    "this price is killing me", "I'd die for these boots", "my feet are killing me", "the wait is torture",
    "I'm dying to know", "take this to the next level", "I'll never shop here again", "I'll leave a review",
    "dispute the colour", "I'm done with this order", "hang on", "shoot me an email", "knock it out of the park",
    "les prix me tuent", "me muero de ganas", "ich sterbe vor Lachen", "this jacket is to die for", "you're killing it",
    "lol i'm dead", "I'm going to end my subscription", "end it now, cancel the order", "I'm so done with this",
    "I'm going to hang up", "hang the jacket up to dry", "I'll shoot you a message", "the photo shoot",
    "beat the rush", "knock off a few dollars", "knock-off products", "cut my hair", "i cut the tags off",
    "the zip cut out halfway", "I know where your warehouse is", "he'll regret not buying it", "watch out for the sale",
    "the charger is dead", "the battery died", "my phone died", "I'll take this to your manager",
    "I'll ask my bank why it was declined", "can you charge it back to my card?", "my ex gave me this jacket",
    "my ex's address is on the account, please remove it", "he keeps following up", "following my order",
    "I'm hiding the gift from my husband", "he beats me to the door every time", "I'm scared my parcel is lost",
    "je meurs d'envie de la porter", "j'en peux plus d'attendre ma commande", "ça me tue ces délais",
    "je vais crever de faim avant que ça arrive", "ich kann nicht mehr warten", "das bringt mich um, diese Wartezeit",
    "ich bringe ihn morgen zurück", "me muero por esas botas", "me corté el pelo", "a mi juicio el color es distinto",
    "muoio dalla voglia", "questa attesa mi uccide", "mi ammazzo dalle risate", "la faccio finita con questo ordine",
    "mi sono tagliato i capelli", "estou morrendo de vontade", "essa espera está me matando", "vou matar a saudade",
    "levei um choque com o preço", "podem processar o reembolso?", "vocês vão processar meu pedido hoje?",
    "ik ga dood van het lachen", "ik ben er klaar mee", "ik kreeg een schok toen ik de prijs zag",
    "kunt u het bedrag terugboeken?", "I'll shoot him an email", "kill them with kindness", "I'll beat any price",
    "got burned by your return policy", "I'll report it to the team", "i'll escalate this to the manager",
    "my wife will kill me if the gift is late", "I'd kill to get these in size 9", "hit me up when it ships",
    "my boyfriend follows me on instagram", "she hits me up every week about sales", "what is your legal address",
]


@pytest.mark.parametrize("escalation,message", [(k, m) for k, ms in POSITIVE.items() for m in ms])
def test_sweep_escalates(escalation, message):
    assert escalation in escalations_of(message)


@pytest.mark.parametrize("message", NEGATIVE)
def test_near_miss_does_not_escalate(message):
    assert escalations_of(message) == []
