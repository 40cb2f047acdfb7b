"""Claims built from a passage's own words that say the opposite of it.

Word overlap cannot see these: the reply borrows the passage's words and drops the part that
limits them. Three forms, each read on the passage that the claim restates:

* **an exception denied** — the source says "our jackets are machine washable, except wool-blend
  styles, which are dry clean only"; the reply says "all our jackets, including the wool-blend
  styles, are machine washable" (the excepted thing given the rule) or "all our jackets are dry
  clean only" (the exception given to everything) (:func:`denied_exception`);
* **a capability denied** — the source says "we can't look up your current password" or "normal
  wear and tear is not covered"; the reply says "I can look up your current password" or "normal
  wear and tear is covered": a clause stating that something can be done (or is covered, included,
  allowed...), whose words are found together in a passage part that says it cannot, and in no
  part that does not (:func:`denied_capability`);
* **a figure of another label** — the source lists "Small 33 in, Medium 34 in, Large 35 in"; the
  reply says "Medium shirts have a 35-inch sleeve": a number the source pairs with one label,
  said of another label of the same list (:func:`mislabelled`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from service.guardrails.commitments import NEGATION

Words = Callable[[str], frozenset[str]]


class _Passage(Protocol):
    text: str
    source: str
    parts: tuple


# ---- exceptions ------------------------------------------------------------------------------

_EXCEPT = re.compile(
    r"\b(?:except(?: for)?|excluding|other than|apart from|aside from|with the exception of|but not|not including|save for)\s+"
    r"(?P<y>[^,;.:()]+?)(?=\s*(?:[,;.:()]|\b(?:which|that|who|these|those|they)\b|$))"
    r"(?:,?\s*(?:which|that|who|these|those|they) (?:are|is|need|needs|must be|should be|can only be) (?P<tail>[^;.]+))?",
    re.I)
_GENERIC = "style styles item items product products one ones kind kinds type types model models range piece pieces order orders thing things"
"""Words that name no particular thing ("wool-blend styles" excepts wool blends)."""
_LIMITING = re.compile(r"\b(?:except|excluding|other than|apart from|aside from|exception|but not|not including|save for|unless|"
                       r"only|most|some|certain|many|though|although|however|instead)\b", re.I)
_PARTIAL = re.compile(r"\b(?:except|excluding|other than|apart from|aside from|exception|but|not including|save for|unless|"
                      r"most|some|certain|many|though|although|however)\b", re.I)
_ALL = re.compile(r"\b(?:all|every|each|any)\b(?: single)?(?: one)?(?: of)?(?: (?:our|the|your|these|those))?\s+([a-z][\w-]*)", re.I)


@dataclass(frozen=True)
class Excepted:
    text: str
    """The exception as the source words it ("except wool-blend styles, which are dry clean only")."""
    main: frozenset[str]
    """What the rule says (its content words, the excepted thing left out)."""
    excepted: frozenset[str]
    """The words that name what is excepted ("wool", "blend")."""
    tail: frozenset[str]
    """What the source says of the excepted thing instead ("dry", "clean"), if it says."""


@lru_cache(maxsize=4096)
def _exceptions(text: str, words: Words) -> tuple[Excepted, ...]:
    t = text.replace("**", "")
    out = []
    for m in _EXCEPT.finditer(t):
        start = max(t.rfind(":", 0, m.start()), t.rfind(";", 0, m.start()), t.rfind(". ", 0, m.start())) + 1
        y = words(m.group("y"))
        main = words(t[start:m.start()]) - y
        excepted = (y - words(_GENERIC) - main) or (y - main)
        if excepted and len(main) >= 2:
            out.append(Excepted(m.group(0).strip(), main, frozenset(excepted), words(m.group("tail") or "")))
    return tuple(out)


class Sources:
    """What these checks read from a reply's passages (sentences and bullets, not the joined
    pairs), worked out once per reply."""

    def __init__(self, passages: Iterable[_Passage], words: Words) -> None:
        plain = [p for p in passages if not getattr(p, "parts", ())]
        self.words = words
        self.exceptions = [(p.source, ex) for p in plain for ex in _exceptions(p.text, words)]
        self.parts = [(p.source, part, denies, words(part)) for p in plain for part, denies in _parts(p.text)]
        self.pairs = {pair for p in plain for pair in _pairs(p.text)}
        self.texts = [p.text.replace("**", "") for p in plain]

    def denied(self, said: frozenset[str], what: str) -> str | None:
        """Where a passage part that denies something holds most of ``said`` (two words or more,
        at least 60% of them) and more of it than any part that does not deny it; ``what`` names
        the denial in the finding."""
        denied, allowed, where = 0, 0, ""
        for source, part, denies, pwords in self.parts:
            n = len(said & pwords)
            if denies and n > denied:
                denied, where = n, f"{source} says {what} ({part[:80]!r})"
            elif not denies:
                allowed = max(allowed, n)
        return where if denied >= 2 and denied >= 0.6 * len(said) and denied > allowed else None


def denied_exception(sentence: str, sources: Sources) -> str | None:
    """Does ``sentence`` give the rule to what a passage excepts from it ("including the
    wool-blend styles, all are machine washable"), or what the passage says only of the excepted
    thing to all ("all our jackets are dry clean only")? A sentence that limits its own claim
    ("most", "only", "except", a denial) or says what the source says of the exception is fine."""
    if not sources.exceptions:
        return None
    words = sources.words
    said = words(sentence)
    quantified = {w for m in _ALL.finditer(sentence) for w in words(m.group(1))}
    for source, ex in sources.exceptions:
        main = len(ex.main & said)
        if ex.excepted <= said and main >= max(2, len(ex.main) / 3) and not (ex.tail & said) and not NEGATION.search(sentence) \
                and not _LIMITING.search(sentence):
            return f"{source} excepts this ({ex.text!r}); the claim gives the rule to what it excepts"
        if ex.tail and ex.tail <= said and not (ex.excepted & said) and quantified & ex.main and not _PARTIAL.search(sentence):
            return f"{source} says this only of what it excepts ({ex.text!r}), not of all"
    return None


# ---- capabilities ----------------------------------------------------------------------------

_STATES = r"(?:covered|included|eligible|accepted|available|refundable|allowed|possible|designed|able|permitted|free)"
_CAN = re.compile(r"\b(?:can|could|will|able to|allowed to|possible|may|covers?|includes?|accepts?|allows?)\b|'ll\b"
                  # a request for what the source says is never asked or taken: "just send me the new card number"
                  r"|\b(?:send|give|tell|share|provide|email|text|dm|read out)\s+(?:me|us)\b|\b(?:i|we)(?:'ll| will)?\s+need\b"
                  r"|\b(?:is|are|'s|'re|gets?|will be)\s+(?:also |still |fully |always |even )?" + _STATES + r"\b", re.I)
_CANNOT = re.compile(r"\b(?:can'?t|cannot|can not|can no longer|could(?:n'?t| not)|unable to|not able to|won'?t|will not|never|no longer|"
                     r"do(?:es)?(?:n'?t| not)|must not|may not)\b"
                     r"|\b(?:is|are|was|were)(?:n'?t| not) (?:\w+ )?" + _STATES + r"\b|\bnot " + _STATES + r"\b", re.I)
_ASIDE = re.compile(r"\([^()]*\)")
"""A word in brackets ("blot (don't rub) as much as possible") is an aside, not the part's verdict."""
_AS_MUCH = re.compile(r"\bas (?:much|soon|quickly|best|far|often|well|many) as (?:you|we|i|they|it|possible)(?: can| could)?\b", re.I)
"""A measure ("blot as much as you can"), not a capability."""
_PART_BREAK = re.compile(r";|\.\s|:\s|,\s*(?:but|however|and|while|whereas)\b|\s(?:but|however|whereas|and)\s", re.I)
_CONDITION = re.compile(r"\b(?:if|when|whenever|once|unless|because|since|although|though|as long as|until|before|after|who|whose)\b[^,;:.]*,?", re.I)

_OPEN_CONDITION = re.compile(r"\b(?:if|when|whenever|once|unless|because|since|although|though|as long as|until|before|after)\b[^,;:.]*\s$", re.I)


@lru_cache(maxsize=4096)
def _parts(text: str) -> tuple[tuple[str, bool], ...]:
    """(part, denies) for each part of a passage: a part denies when its main clause says
    something cannot be done (a condition's denial, "if they can't find it, ...", is not one)."""
    t = text.replace("**", "")
    out = []
    pos = 0
    for brk in [*_PART_BREAK.finditer(t), None]:
        end = brk.start() if brk else len(t)
        part = t[pos:end].strip()
        if part:
            main = _ASIDE.sub(" ", part)
            if _OPEN_CONDITION.search(t, 0, pos):  # "If they have no phone | and can't remember it, they can ..."
                main = main.split(",", 1)[1] if "," in main else ""
            out.append((part, bool(_CANNOT.search(_CONDITION.sub(" ", main)))))
        pos = brk.end() if brk else len(t)
    return tuple(out)


def denied_capability(clause: str, sources: Sources) -> str | None:
    """Does ``clause`` say something can be done ("I can look up your current password") that a
    passage part says cannot ("we can't look up your current password"), with more of the
    clause's words than any part that does not deny it?"""
    if not _CAN.search(_AS_MUCH.sub(" ", clause)) or NEGATION.search(clause):
        return None
    said = sources.words(clause)
    return sources.denied(said, "it cannot be done") if len(said) >= 2 else None


# ---- labelled lists --------------------------------------------------------------------------

_PAIR = r"(?:(?P<l{i}>\b[A-Z][A-Za-z]*)\s+(?P<n{i}>\d+(?:\.\d+)?)(?:[^\S\n]*[-\u2013\u2014][^\S\n]*(?P<r{i}>\d+(?:\.\d+)?))?|(?P<m{i}>\d+(?:\.\d+)?)(?:\s*[a-z]+)?\s+for\s+(?P<k{i}>[A-Z][A-Za-z]*))"
_ONE_PAIR = re.compile(_PAIR.format(i=0))
_LIST = re.compile(_PAIR.format(i=1) + r"(?:[^\S\n]*(?:[a-z\"]+[^\S\n]*)?(?:,|;|/|\band\b|\bor\b|,\s*and\b)[^\S\n]*" + _PAIR.format(i=2) + r")+")
_NOT_LABELS = frozenset({"gold", "silver", "bronze", "guest", "guests", "members", "step", "chapter", "section", "page", "order", "item"})


@lru_cache(maxsize=4096)
def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """(label, number) of each list in ``text`` that pairs two or more labels with numbers
    ("Small 33 in, Medium 34 in, Large 35 in"; "33 inches for Small, 34 for Medium"; a range,
    "Medium 15–15.5 in, Large 16–16.5 in", pairs the label with both its ends)."""
    t = text.replace("**", "")
    out: list[tuple[str, str]] = []
    for m in _LIST.finditer(t):
        pairs = []
        for p in _ONE_PAIR.finditer(m.group(0)):
            label, number = (p.group("l0"), p.group("n0")) if p.group("l0") else (p.group("k0"), p.group("m0"))
            if label.lower() not in _NOT_LABELS:
                pairs.append((label, number))
                if p.group("l0") and p.group("r0"):  # a range ("Medium 15–15.5 in"): both ends are the label's (fix-15c)
                    pairs.append((label, p.group("r0")))
        if len({lbl for lbl, _ in pairs}) >= 2 and len({n for _, n in pairs}) >= 2:
            out += pairs
    return tuple(out)


def _names(label: str, text: str) -> bool:
    flags = 0 if len(label) <= 2 else re.I
    return re.search(rf"\b{re.escape(label)}\b", text, flags) is not None


def mislabelled(clause: str, values: Iterable[str], sources: Sources) -> str | None:
    """A number of ``clause`` that the sources pair only with other labels of a list the clause
    names a label of ("Medium ... 35" where the list says "Medium 34 in, Large 35 in")."""
    pairs = sources.pairs
    if not pairs:
        return None
    for value in values:
        labels_of_value = {lbl for lbl, n in pairs if n == value}
        if not labels_of_value or any(_names(lbl, clause) for lbl in labels_of_value):
            continue
        named = sorted({lbl for lbl, _ in pairs if _names(lbl, clause)})
        if named:
            return f"{value} is given for {', '.join(sorted(labels_of_value))} in the sources, not for {', '.join(named)}"
    return None
