"""The hash chain: one canonical JSON spelling, the two hashes of a record, linking a record after
its tenant's chain head, and verifying a chain record by record.

Each record carries ``seq`` (1, 2, ... per tenant), ``prev_hash`` (the previous record's hash; the
genesis hash for the first) and ``record_hash``::

    personal_hash = sha256(canonical_json({customer_id, input_redacted, input_hash, output}))
    record_hash   = sha256(canonical_json({"prev": prev_hash, "header": {id, tenant_id, seq,
                        created_at, key_id, endpoint, request_id, articles, prompt, model,
                        params, tokens, policy, outcome, latency_ms}, "personal": personal_hash}))

Editing any field breaks that record's hash; deleting a record breaks the next record's link
(or the chain head, for the last one). :class:`ChainCheck` names the first broken record.

Erasure replaces the personal fields by :data:`ERASED` markers (the chain covers them through
``personal_hash`` only); a retention purge moves the head's anchor (see
:mod:`service.audit.retention`). Nothing here does I/O: the repository reads and writes the rows.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
ERASED = {"erased": True}
ERASED_HASH = "erased"

HEADER_FIELDS = (
    "id", "tenant_id", "seq", "created_at", "key_id", "endpoint", "request_id",
    "articles", "prompt", "model", "params", "tokens", "policy", "outcome", "latency_ms",
)
PERSONAL_FIELDS = ("customer_id", "input_redacted", "input_hash", "output")


# ---- canonical form and hashes ------------------------------------------------------------------


def canonical(value: Any) -> str:
    """The one JSON spelling of a value: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return str(value)


def jsonable(value: Any) -> Any:
    """``value`` as it will read back from a JSON column (what gets hashed is what gets stored)."""
    text = canonical_text(value)
    return None if text is None else json.loads(text)


def canonical_text(value: Any) -> str | None:
    """The canonical text of :func:`jsonable`'s result (None for None): what it parses, and
    what :func:`canonical` spells that result as again."""
    if value is None:
        return None
    return canonical(_finite(value))


def _finite(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # most of a record: nothing to do
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iso(ts: datetime) -> str:
    """UTC, microseconds: SQLite hands datetimes back naive, PostgreSQL aware; both mean UTC."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def personal_hash_of(row: Any) -> str:
    return sha256(canonical({f: getattr(row, f) for f in PERSONAL_FIELDS}))


def record_hash_of(row: Any, prev_hash: str, personal_hash: str) -> str:
    header = {f: getattr(row, f) for f in HEADER_FIELDS}
    header["created_at"] = iso(row.created_at)
    return sha256(canonical({"prev": prev_hash, "header": header, "personal": personal_hash}))


# ---- the records ----------------------------------------------------------------------------------


@dataclass
class ChainRecord:
    """One audit record, as stored (the ``audit_records`` row). ``seq``, ``prev_hash``,
    ``created_at`` and the hashes are set by :func:`link`."""

    id: str
    tenant_id: str
    endpoint: str
    input_redacted: dict[str, Any]
    input_hash: str
    articles: list[Any]
    params: dict[str, Any]
    tokens: dict[str, Any]
    policy: dict[str, Any]
    output: dict[str, Any]
    latency_ms: float = 0.0
    outcome: str = "ok"
    key_id: str | None = None
    request_id: str | None = None
    customer_id: str | None = None
    prompt: str | None = None
    model: str | None = None
    erased: bool = False
    seq: int = 0
    created_at: datetime | None = None
    prev_hash: str = ""
    record_hash: str = ""
    personal_hash: str = ""

    def columns(self) -> dict[str, Any]:
        """The row's column values (for an INSERT)."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class ChainHead:
    """A tenant's chain head: its last record, and the anchor left by retention purges (records
    with ``seq <= anchor_seq`` were purged; ``anchor_hash`` is the last purged record's hash)."""

    tenant_id: str
    last_seq: int = 0
    last_hash: str = GENESIS
    anchor_seq: int = 0
    anchor_hash: str = GENESIS


def link(row: ChainRecord, last_seq: int, last_hash: str, now: datetime) -> None:
    """Put ``row`` after the record (``last_seq``, ``last_hash``) of its tenant's chain."""
    row.seq = last_seq + 1
    row.prev_hash = last_hash
    row.created_at = now
    row.personal_hash = personal_hash_of(row)
    row.record_hash = record_hash_of(row, row.prev_hash, row.personal_hash)


# ---- verification -------------------------------------------------------------------------------


@dataclass
class Broken:
    tenant_id: str
    seq: int
    record_id: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        rid = f" (id {self.record_id})" if self.record_id else ""
        return f"tenant {self.tenant_id}: record seq {self.seq}{rid}: {self.reason}"


@dataclass
class VerifyReport:
    ok: bool = True
    records: int = 0
    tenants: dict[str, dict[str, Any]] = field(default_factory=dict)
    first_broken: Broken | None = None
    problems: list[Broken] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "tenants": self.tenants,
            "first_broken": self.first_broken.as_dict() if self.first_broken else None,
            "problems": [p.as_dict() for p in self.problems[:100]],
        }


