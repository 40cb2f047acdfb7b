"""The grounded reply engine (no LLM) and channel shaping (for every engine).

A grounded reply is assembled only from the approved reply text of a retrieved article
(``## Suggested reply`` / ``## Suggested reply (sms)``), filled with facts the agent already
knows (``{first_name}``, ``{order_id}``) and shaped for the channel. It never adds a sentence
that is not in an approved article or in the policy (disclosures, sign-off).

Shapes:

* **sms**: plain text, the SMS variant when the article has one, the sender prefix, at most
  the policy's length (320), cut at a sentence boundary;
* **chat / social / web**: short: whole sentences up to the channel's length;
* **email**: greeting, body, sign-off;
* **voice**: a short script to read: plain text, no links or lists, a few sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from service.domain.text import sentences
from service.replies.policy import Candidate, Policy
from service.guardrails.plaintext import strip_html
from service.ports import SearchHit

PLACEHOLDER = re.compile(r"\{(first_name|order_id)\}")
_MARKDOWN = re.compile(r"(\*\*|__|`|^#+\s*|^\s*[-*+]\s+|^\s*\d+\.\s+)", re.M)
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
VOICE_SENTENCES = 4


@dataclass
class GroundedReply:
    candidate: Candidate
    article_id: str
    version: int
    score: float
    rank: int
    chunk_ids: list[str] = field(default_factory=list)


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


class GroundedEngine:
    """Replies from approved article text only, one per distinct retrieved article."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def replies(
        self,
        hits: Sequence[SearchHit],
        channel: str,
        *,
        facts: dict[str, str],
        intent: str | None = None,
        limit: int = 3,
    ) -> list[GroundedReply]:
        by_article: dict[str, list[SearchHit]] = {}
        for hit in hits:
            by_article.setdefault(hit.article_id, []).append(hit)
        out: list[GroundedReply] = []
        for rank, (article_id, article_hits) in enumerate(by_article.items()):
            replies = (article_hits[0].payload or {}).get("replies") or {}
            template = (replies.get(channel) if channel in replies else None) or (
                replies.get("sms") if channel == "sms" else None
            ) or replies.get("default")
            if not template:
                continue
            tags = {t for h in article_hits for t in (h.payload or {}).get("tags") or ()}
            disclosures = self.policy.disclosures_for(channel, intent, tags)
            body = fill(template, facts)
            text = shape(body, channel, self.policy, facts=facts, disclosures=disclosures)
            chunk_ids = [h.chunk_id for h in article_hits]
            out.append(
                GroundedReply(
                    candidate=Candidate(text=text, citations=chunk_ids, engine="grounded"),
                    article_id=article_id,
                    version=article_hits[0].version,
                    score=max(h.score for h in article_hits),
                    rank=rank,
                    chunk_ids=chunk_ids,
                )
            )
            if len(out) >= limit:
                break
        return out

    def confidence(self, reply: GroundedReply, top_score: float) -> float:
        """Retrieval strength relative to the best hit, lowered by rank: a reply from the best
        article scores about 0.8, the next ones less."""
        rel = reply.score / top_score if top_score > 0 else 0.0
        return round(max(0.05, min(0.95, 0.35 + 0.45 * rel - 0.1 * reply.rank)), 2)
