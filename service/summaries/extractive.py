"""Cross-channel customer summaries.

Two engines produce the same :class:`Summary`:

* :class:`ExtractiveSummarizer` (always available): rules from :mod:`summary_rules` plus the
  optional intent classifier. Fast, deterministic, and it never invents anything: every item is
  a span or a sentence of an interaction, or a fixed template filled with such spans, and every
  item carries ``sources`` (interaction ids).
* :class:`~service.summaries.llm.LLMSummarizer`: a versioned prompt (``summary@1``) over a
  token-budgeted, PII-masked rendering of the history; its JSON answer is validated, retried once,
  and replaced by the extractive summary when it stays invalid.

:class:`SummaryService` picks the engine and is what the HTTP layer calls.

PII: the engines only ever see text masked by one :class:`~service.domain.pii.Redactor` per
request. Contact details (e-mail, phone, address) are put back in the answer for the agent;
card numbers, national ids, IBANs and secrets never are.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from service.summaries import rules as R
from service.domain.interactions import Interaction
from service.domain.pii import CONTACT_KINDS, Redactor

Classify = Callable[[str], tuple[str | None, float]]
"""``classify(text) -> (intent or None, confidence)``: the intent classifier, optional."""

ENGINE_EXTRACTIVE = "extractive"
ENGINE_LLM = "llm"

_ID_KINDS = ("order_id", "tracking_number", "ticket_id", "account_id", "return_id", "gift_card", "invoice_id",
             "claim_id", "reference")
_META_FACTS = {
    "order_id": "order_id",
    "tracking_number": "tracking_number",
    "tracking": "tracking_number",
    "ticket_id": "ticket_id",
    "case_id": "ticket_id",
    "return_id": "return_id",
    "rma": "return_id",
    "amount": "amount",
    "total": "amount",
    "refund_amount": "amount",
    "invoice_id": "invoice_id",
    "account_id": "account_id",
}
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
_BUSINESS = ("agent", "bot")
_CONTINUATION_WINDOW = timedelta(days=14)


# -- the summary -------------------------------------------------------------------------------


@dataclass
class Fact:
    kind: str
    value: str
    sources: list[str]
    given_by: str
    """Who stated it first: customer, agent, bot or system."""


@dataclass
class Commitment:
    type: str
    text: str
    status: str
    """kept | broken | pending."""
    made_at: str
    channel: str
    due: str | None
    evidence: str
    """Why the status: a fulfilling event or message, the customer's complaint, a passed due date."""
    sources: list[str]
    """The promise first, then the interactions that decided the status."""


@dataclass
class Issue:
    title: str
    status: str
    """open | waiting_on_business | promise_broken | resolved."""
    channels: list[str]
    threads: list[str]
    first_seen: str
    last_seen: str
    interaction_count: int
    sources: list[str]
    intent: str | None = None


@dataclass
class TimelineEntry:
    ts: str
    until: str
    channel: str
    thread_id: str | None
    kind: str
    text: str
    sources: list[str]


@dataclass
class Summary:
    customer_id: str | None
    engine: str
    headline: dict[str, Any]
    current_need: dict[str, Any]
    open_issues: list[Issue]
    commitments: list[Commitment]
    facts: list[Fact]
    timeline: list[TimelineEntry]
    sentiment: dict[str, Any]
    next_step: dict[str, Any]
    coverage: dict[str, Any]
    prompt: str | None = None
    model: str | None = None
    fallback_reason: str | None = None
    pii_masked: dict[str, int] = field(default_factory=dict)
    latency_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def all_items(self) -> list[tuple[str, dict[str, Any]]]:
        """Every item that must name its sources, with its section (used by evals and tests)."""
        d = self.to_dict()
        items: list[tuple[str, dict[str, Any]]] = [("headline", d["headline"]), ("current_need", d["current_need"]),
                                                   ("sentiment", d["sentiment"]), ("next_step", d["next_step"])]
        for section in ("open_issues", "commitments", "facts", "timeline"):
            items.extend((section, x) for x in d[section])
        return items


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


_NON_ALNUM = re.compile(r"[\W_]+")


def _norm(value: str) -> str:
    return _NON_ALNUM.sub("", value.lower())


def _amount_key(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit() or ch == ".")
    try:
        return f"{float(digits):.2f}"
    except ValueError:
        return _norm(value)


def _add_source(sources: list[str], iid: str) -> None:
    if iid not in sources:
        sources.append(iid)


# -- the extractive engine ---------------------------------------------------------------------


