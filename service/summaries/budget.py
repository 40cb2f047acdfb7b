"""The token budget that fits a long history into the summary prompt.

:func:`fit_history` renders the (PII-masked) history as one line per interaction and keeps,
within a tiktoken budget, the unresolved threads first and the newest interactions first; what
does not fit is condensed to one line per thread or dropped, and reported in ``coverage.omitted``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from service.domain.interactions import Interaction
from service.ports import TokenCounter
from service.summaries.issues import thread_key

MAX_LINE_TOKENS = 300
"""A single interaction longer than this is cut (with an ellipsis) in the prompt."""


@dataclass
class FittedHistory:
    lines: list[str]
    """Rendered lines, oldest first (kept interactions and condensed thread notes)."""
    used_ids: list[str]
    omitted: list[dict[str, Any]]
    """One entry per thread not shown in full: thread_id, count, from, to, how (condensed|dropped)."""
    tokens: int
    budget: int


def render_line(it: Interaction, text: str, counter: TokenCounter, max_tokens: int = MAX_LINE_TOKENS) -> str:
    text = " ".join(text.split())
    if counter.count(text) > max_tokens:
        text = counter.truncate(text, max_tokens) + "…"
    event = f" event {it.kind}" if it.kind != "message" else ""
    return f"[{it.id}] {it.ts.astimezone(UTC):%Y-%m-%d %H:%M} {it.channel} {it.author_role}{event}: {text}"


def fit_history(
    items: Sequence[Interaction],
    texts: Sequence[str],
    counter: TokenCounter,
    budget: int,
    *,
    open_threads: set[str] | frozenset[str] = frozenset(),
) -> FittedHistory:
    """Choose what of the history goes into the prompt, within ``budget`` tokens.

    Threads (``thread_id``, else channel and day) are ranked: unresolved first, then by last
    activity, newest first. Each thread is filled from its newest interaction backwards; the
    older part that does not fit becomes one "condensed" note; a thread with no room even for
    its note is "dropped". Both are listed in ``omitted``.
    """
    threads: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        threads.setdefault(thread_key(it), []).append(i)
    order = sorted(threads, key=lambda t: (t not in open_threads, -items[threads[t][-1]].ts.timestamp()))
    keep: set[int] = set()
    notes: dict[str, tuple[int, str]] = {}
    omitted: list[dict[str, Any]] = []
    used = 0
    line_cache: dict[int, tuple[str, int]] = {}

    def line(i: int) -> tuple[str, int]:
        if i not in line_cache:
            s = render_line(items[i], texts[i], counter)
            line_cache[i] = (s, counter.count(s) + 1)
        return line_cache[i]

    for t in order:
        idxs = threads[t]
        kept_here = 0
        for pos in range(len(idxs) - 1, -1, -1):
            _, cost = line(idxs[pos])
            if used + cost > budget:
                break
            used += cost
            keep.add(idxs[pos])
            kept_here += 1
        rest = idxs[: len(idxs) - kept_here]
        if not rest:
            continue
        first, last = items[rest[0]], items[rest[-1]]
        note = (f"[thread {t}: {len(rest)} earlier interaction{'s' if len(rest) != 1 else ''} "
                f"{first.ts:%Y-%m-%d} to {last.ts:%Y-%m-%d} on {', '.join(sorted({items[i].channel for i in rest}))}, "
                f"{'unresolved' if t in open_threads else 'resolved or inactive'}, not shown]")
        cost = counter.count(note) + 1
        how = "dropped"
        if used + cost <= budget:
            used += cost
            notes[t] = (rest[0], note)
            how = "condensed"
        omitted.append({"thread_id": t, "count": len(rest), "from": first.ts.isoformat(), "to": last.ts.isoformat(),
                        "how": how, "interaction_ids": [items[i].id for i in rest][:50]})
    rows: list[tuple[int, int, str]] = [(i, 1, line(i)[0]) for i in keep]
    rows += [(pos, 0, note) for pos, note in notes.values()]
    rows.sort()
    return FittedHistory(lines=[r[2] for r in rows], used_ids=[items[i].id for i in sorted(keep)],
                         omitted=omitted, tokens=used, budget=budget)
