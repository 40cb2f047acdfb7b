"""Membership levels in a text: which levels each part of a sentence is said of ("Gold members
can always get one, Silver members only if ...; Bronze members and guests cannot"), whether that
part denies it, and whether a source's levels cover a claim's (used by
:mod:`service.guardrails.claims`)."""

from __future__ import annotations

import re
from functools import lru_cache

from service.guardrails.commitments import NEGATION
from service.guardrails.numbers import prepare

ALL_LEVELS = frozenset({"gold", "silver", "bronze", "guest"})
MEMBER_LEVELS = frozenset({"gold", "silver", "bronze"})


_LEVEL_TOKEN = re.compile(
    r"\b(?P<uni>(?:everyone|everybody|anyone)(?!\s+else\b)|all (?:customers|shoppers|levels|membership levels|of our customers)|"
    r"(?:any|every|each) (?:customer|shopper|level|membership level|subscriber|client|buyer|account holder|user)|all (?:our |of our )?(?:subscribers|clients|buyers|account holders|users)|whatever (?:their|your) (?:level|membership)|"
    r"regardless of (?:their |your |the )?(?:level|membership(?: level)?)|no matter (?:their|your|the) (?:level|membership)|"
    r"(?:whatever|whichever|no matter (?:what|which)) (?:their |your |the )?(?:membership )?level)\b"
    r"|\b(?P<rest>everyone else|everybody else|anyone else|all other (?:customers|shoppers))\b"
    r"|\b(?P<other>other (?:members|membership levels|levels|customers)|others)\b"
    r"|\b(?P<allm>all (?:our |of our )?members|every member|any member)\b"
    r"|\b(?P<lvl>gold|silver|bronze|guests?)\b"
    r"|\b(?P<guest>without (?:a |any )?membership|no membership|non-?members?)\b"
    r"|\b(?P<mem>members?)\b",
    re.I,
)
_SEGMENT_BREAK = re.compile(r"[;.!?](?=\s|$)|,\s*(?:and|but|while|whereas|so|though)\b|\s(?:but|whereas|while)\s", re.I)
SUBORDINATE = re.compile(r"\b(?:when|whenever|if|unless|because|since|once|even though|although|though|as long as|whether)\b\s*[^\s,;:.]*[^,;:.]*?"
                         # it ends at the comma, or where the main clause's subject comes without one ("since it has shipped we can't add it")
                         r"(?=[,;:.]|$|\s(?:we|i|you|they)(?:'ll|'re|'ve|'d|\s+(?:can|can'?t|cannot|could(?:n'?t)?|won'?t|will|would(?:n'?t)?|"
                         r"are(?:n'?t)?|do(?:n'?t)?|should(?:n'?t)?|must|may|might|need|have(?:n'?t)?|am|'m)\b))", re.I)
_WORDY = re.compile(r"[a-z]{2,}", re.I)


def level_segments(t: str, hint: frozenset[str] | None) -> list[tuple[frozenset[str] | None, bool]]:
    groups = level_groups(t)
    if hint is not None or not groups:
        return [(hint, _negated(t, 0, len(t)))]
    return [(levels, neg) for _, _, levels, neg in segment_spans(t, groups)]


def segment_spans(t: str, groups: list[tuple[int, int, frozenset[str]]]) -> list[tuple[int, int, frozenset[str], bool]]:
    """(start, end, levels, negated) of the parts of ``t`` said of its level groups."""
    out: list[tuple[int, int, frozenset[str], bool]] = []
    pos, after_semicolon = 0, False
    for brk in [*_SEGMENT_BREAK.finditer(t), None]:
        end = brk.start() if brk else len(t)
        inside = [g for g in groups if pos <= g[0] < end]
        if not inside:
            # "Guests: apologise; there is nothing we can do": still about guests (after ";" only:
            # ", and we never share ..." is a clause of its own).
            if out and after_semicolon and _WORDY.search(t, pos, end):
                a, _, levels, neg = out[-1]
                out[-1] = (a, end, levels, neg or _negated(t, pos, end))
        else:
            # a part runs to the last comma before the next level ("removed for Silver, | not for Bronze":
            # the "not" is said of Bronze, the level it comes before)
            cuts = [h[0] if (c := t.rfind(",", g[1], h[0])) < 0 else c for g, h in zip(inside, inside[1:], strict=False)]
            starts = [pos] + cuts
            stops = cuts + [end]
            out += [(a, b, g[2], _negated(t, a, b)) for g, a, b in zip(inside, starts, stops, strict=True)]
        pos, after_semicolon = end, bool(brk) and brk.group(0) == ";"
    return out


