"""Sizes no cited source gives (round 17c): "our shirts come in S, M, L, XL and XXL" where the shirts FAQ
lists Small, Medium and Large. A size line is a product fact like a material: each size a reply says we
carry must be one a cited source names. Word overlap lets such a sentence through, since the rest of it
("our 100% cotton shirts come in") is sourced; here each size is judged alone.

A size is read from an unambiguous abbreviation anywhere ("XL", "2XL"), and from single letters or words
("S", "Medium", "extra large") only inside a list of sizes ("S, M and L", "small to extra large") or after
"size": "a small fee" names no size. A range ("XS to XL") claims every size between its ends. A size said
denied ("XL isn't one of our listed sizes", "I can't promise XXL") or asked about is no claim."""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.guardrails.commitments import NEGATION

_ORDER = ("xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl", "4xl", "5xl")
_CANON = {"extra small": "xs", "x small": "xs", "small": "s", "medium": "m", "med": "m", "large": "l", "extra large": "xl",
          "x large": "xl", "double extra large": "xxl", "2xl": "xxl", "2xs": "xxs", "3xl": "xxxl", "xxs": "xxs", "xs": "xs",
          "s": "s", "m": "m", "l": "l", "xl": "xl", "xxl": "xxl", "xxxl": "xxxl", "4xl": "4xl", "5xl": "5xl"}
_ABBREVIATION = r"(?-i:\b(?:XXXL|XXL|XL|XXS|XS|[2-5]XL|2XS)\b)"
"""A size only a size line writes ("XL", "2XL"): a size wherever it stands."""
_TOKEN = (r"(?:" + _ABBREVIATION + r"|(?-i:\b[SML]\b)|\b(?:double extra[- ]large|extra[- ](?:small|large)|x[- ](?:small|large)"
          r"|small|medium|large)\b)")
_BETWEEN = r"\s*(?:,\s*(?:and\s+|or\s+)?|/|\s+(?:and|or|to|through|thru)\s+|\s*[-–]\s*)\s*"
_LIST = re.compile(_TOKEN + r"(?:" + _BETWEEN + _TOKEN + r")+", re.I)
"""Two or more sizes in a row ("S, M, L, XL and XXL", "small to extra large", "S–XL")."""
_AFTER_SIZE = re.compile(r"\bsizes?\s+(" + _TOKEN + r")", re.I)
_ONE = re.compile(_TOKEN, re.I)
_SIZE_TALK = re.compile(r"\b(?:sizes?|sizing|comes? in|available in|fits?|in stock|stocks?|carry|carries)\b", re.I)
"""Words that make "small, medium and large" a size line ("small and large orders" is none)."""
_RANGE_WORD = re.compile(r"^\s*(?:to|through|thru|[-–])\s*$", re.I)


def _canon(token: str) -> str:
    return _CANON.get(re.sub(r"[\s-]+", " ", token.lower()), token.lower())


def _claimed(sentence: str) -> list[tuple[int, str, str]]:
    """The sizes ``sentence`` names as (position, size, as written); a range gives every size between its ends."""
    out: list[tuple[int, str, str]] = []
    talk = _SIZE_TALK.search(sentence) is not None
    for m in _LIST.finditer(sentence):
        tokens = list(_ONE.finditer(sentence, m.start(), m.end()))
        if not talk and all(len(t.group(0)) > 3 and not re.fullmatch(_ABBREVIATION, t.group(0)) for t in tokens):
            continue
        for a, b in zip(tokens, tokens[1:]):
            if _RANGE_WORD.match(sentence[a.end():b.start()]) and _canon(a.group(0)) in _ORDER and _canon(b.group(0)) in _ORDER:
                i, j = _ORDER.index(_canon(a.group(0))), _ORDER.index(_canon(b.group(0)))
                out += [(a.start(), size, f"{a.group(0)} to {b.group(0)}") for size in _ORDER[i + 1:j]]
        out += [(t.start(), _canon(t.group(0)), t.group(0)) for t in tokens]
    listed = {p for p, _, _ in out}
    out += [(m.start(1), _canon(m.group(1)), m.group(1)) for m in _AFTER_SIZE.finditer(sentence) if m.start(1) not in listed]
    out += [(m.start(), _canon(m.group(0)), m.group(0)) for m in re.finditer(_ABBREVIATION, sentence) if m.start() not in listed]
    return out


def sizes_given(sources: Iterable[str]) -> frozenset[str]:
    """The sizes the sources' texts name, in any form ("Small", "S 33in", "XL")."""
    return frozenset(_canon(m.group(0)) for text in sources for m in _ONE.finditer(text))


def _denied(sentence: str, at: int) -> bool:
    """Is the size at ``at`` said denied: a negation before it in its clause, or after it before the next comma ("XL isn't")."""
    start = max(sentence.rfind(c, 0, at) for c in ".;!?")
    end = min([i for i in (sentence.find(c, at) for c in ",;.!?") if i >= 0] or [len(sentence)])
    return NEGATION.search(sentence, start + 1, at) is not None or NEGATION.search(sentence, at, end) is not None


def unstated_size(sentence: str, sources: Iterable[str]) -> str | None:
    """The first size ``sentence`` says we carry that no cited source names, as a finding; None if there is none."""
    if sentence.rstrip().endswith("?"):
        return None
    claimed = _claimed(sentence)
    if not claimed:
        return None
    given = sizes_given(sources)
    for at, size, written in sorted(claimed):
        if size not in given and not _denied(sentence, at):
            return f"a size no cited source gives ({written!r}): {sentence.strip()[:100]!r}"
    return None
