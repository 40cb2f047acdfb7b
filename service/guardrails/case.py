"""The customer's case: the figures and details they gave, and a reply's verdict on their case.

A reply may repeat what the customer said ("two months ago", "the navy one", "at six weeks
without a receipt the trousers don't meet either condition"): it is their situation, not a fact
the reply asserts. It may never turn it into a rule:

* tied to a level, a customer's figure is a rule ("Silver members can return within 8 months"),
  unless the clause gives a verdict on the case ("at 3 days we can't issue it yet for Bronze
  members": a denial that grants nothing);
* where the sentence restates a source passage that gives another figure of the same kind for
  the same thing ("once a delivery is three days late, we send a replacement order" where the
  passage says "a week or longer: we send a replacement order"), the customer's figure has
  become the rule's, and is checked like any figure (:func:`other_value`); a colour or material
  the customer named likewise, where a passage on the same thing names another;
* judged as meeting a threshold it does not meet ("it's been 4 days, so you qualify for a
  replacement order" against "a week or longer"), it is refused (:func:`broken_threshold`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from service.guardrails.amount_thresholds import broken_amount_threshold
from service.guardrails.bare_amounts import bare_amounts
from service.guardrails.commitments import NEGATION, acts_in
from service.guardrails.levels import ALL_LEVELS, scope_of
from service.guardrails.numbers import prepare
from service.guardrails.procedural import asked_names

Words = Callable[[str], frozenset[str]]

COLOURS = ("black brown white grey gray navy blue red green beige tan pink purple yellow orange olive khaki burgundy cream "
           "charcoal").split()
MATERIALS = ("leather suede wool cotton denim nylon polyester canvas rubber cashmere linen fleece silk merino "
             # trims and finishes a reply may invent ("genuine horn buttons"; ninth round)
             "horn shell mother-of-pearl wood wooden metal brass steel bamboo coconut corozo resin plastic acrylic viscose rayon "
             "spandex elastane lycra hemp alpaca mohair corduroy velvet satin tweed flannel").split()

ABOUT_CUSTOMER = re.compile(
    r"\b(?:ago|you (?:said|mentioned|wrote|bought|ordered|paid)|your (?:order|purchase|package|parcel)|it(?:'?s| has) (?:only |already |now |just )?been)\b"
    # the customer's own figure judged against a rule: "so 3 weeks is fine", "which is still inside the window"
    r"|\b(?:is|are|'s) (?:still |well )?(?:fine|ok|okay|in time|(?:within|inside|under) (?:the|your) (?:window|limit|time limit))\b"
    # the customer's own plan judged: "so $50 today works", "that works"
    r"|\b(?:works|will work|would work|is no problem|is doable)\W*$"
    # "so 14 months isn't a problem": a verdict that their duration is fine
    r"|\b\d+(?:\.\d+)?\s*(?:day|week|month|year)s?\s+(?:is|are|'s)(?:n'?t|\s+not)\s+(?:an?\s+)?(?:problem|issue)\b", re.I)
NO_PROBLEM = re.compile(r"\b(?:is|are|'s)(?:n'?t|\s+not)\s+(?:an?\s+)?(?:problem|issue)\b|\b(?:is|are|'s)\s+no\s+(?:problem|issue)\b", re.I)
"""A verdict that the customer's case is fine said with a negation ("14 months isn't a problem"): read as "is fine"."""
_NEG_VERDICT = re.compile(
    r"\b(?:do(?:es)?n'?t|do(?:es)? not|won'?t|wouldn'?t|can'?t|cannot)\s+(?:\w+\s+)?(?:meet|qualify|fall within|count|cover)\b"
    r"|\b(?:is|are|'s|was|'re)(?:n'?t| not) (?:\w+ )?(?:eligible|covered|within|inside)\b|\btoo (?:late|early|soon|long ago|old)\b"
    r"|\b(?:past|outside|beyond) (?:the|your|our|its|it|that|both|either)\b|\b(?:has|have) (?:already )?(?:passed|expired|run out|closed)\b"
    r"|\b(?:can'?t|cannot|can not)\b[^.;]{0,40}\byet\b|\bfalls? outside\b|\bexceeds?\b"
    # "it hasn't been long enough yet", "we can't extend it": a verdict that grants nothing
    r"|\b(?:has|have|is|are|'s)(?:n'?t| not) (?:been )?(?:quite )?(?:long enough|old enough|enough time)\b|\bnot (?:yet )?long enough\b"
    r"|\b(?:can'?t|cannot|can not|won'?t be able to|(?:are|am|'re|'m)(?:n'?t| not) able to|unable to)\s+(?:\w+\s+)?"
    r"(?:extend|refund|replace|credit|waive|approve|issue|accept|grant|match|offer|return|come back|go back|be (?:returned|sent back|exchanged|refunded))\b", re.I)
