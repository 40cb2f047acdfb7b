"""Keyword (sparse) vectors for hybrid search: BM25-style term weights, IDF applied by Qdrant."""

from __future__ import annotations

import re
import zlib
from collections import Counter

from service.ports import SparseVector

TOKEN = re.compile(r"[a-z0-9]+")
K1 = 1.2
B = 0.75
AVG_LEN = 120.0
STOPWORDS = frozenset(
    """a about above after again all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours out over own same she should so
    some such than that the their theirs them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you
    your yours yourself hi hello hey please thanks thank ok okay im ive id dont cant wont get got
    want need like can't i'm""".split()
)


def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'refunds'/'refunded'/'refunding' to 'refund'."""
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    return [stem(t) for t in TOKEN.findall(text.lower()) if t not in STOPWORDS and len(t) > 1]


def term_index(term: str) -> int:
    return zlib.crc32(term.encode()) & 0x7FFFFFFF


def document_vector(text: str, title: str = "") -> SparseVector:
    """BM25 term-frequency saturation for a chunk (the title counts twice)."""
    words = terms(text) + terms(title) * 2
    counts = Counter(words)
    length = max(len(words), 1)
    norm = K1 * (1 - B + B * length / AVG_LEN)
    weights: dict[int, float] = {}
    for term, tf in counts.items():
        idx = term_index(term)
        weights[idx] = weights.get(idx, 0.0) + tf * (K1 + 1) / (tf + norm)
    return SparseVector(indices=list(weights), values=list(weights.values()))


def query_vector(text: str) -> SparseVector:
    unique = {term_index(t) for t in terms(text)}
    return SparseVector(indices=sorted(unique), values=[1.0] * len(unique))
