"""Claim-level grounding: is every fact a reply states supported by one source passage?

A reply is split into **claims** (sentences) and each claim into **clauses** (at ``;``, ``,``
and ``and/but/or``, ``so`` before a new subject). A clause carries **facts** — numbers (with
their unit, and a time with its weekday: "2-year" is not "2 weeks"), amounts, durations and dates,
eligibility words (``free``, ``unlimited``, ``waived``, ``no fee``, ``today``,
``tomorrow``), colours and materials, and the actions the reply commits to ("I'll refund you",
"your extension is approved": ``act:refund``, ``act:approve``) — and a **scope**: the
membership levels the fact is said of (``Gold``, ``Silver``, ``Bronze``, ``guests``; "members" is every member level, "other members" the levels
not named before, "everyone"/"all customers" every level).

A clause with facts or a scope is supported only by **one passage** (a sentence, bullet, or
one cell of a table row read with its row and column headers) of an in-force source in which

* every fact of the clause appears,
* each fact is said of a scope that covers the clause's (a fact the source states for Gold is
  not support for the same fact said of Bronze, or said of everyone), and
* at least half of the clause's content words appear (with the passage's title and heading).

So true words from different places cannot be stitched into a false claim. A source passage
states an action only where it does not deny or forbid it in the same clause ("Do not promise the
manager will approve an extension" supports no approval). Clauses without
facts need the looser support of the old check: most of their content words in the cited
sources. **Conversational** sentences (greetings, thanks, empathy, offers to help, questions)
need no support, but only while they carry no fact and no commitment word ("refund",
"replacement", "credit", "free"...); then they are claims like any other. In an empathy clause a
day or what the customer waits for ("I'm sorry your refund hasn't shown up yet") is their
situation, not a claim, unless the clause looks ahead. A clause about levels with no fact is
judged by the passages that give its rule level by level, when there are any (:func:`_scope_support`);
a bullet and each pair of neighbouring sentences of a paragraph are passages too.

Every finding names the claim and why it is not supported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from service.domain.text import sentences
from service.guardrails.commitments import acts_in
from service.guardrails.conversational import (
    COMMITMENT_WORD,
    CONVERSATIONAL,
    EMPATHY_HEAD,
    FUTURE,
    HELP_WITH,
    INTERJECTION,
    NAME_ONLY,
    NOUN_PHRASE,
    ASKING,
    VOCATIVE,
    WISH,
    CONTINUATION,
    verbless_exclamation,
    TOPIC,
    small_talk,
)
from service.guardrails.levels import (
    ALL_LEVELS,
    claim_negated,
    level_groups,
    level_segments,
    covers,
    says_universally,
    scope_of,
)
from service.guardrails.numbers import prepare, qualifier

PASSAGE_OVERLAP = 0.5
"""Share of a clause's content words that its one supporting passage must contain."""
UNIVERSAL_OVERLAP = 0.75
"""The same share for a clause said of everyone ("every customer can ..."): the universal
passage must state what the clause states, not just mention customers and returns."""

_NUMBER = re.compile(r"(?<![\w.])[$€£]?\d+(?:[.,:]\d+)*%?")
_MERIDIEM = re.compile(r"\s?([ap])\.?\s?m\b\.?", re.I)
""""am"/"pm" after a time: part of the number ("9:00 am" and "9:00 pm" are different facts)."""
_KEYWORDS = (
    ("free", re.compile(r"\bfree\b|\bcomplimentary\b|\bat no (?:extra )?(?:cost|charge)\b", re.I)),
    ("unlimited", re.compile(r"\bunlimited\b|\bno time limit\b|\bat any time\b|\banytime\b", re.I)),
    ("waived", re.compile(r"\bwaiv(?:e|ed|es|ing)\b", re.I)),
    ("no-fee", re.compile(r"\bno (?:shipping |extra |delivery )?(?:fee|charge)s?\b", re.I)),
    ("no-receipt", re.compile(r"\bno (?:receipt|proof of purchase)\b[\w ]{0,25}?\b(?:needed|required|necessary)\b|"
                              r"\b(?:don'?t|do not|doesn'?t|does not|won'?t|will not) need (?:a |the |your |any )?receipt\b|"
                              r"\breceipts? (?:is |are )?not (?:needed|required|necessary)\b", re.I)),
    ("today", re.compile(r"\btoday\b|\btonight\b|\bsame[- ]day\b", re.I)),
    ("tomorrow", re.compile(r"\btomorrow\b|\bnext[- ]day\b", re.I)),
)
_DETAIL = re.compile(
    r"\b(black|brown|white|gr[ae]y|navy|blue|red|green|beige|tan|pink|purple|yellow|orange|olive|khaki|burgundy|cream|charcoal|"
    r"leather|suede|wool|cotton|denim|nylon|polyester|canvas|rubber|cashmere|linen|fleece|silk|merino)\b", re.I)
