"""What a text states, and the source passages a claim may rest on.

**Facts** (:func:`facts_of`): numbers with their unit (and a time with its weekday), amounts,
eligibility words ("free", "unlimited", "waived", "no fee", "today"), colours and materials, and
the actions a text commits to or states, each with the membership levels it is said of.
**Passages** (:func:`split_passages`): the sentences, bullets and table cells of a source, and
each pair of neighbouring sentences of a paragraph (used by :mod:`service.guardrails.claims`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from service.domain.text import sentences
from service.guardrails.case import COLOURS, MATERIALS
from service.guardrails.commitments import NEGATION, acts_in
from service.guardrails.levels import level_groups, level_segments, scope_of
from service.guardrails.kinds import kind_of, signed
from service.guardrails.numbers import prepare, qualifier

_NUMBER = re.compile(r"(?<![\w.])[$€£]?\d+(?:[.,:]\d+)*%?")
_MERIDIEM = re.compile(r"\s?([ap])\.?\s?m\b\.?", re.I)
""""am"/"pm" after a time: part of the number ("9:00 am" and "9:00 pm" are different facts)."""
_KEYWORDS = (
    ("free", re.compile(r"\bfree\b|\bcomplimentary\b|\bat no (?:extra )?(?:cost|charge)\b", re.I)),
    ("unlimited", re.compile(r"\bunlimited\b|\bno time limit\b|\bat any time\b|\banytime\b", re.I)),
    ("waived", re.compile(r"\bwaiv(?:e|ed|es|ing)\b", re.I)),
    ("no-fee", re.compile(r"\bno (?:shipping |extra |delivery )?(?:fee|charge)s?\b", re.I)),
    ("no-receipt", re.compile(r"\bno (?:receipt|proof of purchase)\b[\w ]{0,25}?\b(?:needed|required|necessary)\b|"
                              r"\b(?:don'?t|do not|doesn'?t|does not|won'?t|will not|never) (?:even )?need (?:a |the |your |any )?receipts?\b|"
                              r"\breceipts? (?:is |are )?not (?:needed|required|necessary)\b", re.I)),
    ("final-sale", re.compile(r"\bfinal[- ]sale\b|\bnon-?returnable\b|\bno returns (?:on|for)\b", re.I)),
    ("today", re.compile(r"\btoday\b|\btonight\b|\bsame[- ]day\b", re.I)),
    ("tomorrow", re.compile(r"\btomorrow\b|\bnext[- ]day\b", re.I)),
)
_LOOKED_UP = re.compile(r"\b(?:check|see|view|track|look up)\s+(?:on\s+)?(?:it|that|this|them|(?:your|the)\s+[\w-]+(?:\s+[\w-]+)?)\s+yourself"
                        r"(?:,? (?:any ?time|at any time))$"
                        # eleventh round (fix-11a): the customer's own look-up, "so you can check anytime"; the agent's change of
                        # the customer's details, "I can update that today"; the customer's payment in this contact, "you can pay
                        # all or part of it today" ("you can return it anytime", "your replacement ships today" stay facts)
                        r"|\byou can (?:check|see|view|track|look up)(?: (?:it|that|this|them))?,? (?:any ?time|at any time)$"
                        r"|\b(?:i|we) can (?:update|change|switch) (?:that|it|this|them|your (?:phone number|number|email(?: address)?|details))(?: for you)? today$"
                        r"|\byou can pay (?:all or part of it|all or some of it|it|in full|part of it) today$"
                        # thirteenth round (fix-13c): the day of an action the agent says they can't take ("I can't update the order
                        # today", "... and won't update the order today") is no date claim; the denial is checked as one ("I can update the order today" keeps its day)
                        r"|(?:\b(?:i|we)(?:'m|'re| am| are)?|\band)\s+(?:can'?t|cannot|can not|won'?t|will not|not able to|unable to)\s+(?:[\w-]+\s+){1,4}today$", re.I)
"""When the customer looks something up themselves ("so you can check your subscription yourself anytime"):
no limit of a rule (tenth round); nor is the day of the agent's change of their details or of their own payment, nor of an action the agent denies."""
_DETAIL = re.compile(r"\b(" + "|".join(COLOURS + MATERIALS) + r")\b", re.I)
"""Details that are facts like numbers: a colour or a material stated in a reply must be the one
the source states ("boots ship with black laces" where the article says brown)."""
_BIND_FOLLOWING = re.compile(r"^\s*(?:(?:days?|weeks?|months?|years?)\s+)?(?:for|to|with|on|of)\s+(?:our |all |the |your )?$", re.I)


