"""A thing said to be free that no source says is free (issue 13, eighth round).

"Free" is an eligibility word the claim check reads as a fact of its clause; one passage that
says something else is free ("free overnight upgrades", "a gift message card at no extra
charge") could then support "gift wrapping is free" or a list item "free gift wrapping". Here
the thing said to be free is named: some sentence of a source must name the same thing (all its
content words) and say it is free, waived or at no charge; a source that only prices it ("Gift
wrapping is $5 per item") supports no such claim, nor does one that names it free only as an open
question ("whether free international shipping is included", "... depends on your account"). The same thing named in other words is found
by :mod:`service.guardrails.free_names`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.domain.text import sentences
from service.guardrails.free_names import OPEN as _OPEN, named_free

Words = Callable[[str], frozenset[str]]

_FREE_THING = re.compile(r"(?<![\w-])(?:free|complimentary)\s+(?!(?:of|to|for|from|and|or|with|if|when|on|at|in|over|during|until|till|today|now|this|these|every|all|forever|again|too|as|by|of charge)\b)"
                         r"(?P<after>[a-z][\w-]*(?:\s+(?!and\b|or\b|on\b|for\b|with\b|to\b|at\b|in\b|when\b|if\b|over\b|during\b)[a-z][\w-]*){0,2})", re.I)
_THING_FREE = re.compile(r"(?P<before>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})\s+(?:is|are|comes?|will be|'s)\s+(?:completely\s+|totally\s+|always\s+|now\s+|still\s+|also\s+)?"
                         r"(?:free|complimentary|on the house|at no (?:extra )?(?:charge|cost)|no charge)\b", re.I)
_SAYS_FREE = re.compile(r"\b(?:free|complimentary|waived?|no (?:extra |[\w-]+ )?(?:charge|cost|fee)|on the house)\b", re.I)
"""A sentence saying its thing costs nothing; "with no shipping fee" says shipping is free (fifteenth round, fix-15b)."""
_VERBISH = frozenset("starts start started covers cover covered offer offers applies apply applied kicks kick begins begin is are was were means "
                     "comes come qualifies qualify counts count works work ends end includes include included only also".split())
"""Words that end the thing said free ("free standard shipping starts at $75": "standard shipping")."""
_NOT_A_THING = re.compile(r"\b(?:it|that|this|they|these|those|shipping on|everything|which|what|there)\b", re.I)


def unsupported_free(sentence: str, passages: Iterable, words: Words) -> str | None:
    """The first thing ``sentence`` says is free that no sentence of ``passages`` names as free."""
    things = [_head(m.group("after")) for m in _FREE_THING.finditer(sentence)]
    things += [m.group("before").split(",")[-1] for m in _THING_FREE.finditer(sentence) if not _NOT_A_THING.search(m.group("before"))]
    if _OPEN.search(sentence):
        return None  # the reply asks or leaves it open too
    passages = [p for p in passages if not _OPEN.search(p.text)]
    for thing in things:
        named = words(thing)
        if not named:
            continue
        if not any(named <= words(s) and _SAYS_FREE.search(s) and not _OPEN.search(s) for p in passages for s in sentences(p.text)) and not named_free(named, sentence, passages, words, thing.split()[-1]):
            return f"no source says {thing.strip()!r} is free"
    return None


def _head(phrase: str) -> str:
    out = []
    for w in phrase.split():
        if w.lower() in _VERBISH:
            break
        out.append(w)
    return " ".join(out)