"""Details that are facts like numbers: a colour or a material stated in a reply must be the one
the source states ("boots ship with black laces" where the article says brown)."""
_CLAUSE = re.compile(r"\s*(?:;|,|\s(?:and|but|or|while|whereas)\s|\sso\s(?=(?:i|i'[a-z]+|we|we'[a-z]+|you|you'[a-z]+|it|it's|that|that's|this|these|those|they|he|she|"
                     r"there|the|your|our|my|a|an|if|please|just|let|feel|no|any|all|every|each|\d)\b))\s*", re.I)
"""Clauses end at ";", "," and conjunctions; "so" joins clauses only before a new subject ("so
we'll check", not "it's so slow today")."""
_ABOUT_CUSTOMER = re.compile(r"\b(?:ago|you (?:said|mentioned|wrote|bought|ordered|paid)|your (?:order|purchase|package|parcel))\b"
                             # the customer's own figure judged against a rule: "so 3 weeks is fine", "which is still inside the window"
                             r"|\b(?:is|are|'s) (?:still |well )?(?:fine|ok|okay|in time|(?:within|inside|under) (?:the|your) (?:window|limit|time limit))\b", re.I)
_LIST_MARKER = re.compile(r"\s*(?:\(?\d{1,2}[.)]|[a-z][.)]|[-*•])\s*")
"""A list item's number split off as a sentence ("1."): no claim."""
_BIND_FOLLOWING = re.compile(r"^\s*(?:for|to|with|on|of)\s+(?:our |all |the |your )?$", re.I)


@dataclass(frozen=True)
class Fact:
    value: str
    scope: frozenset[str] | None
    """The levels the fact is said of; None when the text ties it to no level."""
    start: int = 0
    """Offset in the prepared text (:func:`prepare`)."""
    qual: str = ""
    """A number's unit or a time's weekday (:func:`~service.guardrails.numbers.qualifier`)."""


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


@dataclass
class ClaimFinding:
    claim: str
    reason: str

    def __str__(self) -> str:
        return f"{self.reason}: {self.claim[:140]!r}"


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
    for m in _NUMBER.finditer(t):
        value, end = _norm_number(m.group(0)), m.end()
        mer = _MERIDIEM.match(t, end)
        if mer and re.fullmatch(r"\d{1,2}(?::\d{2})?", value):
            value = (value if ":" in value else value + ":00") + mer.group(1).lower() + "m"
            end = mer.end()
        found.append((m.start(), end, value))
    for name, pattern in _KEYWORDS:
        found += [(m.start(), m.end(), name) for m in pattern.finditer(t)]
    found += [(m.start(), m.end(), m.group(1).lower().replace("gray", "grey")) for m in _DETAIL.finditer(t)]
    out: list[Fact] = []
    for start, end, value in found:
        scope = default_scope
        following = [g for g in groups if g[0] >= end and _BIND_FOLLOWING.match(t[end : g[0]]) and g[0] - end <= 12]
        preceding = [g for g in groups if g[1] <= start and not re.search(r"[.;!?]", t[g[1] : start])]
        # A level after the fact binds it only if no other fact stands between them.
        after = [g for g in groups if g[0] >= end and not re.search(r"[.;!?]", t[end : g[0]]) and not _NUMBER.search(t[end : g[0]])]
        if following:
            scope = following[0][2]
        elif preceding:
            scope = preceding[-1][2]
        elif after:
            scope = after[0][2]
        out.append(Fact(value, scope, start, qualifier(t, start, end, value)))
    return tuple(out)


# ---- passages ------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
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
            continue
        header = None
        body = _BULLET.sub("", stripped)
        bullet = body != stripped
        line_scope: frozenset[str] | None = None  # a bullet about Gold is about Gold to its end
        line: list[Passage] = []
        for s in sentences(body):
            own = scope_of(s)
            line_scope = own if bullet and own is not None and line_scope is None else line_scope
            line.append(Passage(s, source, context, None if own is not None else line_scope))
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


