"""The rules of the extractive summary engine: pure functions over (redacted) text.

Nothing here invents text: every fact is a span of an interaction, every commitment is a
sentence an agent (or bot) wrote, every need is a sentence the customer wrote. The engine in
:mod:`service.summaries.extractive` adds the bookkeeping (sources, statuses, grouping).

All regexes are compiled once at import; the cheap ``in`` checks before them keep a
500-interaction history well under the latency budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta

from service.domain.text import chat_sentences

_I = re.IGNORECASE

# -- facts --------------------------------------------------------------------------------------

_ID_VALUE = r"#?\s*([A-Z0-9][A-Z0-9-]{3,31})"
_LABELS = {
    "order": "order_id",
    "tracking": "tracking_number",
    "ticket": "ticket_id",
    "case": "ticket_id",
    "account": "account_id",
    "reference": "reference",
    "ref": "reference",
    "confirmation": "reference",
    "gift card": "gift_card",
    "gift certificate": "gift_card",
    "vat": "vat_number",
    "tax": "vat_number",
    "invoice": "invoice_id",
    "return": "return_id",
    "rma": "return_id",
    "membership": "membership_id",
    "customer": "customer_number",
    "policy": "policy_id",
    "claim": "claim_id",
    "serial": "serial_number",
    "model": "model_number",
}
_LABELLED_ID = re.compile(
    r"\b(order|tracking|ticket|case|account|reference|ref|confirmation|gift card|gift certificate|vat|tax|invoice|"
    r"return|rma|membership|customer|policy|claim|serial|model)s?"
    r"(?:\s+(?:id|number|no\.?|num|nr|code|#))?"
    r"(?:\s+(?:is|was|=)|\s*[:#=])?"
    r"(?:\s+(?:twice|again|numbers?|ids?)\s*[:,]?)?"
    r"\s*" + _ID_VALUE + r"(?P<rest>(?:\s*(?:,|and|&|or|/)\s*#?[A-Z0-9][A-Z0-9-]{3,31})*)",
    _I,
)
_LIST_ITEM = re.compile(r"#?([A-Z0-9][A-Z0-9-]{3,31})", _I)
_BARE_NUMBER = re.compile(r"(?<![\w$€£.,\[-])#?(\d{6,20})(?![\w\]]|[.,]\d)")
_AMOUNT = re.compile(
    r"(?:[$€£]\s?\d[\d,]*(?:\.\d{1,2})?|\b\d[\d,]*(?:\.\d{2})?\s?(?:USD|EUR|GBP|CAD|AUD|dollars|euros|pounds)\b)",
    _I,
)
_CARD_LAST4 = re.compile(
    r"\b(?:card|account)\s+(?:number\s+)?ending(?:\s+(?:in|with))?\s*[:#]?\s*(\d{4})\b|\blast\s+(?:four|4)(?:\s+digits)?\s*(?:are|is|:)?\s*(\d{4})\b",
    _I,
)
_USERNAME = re.compile(r"\buser\s?name\s*(?:is|was|:|=)?\s*@?([A-Za-z0-9][A-Za-z0-9._-]{1,30}[A-Za-z0-9])", _I)
_LEVEL = re.compile(
    r"\b(gold|silver|bronze|platinum|premium|guest)\s+(?:member|membership|level|tier|status|customer)\b"
    r"|\b(?:i'?m|i am)\s+(?:a\s+)?(gold|silver|bronze|platinum|premium)\b"
    r"|\b(?:membership|member)\s+(?:level|tier|status)\s*(?:is|:)?\s*(gold|silver|bronze|platinum|premium|guest)\b",
    _I,
)
_PROMO = re.compile(r"\b(?:promo(?:tion)?|discount|coupon|voucher)?\s*code\s+(?:is\s+)?([A-Z][A-Z0-9]{3,19})\b")
_PRODUCT_NOUNS = (
    "jeans|jacket|coat|parka|shirt|t-shirt|tee|blouse|dress|skirt|boots|boot|shoes|sneakers|trainers|sandals|heels|"
    "hat|cap|scarf|gloves|bag|handbag|backpack|wallet|belt|watch|sweater|jumper|hoodie|cardigan|pants|trousers|"
    "shorts|leggings|socks|suit|blazer|swimsuit|phone|laptop|tablet|headphones|earbuds|charger|router|modem|tv|"
    "camera|speaker|printer|console|mattress|sofa|chair|table|lamp|vacuum|blender|kettle"
)
_PRODUCT = re.compile(
    r"((?:\b[A-Z][\w'&.-]*\s+){1,3})(?:(?:[a-z]+\s+){0,1})\b(" + _PRODUCT_NOUNS + r")\b"
)
_PRODUCT_NOUN = re.compile(r"\b(?:" + _PRODUCT_NOUNS + r")\b")
_COMPANY_HINT = re.compile(r"\b(?:Ltd|LLC|Inc|GmbH|Limited|Corp|plc|BV|SAS|AG)\b")
_SIX_DIGITS = re.compile(r"\d{6}")
_DROP_DIGITS = str.maketrans("", "", "0123456789")
_PRODUCT_STOP = frozenset(
    {"the", "my", "a", "an", "your", "our", "is", "paid", "hi", "hello", "i", "ordered", "bought", "got", "and",
     "also", "returned", "received", "sent", "dm", "so", "just", "re", "subject", "this", "that", "new", "old"}
)
_SIZE = re.compile(
    r"\bsize\s+(\d{1,2}(?:\.5)?|xxs|xs|s|m|l|xl|xxl|small|medium|large)\b|\b(\d{2})\s*(?:inch\s+)?waist\b", _I
)
_POINTS = re.compile(r"\b(\d[\d,]*)\s+(?:loyalty\s+|reward\s+|bonus\s+)?points\b", _I)
_COMPANY = re.compile(r"((?:\b[A-Z][\w&.-]*\s+){1,4}(?:Ltd|LLC|Inc|GmbH|Limited|Corp|plc|BV|SAS|AG)\b\.?)")
_TRIED = re.compile(
    r"(?:^|\b(?:i|we)(?:'ve| have)?\s+)(?:already\s+|also\s+)?(?:tried|checked|restarted|rebooted|reset|cleared|"
    r"reinstalled|updated|swapped|replaced|unplugged|contacted|rang|looked in|looked at)\b",
    _I,
)
_PLACEHOLDER = re.compile(r"\[(EMAIL|PHONE|ADDRESS)_\d+\]")
_PLACEHOLDER_FACT = {"EMAIL": "email", "PHONE": "phone", "ADDRESS": "address"}
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True, slots=True)
class FactHit:
    kind: str
    value: str


def _clean_id(v: str) -> str:
    return v.strip().lstrip("#").rstrip(".-")


def _good_id(v: str) -> bool:
    digits = sum(ch.isdigit() for ch in v)
    return digits >= 3 and len(v) >= 4 and not _YEAR.match(v)


def extract_facts(text: str, role: str) -> list[FactHit]:
    """Facts stated in one (redacted) message."""
    hits: list[FactHit] = []
    low = text.lower()
    if "[" in text:
        for m in _PLACEHOLDER.finditer(text):
            hits.append(FactHit(_PLACEHOLDER_FACT[m.group(1)], m.group(0)))
    taken: set[str] = set()
    digits = len(text) - len(text.translate(_DROP_DIGITS))
    for m in (_LABELLED_ID.finditer(text) if digits >= 3 else ()):
        kind = _LABELS.get(m.group(1).lower(), "reference")
        values = [m.group(2)] + [x.group(1) for x in _LIST_ITEM.finditer(m.group("rest") or "")]
        for v in values:
            v = _clean_id(v)
            if v.lower() in ("and", "or") or not _good_id(v):
                continue
            hits.append(FactHit(kind, v))
            taken.add(v)
    for m in (_BARE_NUMBER.finditer(text) if digits >= 6 and _SIX_DIGITS.search(text) else ()):
        v = m.group(1)
        if v not in taken and not _YEAR.match(v):
            hits.append(FactHit("number", v))
            taken.add(v)
    if any(c in text for c in "$€£") or any(w in low for w in ("usd", "eur", "gbp", "dollar", "euro", "pound")):
        for m in _AMOUNT.finditer(text):
            hits.append(FactHit("amount", m.group(0).strip()))
    if "ending" in low or "last" in low:
        for m in _CARD_LAST4.finditer(text):
            hits.append(FactHit("card_last4", m.group(1) or m.group(2)))
    if "user" in low:
        for m in _USERNAME.finditer(text):
            v = m.group(1)
            if v.lower() not in ("is", "was", "and", "the"):
                hits.append(FactHit("username", v))
    if any(w in low for w in ("gold", "silver", "bronze", "platinum", "premium", "guest")):
        for m in _LEVEL.finditer(text):
            hits.append(FactHit("membership_level", (m.group(1) or m.group(2) or m.group(3)).lower()))
    if "code" in low:
        for m in _PROMO.finditer(text):
            v = m.group(1)
            if sum(ch.isdigit() for ch in v) >= 1 or len(v) >= 5:
                hits.append(FactHit("promo_code", v))
    for m in (_PRODUCT.finditer(text) if _PRODUCT_NOUN.search(text) else ()):
        words = m.group(1).split()
        while words and words[0].lower().strip(".,") in _PRODUCT_STOP:
            words.pop(0)
        if words and not any(w.startswith("[") for w in words):
            hits.append(FactHit("product", " ".join(words) + " " + m.group(2)))
    if "size" in low or "waist" in low:
        for m in _SIZE.finditer(text):
            hits.append(FactHit("size", f"size {m.group(1)}" if m.group(1) else f"{m.group(2)} waist"))
    if "point" in low:
        for m in _POINTS.finditer(text):
            hits.append(FactHit("points", f"{m.group(1)} points"))
    for m in (_COMPANY.finditer(text) if _COMPANY_HINT.search(text) else ()):
        words = m.group(1).split()
        while len(words) > 1 and words[0].lower() in _PRODUCT_STOP:
            words.pop(0)
        hits.append(FactHit("company", " ".join(words)))
    if role == "customer" and _TRIED.search(text):
        for s in chat_sentences(text):
            if _TRIED.search(s):
                hits.append(FactHit("already_tried", _trim(s, 160)))
    return hits


# -- commitments --------------------------------------------------------------------------------

_PROMISE = re.compile(
    r"\b(?:i|we)(?:'ll|\s+will|\s+shall|'m going to|\s+am going to|'re going to|\s+are going to)\b(?!\s+(?:not|never|need|have to))"
    r"|\b(?:and|then|but)\s+(?:will|'ll|shall)\s+(?!not\b|never\b|need\b|have to\b)\w+"
    r"|\b(?:i|we)(?:'m|\s+am|'re|\s+are)\s+(?:now\s+)?(?:sending|shipping|refunding|issuing|arranging|booking|raising|"
    r"escalating|calling|crediting|adding|processing|cancelling|canceling|replacing)\b"
    r"|\b(?:team|colleague|manager|supervisor|specialist|technician|courier|department|engineer|representative|"
    r"warehouse|store|carrier|partner|office|"
    r"someone|somebody|they|he|she|agent)\b(?:\s+[\w-]+){0,3}?\s*(?:'ll|\s+will|\s+is going to|\s+are going to)\b(?!\s+not)"
    r"|\b(?:will|should|'ll)\s+(?:be\s+)?(?:processed|sent|credited|added|applied|refunded|shipped|ship|delivered|"
    r"issued|reflected|cancelled|canceled|back|returned|arrive|appear|go back|reach|land|show|posted|dispatched|"
    r"reviewed|escalated|contacted|called)\b"
    r"|\byou(?:'ll|\s+will|\s+should)\s+(?:also\s+)?(?:receive|get|see|hear)\b"
    r"|\b(?:booked|arranged|scheduled|set up)\b.{0,60}\b(?:for|on)\s+(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|tomorrow|today|the\s+\d)",
    _I,
)
_NOT_PROMISE = re.compile(
    r"\b(?:if you(?:'d| would)? (?:like|want|prefer|wish)|would you like|do you want|you(?:'ll| will) need to|"
    r"you(?:'ll| will) have to|(?:i|we)(?:'ll| will) need (?:you|your)|cannot|can't|won't be able|unfortunately)\b",
    _I,
)
_PROMISE_HINTS = ("will", "'ll", "going to", "should", "booked", "arranged", "scheduled", "set up", "sending",
                  "shipping", "'m ", "'re ", " am ", " are ")

COMMITMENT_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx, _I))
    for name, rx in (
        ("refund", r"\brefund|\bmoney back\b|\breimburs"),
        ("credit", r"\bcredit(?!\s*card)|\bdiscount|\bprice adjustment|\bdifference\b|\bpoints\b|\bvoucher|\bcoupon|\bgoodwill|\b\d+\s?% (?:off|credit)"),
        ("replacement", r"\breplacement|\breplace\b|\bnew one\b|\bexchange\b"),
        ("return_label", r"\blabel\b"),
        ("callback", r"\bcall(?:ing)? you\b|\bgive you a (?:call|ring)\b|\bring you\b|\bcall(?:ing)? (?:you )?back\b|\bphone you\b|\breach out by phone\b"),
        ("visit", r"\btechnician\b|\bengineer\b|\bvisit\b|\bappointment\b"),
        ("pickup", r"\bpick ?up\b|\bcollect(?:ion)?\b"),
        ("cancellation", r"\bcancel"),
        ("email", r"\be-?mail|\[EMAIL_\d+\]|\bconfirmation\b|\binvoice\b|\breceipt\b|\blink\b|\bin writing\b"),
        ("shipping", r"\bship|\bsend(?:ing)?\b.{0,40}\b(?:item|order|parcel|package|jeans|shirt|jacket|boots|" + _PRODUCT_NOUNS + r")\b|\bdeliver|\barriv|\bdispatch|\bexpress\b|\bcourier\b"),
        ("escalation", r"\bescalat|\bmanager\b|\bsupervisor\b|\bpass (?:this|it) on\b|\bspecialist team\b"),
        ("follow_up", r"\bget back to you\b|\bupdate you\b|\bconfirm\b|\bnotify you\b|\bby (?:text|sms)\b|\btext you\b|\bkeep you (?:posted|updated)\b|\bfollow up\b|\blet you know\b|\bhear from (?:us|them)\b|\breach out\b|\breply\b|\bwith an update\b|\bwith the outcome\b"),
        ("investigation", r"\blook into\b|\binvestigat|\bcheck(?:ing)? (?:with|on)\b|\bclaim\b|\btrace\b|\breview\b"),
        ("hold", r"\bhold\b|\breserve"),
    )
)
_SUPPRESS = {
    "return_label": ("email", "shipping"),
    "replacement": ("shipping",),
    "callback": ("follow_up", "escalation", "investigation"),
    "follow_up": ("investigation",),
    "refund": ("credit",),
    "visit": ("shipping",),
    "pickup": ("shipping",),
}


_CLAUSE_SPLIT = re.compile(r";\s+|,?\s+and\s+(?=(?:we|i|you|they|our|your|a|the)\b(?:'\w+)?\s+\w+)", _I)


def clauses(sentence: str) -> list[str]:
    """Coordinated clauses of a sentence ("Arranged a pickup for Wednesday and we're sending ...")."""
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(sentence) if p and p.strip()]
    return parts or [sentence]


_GREETING = re.compile(
    r"^(?:(?:yeah|yes|ok(?:ay)?|so|um+|uh+|well)\W+)*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))"
    r"(?:\s+(?:there|team|all|[A-Z][a-z]+))?\b[\s,!.:-]*",
    _I,
)
_PLEASANTRY = re.compile(
    r"^(?:thanks?(?: you)?(?: so much)?(?: for [^.!?]*)?|sorry[^.!?]*|i'?m (?:so |really )?sorry[^.!?]*|"
    r"(?:we )?apologi[sz]e[^.!?]*|no problem|of course|sure)[.!]?$",
    _I,
)


def strip_greeting(sentence: str) -> str:
    """"Hi Crystal, I can see ..." -> "I can see ..." (the sentence is kept when nothing is left)."""
    rest = _GREETING.sub("", sentence, count=1).strip()
    if len(rest) < 3:
        return sentence
    return rest[0].upper() + rest[1:] if rest[0].islower() and sentence[0].isupper() else rest


def is_pleasantry(sentence: str) -> bool:
    s = strip_greeting(sentence)
    return bool(_PLEASANTRY.match(s)) or s.lower().startswith(("thanks for reaching out", "thank you for contacting"))


@lru_cache(maxsize=8192)
def is_promise(sentence: str) -> bool:
    low = sentence.lower()
    if sentence.rstrip().endswith("?") or not any(h in low for h in _PROMISE_HINTS):
        return False
    return bool(_PROMISE.search(sentence)) and not _NOT_PROMISE.search(sentence)


@lru_cache(maxsize=8192)
def _commitment_types(sentence: str) -> tuple[str, ...]:
    found = [name for name, rx in COMMITMENT_TYPES if rx.search(sentence)]
    drop = {d for t in found for d in _SUPPRESS.get(t, ())}
    return tuple(t for t in found if t not in drop)


def commitment_types(sentence: str) -> list[str]:
    return list(_commitment_types(sentence))


# Due dates ------------------------------------------------------------------------------------
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WITHIN = re.compile(
    r"\b(?:within|in|over)(?:\s+the\s+next)?\s+(?:(\d+)\s*(?:-|to|–)\s*)?(\d+|a|an|one|two|three|four|five|six|seven|ten|few|couple of)\s+"
    r"(business |working )?(minutes?|hours?|days?|weeks?)\b",
    _I,
)
_WITHIN_THE = re.compile(r"\bwithin the (hour|day|week)\b", _I)
_BY_DAY = re.compile(r"\b(?:by|on|for|until|before|next)\s+(?:the\s+end\s+of\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", _I)
_BARE_DAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", _I)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10,
            "few": 3, "couple of": 2}


def _end_of_day(dt: datetime) -> datetime:
    return dt.replace(hour=23, minute=59, second=59, microsecond=0)


def _add_business_days(dt: datetime, n: int) -> datetime:
    d = dt
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def due_date(sentence: str, made_at: datetime) -> datetime | None:
    """When a promise falls due, from its wording (upper bound of a range), or None."""
    low = sentence.lower()
    m = _WITHIN.search(sentence)
    if m:
        raw = m.group(2).lower()
        n = int(raw) if raw.isdigit() else _NUMBERS.get(raw, 1)
        unit = m.group(4).lower()
        if unit.startswith("minute"):
            return made_at + timedelta(minutes=n)
        if unit.startswith("hour"):
            return made_at + timedelta(hours=n)
        if unit.startswith("week"):
            return _end_of_day(made_at + timedelta(weeks=n))
        if m.group(3):
            return _end_of_day(_add_business_days(made_at, n))
        return _end_of_day(made_at + timedelta(days=n))
    m = _WITHIN_THE.search(sentence)
    if m:
        return made_at + {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}[m.group(1).lower()]
    if "right away" in low or "straight away" in low or "immediately" in low:
        return made_at + timedelta(hours=1)
    if "few minutes" in low or "shortly" in low:
        return made_at + timedelta(minutes=30)
    m = _BY_DAY.search(sentence) or _BARE_DAY.search(sentence)
    if m:
        target = _WEEKDAYS.index(m.group(1).lower())
        days = (target - made_at.weekday()) % 7 or 7
        return _end_of_day(made_at + timedelta(days=days))
    if "tomorrow" in low:
        return _end_of_day(made_at + timedelta(days=1))
    if "end of this week" in low or "end of the week" in low or "this week" in low:
        return _end_of_day(made_at + timedelta(days=(4 - made_at.weekday()) % 7))
    if "next week" in low:
        return _end_of_day(made_at + timedelta(days=7 + (4 - made_at.weekday()) % 7))
    if "today" in low or "tonight" in low or "this afternoon" in low or "this evening" in low:
        return _end_of_day(made_at)
    return None


# What keeps a promise: system events, and later business messages on a channel.
KEPT_BY_EVENT: dict[str, tuple[str, ...]] = {
    "refund": ("refund_issued",),
    "credit": ("credit_issued", "x_credit_issued", "x_points_added"),
    "replacement": ("replacement_shipped", "exchange_shipped"),
    "shipping": ("order_shipped", "replacement_shipped", "exchange_shipped", "order_delivered"),
    "callback": ("callback_completed",),
    "cancellation": ("order_cancelled", "subscription_cancelled"),
    "escalation": ("ticket_escalated",),
    "return_label": ("x_label_sent",),
    "email": (),
    "pickup": ("return_received", "x_pickup_completed"),
    "visit": ("x_visit_completed",),
}
KEPT_BY_MESSAGE_CHANNEL: dict[str, tuple[str, ...]] = {
    "callback": ("voice",),
    "email": ("email",),
    "return_label": ("email",),
    "follow_up": ("chat", "email", "voice", "sms", "social", "web"),
    "investigation": ("chat", "email", "voice", "sms", "social", "web"),
}

# Customer says a promise was not kept.
_COMPLAINT = re.compile(
    r"\bstill\s+(?:no|not|nothing|waiting|haven'?t|hasn'?t|don'?t|doesn'?t|isn'?t|shows?)\b|\bnever\s+(?:came|arrived|got|received|"
    r"called|showed|turned up|happened|heard)|\bno(?:body| ?one)\s+(?:called|came|got back|rang|contacted|showed|turned up|"
    r"replied|answered|has called|has come)|\bhaven'?t\s+(?:received|got|gotten|heard|seen)|\bhasn'?t\s+(?:arrived|shipped|come|"
    r"been|shown|moved)|\bdidn'?t\s+(?:get|receive|come|arrive|call|show|happen|hear)|\bnot\s+(?:received|back|arrived|shipped)\b|"
    r"\byou\s+(?:said|promised|told me)\b|\b(?:was|were)\s+(?:told|promised)\b|\bsupposed to\b|\bno\s+(?:call|email|e-mail|refund|"
    r"label|credit|points|confirmation|update|reply|response|one came|show)\b|\bnothing\b",
    _I,
)
COMPLAINT_TOPICS: dict[str, re.Pattern[str]] = {
    name: re.compile(rx, _I)
    for name, rx in {
        "refund": r"\brefund|\bmoney\b|\bback on my card\b|\breimburs|[$€£]",
        "credit": r"\bcredit|\bdiscount|\bpoints\b|\bdifference\b|\bprice\b|\bvoucher",
        "replacement": r"\breplacement|\bexchange|\bnew one\b",
        "return_label": r"\blabel\b",
        "callback": r"\bcall|\brang\b|\bphone\b",
        "visit": r"\bcame\b|\bshowed\b|\bturned up\b|\btechnician|\bengineer|\bvisit|\bappointment",
        "pickup": r"\bpick ?up|\bcourier|\bcollect",
        "cancellation": r"\bcancel|\bcharged",
        "email": r"\be-?mail|\bconfirmation|\binvoice|\blink\b|\breceipt",
        "shipping": r"\bship|\bdeliver|\barriv|\bparcel|\bpackage|\btracking",
        "escalation": r"\bmanager|\bsupervisor|\bescalat",
        "follow_up": r"\bgot back|\bget back|\bheard|\breply|\brespond|\bupdate|\bemailed|\bcontacted",
        "investigation": r"\bgot back|\bheard|\bupdate|\boutcome|\bclaim",
        "hold": r"\bhold|\breserv",
    }.items()
}


def is_complaint(text: str) -> bool:
    """True when a customer message says something was not done (any promise type)."""
    return bool(_COMPLAINT.search(text))


def complains_about(text: str, ctype: str, *, complaint: bool | None = None) -> bool:
    """True when a customer message says a promise of this type was not kept."""
    if not (is_complaint(text) if complaint is None else complaint):
        return False
    topic = COMPLAINT_TOPICS.get(ctype)
    return bool(topic and topic.search(text))


# -- needs, resolution, sentiment ---------------------------------------------------------------

_REQUEST = re.compile(
    r"\b(?:want|need|would like|'d like|please|can you|could you|can i|could i|how (?:do|can)|cancel|refund|money back|"
    r"exchange|return|change|update|fix|help|replace|replacement|where(?:'s| is| are)?|when will|why|track|"
    r"reschedul|deliver|confirm|check|explain|apply|send|make sure|get my|waiting|will i|do i|is it|are you|"
    r"have you|did you)\b",
    _I,
)
_PROBLEM = re.compile(
    r"\b(?:still|not|never|no|nobody|wrong|broken|missing|damaged|torn|stain|charged|twice|double|late|expired|locked|"
    r"can'?t|cannot|doesn'?t|didn'?t|won'?t|isn'?t|hasn'?t|haven'?t|invalid|only one|instead|fell apart|came off|drops?|"
    r"nothing|extra|mystery|never arrives?)\b",
    _I,
)
_GRATITUDE = re.compile(
    r"^(?:ok(?:ay)?|great|perfect|thanks?(?: you)?(?: so much)?|thank you|cheers|got it|fine|that works|brilliant|"
    r"awesome|cool|sounds good|much appreciated|appreciate it)\b[\s,.!]*(?:thanks?(?: you)?|that was quick|"
    r"for (?:chasing|your help|the help|helping)[^.!?]*|so much)?[\s,.!]*$",
    _I,
)
_CLOSURE = re.compile(
    r"\b(?:it arrived|arrived today|got (?:it|the confirmation|the refund)|that (?:fixed|solved|works)|all (?:sorted|good|set)|"
    r"problem solved|resolved|received it|thanks for (?:chasing|your help|sorting))\b",
    _I,
)


@lru_cache(maxsize=8192)
def need_score(sentence: str) -> int:
    score = 0
    if _REQUEST.search(sentence):
        score += 2
    if _PROBLEM.search(sentence):
        score += 1
    if "?" in sentence:
        score += 1
    if _GRATITUDE.match(sentence.strip()):
        score -= 3
    if len(sentence) < 12:
        score -= 1
    return score


def is_gratitude(text: str) -> bool:
    t = text.strip()
    return bool(_GRATITUDE.match(t)) or (len(t) < 80 and bool(_CLOSURE.search(t)) and "?" not in t)


_NEG_WORDS = re.compile(
    r"\b(?:angry|furious|frustrat\w*|ridiculous|unacceptable|disgust\w*|terrible|awful|worst|useless|annoy\w*|"
    r"disappoint\w*|upset|fed up|sick of|joke|scam|rubbish|horrible|never again|neveragain|not impressed|"
    r"chargeback|complain\w*|lawyer|still|again|literally|nobody|no one|third time|waste|hopeless|patient|"
    r"really|seriously|ugh|wtf|pathetic)\b",
    _I,
)
_POS_WORDS = re.compile(
    r"\b(?:thanks?|thank you|great|perfect|appreciate\w*|awesome|brilliant|excellent|helpful|happy|love|"
    r"wonderful|fantastic|quick|works|fine|cheers|amazing|good)\b",
    _I,
)
_EMOJI_NEG = ("🙄", "😡", "😠", "😤", "👎", "😞", ">:(", ":(")
_EMOJI_POS = ("🙂", "😊", "👍", "🙏", ":)", "❤")


_CAPS_WORD = re.compile(r"\b[A-Z]{4,}\b")
_SENTIMENT = re.compile(  # matched against lower-cased text: no IGNORECASE, much faster
    "(?P<neg>" + _NEG_WORDS.pattern + ")|(?P<pos>" + _POS_WORDS.pattern + ")|(?P<prob>" + _PROBLEM.pattern + ")"
)


def sentiment_score(text: str) -> float:
    """A lexicon score in [-1, 1] for one customer message."""
    neg = pos = 0.0
    problems = 0
    for m in _SENTIMENT.finditer(text.lower()):
        if m.group("neg"):
            neg += 1
        elif m.group("pos"):
            pos += 1
        else:
            problems += 1
    if any(e in text for e in _EMOJI_NEG):
        neg += sum(text.count(e) for e in _EMOJI_NEG)
    if any(e in text for e in _EMOJI_POS):
        pos += sum(text.count(e) for e in _EMOJI_POS)
    if "!!" in text or "??" in text:
        neg += 1
    shouting = _CAPS_WORD.findall(text)
    if shouting:
        caps = sum(len(w) for w in shouting)
        neg += 1 if len(text) > 12 and caps / len(text) > 0.5 else 0.5
    neg += 0.25 * problems
    total = neg + pos
    if total == 0:
        return 0.0
    return max(-1.0, min(1.0, (pos - neg) / max(total, 2.0)))


def _trim(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut + "…"


trim = _trim


def clear_caches() -> None:
    """Forget memoised sentence scores (benchmarks call this to measure cold runs)."""
    need_score.cache_clear()
    is_promise.cache_clear()
    _commitment_types.cache_clear()
