"""Figures a reply works out from the customer's and the sources' figures (issue 13, ninth round).

The claim check (:mod:`service.guardrails.claims`) asks a source passage for every figure of a
clause; a figure the reply works out in front of the customer is their case, not a rule, when the
working holds:

* a **total** ("That's $25 in total") equal to the sum of the amounts the reply has stated before
  it (a rate, "$5 per item", counted once, or as its multiple where the reply gives one: "three
  items come to $15");
* a **share or multiple** of an amount the same sentence states, by a factor the customer gave
  ("can I pay half now?": "$99 a year ..., so $49.50 now"; "charged me twice, $198": "$198
  instead of $99");
* the **difference or sum** of a customer's amount and one the reply stated before it ("you paid
  $198 instead of $99, so you were overcharged $99"), and the customer's amounts as its terms said in
  words ("$150 minus $99", "goes up from $100": round 17d);
* a **conversion** of a temperature the same sentence states ("20°F, which is around -7°C"), or of
  a length the customer or a source gives, rounded as written ("87 cm is roughly 34.3 inches");
* a source's price times the customer's **count**, digits or words ("for three presents": "$5 per
  item, so fifteen dollars for three"; :func:`counted_items`);
* the customer's own figure **compared** with the rule's the right way round ("Ten days is more
  than the 7 it should take"; "three days is more than the 7" is refused: its figure is then
  checked like any other);
* a **count** of the options the reply lists after it, where a source gives that count for
  them ("3 ways: mail, in store, or a drop-off center"; :mod:`service.guardrails.counts`), or a
  selection from a list a source gives with the same figures ("3 of these 4 details");
* the customer's charge said back with "the" in a clause that commits to nothing, where the
  sentence commits only on a condition ("I'll check whether the $6 was an error; if so, I'll
  remove it").

A wrong working ("$30 in total" for $15 and $10, "$45 now" for half of $99) explains nothing: the
figure is then checked like any other, and no source states it. Said of a level, a worked amount
is the case of that level only where the reply addressed the customer as it ("as a Silver member
you qualify for the refund of the $6").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from service.guardrails.case import source_amounts, spelled_counts
from service.guardrails.commitments import acts_in
from service.guardrails.counts import counts_its_list, selected_from
from service.guardrails.numbers import prepare
from service.guardrails.rewordings import as_sources_say

FACTOR_WORDS = frozenset({"half", "halv", "twic", "doubl", "third", "quarter"})
"""The customer's words (stemmed as the checks stem them) that name a factor."""
_FACTORS = {"half": (0.5,), "halv": (0.5,), "twic": (2.0, 0.5), "doubl": (2.0, 0.5), "third": (1 / 3,), "quarter": (0.25,)}
_MONEY = re.compile(r"[$€£]\s?(\d[\d,]*(?:\.\d+)?)")
_TOTAL = re.compile(r"\b(?:in (?:extras|fees|charges|add-ons)|in total|total(?:s|ling)?|altogether|all together|in all|combined|overall|comes? to|come out (?:at|to)|adds? up to|makes?)\b", re.I)
_RATE = re.compile(r"\s*(?:per|a|an|each|every|/)\s*(?:item|pair|shirt|piece|one|order|person|name|bag|box|unit)\b|\s+each\b", re.I)
_TIMES = re.compile(r"\d\s*(?:[×x*]|times)\s*$", re.I)
"""The count before a price in a worked product ("2 × $5 = $10"): the price is a rate there, its product the term (fourteenth round)."""
_THRESHOLD = re.compile(r"\b(?:over|above|below|under|from|at least|more than|less than|up to|orders? of)\s*$", re.I)
_DEFINITE = re.compile(r"\b(?:the|that|this|your|those|these)\s+(?:[\w-]+\s+)?$", re.I)
_CONDITIONAL = re.compile(r"\b(?:if|once|when|unless|provided|in case)\b", re.I)
_COUNT = re.compile(r"(?<![\d.$€£])\b(\d{1,2})\b(?![\d.%])")
_SUPPOSE = re.compile(r"\bif\s+your\s+(?:[\w-]+\s+){1,2}?(?:is|was|were|comes? to|totals?)\s+(?:(?:at|only|just|about|around|worth)\s+)?"
                      r"[$€£]\s?(\d+(?:\.\d+)?)(?![\d.])", re.I)