# ---- claims --------------------------------------------------------------------------------


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of ``text`` (split at ``;``, ``,`` and conjunctions)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _CLAUSE.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans or [(0, len(text))]


_LEAD_IN = re.compile(
    r"^\s*(?:here(?: are|'s| is) (?:a (?:few|couple(?: of)?)|some|what|the|how)\b[^:.!?]{0,60}|(?:try|follow) (?:these|the following)\b[^:.!?]{0,40}"
    r"|(?:a few|some) (?:things|steps|tips|options)\b[^:.!?]{0,40}):\s+(?=\S)",
    re.I,
)
_QUESTION_TIME = frozenset({"today", "tomorrow"})
_LEVEL_WORDS = frozenset({"gold", "silver", "bronze", "guest", "member", "membership", "level", "customer", "everyone", "anyone", "other"})
"""Content words (stemmed as the policy stems them) that only name whom a clause is about."""


def without_lead_in(sentence: str) -> str:
    """A list lead-in ("Here are a few things to try: ...") joined to its first item is no claim:
    the item is checked on its own."""
    m = _LEAD_IN.match(sentence)
    return sentence[m.end():] if m and not facts_of(m.group(0)) else sentence


def asserted_facts(sentence: str, facts: list[Fact]) -> list[Fact]:
    """A question asserts nothing about when: "Would you like to start the return today?" states
    no fact "today" (numbers and eligibility words in a question still count)."""
    if sentence.rstrip().rstrip("\"')").endswith("?"):
        return [f for f in facts if f.value not in _QUESTION_TIME]
    return facts


def is_conversational(sentence: str) -> bool:
    """Greeting, thanks, empathy, an offer, an exclamation, a list lead-in, small talk or a
    question, with no fact and no commitment. In a clause of empathy ("I'm sorry your refund
    hasn't shown up yet") a commitment word or a day is the customer's situation, not a claim;
    the object of an offer to help ("I can help with a refund") is its topic. Numbers, levels and
    eligibility words ("free", "waived") are claims wherever they stand."""
    s = sentence.strip().strip("\"'")
    rest = INTERJECTION.sub("", s)
    interjected = rest != s and bool(rest.strip())
    s = rest if rest.strip() else s
    if scope_of(s) is not None or not _excused(s):
        return False
    if interjected and NAME_ONLY.match(s):
        return True  # "Good news, Kwame!"
    s = VOCATIVE.sub("", s)
    if _turns(s):
        return False
    return (bool(CONVERSATIONAL.match(s)) or (s.endswith("?") and len(s.split()) <= 25) or asks(s) or small_talk(s)
            or verbless_exclamation(s) or _empathy(s))


TURN = re.compile(r"^\W*(?:but|however|unfortunately|sadly|though|although|yet|except|that said)\b[\s,]*", re.I)


def _turns(s: str) -> bool:
    """A courtesy that turns to a statement ("I'm sorry, but we don't accept returns on sale
    items"): the turned clause is judged on its own, and the sentence is conversational only if
    that clause is too ("Sorry about that, but let me check for you")."""
    spans = clause_spans(s)
    for a, b in spans[1:]:
        m = TURN.match(s[a:b])
        if m and not is_conversational(s[a + m.end():b]):
            return True
    return False


def asks(s: str) -> bool:
    """A request for details that introduces a list ("To set that up, could you send me:")."""
    return s.rstrip().endswith(":") and bool(ASKING.search(s)) and len(s.split()) <= 25


def _empathy(s: str) -> bool:
    """An empathy clause followed only by clauses that go on describing the customer's situation
    ("..., especially after checking with your neighbours"); a clause of its own ("but ...",
    "so we'll ...") is a claim."""
    spans = clause_spans(s)
    return (len(s.split()) <= 30 and bool(EMPATHY_HEAD.match(s[spans[0][0]:spans[0][1]]))
            and all(CONTINUATION.match(s[a:b]) for a, b in spans[1:]))