def _negated(t: str, start: int, end: int) -> bool:
    """A denial in ``t[start:end]``, leaving out conditions ("when the old one isn't valid", "even
    though the code isn't valid"): they say when, not whether."""
    main = _RELIEF.sub(" ", SUBORDINATE.sub(" ", t[start:end]))
    return bool(NEGATION.search(main) or _KEPT.search(main))


_RELIEF = re.compile(r"\b(?:do(?:es)?n'?t|do(?:es)? not|won'?t|will not)\s+(?:have|need)\s+to\b|\bwon'?t (?:pay|be charged)\b|\bno need to\b", re.I)
"""A burden lifted ("you don't have to wait", "you won't pay it") grants, it does not deny: a
level the sources deny the thing to is refused it as ever (tenth round)."""
_KEPT = re.compile(r"\b(?:fee|charge|price)s?\s+(?:stays?|remains?)\b", re.I)
"""A charge that stays ("Bronze members and guests: the fee stays") is a removal denied."""


def claim_negated(t: str, start: int, end: int) -> bool | None:
    """Does the clause ``t[start:end]`` deny what it says of its levels? Read on the part of the
    sentence said of the clause's first level group, so "we can't extend Bronze | or guest
    subscriptions" is a denial in both clauses. None when the clause only names levels."""
    groups = level_groups(t)
    first = next((g for g in groups if g[0] < end and g[1] > start), None)
    if first is None:
        return _negated(t, start, end)
    for a, b, _, neg in segment_spans(t, groups):
        if a <= first[0] < b:
            return neg or _negated(t, start, end)
    return _negated(t, start, end)


_ENTRY = re.compile(r"\s+(?:(?:who|that)\s+\w+\s+(?:an\s+)?(?:account\s+)?)?(?:automatically\s+|always\s+|first\s+)?(?:joins?|joined|starts?|started|begins?|began|enters?|entered)"
                    r"\s+(?:at|as|in|on)\s+(?:the\s+)?(?:gold|silver|bronze)\b", re.I)
"""The level a sentence says everyone enters at ("Everyone joins at Bronze when they create an
account"): "everyone" is then not whom a benefit is given to."""