"""A case the reply supposes of the customer ("if your basket is at $70")."""
_SHORT = re.compile(r"\b(?:add|adding|another|extra|short(?:\s+by)?|need|needs|spend(?:ing)?|top(?:ping)?\s+up(?:\s+by)?)\s+(?:(?:just|only|at least)\s+)?(?:an?\s+)?(?:extra\s+|further\s+|more\s+)?$", re.I)
"""What the supposed case still needs ("adding $5", "another $5")."""
_DEGREES = re.compile(r"([-−]?)\s?(\d+(?:\.\d+)?)\s?°?\s?([fc])\b", re.I)
_LENGTH = re.compile(r"(\d+(?:\.\d+)?)\s?(cm|mm|in|ft|m)\b(?!\s+(?:the|a|an|your|our|stock|store|total|all)\b)")
_TO_CM = {"cm": 1.0, "mm": 0.1, "in": 2.54, "ft": 30.48, "m": 100.0}
_METRIC = frozenset({"cm", "mm", "m"})
_CONVERSION = re.compile(r"^\W*(?:(?:so|and|which|that|or)\s+)?(?:your\s+|the\s+)?\d+(?:\.\d+)?\s?(?:cm|mm|in|ft|m)\s*(?:\(|,\s*)?"
                         r"(?:is|are|'s|=|equals|comes to|works out (?:at|to)|or|which is|that'?s)?\s*\d+(?:\.\d+)?\s?(?:cm|mm|in|ft|m)\W*$", re.I)
"""A clause that only says a length in the other system ("87 cm is roughly 34.3 inches")."""
_COMPARED = re.compile(r"^\W*(?:(?:so|and|but)\s+)?(?P<a>\d+(?:\.\d+)?)\s*(?:days?|weeks?|months?|years?|hours?)?\s+(?:is|are|'s)\s+(?:already\s+|well\s+|a (?:bit|little)\s+|just\s+)?"
                       r"(?P<cmp>more|longer|less|shorter|fewer)\s+than\s+(?:the\s+|our\s+|your\s+)?(?P<b>\d+(?:\.\d+)?)\b", re.I)
HEDGE = re.compile(r"\b(?:around|about|roughly|approximately|approx|nearly|almost|some|just (?:under|over))\s+(?=[-−$€£]?\d)", re.I)
"""A figure's hedge ("around -7°C"): no content word of the claim."""
_UNDER = re.compile(r"\b(?:under|below)(?=\s+[$€£]?\d)", re.I)
"""A limit in other words ("under $10" is "less than $10")."""
FRAMING = re.compile(r"\b(?:in total|total|altogether|difference|overcharged|undercharged|(?<!and a )half|twice)\b", re.I)
"""The words of a working ("That's $25 in total"): left out of the loose word check; "and a half" is part of a figure (twelfth round)."""


_COUNT_WORDS = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
                "eleven": "11", "twelve": "12"}
_COUNTED = re.compile(r"\b(" + "|".join(_COUNT_WORDS) + r")\s+(?!(?:days?|weeks?|months?|years?|hours?|minutes?|times?|of|or|and|to)\b)[a-z]", re.I)

_BOTH = re.compile(r"\bboth\s+(?:of\s+)?(?:my|the|these|those|our)?\s*[a-z]+", re.I)


def counted_items(text: str) -> frozenset[str]:
    """The counts of things the customer spells out ("gift wrapping for three presents": "3"), as
    digits: their count, like "3 presents", for a price times their count ("so fifteen dollars for
    three"; ninth round). Durations ("three days") are left out."""
    both = {"2"} if _BOTH.search(text) else set()  # "both of my pairs": two of them
    return frozenset(_COUNT_WORDS[m.group(1).lower()] for m in _COUNTED.finditer(text)) | both


_SAID_BACK = re.compile(r"\b((?:the|that|this|your|those|these)\s+(?:[\w-]+\s+)?)[$€£]\s?(\d[\d,]*(?:\.\d+)?)\b(?![.,]\d)", re.I)