def _excused(s: str) -> bool:
    """No fact and no commitment word outside what an empathy clause or an offer to help may carry."""
    t = prepare(s)
    facts = asserted_facts(t, facts_of(t))
    commitments = list(COMMITMENT_WORD.finditer(t))
    if not facts and not commitments:
        return True
    spans = clause_spans(t)
    # An empathy clause that looks ahead ("I understand, it will arrive tomorrow") is a promise.
    empathy = [(a, b) for a, b in spans if EMPATHY_HEAD.match(t[a:b]) and not FUTURE.search(t, a, b)]
    helping = []
    for i, (a, b) in enumerate(spans):
        m = HELP_WITH.search(t, a, b)
        if m:
            # "help with a refund or a replacement": the object runs on over bare noun phrases.
            end = b
            for na, nb in spans[i + 1:]:
                if not NOUN_PHRASE.match(t[na:nb]):
                    break
                end = nb
            helping.append((m.end(), end))

    def inside(pos: int, where: list[tuple[int, int]]) -> bool:
        return any(a <= pos < b for a, b in where)

    wished = [(m.end(), b) for a, b in spans for m in [WISH.search(t, a, b)] if m]
    return (all(f.value in _QUESTION_TIME and inside(f.start, empathy) for f in facts)
            and all(inside(m.start(), helping) or (TOPIC.match(m.group(0)) and inside(m.start(), empathy + wished)) for m in commitments))


@dataclass
class ClaimCheck:
    findings: list[ClaimFinding]
    supports: list[float]


def check_claims(
    sentences: Sequence[str],
    passages: Sequence[Passage],
    *,
    content_words: "callable",  # type: ignore[valid-type]
    loose_support: "callable",  # type: ignore[valid-type]
    exempt_numbers: Iterable[str] = (),
) -> ClaimCheck:
    """Check each sentence. A sentence that is not conversational needs most of its content
    words in the cited sources (``loose_support(words) -> share``, at least 0.6); each of its
    clauses that states a fact or a scope needs one passage (:func:`_best_passage`).
    ``exempt_numbers`` are numbers the customer stated (not amounts) or known facts (an order
    id), which a reply may repeat."""
    exempt = set(exempt_numbers)
    findings: list[ClaimFinding] = []
    supports: list[float] = []
    asking = False
    for sentence in sentences:
        sentence = without_lead_in(sentence)
        item = _LIST_MARKER.match(sentence)
        # The items of a question's list ("could you send me: - why you'd like to refund the skirt,")
        # are parts of the question.
        if item and asking and _excused(sentence[item.end():]) and not FUTURE.search(sentence):
            continue
        if _LIST_MARKER.fullmatch(sentence) or is_conversational(sentence):
            asking = asking if item else sentence.rstrip().endswith((":", "?"))
            continue
        asking = asking and bool(item)
        words = content_words(prepare(sentence))  # "ninety-nine dollars" is a number, not three words
        if words:
            share = loose_support(words)
            supports.append(share)
            if share < 0.6:
                findings.append(ClaimFinding(sentence, f"not supported by the cited sources (support {share:.2f})"))
                continue
        text = prepare(sentence)
        sentence_facts = asserted_facts(text, facts_of(text, acts="claim"))
        for start, end in clause_spans(text):
            clause = text[start:end]
            # The customer's own numbers may be repeated about the customer ("two months ago"),
            # never turned into a policy ("Silver members can return within 60 days").
            about_customer = bool(_ABOUT_CUSTOMER.search(clause))
            local = [f for f in sentence_facts if start <= f.start < end
                     and not (f.value in exempt and (f.scope is None or about_customer))]
            scope = scope_of(clause)
            if not local and scope is None:
                continue
            cwords = content_words(clause)
            # A bare list of levels ("Bronze members" before "and guests can't") says nothing either way.
            negated = None if cwords <= _LEVEL_WORDS else claim_negated(text, start, end)
            best, why = _best_passage(local, scope, cwords, passages, content_words,
                                      universal=says_universally(clause), negated=negated)
            supports.append(best)
            if why:
                findings.append(ClaimFinding(clause, why))
    return ClaimCheck(findings, supports)


def _same_fact(fact: Fact, claimed: Fact) -> bool:
    """A time said without am/pm ("9:00") matches the source's "9:00am"; "9:00pm" does not. A
    unit or a weekday both sides give must be the same ("2-year" is not "2 weeks")."""
    if fact.qual and claimed.qual and fact.qual != claimed.qual:
        return False
    source, claim = fact.value, claimed.value
    return source == claim or (re.fullmatch(r"\d{1,2}:\d{2}", claim) is not None and source[:-2] == claim and source[-2:] in ("am", "pm"))


