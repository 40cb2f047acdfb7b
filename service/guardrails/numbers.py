"""Numbers as a reply or a source may write them: "seventy-five dollars" is "$75", "noon" is
"12:00 pm" (:func:`prepare`, before facts are read)."""

from __future__ import annotations

import re
from functools import lru_cache

DAYS_PER_UNIT = {"day": 1, "week": 7, "month": 30, "year": 365}
"""Days in a unit of time, as the window rules count them (a month is 30 days)."""

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNIT_WORDS = (r"days?|weeks?|months?|years?|hours?|minutes?|dollars?|cents?|bucks|euros?|pounds?|percent|per ?cent|"
               r"inch|inches|items?|wears?|characters?|nights?|degrees?|business days?|orders?|fahrenheit|celsius|centigrade")
_NUMWORD = re.compile(
    r"\b(?:(?P<hund>(?:a|one) hundred)|(?P<tens>" + "|".join(_TENS) + r")(?:[\s-](?P<tu>" + "|".join(_UNITS) + r"))?"
    r"|(?P<teen>" + "|".join(_TEENS) + r")|(?P<unit>" + "|".join(_UNITS) + r")|(?P<dozen>a dozen))\b"
    r"(?=[\s-]+(?:(?:full|whole|more|extra|additional|straight|entire|complete|long|short|calendar|working) )?(?:" + _UNIT_WORDS + r")\b(?!\s+in particular\b))",
    re.I,
)
"""A number written in words before a unit ("seventy-five dollars", "ninety days", "twelve
characters", "two full weeks"); compound numbers are one number, never "seventy" and a stray "$5".
"One item in particular" picks a thing out, it counts nothing (tenth round)."""
_COUNT_WORD = re.compile(
    r"\b(?:(?P<hund>(?:a|one) hundred)|(?P<tens>" + "|".join(_TENS) + r")(?:[\s-](?P<tu>" + "|".join(_UNITS) + r"))?"
    r"|(?P<teen>" + "|".join(_TEENS) + r"))(?P<unit>)(?P<dozen>)\b(?=\s+(?:[a-z]+\s+)?[a-z]{3,}s\b)", re.I)
"""A count of ten or more in words before any plural ("over forty countries", "twenty new styles": round 15d):
a figure the sources must give, as "40 countries" would be. Smaller counts ("two options") stay words."""


_SMALL = {**{w: n for w, n in _UNITS.items() if n > 1}, **_TEENS}
_OF_TOTAL = re.compile(r"\b(?P<part>" + "|".join(_SMALL) + r"|\d{1,2})(?P<of>\s+(?:out\s+)?of\s+(?:the\s+|these\s+|those\s+)?)"
                       r"(?P<whole>" + "|".join({**_UNITS, **_TEENS}) + r"|\d{1,2})\b", re.I)
"""A part of a total in words ("three of seven items", "two out of the four"): numbers like "3 of 7",
as a source writes them, with or without a unit after them (ninth round)."""


def _of_total(m: re.Match[str]) -> str:
    part, whole = m.group("part"), m.group("whole")
    return (part if part.isdigit() else str(_SMALL[part.lower()])) + m.group("of") + (whole if whole.isdigit() else str({**_UNITS, **_TEENS}[whole.lower()]))


def _number_word(m: re.Match[str]) -> str:
    if m.group("hund"):
        return "100"
    if m.group("dozen"):
        return "12"
    if m.group("tens"):
        return str(_TENS[m.group("tens").lower()] + (_UNITS[m.group("tu").lower()] if m.group("tu") else 0))
    if m.group("teen"):
        return str(_TEENS[m.group("teen").lower()])
    return str(_UNITS[m.group("unit").lower()])


