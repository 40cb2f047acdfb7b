"""The stored part of a customer's story, kept between requests (issue 14: /v1/assist on 500
stored interactions answers without re-reading and re-analysing all of them).

One entry per (tenant, customer): the stored interactions as last read, and a
:class:`~service.summaries.memo.SummaryMemo` of the summariser's per-text steps over them. An
entry is used only while the customer's history version (:meth:`ContinuityRepo.history_version`:
how many interactions, the newest, the newest written, how many handles) is the one it was read
at, so a write, a merge or an erasure made by any process (``assist audit erase`` runs in its own)
makes the next request read the history again. When the history only grew, the memo is kept
(every text it knows is still stored); when anything left it (erased, merged away, out of the
newest ``MAX_HISTORY``), the memo is dropped with the entry. A merge made here forgets both
customers at once. Bounded: the least recently used customers are dropped past ``max_customers``,
and a memo is started afresh once it holds ``max_memo`` entries (texts and their sentences).

The summary is recomputed from the entry on every request (the as-of date, the request's new
messages and the classifier's version all count); only per-text work is remembered, so it is the
summary a cold run gives.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from service.domain.interactions import Interaction
from service.summaries.memo import SummaryMemo


@dataclass
class Entry:
    version: tuple[Any, ...]
    stored: list[Interaction]
    memo: SummaryMemo = field(default_factory=SummaryMemo)

    @property
    def total(self) -> int:
        """Interactions stored for the customer (the version's count; ``stored`` may be the newest part)."""
        return int(self.version[0])


class HistoryCache:
    def __init__(self, max_customers: int = 256, max_memo: int = 20_000) -> None:
        self.max_customers = max_customers
        self.max_memo = max_memo
        self._entries: OrderedDict[tuple[str, str], Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, tenant: str, customer_id: str, version: tuple[Any, ...]) -> Entry | None:
        """The entry read at ``version`` (None: absent, or the history changed since)."""
        key = (tenant, customer_id)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            if len(entry.memo) >= self.max_memo:  # unrecorded request messages add texts too
                entry.memo = SummaryMemo()
            return entry

    def put(self, tenant: str, customer_id: str, version: tuple[Any, ...], stored: Sequence[Interaction]) -> Entry:
        key = (tenant, customer_id)
        stored = list(stored)
        with self._lock:
            old = self._entries.pop(key, None)
            memo = SummaryMemo()
            if old is not None and len(old.memo) < self.max_memo:
                now = {it.id: it.text for it in stored}
                if all(now.get(it.id) == it.text for it in old.stored):  # only grew: every known text is still stored
                    memo = old.memo
            entry = self._entries[key] = Entry(version, stored, memo)
            while len(self._entries) > self.max_customers:
                self._entries.popitem(last=False)
            return entry

    def forget(self, tenant: str, customer_id: str) -> None:
        with self._lock:
            self._entries.pop((tenant, customer_id), None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
