"""A reply's verdict on the customer's own case, and a price said of the wrong thing (issue 13, ninth round).

The claim check finds a passage for every figure and word of a sentence; a sentence can then pass
though it judges the customer's case against the rule wrongly, or carries a true figure over to
another thing. Each rule here reads one such class (called once per reply, from
:meth:`service.replies.policy.PolicyChecker._grounded`):

* :func:`amount_verdict`: a grant to a customer whose own amounts do not meet the amount the
  source sets for it ("As a Silver member you get the refund" for a $30 error where Silver
  members are refunded under $10; "your $60 cart qualifies for free shipping" against "$75 or more");
* :func:`window_verdict`: the customer's case said to be within a time limit, or their level's
  window, that their own duration passes ("your coat is within the 6 months" for a coat bought 9
  months ago);
* :func:`secret_request`: a request for a secret a cited source says agents never ask for, or a
  password no cited list of details names ("reply with your username, or your current password");
* :func:`excluded_verdict`: a positive verdict on what the source excludes, where the customer's
  case is that thing ("Yes, the warranty covers it" for wear and tear);
* :func:`carried_price`: a price said again of another thing ("Gift wrapping is $5 per item, so
  your shipping would be $5");
* :func:`unmultiplied`: a price per item given as the total for several ("hemming both your pairs
  comes to $15", or "hemming them ..." for the customer's two pairs, where it is $15 a pair);
* :func:`~service.guardrails.restatements.all_needed`: every condition said to be needed ("All of
  those need to apply") where a source says any one of them is enough;
* :func:`~service.guardrails.no_limit.no_limit_verdict`: no time limit said to a customer whose level
  the sources do not give it ("yes, you can return it any time" to a Bronze member).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from functools import lru_cache

from service.guardrails.amount_thresholds import GRANTED, money_limits, unmet_limit
from service.guardrails.case import worked_amounts
from service.guardrails.commitments import NEGATION, OWN_STEP, acts_in
from service.guardrails.level_windows import PAST_SAID, in_days, level_limits, past_window_grant
from service.guardrails.levels import level_groups, scope_of, segment_spans
from service.guardrails.numbers import prepare
from service.guardrails.no_limit import NO_LIMIT, no_limit_verdict
from service.guardrails.restatements import all_needed
from service.guardrails.case_denials import DENIAL
from service.guardrails.window_denials import DENIED_CASE, window_denial

Words = Callable[[str], frozenset[str]]

_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_CONDITION = re.compile(r"\b(?:if|once|when|whenever|unless|provided|as long as|in case|whether)\b", re.I)
_CLAUSE_BREAK = re.compile(r"[;:]|,\s*(?=(?:so|but|and|which|because|since|as)\b)|\s(?=(?:so|but)\s)|\s[-–—]\s", re.I)
_LEVEL_WORDS = "gold silver bronze guest guests member members membership level"
_DENIES = re.compile(r"\b(?:not|never|cannot|unable|no longer|nothing|none)\b|n't\b|\bno (?:refund|credit|extension|return|way)\b", re.I)
"""A denial ("doesn't qualify", "we can't"); unlike a bare "without" ("even without the receipt"), it grants nothing."""


def _clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_BREAK.split(sentence) if c.strip()]


def _plain(text: str) -> str:
    return prepare(text.replace("**", ""))


# ---- a grant against an amount threshold ------------------------------------------------------

_LATE = re.compile(r"\b(\d+)\s*(?P<u>day|week)s?\s+late\b", re.I)


def amount_verdict(sentence: str, passages: Sequence, amounts: frozenset[str], durations: Sequence[tuple[str, str]],
                   level: str | None, words: Words) -> str | None:
    """A grant (a verdict, "you get the refund", or a commitment) to the customer where a source
    grants it only past an amount none of the customer's amounts (nor their sums or differences)
    meets, or only within a lateness ("only if they are 1 day late") all their durations pass. A
    passage said of some levels counts only for the level the sentence or the customer names.
    The limits are read as :func:`~service.guardrails.amount_thresholds.unmet_limit` reads them."""
    if sentence.rstrip().endswith("?"):
        return None
    # "once I've checked your account", "and confirm once it's done": the agent's own step, no condition
    clauses = [c for c in _clauses(sentence) if not _DENIES.search(c) and not _CONDITION.search(OWN_STEP.sub(" ", c))
               and (GRANTED.search(c) or acts_in(c, "claim"))]
    if not clauses or not (amounts or durations):
        return None
    about = scope_of(sentence) or (frozenset({level}) if level else None)
    values = {float(a) for a in amounts} | {float(a) for a in worked_amounts(amounts)}
    days = in_days(durations)
    said = frozenset().union(*map(words, clauses)) - words(_LEVEL_WORDS)
    fair = [p for p in passages if not getattr(p, "parts", ()) for t in [_plain(p.text)]
            if ((scope := scope_of(t)) is None or (about is not None and about <= scope)) and (words(t) - words(_LEVEL_WORDS)) & said]
    # "Gold members can always ..., and Silver members can if ... 1 day late": Silver's limit, not Gold's
    found = unmet_limit(fair, [*money_limits(values), (_LATE, lambda v, x: v <= x, days)], lambda t, m: _of_level(t, m.start(), about),
                        scale=lambda m: _DAYS[m.group("u").lower()] if m.re is _LATE else 1.0)
    return f"{found[0].source} sets {found[1].group(0)!r} for this; the customer's own figures do not meet it" if found else None


def _of_level(t: str, pos: int, about: frozenset[str] | None) -> bool:
    """Is the limit at ``pos`` of a source said of the customer's levels ``about``? A passage stating
    its rule level by level sets each part's limit for that part's levels only (eleventh round)."""
    if about is None:
        return True
    part = next((levels for a, b, levels, _ in segment_spans(t, list(level_groups(t))) if a <= pos < b), None)
    return part is None or about <= part


# ---- within a time limit ---------------------------------------------------------------------

_INSIDE = re.compile(r"\b(?:is|are|'s|'re|falls?|sits?|stays?|still|well|comfortably)\s+(?:still\s+|well\s+|comfortably\s+|safely\s+|easily\s+)?"
                     r"(?:within|inside|under|in)\s+(?:the\s+|your\s+|its\s+|their\s+|that\s+|our\s+)?(?:\w+\s+)?"
                     r"(?P<n>\d+(?:\.\d+)?)[- ]?(?P<u>day|week|month|year)s?\b", re.I)


_IN_WINDOW = re.compile(r"(?:\b(?:is|are|'s|'re|falls?|still|well)|" + r"\b(?:puts?|keeps?|leaves?|places?)\s+(?:you|it|them|this|that|your\s+[\w-]+))\s+"
                        r"(?:still\s+|well\s+|comfortably\s+|safely\s+|easily\s+)?(?:within|inside|in)\s+"
                        r"(?:the|your|its|their|our|that|this)\s+(?:[\w-]+\s+){0,2}?(?:return\s+)?(?:window|time limit|return period)\b", re.I)
"""The customer's case said to be inside a window ("your coat is still within the Silver return window"), also as
what their time does to them ("about two months puts you inside that window": round 18d; "that window" is the one just stated)."""


def window_verdict(sentence: str, durations: Iterable[tuple[str, str]], passages: Sequence = (), level: str | None = None) -> str | None:
    """The customer's case said to be inside a time limit ("your coat is within the 6 months"),
    or inside the window of their level ("still inside your Silver return window", where the
    Silver passage says "within the last 6 months"), that every duration the customer gave passes
    (bought 9 months ago)."""
    given = in_days(durations)
    if not given:
        return None
    for clause in _clauses(sentence):
        if _DENIES.search(clause) or _CONDITION.search(clause):
            continue
        for m in _INSIDE.finditer(prepare(clause)):
            limit = float(m.group("n")) * _DAYS[m.group("u").lower()]
            if all(d > limit for d in given):
                return f"the customer's case is said to be {m.group(0).strip()!r}; their own figure is past it"
        about = scope_of(sentence) or (frozenset({level}) if level else None)
        if level and about is not None and level not in about and _THAT_WINDOW.search(clause) and _IN_WINDOW.search(clause):
            return f"the customer's case is said to be inside the window just given for {', '.join(sorted(about))}, not their level's"
        if about is None or len(about) != 1 or not _IN_WINDOW.search(clause):
            continue
        limits = level_limits(passages, about)
        if limits and all(d > max(limits) for d in given):
            return f"the customer's case is said to be inside their level's window; their own figure is past it"
    for clause in _clauses(sentence):
        about = scope_of(clause) or scope_of(sentence) or (frozenset({level}) if level else None)
        if _PAST_WINDOW.search(clause) and about is not None and len(about) == 1 and past_window(clause, durations, passages, level) is False:
            return "the customer's case is said to be past their level's window; their own figure is within it"
    return None


_THAT_WINDOW = re.compile(r"\b(?:that|this)\s+(?:[\w-]+\s+)?(?:window|time limit|return period)\b", re.I)
"""The window the sentence gave before ("Silver members have 6 months, and two months puts you inside that window"):
said to a Bronze member, it is another level's (round 18d)."""
_PAST_WINDOW = re.compile(r"\b(?:outside|past|beyond)\s+(?:the|your|its|their|our)\s+(?:[\w-]+\s+){0,2}?(?:return\s+)?(?:window|time limit|return period)\b", re.I)


