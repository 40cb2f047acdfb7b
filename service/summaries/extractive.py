"""The extractive summary engine: rules over the history, nothing invented.

:class:`ExtractiveSummarizer` (always available) applies the rules of :mod:`service.summaries.rules`
plus the optional intent classifier. Fast, deterministic, and it never invents anything: every
item is a span or a sentence of an interaction, or a fixed template filled with such spans, and
every item carries ``sources`` (interaction ids). The steps live beside it: facts
(:mod:`~service.summaries.facts`), commitments (:mod:`~service.summaries.commitments`), issues
(:mod:`~service.summaries.issues`); this module adds the need, the timeline, the sentiment, the
next step and the headline. The LLM engine (:mod:`service.summaries.llm`) runs it first, to rank
threads and as its fallback; :class:`~service.summaries.service.SummaryService` picks the engine.

PII: the engines only ever see text masked by one :class:`~service.domain.pii.Redactor` per
request. Contact details (e-mail, phone, address) are put back in the answer for the agent;
card numbers, national ids, IBANs and secrets never are.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from service.domain.interactions import Interaction
from service.domain.pii import CONTACT_KINDS, Redactor
from service.summaries import rules as R
from service.summaries.commitments import decide, find_promises, to_commitment
from service.summaries.facts import find_facts
from service.summaries.issues import find_issues, group_threads
from service.summaries.memo import PLAIN, Analysis
from service.summaries.model import (
    ENGINE_EXTRACTIVE,
    Classify,
    Commitment,
    Fact,
    Issue,
    Summary,
    TimelineEntry,
    iso,
)
from service.summaries.restore import restore_summary

_FACT_LABELS = {
    "order_id": "order id",
    "tracking_number": "tracking number",
    "ticket_id": "ticket number",
    "account_id": "account id",
    "email": "e-mail address",
    "phone": "phone number",
    "address": "address",
    "username": "username",
    "card_last4": "card (last four digits)",
    "membership_level": "membership level",
}


class ExtractiveSummarizer:
    """Rule-based summary; ``classify`` (optional) labels the need and each issue with an intent."""

    name = ENGINE_EXTRACTIVE

    def __init__(self, classify: Classify | None = None, *, timeline_limit: int = 40) -> None:
        self.classify = classify
        self.timeline_limit = timeline_limit

    def summarize(
        self,
        history: Sequence[Interaction],
        *,
        customer_id: str | None = None,
        redactor: Redactor | None = None,
        as_of: datetime | None = None,
        channel: str | None = None,
        restore_kinds: frozenset[str] = CONTACT_KINDS,
        memo: Analysis | None = None,
    ) -> Summary:
        """``memo``: a :class:`~service.summaries.memo.SummaryMemo` that remembers the per-text steps
        between summaries of one customer (the same summary, faster); None computes them all."""
        started = time.perf_counter()
        redactor = redactor or Redactor()
        items = list(history)
        if customer_id is None and items:
            customer_id = items[0].customer_id
        if not items:
            raise ValueError("an empty history has nothing to summarise")
        as_of = as_of or max(datetime.now(UTC), items[-1].ts)
        an = memo if memo is not None else PLAIN
        texts = [an.redact(redactor, it.text) if it.text else "" for it in items]
        sents = [an.sentences(t) if t and it.kind == "message" else [] for it, t in zip(items, texts)]

        facts, ids_by_item = find_facts(items, texts, an)
        promises = find_promises(items, sents, ids_by_item)
        decide(promises, items, texts, ids_by_item, as_of, an)
        groups = group_threads(items, ids_by_item, promises, texts)
        issues, issue_of_item = find_issues(items, sents, groups, promises, texts, self.classify, an)
        need = self._need(items, sents, issues, issue_of_item, an)
        timeline, truncated = self._timeline(items, sents, texts)
        sentiment = self._sentiment(items, texts, an)
        commitments = [to_commitment(p) for p in promises]
        next_step = self._next_step(commitments, issues, need, facts, channel)
        headline = self._headline(items, issues, commitments, need)

        summary = Summary(
            customer_id=customer_id,
            engine=self.name,
            headline=headline,
            current_need=need,
            open_issues=[i for i in issues if i.status != "resolved"] + [i for i in issues if i.status == "resolved"],
            commitments=commitments,
            facts=facts,
            timeline=timeline,
            sentiment=sentiment,
            next_step=next_step,
            coverage={
                "interactions_total": len(items),
                "interactions_used": len(items),
                "from": iso(items[0].ts),
                "to": iso(items[-1].ts),
                "channels": sorted({it.channel for it in items}),
                "omitted": [],
                "timeline_entries_omitted": truncated,
                "history_tokens": None,
                "token_budget": None,
            },
            pii_masked=redactor.counts(),
        )
        summary = restore_summary(summary, redactor, restore_kinds)
        summary.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        return summary

    # -- need -----------------------------------------------------------------------------------
    def _need(self, items: list[Interaction], sents: list[list[str]], issues: list[Issue],
              issue_of_item: dict[int, int], an: Analysis = PLAIN) -> dict[str, Any]:
        open_idx = [k for k, i in enumerate(issues) if i.status != "resolved"]
        target = max(open_idx, key=lambda k: issues[k].last_seen) if open_idx else max(
            range(len(issues)), key=lambda k: issues[k].last_seen)
        issue = issues[target]
        best: tuple[str, str] | None = None
        for idx in range(len(items) - 1, -1, -1):
            if issue_of_item.get(idx) != target or items[idx].author_role != "customer":
                continue
            cands = [s for s in sents[idx] if R.need_score(s) >= 2]
            if cands:
                best = (R.strip_greeting(max(cands, key=R.need_score)), items[idx].id)
                break
        if issue.status == "resolved":
            text = f"Nothing open: the last issue was resolved ({issue.title})"
            sources = list(issue.sources)
        elif best is None:
            text, sources = issue.title, list(issue.sources[:1])
        else:
            text, sources = R.trim(best[0], 240), [best[1]] + [s for s in issue.sources[:1] if s != best[1]]
        intent, confidence = issue.intent, None
        if self.classify is not None and best is not None:
            try:
                intent, confidence = an.classify(self.classify, best[0])
            except Exception:
                intent, confidence = issue.intent, None
        return {"text": text, "issue": issue.title, "issue_status": issue.status, "intent": intent,
                "intent_confidence": confidence, "sources": sources}

    # -- timeline -------------------------------------------------------------------------------
    def _timeline(self, items: list[Interaction], sents: list[list[str]], texts: list[str]) -> tuple[list[TimelineEntry], int]:
        entries: list[TimelineEntry] = []
        seg: list[int] = []

        def flush() -> None:
            if not seg:
                return
            first, last = items[seg[0]], items[seg[-1]]
            cust = [(R.need_score(s), -k, s) for k, i in enumerate(seg) if items[i].author_role == "customer" for s in sents[i]]
            if cust:
                text = "customer: " + R.strip_greeting(max(cust)[2])
            else:
                cands = [(self._business_score(s), -k, s, items[i].author_role)
                         for k, i in enumerate(seg) for s in sents[i]]
                if cands:
                    best = max(cands)
                    text = f"{best[3]}: " + R.strip_greeting(best[2])
                else:
                    text = f"{items[seg[0]].author_role}: " + texts[seg[0]]
            n = len(seg)
            entries.append(TimelineEntry(ts=iso(first.ts), until=iso(last.ts), channel=first.channel,
                                         thread_id=first.thread_id, kind="conversation",
                                         text=R.trim(text, 180) + (f" ({n} messages)" if n > 1 else ""),
                                         sources=[items[i].id for i in seg]))
            seg.clear()

        for idx, it in enumerate(items):
            if it.kind != "message":
                flush()
                text = texts[idx] or it.kind.replace("_", " ")
                entries.append(TimelineEntry(ts=iso(it.ts), until=iso(it.ts), channel=it.channel, thread_id=it.thread_id,
                                             kind=it.kind, text=R.trim(text, 180), sources=[it.id]))
                continue
            if seg and (items[seg[-1]].channel != it.channel or items[seg[-1]].thread_id != it.thread_id):
                flush()
            seg.append(idx)
        flush()
        truncated = max(0, len(entries) - self.timeline_limit)
        return entries[truncated:], truncated

    @staticmethod
    def _business_score(sentence: str) -> int:
        score = 0
        if R.is_promise(sentence):
            score += 3
        if R.is_pleasantry(sentence):
            score -= 3
        if sentence.rstrip().endswith("?"):
            score -= 1
        if any(ch.isdigit() for ch in sentence) or "[" in sentence:
            score += 1
        return score

    # -- sentiment ------------------------------------------------------------------------------
    def _sentiment(self, items: list[Interaction], texts: list[str], an: Analysis = PLAIN) -> dict[str, Any]:
        scored = [(it.id, an.sentiment(t)) for it, t in zip(items, texts) if it.author_role == "customer" and t]
        if not scored:
            return {"current": "unknown", "score": 0.0, "trend": "unknown", "sources": []}
        recent = scored[-3:]
        current = sum(s for _, s in recent) / len(recent)
        trend = "stable"
        if len(scored) >= 3:
            half = len(scored) // 2
            early = sum(s for _, s in scored[:half]) / half
            late = sum(s for _, s in scored[half:]) / (len(scored) - half)
            if late - early <= -0.3:
                trend = "worsening"
            elif late - early >= 0.3:
                trend = "improving"
        label = "negative" if current < -0.2 else "positive" if current > 0.2 else "neutral"
        return {"current": label, "score": round(current, 2), "trend": trend,
                "sources": [i for i, _ in recent]}

    # -- next step and headline -----------------------------------------------------------------
    def _next_step(self, commitments: list[Commitment], issues: list[Issue], need: dict[str, Any], facts: list[Fact],
                   channel: str | None) -> dict[str, Any]:
        given = []
        for kind in ("order_id", "email", "phone", "address", "username", "tracking_number", "ticket_id", "account_id"):
            if any(f.kind == kind and f.given_by == "customer" for f in facts) or (
                kind in ("order_id", "tracking_number", "ticket_id") and any(f.kind == kind for f in facts)):
                given.append(_FACT_LABELS.get(kind, kind))
        dont_ask = f" Do not ask again for: {', '.join(given)}." if given else ""
        on = f" Reply on {channel}." if channel else ""
        broken = [c for c in commitments if c.status == "broken"]
        pending = [c for c in commitments if c.status == "pending"]
        if broken:
            c = broken[-1]
            text = (f"Acknowledge the broken promise ({c.type}, made {c.made_at[:10]} by {c.channel}: \"{c.text}\") "
                    f"and act on it now.")
            sources = list(c.sources)
            action = "fulfil_broken_promise"
        elif pending:
            c = pending[-1]
            due = f" due {c.due[:16].replace('T', ' ')}" if c.due else ""
            text = f"Check the pending {c.type} promise{due} (\"{c.text}\") and tell the customer where it stands."
            sources = list(c.sources)
            action = "check_pending_promise"
        elif need.get("issue_status") != "resolved":
            text = f"Answer the customer's request: \"{need['text']}\"."
            sources = list(need["sources"])
            action = "answer_request"
        else:
            text = "Nothing is open; confirm with the customer that everything is settled."
            sources = list(need["sources"])
            action = "confirm_closed"
        return {"action": action, "text": text + dont_ask + on, "do_not_ask": given, "sources": sources}

    def _headline(self, items: list[Interaction], issues: list[Issue], commitments: list[Commitment],
                  need: dict[str, Any]) -> dict[str, Any]:
        channels = sorted({it.channel for it in items})
        n_open = sum(1 for i in issues if i.status != "resolved")
        n_broken = sum(1 for c in commitments if c.status == "broken")
        parts = [f"{n_open} open issue{'s' if n_open != 1 else ''}"]
        if n_broken:
            parts.append(f"{n_broken} broken promise{'s' if n_broken != 1 else ''}")
        parts.append(f"{len(items)} interactions on {', '.join(channels)}")
        return {"text": f"{R.trim(need['text'], 120)} — {'; '.join(parts)}", "sources": list(need["sources"])}