_WORD = (r"(?:(?:" + "|".join(_TENS) + r")(?:[\s-](?:" + "|".join(_UNITS) + r"))?|" + "|".join(_TEENS) + "|" + "|".join(_UNITS) + r")")
_SIDE = r"(?:" + _WORD + r"|\d+(?:\.\d+)?)(?:\s+and\s+a\s+half\b)?"
_RANGE = re.compile(r"\b(?P<a>" + _SIDE + r")(?P<to>\s+(?:to|through)\s+|\s*–\s*)(?P<b>" + _SIDE + r")(?![\w-])", re.I)
"""A range or a size said in words ("fourteen to fourteen and a half", "two to 3 business days"):
both ends as figures ("14 to 14.5"), as a source writes "14–14.5", whether or not a unit follows
(twelfth round: "Small is fourteen to fourteen and a half" after "a fifteen inch neck")."""
_HALF = re.compile(r"\b(?P<n>" + _WORD + r"|\d+)\s+and\s+a\s+half\b(?=[\s-]+(?:" + _UNIT_WORDS + r")\b)", re.I)
"""A figure and a half before a unit ("fifteen and a half inches", "2 and a half weeks")."""
_HALF_BARE = re.compile(r"\b(?<![\d.$€£-])(?P<n>" + _WORD + r")\s+and\s+a\s+half\b(?![\s-]+(?:times|as)\b)", re.I)
"""A figure in words and a half with no unit after it ("Medium is thirty-four and a half", after "a thirty-five and
a half inch sleeve"): the figure it is ("34.5"), checked against the source's table as "34.5" would be (round 18c),
never "a year and a half" (no number before it) nor "one and a half times as long" (a factor, no figure of a table)."""
_SIZE_FIGURE = re.compile(r"\b(?P<size>(?:extra[\s-])?(?:small|medium|large)|x-?(?:small|large)|xx?[sl])\s+(?:is|are|'s|at|fits?)\s+"
                          r"(?P<n>(?:" + "|".join(_TENS) + r")(?:[\s-](?:" + "|".join(_UNITS) + r"))?|" + "|".join(_TEENS) + r")\b(?![\s-]+(?:and|to|through)\b)", re.I)
"""A size's figure of ten or more in words with no unit after it ("Medium is thirty-five", "Small's fourteen"): the figure it
is ("35"), matched against the source's size table as "35" would be (round 18c); a figure and a half or a range is read before."""
_CENTS = re.compile(r"([$€£]\d+)\s+(?:and\s+(\d{1,2})\s+cents?\b|(" + "|".join(_TENS) + r")(?:[\s-](" + "|".join(_UNITS) + r"))?\b"
                    r"(?=\s*(?:[.,;:!?)]|$|\s+(?:a|an|per|each|every|now|today|instead|in total|altogether)\b)))", re.I)
"""An amount spoken with its cents ("forty-nine dollars and fifty cents", read "$49 and 50 cents"; "forty-nine dollars
fifty", read "$49 fifty"): "$49.50" (round 18c)."""


def _cents(m: re.Match[str]) -> str:
    cents = int(m.group(2)) if m.group(2) else _TENS[m.group(3).lower()] + (_UNITS[m.group(4).lower()] if m.group(4) else 0)
    return f"{m.group(1)}.{cents:02d}"


def _figure(side: str) -> str:
    half = re.search(r"\s+and\s+a\s+half$", side, re.I)
    n = side[:half.start()] if half else side
    if not n.replace(".", "", 1).isdigit():
        words = re.split(r"[\s-]+", n.lower())
        n = str(sum(_TENS.get(w, 0) + _TEENS.get(w, 0) + _UNITS.get(w, 0) for w in words))
    return f"{n}.5" if half else n


def _range(m: re.Match[str]) -> str:
    a, b = m.group("a"), m.group("b")
    if (a[:1].isdigit() and b[:1].isdigit()) or _figure(a) == _figure(b):
        return m.group(0)  # "one to one" is no range
    return _figure(a) + m.group("to") + _figure(b)


_HOUR_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
               "eleven": 11, "twelve": 12}
_DAY_NAMES = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_CLOCK = re.compile(
    r"\b(?P<prep>at|from|until|till|by) (?:(?P<word>" + "|".join(_HOUR_WORDS) + r")|(?P<digit>1[0-2]|0?[1-9]))(?: o'?clock)?"
    r"(?=\s*(?:a\.?m\b|p\.?m\b|in the (?:morning|evening)|sharp\b|on\b|every\b|each\b|until\b|till\b|to\b|and\b|"
    + _DAY_NAMES + r"|[,;!?]|\.(?!\d)|$))", re.I)
"""An hour said as a bare number after "at"/"from"/"until" ("open at nine on Sundays", "from 10
to 6") is a time of day: "9:00", compared with the source's "9:00 am"."""
_DAY = re.compile(r"\b(?i:(" + _DAY_NAMES + r")s?)\b|\b(Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\b\.?")
_UNIT = re.compile(r"[\s-]*(?:(?:full|whole|more|extra|additional|straight|entire|complete) )?(?:(?:business|working|calendar) )?(day|week|month|year|hour|minute)s?\b", re.I)
_HAS_NUMBER = re.compile(r"\d")
_OTHER_DAYS = re.compile(r"\s*(?:(?:on|for|during)\s+)?(?:the\s+|all\s+)?(?:other|remaining)\s+days\b|\s*(?:for\s+)?the\s+rest\s+of\s+the\s+week\b", re.I)