def judges_window(clause: str) -> bool:
    """Does ``clause`` say the customer's case is inside or past a return window ("your dress is still inside
    the 30-day window")? Its figure is then the window of their level (:mod:`~service.guardrails.their_level`, round 17d)."""
    return _IN_WINDOW.search(clause) is not None or _PAST_WINDOW.search(clause) is not None


def within_window(clause: str, durations: Iterable[tuple[str, str]], passages: Sequence, level: str | None) -> bool:
    """A clause saying the customer's case is inside their level's window ("At 2 months you're well
    within the Silver return window") where every duration they gave is within the window the
    sources give that level: their case judged, the clause's figure theirs (fourteenth round). Where
    one is past it, or no source gives the window, the clause is a claim as any other (and
    :func:`window_verdict` refuses the wrong verdict)."""
    about = scope_of(clause) or (frozenset({level}) if level else None)
    given = in_days(durations)
    if not given or about is None or len(about) != 1 or not _IN_WINDOW.search(clause) or _DENIES.search(clause) or _CONDITION.search(clause):
        return False
    limits = level_limits(passages, about)
    return bool(limits) and all(d <= min(limits) for d in given)


def past_window(clause: str, durations: Iterable[tuple[str, str]], passages: Sequence, level: str | None) -> bool | None:
    """A clause saying the customer's case is past their level's window ("I'm afraid that's outside
    the Silver window"): True when every duration the customer gave is past the window the sources
    give that level (the clause's words are then the comparison, no claim), False when one is within
    it (a wrong verdict), None when the clause says no such thing or it cannot be judged."""
    about = scope_of(clause) or (frozenset({level}) if level else None)
    given = in_days(durations)
    if not _PAST_WINDOW.search(clause) or _DENIES.search(clause) or about is None or len(about) != 1 or not given:
        return None
    limits = level_limits(passages, about)
    return (all(d > max(limits) for d in given)) if limits else None


