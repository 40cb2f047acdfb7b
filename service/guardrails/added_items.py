"""An item added to a list a source gives (round 17c): "name stitching is available on jeans as well as shirts,
jackets and bags" where the pricing-extras article says "onto eligible shirts, jackets and bags". A reply's list
that shares two or more items with one list of a source sentence restates that list; an item of it the sentence
does not name is a claim no source makes (a service extended to another item), though the sentence's other words
are all sourced. The list check of :mod:`service.guardrails.reading` (``unlisted``) weighs items of two or more
words; this one reads lists of single-word items ("caps, shirts, jackets and bags"). Restating the source's list
or a part of it stays allowed, and so does an item a cited source names anywhere ("phone" in "telephone number") or
a word saying which of the source's items is meant ("tote bags"); an item said denied ("not on jeans") is no claim."""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.domain.text import stem
from service.guardrails.commitments import NEGATION

_WORD = r"[A-Za-z][A-Za-z'-]+"
_SEP = r"(?:\s*,\s*(?:and\s+|or\s+|plus\s+)?|\s+(?:and|or|plus|as well as)\s+)"
_LIST = re.compile(r"\b" + _WORD + r"(?:" + _SEP + _WORD + r"\b)+")
"""Single words in a row, set apart by commas, "and", "or", "plus" or "as well as"."""
_NOT_ITEMS = frozenset(map(stem, (
    "a an the and or plus our your their my its this that these those it them you we i he she they us me "
    "gold silver bronze guest guests member members everyone anyone all both each every any some other more most "
    "is are was were be been can could will would may might must do does did has have had not no yes only also "
    "just too very so then than when where which who what how why if as well per for with from onto into on in at to by of "
    "free more less".split())))
"""Words that are no item of a list of things (levels are judged by the level checks)."""


_CLAUSE = frozenset("though although but yet while whereas since because unless so then which who".split())
"""Words that start a new clause: a list ends before them ("rain, puddles and snow, though they ...")."""


def _lists(text: str) -> list[list[tuple[int, str]]]:
    """The lists of single-word items of ``text``: (position, stemmed word) for each item; three or more items."""
    out = []
    for m in _LIST.finditer(text):
        raw = [(w.start(), w.group(0).lower()) for w in re.finditer(_WORD, m.group(0))]
        cut = next((i for i, (_, w) in enumerate(raw) if w in _CLAUSE), len(raw))
        items = [(at, stem(w)) for at, w in raw[:cut]]
        words = [(m.start() + at, w) for at, w in items if w not in _NOT_ITEMS and not re.fullmatch(r"(?:and|or|plus|as|well)", w)]
        after = re.match(r"\s+(" + _WORD + ")", text[m.end():]) if cut == len(raw) else None
        if after and stem(after.group(1).lower()) not in _NOT_ITEMS and words:
            words.pop()  # "..., email, previous order ID": the last word is no item, it says which order
        if len(words) >= 2 and len(words) == len([w for _, w in items if w not in ("and", "or", "plus", "as", "well")]):
            out.append(words)
    return out


def _denied(sentence: str, at: int) -> bool:
    """A negation before the item in its clause ("not on jeans")."""
    start = max(sentence.rfind(c, 0, at) for c in ".;!?,")
    return NEGATION.search(sentence, start + 1, at) is not None


def added_item(sentence: str, source_sentences: Iterable[str]) -> str | None:
    """The first item of a list in ``sentence`` that a source sentence's list of the same things does not give
    (the lists share two or more items; no source sentence names the item, even inside a word), as a finding; else None."""
    if sentence.rstrip().endswith("?"):
        return None
    mine = [lst for lst in _lists(sentence) if len(lst) >= 3]
    if not mine:
        return None
    source_sentences = list(source_sentences)
    anywhere = " ".join(source_sentences).lower()
    for source in source_sentences:
        said = {stem(w.lower()) for w in re.findall(_WORD, source)}
        for theirs in _lists(source):
            given = {w for _, w in theirs}
            for lst in mine:
                if len({w for _, w in lst} & given) < 2:
                    continue
                for at, w in lst:
                    word = re.match(_WORD, sentence[at:]).group(0)  # type: ignore[union-attr]
                    head = re.match(r"\s+(" + _WORD + ")", sentence[at + len(word):])
                    if head and stem(head.group(1).lower()) in given:
                        continue  # "shirts, jackets and tote bags": "tote" says which bags
                    if w not in said and not re.search(re.escape(w), anywhere) and not _denied(sentence, at):
                        return f"an item added to the list a source gives ({word!r}): {sentence.strip()[:100]!r}"
    return None