def qualifier(t: str, start: int, end: int, value: str) -> str:
    """What a number is a number of, so true numbers cannot be moved onto other things: a
    duration's unit ("2-year" is not the "2 weeks" of the same passage), a time's weekday
    ("9:00 on Sundays" is not the source's "9:00 am Monday to Saturday"; the day after it in its
    clause, else the one before it in its sentence, else the one after it past a semicolon). "" when the text gives none."""
    if ":" in value:
        after = _DAY.search(t, end, min(len(t), end + 30))
        after = after if after and not _HAS_NUMBER.search(t, end, after.start()) and "." not in t[end:after.start()] else None
        if after and not re.search(r"[,;!?]", t[end:after.start()]):
            return (after.group(1) or after.group(2))[:3].lower()
        before = [m for m in _DAY.finditer(t, max(0, start - 60), start) if not re.search(r"[.;!?]|\d", t[m.end():start])]
        if not before and after:  # past a comma or semicolon: "open at ten in the morning; Monday to Saturday it's nine"
            return (after.group(1) or after.group(2))[:3].lower()
        if len(before) >= 2 and re.fullmatch(r"\s*(?:to|through|thru|till|until|-|–)\s*", t[before[-2].end():before[-1].start()], re.I):
            before.pop()  # "Monday through Saturday it's 9:00 am": a range is named by its first day, as after a time
        day = (before[-1].group(1) or before[-1].group(2))[:3].lower() if before else ""
        # "at ten on Sundays and at nine on the other days": every day but the one named before
        return "!" + day if day and _OTHER_DAYS.match(t, end) else day
    if value[:1].isdigit() and not value.endswith("%"):
        month = _MONTH_NEAR.search(t, max(0, start - 14), start) or _MONTH_AFTER.match(t, end)
        if month and re.fullmatch(r"\d{1,2}", value):
            return month.group(1)[:3].lower()  # "December 15" is a date, not the "15" of "15 days"
        m = _UNIT.match(t, end)
        return m.group(1).lower() if m else ""
    return ""


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
             "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
             "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30}
_MONTH = r"(?:jan|febr)uary|march|april|may|june|july|august|(?:sept|nov|dec)ember|october"
_ORDINAL = (r"(?:(?:twenty|thirty)[\s-])?(?:" + "|".join(_ORDINALS) + r")")
_DATE_WORDS = re.compile(r"\b(?P<m1>" + _MONTH + r")\s+(?:the\s+)?(?P<d1>" + _ORDINAL + r")\b"
                         r"|\b(?:the\s+)?(?P<d2>" + _ORDINAL + r")\s+of\s+(?P<m2>" + _MONTH + r")\b", re.I)
"""A day of the month in words ("March fifteenth", "the twenty-first of June"): a number like
"March 15", so a date no source gives is a figure no source gives."""
_MONTH_NEAR = re.compile(r"\b(" + _MONTH + r")\s+(?:the\s+)?$", re.I)
_MONTH_AFTER = re.compile(r"(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH + r")\b", re.I)


def _date_words(m: re.Match[str]) -> str:
    words = re.split(r"[\s-]+", (m.group("d1") or m.group("d2")).lower())
    day = sum(_TENS.get(w, 0) + _ORDINALS.get(w, 0) for w in words)
    month = m.group("m1") or m.group("m2")
    return f"{month} {day}"


_A_FULL = re.compile(r"\ban? (?:full|whole|entire|complete) (day|week|month|year)\b", re.I)
""""a full year" is "1 year"."""
_MONEY_WORDS = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*-?\s*(?:dollars?|usd|bucks)\b", re.I)
"""An amount in words after its figure ("20 dollars", "a 6-dollar difference": fourteenth round) is "$20"."""
_NOON = re.compile(r"\b(?:noon|midday|midnight)\b", re.I)
_LENGTH_WORDS = re.compile(r"(?<=\d)(?:\s*-?\s*)(?:(inch(?:es)?)|(centimet(?:er|re)s?)|(millimet(?:er|re)s?))\b", re.I)
"""A length's unit in full after its figure ("a 34.5 inch sleeve", "87 centimetres"): written as
the sources abbreviate it ("34.5 in", "87 cm"; ninth round)."""
_SCALE_WORDS = re.compile(r"(?:\b(?P<minus>minus|negative)\s+)?\b(?P<n>\d+(?:\.\d+)?)\s*(?:°\s*|degrees?\s+)?(?P<scale>fahrenheit|celsius|centigrade)\b", re.I)
"""A temperature with its scale in words ("twenty degrees Fahrenheit", "minus seven Celsius"): written
as the sources write it ("20°F", "-7°C"), so the scale's name is no word to check (fourteenth round)."""