@dataclass(frozen=True)
class Fact:
    value: str
    scope: frozenset[str] | None
    """The levels the fact is said of; None when the text ties it to no level."""
    start: int = 0
    """Offset in the prepared text (:func:`prepare`)."""
    qual: str = ""
    """A number's unit or a time's weekday (:func:`~service.guardrails.numbers.qualifier`)."""
    kind: str = ""
    """What a number measures: an amount (and per what), a percentage, a temperature, characters (:mod:`~service.guardrails.kinds`)."""


@dataclass
class Passage:
    text: str
    source: str
    context: str = ""
    """Title and heading, counted for the word overlap."""
    scope_hint: frozenset[str] | None = None
    """For a table cell: the level of its column."""
    _facts: list[Fact] | None = field(default=None, repr=False)
    parts: tuple["Passage", ...] = field(default=(), repr=False)
    _segments: list[tuple[frozenset[str] | None, bool]] | None = field(default=None, repr=False)
    """For a passage joined from neighbouring sentences: those sentences (their levels count)."""

    def facts(self) -> list[Fact]:
        if self._facts is None:
            self._facts = facts_of(self.text, default_scope=self.scope_hint, acts="passage")
        return self._facts

    def segments(self) -> list[tuple[frozenset[str] | None, bool]]:
        """(levels, negated) of each part of the passage said of some levels. Parts end at ``;``,
        a sentence end or ", and/but"; a part naming several levels apart is cut at each ("Gold
        members can always get one, Silver members only if ..."). So "Gold members can always
        get an extension, and Silver members can if ...; unfortunately we can't extend Bronze or
        guest subscriptions" is three parts: Gold yes, Silver yes, Bronze and guests no. A
        passage naming no level is one part said of no particular level."""
        if self._segments is None:
            if self.parts:
                self._segments = [seg for part in self.parts for seg in part.segments()]
            else:
                self._segments = level_segments(prepare(self.text), self.scope_hint)
        return self._segments


# ---- facts ---------------------------------------------------------------------------------


def _norm_number(tok: str) -> str:
    t = tok.strip("$€£%").replace(",", ".") if re.fullmatch(r"[$€£]?\d+,\d{1,2}%?", tok) else tok.strip("$€£%").replace(",", "")
    if re.fullmatch(r"\d+\.0+", t):
        t = t.split(".")[0]
    return t


def facts_of(text: str, default_scope: frozenset[str] | None = None, *, acts: str | None = None) -> list[Fact]:
    """Facts of ``text`` with the scope each is said of (nearest level group: the one the fact
    is "for", else the one before it, else the one after it). ``acts``: also the actions it
    commits to (``"claim"``) or states (``"passage"``), as ``act:<verb>`` facts. Memoised like
    :func:`prepare` (the same sentence is read by several checks of one request)."""
    return list(_facts_of(text, default_scope, acts))


@lru_cache(maxsize=8192)
def _facts_of(text: str, default_scope: frozenset[str] | None, acts: str | None) -> tuple[Fact, ...]:
    t = prepare(text)
    groups = level_groups(t)
    found: list[tuple[int, int, str]] = acts_in(t, acts) if acts else []
    kinds: dict[int, str] = {}
    for m in _NUMBER.finditer(t):
        value, end = _norm_number(m.group(0)), m.end()
        kinds[m.start()] = kind_of(t, m.start(), end, m.group(0))
        value = signed(t, m.start(), end, value, kinds[m.start()])
        mer = _MERIDIEM.match(t, end)
        if mer and re.fullmatch(r"\d{1,2}(?::\d{2})?", value):
            value = (value if ":" in value else value + ":00") + mer.group(1).lower() + "m"
            end = mer.end()
        found.append((m.start(), end, value))
    for name, pattern in _KEYWORDS:
        found += [(m.start(), m.end(), name) for m in pattern.finditer(t) if not _LOOKED_UP.search(t[max(0, m.start() - 60):m.end()])]
    found += [(m.start(), m.end(), m.group(1).lower().replace("gray", "grey")) for m in _DETAIL.finditer(t)]
    out: list[Fact] = []
    for start, end, value in found:
        scope = default_scope
        following = [g for g in groups if g[0] >= end and _BIND_FOLLOWING.match(t[end : g[0]]) and g[0] - end <= 12]
        # a level in brackets ("overnight is $20 (free for Gold members), and orders of $75 ...") binds only what is in them
        preceding = [g for g in groups if g[1] <= start and not re.search(r"[.;!?]", t[g[1] : start]) and not _bracketed(t, g, start)]
        # A level after the fact binds it only if no other fact stands between them.
        after = [g for g in groups if g[0] >= end and not re.search(r"[.;!?]", t[end : g[0]]) and not _NUMBER.search(t[end : g[0]])]
        if following:
            scope = following[0][2]
        elif preceding:
            scope = preceding[-1][2]
        elif after:
            scope = after[0][2]
        out.append(Fact(value, scope, start, qualifier(t, start, end, value), kinds.get(start, "")))
    return tuple(out)


