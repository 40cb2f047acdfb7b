"""Issues: the history's threads grouped into what the customer came about, each with a status.

Threads (``thread_id``, else channel and day) that name the same order, ticket or other id, or
where the customer complains about a promise made in another thread, are one issue; a thread
that names no id and starts while an earlier issue is still open continues that issue.
"""

from __future__ import annotations

from datetime import timedelta

from service.domain.interactions import Interaction
from service.summaries import rules as R
from service.summaries.commitments import Promise
from service.summaries.memo import PLAIN, Analysis
from service.summaries.model import Classify, Issue, iso

_CONTINUATION_WINDOW = timedelta(days=14)


class UnionFind:
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


def thread_key(it: Interaction) -> str:
    """The thread an interaction belongs to: its ``thread_id``, else its channel and day."""
    return it.thread_id or f"{it.channel}:{it.ts.date().isoformat()}"


def group_threads(items: list[Interaction], ids_by_item: list[frozenset[str]], promises: list[Promise],
                  texts: list[str]) -> UnionFind:
    """Threads joined into issues: by the ids they share, by complaints about a promise made in
    another thread, and by continuation (see the module's docstring)."""
    uf = UnionFind()
    owner: dict[str, str] = {}
    for it, ids in zip(items, ids_by_item):
        key = thread_key(it)
        uf.find(key)
        for v in ids:
            if v in owner:
                uf.union(owner[v], key)
            else:
                owner[v] = key
    for p in promises:
        for j in p.complaints:
            uf.union(thread_key(p.item), thread_key(items[j]))
    # A thread that names no order, ticket or other id and starts while an earlier issue is still
    # open continues that issue on another channel ("got your email thanks, will I get tracking?").
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    has_ids: dict[str, bool] = {}
    closed: dict[str, bool] = {}
    for idx, (it, ids) in enumerate(zip(items, ids_by_item)):
        root = uf.find(thread_key(it))
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


def find_issues(items: list[Interaction], sents: list[list[str]], uf: UnionFind, promises: list[Promise],
                texts: list[str], classify: Classify | None = None, an: Analysis = PLAIN) -> tuple[list[Issue], dict[int, int]]:
    """One :class:`Issue` per group of threads, oldest first, titled by the customer's first
    request and labelled with an intent when ``classify`` is given; and the issue of each item."""
    members: dict[str, list[int]] = {}
    for idx, it in enumerate(items):
        members.setdefault(uf.find(thread_key(it)), []).append(idx)
    issues: list[Issue] = []
    issue_of_item: dict[int, int] = {}
    promise_root = [uf.find(thread_key(p.item)) for p in promises]
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
        if classify is not None:
            try:
                intent = an.classify(classify, title_sent)[0]
            except Exception:  # the classifier is optional; a failure must not break the summary
                intent = None
        threads = []
        for i in idxs:
            t = items[i].thread_id
            if t and t not in threads:
                threads.append(t)
        issue = Issue(title=R.trim(title_sent, 200), status=status,
                      channels=sorted({items[i].channel for i in idxs}), threads=threads,
                      first_seen=iso(items[idxs[0]].ts), last_seen=iso(items[last].ts),
                      interaction_count=len(idxs), sources=sources, intent=intent)
        for i in idxs:
            issue_of_item[i] = len(issues)
        issues.append(issue)
    return issues, issue_of_item