def _scale_words(m: re.Match[str]) -> str:
    return ("-" if m.group("minus") else "") + m.group("n") + "°" + ("F" if m.group("scale").lower().startswith("f") else "C")


_PART = r"(?:(?:" + "|".join(_TENS) + r")(?:[\s-](?:" + "|".join(_UNITS) + r"))?|" + "|".join(_TEENS) + "|" + "|".join(_UNITS) + r")"
_PER = r"\s+(?:a|an|per|each|every)\s+(?:month|year|week|item|order|night|person|pair)\b"
_SPOKEN_PRICE = re.compile(
    r"\b(?P<d>" + _PART + r")[\s-](?P<c>(?:oh[\s-])?" + _PART + r")\b(?P<per>" + _PER + r"|\s*/\s*(?:mo|month|yr|year|item)\b|\s+(?:dollars?|bucks)\b)?", re.I)
"""A price as it is spoken ("nine ninety-nine a month", "four ninety-nine per item", "twelve fifty"): dollars, then cents
in words, before what it is paid per or after a word that prices it ("costs nine ninety-nine"). Round 17c: read as the
figure it is ("$9.99 a month"), so a price no source gives is refused as "$9.99" would be, and a faithful one is used."""
_SPOKEN_WHOLE = re.compile(r"\b(?P<lead>is|it's|costs|just|only)\s+(?P<n>(?:" + "|".join(_TENS) + r")(?:[\s-](?:" + "|".join(_UNITS) + r"))?|"
                           + "|".join(_TEENS) + r")\b(?=" + _PER + r")", re.I)
"""A whole price of ten or more said with what it is paid per and no unit ("premium is ninety-nine a year"): "$99 a year"
("the limit is one a month" counts, it prices nothing)."""


_PRICED_BEFORE = re.compile(r"[$€£]\s?\d|\bdollars?\b", re.I)
"""A price said before in the sentence: there "half would be forty-nine fifty" is a price too (round 18c), not a time."""


def _spoken_price(m: re.Match[str]) -> str:
    """ "nine ninety-nine a month" -> "$9.99 a month", where the words are a price (said before what it is paid per, or after a
    word that prices it); left as words otherwise ("at nine thirty" is a time)."""
    start = m.string[max(0, m.start() - 9):m.start()].lower()
    priced = m.group("per") or re.search(r"\b(?:costs?|pay|paying|charges?|charged|just|only)\s$", start) or (
        re.search(r"\b(?:be|is|comes? to|works? out (?:at|to))\s$", start) and _PRICED_BEFORE.search(m.string, 0, m.start()))
    cents = m.group("c").lower()
    oh = cents.startswith("oh")
    dollars, cents_n = int(_figure(m.group("d"))), int(_figure(re.sub(r"^oh[\s-]", "", cents)))
    if not priced or (not oh and cents_n < 10) or (oh and cents_n > 9):
        return m.group(0)
    per = m.group("per") or ""
    if re.match(r"\s+(?:dollars?|bucks)", per, re.I):
        per = ""
    return f"${dollars}.{cents_n:02d}{per}"


@lru_cache(maxsize=8192)
def prepare(text: str) -> str:
    """Number words as digits ("twenty dollars" -> "$20"), Markdown emphasis removed."""
    t = _DATE_WORDS.sub(_date_words, text)
    t = _SPOKEN_WHOLE.sub(lambda m: f"{m.group('lead')} ${_figure(m.group('n'))}", _SPOKEN_PRICE.sub(_spoken_price, t))
    t = _HALF_BARE.sub(lambda m: _figure(m.group(0)), _RANGE.sub(_range, _HALF.sub(lambda m: _figure(m.group(0)), t)))
    t = _COUNT_WORD.sub(_number_word, _NUMWORD.sub(_number_word, t))
    t = _SIZE_FIGURE.sub(lambda m: m.group(0)[:m.start("n") - m.start()] + _figure(m.group("n")), t)
    t = _OF_TOTAL.sub(_of_total, t)
    t = _A_FULL.sub(r"1 \1", t)
    t = _CLOCK.sub(lambda m: f"{m.group('prep')} {_HOUR_WORDS[m.group('word').lower()] if m.group('word') else int(m.group('digit'))}:00", t)
    t = _NOON.sub(lambda m: "12:00 pm" if m.group(0).lower() == "noon" else "12:00 am", t)
    t = _MONEY_WORDS.sub(lambda m: "$" + m.group(1), t)
    t = _CENTS.sub(_cents, t)
    t = _LENGTH_WORDS.sub(lambda m: " in" if m.group(1) else " cm" if m.group(2) else " mm", t)
    t = _SCALE_WORDS.sub(_scale_words, t)
    return t.replace("**", "").replace("__", "")
