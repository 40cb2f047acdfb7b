"""Channel shaping, for every engine: facts filled in, plain text where the channel needs it,
the required disclosures, the channel's length cut at a sentence boundary.

* **sms**: plain text, at most the policy's length (320), cut at a sentence boundary;
* **chat / social / web**: short: whole sentences up to the channel's length;
* **email**: greeting, body, sign-off;
* **voice**: a short script to read: plain text, no links or lists, a few sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.guardrails.plaintext import strip_html
from service.domain.text import sentences
from service.replies.policy import Policy

PLACEHOLDER = re.compile(r"\{(first_name|order_id)\}")
_MARKDOWN = re.compile(r"(\*\*|__|`|^#+\s*|^\s*[-*+]\s+|^\s*\d+\.\s+)", re.M)
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
VOICE_SENTENCES = 4


def fill(template: str, facts: dict[str, str]) -> str:
    """Put known facts in; drop the placeholders of unknown ones without leaving gaps."""
    text = template
    for key in ("first_name", "order_id"):
        value = (facts.get(key) or "").strip()
        if value:
            text = text.replace("{" + key + "}", value)
    # Unknown facts: remove the placeholder with the words that only introduce it.
    text = re.sub(r",\s*\{first_name\}\s*([,.:;!?])", r"\1", text)
    text = re.sub(r"\s*\{first_name\},?", "", text)
    text = re.sub(r"\border (ID|id|number)\s+\{order_id\}", r"order \1", text)
    text = re.sub(r"\byour order\s+\{order_id\}", "your order", text)
    text = re.sub(r"\border\s+\{order_id\}('s)?", lambda m: "your order" + (m.group(1) or ""), text)
    text = re.sub(r"\s*\{order_id\}", "", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text.strip()


def plain(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _MARKDOWN.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def cut_sentences(text: str, limit: int, max_sentences: int | None = None) -> str:
    """Whole sentences from the start, within ``limit`` characters (at least one sentence,
    hard-cut at a word boundary if even that is too long)."""
    out: list[str] = []
    for s in sentences(text):
        candidate = " ".join(out + [s])
        if len(candidate) > limit or (max_sentences and len(out) >= max_sentences):
            break
        out.append(s)
    if not out:
        words = text[:limit].rsplit(" ", 1)[0]
        return words.rstrip(",;:") + ("." if not words.endswith((".", "!", "?")) else "")
    return " ".join(out)


def shape(
    body: str,
    channel: str,
    policy: Policy,
    *,
    facts: dict[str, str] | None = None,
    disclosures: Sequence[object] = (),
) -> str:
    """Shape a reply body for ``channel`` and add the required disclosures. Raw HTML and
    script links never survive (:func:`service.guardrails.plaintext.strip_html`); Markdown is
    kept only where the channel shows it (not on SMS or voice)."""
    facts = facts or {}
    body = strip_html(body)
    limit = policy.max_length(channel)
    prefix = " ".join(d.text for d in disclosures if d.position == "prefix" and not d.present_if.search(body))  # type: ignore[attr-defined]
    suffix = " ".join(d.text for d in disclosures if d.position == "suffix" and not d.present_if.search(body))  # type: ignore[attr-defined]
    if channel == "email":
        first = facts.get("first_name", "").strip()
        greeting = f"Hi {first}," if first else "Hello,"
        text = body.strip()
        text = re.sub(r"^(?:hi|hello|dear)\b[^\n,]*,\s*", "", text, flags=re.I)
        text = re.sub(r"\n*(?:kind |best |warm )?regards,?[\s\S]*$", "", text, flags=re.I).strip()
        parts = [greeting, "", " ".join(p for p in (prefix, text, suffix) if p), "", policy.sign_off]
        email = "\n".join(parts)
        if len(email) > limit:
            room = limit - len(email) + len(text)
            email = "\n".join([greeting, "", " ".join(p for p in (prefix, cut_sentences(text, max(40, room)), suffix) if p), "", policy.sign_off])
        return email
    text = plain(body)
    fixed = len(prefix) + len(suffix) + (1 if prefix else 0) + (1 if suffix else 0)
    if channel == "voice":
        text = re.sub(r"https?://\S+|www\.\S+", "", text)
        text = cut_sentences(text, max(40, limit - fixed), VOICE_SENTENCES)
    else:
        text = cut_sentences(text, max(40, limit - fixed))
    return " ".join(p for p in (prefix, text, suffix) if p)