# ---- a secret asked for --------------------------------------------------------------------------

_ASKS = re.compile(r"\b(?:reply with|respond with|send|share|tell|give|provide|confirm|read out|type in|(?:email|text|dm|message) (?:me|us|it)|"
                   r"(?:i|we)(?:'ll| will)? need|what'?s|what is)\b(?P<what>[^.?!;]*)", re.I)
_NOT_ASKING = re.compile(r"\b(?:never|not|don'?t|do not|no need to|won'?t|shouldn'?t|must not)\s+(?:\w+\s+)?$", re.I)
_OBJECT_END = re.compile(r"\b(?:i|we|i'?ll|we'?ll|i'?d|we'?d|to|so|then|once|when|if|for|because)\b|$", re.I)
"""Where what is asked for ends ("your username, or your current password, | and I'll generate ...")."""
_SECRET = re.compile(r"\b(?P<q>current|old|existing|account|login|present)?\s*(?P<head>password|security code|cvv|cvc|card verification code)\b", re.I)
_NEVER_ASK = re.compile(r"\b(?:never|do not|don'?t|must not|cannot|can'?t)\s+(?:ask|take|request|collect|accept)s?\b[^.]*", re.I)
_DETAIL_NOUNS = re.compile(r"\b(?:zip code|phone number|telephone number|pin|username|email address|order id|full name|account id)\b", re.I)
_CHANNELS = re.compile(r"\b(?:chat|email|sms|social|voice|phone)\b", re.I)


