"""Replies written in another language: read in English, word by word, before they are checked.

The claim checks (:mod:`service.guardrails.claims` and the checks beside it) read English: a faithful
reply in Spanish or French ("Bordar un nombre ... cuesta 10 $ por artículo, con un máximo de 12
caracteres") shares no word with the cited article and was refused as unsupported. A reply whose
language is one triage detects (Spanish, French, German, Portuguese, Italian, Dutch) is now
**glossed**: each word is replaced by its English reading from a small support-domain glossary
(prices, gift cards, mail, limits, levels, durations, channels, products, and the words of promises,
refunds, approvals and waivers), amounts are written the English way ("10 $" -> "$10"), and the
gloss is checked as any English claim: its facts must match one passage, its scope the passage's,
and a commitment or a waiver the sources do not give is refused as before.

A sentence with a word the glossary cannot read (not a name the reply was given, nor a word of the
cited sources) is not glossed: it is refused, as it was before, with a finding naming the words. So
a promise worded outside the glossary is never let through unread (round 18a).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_STOPWORDS = {
    "en": set("the and is are you your my i it to of in for on with this that have not was can please thanks order we our "
              "will be by at as if any then than from into over under about after before between through during were been "
              "being has had does did would should could may might must these those there here where when what which who whom "
              "why how all each every some few more most other such only very just also he him his she her its they them their "
              "hi hello yes get got within without me so us am".split()),
    "es": set("el la los las del que y en un una es por para con no mi su sus pedido gracias hola quiero pero se le lo "
              "tu te puedes puede cuesta usted".split()),
    "fr": set("le la les des et est un une je pas pour que vous votre vos mon ma commande merci bonjour avec sur ne du "
              "au aux il peut".split()),
    "de": set("der die das und ist ich nicht ein eine zu mit für mein meine bestellung danke hallo sie auf es ihre ihr "
              "ihnen den dem kostet pro".split()),
    "pt": set("o os as que em um uma é não para com meu minha pedido obrigado olá você seu sua do da dos das".split()),
    "it": set("il lo gli di che è non per con mio mia ordine grazie ciao sono ho del della suo sua costa".split()),
    "nl": set("het een en ik niet van voor met mijn bestelling bedankt hallo u op dat zijn uw".split()),
}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.U)
"""A word (letters, with an apostrophe or hyphen inside it: "aujourd'hui", "E-Mail")."""


def reply_language(text: str) -> str:
    """ISO 639-1 code of the reply's language: the language whose stop words and glossary words (not
    English ones, nor words read as themselves: "standard", "total") the reply uses most, when they are
    at least two and more than twice its English stop words; otherwise ``en``."""
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(1 for w in words if w in _STOPWORDS["en"])
    scores = {lang: sum(1 for w in words if _foreign(w, lang)) for lang in _GLOSSARY}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 and scores[best] > 2 * english else "en"


def _foreign(word: str, language: str) -> bool:
    """Is ``word`` a word of ``language`` that English does not share?"""
    if word in _STOPWORDS["en"]:
        return False
    gloss = _GLOSSARY[language].get(word)
    return (word in _STOPWORDS[language] or gloss is not None) and (gloss or "").lower() != word


OTHER_GREETING = re.compile(r"^(?:hola|buen(?:os|as) (?:días|tardes|noches)|estimad[oa]|bonjour|bonsoir|cher|chère|hallo|guten (?:tag|morgen|abend)|"
                            r"liebe[r]?|sehr geehrte[r]?|olá|ola|bom dia|boa (?:tarde|noite)|prezad[oa]|caro|cara|gentile|buongiorno|buonasera|ciao|"
                            r"beste|geachte|goedemiddag|goedemorgen|hoi)\b", re.I)
"""An e-mail's greeting in another language ("Bonjour Léa,", "Hola Lucía,", "Sehr geehrte Frau ..."): the e-mail's greeting, as "Hi"/"Dear" in English."""
OTHER_SIGN_OFF = re.compile(r"(?:saludos(?: cordiales)?|atentamente|un (?:cordial )?saludo|cordialement|bien à vous|salutations(?: distinguées)?|"
                            r"(?:mit )?freundlichen grüßen|viele grüße|beste grüße|atenciosamente|cumprimentos|abraços|cordiali saluti|distinti saluti|"
                            r"cordialmente|met vriendelijke groet(?:en)?|groeten|gracias|merci|danke|obrigad[oa]|grazie|bedankt)[,.!]?\s*\n", re.I)
"""An e-mail's sign-off in another language ("Cordialement,", "Saludos,", "Mit freundlichen Grüßen,") before the sender's line."""
_AMOUNT_AFTER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d{1,2})?)\s?(?:\$|US\$|dólares|dolares|dollars?|dollaro|dollari|dólar|dollar)(?![\w$])", re.I)
"""An amount written with its currency after it, as Spanish, French, German and Italian do ("10 $",
"10,50 dollars"): read "$10", "$10.50"."""
_AMOUNT_BEFORE = re.compile(r"\$\s?(\d+),(\d{1,2})\b")
"""An amount with a decimal comma after the sign ("$10,50"): read "$10.50"."""

# Phrases read as one (longest first); then single words. A value "" drops the word (an article or
# a filler with no content of its own).
_PHRASES = {
    "es": {"por supuesto": "of course", "lo siento": "I'm sorry", "en los últimos": "within the last", "con gusto": "gladly", "tarjeta de regalo": "gift card", "tarjeta regalo": "gift card", "por correo": "by mail", "código postal": "ZIP",
           "un máximo de": "up to", "como máximo": "at most", "ten en cuenta que": "note that", "tenga en cuenta que": "note that",
           "por encargo": "to order", "a medida": "to order", "envío estándar": "standard shipping", "envío exprés": "overnight shipping",
           "envío urgente": "overnight shipping", "a partir de": "from", "sin costo": "free", "sin cargo": "free", "de vuelta": "back"},
    "fr": {"bien à vous": "regards", "je vais": "I will", "nous allons": "we will", "papier cadeau": "gift wrapping", "emballage cadeau": "gift wrapping", "dans les": "within the", "désolé": "sorry", "désolée": "sorry", "d'accord": "OK", "carte cadeau": "gift card", "carte-cadeau": "gift card", "par courrier": "by mail", "par la poste": "by mail",
           "code postal": "ZIP", "adresse postale": "mailing address", "au maximum": "at most", "jusqu'à": "up to",
           "il me faut": "I need", "il nous faut": "we need", "sur commande": "to order", "livraison standard": "standard shipping",
           "livraison express": "overnight shipping", "à partir de": "from", "sans frais": "free", "prendre la forme d'une": "be",
           "prendre la forme d'un": "be", "bien sûr": "of course", "n'est pas": "is not", "ne sont pas": "are not"},
    "de": {"sehr geehrte": "dear", "sehr geehrter": "dear", "es tut mir leid": "I'm sorry", "in den letzten": "within the last", "per post": "by mail", "auf dem postweg": "by mail", "bis zu": "up to", "höchstens": "at most", "auf bestellung": "to order",
           "ab": "from", "kostenlos": "free", "gratis": "free"},
    "pt": {"sinto muito": "I'm sorry", "nos últimos": "within the last", "embrulho para presente": "gift wrapping", "cartão-presente": "gift card", "cartão presente": "gift card", "vale-presente": "gift card", "pelo correio": "by mail",
           "por correio": "by mail", "até": "up to", "sob encomenda": "to order", "a partir de": "from", "frete padrão": "standard shipping",
           "envio padrão": "standard shipping", "frete expresso": "overnight shipping", "sem custo": "free"},
    "it": {"mi dispiace": "I'm sorry", "negli ultimi": "within the last", "carta regalo": "gift card", "buono regalo": "gift card", "per posta": "by mail", "fino a": "up to", "al massimo": "at most",
           "su ordinazione": "to order", "a partire da": "from", "spedizione standard": "standard shipping",
           "spedizione espressa": "overnight shipping", "senza costi": "free", "confezione regalo": "gift wrapping"},
    "nl": {"per post": "by mail", "tot maximaal": "up to", "op bestelling": "to order", "vanaf": "from"},
}
_WORDS = {
    "es": """estimado:dear estimada:dear saludos:regards atentamente:sincerely equipo:team estar:be hola:hi gracias:thanks perfecto:perfect comprado:bought comprados:bought compra:purchase últimos:last último:last llegar:arrive llega:arrives llegará:will+arrive como:as incluido:included incluida:included incluye:includes mensaje:message pero:but también:also ya:already aquí:here esto:this eso:that este:this esta:this estos:these ese:that todos:all todas:all cualquier:any no:not ni:nor recibo:receipt recibir:receive empaque:packaging original:original embalaje:packaging tiempo:time límite:limit ilimitado:unlimited ilimitadas:unlimited devolverlo:return+it hacer:do tienes:have tiene:has tienen:have hay:there+is puedo:I+can ayudar:help ayudarte:help+you ayudarle:help+you
        el: la: los: las: un:a una:a unos: unas: lo: al:to+the del:of+the de:of y:and e:and o:or u:or en:on con:with sin:without
        por:per para:for a:to que:that se: le: les: te: tu:your tus:your su:your sus:your mi:my usted:you ustedes:you
        es:is son:are está:is están:are será:will+be puede:can pueden:can puedes:can cuesta:is cuestan:are costo:cost precio:price
        claro:sure bordar:stitch bordado:stitching nombre:name iniciales:initials inicial:initial camisa:shirt camisas:shirts
        chaqueta:jacket chaquetas:jackets bolso:bag bolsos:bags elegible:eligible elegibles:eligible artículo:item artículos:items
        caracteres:characters carácter:character personalizado:personalised personalizados:personalised personalizadas:personalised
        fabrican:made fabrica:made hacen:made hace:made envuelto:wrapped envoltorio:wrapping envolver:wrap regalo:gift
        envío:shipping envíos:shipping pedido:order pedidos:orders día:day días:days semana:week semanas:weeks mes:month meses:months
        año:year años:years hora:hour horas:hours miembro:member miembros:members nivel:level oro:Gold plata:Silver bronce:Bronze
        invitado:guest invitados:guests gratis:free gratuito:free gratuita:free reembolso:refund reembolsos:refunds reembolsar:refund
        reembolsaremos:will+refund reembolsamos:refund devolver:return devolución:return devoluciones:returns devolveremos:will+refund
        aprobado:approved aprobada:approved garantizo:guarantee garantizamos:guarantee prometo:promise prometemos:promise
        hoy:today mañana:tomorrow dirección:address correo:mail enviar:send enviaremos:will+send enviamos:send enviado:sent enviada:sent
        prepagada:prepaid prepago:prepaid tarjeta:card cuenta:account crédito:credit cheque:check tarifa:fee cargo:charge
        estándar:standard exprés:overnight urgente:overnight más:more menos:less total:total completo:full completa:full
        necesito:I+need necesitamos:we+need solo:just sólo:just simplemente:just calle:street ciudad:city estado:state
        saber:know dónde:where donde:where dentro:within hasta:up+to desde:since cada:each""",
    "fr": """être:be cher:dear chère:dear cordialement:regards l'équipe:the+team équipe:team bonjour:hello merci:thanks parfait:perfect acheté:bought achetés:bought achat:purchase derniers:last dernier:last retourner:return retour:return retours:returns inclus:included incluse:included message:message papier:paper mais:but aussi:also déjà:already ici:here ce:this cet:this cette:this ces:these tous:all toutes:all tout:all ne: pas:not n'ont:have+no n'a:has+no ont:have a:has ai:have avez:have reçu:receipt emballage:packaging d'origine:original original:original annulé:waived annulés:waived annulée:waived annulées:waived supprimés:waived vais:will allons:will temps:time limite:limit illimité:unlimited illimités:unlimited aider:help
        le: la: les: l': un:a une:a des: du:of+the de:of d':of au:to+the aux:to+the et:and ou:or en:in sur:on avec:with sans:without
        pour:for par:per à:to que:that qu':that se: vous:you votre:your vos:your mon:my ma:my mes:my je:I j':I nous:we il:it
        elle:it est:is sont:are sera:will+be peut:can peuvent:can pouvez:can coûte:is coûtent:are prix:price bien:well sûr:sure
        broder:stitch broderie:stitching nom:name initiales:initials chemise:shirt chemises:shirts veste:jacket vestes:jackets
        sac:bag sacs:bags article:item articles:items caractères:characters personnalisé:personalised personnalisés:personalised
        personnalisée:personalised fabriqué:made fabriqués:made fabriquée:made emballage:wrapping cadeau:gift livraison:shipping
        commande:order commandes:orders jour:day jours:days semaine:week semaines:weeks mois:months an:year ans:years
        heure:hour heures:hours membre:member membres:members niveau:level or:Gold argent:Silver bronze:Bronze invité:guest
        invités:guests gratuit:free gratuite:free gratuits:free offert:free offerte:free offerts:free remboursement:refund
        remboursements:refunds rembourser:refund rembourserons:will+refund rembourse:refund approuvé:approved approuvée:approved
        accordé:approved garantis:guarantee garantissons:guarantee promets:promise aujourd'hui:today demain:tomorrow
        adresse:address postale:mailing courrier:mail envoyer:send enverrons:will+send envoie:send envoyé:sent envoyée:sent
        l'envoyer:send+it prépayée:prepaid prépayé:prepaid carte:card compte:account crédit:credit chèque:check frais:fee
        standard:standard express:overnight plus:more moins:less total:total complète:full complet:full simplement:just
        seulement:just rue:street ville:city état:state savoir:know où:where dans:within jusqu'à:up+to depuis:since chaque:each
        northwind:Northwind forme:form""",
    "de": """sein:be freundlichen:kind grüßen:regards grüße:regards viele:many beste:best team:team hallo:hello danke:thanks klar:sure perfekt:perfect gekauft:bought kauf:purchase letzten:last zurückgeben:return rückgabe:return rückgaben:returns inklusive:included enthalten:included nachricht:message aber:but auch:also schon:already hier:here diese:this dieser:this dieses:this alle:all nicht:not keine:no kein:no haben:have hat:has quittung:receipt kassenbon:receipt verpackung:packaging originalverpackung:original+packaging erlassen:waived werde:will werden:will zeit:time unbegrenzt:unlimited helfen:help
        der: die: das: den: dem: des: ein:a eine:a einen:a einem:a einer:a und:and oder:or in:in mit:with ohne:without
        für:for pro:per je:per zu:to an:to auf:on dass:that sie:you ihnen:you ihr:your ihre:your ihren:your ihrem:your ich:I
        wir:we es:it ist:is sind:are wird:will+be kann:can können:can kostet:is kosten:cost preis:price gerne:sure natürlich:sure
        besticken:stitch bestickung:stitching name:name namen:name initialen:initials hemd:shirt hemden:shirts jacke:jacket
        jacken:jackets tasche:bag taschen:bags artikel:item zeichen:characters personalisiert:personalised personalisierte:personalised
        hergestellt:made geschenkverpackung:gift+wrapping geschenk:gift versand:shipping bestellung:order bestellungen:orders
        tag:day tage:days tagen:days woche:week wochen:weeks monat:month monate:months monaten:months jahr:year jahre:years
        stunde:hour stunden:hours mitglied:member mitglieder:members stufe:level gold:Gold silber:Silver bronze:Bronze
        gast:guest gäste:guests erstattung:refund rückerstattung:refund erstatten:refund genehmigt:approved garantiert:guaranteed
        verspreche:promise heute:today morgen:tomorrow adresse:address postanschrift:mailing+address post:mail senden:send
        schicken:send gesendet:sent prepaid:prepaid gutschein:gift+card geschenkkarte:gift+card karte:card konto:account
        gutschrift:credit scheck:check gebühr:fee gebühren:fee standardversand:standard+shipping expressversand:overnight+shipping
        mehr:more weniger:less gesamt:total vollständige:full vollständig:full nur:just straße:street stadt:city bundesstaat:state
        postleitzahl:ZIP wissen:know wo:where innerhalb:within seit:since jeder:each maximal:up+to""",
    "pt": """ser:be prezado:dear prezada:dear atenciosamente:regards cumprimentos:regards equipe:team equipa:team estar:be olá:hello obrigado:thanks obrigada:thanks perfeito:perfect comprado:bought compra:purchase últimos:last devolver:return devolução:return devoluções:returns incluído:included mensagem:message mas:but também:also já:already aqui:here este:this esta:this isso:that todos:all não:not recibo:receipt embalagem:packaging original:original prazo:time ilimitado:unlimited ajudar:help vou:will vamos:will
        o: a: os: as: um:a uma:a do:of+the da:of+the dos:of+the das:of+the de:of e:and ou:or em:in no:in+the na:in+the
        com:with sem:without por:per para:for ao:to+the que:that se: você:you seu:your sua:your seus:your suas:your meu:my
        minha:my eu:I nós:we é:is são:are será:will+be pode:can podem:can custa:is custam:are preço:price claro:sure
        bordar:stitch bordado:stitching nome:name iniciais:initials camisa:shirt camisas:shirts jaqueta:jacket jaquetas:jackets
        bolsa:bag bolsas:bags item:item itens:items artigo:item artigos:items caracteres:characters personalizado:personalised
        personalizados:personalised feitos:made feito:made embrulho:wrapping presente:gift frete:shipping envio:shipping pedido:order
        pedidos:orders dia:day dias:days semana:week semanas:weeks mês:month meses:months ano:year anos:years hora:hour horas:hours
        membro:member membros:members nível:level ouro:Gold prata:Silver bronze:Bronze convidado:guest convidados:guests
        grátis:free gratuito:free gratuita:free reembolso:refund reembolsar:refund reembolsaremos:will+refund aprovado:approved
        garanto:guarantee prometo:promise hoje:today amanhã:tomorrow endereço:address correio:mail enviar:send enviaremos:will+send
        enviado:sent pré-pago:prepaid cartão:card conta:account crédito:credit cheque:check taxa:fee padrão:standard
        expresso:overnight mais:more menos:less total:total completo:full apenas:just só:just rua:street cidade:city estado:state
        cep:ZIP saber:know onde:where dentro:within desde:since cada:each têm:have tem:has""",
    "it": """essere:be cordiali:kind saluti:regards distinti:kind squadra:team gentile:dear ciao:hi grazie:thanks perfetto:perfect acquistato:bought acquisto:purchase ultimi:last restituire:return reso:return resi:returns incluso:included inclusa:included messaggio:message ma:but anche:also già:already qui:here questo:this questa:this tutti:all non:not ricevuta:receipt imballaggio:packaging originale:original tempo:time illimitato:unlimited illimitati:unlimited aiutare:help
        il: lo: la: i: gli: le: l': un:a una:a uno:a un':a del:of+the della:of+the dei:of+the delle:of+the di:of e:and
        o:or in:in con:with senza:without per:per a:to al:to+the che:that si: lei:you le: ti: suo:your sua:your tuo:your
        tua:your io:I noi:we è:is sono:are sarà:will+be può:can possono:can costa:is costano:are prezzo:price certo:sure
        ricamare:stitch ricamo:stitching nome:name iniziali:initials camicia:shirt camicie:shirts giacca:jacket giacche:jackets
        borsa:bag borse:bags articolo:item articoli:items caratteri:characters personalizzato:personalised personalizzati:personalised
        fatti:made confezione:wrapping regalo:gift spedizione:shipping ordine:order ordini:orders giorno:day giorni:days
        settimana:week settimane:weeks mese:month mesi:months anno:year anni:years ora:hour ore:hours membro:member membri:members
        livello:level oro:Gold argento:Silver bronzo:Bronze ospite:guest ospiti:guests gratis:free gratuito:free gratuita:free
        rimborso:refund rimborsare:refund rimborseremo:will+refund approvato:approved garantisco:guarantee prometto:promise
        oggi:today domani:tomorrow indirizzo:address posta:mail inviare:send invieremo:will+send inviato:sent prepagata:prepaid
        carta:card conto:account account:account credito:credit assegno:check tariffa:fee standard:standard espressa:overnight
        più:more meno:less totale:total completo:full solo:just via:street città:city stato:state cap:ZIP sapere:know dove:where
        entro:within da:since ogni:each""",
    "nl": """de: het: een:a en:and of:or in:in met:with zonder:without voor:for per:per aan:to op:on dat:that u:you uw:your
        je:you jouw:your ik:I wij:we we:we is:is zijn:are kost:is prijs:price naam:name artikel:item artikelen:items tekens:characters
        verzending:shipping bestelling:order dag:day dagen:days week:week weken:weeks maand:month maanden:months jaar:year
        lid:member leden:members niveau:level goud:Gold zilver:Silver brons:Bronze gast:guest gasten:guests gratis:free
        terugbetaling:refund goedgekeurd:approved vandaag:today morgen:tomorrow adres:address post:mail cadeaukaart:gift+card
        kaart:card account:account tegoed:credit cheque:check kosten:fee standaard:standard meer:more minder:less alleen:just
        straat:street stad:city postcode:ZIP waar:where binnen:within elk:each""",
}
_GLOSSARY = {lang: {w: e.replace("+", " ") for w, _, e in (item.partition(":") for item in text.split())}
             for lang, text in _WORDS.items()}


_ENGLISH_COURTESY = frozenset("hi hello dear thanks thank regards kind best sincerely wishes".split())
"""English greeting and sign-off words, read as themselves: channel shaping may open an e-mail with "Hi Léa," whatever its language."""
_ENGLISH_ORDER = (
    (re.compile(r"\b(members?|guests?|level|membership) (Gold|Silver|Bronze)\b"), r"\2 \1"),
    # "les membres Gold" -> "members Gold" -> "Gold members": the level before what it qualifies, as English says it
    (re.compile(r"\b(I|we|We) (will )?you (\w+)"), r"\1 \2\3 you"),
    # "je vais vous rembourser" -> "I will you refund" -> "I will refund you": the object pronoun after the verb
)
"""Word order the word-by-word reading gets wrong where the checks read it (raw regexes, see each comment)."""


def glossed(sentence: str, language: str, known: Iterable[str] = ()) -> tuple[str, list[str]]:
    """``sentence``, in ``language``, read in English, and the words the glossary cannot read. A
    word of ``known`` (the customer's name, the brand, a level) is kept as it is."""
    words, phrases = _GLOSSARY.get(language), _PHRASES.get(language, {})
    if words is None:
        return sentence, []
    keep = {k.lower() for k in known} | _ENGLISH_COURTESY
    text = _AMOUNT_BEFORE.sub(r"$\1.\2", _AMOUNT_AFTER.sub(lambda m: "$" + m.group(1).replace(",", "."), sentence))
    text = text.replace("’", "'").replace("¡", "").replace("¿", "")
    for phrase in sorted(phrases, key=len, reverse=True):
        text = re.sub(r"(?<![\w'])" + re.escape(phrase) + r"(?![\w'])", "\0" + phrases[phrase].replace(" ", "\1") + "\0", text, flags=re.I)
    unread: list[str] = []

    def english(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if low in words:
            return words[low]
        if "'" in low:  # "l'envoyer", "d'une": the elided article, then the word
            head, _, tail = low.partition("'")
            if head + "'" in words and tail in words:
                return (words[head + "'"] + " " + words[tail]).strip()
        if low in keep:
            return word
        unread.append(word)
        return word

    parts = text.split("\0")
    out = "".join(p.replace("\1", " ") if i % 2 else _WORD.sub(english, p) for i, p in enumerate(parts))
    out = re.sub(r"\s+([,.!?;:])", r"\1", re.sub(r"\s{2,}", " ", out)).strip()
    for pattern, order in _ENGLISH_ORDER:
        out = pattern.sub(order, out)
    return out[:1].upper() + out[1:], unread
