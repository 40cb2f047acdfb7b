"""Specifics no cited passage gives (ninth round): a material or property of what we sell ("uses
recycled paper", "made of organic cotton"), a product range or size line ("a full kids' range",
"plus sizes too"), a place ("stores in Toronto and Vancouver") and, since the tenth, a month
("launches mid-February"), and since round 15d a carrier, partner or place of ours by its name
("ships with FedEx", "our Dublin warehouse"). Word overlap lets such a sentence
through when the rest of it is sourced; here each specific must itself be in a cited passage (a
material or a place may also be one the customer named). A denied or doubted sentence ("I can't confirm ...") says
none of them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.guardrails.commitments import NEGATION

_PROPERTY = re.compile(
    r"\b(?:recycl(?:ed|able)|organic|biodegradable|compostable|eco[- ]?friendly|sustainabl[ey]|plastic[- ]free|acid[- ]free|"
    r"water(?:proof|[- ]resistant)|wind(?:proof|[- ]resistant)|breathable|hypoallergenic|handmade|hand[- ]made|hand[- ]stitched|vegan|"
    r"fair[- ]?trade|cruelty[- ]free|cotton|wool|merino|linen|silk|leather|polyester|nylon|bamboo|cashmere|kraft|fsc)\b", re.I)
"""A material or property of a product or a service ("recycled paper", "waterproof", "merino")."""
_FILL = re.compile(
    r"\b(?:(?P<bird>goose|duck|eider)[- ]down|down[- ](?:filled|fill(?:ing)?|insulat(?:ed|ion)|feathers?|jackets?|coats?|parkas?|proof)"
    r"|(?:filled|stuffed|insulated|padded) with (?:[\w-]+ ){0,2}(?:down|feathers)|feather[- ](?:filled|fill(?:ing)?)|down and feathers?"
    r"|(?P<how>responsibly|ethically|sustainably|locally|humanely)[- ]sourced|(?:rds|responsible down)[- ]certified)\b", re.I)
"""A fill or a sourcing claim (round 17c): "filled with responsibly sourced goose down". Plain "down" is too common a word
("comfortable down to 20°F") for the property list, so a fill is named with what makes it one."""
_RANGE = re.compile(
    r"\b(?P<kind>kids?|kid'?s|kids'|children'?s|child|toddlers?|baby|babies|infants?|teens?|plus[- ]size|petite|maternity|big (?:and|&) tall|unisex)"
    r"(?:'|'s)?\s+(?:[\w-]+\s+)?(?:ranges?|lines?|sizes?|sizing|collections?|sections?|editions?|versions?|styles?|fits?)\b", re.I)
"""A product range or size line ("a full kids' range", "plus-size styles", "toddler sizes")."""
_PLACE = re.compile(r"\b(?:in|at|near)\s+(?P<place>(?-i:[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)(?:(?:\s*,\s*|\s+(?:and|or|&)\s+)(?-i:[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?))*)", re.I)
"""A capitalised name after "in"/"at"/"near" ("in Toronto and Vancouver", "at Yorkdale")."""
_MONTH = re.compile(r"(?-i:\b(?:January|February|March|April|June|July|August|September|October|November|December)\b)"
                    r"|(?:\b(?:in|by|of|from|until|till|early|late) |\bmid-)(?-i:May)\b")
"""A month named ("launches mid-February"): a date the sources must give ("May" only where it is one, not "you may")."""
_NOT_PLACES = frozenset(
    "january february march april may june july august september october november december monday tuesday wednesday thursday "
    "friday saturday sunday gold silver bronze guest guests member members checkout store stores settings account cart "
    "the our your this that northwind apparel".split())
_DOUBT = re.compile(r"\b(?:confirm|sure|check|ask|whether|if|might|may|maybe|perhaps)\b", re.I)
_NAME = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?")
_COMPANY = re.compile(r"(?-i:\b(?:FedEx|Fedex|UPS|DHL|USPS|DPD|GLS|TNT|Evri|Hermes|Purolator|OnTrac|LaserShip|Royal Mail|Canada Post|Australia Post|"
                      r"PostNL|La Poste|Amazon|eBay|Etsy|PayPal|Klarna|Afterpay|Affirm|Venmo|Zelle|Apple Pay|Google Pay|Shop Pay|Stripe)\b)")
"""A carrier, marketplace or payment company by its name (round 15d): "All our orders ship with FedEx"."""
_NAMED = r"(?P<name>(?-i:[A-Z][A-Za-z]+(?:[ -][A-Z][A-Za-z]+)?))"
_NAME_SLOTS = tuple(re.compile("(?:" + p + ")" + (_NAMED if i < 3 else ""), re.I) for i, p in enumerate((
    r"\b(?:ship(?:s|ped|ping)?|send(?:s|ing)?|sent|deliver(?:s|ed|ing)?|dispatch(?:es|ed)?|go(?:es)? out|post(?:s|ed)?)\s+(?:out\s+)?(?:with|via|by|through|using)\s+",
    r"\b(?:carrier|courier|delivery (?:company|partner|service)|shipping (?:company|partner)|partner|provider)\s*(?:is|was|,|:)?\s+",
    r"\b(?:partner(?:s|ed)?|work(?:s|ed)?|contract(?:s|ed)?|team(?:s|ed)? up)\s+with\s+|\b(?:we|i|they)\s+(?:use|used|rely on)\s+",
    r"\bour\s+" + _NAMED + r"\s+(?:warehouse|depot|hub|distribution cent(?:er|re)|fulfil?ment cent(?:er|re)|facility|office|branch|site|sorting)")))
"""A name where a company or a place of ours goes (round 15d): "ships via Evri", "the courier, Parcelforce",
"we partner with Loop", "our Dublin warehouse"."""


def _kind_stem(kind: str) -> str:
    k = kind.lower().replace("'", "").replace("-", " ")
    return {"kid": "kid", "kids": "kid", "child": "child", "childrens": "child", "babies": "baby", "toddlers": "toddler",
            "infants": "infant", "teens": "teen"}.get(k, k.rstrip("s") if k.endswith("s") and " " not in k else k)


def unstated_specifics(sentence: str, sources: Iterable[str], customer_texts: Iterable[str] = (), facts: Iterable[str] = ()) -> str | None:
    """The first company or place name, material, product range or place ``sentence`` says that no cited source gives, as a finding."""
    why = unstated_name(sentence, sources, customer_texts, facts)
    if why:
        return why
    if NEGATION.search(sentence) or _DOUBT.search(sentence) or sentence.rstrip().endswith("?"):
        return None
    prop, rng, place, month = _PROPERTY.search(sentence), _RANGE.search(sentence), _PLACE.search(sentence), _MONTH.search(sentence)
    if not (prop or rng or place or month or _FILL.search(sentence)):
        return None
    known = " ".join([*sources, *facts]).lower()
    said = known + " " + " ".join(customer_texts).lower()
    for m in _PROPERTY.finditer(sentence):
        word = m.group(0).lower()
        if not re.search(r"\b" + re.escape(word[:5]), said):  # "the linen skirt I bought": the customer's own item
            return f"a property no cited source gives ({m.group(0)!r}): {sentence.strip()[:100]!r}"
    for m in _FILL.finditer(sentence):
        if not _fill_given(m, known):
            return f"a material or sourcing no cited source gives ({m.group(0)!r}): {sentence.strip()[:100]!r}"
    for m in _RANGE.finditer(sentence):
        stem = _kind_stem(m.group("kind"))
        if not re.search(r"\b" + re.escape(stem), known):
            return f"a product range no cited source gives ({m.group(0)!r}): {sentence.strip()[:100]!r}"
    for m in _PLACE.finditer(sentence):
        for name in _NAME.findall(m.group("place")):
            low = name.lower()
            if low.split()[0] in _NOT_PLACES or re.search(r"\b" + re.escape(low) + r"\b", said):
                continue
            return f"a place no cited source gives ({name!r}): {sentence.strip()[:100]!r}"
    for m in _MONTH.finditer(sentence):
        month = m.group(0).split()[-1].lower().removeprefix("mid-")
        if not re.search(r"\b" + month[:3], said):  # their own "bought in March", or "Dec" for December
            return f"a month no cited source gives ({m.group(0).strip()!r}): {sentence.strip()[:100]!r}"
    return None


def _fill_given(m: re.Match[str], known: str) -> bool:
    """Does the sources' text ``known`` give the fill or sourcing ``m`` names: a down fill where a source names one (and the
    same bird, if ``m`` names one), "responsibly sourced" where a source says so."""
    given = list(_FILL.finditer(known))
    if m.group("how"):
        return any((g.group("how") or "").lower() == m.group("how").lower() for g in given)
    bird = m.group("bird")
    return any(not g.group("how") for g in given) and (not bird or re.search(r"\b" + bird.lower() + r"\b", known) is not None)


def unstated_name(sentence: str, sources: Iterable[str], customer_texts: Iterable[str] = (), facts: Iterable[str] = ()) -> str | None:
    """A carrier, partner, marketplace or place of ours named (:data:`_COMPANY`, :data:`_NAME_SLOTS`) that no
    cited source, known fact or customer message names (round 15d): "All our orders ship with FedEx", "our
    Dublin warehouse". Said denied or doubted it is still a name the sources never give ("it may be UPS");
    a question is the customer's to answer. Our own name, the levels and the customer's name stay allowed."""
    if sentence.rstrip().endswith("?"):
        return None
    names = [m.group(0) for m in _COMPANY.finditer(sentence)] + [m.group("name") for slot in _NAME_SLOTS for m in slot.finditer(sentence)]
    if not names:
        return None
    said = " ".join([*sources, *facts, *customer_texts]).lower()
    for name in names:
        low = name.lower()
        if low.split()[0] in _NOT_PLACES or re.search(r"\b" + re.escape(low) + r"\b", said):
            continue
        return f"a company or place no cited source names ({name!r}): {sentence.strip()[:100]!r}"
    return None