def secret_request(sentence: str, passages: Sequence, channel: str) -> str | None:
    """A request naming a password or a card's security code where a cited source says agents
    never ask for it (on this channel), or a password that no cited list of details names."""
    asked = [a for a in _ASKS.finditer(sentence) if not _NOT_ASKING.search(sentence[max(0, a.start() - 25):a.start()])]
    spans = [(a.start("what"), a.start("what") + _OBJECT_END.search(a.group("what")).start()) for a in asked]
    for m in (m for a, b in spans for m in _SECRET.finditer(sentence, a, b)):
        head = m.group("head").lower()
        head = "security code" if head in ("cvv", "cvc", "card verification code") else head
        if re.search(r"\b(?:new|temporary)\s+$", sentence[:m.start("head")], re.I) and not m.group("q"):
            continue  # "I'll share your new password"
        listed = False
        for p in passages:
            t = p.text.replace("**", "")
            for never in _NEVER_ASK.finditer(t):
                named = _CHANNELS.findall(never.group(0))
                if head in never.group(0).lower() and (not named or channel.lower() in {c.lower() for c in named}
                                                       or (channel == "web" and "chat" in {c.lower() for c in named})):
                    return f"{p.source} says agents never ask for this ({never.group(0)[:80]!r})"
            if head in t.lower() and len(set(_DETAIL_NOUNS.findall(t.lower()))) >= 2 and not NEGATION.search(t):
                listed = True
        if head == "password" and not listed:
            return "a password asked for that no cited source lists among the details to give"
    return None


# ---- a verdict against an exclusion ------------------------------------------------------------

_EXCLUSION = re.compile(r"(?:^|(?<=[.;:]\s))(?P<subj>[A-Z][^.;:]{2,60}?)\s+(?:(?:is|are)\s+not|isn'?t|aren'?t|does not|doesn'?t)\s+"
                        r"(?:(?P<pred>covered|included|eligible)|qualify)\b", re.M)
_POSITIVE = {
    "covered": re.compile(r"\bcovers?\b|\b(?:is|are|'s|'re|be|get)\s+(?:fully\s+|still\s+|also\s+)?covered\b|\bunder (?:the |your |our )?(?:\S+ )?warranty\b", re.I),
    "included": re.compile(r"\b(?:is|are|'s|'re|be)\s+(?:also\s+|still\s+)?(?:included|free)\b|\bincludes?\b|\bships? free\b", re.I),
    "eligible": re.compile(r"\beligible\b|\bqualif(?:y|ies)\b", re.I),
    "qualify": re.compile(r"\bqualif(?:y|ies)\b|\beligible\b|\bcan (?:still |now )?(?:come|go) back\b|\bcan (?:still |now )?(?:be )?(?:return|send|sent|returned)\b", re.I),
}
_GENERIC = "normal alone only just item items order orders the customer they it"
_EXAMPLES = re.compile(r"\b(?:such as|like|for example|including|against)\s+([^.;:]+)", re.I)


@lru_cache(maxsize=4096)
def _excluding(text: str) -> tuple[tuple[re.Match[str], frozenset[str] | None], ...]:
    """The exclusions of a passage's text, each with the levels its sentence names (a passage's text is seen again and again)."""
    t = text.replace("**", "")
    return tuple((m, scope_of(t[m.start():t.find(".", m.end()) + 1 or len(t)])) for m in _EXCLUSION.finditer(t))


def _exclusions(passages: Sequence, words: Words) -> tuple[list[tuple[Any, Any, frozenset[str], Any]], list[frozenset[str]], frozenset[str]]:
    """What :func:`excluded_verdict` reads of the passages, worked out once per reply: each
    exclusion (passage, match, subject words, scope), what the sources give as granted, their words."""
    found = [(p, m, words(m.group("subj")) - words(_GENERIC), scope) for p in passages for m, scope in _excluding(p.text)]
    if not found:
        return [], [], frozenset()
    granted = [g for p in passages for e in _EXAMPLES.finditer(p.text.replace("**", ""))
               for x in re.split(r",|\bor\b|\band\b", e.group(1)) for g in [words(x) - words(_GENERIC)] if g]
    return found, granted, frozenset().union(*(words(p.text) for p in passages))


