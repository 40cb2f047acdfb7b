"""PII detectors built on kept libraries, for :mod:`service.domain.pii`.

* phones: ``phonenumbers`` (libphonenumber) finds valid numbers for the regions of the
  languages triage detects plus the UK and India; a number preceded by an order, tracking,
  SKU or reference cue is an id, not a phone;
* cards, IBANs and national ids: ``python-stdnum`` validates (Luhn, ISO 13616 mod 97, Aadhaar's
  Verhoeff digit, Spanish DNI/NIE letters, Italian codice fiscale, French NIR, Indian PAN);
* secrets and one-time codes: cue words in English, French, German, Spanish, Italian,
  Portuguese and Dutch ("mot de passe est ...", "Kennwort lautet ...", "código de
  verificación ...", "the CVV on the back is 737", "I got the code 583920").

Every detector takes the normalised text (:func:`service.guardrails.normalise.clean`) and
appends ``(start, end, kind)`` spans.
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale

Spans = list[tuple[int, int, str]]
_I = re.IGNORECASE

PHONE_REGIONS = ("US", "GB", "FR", "DE", "IN", "ES", "IT", "NL", "PT")
"""Regions whose national formats are recognised (international ``+`` numbers: every region)."""

ID_CUE = re.compile(
    r"(?:order|orders|commande|bestell\w*|pedido|ordine|bestelling|encomenda|tracking|suivi|sendung\w*|seguimiento|"
    r"spedizione|awb|sku|ref|r[ée]f[ée]rence|referencia|riferimento|artikel\w*|article|articolo|art\.|product(?: code)?|"
    r"item|invoice|facture|rechnung|factura|fattura|ticket|case|parcel|package|colis|paket|receipt|account)"
    r"(?:\s*(?:id|no\.?|nr\.?|number|num[ée]ro|nummer|n[º°o]\.?|code|#))?\s*(?:is|est|ist|es|è|:|#|=)?\s*#?\s*$",
    _I,
)
"""A cue just before a number that makes it an id (an order, a parcel, an article), not PII."""


def id_cued(text: str, start: int) -> bool:
    return bool(ID_CUE.search(text[max(0, start - 40) : start]))


# ---- phones -------------------------------------------------------------------------------


_PHONE_CANDIDATE = re.compile(r"(?<![\w+$€£.,])(?:\+\s?)?\(?\d[\d\s().\-/]{5,22}\d(?![\w%]|[.,]\d)")


_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")


def find_phones(text: str, spans: Spans) -> None:
    """Valid numbers (libphonenumber) among the digit runs of ``text``; one parse per region
    until one accepts it, so a text without phone-like runs costs nothing."""
    for m in _PHONE_CANDIDATE.finditer(text):
        raw = m.group(0).strip()
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or id_cued(text, m.start()) or _DATE.fullmatch(raw):
            continue
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        if is_phone(raw):
            spans.append((start, start + len(raw), "PHONE"))


def is_phone(value: str) -> bool:
    for region in (None,) if value.startswith("+") else PHONE_REGIONS:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(value, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


# ---- cards and IBANs -----------------------------------------------------------------------

_CARD = re.compile(r"(?<![\w.,-])\d(?:[ .-]{0,2}\d){12,18}(?![\w-]|[.,]\d)")
_CARD_CUE = re.compile(r"\b(?:card|carte|karte|tarjeta|carta|cart[ãa]o|kaart|visa|mastercard|amex|cc)\b", _I)


def find_cards(text: str, spans: Spans) -> None:
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if not 13 <= len(digits) <= 19 or digits[0] not in "23456" or not luhn.is_valid(digits):
            continue
        if id_cued(text, m.start()):
            continue
        if len(digits) < 15 and not _CARD_CUE.search(text[max(0, m.start() - 30) : m.start()]):
            continue  # 13-14 digits are mostly article numbers (EAN) unless called a card
        spans.append((m.start(), m.end(), "CARD"))


_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}", _I)


def find_ibans(text: str, spans: Spans) -> None:
    for m in _IBAN.finditer(text):
        raw = m.group(0)
        # The match may run into the next word ("... 19 thanks"): shrink until it validates.
        for end in range(len(raw), 14, -1):
            candidate = raw[:end].rstrip()
            if candidate != raw[:end]:
                continue
            if std_iban.is_valid(candidate.replace(" ", "").upper()):
                spans.append((m.start(), m.start() + end, "IBAN"))
                break


# ---- national ids --------------------------------------------------------------------------

_ID_CUES = (
    r"ssn|social security(?: number| no\.?)?|national (?:id|insurance)(?: number| no\.?)?|passport(?: number| no\.?)?|"
    r"driver'?s licen[cs]e(?: number| no\.?)?|tax id|sin|nin|ni (?:number|no\.?)|"
    r"num[ée]ro de (?:passeport|s[ée]curit[ée] sociale)|passeport|s[ée]curit[ée] sociale|carte d'identit[ée]|"
    r"reisepass(?:nummer)?|personalausweis(?:nummer)?|steuer-?id|ausweisnummer|"
    r"n[úu]mero de pasaporte|pasaporte|dni|nie|nif|"
    r"passaporto|codice fiscale|carta d'identit[àa]|passaporte|cpf|paspoort(?:nummer)?|bsn|"
    r"aadhaa?r(?: number| no\.?)?|pan(?: card| number)?"
)
_ID_AFTER = re.compile(
    r"\b(?:" + _ID_CUES + r")(?:\s+(?:is|was|est|ist|es|è|é|=|:))?\s*[:#=-]?\s*"
    r"([A-Z]{2}(?: ?\d{2}){3} ?[A-D]|\d[\d -]{3,20}\d|[A-Z0-9][A-Z0-9-]{4,18}[A-Z0-9])\b",
    _I,
)
_ID_BEFORE = re.compile(r"\b(\d[\d -]{6,14}\d)\s+(?:is|was)\s+my\s+(?:" + _ID_CUES + r")\b", _I)
_VALIDATED = (
    (re.compile(r"\b[2-9]\d{3} ?\d{4} ?\d{4}\b"), aadhaar.is_valid),
    (re.compile(r"\b[A-Z]{5}\d{4}[A-Z]\b"), pan.is_valid),
    (re.compile(r"\b[XYZ]?\d{7,8}-?[A-Z]\b"), lambda v: dni.is_valid(v) or nie.is_valid(v)),
    (re.compile(r"\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b"), codicefiscale.is_valid),
    (re.compile(r"\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b"), nir.is_valid),
)


def find_national_ids(text: str, spans: Spans) -> None:
    for m in _ID_AFTER.finditer(text):
        v = m.group(1)
        if any(ch.isdigit() for ch in v):
            spans.append((m.start(1), m.end(1), "SSN"))
    for m in _ID_BEFORE.finditer(text):
        spans.append((m.start(1), m.end(1), "SSN"))
    for pattern, valid in _VALIDATED:
        for m in pattern.finditer(text):
            if not id_cued(text, m.start()) and valid(m.group(0).replace(" ", "")):
                spans.append((m.start(), m.end(), "SSN"))


# ---- secrets and one-time codes ------------------------------------------------------------

_SECRET_WORDS = (
    r"password|passcode|passphrase|pw|pwd|passwort|kennwort|mot de passe|mdp|contrase[ñn]a|clave|senha|wachtwoord|"
    r"code pin|pin-?code|code secret|code de (?:v[ée]rification|confirmation|s[ée]curit[ée])|code (?:[àa] usage unique|sms)|"
    r"cryptogramme(?: visuel)?|best[äa]tigungscode|einmalcode|einmalpasswort|sicherheitscode|pr[üu]fnummer|pr[üu]fziffer|tan|"
    r"c[óo]digo(?: de (?:verificaci[óo]n|seguridad|confirmaci[óo]n|verifica[çc][ãa]o|seguran[çc]a))?|"
    r"codice(?: otp| di (?:verifica|sicurezza|conferma))?|verificatiecode|beveiligingscode|eenmalige code|"
    r"(?:2fa|otp|sms|verification|security|login|one[- ]time|access) code|otp|cvv2?|cvc|pin|"
    r"security (?:question )?answer|answer to (?:my|the|your) security question|"
    r"(?:mother'?s |mum'?s |mom'?s )?maiden name|memorable (?:word|answer)|first pet'?s name|"
    r"r[ée]ponse (?:secr[èe]te|[àa] (?:ma|la) question (?:secr[èe]te|de s[ée]curit[ée]))|sicherheitsantwort|"
    r"respuesta (?:de seguridad|secreta)|risposta (?:di sicurezza|segreta)|resposta (?:de seguran[çc]a|secreta)|veiligheidsantwoord"
)
_SECRET = re.compile(
    r"\b(?:" + _SECRET_WORDS + r")(?P<c>,?\s+(?:is|was|est|ist|es|è|é|lautet|=|:)(?:\s+(?:now|still|just|maintenant|jetzt))?|\s*[:=])\s*"
    r"(?P<v>\"[^\"]{1,64}\"|'[^']{1,64}'|[^\s,;]{2,64})",
    _I,
)
_A_CUE = re.compile(r"(?:" + _SECRET_WORDS + r")\b", _I)
"""A cue where a value should be ("security answer: mother's maiden name is Kowalczyk"): the question named,
not the answer; the cue after it gives the answer (round 18f)."""
_CODE_DIGITS = re.compile(
    r"\b(?:(?<!zip )(?<!postal )(?<!post )(?<!promo )code|otp|cvv2?|cvc|pin|tan|cryptogramme|pr[üu]fnummer|einmalcode|"
    r"security code|c[óo]digo|codice)\b[^0-9\n.]{0,24}?(?<![\w-])(?P<v>\d{3,8})(?![\w-])",
    _I,
)


_LOGIN_WITH = re.compile(
    r"\b(?:log(?:ging|ged|s)?\s*(?:in|on|into)|sign(?:ing|ed|s)?\s*(?:in|on|into)|get(?:ting)? in(?:to)?|unlock(?:ing)?)"
    r"(?:\s+(?:to\s+)?(?:my|the)\s+account)?\s+(?:with|using)\s+(?P<v>[^\s,;]{4,64})",
    _I,
)
"""What the customer logs in with ("I can't log in with tr0ub4dor&3"): a password, though they
never say the word, when it looks like one (letters with digits or symbols, no "@")."""


def _password_like(token: str) -> bool:
    return ("@" not in token and re.search(r"[A-Za-z]", token) is not None
            and re.search(r"[\d!#$%&*+=?^~|]", token) is not None and not re.fullmatch(r"[A-Z]{1,4}-\d+", token))


def find_secrets(text: str, spans: Spans, stopwords: frozenset[str]) -> None:
    for m in _LOGIN_WITH.finditer(text):
        bare = m.group("v").rstrip(".!?)")
        if _password_like(bare) and bare.lower() not in stopwords:
            spans.append((m.start("v"), m.start("v") + len(bare), "SECRET"))
    for m in _SECRET.finditer(text):
        v = m.group("v")
        bare = v.strip("\"'").rstrip(".!?)")
        if not bare or bare.lower() in stopwords or _A_CUE.match(text, m.start("v")):
            continue
        start = m.start("v") + (1 if v[:1] in "\"'" else 0)
        spans.append((start, start + len(bare), "SECRET"))
    for m in _CODE_DIGITS.finditer(text):
        if not id_cued(text, m.start("v")):
            spans.append((m.start("v"), m.end("v"), "SECRET"))


# ---- addresses -----------------------------------------------------------------------------

_EU_ADDRESS = re.compile(
    r"\b\d{1,4}(?: ?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|chemin|all[ée]e|impasse|quai|route|cours)\s+"
    r"(?:[A-Za-zÀ-ÿ'’-]+\s?){1,5}"
    r"|\b[A-ZÄÖÜ][\wäöüß-]*(?:stra[ßs]e|str\.|weg|allee|platz|gasse|ring|damm|straat|laan|plein|gracht|kade)\s*\d{1,4}\s?[a-z]?\b"
    r"|\b(?:calle|c/|avenida|avda\.?|plaza|paseo|carrer|camino|via|viale|piazza|corso|vicolo|rua|travessa)\s+"
    r"(?:[A-Za-zÀ-ÿ'’-]+\s){1,4}?\d{1,4}\b",
    _I,
)
_DE_NAMED = re.compile(r"\b(?:Unter den|An der|Auf der|Am|Im|Zum|Zur)\s+[A-ZÄÖÜ][\wäöüß-]+\s+\d{1,4}[a-z]?\b")


def find_eu_addresses(text: str, spans: Spans) -> None:
    for pattern in (_EU_ADDRESS, _DE_NAMED):
        for m in pattern.finditer(text):
            spans.append((m.start(), m.end(), "ADDRESS"))