@dataclass
class _Promise:
    type: str
    text: str
    index: int
    item: Interaction
    due: datetime | None
    ids: frozenset[str]
    status: str = "pending"
    evidence: str = ""
    decided_by: list[str] = field(default_factory=list)
    complaints: list[int] = field(default_factory=list)
    """Indexes of the customer messages that said this promise was not kept."""


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


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
    ) -> Summary:
        started = time.perf_counter()
        redactor = redactor or Redactor()
        items = list(history)
        if customer_id is None and items:
            customer_id = items[0].customer_id
        if not items:
            raise ValueError("an empty history has nothing to summarise")
        as_of = as_of or max(datetime.now(UTC), items[-1].ts)
        texts = [redactor.redact(it.text) if it.text else "" for it in items]
        sents = [R.sentences(t) if t and it.kind == "message" else [] for it, t in zip(items, texts)]

        facts, ids_by_item = self._facts(items, texts)
        promises = self._promises(items, sents, ids_by_item)
        self._decide(promises, items, texts, ids_by_item, as_of)
        groups = self._group(items, ids_by_item, promises, texts)
        issues, issue_of_item = self._issues(items, sents, groups, promises, texts)
        need = self._need(items, sents, issues, issue_of_item)
        timeline, truncated = self._timeline(items, sents, texts)
        sentiment = self._sentiment(items, texts)
        commitments = [self._commitment(p) for p in promises]
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
                "from": _iso(items[0].ts),
                "to": _iso(items[-1].ts),
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

    # -- facts ----------------------------------------------------------------------------------
    def _facts(self, items: list[Interaction], texts: list[str]) -> tuple[list[Fact], list[frozenset[str]]]:
        by_key: dict[tuple[str, str], Fact] = {}
        by_value: dict[str, Fact] = {}
        numbers: list[tuple[str, str, str]] = []  # value, iid, role
        ids_by_item: list[frozenset[str]] = []
        for it, text in zip(items, texts):
            hits: list[R.FactHit] = R.extract_facts(text, it.author_role) if text else []
            for key, val in (it.meta or {}).items():
                kind = _META_FACTS.get(str(key).lower())
                if kind and isinstance(val, (str, int, float)) and not isinstance(val, bool) and str(val).strip():
                    hits.append(R.FactHit(kind, str(val).strip()))
            ids: set[str] = set()
            for h in hits:
                nv = _amount_key(h.value) if h.kind == "amount" else _norm(h.value)
                if not nv:
                    continue
                if h.kind in _ID_KINDS:
                    ids.add(nv)
                if h.kind == "number":
                    numbers.append((h.value, it.id, it.author_role))
                    ids.add(nv)
                    continue
                fact = by_key.get((h.kind, nv))
                if fact is None:
                    fact = Fact(kind=h.kind, value=h.value, sources=[], given_by=it.author_role)
                    by_key[(h.kind, nv)] = fact
                    by_value.setdefault(nv, fact)
                _add_source(fact.sources, it.id)
            ids_by_item.append(frozenset(ids))
        for value, iid, role in numbers:
            nv = _norm(value)
            fact = by_value.get(nv)
            if fact is None:
                fact = Fact(kind="reference", value=value, sources=[], given_by=role)
                by_key[("reference", nv)] = fact
                by_value[nv] = fact
            _add_source(fact.sources, iid)
        # An amount that is only part of a bigger number, or a bare reference that is a phone: drop.
        facts = list(by_key.values())
        return facts, ids_by_item

    # -- commitments ----------------------------------------------------------------------------
    def _promises(self, items: list[Interaction], sents: list[list[str]], ids_by_item: list[frozenset[str]]) -> list[_Promise]:
        out: list[_Promise] = []
        for idx, (it, ss) in enumerate(zip(items, sents)):
            if it.author_role not in _BUSINESS or not ss:
                continue
            prev_types: list[str] = []
            seen: set[str] = set()
            for s in ss:
                parts = R.clauses(s)
                promised = [c for c in parts if R.is_promise(c)]
                if not promised and len(parts) > 1 and R.is_promise(s):
                    promised = [s]
                for c in promised:
                    use = R.commitment_types(c) or R.commitment_types(s) or prev_types or ["other"]
                    for t in use:
                        if t in seen:
                            continue
                        seen.add(t)
                        out.append(_Promise(type=t, text=R.trim(R.strip_greeting(s), 240), index=idx, item=it,
                                            due=R.due_date(c, it.ts) or R.due_date(s, it.ts), ids=ids_by_item[idx]))
                types = R.commitment_types(s)
                if types:
                    prev_types = types
        return out

    def _decide(self, promises: list[_Promise], items: list[Interaction], texts: list[str],
                ids_by_item: list[frozenset[str]], as_of: datetime) -> None:
        complaint = [it.author_role == "customer" and bool(t) and R.is_complaint(t) for it, t in zip(items, texts)]
        for p in promises:
            events = R.KEPT_BY_EVENT.get(p.type, ())
            channels = R.KEPT_BY_MESSAGE_CHANNEL.get(p.type, ())
            for j in range(p.index + 1, len(items)):
                it = items[j]
                if it.kind != "message":
                    if it.kind in events and (not p.ids or not ids_by_item[j] or p.ids & ids_by_item[j]):
                        p.status, p.evidence = "kept", f"{it.kind} event"
                        p.decided_by.append(it.id)
                        break
                    if p.type == "email" and it.channel == "email" and it.direction in ("outbound", "internal"):
                        p.status, p.evidence = "kept", "e-mail sent"
                        p.decided_by.append(it.id)
                        break
                    continue
                if it.author_role == "agent" and it.channel in channels and it.direction == "outbound":
                    p.status, p.evidence = "kept", f"later agent {it.channel} message"
                    p.decided_by.append(it.id)
                    break
                if complaint[j] and R.complains_about(texts[j], p.type, complaint=True):
                    p.complaints.append(j)
                    if p.status != "broken":
                        p.status, p.evidence = "broken", "customer reported it was not kept"
                        p.decided_by.append(it.id)
            if p.status == "pending" and p.due is not None and p.due < as_of:
                p.status, p.evidence = "broken", f"due {_iso(p.due)} passed with no sign it was kept"
            elif p.status == "pending":
                p.evidence = "not due yet" if p.due else "no due date given"

    def _commitment(self, p: _Promise) -> Commitment:
        sources = [p.item.id] + [s for s in p.decided_by if s != p.item.id]
        return Commitment(type=p.type, text=p.text, status=p.status, made_at=_iso(p.item.ts), channel=p.item.channel,
                          due=_iso(p.due) if p.due else None, evidence=p.evidence, sources=sources)

    # -- issues ---------------------------------------------------------------------------------
    @staticmethod
    def _thread_key(it: Interaction) -> str:
        return it.thread_id or f"{it.channel}:{it.ts.date().isoformat()}"

    def _group(self, items: list[Interaction], ids_by_item: list[frozenset[str]], promises: list[_Promise],
               texts: list[str]) -> _UnionFind:
        uf = _UnionFind()
        owner: dict[str, str] = {}
        for it, ids in zip(items, ids_by_item):
            key = self._thread_key(it)
            uf.find(key)
            for v in ids:
                if v in owner:
                    uf.union(owner[v], key)
                else:
                    owner[v] = key
        for p in promises:
            for j in p.complaints:
                uf.union(self._thread_key(p.item), self._thread_key(items[j]))
        # A thread that names no order, ticket or other id and starts while an earlier issue is still
        # open continues that issue on another channel ("got your email thanks, will I get tracking?").
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        has_ids: dict[str, bool] = {}
        closed: dict[str, bool] = {}
        for idx, (it, ids) in enumerate(zip(items, ids_by_item)):
            root = uf.find(self._thread_key(it))
            first.setdefault(root, idx)
            last[root] = idx
            has_ids[root] = has_ids.get(root, False) or bool(ids)
            if it.kind in ("ticket_resolved", "ticket_closed"):
                closed[root] = True
            elif it.author_role == "customer":
                closed[root] = R.is_gratitude(texts[idx])
        order = sorted(first, key=first.get)  # type: ignore[arg-type]
        for k, root in enumerate(order):
            if has_ids[root] or k == 0:
                continue
            start = items[first[root]].ts
            prev = [r for r in order[:k] if uf.find(r) == r and last[r] < first[root] and not closed.get(r, False)
                    and (start - items[last[r]].ts) <= _CONTINUATION_WINDOW]
            if prev:
                uf.union(max(prev, key=lambda r: last[r]), root)
        return uf

    def _issues(self, items: list[Interaction], sents: list[list[str]], uf: _UnionFind, promises: list[_Promise],
                texts: list[str]) -> tuple[list[Issue], dict[int, int]]:
        members: dict[str, list[int]] = {}
        for idx, it in enumerate(items):
            members.setdefault(uf.find(self._thread_key(it)), []).append(idx)
        issues: list[Issue] = []
        issue_of_item: dict[int, int] = {}
        promise_root = [uf.find(self._thread_key(p.item)) for p in promises]
        for root, idxs in sorted(members.items(), key=lambda kv: kv[1][0]):
            first_customer = next((i for i in idxs if items[i].author_role == "customer" and sents[i]), None)
            if first_customer is not None:
                title_sent = R.strip_greeting(max(sents[first_customer], key=R.need_score))
                title_src = items[first_customer].id
            else:
                first = idxs[0]
                title_sent = (sents[first][0] if sents[first] else texts[first]) or items[first].kind.replace("_", " ")
                title_src = items[first].id
            mine = [p for p, r in zip(promises, promise_root) if r == root]
            last = idxs[-1]
            last_customer = next((i for i in reversed(idxs) if items[i].author_role == "customer"), None)
            closed_event = next((i for i in reversed(idxs) if items[i].kind in ("ticket_resolved", "ticket_closed")
                                 and (last_customer is None or i > last_customer)), None)
            evidence: list[str] = []
            if any(p.status == "broken" for p in mine):
                status = "promise_broken"
                evidence = [p.item.id for p in mine if p.status == "broken"]
            elif any(p.status == "pending" for p in mine):
                status = "waiting_on_business"
                evidence = [p.item.id for p in mine if p.status == "pending"]
            elif closed_event is not None or (last_customer is not None and R.is_gratitude(texts[last_customer])):
                status = "resolved"
                evidence = [items[closed_event if closed_event is not None else last_customer].id]  # type: ignore[index]
            else:
                status = "open"
                if last_customer is not None:
                    evidence = [items[last_customer].id]
            sources = list(dict.fromkeys([title_src, *evidence]))
            intent = None
            if self.classify is not None:
                try:
                    intent = self.classify(title_sent)[0]
                except Exception:  # the classifier is optional; a failure must not break the summary
                    intent = None
            threads = []
            for i in idxs:
                t = items[i].thread_id
                if t and t not in threads:
                    threads.append(t)
            issue = Issue(title=R.trim(title_sent, 200), status=status,
                          channels=sorted({items[i].channel for i in idxs}), threads=threads,
                          first_seen=_iso(items[idxs[0]].ts), last_seen=_iso(items[last].ts),
                          interaction_count=len(idxs), sources=sources, intent=intent)
            for i in idxs:
                issue_of_item[i] = len(issues)
            issues.append(issue)
        return issues, issue_of_item

    # -- need -----------------------------------------------------------------------------------
    def _need(self, items: list[Interaction], sents: list[list[str]], issues: list[Issue],
              issue_of_item: dict[int, int]) -> dict[str, Any]:
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
                intent, confidence = self.classify(best[0])
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
            entries.append(TimelineEntry(ts=_iso(first.ts), until=_iso(last.ts), channel=first.channel,
                                         thread_id=first.thread_id, kind="conversation",
                                         text=R.trim(text, 180) + (f" ({n} messages)" if n > 1 else ""),
                                         sources=[items[i].id for i in seg]))
            seg.clear()

        for idx, it in enumerate(items):
            if it.kind != "message":
                flush()
                text = texts[idx] or it.kind.replace("_", " ")
                entries.append(TimelineEntry(ts=_iso(it.ts), until=_iso(it.ts), channel=it.channel, thread_id=it.thread_id,
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
    def _sentiment(self, items: list[Interaction], texts: list[str]) -> dict[str, Any]:
        scored = [(it.id, R.sentiment_score(t)) for it, t in zip(items, texts) if it.author_role == "customer" and t]
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


# -- PII restore --------------------------------------------------------------------------------


def restore_summary(summary: Summary, redactor: Redactor, kinds: frozenset[str]) -> Summary:
    """Put back the contact details the agent may see, everywhere in the summary."""
    if not redactor.mapping or not kinds:
        return summary

    def fix(obj: Any) -> Any:
        if isinstance(obj, str):
            return redactor.restore(obj, kinds)
        if isinstance(obj, list):
            return [fix(x) for x in obj]
        if isinstance(obj, dict):
            return {k: (v if k == "sources" else fix(v)) for k, v in obj.items()}
        if hasattr(obj, "__dataclass_fields__"):
            for name in obj.__dataclass_fields__:
                if name != "sources":
                    setattr(obj, name, fix(getattr(obj, name)))
            return obj
        return obj

    for name in ("headline", "current_need", "sentiment", "next_step"):
        setattr(summary, name, fix(getattr(summary, name)))
    for name in ("open_issues", "commitments", "facts", "timeline"):
        setattr(summary, name, [fix(x) for x in getattr(summary, name)])
    return summary