def _best_passage(facts: list[Fact], scope: frozenset[str] | None, words: frozenset[str], passages: Sequence[Passage],
                  content_words: "callable", *, universal: bool = False, negated: bool | None = None) -> tuple[float, str]:  # type: ignore[valid-type]
    """The best single passage for a clause. A clause that says something of everyone in so many
    words (``universal``) is supported only by a passage that also says it of everyone."""
    if not facts and scope is not None:
        return _scope_support(scope, words, passages, content_words, universal=universal, negated=negated)
    best_overlap = 0.0
    reasons: list[str] = []
    # An action the sources grant level by level ("Gold and Silver: the fee is always removed"):
    # a passage naming no level ("Company error: remove the fee") is no support for granting it to
    # a level none of them grants it to.
    leveled = set()
    for f in facts:
        if f.value.startswith("act:") and f.scope is not None:
            given = [x.scope for p in passages for x in p.facts() if x.value == f.value and x.scope not in (None, ALL_LEVELS)]
            if given and not any(covers(g, f.scope) for g in given):
                leveled.add(f.value)
    # A passage naming no level ("You can ask us to cancel at any time") states it of everyone,
    # unless a source gives one of the clause's facts to particular levels.
    plain = scope == ALL_LEVELS and not any(_same_fact(x, f) and x.scope not in (None, ALL_LEVELS)
                                            for p in passages for x in p.facts() for f in facts)
    for p in passages:
        pf = p.facts()
        ok = True
        for f in facts:
            candidates = [x for x in pf if _same_fact(x, f) and not (x.scope is None and f.value in leveled)]
            if not candidates:
                ok = False
                break
            if not any(covers(x.scope, f.scope) for x in candidates):
                ok = False
                said = sorted({lvl for x in candidates for lvl in (x.scope or ())})
                reasons.append(f"{f.value} is stated for {', '.join(said) or 'no level'} in {p.source}, not for "
                               f"{', '.join(sorted(f.scope)) if f.scope else 'everyone'}")
                break
        if not ok:
            continue
        if scope == ALL_LEVELS and not (plain and all(lv is None for lv, _ in p.segments())) and (
                all(lv != ALL_LEVELS for lv, _ in p.segments()) or (universal and not says_universally(p.text))):
            continue  # "any customer can ...": only a source that says so of everyone supports it
        pwords = content_words(f"{p.context} {p.text}")
        overlap = len(words & pwords) / len(words) if words else 1.0
        best_overlap = max(best_overlap, overlap)
        if overlap >= (UNIVERSAL_OVERLAP if universal else PASSAGE_OVERLAP):
            return overlap, ""
    if reasons:
        return best_overlap, reasons[0]
    missing = ", ".join(f.value.replace("act:", "a commitment to ") + (f" ({f.qual})" if f.qual else "") for f in facts) or "its scope"
    if best_overlap:
        return best_overlap, f"no single in-force source passage states {missing} in these words (best overlap {best_overlap:.2f})"
    return 0.0, f"no in-force source passage states {missing}" + (f" for {', '.join(sorted(scope))}" if scope else "")


def _scope_support(scope: frozenset[str], words: frozenset[str], passages: Sequence[Passage], content_words: "callable", *,  # type: ignore[valid-type]
                   universal: bool, negated: bool | None) -> tuple[float, str]:
    """A clause about some levels that states no fact ("Any member who is late can get an
    extension"). The passages on its topic decide; when some of them state it level by level,
    only those do (a general sentence of the same article is no support for a level it treats
    differently), and one part of one of them must be said of all the clause's levels, with
    the same polarity (what a passage denies a level is no support for granting it)."""
    need = UNIVERSAL_OVERLAP if universal else PASSAGE_OVERLAP
    best = 0.0
    on_topic: list[tuple[Passage, float]] = []
    for p in passages:
        if p.parts:
            continue  # joined sentences are for facts stated over two sentences, not for levels
        pwords = content_words(f"{p.context} {p.text}")
        overlap = len(words & pwords) / len(words) if words else 1.0
        best = max(best, overlap)
        if overlap >= need:
            on_topic.append((p, overlap))
    leveled = [(p, o) for p, o in on_topic if any(lv is not None for lv, _ in p.segments())]
    for p, overlap in leveled or on_topic:
        if scope == ALL_LEVELS and (all(lv != ALL_LEVELS for lv, _ in p.segments()) or (universal and not says_universally(p.text))):
            continue
        if any(covers(lv, scope) and (negated is None or neg == negated) for lv, neg in p.segments()):
            return overlap, ""
    levels = ", ".join(sorted(scope))
    if leveled:
        return best, f"the sources state this level by level, and none says it of {levels} (nor with the same polarity)"
    return best, f"no in-force source passage states it for {levels}"