@lru_cache(maxsize=8192)
def level_groups(text: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """(start, end, levels) of each run of level words, adjacent ones ("Gold, Silver or
    Bronze members") merged into one group (memoised like :func:`prepare`, whose output it reads)."""
    groups: list[tuple[int, int, frozenset[str]]] = []
    named: set[str] = set()
    for m in _LEVEL_TOKEN.finditer(text):
        if m.group("uni") and _ENTRY.match(text, m.end()):
            continue  # "Everyone joins at Bronze": the level everyone enters at is what is said (fix-10b)
        if m.group("uni"):
            levels = ALL_LEVELS
        elif m.group("other"):
            levels = frozenset(MEMBER_LEVELS - named) or MEMBER_LEVELS
        elif m.group("rest"):  # "free for Gold, $20 for everyone else": every level but those named, guests too
            levels = frozenset(ALL_LEVELS - named) or ALL_LEVELS
        elif m.group("allm") or m.group("mem"):
            levels = MEMBER_LEVELS
        elif m.group("guest"):
            levels = frozenset({"guest"})
        else:
            word = m.group("lvl").lower().rstrip("s")
            levels = frozenset({word})
        if groups and re.fullmatch(r"[\s,/]*(?:(?:and|or|&)\s*)?", text[groups[-1][1] : m.start()], re.I) and not _new_label(text, groups[-1][0], m):
            start, _, prev = groups[-1]
            specific = prev if m.group("mem") and prev <= ALL_LEVELS and prev != MEMBER_LEVELS else prev | levels
            groups[-1] = (start, m.end(), specific)
        else:
            groups.append((m.start(), m.end(), levels))
        named |= levels - {"guest"} if m.group("lvl") else set()
    return tuple(groups)


def _new_label(text: str, prev: int, m: re.Match[str]) -> bool:
    """Does the level token ``m`` open a list item's label of its own ("..., Guest: shopping without a
    membership, **Bronze:** you join at Bronze")? It is followed by a colon and the group before it ends a
    phrase that does not open with it ("shopping without a membership"), so the two are not one run
    ("Gold, Silver and Bronze members:" is; fifteenth round, fix-15b)."""
    if not re.match(r"[\s*]*(?:members?|customers?)?[\s*]*:", text[m.end():m.end() + 20], re.I):
        return False
    before = re.split(r"([,:;.!?])", text[:prev])
    head = before[-1]  # the words before the group since the last stop, which must be the colon of an item's label
    return len(before) > 1 and before[-2] == ":" and bool(
        re.search(r"\b(?!(?:for|to|with|and|or|of|the|our|all|both|any|every)\b)[a-z]{2,}", head, re.I))


def says_universally(text: str) -> bool:
    """Does ``text`` state something of everyone in so many words ("every customer",
    "anyone", "whatever their level")? Naming the four levels one by one is not saying it of
    everyone."""
    return any(m.group("uni") for m in _LEVEL_TOKEN.finditer(prepare(text)))


def scope_of(text: str) -> frozenset[str] | None:
    groups = level_groups(prepare(text))
    return frozenset().union(*(g[2] for g in groups)) if groups else None


def covers(source: frozenset[str] | None, claim: frozenset[str] | None) -> bool:
    """Does a fact the source says of ``source`` support the same fact said of ``claim``?"""
    if source is None or source == ALL_LEVELS:
        return True  # said of no particular level: it holds for every level
    if claim is None:
        return False  # the source limits it to some levels; the claim states it for everyone
    return claim <= source


_ADDRESSED = re.compile(r"\b(?:as an?|you'?re an?|you are an?|since you'?re an?|because you'?re an?|for an?)\s+(?P<a>gold|silver|bronze)(?: member| level member)?\b"
                        r"|\bas a guest\b|\b(?P<b>gold|silver|bronze) members? like you(?:rself)?\b|\byour (?P<c>gold|silver|bronze) (?:membership|level|status)\b", re.I)
"""The customer addressed as a level ("As a Silver member, you ...", "your Gold membership")."""


def addressed_level(text: str) -> frozenset[str] | None:
    """The one level ``text`` addresses the customer as ("As a Silver member, Eudora, you can ..."), else None.
    A later sentence of the reply that speaks to the customer ("You also get ...") and names no
    level of its own is said of that level (issue 13, ninth round)."""
    found = {(m.group("a") or m.group("b") or m.group("c") or "guest").lower() for m in _ADDRESSED.finditer(prepare(text))}
    return frozenset(found) if len(found) == 1 else None


_ORDER = ("gold", "silver", "bronze")
_BOTH = re.compile(r"\bboth (?:levels|tiers|memberships|membership levels)\b|^\W*both\b(?=\s+(?:also\s+)?(?:get|have|receive|enjoy|include|come with|qualify)\b)", re.I)
""""Both levels get ...", and a sentence opening on "Both get ..." (fix-14d): the two levels the sentence before named."""


def others_resolved(text: str, before: frozenset[str]) -> tuple[str, frozenset[str]]:
    """``text`` with each complement ("free for Gold, $20 for everyone else"; "For other members
    and guests it's $20") spelled out as the levels it leaves: those named before it in the
    sentence, or, when it names none before it, those the sentence before named (``before``:
    "Gold members can upgrade for free."). "Other members" leaves members only; "everyone else"
    guests too. A complement with nothing named before it is left as it is. "Both levels" after a
    sentence naming two is those two. Also returns the levels ``text`` names, for the sentence after it."""
    t, named, edits = text, set(), []
    for m in _LEVEL_TOKEN.finditer(t):
        if m.group("lvl"):
            named.add(m.group("lvl").lower().rstrip("s"))
        elif m.group("other") or m.group("rest"):
            left = (ALL_LEVELS if m.group("rest") else MEMBER_LEVELS) - (named or before)
            if (named or before) and left:
                members = [lv.capitalize() for lv in _ORDER if lv in left]
                names = (" and ".join([", ".join(members[:-1]), members[-1]] if len(members) > 1 else members) + " members") if members else ""
                edits.append((m.start(), m.end(), " and ".join(filter(None, [names, "guests" if "guest" in left else ""]))))
    for start, end, names in reversed(edits):
        t = t[:start] + names + t[end:]
    both = _BOTH.search(t)
    if len(before) == 2 and both is not None and not any(m.start() < both.start() for m in _LEVEL_TOKEN.finditer(t)):
        pair = [lv.capitalize() if lv != "guest" else "guests" for lv in (*_ORDER, "guest") if lv in before]
        t = t[: both.start()] + " and ".join(pair) + (" members" if "guest" not in before else "") + t[both.end():]
    named = frozenset(m.group("lvl").lower().rstrip("s") for m in _LEVEL_TOKEN.finditer(t) if m.group("lvl"))
    return t, named