_POS_VERDICT = re.compile(r"\b(?:meets?|qualif(?:y|ies)|covers? (?:you|it|them|that|this|the (?:item|return|order))|falls? (?:within|inside))\b|\b(?:still|well|comfortably) (?:within|inside|in time)\b"
                          r"|\byou'?re (?:still )?(?:within|inside|covered|eligible|in time|fine|ok)\b"
                          r"|\b(?:is|are|'s) (?:still |well |comfortably )?(?:within|inside|under|less than|fewer than)\b"
                          r"|\bshould (?:still )?be (?:fine|good|ok|okay|valid)\b", re.I)  # "so a two-day-old code should still be good"
_CIRCUMSTANCE = re.compile(r"^\W*(?:(?:so|and|but|because|since|as)\s+)?(?:(?:even|still|only|already|now)\s+)?(?:at|with|after only|after just)\s+\$?\d", re.I)
_CONCESSION = re.compile(r"^\W*(?:and\s+|so\s+)?(?P<lead>.{0,60}?\s)?(?:even|still)\s+(?:at|after|with|for)\s+(?:an?\s+|the\s+|that\s+|your\s+)?\$?\d+(?:\.\d+)?\s*[a-z]*"
                         r"(?:\s+(?:ago|old|later|on|in|gone|now|difference|gap|extra|more|less))?\W*$", re.I)
"""A concession ending a clause ("..., even at eight months.", "so the trousers can come back even after 2 years",
"even with a $25 difference"): the customer's case the rule was applied to."""
"""A clause that sets out where the customer stands ("so at 3 days", "with 6 weeks gone")."""
_YOU = re.compile(r"\b(?:you|you'?re|your)\b", re.I)


def addresses_customer(text: str) -> bool:
    """Does the text speak to the customer ("you", "your")?"""
    return _YOU.search(text) is not None


_CHARGE_SAID = re.compile(r"\b(?:billed|charged|paid|expected|expecting)\b|\b(?:payment|charge)s?\b[^,;]{0,30}\b(?:gone|went) through\b", re.I)
"""The customer's charge said back: billed, paid, or a payment that went through (fourteenth round)."""


def charge_said_back(clause: str, text: str) -> bool:
    """Is ``clause`` of ``text`` the customer's own charge said back to them ("You were billed $105
    but should have been charged $99", "if it confirms the $15 was billed in error")? Never in a
    clause that commits to anything: the amount of a commitment is a claim."""
    return _CHARGE_SAID.search(clause) is not None and addresses_customer(text) and not acts_in(clause, "claim")


def about_case(clause: str, rest: str, names_level: bool) -> bool:
    """Is ``clause`` about the customer's own case rather than a rule? ``rest`` is the sentence
    from this clause on. Said of the customer ("ago", "your order"), a verdict on the case in a
    clause that names no level ("the trousers don't meet either condition"), or a circumstance
    ("at 3 days", "with 6 weeks gone") judged later in the sentence: by a denial, or said of the
    customer where no level is named ("so at three weeks you don't need the receipt"; "at 8
    months, Silver members still qualify" is a rule)."""
    if ABOUT_CUSTOMER.search(clause):
        return True
    if not names_level and (_NEG_VERDICT.search(clause) or _POS_VERDICT.search(clause)):
        return True
    concession = _CONCESSION.match(clause)
    if concession and (not concession.group("lead") or not names_level):  # "Silver members can return even after 8 months" is a rule
        return True
    if not _CIRCUMSTANCE.match(clause):
        return False
    return bool(_NEG_VERDICT.search(rest)) or ((_POS_VERDICT.search(rest) or _YOU.search(rest)) is not None and scope_of(rest) is None)


