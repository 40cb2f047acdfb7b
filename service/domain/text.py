"""Text helpers shared by the features: sentence splitting and word stemming, one copy each.

Three sentence splitters, because the texts differ on purpose:

* :func:`sentences`: replies and knowledge passages (a reply the service wrote, an article). Splits
  after ``.``, ``!`` or ``?`` (and any closing quote or bracket) and at every line break. Used by
  the policy checks, the grounded engine, the claim checker and the continuity reply rules.
* :func:`chat_sentences`: what customers and agents wrote (chat, e-mail, call transcripts). Also
  splits before a lower-case word after a full stop (chat rarely capitalises), strips list
  markers and quote marks (``- * > ...``), drops ``Re:``/``Fw:`` header lines and keeps the text
  of a ``Subject:`` line. Used by the summary rules.
* :func:`prose_sentences`: agents' replies read as article prose (knowledge-gap drafts). Line
  breaks are spaces, a sentence ends only where the next one starts with a capital, a digit or
  ``$``, and fragments of three characters or fewer are dropped.

:func:`stem` is the light suffix stripper of the policy checks' content words.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_CHAT_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9@#])|\n+|(?<=[.!?])\s+(?=[a-z]{2,}\b)")
_PROSE_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z$0-9])")
_HEADERS = ("subject:", "re:", "fw:", "fwd:")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")


def sentences(text: str) -> list[str]:
    """Sentences of a reply or an article passage, stripped, empty ones left out."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def chat_sentences(text: str) -> list[str]:
    """Sentences of a customer's or an agent's message (good enough for chat, e-mail and transcripts)."""
    out = []
    for part in _CHAT_SENTENCE.split(text):
        part = part.strip(" \t-–—*>")
        if part and not part.lower().startswith(_HEADERS):
            out.append(part)
        elif part.lower().startswith("subject:"):
            subject = part.split(":", 1)[1].strip()
            if subject:
                out.append(subject)
    return out


def prose_sentences(text: str) -> list[str]:
    """Sentences of replies read as article prose: whitespace collapsed, fragments of three
    characters or fewer left out."""
    parts = _PROSE_SENTENCE.split(" ".join(text.split()))
    return [p.strip() for p in parts if len(p.strip()) > 3]


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """``word`` without one ending among -ing, -ed, -es, -s, -ly (when at least four letters stay),
    and without a silent final -e ("change", "changing" and "changed" are all "chang").
    Remembered: a handful of words make up most texts."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            # an adverb keeps its adjective's stem: "separately" is "separat", as "separate" is (fix-14d)
            return _silent_e(word[: -len(suffix)]) if suffix == "ly" else word[: -len(suffix)]
    return _silent_e(word)


def _silent_e(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("e") and not word.endswith("ee") else word
