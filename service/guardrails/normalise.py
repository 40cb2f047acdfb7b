"""Normalise text before a matcher looks at it.

Used by the forbidden, escalation and tone matchers of the reply policy and by the PII
redactor, so a commitment, a crisis message or a card number cannot slip past by spelling:

* Unicode NFKC (full-width ``ｆｒｅｅ`` → ``free``, ``４１１１`` → ``4111``, ligatures);
* format characters removed (zero-width spaces and joiners, soft hyphens, bidi controls:
  every character of category ``Cf``), and the invisible fillers that are not ``Cf`` (Hangul and
  Khmer fillers, the combining grapheme joiner, variation selectors); non-breaking and other spaces
  made plain spaces;
* typographic quotes and dashes made ASCII;
* look-alike letters folded: Cyrillic, Greek, Armenian and Latin-extension letters that look Latin
  (``а`` → ``a``, ``ɑ`` → ``a``, ``ո`` → ``n``);
* for matching only, :func:`variants` also folds look-alike digits and symbols *inside words*
  (``fu11 r3fund`` → ``full refund``, ``k1ll mys3lf`` → ``kill myself``, ``gu@rantee`` →
  ``guarantee``); digits standing alone (``30 days``) are left as they are; a capital ``I`` after a
  small letter of the same word is read as ``l`` (``fuII refund`` → ``full refund``), while words
  that are capitals or start with ``I`` (``ID``, ``I'll``, ``Iceland``) keep it; and it joins a word spelt out in single letters
  (``r e f u n d   g u a r a n t e e d`` → ``refund guaranteed``, ``r.e.f.u.n.d`` → ``refund``);
  and it also reads a span under a right-to-left override (U+202E ... U+202C) in the order it is
  displayed, reversed (``\u202ednufer lluf\u202c`` shows as ``full refund``: :func:`as_displayed`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "к": "k", "м": "m", "н": "h", "т": "t", "в": "b", "ԁ": "d", "ɡ": "g", "ӏ": "l", "һ": "h", "ԛ": "q", "ԝ": "w", "ѵ": "v", "ү": "y",
        "Ѕ": "S", "Ј": "J", "Ү": "Y", "Һ": "H", "Ԛ": "Q", "Ԝ": "W",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "І": "I",
        # Greek
        "α": "a", "ο": "o", "ρ": "p", "ν": "v", "τ": "t", "ι": "i", "κ": "k", "υ": "u", "ε": "e", "γ": "y", "χ": "x", "ϲ": "c", "ς": "c", "ϳ": "j",
        "Ϲ": "C", "Ϳ": "J", "η": "n",
        # Latin and Armenian look-alikes (round 15e: "guɑrɑnteed", "guarаոteed")
        "ɑ": "a", "ɩ": "i", "ո": "n", "ս": "u", "ց": "g", "օ": "o", "ɾ": "r",
        "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X", "Υ": "Y", "Ζ": "Z",
        # punctuation
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
    }
)
_FILLERS = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10))) + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
"""Invisible characters that are not of category ``Cf``: the combining grapheme joiner, the Hangul
and Khmer fillers and inherent vowels, the Mongolian and other variation selectors. Removed with
the format characters (a soft hyphen, U+00AD, is ``Cf``)."""
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")

# Look-alike digits and symbols, folded only when they sit inside a word with letters.
_LEET_I = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"})
_LEET_L = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "l", "|": "l"})
_MIXED_WORD = re.compile(r"(?<![\w@$!|])(?=[\w@$!|]*[A-Za-z])(?=[\w@$!|]*[0-9@$!|])[\w@$!|]+")
_CAPITAL_I = re.compile(r"(?<=[a-z])I+(?=[a-z]|\b)")
"""A capital ``I`` written for a small ``l`` inside a small-letter word: after a small letter, and
ending the word or followed by another small letter (``fuII``, ``aII``, ``heIlo``), never in a word
of capitals (``ID``, ``FAQ``) or at a word's start (``I'll``, ``Iceland``)."""


@lru_cache(maxsize=8192)
def clean(text: str) -> str:
    """NFKC, format characters removed, spaces, quotes, dashes and look-alike letters folded.

    Lengths change (removed characters), so use the result for matching or as the new text,
    not to index into the original."""
    if not text or text.isascii():  # NFKC leaves ASCII as it is; every character folded below is not ASCII
        return text
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and ch not in _FILLERS)
    text = _SPACES.sub(" ", text)
    return text.translate(_CONFUSABLES)


_RLO, _PDF, _LRO = "\u202e", "\u202c", "\u202d"
_OVERRIDDEN = re.compile("\u202e([^\u202c\u202d\u202e\n]*)(?:\u202c|(?=[\u202d\u202e\n])|$)")
"""A span under a right-to-left override: from U+202E to the pop (U+202C), the next override or
the end of the line, where an unclosed override stops."""


def as_displayed(text: str) -> str:
    """``text`` with each span under a right-to-left override (U+202E) reversed, as a reader sees
    it on screen: ``\u202ednufer lluf\u202c`` displays as "full refund", so a matcher must read
    "full refund" there, not the stored "dnufer lluf". The override characters themselves are left
    in place (:func:`clean` removes them with the other format characters). A text without an
    override is returned as it is. :func:`variants` tries this reading besides the plain one (an
    override stray inside a word is more often noise than a reversal), so a matcher finds either."""
    if _RLO not in text:
        return text
    return _OVERRIDDEN.sub(lambda m: _RLO + m.group(1)[::-1] + _PDF, text)


def _displayed(text: str) -> tuple[str, ...]:
    """The spellings of ``text`` as displayed, when a right-to-left override reverses part of it (round 17g)."""
    shown = as_displayed(text)
    return _with_leet(clean(shown)) if shown != text else ()


def _fold_words(text: str, table: dict[int, str]) -> str:
    return _MIXED_WORD.sub(lambda m: m.group(0).translate(table), text)


_SPELT_OUT = re.compile(r"(?<![A-Za-z0-9])[A-Za-z](?P<sep>[ ._*·-])[A-Za-z](?:(?P=sep)[A-Za-z])+(?![A-Za-z0-9])")
"""Three or more single letters with one and the same separator between them."""


def join_spelt_out(text: str, *, article: bool = False) -> str:
    """Words spelt out letter by letter joined, and the runs of spaces that parted them made one.
    ``article``: a run that opens with "a" or "I" and a space keeps that word apart ("a f u l l": "a full")."""
    def join(m: re.Match[str]) -> str:
        run, sep = m.group(0), m.group("sep")
        if article and sep == " " and run[:1] in "aAI" and len(run) >= 7:
            return run[:2] + run[2:].replace(sep, "")
        return run.replace(sep, "")
    joined = _SPELT_OUT.sub(join, text)
    return re.sub(r" {2,}", " ", joined) if joined != text else text


@lru_cache(maxsize=8192)
def variants(text: str) -> tuple[str, ...]:
    """The spellings a matcher should try: the cleaned text, and the cleaned text with look-alike
    digits inside words folded (``1`` read as ``i`` and as ``l``); then the same with words spelt
    out letter by letter joined, when there are any."""
    base = clean(text)
    out = _with_leet(base) + _displayed(text)
    for joined in dict.fromkeys((join_spelt_out(base), join_spelt_out(base, article=True))):
        out += tuple(v for v in _with_leet(joined) if v not in out) if joined != base else ()
    return out


@lru_cache(maxsize=8192)
def same_length_variants(text: str) -> tuple[str, ...]:
    """The spellings of :func:`variants` that keep every character where it was: look-alike
    letters folded, and look-alike digits inside words folded (``1`` read as ``i`` and as ``l``).
    For a reader that reports offsets into ``text`` (the commitment reader). A character that NFKC
    makes one letter (mathematical bold ``𝐫𝐞𝐟𝐮𝐧𝐝``, full-width ``ｒｅｆｕｎｄ``) is folded too."""
    return _with_leet(text if text.isascii() else _one_for_one(text).translate(_CONFUSABLES))


def _one_for_one(text: str) -> str:
    """``text`` with each letter NFKC folds to a single letter folded, other characters kept."""
    return "".join(_nfkc_char(ch) for ch in text)


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    if ch.isascii() or not ch.isalpha():
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 and folded.isalpha() else ch


def fold_capital_i(text: str) -> str:
    """``text`` with a capital ``I`` inside a small-letter word read as ``l`` (``fuII refund`` →
    ``full refund``); same length. Capital words and words starting with ``I`` are left alone."""
    return _CAPITAL_I.sub(lambda m: "l" * len(m.group(0)), text) if "I" in text else text


def _with_leet(base: str) -> tuple[str, ...]:
    """``base``, then ``base`` with look-alike digits inside words read as ``i``, and read as ``l``
    with a capital ``I`` inside a small-letter word read as ``l`` too."""
    out = [base]
    for folded in (_fold_words(base, _LEET_I), fold_capital_i(_fold_words(base, _LEET_L))):
        if folded not in out:
            out.append(folded)
    return tuple(out)


def search_any(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of ``pattern`` in any of the :func:`variants` of ``text``."""
    for v in variants(text):
        m = pattern.search(v)
        if m:
            return m
    return None