def without_their_amounts(text: str, case: Iterable[str], asked: Iterable[str] = ()) -> str:
    """``text`` without the customer's own amounts said back with "the" ("I'm sorry I can't refund
    the $12 difference": "... the difference"), never one they ask for: a courtesy that carries
    their figure is still a courtesy, and a commitment or a fact in it is still read (ninth round)."""
    theirs = {x for x in map(_num, case) if x is not None} - {x for x in map(_num, asked) if x is not None}
    if not theirs:
        return text
    return _SAID_BACK.sub(lambda m: m.group(1) if _num(m.group(2)) in theirs else m.group(0), text)


def without_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the clauses at ``spans`` left out (the customer's own figures said back), what is
    left read as one: "You mentioned $129 billed ...; could you confirm those figures?": "could you confirm those figures?"."""
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    return text.strip(" ;,")


def plain(text: str) -> str:
    """``text`` for the word checks: a figure's hedge left out, a limit said as the sources say it."""
    return as_sources_say(_UNDER.sub("less than", HEDGE.sub(" ", text)))  # "stays the same": "does not change"


_OPERATORS = re.compile(r"\b(?:plus|minus|less|added|adding|take away|taken off|(?:goes|going|go|went|moves?|rises?|comes?)\s+(?:up\s+|down\s+)?(?:from|to)"
                        r"|(?:up|down)\s+(?:from|to)|becomes?|brings?\s+(?:it|that|this|the\s+\w+)\s+(?:up\s+)?to)\b", re.I)
"""The operators of a working said in words ("$198 minus $99", "the $25 belt added", "goes from $60 to $85")."""


def operator_words(clause: str) -> str:
    """The operators of the working ``clause`` states ("With the $25 belt added, your refund goes from $60 to $85":
    "added goes from"): in a clause of the customer's figures and their working they are its arithmetic, no
    claim of the sources (round 17d)."""
    return " ".join(m.group(0) for m in _OPERATORS.finditer(clause))


def only_worked(facts: Sequence[Any], text: str) -> bool:
    """Are ``facts`` (those of one clause of the prepared sentence ``text``, none of them left to a
    source) amounts only, no action nor eligibility word among them? Then the clause only says the
    customer's figures or a working on them ("$198 minus $99, so $99 back to you"): the level the
    reply addressed before is not carried into it, as their case is no rule of that level (round
    17d). A wrong working ("so $109 back to you") leaves its figure to the sources and is refused there."""
    return bool(facts) and all(text[f.start:f.start + 1] in "$€£" for f in facts)


def in_their_working(value: str, start: int, clause: str, text: str, case: Iterable[str], asked: Iterable[str] = ()) -> bool:
    """Is the customer's own amount ``value`` at ``start`` of the prepared sentence ``text`` a term of a
    right working the sentence shows ("Your current refund is $64 and the socks cost $12, so the refund
    will become $76": 64 + 12)? Said back in a clause that commits to nothing, it is their figure, not
    a price the sources must give (round 18c). A wrong result ("will become $80"), an amount they ask
    for, or their figure in a promise ("we'll refund the $12 today") is no such term."""
    x, mine = _num(value), {v for v in map(_num, case) if v is not None}
    if x is None or x not in mine or value in set(asked) or acts_in(clause, "claim"):
        return False
    results = [v for m in _MONEY.finditer(text) if m.start() != start and (v := _num(m.group(1))) is not None and v not in mine]
    others = sorted(mine - {x})[:6]
    sums = {x + sum(c for i, c in enumerate(others) if k >> i & 1) for k in range(1, 2 ** len(others))}  # "$64, $12 and $8: $84"
    return any(_close(r, t) for r in results for t in sums | {abs(x - c) for c in others})


def _num(v: str) -> float | None:
    try:
        return float(v.replace(",", ""))
    except ValueError:
        return None


def _degrees(m: re.Match[str]) -> tuple[float, str]:
    return float(m.group(2)) * (-1.0 if m.group(1) else 1.0), m.group(3).lower()


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 0.005


class Workings:
    """What one reply has stated so far, and the customer's figures, to check its workings against."""

    def __init__(self, case_amounts: Iterable[str] = (), exempt: Iterable[str] = (), asked_words: frozenset[str] = frozenset(),
                 passages: Sequence[Any] = (), asked_amounts: Iterable[str] = ()) -> None:
        self.case = {x for x in map(_num, case_amounts) if x is not None}
        self.asked = frozenset(asked_amounts)
        self.exempt = frozenset(exempt)
        self.factors = {f for w in asked_words & FACTOR_WORDS for f in _FACTORS[w]}
        self.passages = passages
        self._sources: set[float] | None = None
        self._degrees: set[tuple[float, str]] | None = None
        self._lengths: set[tuple[float, str]] | None = None
        self.before: list[str] = []
        self._current: str | None = None

    @property
    def sources(self) -> set[float]:
        """The amounts the sources give (read once, when a working needs them)."""
        if self._sources is None:
            self._sources = {x for x in map(_num, source_amounts(self.passages)) if x is not None}
        return self._sources

    @property
    def degrees(self) -> set[tuple[float, str]]:
        """The temperatures the sources give, as (value, unit): only these may be converted."""
        if self._degrees is None:
            self._degrees = {_degrees(m) for p in self.passages if "°" in p.text for m in _DEGREES.finditer(prepare(p.text))}
        return self._degrees

    @property
    def current(self) -> str:
        """The sentence (prepared) being checked."""
        return self._current or ""

    def begin(self, text: str) -> None:
        """The next sentence (prepared) is checked: the amounts of the ones before it were stated before its own."""
        if self._current is not None:
            self.before.append(self._current)
        self._current = text

    def explains(self, value: str, qual: str, start: int, clause: str, text: str) -> bool:
        """Is the figure ``value`` at ``start`` of the prepared sentence ``text`` a working the reply shows?"""
        x = _num(value)
        if x is None:
            return False
        money = text[start:start + 1] in "$€£"
        if money:
            return (self._total(x, clause, text, start) or self._share(x, text, start) or self._their_difference(x, text, start)
                    or self._said_back(value, clause, text, start) or self._supposed(x, text, start) or self._operand(x, text, start))
        return (self._converted(x, text, start) or self._length(x, text, start) or self._compared(x, clause) or counts_its_list(text, start, self.passages)
                or selected_from(text, start, self.passages))

    def _amounts(self, text: str) -> list[tuple[float, bool]]:
        """(amount, is a rate) of ``text``, thresholds left out ("orders over $75")."""
        out = []
        for m in _MONEY.finditer(text):
            if _THRESHOLD.search(text, max(0, m.start() - 14), m.start()):
                continue
            out.append((float(m.group(1).replace(",", "")), bool(_RATE.match(text, m.end()) or _TIMES.search(text, max(0, m.start() - 8), m.start()))))
        return out

    def _total(self, x: float, clause: str, text: str, start: int) -> bool:
        if not _TOTAL.search(clause):
            return False
        said = self._amounts(" ".join([*self.before, text[:start]]))
        terms = []
        for i, (a, rate) in enumerate(said):
            later = [b for b, per in said[i + 1:] if not per]  # "$10 per item" after "$5 per item" is a second price (fix-10b)
            if rate and any(_close(b, a * n) for b in later for n in range(2, 21)):
                continue  # "$5 per item, so three items come to $15": the multiple is the term
            terms.append(a)
        if len(terms) >= 2 and _close(sum(terms), x):
            return True
        # the rates said before, for a count the sentence names before the total ("$5 per item and $10 per item, so two
        # wrapped, stitched sweaters would come to $30"): the working holds only for that product
        counts = {int(n) for n in spelled_counts(text[:start]) | set(_COUNT.findall(text[:start])) if 1 < int(n) <= 20}
        return bool(terms) and all(per for _, per in said) and any(_close(sum(terms) * n, x) for n in counts)

    def _supposed(self, x: float, text: str, start: int) -> bool:
        """A figure the reply supposes of the customer's own case ("if your basket is at $70"), or
        its difference with an amount a source gives ("..., adding $5 or more would get you free
        shipping" against "$75 or more"): a case put to them states no rule. What the reply then
        says of that case is judged as said of their own amounts
        (:func:`~service.guardrails.amount_thresholds.broken_amount_threshold`)."""
        supposed = {float(m.group(1)) for m in _SUPPOSE.finditer(text)}
        return any(_close(s, x) and m.start() <= start < m.end() for m in _SUPPOSE.finditer(text) for s in [float(m.group(1))]) or any(
            _close(abs(s - a), x) for s in supposed for a in self.sources) and _SHORT.search(text, max(0, start - 30), start) is not None

    def _operand(self, x: float, text: str, start: int) -> bool:
        """The customer's own amount as a term of a working said in words ("$150 minus $99", "the $25 belt added"):
        their figure, the working's result checked as ever (round 17d)."""
        if not any(_close(x, c) for c in self.case):
            return False
        end = (m := _MONEY.match(text, start)) and m.end() or start
        return bool(_OPERATORS.search(text, max(0, start - 12), start) or _OPERATORS.match(text, end + 1) or _OPERATORS.match(text, end))

    def _share(self, x: float, text: str, start: int) -> bool:
        base = [a for a, _ in self._amounts(text[:start] + " " + text[start + 1:]) if a in self.sources | self.case]
        return any(_close(a * f, x) for a in base for f in self.factors)

    def _their_difference(self, x: float, text: str, start: int) -> bool:
        said = [a for a, _ in self._amounts(" ".join([*self.before, text[:start]]))] + sorted(self.case)
        return any(_close(abs(c - a), x) or _close(c + a, x) for c in self.case for a in said if not _close(a, c))

    def _said_back(self, value: str, clause: str, text: str, start: int) -> bool:
        """Their own charge said back with "the" in a clause that commits to nothing, beside a commitment made on a condition."""
        if _num(value) not in self.case or value in self.asked or not _DEFINITE.search(text, max(0, start - 30), start) or acts_in(clause, "claim"):
            return False
        rest = text.replace(clause, " ")
        return bool(acts_in(rest, "claim")) and bool(_CONDITIONAL.search(rest))

    def _converted(self, x: float, text: str, start: int) -> bool:
        here = _DEGREES.match(text, start - 1 if start and text[start - 1] in "-−" else start)
        if not here:
            return False
        sign = -1.0 if here.group(1) else 1.0
        unit = here.group(3).lower()
        for m in _DEGREES.finditer(text):
            if m.start() == here.start() or m.group(3).lower() == unit:
                continue
            other, _ = _degrees(m)
            if (other, m.group(3).lower()) not in self.degrees:
                continue  # "0F (-18C)": two figures no source gives do not vouch for each other
            want = (other - 32) * 5 / 9 if unit == "c" else other * 9 / 5 + 32
            if abs(sign * x - want) <= 1.0:
                return True
        return False

    @property
    def lengths(self) -> set[tuple[float, str]]:
        """The lengths the sources give, as (value, unit)."""
        if self._lengths is None:
            self._lengths = {(float(m.group(1)), m.group(2)) for p in self.passages for m in _LENGTH.finditer(prepare(p.text))}
        return self._lengths

    def _length(self, x: float, text: str, start: int) -> bool:
        """A length in the other system (cm and inches) of one the customer or a source gives in the
        same sentence, rounded as written: "87 cm is roughly 34.3 inches" (34.25), never "36 inches"."""
        here = _LENGTH.match(text, start)
        if not here:
            return False
        unit = here.group(2)
        places = len(here.group(1).partition(".")[2])
        for m in _LENGTH.finditer(text):
            other, ounit = float(m.group(1)), m.group(2)
            if m.start() == start or (ounit in _METRIC) == (unit in _METRIC):
                continue
            if m.group(1) not in self.exempt and (other, ounit) not in self.lengths:
                continue  # two figures no one gave do not vouch for each other
            want = other * _TO_CM[ounit] / _TO_CM[unit]
            if abs(x - want) <= max(0.5 * 10 ** -places, 0.01 * want):
                return True
        return False

    def converts_length(self, clause: str) -> bool:
        """Does the clause only say a length in the other system, rightly (:meth:`_length`)?"""
        c = prepare(plain(clause))
        return bool(_CONVERSION.match(c)) and any(self._length(float(m.group(1)), c, m.start()) for m in _LENGTH.finditer(c))

    def _compared(self, x: float, clause: str) -> bool:
        m = _COMPARED.match(clause)
        if not m or not _close(float(m.group("a")), x) or m.group("a") not in self.exempt:
            return False
        a, b = float(m.group("a")), float(m.group("b"))
        more = m.group("cmp").lower() in ("more", "longer")
        return a > b if more else a < b
