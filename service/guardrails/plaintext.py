"""Plain text out: replies and knowledge snippets never carry raw HTML or script links.

:func:`strip_html` removes ``<script>``/``<style>`` blocks with their content, every other tag
(keeping its text), HTML comments, event-handler remnants, and links whose target is a
``javascript:``, ``vbscript:`` or ``data:`` URL (a Markdown link keeps its label; a bare one is
dropped). Entities are decoded first, so ``&lt;script&gt;`` cannot smuggle a tag through.
Markdown is left alone here: whether a channel may carry it is the channel shaping's decision
(:func:`service.replies.grounded.shape`).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from functools import lru_cache

from service.ports import SearchHit

_BLOCK = re.compile(r"<\s*(script|style|iframe|object|embed|template|noscript)\b[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)
_OPEN_BLOCK = re.compile(r"<\s*(?:script|style|iframe|object|embed|template|noscript)\b[^>]*>.*", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?\s*>|<!\w[^>]*>")
_DANGEROUS_URL = r"(?:(?:java|vb)\s*script\s*:|data\s*:\s*[a-z]+/[a-z0-9.+-]+)"
_MD_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?\s*" + _DANGEROUS_URL + r"(?:[^()\s]|\([^()]*\))*\s*\)", re.I)
_BARE = re.compile(r"(?<![\w])" + _DANGEROUS_URL + r"\S*", re.I)
_HTML_HINT = re.compile(r"<\s*/?\s*[A-Za-z!]|&[#A-Za-z0-9]+;|script\s*:|data\s*:", re.I)
UNSAFE = re.compile(r"</?[A-Za-z][^>]*>|" + _DANGEROUS_URL + r"|\bon[a-z]+\s*=", re.I)
"""What must never be in a reply or a snippet (the policy's ``channel`` check uses it too)."""


def strip_html(text: str) -> str:
    """``text`` without HTML or script links (unchanged when it has none)."""
    if not text or not _HTML_HINT.search(text):
        return text
    out = text
    for _ in range(3):  # entities may hide a second layer
        before = out
        out = html.unescape(out)
        out = _BLOCK.sub(" ", out)
        out = _OPEN_BLOCK.sub(" ", out)
        out = _COMMENT.sub(" ", out)
        out = _TAG.sub(" ", out)
        out = _MD_LINK.sub(r"\1", out)
        out = _BARE.sub(" ", out)
        if out == before:
            break
    out = out.replace("<", "‹").replace(">", "›") if UNSAFE.search(out) else out
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r" +([.,;:!?])", r"\1", out)
    return out.strip()


def plain_hit(hit: SearchHit) -> SearchHit:
    """A search hit whose title, text and approved replies carry no HTML or script links
    (search results, prompts and grounded replies all read these)."""
    payload = hit.payload or {}
    replies = payload.get("replies") or {}
    fields = (hit.title, hit.text, hit.heading, *replies.values())
    if not any(isinstance(f, str) and _may_carry_html(f) for f in fields):
        return hit
    if replies:
        payload = {**payload, "replies": {k: strip_html(v) if isinstance(v, str) else v for k, v in replies.items()}}
    return replace(hit, title=strip_html(hit.title), text=strip_html(hit.text), heading=strip_html(hit.heading), payload=payload)


@lru_cache(maxsize=8192)
def _may_carry_html(text: str) -> bool:
    """Does ``text`` hint at HTML or a script link? Remembered: the same chunks come back from
    search after search (issue 18)."""
    return _HTML_HINT.search(text) is not None