_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_DURATION = re.compile(r"\b(?:(\d+(?:\.\d+)?)|an?|one)\s*[- ]?(?:full |whole )?(day|week|month|year)s?\b", re.I)
_KIND = {**{c: "colour" for c in COLOURS}, **{m: "material" for m in MATERIALS}}


def detail_kind(value: str) -> str | None:
    """``"colour"``, ``"material"`` or None."""
    return _KIND.get(value)


@lru_cache(maxsize=8192)
def _durations(text: str) -> frozenset[float]:
    """The durations a text states, in days ("a week" is 7, "6 months" 180)."""
    return frozenset(float(m.group(1) or 1) * _DAYS[m.group(2).lower()] for m in _DURATION.finditer(prepare(text)))


def _details(text: str, kind: str) -> frozenset[str]:
    return frozenset(w.replace("gray", "grey") for w in re.findall(r"[a-z]+", text.lower()) if _KIND.get(w) == kind)


def other_value(value: str, qual: str, sentence: str, clause: str, passages: Iterable, words: Words) -> str | None:
    """Does ``sentence`` restate a source passage that gives another value of the same kind for
    the same thing (a duration for a duration, a colour for a colour)? The same thing: the
    passage's words are mostly in the sentence, or the clause's words mostly in the passage. A
    sentence that also states the passage's value is comparing the customer's case with it."""
    kind = detail_kind(value)
    if kind is None and not (value.replace(".", "", 1).isdigit() and qual in _DAYS):
        return None
    claimed = float(value) * _DAYS[qual] if kind is None else value
    said, own = words(sentence), words(clause) - {value}
    for p in passages:
        if getattr(p, "parts", ()):
            continue
        given = _durations(p.text) if kind is None else _details(p.text, kind)
        if not given or claimed in given:
            continue
        if (_durations(sentence) if kind is None else _details(sentence, kind)) & given:
            continue
        pwords = words(p.text) - words(" ".join(_DAYS)) - words(" ".join(COLOURS + MATERIALS))
        restated = len(pwords) >= 3 and len(pwords & said) >= 0.6 * len(pwords)
        on_it = bool(own) and len(own & words(f"{getattr(p, 'context', '')} {p.text}")) >= 0.5 * len(own)
        if restated or (kind is not None and on_it):
            return f"{p.source} gives {', '.join(sorted(map(_show, given)))} for this"
    return None


