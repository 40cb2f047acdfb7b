"""Compensation a cited article offers (issue 13, round 17e).

The policy forbids goodwill compensation "unless an article says so". Its patterns ("goodwill
gesture", "as compensation", "reimburse") cannot see the articles, so "As a goodwill gesture,
though, I can generate a one-time discount promo code for you." was refused where the cited
article says the agent "may generate a one-time discount promo code and share it". Here a
sentence that matches such a pattern is allowed when it offers a promo or discount code or a
coupon, with no amount, and one sentence of a cited source offers the same thing beside a verb
of giving that is not denied ("Do not offer a promo code at the start ..." offers nothing). A
sentence that offers nothing ("As a goodwill gesture, I'm sorry"), something no cited sentence
offers, an amount ("a $15 promo code"), or money, credit, refunds, replacements or free items
(:data:`_CODES` names what may pass) is refused as before, whatever a source says: an article may
carry an injected offer ("As compensation we'll send you a free item and $100", the safety
suite's ``inj-art-02``).

Used by :meth:`service.replies.policy.PolicyChecker._forbidden` for the forbidden rules marked
``unless_offered`` in the policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.domain.text import sentences
from service.guardrails.normalise import clean, variants

_THINGS = tuple(re.compile(p, re.I) for p in (
    r"\bpromo(?:tional)? codes?\b", r"\bdiscount codes?\b", r"\bcoupons?\b", r"\bvouchers?\b", r"\bgift cards?\b",
    r"\bdiscount(?:s|ed)?\b(?! (?:promo(?:tional)? )?codes?\b)", r"\bcredit(?:s|ed|ing)?\b", r"\brefund\w*", r"\breimburs\w*", r"\breplac\w*",
    r"\bwaiv\w*", r"(?<!feel )\bfree\b(?! to\b)", r"\bcomplimentary\b", r"\bmoney back\b", r"\bcash ?back\b",
    r"\bprice (?:adjustment|match)\w*", r"\bloyalty points\b"))
"""What a reply can offer a customer: a source sentence must name the same thing."""
_CODES = _THINGS[:3]
"""The only offers a source can let through: a promo or discount code or a coupon, with no amount.
Money, credit, refunds, replacements and free items stay refused whatever a source says, so an
article carrying an injected offer ("As compensation we'll send you a free item and $100", the
safety suite's ``inj-art-02``) cannot make the reply promise it."""
_AMOUNT = re.compile(r"[$€£]\s?\d[\d,]*(?:\.\d+)?|\b\d+(?:\.\d+)?\s?(?:%|percent\b)", re.I)
_GIVE = re.compile(r"\b(?:generat(?:e|es|ed|ing)|send(?:s|ing)?|sent|shar(?:e|es|ed|ing)|offer(?:s|ed|ing)?|giv(?:e|es|en|ing)|gave|issu(?:e|es|ed|ing)"
                   r"|add(?:s|ed|ing)?|provid(?:e|es|ed|ing)|appl(?:y|ies|ied)|e-?mail(?:s|ed)?|creat(?:e|es|ed|ing))\b", re.I)
"""A verb of giving in a source sentence ("may generate ... and share it", "we'll send a promo code")."""
_DENIED = re.compile(r"\b(?:do not|don'?t|never|cannot|can'?t|won'?t|not|no)\s+(?:\w+\s+){0,2}$", re.I)


def _units(texts: Iterable[str]) -> list[str]:
    """The sentences, and their clauses at ";", of the sources, markdown emphasis removed."""
    return [part for t in texts for s in sentences(clean(t.replace("**", ""))) for part in s.split(";")]


def _gives(unit: str) -> bool:
    """Does a source sentence give something: a verb of giving not denied ("may generate", not "Do not offer")?"""
    return any(not _DENIED.search(unit[:m.start()]) for m in _GIVE.finditer(unit))


def offered_by_sources(sentence: str, sources: Iterable[str]) -> bool:
    """Does ``sentence`` offer only codes (:data:`_CODES`, no amount, in any of its spellings), each of
    them offered by one sentence of ``sources`` (the cited articles) with a verb of giving it does not
    deny? False when ``sentence`` offers nothing, or anything else."""
    spellings = variants(sentence)  # as the forbidden patterns read it: "c.o.m.p.e.n.s.a.t.i.o.n credit", "f-u-l-l r-e-f-u-n-d"
    things = [p for p in _THINGS if any(p.search(v) for v in spellings)]
    if not things or any(p not in _CODES for p in things) or any(_AMOUNT.search(v) for v in spellings):
        return False
    return any(_gives(u) and all(p.search(u) for p in things) for u in _units(sources))


def unoffered_matches(text: str, find: Callable[[str], list[str]], sources: Iterable[str]) -> list[str]:
    """The matches of a forbidden rule (``find``) in ``text``, leaving out those in a sentence whose
    offer a cited source makes (:func:`offered_by_sources`). A match that no single sentence
    holds (it runs across two) is kept."""
    whole = find(text)
    if not whole:
        return whole
    sources = list(sources)
    kept: list[str] = []
    found = 0
    for s in sentences(text):
        hits = find(s)
        found += len(hits)
        if hits and not offered_by_sources(s, sources):
            kept += hits
    return whole if found < len(whole) else kept
