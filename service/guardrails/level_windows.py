"""A level's return window, and the customer's case said to be past it (issue 13, seventeenth round, fix-18d).

:func:`level_limits` reads the window the sources give a level ("Bronze members: ... within the last
90 days"); the verdicts on the customer's time (:mod:`~service.guardrails.verdicts`) judge it against
that. A reply may set the customer's case against that window as the contrast to another condition of
their level: "even though it's past 90 days, Bronze members can still return an item that's in its
original packaging", to a Bronze member who bought it 100 days ago (fix-18d). The contrast clause is
their case, its figure the rule's (:func:`past_their_window`: the claim check leaves it out); the rule
after it is checked as any claim. :func:`past_window_grant` refuses the wrong forms: their case said to
be past a window their time is within, or a return granted past the window on no other condition the
sources give the level ("..., Bronze members can still return anything").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from service.guardrails.levels import level_groups, scope_of, segment_spans
from service.guardrails.numbers import DAYS_PER_UNIT, prepare

Words = Callable[[str], frozenset[str]]

_LIMIT = re.compile(r"\bwithin (?:the last |the first )?(\d+(?:\.\d+)?)\s*(?P<u>day|week|month|year)s?\b", re.I)
"""A window in a passage said of one level ("within the last 90 days")."""
_HAVE = re.compile(r"\b(?:have|get|within(?: the last| the first)?)\s+(\d+(?:\.\d+)?)\s*(?P<u>day|week|month|year)s?\b(?!\s+(?:late|after|before))", re.I)
"""A level's window in a passage that gives every level's ("Silver members have 6 months")."""


def in_days(durations: Iterable[tuple[str, str]]) -> list[float]:
    """The customer's durations (figure, unit) in days, as the window rules count them; a unit or figure
    that is no such thing is left out."""
    return [float(v) * DAYS_PER_UNIT[u] for v, u in durations if u in DAYS_PER_UNIT and v.replace(".", "", 1).isdigit()]


def _plain(text: str) -> str:
    return prepare(text.replace("**", ""))


def level_limits(passages: Sequence, about: frozenset[str]) -> list[float]:
    """The time limits (in days) the passages said of exactly the levels ``about`` give ("within the last 6 months"),
    or, where none does, the part of a passage said of them that gives a window ("...; Silver members have 6 months
    (or a receipt ...); ...": fourteenth round)."""
    out = [float(x.group(1)) * DAYS_PER_UNIT[x.group("u").lower()] for p in passages if not getattr(p, "parts", ())
           for t in [_plain(p.text)] if scope_of(t) == about for x in _LIMIT.finditer(t)]
    return out or [float(x.group(1)) * DAYS_PER_UNIT[x.group("u").lower()] for p in passages if not getattr(p, "parts", ())
                   for t in [_plain(p.text)] if about <= (scope_of(t) or frozenset())
                   for a, b, levels, negated in segment_spans(t, list(level_groups(t))) if levels == about and not negated
                   for x in _HAVE.finditer(t, a, b)]


PAST_FIGURE = re.compile(
    r"(?:^|\b(?:though|although|while|if|since|as|because|but|and|so|now|despite))\s*"
    r"(?:(?:it|that|this|your\s+[\w-]+|the\s+[\w-]+)(?:'?s|\s+is|\s+was)(?:\s+been)?|it\s+has\s+been|you'?re|you\s+are"
    r"|you\s+(?:bought|ordered|purchased)\s+(?:it|them|this|that|the\s+[\w-]+))\s+"
    r"(?:now\s+|already\s+|just\s+|well\s+|slightly\s+|a\s+(?:little|bit)\s+)?(?:past|over|beyond|outside(?:\s+of)?|more\s+than|longer\s+than)\s+"
    r"(?:the\s+|your\s+)?(?P<n>\d+(?:\.\d+)?)[- ]?(?P<u>day|week|month|year)s?(?:\s+(?:window|limit|mark|return\s+window|return\s+period))?"
    r"(?:\s+ago)?\W*$", re.I)
"""A clause (prepared: figures as digits) saying the customer's case is past a time ("even though it's past 90 days",
"although you bought it more than 90 days ago", "though your hoodie is over the 90-day mark"): the figure is the
window it is set against. It ends the clause, so "it's past 90 days since ..." is no such clause."""
PAST_SAID = re.compile(r"\b(?:past|over|beyond|outside|more than|longer than)\s+(?:the\s+|your\s+)?\d+(?:\.\d+)?[- ]?(?:day|week|month|year)s?\b", re.I)
"""Anywhere in a reply (prepared), what :data:`PAST_FIGURE` reads in a clause: the reply then reads the customer's
durations and level (the check cache keys on them)."""
_CLAUSES = re.compile(r"[,;:]|\s(?=but\s)|\s[-–—]\s")
_NEGATED = re.compile(r"\b(?:not|never|cannot|no longer)\b|n't\b", re.I)
_GRANT = re.compile(r"\b(?:can|could|may)\s+(?:still\s+|also\s+)?(?:return|send|bring|swap|exchange|be\s+(?:returned|sent\s+back|exchanged))\b"
                    r"|\b(?:qualif(?:y|ies)|eligible|returnable)\b|\b(?:we|i)(?:'ll|\s+will|\s+can)\s+(?:still\s+)?(?:accept|take|process)\b", re.I)
"""A return granted ("can still return", "still qualifies", "we'll still accept it")."""
_WINDOW_WORDS = ("item items return returns returned returning send back take accept bought buy purchase purchased within last first "
                 "day days week weeks month months year years time limit window member members membership level customer "
                 "customers gold silver bronze guest guests can still also any anything everything good news")
"""Words of the window itself and of the grant: never the other condition a level's passage gives."""


def _case_past(clause: str, sentence: str, durations: Iterable[tuple[str, str]], passages: Sequence,
               level: str | None) -> tuple[float, list[float], frozenset[str]] | None:
    """(figure, the customer's durations, level) where ``clause`` says their case is past the window the sources
    give their level (``level``, or the one level ``sentence`` names, which must be theirs); None otherwise."""
    m = PAST_FIGURE.search(prepare(clause.replace("**", "")))
    given = in_days(durations)
    if m is None or not given:
        return None
    named = scope_of(sentence)
    about = frozenset({level}) if level else named
    if about is None or len(about) != 1 or (named is not None and named != about):
        return None
    figure = float(m.group("n")) * DAYS_PER_UNIT[m.group("u").lower()]
    return (figure, given, about) if figure in level_limits(passages, about) else None


def _other_condition(rest: str, passages: Sequence, about: frozenset[str], words: Words) -> bool:
    """Does ``rest`` name something, besides the window, that a passage said of the level ``about`` grants a return
    on ("in its original packaging", "with the receipt")? A sentence the passage denies ("Original packaging alone
    does not qualify a guest return") grants nothing."""
    granted = frozenset().union(*(words(part) for p in passages if not getattr(p, "parts", ()) and scope_of(p.text) == about
                                  for part in re.split(r"(?<=[.;])\s+", p.text.replace("**", "")) if not _NEGATED.search(part)))
    return bool((words(rest) & granted) - words(_WINDOW_WORDS))


def past_their_window(clause: str, sentence: str, durations: Iterable[tuple[str, str]], passages: Sequence, level: str | None,
                      words: Words) -> bool:
    """Does ``clause`` of ``sentence`` set the customer's case against their level's window rightly, as the contrast
    to another condition of that level? It says their case is past a time (:data:`PAST_FIGURE`) that is the window
    the sources give their level, every duration they gave is past it, and the rest of the sentence names another
    condition of that level (:func:`_other_condition`): the clause is their case, its figure the rule's."""
    read = _case_past(clause, sentence, durations, passages, level)
    if read is None or not all(d > read[0] for d in read[1]):
        return False
    return _other_condition(sentence.replace(clause, " "), passages, read[2], words)


def past_window_grant(sentence: str, durations: Iterable[tuple[str, str]], passages: Sequence, level: str | None, words: Words) -> str | None:
    """A clause setting the customer's case past their level's window (:data:`PAST_FIGURE`) where their own
    time is within it, or beside a return granted (:data:`_GRANT`) on no other condition of their level: past
    the window only another condition lets the item back ("even though it's past 90 days, Bronze members can
    still return anything" to a Bronze member, whose level has no unlimited returns)."""
    t = prepare(sentence.replace("**", ""))
    durations = list(durations)
    for clause in _CLAUSES.split(t):
        read = _case_past(clause, t, durations, passages, level) if clause.strip() else None
        if read is None:
            continue
        figure, given, about = read
        if all(d <= figure for d in given):
            return f"the customer's case is said to be past the {next(iter(about))} window of {figure:g} days; their own figure is within it"
        rest = t.replace(clause, " ")
        if all(d > figure for d in given) and _GRANT.search(rest) and not _NEGATED.search(rest) and not _other_condition(rest, passages, about, words):
            return (f"the customer's case is past the {next(iter(about))} window of {figure:g} days, and the return is granted "
                    "on no other condition the sources give that level")
    return None