def excluded_verdict(sentence: str, passages: Sequence, customer: frozenset[str], level: str | None, words: Words,
                     read: tuple[Any, ...] | None = None) -> str | None:
    """A clause granting what a source excludes ("Normal wear and tear is not covered"; "Original
    packaging alone does not qualify a guest return") where the customer's words name that thing
    and neither they nor the clause name what the source does grant ("sole separation").
    ``read``: :func:`_exclusions` of ``passages``, when the caller has it."""
    found, granted, known = read if read is not None else _exclusions(passages, words)
    if not found:
        return None
    clauses = [c for c in _clauses(sentence) if not _DENIES.search(c) and not _CONDITION.search(c) and not c.rstrip().endswith("?")]
    if not clauses:
        return None
    for p, m, subj, scope in found:
        if not subj or not (subj & customer) or (scope is not None and (level is None or level not in scope)):
            continue
        positive = _POSITIVE[m.group("pred") or "qualify"]
        for c in clauses:
            said = words(c)
            if any(g <= said | customer for g in granted if not g & subj) or not positive.search(c) or _for_level(c, subj, passages, words):
                continue
            if subj & said or re.search(r"\b(?:it|that|this|them|they|your)\b", c, re.I) or (said & customer) - known:
                return f"{p.source} excludes this ({m.group(0).strip()!r}); the reply grants it to the customer's case"
    return None


def _for_level(clause: str, subj: frozenset[str], passages: Sequence, words: Words) -> bool:
    """Does the clause name a level a source grants the excluded thing to ("free for Gold members"
    where "Gold members have the overnight fee waived")?"""
    named = scope_of(clause)
    return named is not None and any(
        subj <= words(p.text) and not _DENIES.search(p.text) and (scope := scope_of(p.text)) is not None and named <= scope
        and _granted_in_part(_plain(p.text), subj, named, words) for p in passages)


def _granted_in_part(t: str, subj: frozenset[str], named: frozenset[str], words: Words) -> bool:
    """Is ``subj`` in a part of ``t`` said of the levels ``named``, not only in a part said of others? "Silver and Bronze
    members can also return with a receipt or in the original packaging, and guests with a receipt" grants the packaging
    to Silver and Bronze, not to guests (round 18d)."""
    spans = segment_spans(t, list(level_groups(t)))
    return not spans or any(named <= levels and not negated and subj <= words(t[a:b]) for a, b, levels, negated in spans)


# ---- a price said of the wrong thing --------------------------------------------------------------

_MONEY = re.compile(r"\$(\d+(?:\.\d+)?)")
_CONSEQUENCE = re.compile(r"(?:,\s*|\s)(?:so|which means|meaning|that means|which makes|making|bringing)\b", re.I)
_PRICE_WORDS = "cost costs would come comes total be will price charge fee pay make makes bring brings add adds order item items each extra per apiece"


def carried_price(sentence: str, passages: Sequence, words: Words) -> str | None:
    """A price a clause states, said again after "so" of another thing ("Gift wrapping is $5 per
    item, so your shipping would be $5"): the thing after "so" is priced by a source, at
    another amount, and no passage giving the price names it."""
    t = prepare(sentence)
    cut = _CONSEQUENCE.search(t)
    if not cut:
        return None
    before, after = t[:cut.start()], t[cut.end():]
    shared = set(_MONEY.findall(before)) & set(_MONEY.findall(after))
    for value in shared:
        named = words(_MONEY.sub(" ", after)) - words(_PRICE_WORDS)
        thing = named - words(before)
        stating = [p for p in passages if not getattr(p, "parts", ()) and value in _MONEY.findall(_plain(p.text))]
        if not thing or not stating or any(named & words(p.text) for p in stating):
            continue
        other = next((p for p in passages if not getattr(p, "parts", ()) and thing & words(p.text)
                      and set(_MONEY.findall(_plain(p.text))) - {value}), None)
        if other is not None:
            return f"${value} is the price of something else; {other.source} prices this ({other.text[:60]!r})"
    return None


_PER_UNIT = re.compile(r"\$(\d+(?:\.\d+)?)\s*(?:(?:per|a|an|/|for each)\s*(?:item|pair|piece|shirt|gift|bag|jacket|one)|each|apiece)\b", re.I)
_PER_SAID = re.compile(r"\b(?:per|each|apiece|a pair|an item|a piece|every)\b|/", re.I)
_COUNT = re.compile(r"\b(?:both|all (?:two|three|four|five|six|\d+)|(?:two|three|four|five|six|seven|eight|nine|ten|[2-9]|1\d)\s+(?:of\s+(?:your|the|these|those)\s+)?"
                    r"(?:[\w-]+\s+)?(?!(?:characters|letters|days|weeks|months|years|hours|minutes|inches|dollars|percent|digits|times)\b)[a-z]+s)\b", re.I)
"""A count of things ("both", "two pairs", "your three shirts"), not a measure ("12 characters")."""