def _show(v: float | str) -> str:
    if isinstance(v, str):
        return v
    for unit in ("year", "month", "week"):
        if v % _DAYS[unit] == 0:
            n = int(v // _DAYS[unit])
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{v:g} days"


_AMOUNT = r"(?P<n>\d+(?:\.\d+)?|an?|one)\s*[- ]?(?:full |whole )?(?P<u>day|week|month|year)s?\b"
_AT_LEAST = re.compile(r"\b(?:more than|over|longer than|at least|after)\s+" + _AMOUNT + r"|\b" + _AMOUNT.replace("?P<n>", "?P<n2>").replace("?P<u>", "?P<u2>")
                       + r"\s+or\s+(?:longer|more|over)\b", re.I)
_AT_MOST = re.compile(r"\b(?:less than|under|within|up to|no more than)\s+" + _AMOUNT + r"|\b" + _AMOUNT.replace("?P<n>", "?P<n2>").replace("?P<u>", "?P<u2>")
                      + r"\s+or\s+(?:less|fewer|under)\b", re.I)
_OR_ELSE = re.compile(r"[^.;:]{0,30}?(?:,\s*|\s)\**or\b(?!\s+(?:longer|more|less|fewer|over|under)\b)", re.I)
"""A duration with an alternative after it ("within 6 months, or with the receipt") is no threshold on its own."""


def _days(m: re.Match[str]) -> float:
    n, u = (m.group("n"), m.group("u")) if m.group("n") else (m.group("n2"), m.group("u2"))
    return float(n if n[0].isdigit() else 1) * _DAYS[u.lower()]


def broken_threshold(value: str, qual: str, sentence: str, passages: Iterable, words: Words) -> str | None:
    """A customer's duration judged as meeting a rule it does not meet: the sentence says what a
    passage grants past a threshold ("a week or longer: we send a replacement order") of a case
    below it ("it's been 4 days, so you qualify for a replacement order"; "a replacement is on its
    way": the same action the passage grants), or grants within a
    limit what is past it. Only for a sentence that denies nothing (a denial grants nothing)."""
    if not qual and value.replace(".", "", 1).isdigit():  # an amount: :mod:`~service.guardrails.amount_thresholds`
        passages = list(passages)
        return broken_amount_threshold(value, sentence, passages, words, lambda source, limit: _limit_by_level(source, limit, passages))
    if qual not in _DAYS or not value.replace(".", "", 1).isdigit() or NEGATION.search(sentence):
        return None
    days, said = float(value) * _DAYS[qual], words(sentence)
    promised = {a for _, _, a in acts_in(sentence, "claim")}
    for p in passages:
        if getattr(p, "parts", ()):
            continue
        t = prepare(p.text.replace("**", ""))
        for pattern, broken in ((_AT_LEAST, lambda x: days < x), (_AT_MOST, lambda x: days > x)):
            for m in pattern.finditer(t):
                if _OR_ELSE.match(t, m.end()) or _ESTIMATE.search(t, max(0, m.start() - 14), m.start()) or not broken(_days(m)):
                    continue
                rest = words(t[:m.start()] + " " + t[m.end():]) - words(" ".join(_DAYS))
                same = (len(rest & said) >= 2 and len(rest & said) >= 0.5 * len(rest)) or promised & {a for _, _, a in acts_in(t, "passage")}
                if same and not _by_level(p.source, said, passages, words):
                    return f"{p.source} sets {m.group(0)!r} for this; the customer's {value} {qual}s do not meet it"
    return None


_CONDITIONAL = re.compile(r"\b(?:if|once|when|whenever|unless|provided|as soon as|after)\b", re.I)


def unmet_commitment(sentence: str, values: list[str], durations: Iterable[tuple[str, str]], passages: Iterable, words: Words) -> str | None:
    """A commitment (an ``act:`` of ``values``) made without a condition, for a customer whose own
    duration (not repeated in ``sentence``) does not meet the threshold a source grants the action
    past ("I've placed a replacement order" for a parcel 3 days late, where the source says "a
    week or longer"): :func:`broken_threshold` for each of the customer's ``durations``."""
    if not durations or _CONDITIONAL.search(sentence) or sentence.rstrip().endswith("?") or not any(v.startswith("act:") for v in values):
        return None
    passages = list(passages)
    return next(filter(None, (broken_threshold(v, q, sentence, passages, words) for v, q in durations if v not in values)), None)


_ESTIMATE = re.compile(r"\b(?:take|takes|taking|wait|waiting|arrive|arrives|appear|appears|allow)\b[\w ]*$", re.I)
"""A duration said as an estimate ("credits can take up to 7 days") is no threshold."""


def _by_level(source: str, said: frozenset[str], passages: Iterable, words: Words) -> bool:
    """Does the source treat this level by level ("Gold members: we start processing the credit
    anyway")? Then the threshold may not hold for the customer's level, and is not judged here."""
    article = source.split()[-1]  # "chunk <id> of <article>", "the approved chat reply of <article>"
    return any(p.source.split()[-1] == article and scope_of(p.text) is not None and len(words(p.text) & said) >= 2 for p in passages)


def _limit_by_level(source: str, limit: str, passages: Iterable) -> bool:
    """Does the source state this money threshold ("$10 or less") of a level? Then it may not hold for the customer's level."""
    article, figure = source.split()[-1], re.sub(r"\D*(\d+(?:\.\d+)?).*", r"\1", limit)
    return any(p.source.split()[-1] == article and figure in part and scope_of(part) not in (None, ALL_LEVELS)
               for p in passages for part in re.split(r"[.;:!?,]\s|\n|[()]", p.text))


# ---- the customer's amounts ----------------------------------------------------------------------

_MONEY = re.compile(r"[$€£]\s?(\d[\d,]*(?:\.\d+)?)|\b(\d[\d,]*(?:\.\d+)?)\s?(?:dollars?|usd|bucks|euros?|pounds?)\b", re.I)


def _amount(text: str) -> str:
    v = text.replace(",", "")
    return v.split(".")[0] if re.fullmatch(r"\d+\.0+", v) else v


def case_amounts(customer_texts: Iterable[str]) -> frozenset[str]:
    """The amounts the customer stated ("I was charged $105", "my cart is at $68")."""
    prepared = [prepare(t) for t in customer_texts]
    return frozenset(_amount(m.group(1) or m.group(2)) for t in prepared for m in _MONEY.finditer(t)) | bare_amounts(prepared)


def case_durations(customer_texts: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """The durations the customer stated, as (value, unit), in order ("ordered 3 days ago": ("3", "day"))."""
    out: list[tuple[str, str]] = []
    for t in customer_texts:
        for m in _DURATION.finditer(prepare(t)):
            d = (m.group(1) or "1", m.group(2).lower())
            if d not in out:
                out.append(d)
    return tuple(out)


_ASKING_FOR = re.compile(r"\b(?:want|wanted|wanting|like|ask(?:ing|ed)? for|give me|get|getting|owe[ds]?|deserve|compensat\w*|need|refund me|credit me|"
                         r"pay me|send me|requesting|request)\b[^.;!?$€£]{0,30}$", re.I)


def asked_amounts(customer_texts: Iterable[str]) -> frozenset[str]:
    """The amounts the customer asks for ("I want $50 back", "can I get a $20 credit"), not ones
    they were charged or paid: a reply may say their charge back to them in an offer ("a credit
    for the $64"), never grant the amount they ask for on their word."""
    out = set()
    for t in customer_texts:
        p = prepare(t)
        for m in _MONEY.finditer(p):
            if _ASKING_FOR.search(p, max(0, m.start() - 40), m.start()):
                out.add(_amount(m.group(1) or m.group(2)))
    return frozenset(out)


def multiples(stated: Iterable[str], counts: Iterable[str]) -> frozenset[str]:
    """A source's amount times a count the customer gave ("$5 per item" for their 3 items: $15)."""
    ns = [int(c) for c in counts if c.isdigit() and 1 < int(c) <= 20]
    return frozenset(_show_amount(float(a) * n) for a in stated for n in ns)


_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}


def spelled_counts(text: str) -> frozenset[str]:
    """The counts ``text`` spells out in words ("for three": "3"), as :func:`names_count` reads them."""
    return frozenset(str(n) for n, w in _COUNT_WORDS.items() if re.search(rf"\b{w}\b", text, re.I))


def names_count(clause: str, n: int) -> bool:
    """Does ``clause`` name the count ``n`` ("for three", "for 3 items"), or the things counted
    ("both your pairs", "hemming them"; tenth round)?"""
    word = _COUNT_WORDS.get(n)
    return re.search(rf"(?<![\d.$€£]){n}(?![\d.])" + (rf"|\b{word}\b" if word else "") + (r"|\bboth\b" if n == 2 else "")
                     + r"|\b(?:them|those|these)\b", clause, re.I) is not None


_ADDRESS = re.compile(r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z'-]+\s?){1,4}")


def case_details(customer_texts: Iterable[str]) -> frozenset[str]:
    """Details the customer gave in their own words that a reply may say back as they are: a street
    address ("14 Elm Row"), a house number and capitalised words, and the full name they ask their account changed to."""
    return frozenset(m.group(0).strip() for t in customer_texts for m in _ADDRESS.finditer(t) if len(m.group(0).split()) >= 2) | asked_names(customer_texts)


def converts(value: str, qual: str, clause: str, durations: Iterable[tuple[str, str]]) -> bool:
    """Is ``value`` ``qual``s the customer's own duration said in another unit, beside it in
    ``clause`` ("six weeks is about 42 days")?"""
    if qual not in _DAYS or not value.replace(".", "", 1).isdigit():
        return False
    days, t = float(value) * _DAYS[qual], prepare(clause)
    return any(q != qual and abs(float(v) * _DAYS[q] - days) <= 0.1 * float(v) * _DAYS[q] + 1
               and re.search(rf"(?<![\d.]){re.escape(v)}\s*[- ]?{q}s?\b", t, re.I) is not None for v, q in durations)


def source_amounts(passages: Iterable) -> frozenset[str]:
    """The amounts the source passages give ("$75 or more")."""
    return frozenset(_amount(m.group(1) or m.group(2)) for p in passages for m in _MONEY.finditer(prepare(p.text)))


def _show_amount(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:.2f}"


def worked_amounts(case: Iterable[str], stated: Iterable[str] = ()) -> frozenset[str]:
    """What a reply may work out from the customer's amounts: the sum or difference of two of
    them ("billed $105 against the $99 you expected": $6) or the sum of more of them, or of one of them and another amount
    ``stated`` in the same sentence ("$60 plus $25 makes $85", "free from $75, so at $68 your cart
    is $7 short"). Said of their case, these are the customer's figures, not claims about rules."""
    mine = {float(a) for a in case}
    others = mine | {float(a) for a in stated}
    out = {x for a in mine for b in others - {a} for x in (a + b, abs(a - b))}
    few = sorted(mine)[:6]  # the sum of three or more of them ("$64 refund, $12 socks and $8 belt: $84"; round 18c)
    out |= {sum(a for i, a in enumerate(few) if k >> i & 1) for k in range(1, 2 ** len(few)) if bin(k).count("1") >= 3}
    return frozenset(_show_amount(x) for x in out if x > 0)


def misjudged(value: str, qual: str, clause: str, sentence: str) -> bool:
    """A customer's duration judged fine against a limit the same sentence states and the figure
    does not meet ("within the last 90 days, so a jacket from four months ago is fine"), or judged
    past a limit it is within ("the window is 30 days, so 25 days is past it")."""
    if qual not in _DAYS or not value.replace(".", "", 1).isdigit():
        return False
    clause, sentence = NO_PROBLEM.sub(" is fine", clause), NO_PROBLEM.sub(" is fine", sentence)
    at = [m.end() for m in re.finditer(r"(?<![\d.])" + re.escape(value) + r"(?![\d.])", prepare(clause))]
    after = prepare(clause)[at[-1]:] if at else ""
    if _PAST.search(after) and not NEGATION.search(after):
        t = prepare(sentence)
        return any(float(value) * _DAYS[qual] <= _days(m) for m in [*_AT_MOST.finditer(t), *_LIMIT.finditer(t)])
    if _NEG_VERDICT.search(clause) or NEGATION.search(clause):
        return False
    if not (_POS_VERDICT.search(after) or _FINE.search(after)):
        return False  # the verdict is said of the customer's figure, after it
    days, t = float(value) * _DAYS[qual], _THE_LAST.sub(" ", prepare(sentence))
    return (any(days > _days(m) and not _OR_ELSE.match(t, m.end()) for m in [*_AT_MOST.finditer(t), *_LIMIT.finditer(t)])
            or any(days < _days(m) and not _OR_ELSE.match(t, m.end()) for m in _AT_LEAST.finditer(t)))


_PAST = re.compile(r"\b(?:past|outside|beyond)\s+(?:it|the|your|that|its)\b|\btoo (?:late|long ago|old)\b|\bexceeds?\b", re.I)
_LIMIT = re.compile(r"\b(?:(?:window|limit|period)\s+(?:is|of)|lasts?(?:\s+for)?)\s+(?:only\s+|just\s+)?" + _AMOUNT, re.I)
"""A limit stated as a window or a life ("for guests the window is 30 days", "codes last 7 days")
a customer's duration is judged against."""
_FINE = re.compile(r"\b(?:is|are|'s|'re|should) (?:still |totally |completely |perfectly )?(?:be )?(?:fine|ok|okay|in time|eligible|good|valid)\b", re.I)
_THE_LAST = re.compile(r"\s(?:the (?:last|past|first)|of (?:buying|purchase|delivery)(?: it)?)\s", re.I)