def search_each(patterns: tuple[re.Pattern[str], ...], text: str) -> list[re.Match[str]]:
    """The first match of each of ``patterns`` in the :func:`variants` of ``text``, as
    :func:`search_any` per pattern gives them. The patterns are first searched once, joined: most
    texts match none of them, and are then read once per spelling instead of once per pattern.
    Remembered per patterns and text (the same approved replies are checked against the same
    rules request after request)."""
    try:
        return list(_search_each(patterns, text))
    except TypeError:  # patterns in a list: not remembered
        return list(_search_each.__wrapped__(tuple(patterns), text))


@lru_cache(maxsize=4096)
def _search_each(patterns: tuple[re.Pattern[str], ...], text: str) -> tuple[re.Match[str], ...]:
    union = _union(patterns)
    if union is not None and search_any(union, text) is None:
        return ()
    return tuple(m for p in patterns for m in [search_any(p, text)] if m)


@lru_cache(maxsize=256)
def _union(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """One pattern that matches where any of ``patterns`` does; None when they cannot be joined
    faithfully (different flags, a back-reference or a named group)."""
    if not patterns or len({p.flags for p in patterns}) != 1:
        return None
    source = "|".join(f"(?:{p.pattern})" for p in patterns)
    if re.search(r"\\[1-9]|\(\?P[<=]|\(\?[aiLmsux]+\)", source):
        return None
    try:
        return re.compile(source, patterns[0].flags)
    except re.error:
        return None
