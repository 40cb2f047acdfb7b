"""Drafts: a proposed article for each gap, built from what agents actually sent for the topic.

Without an LLM the body is extractive: the agents' sentences, the ones most agents said first
(each word's weight is the number of agents' replies that use it), near-repeats dropped. With an
LLM (``write_with_llm``) the model rewrites those sentences into an article; every sentence it
writes must be grounded in the agents' texts (its numbers, amounts and times appear there, and
most of its words do), else the extractive draft is kept and the reason recorded.

A draft is an article with ``status: draft`` and no owner: it is stored apart from the knowledge
index and is never retrieved or cited until a reviewer approves it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import yaml

from service.domain.text import prose_sentences
from service.gaps.clustering import Gap
from service.ports import ChatMessage

MAX_SENTENCES = 4
REVIEW_DAYS = 180
REVIEW_NOTE = "> Proposed from what agents sent"
"""The reviewer's note at the top of a draft; approval drops it."""
_WORD = re.compile(r"[a-z0-9$%.:]+")
_NUMBER = re.compile(r"[$€£]?\d[\d.,:]*\s*(?:%|am|pm)?", re.I)
_STOP = frozenset(
    "a an the and or but if to of in on at for with by from is are was were be been it its this that these those you your "
    "we our us i my me they them their can will would should could do does did not no yes so as up any all per".split()
)


@dataclass
class Draft:
    article_id: str
    title: str
    version: int
    content: str
    """The whole article: YAML front matter, then Markdown (parses with ``parse_article``)."""
    body_sentences: list[str]
    engine: str = "extractive"
    notes: list[str] = field(default_factory=list)


def words(text: str) -> list[str]:
    return [w.strip(".:") for w in _WORD.findall(text.lower()) if w.strip(".:") and w.strip(".:") not in _STOP]


def slug(text: str, limit: int = 48) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-") or "topic"


def key_sentences(texts: Sequence[str], limit: int = MAX_SENTENCES) -> list[str]:
    """The agents' sentences that carry what most replies say, near-repeats dropped."""
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(words(t)))
    candidates: list[tuple[float, int, str]] = []
    seen: set[str] = set()
    for order, t in enumerate(texts):
        for s in prose_sentences(t):
            if s.lower() in seen:
                continue
            seen.add(s.lower())
            ws = set(words(s))
            if not ws:
                continue
            score = sum(df[w] for w in ws) / (len(ws) ** 0.5)
            candidates.append((score, order, s))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    picked: list[str] = []
    for _, _, s in candidates:
        ws = set(words(s))
        if any(len(ws & set(words(p))) / max(1, len(ws | set(words(p)))) > 0.5 for p in picked):
            continue
        picked.append(s)
        if len(picked) >= limit:
            break
    return picked


def grounding_problems(text: str, sources: Sequence[str]) -> list[str]:
    """Why ``text`` is not grounded in ``sources`` (empty: it is): each sentence's numbers must
    appear in the sources and at least 60% of its words must."""
    pool = " ".join(sources).lower()
    vocab = set(words(pool))
    numbers = {re.sub(r"\s+", "", n.lower()) for n in _NUMBER.findall(pool)}
    problems = []
    for s in prose_sentences(text):
        for n in _NUMBER.findall(s):
            if re.sub(r"\s+", "", n.lower()) not in numbers:
                problems.append(f"{n.strip()!r} is not in what agents sent")
        ws = words(s)
        if ws and sum(w in vocab for w in ws) / len(ws) < 0.6:
            problems.append(f"sentence not supported by the agents' texts: {s[:80]!r}")
    return problems


def _front_matter(article_id: str, title: str, version: int, today: date, tags: list[str], replaces: str | None) -> str:
    meta: dict[str, Any] = {
        "id": article_id, "title": title, "status": "draft", "version": version, "locale": "en-US",
        "tags": tags, "effective_from": today.isoformat(), "review_by": (today + timedelta(days=REVIEW_DAYS)).isoformat(),
        "owner": "",
    }
    if replaces:
        meta["replaces"] = replaces
    return yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).strip()


def render(article_id: str, title: str, version: int, today: date, gap: Gap, body: Sequence[str], reply: str | None) -> str:
    tags = ["knowledge-gap", gap.kind] + [i["intent"] for i in gap.intents()[:2]]
    lines = ["---", _front_matter(article_id, title, version, today, tags, gap.article_id), "---", f"# {title}", ""]
    origin = f"replacing the outdated article `{gap.article_id}`" if gap.kind == "outdated" else "a topic no approved article covers"
    lines += [f"{REVIEW_NOTE} for {origin} ({gap.size} signals). Review every line before approving.", ""]
    lines += ["## Answer", ""]
    lines += [f"- {s}" for s in body] if body else ["No agent reply was recorded for this topic yet: write the answer before approving."]
    questions = list(dict.fromkeys(s.text for s in gap.signals))[:5]
    lines += ["", "## Customers asked", ""] + [f"- {q}" for q in questions]
    if reply:
        lines += ["", "## Suggested reply", reply]
    return "\n".join(lines).strip() + "\n"


def build_draft(gap: Gap, today: date, *, article_id: str | None = None, version: int = 1) -> Draft:
    """The extractive draft for ``gap``. For an outdated article pass its id and next version."""
    sent = gap.sent_texts()
    body = key_sentences(sent)
    title = gap.title if gap.kind == "missing" else f"Update: {gap.title}"
    article_id = article_id or f"gap-{slug(gap.title)}"
    reply = body[0] if body else None
    content = render(article_id, title, version, today, gap, body, reply)
    return Draft(article_id=article_id, title=title, version=version, content=content, body_sentences=body)


LLM_SYSTEM = (
    "You write short help-center articles for customer-service agents. Use ONLY facts stated in the agents' replies "
    "given to you; never add numbers, prices, times or conditions that are not there. Answer with 2 to 4 plain "
    "sentences, no headings, no lists."
)


async def write_with_llm(draft: Draft, gap: Gap, today: date, chat: Any) -> Draft:
    """Rewrite the draft's answer with the LLM (``chat.complete``), kept only if grounded in the
    agents' texts; otherwise the extractive draft, with the reason in ``notes``."""
    sent = gap.sent_texts()
    if not sent:
        return draft
    replies = "\n".join(f"- {t}" for t in sent[:20])
    messages = [ChatMessage("system", LLM_SYSTEM), ChatMessage("user", f"Topic: {gap.title}\nAgents' replies:\n{replies}")]
    try:
        result = await chat.complete(messages, temperature=0.0, max_tokens=300)
    except Exception as exc:  # the LLM is optional: any failure keeps the extractive draft
        draft.notes.append(f"llm failed ({type(exc).__name__}); extractive draft kept")
        return draft
    text = " ".join(str(getattr(result, "text", result) or "").split())
    problems = grounding_problems(text, sent) if text else ["empty answer"]
    if problems:
        draft.notes.append("llm draft not grounded in the agents' texts: " + "; ".join(problems[:3]) + "; extractive draft kept")
        return draft
    body = prose_sentences(text)
    content = render(draft.article_id, draft.title, draft.version, today, gap, body, draft.body_sentences[0] if draft.body_sentences else None)
    return Draft(draft.article_id, draft.title, draft.version, content, body, engine="llm", notes=draft.notes)