def _bracketed(t: str, group: tuple[int, int, frozenset[str]], start: int) -> bool:
    """Is ``group`` inside brackets that close before ``start``?"""
    return t.rfind("(", 0, group[0]) > t.rfind(")", 0, group[0]) and ")" in t[group[1]:start]


# ---- passages ------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
_BARE_ITEM = re.compile(r"^[^\d:;.!?]{1,40}$")
"""A list item that is only a name ("ZIP code", "full name (first and last)")."""
_NEGATIVE_CELL = re.compile(r"^\s*(?:no|none|n/?a|-|—|–|✗|x|not (?:available|included))\s*$", re.I)


def split_passages(text: str, source: str, context: str = "", *, remember: bool = False) -> list[Passage]:
    """Sentences, bullets and table cells (a cell as "<row label> <column header>: <cell>").

    ``remember``: keep the passages per (text, source, context), so every reply checked against
    the same article chunk splits it once and each passage works out its facts once (issue 18:
    this ran per candidate, per request). Only for reviewed content (chunks, the policy), never
    for text filled in with a customer's details."""
    if remember:
        return list(_split_passages(text, source, context))
    return _split(text, source, context)


@lru_cache(maxsize=4096)
def _split_passages(text: str, source: str, context: str) -> tuple[Passage, ...]:
    return tuple(_split(text, source, context))


def _split(text: str, source: str, context: str) -> list[Passage]:
    out: list[Passage] = []
    header: list[str] | None = None
    parents: list[tuple[int, str, list[Passage]]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = [c.strip().replace("**", "") for c in stripped.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            if header is None:
                header = cells
                continue
            if len(cells) != len(header):
                continue
            label = cells[0]
            for col, cell in zip(header[1:], cells[1:], strict=False):
                if not cell or _NEGATIVE_CELL.match(cell):
                    continue  # "No" in a level's column is no support for that level
                out.append(Passage(f"{label} {col}: {cell}", source, f"{context} {header[0]}", scope_of(col)))
            # one entry in several levels' columns ("Removed | Removed") is said of those levels together
            for cell in {c for c in cells[1:] if c and not _NEGATIVE_CELL.match(c) and cells[1:].count(c) > 1}:
                cols = [col for col, c in zip(header[1:], cells[1:], strict=False) if c == cell]
                scope = frozenset().union(*(scope_of(col) or () for col in cols)) or None
                out.append(Passage(f"{label} {' and '.join(cols)}: {cell}", source, f"{context} {header[0]}", scope))
            continue
        header = None
        body = _BULLET.sub("", stripped)
        bullet = body != stripped
        # a nested bullet is read under the bullet it hangs from ("The code is genuinely not valid:"
        # above "Guests: ... nothing we can do"): its parents' words count as its heading (ninth round)
        indent = len(line) - len(line.lstrip())
        parents = [x for x in parents if x[0] < indent] if bullet or not stripped else []
        under = f"{context} {parents[-1][1]}" if bullet and parents else context
        # and a bare item is part of its parent's list ("3 of these 4 details:" above "- ZIP code"); an item
        # that says something of its own ("Gold members: ...") is not
        for parent in parents[-1][2] if bullet and parents and _BARE_ITEM.match(body) and scope_of(body) is None else ():
            parent.context += f" {body}"
        line_scope: frozenset[str] | None = None  # a bullet about Gold is about Gold to its end
        # and its words count for a later sentence that goes on denying ("Apologise; the agent cannot remove it" is
        # said of Bronze members), not for one that offers something else ("the customer can place a new order")
        label = ""
        line: list[Passage] = []
        for s in sentences(body):
            own = scope_of(s)
            if bullet and own is not None and line_scope is None:
                line_scope, label = own, " ".join(prepare(s)[a:b] for a, b, _ in level_groups(prepare(s)))
            denies = own is None and label and NEGATION.search(s)
            line.append(Passage(s, source, f"{under} {label}" if denies else under, None if own is not None else line_scope))
        if bullet:
            parents.append((indent, body, line))
        out += line
        out += _joined(line, whole=bullet)
    return out


def _joined(line: list[Passage], *, whole: bool) -> list[Passage]:
    """A fact an article states over two sentences ("Overnight shipping: $20 per order. Gold
    members have the overnight fee waived."): a bullet is also one passage, and so is each pair of
    neighbouring sentences of a paragraph. Each fact keeps the level its own sentence gives it."""
    if len(line) < 2:
        return []
    groups = [line] if whole else [line[i : i + 2] for i in range(len(line) - 1)]
    out = []
    for group in groups:
        joined = Passage(" ".join(p.text for p in group), group[0].source, group[0].context, None)
        joined._facts = [f for p in group for f in p.facts()]
        joined.parts = tuple(group)
        out.append(joined)
    return out
