"""Asides that echo the customer's own situation (nineteenth round, fix19b).

A friendly reply may say the customer's situation back with a word of empathy or humour before its
facts: "Sorry about that, Lena, five clicks deserves a full cart!" after "clicked add to cart like 5
times", "three tries is a lot" after "I've tried three times", "Kids and gum, a classic
combination!" after "my kid stepped in gum", "especially for a search as simple as 'shirt'" after
"even for 'shirt'". No source states such a line and none needs to: its things and its figure are
the customer's, and the rest is a closed set of words of feeling and judgement (:data:`ASIDE_WORDS`).

It is recognised only while it says nothing of the shop (no "we", "I", "our", nothing ahead, no
commitment word, no negation), every figure in it is one the customer gave, at least one content
word or figure is the customer's, and every other content word is an aside word. "Full", "whole",
"complete" and "entire" count only before a thing of the customer's ("a full cart"), never before
anything else ("a full refund" is a commitment word anyway, "a full basket" is not the customer's
thing and is weighed as ever).

The customer's name addressing them mid-sentence ("That's frustrating, Oskar, especially ...") is
left out before the sentence is read as conversational (:func:`unnamed`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from service.guardrails.conversational import COMMITMENT_WORD, FUTURE
from service.guardrails.courtesy import clause_spans, is_conversational

ASIDE_WORDS = frozenset("""
lot lots plenty load loads ton tons heap heaps many much enough quite real serious
simple simplest easy basic ordinary everyday common classic combination combo pairing duo mix
story tale especial especially particular particularly deserve deserves deserved earn earned
frustrating annoying maddening exasperating tedious infuriating fair patience persistence effort
dedication determination attempt attempts go goes round rounds hassle test
""".split())
"""Words of feeling and judgement an echo may add to the customer's own words ("is a lot", "a
classic combination", "deserves", "as simple as"): none names a rule, an amount, a time or a promise."""
_WHOLE = frozenset({"full", "whole", "complete", "entire"})
"""Words of wholeness, read as aside words only before a thing of the customer's ("a full cart")."""
_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUMBERS.update({"once": "1", "twice": "2", "thrice": "3"})
_SHOP = re.compile(r"\b(?:we|we'\w+|i|i'\w+|us|our|ours|northwind|store|shop|team|staff)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|never|no|nothing|none)\b|n't\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+")
_MAX_WORDS = 12
"""An echo is short: a longer line is a statement with the customer's words in it."""


def _root(word: str) -> str:
    """A crude root, so "kids" is "kid" and "tries" is "tried"'s ("tri")."""
    w = word.lower().strip("'")
    for suffix in ("ies", "ied", "ing", "ed", "es", "ie", "s", "e", "d", "y"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w


def unnamed(sentence: str, names: Iterable[str]) -> str:
    """``sentence`` without the customer's name where it only addresses them: "Sorry about that, Lena,
    five clicks ..." is "Sorry about that, five clicks ..." (the clause break is kept)."""
    s = sentence
    for name in (n.strip() for n in names if n and n.strip()):
        n = re.escape(name)
        s = re.sub(r"^(\W*)" + n + r"\s*,\s*", r"\1", s)
        s = re.sub(r",\s*" + n + r"\s*,\s*", ", ", s)
        s = re.sub(r",?\s*\b" + n + r"\b(?=\s*[!.?]*\s*$)", "", s)
    return s


def echoes(text: str, customer_words: frozenset[str], content_words: Callable[[str], frozenset[str]], numbers: Iterable[str] = ()) -> bool:
    """Is ``text`` (a clause or a short sentence) the customer's own situation said back with aside
    words only (:data:`ASIDE_WORDS`)? ``numbers``: the figures the customer gave ("5")."""
    t = text.strip().replace("’", "'")
    tokens = _WORD.findall(t)
    if (not tokens or len(tokens) > _MAX_WORDS or not t.endswith(("!", "."))  # an exclamation or a plain remark, not a list lead-in
            or _SHOP.search(t) or FUTURE.search(t) or COMMITMENT_WORD.search(t) or _NEGATION.search(t) or re.search(r"[$€£%:]", t)):
        return False
    theirs = {_root(w) for w in customer_words}
    given = {str(n) for n in numbers} | {_NUMBERS[w] for w in customer_words if w in _NUMBERS}
    mine = 0
    for i, token in enumerate(tokens):
        word = token.lower()
        figure = word if word.isdigit() else _NUMBERS.get(word)
        if figure is not None:
            if figure not in given:
                return False  # a figure the customer never gave is a claim
            mine += 1  # their own count ("four attempts is plenty!" after "I've tried 4 times")
            continue
        if not content_words(word):
            continue  # "a", "is", "as", "for"
        if _root(word) in theirs or word in customer_words:
            mine += 1
        elif word in _WHOLE:
            nxt = next((w for w in tokens[i + 1:] if content_words(w)), "")
            if not nxt or _root(nxt) not in theirs:
                return False  # "a full refund", "a full basket": not the customer's thing
        elif word not in ASIDE_WORDS and _root(word) not in {_root(a) for a in ASIDE_WORDS}:
            return False
    return mine > 0


def echoed_aside(sentence: str, customer_words: frozenset[str], content_words: Callable[[str], frozenset[str]],
                 names: Iterable[str] = (), numbers: Iterable[str] = ()) -> bool:
    """Is ``sentence`` conversational once the customer's name addressing them is left out ("That's
    frustrating, Oskar, especially ..."), or a courtesy followed by an echo of their situation
    ("Sorry about that, Gloria, three tries is a lot."), or an echo alone ("Kids and gum, a classic
    combination!")?"""
    s = unnamed(sentence.strip(), names)
    if s != sentence.strip() and is_conversational(s):
        return True
    if not customer_words:
        return False
    spans = clause_spans(s)
    start = 0
    for a, b in spans:  # the courtesy it opens with ("Sorry about that,")
        if not is_conversational(s[a:b]):
            start = a
            break
    else:
        return False
    return echoes(s[start:], customer_words, content_words, numbers)