def _per_item(passages: Sequence, words: Words) -> list[tuple[str, frozenset[str]]]:
    """The prices the passages give per item, with the words of what each prices."""
    return [(m.group(1), words(t[max((a.end() for a in _MONEY.finditer(t, 0, m.start())), default=0):m.end()]) - words(_PRICE_WORDS))
            for p in passages if not getattr(p, "parts", ()) for t in [_plain(p.text)] for m in _PER_UNIT.finditer(t)]


def unmultiplied(sentence: str, passages: Sequence, words: Words, several: bool = False,
                 per: list[tuple[str, frozenset[str]]] | None = None) -> str | None:
    """A price a source gives per item ("$15 a pair") stated as the price of several ("hemming
    both your pairs comes to $15") in a clause that says no "per" or "each", in a sentence about
    the thing the source prices so. ``per``: :func:`_per_item` of ``passages``, when the caller has it."""
    per = per if per is not None else _per_item(passages, words)
    if not per:
        return None
    said = words(sentence) - words(_PRICE_WORDS)
    for clause in _clauses(prepare(sentence)):
        counted = _COUNT.search(clause) or (several and _THEM.search(clause))
        if _PER_SAID.search(clause) or not counted:
            continue
        for value in _MONEY.findall(clause):
            if any(v == value and said & thing for v, thing in per):
                return f"${value} is a price per item; the reply gives it as the price of {counted.group(0)!r}"
    return None


_THEM = re.compile(r"\b(?:them|all of them|both of them|the lot|those|these)\b", re.I)
"""The customer's things, counted in their own message ("can you hem my two pairs?" ... "hemming them is $15")."""


def verdict_findings(sentences: Iterable[str], passages: Sequence, *, customer_texts: Sequence[str], amounts: frozenset[str],
                     durations: Sequence[tuple[str, str]], level: str | None, channel: str, words: Words) -> list[str]:
    """The findings of every rule above for each sentence of a reply."""
    customer = frozenset().union(*map(words, customer_texts)) if customer_texts else frozenset()
    several = counts_several(customer_texts)
    excluded, per = _exclusions(passages, words), _per_item(passages, words)  # once per reply, not per sentence
    out = []
    for s in sentences:
        why = (amount_verdict(s, passages, amounts, durations, level, words) or window_verdict(s, durations, passages, level)
               or secret_request(s, passages, channel) or excluded_verdict(s, passages, customer, level, words, excluded)
               or carried_price(s, passages, words) or unmultiplied(s, passages, words, several, per) or all_needed(s, passages)
               or no_limit_verdict(s, passages, level, words) or window_denial(s, durations, passages, level, level_limits)
               or past_window_grant(s, durations, passages, level, words))
        if why:
            out.append(f"{why}: {s.strip()[:120]!r}")
    return out



@lru_cache(maxsize=8192)
def case_reads(text: str) -> tuple[bool, bool, bool, bool]:
    """What of the customer's case the rules above may read for ``text`` (the check cache keys on
    it): their amounts, durations and level (a grant), their durations and level (a time limit, or
    none: :mod:`~service.guardrails.no_limit`),
    their words and level (a verdict on an exclusion), whether they counted several things ("them"). A denial
    ("it doesn't qualify", "there's nothing we can do") reads their durations and level too (round 16a:
    :mod:`~service.guardrails.window_denials`, :mod:`~service.guardrails.case_denials`)."""
    spelled = prepare(text)

    def said(*patterns: re.Pattern[str]) -> bool:
        return any(p.search(t) for p in patterns for t in (text, spelled))

    return said(GRANTED), said(_INSIDE, _IN_WINDOW, _PAST_WINDOW, PAST_SAID, NO_LIMIT, DENIED_CASE, DENIAL), said(*_POSITIVE.values()), said(_THEM)


def exclusion_words(texts: Iterable[str], words: Words) -> frozenset[str]:
    """The words :func:`excluded_verdict` compares the customer's words with, besides the reply's:
    the subjects of the exclusions of ``texts`` and what they give as granted; empty when no text
    excludes anything (the rule then reads nothing of the customer)."""
    texts = [t.replace("**", "") for t in texts]
    if not any(_EXCLUSION.search(t) for t in texts):
        return frozenset()
    return frozenset().union(*(words(m.group("subj")) for t in texts for m in _EXCLUSION.finditer(t)),
                             *(words(e.group(1)) for t in texts for e in _EXAMPLES.finditer(t)))


def counts_several(customer_texts: Sequence[str]) -> bool:
    """Whether the customer counted several things ("my two pairs")."""
    return any(_COUNT.search(prepare(t)) for t in customer_texts)