class ChainCheck:
    """Verify one tenant's chain: :meth:`see` each record in seq order while it returns True,
    then :meth:`finish`. Records appended after the head was read (``seq > head.last_seq``) are
    left for the next run: the first one stops the walk and is kept in :attr:`beyond`."""

    def __init__(self, tenant: str, head: ChainHead | None, *, stop_at_first: bool = False) -> None:
        self.tenant, self.head, self.stop_at_first = tenant, head, stop_at_first
        self.anchor_seq = head.anchor_seq if head else 0
        self.anchor_hash = head.anchor_hash if head else GENESIS
        self.problems: list[Broken] = []
        self.expected_seq, self.prev = self.anchor_seq + 1, self.anchor_hash
        self.count = 0
        self.erased_seqs: set[int] = set()
        self.listed_erased: set[int] = set()
        self.last_purge: dict[str, Any] | None = None
        self.beyond: Any | None = None

    def _broken(self, seq: int, rid: str | None, reason: str) -> None:
        self.problems.append(Broken(self.tenant, seq, rid, reason))

    def see(self, row: Any) -> bool:
        """Check one record; False when the walk should stop."""
        head, broken = self.head, self._broken
        if head is not None and row.seq > head.last_seq:
            self.beyond = row
            return False
        self.count += 1
        if row.seq <= self.anchor_seq:
            broken(row.seq, row.id, f"record is before the retention anchor (seq {self.anchor_seq}) but still present")
            return True
        if row.seq != self.expected_seq:
            broken(self.expected_seq, None, f"record(s) seq {self.expected_seq}..{row.seq - 1} are missing (deleted)")
        if row.prev_hash != self.prev:
            broken(row.seq, row.id, "prev_hash does not match the previous record's hash (a record before it was changed or removed)")
        if row.erased:
            self.erased_seqs.add(row.seq)
            if (row.customer_id, row.input_redacted, row.input_hash, row.output) != (None, ERASED, ERASED_HASH, ERASED):
                broken(row.seq, row.id, "record is marked erased but its personal fields are not the erasure marker")
        elif personal_hash_of(row) != row.personal_hash:
            broken(row.seq, row.id, "personal fields (customer id, input or output) were changed")
        if record_hash_of(row, row.prev_hash, row.personal_hash) != row.record_hash:
            broken(row.seq, row.id, "record content does not match its hash (the record was changed)")
        if row.endpoint == "audit.erase" and isinstance(row.output, dict):
            self.listed_erased.update(int(s) for s in row.output.get("seqs", []) if isinstance(s, int))
        if row.endpoint == "audit.purge" and isinstance(row.output, dict):
            self.last_purge = row.output
        self.prev, self.expected_seq = row.record_hash, row.seq + 1
        return not (self.stop_at_first and self.problems)

    def finish(self, head_now: ChainHead | None = None) -> tuple[list[Broken], dict[str, Any]]:
        """The problems (lowest seq first) and the tenant's summary. ``head_now``: the head read
        again, when a record :attr:`beyond` the first read was found."""
        head, broken, problems = self.head, self._broken, self.problems
        if not (self.stop_at_first and problems):
            last_seq = self.expected_seq - 1
            if head is None:
                if self.count:
                    broken(1, None, "records exist but the chain head is missing")
            else:
                if head.last_seq != last_seq:
                    broken(last_seq + 1, None, f"the chain head says the last record is seq {head.last_seq}, the table ends at seq {last_seq} (records removed from the end?)")
                elif head.last_hash != self.prev:
                    broken(last_seq, None, "the last record's hash does not match the chain head")
                if self.anchor_seq:
                    purge = self.last_purge
                    if purge is None or purge.get("purged_through") != self.anchor_seq or purge.get("anchor_hash") != self.anchor_hash:
                        broken(self.anchor_seq + 1, None, "the retention anchor does not match the last audit.purge record")
            if self.beyond is not None and (head_now is None or head_now.last_seq < self.beyond.seq):
                broken(self.beyond.seq, self.beyond.id, "record is beyond the chain head (inserted by hand?)")
            for seq in sorted(self.erased_seqs - self.listed_erased):
                broken(seq, None, "record is erased but no audit.erase record lists it")
        problems.sort(key=lambda b: b.seq)
        info = {"records": self.count, "last_seq": head.last_seq if head else 0,
                "last_hash": head.last_hash if head else GENESIS, "anchor_seq": self.anchor_seq}
        return problems, info
