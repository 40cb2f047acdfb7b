"""The audit trail: one append-only, hash-chained record per answer, per tenant.

Chain. Each record carries ``seq`` (1, 2, ... per tenant), ``prev_hash`` (the previous record's
hash; the genesis hash for the first) and ``record_hash``::

    personal_hash = sha256(canonical_json({customer_id, input_redacted, input_hash, output}))
    record_hash   = sha256(canonical_json({"prev": prev_hash, "header": {id, tenant_id, seq,
                        created_at, key_id, endpoint, request_id, articles, prompt, model,
                        params, tokens, policy, outcome, latency_ms}, "personal": personal_hash}))

Editing any field breaks that record's hash; deleting a record breaks the next record's link
(or the chain head, for the last one). ``verify`` names the first broken record.

Erasure. The chain covers the personal fields through ``personal_hash`` only, so a customer's
personal data can be replaced by a marker (``erase``) and the chain still verifies; an
``audit.erase`` record in the chain lists what was erased, and verification checks that every
erased record is listed there.

Retention. ``purge`` deletes a tenant's oldest records (a prefix of the chain), moves the chain
head's anchor to the last deleted record's hash and appends an ``audit.purge`` record saying so:
verification starts at the anchor and checks it against that record.

Serialisation. Appends lock the tenant's ``audit_chain_heads`` row (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite every write transaction starts with ``BEGIN IMMEDIATE``), so seq numbers
never fork. ``append(session, entry)`` writes in the caller's transaction, together with the work
it records; ``record(entry, rows=...)`` is for answers whose only writes are the record and a few
rows that belong to it (suggestions): concurrent calls are *group-committed*, many answers' records
and rows in one transaction (one chain-head lock, one commit), each call returning once that
transaction has committed. A batch that fails is retried answer by answer, so one bad answer
fails alone and an answer is never half-written.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import math
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.adapters.sql.models import AuditChainHead, AuditRecord, Feedback, Suggestion
from service.errors import InvalidInput, NotFound

GENESIS = "0" * 64
ERASED = {"erased": True}
ERASED_HASH = "erased"
log = structlog.get_logger("service.audit")

HEADER_FIELDS = (
    "id", "tenant_id", "seq", "created_at", "key_id", "endpoint", "request_id",
    "articles", "prompt", "model", "params", "tokens", "policy", "outcome", "latency_ms",
)
PERSONAL_FIELDS = ("customer_id", "input_redacted", "input_hash", "output")
_LIMITS = {"key_id": 32, "endpoint": 64, "request_id": 64, "customer_id": 128, "prompt": 128, "model": 128, "outcome": 32}


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
    if value is None:
        return None
    return json.loads(canonical(_finite(value)))


def _finite(value: Any) -> Any:
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


def personal_hash_of(row: AuditRecord) -> str:
    return sha256(canonical({f: getattr(row, f) for f in PERSONAL_FIELDS}))


def record_hash_of(row: AuditRecord, prev_hash: str, personal_hash: str) -> str:
    header = {f: getattr(row, f) for f in HEADER_FIELDS}
    header["created_at"] = iso(row.created_at)
    return sha256(canonical({"prev": prev_hash, "header": header, "personal": personal_hash}))


# ---- what callers hand in ---------------------------------------------------------------------


@dataclass
class AuditEntry:
    """One answer to record. ``input`` is the raw request: the trail stores a PII-redacted copy
    and the hash of the original. Give ``input_redacted`` instead when the caller already masked
    it. ``output``, ``policy`` and ``params`` are PII-masked too (identifiers under ``*_id`` keys
    are kept); still, pass ids, versions and decisions there, not free customer text.
    ``tenant_id``, ``key_id`` and ``request_id`` default to the current request's."""

    endpoint: str
    tenant_id: str | None = None
    input: Any = None
    input_redacted: Any = None
    customer_id: str | None = None
    articles: list[Any] = field(default_factory=list)
    prompt: str | None = None
    model: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=dict)
    outcome: str = "ok"
    latency_ms: float = 0.0
    output: Any = None
    key_id: str | None = None
    request_id: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AuditEntry:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(f"audit entry has unknown field(s) {', '.join(unknown)}")
        return cls(**{k: v for k, v in data.items() if v is not None or k in ("input", "output")})


def _context() -> dict[str, Any]:
    return structlog.contextvars.get_contextvars()


def _redactor_factory() -> Callable[[], Any] | None:
    try:
        from service.domain.pii import Redactor
    except ImportError:  # pragma: no cover - the PII module is part of the service
        return None
    return Redactor


def _is_identifier(key: str | None) -> bool:
    k = (key or "").lower()
    return k in {"id", "ids", "ref", "refs", "prompt", "model"} or k.endswith(("_id", "_ids", "_hash", "_ref"))


def redact_value(value: Any, redactor: Any, key: str | None = None) -> Any:
    """Every string in a JSON-like value, PII masked (placeholders stable within one redactor),
    except identifiers (keys ``id``, ``*_id``, ``*_ids``, ``*_hash``...): the phone detector
    would otherwise mangle the odd UUID."""
    if redactor is None:
        return value
    if isinstance(value, str):
        return value if _is_identifier(key) else redactor.redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v, redactor, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, redactor, key) for v in value]
    return value


# ---- results --------------------------------------------------------------------------------


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


def record_to_dict(row: AuditRecord) -> dict[str, Any]:
    return {
        "id": row.id,
        "tenant_id": row.tenant_id,
        "seq": row.seq,
        "created_at": iso(row.created_at),
        "key_id": row.key_id,
        "endpoint": row.endpoint,
        "request_id": row.request_id,
        "customer_id": row.customer_id,
        "input": row.input_redacted,
        "input_hash": row.input_hash,
        "articles": row.articles,
        "prompt": row.prompt,
        "model": row.model,
        "params": row.params,
        "tokens": row.tokens,
        "policy": row.policy,
        "outcome": row.outcome,
        "latency_ms": row.latency_ms,
        "output": row.output,
        "erased": row.erased,
        "prev_hash": row.prev_hash,
        "record_hash": row.record_hash,
        "personal_hash": row.personal_hash,
    }


@dataclass(frozen=True)
class AuditQuery:
    since: datetime | None = None
    until: datetime | None = None
    endpoint: str | None = None
    customer_id: str | None = None
    prompt: str | None = None
    """``id@version``, or an id alone for every version."""
    outcome: str | None = None
    request_id: str | None = None


# ---- the trail ----------------------------------------------------------------------------------

GROUP_MAX = 64
"""Most answers committed in one group transaction."""


def _column_values(obj: Any) -> dict[str, Any]:
    """The column values set on an ORM object, for a bulk INSERT (unset ones take defaults)."""
    from sqlalchemy import inspect as sa_inspect

    state = vars(obj)
    return {a.key: state[a.key] for a in sa_inspect(type(obj)).column_attrs if a.key in state}


def _settle(done: asyncio.Future[Any], *, row: Any = None, error: BaseException | None = None) -> None:
    if done.done():  # the caller gave up waiting (cancelled); the record stands or fell all the same
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(row)



class AuditTrail:
    def __init__(self, sessions: async_sessionmaker, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 metrics: Any | None = None) -> None:
        self.sessions = sessions
        self.clock = clock
        self.metrics = metrics
        self._redactor = _redactor_factory()
        self._group_loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[AuditRecord, list[Any], asyncio.Future[AuditRecord]]] = []
        self._drainer: asyncio.Task[None] | None = None

    # -- writing -----------------------------------------------------------------------------------
    async def append(self, session: AsyncSession, entry: AuditEntry | Mapping[str, Any]) -> AuditRecord:
        """Append one record in the caller's transaction (commit it with the work it records).
        Locks the tenant's chain head until that transaction ends: call it late, keep it short."""
        if not isinstance(entry, AuditEntry):
            entry = AuditEntry.from_mapping(entry)
        row = self._build(entry)
        head = await self._lock_head(session, row.tenant_id)
        self._chain(row, head.last_seq, head.last_hash)
        session.add(row)
        head.last_seq = row.seq
        head.last_hash = row.record_hash
        await session.flush()
        self._count(row)
        return row

    def _count(self, row: AuditRecord) -> None:
        if self.metrics is not None:
            self.metrics.audit_records.labels(row.endpoint).inc()

    def _chain(self, row: AuditRecord, last_seq: int, last_hash: str) -> None:
        """Put ``row`` after the record (``last_seq``, ``last_hash``) of its tenant's chain."""
        row.seq = last_seq + 1
        row.prev_hash = last_hash
        row.created_at = self.clock()
        row.personal_hash = personal_hash_of(row)
        row.record_hash = record_hash_of(row, row.prev_hash, row.personal_hash)

    async def record(self, entry: AuditEntry | Mapping[str, Any],
                     rows: Callable[[AuditRecord], Iterable[Any]] | None = None) -> AuditRecord:
        """Append one record, and the rows ``rows(record)`` makes (linked to it by its id), in a
        transaction shared with whatever other answers are being recorded at the same moment;
        returns once it has committed."""
        if not isinstance(entry, AuditEntry):
            entry = AuditEntry.from_mapping(entry)
        # In the caller's context (request id, key id: to_thread copies it), off the loop: the
        # redaction and hashing of a large input take a while (issue 12).
        row = await asyncio.to_thread(self._build, entry)
        extra = list(rows(row)) if rows is not None else []
        loop = asyncio.get_running_loop()
        if self._group_loop is not loop:  # a new event loop (a CLI run, a test): a new queue
            self._group_loop, self._pending, self._drainer = loop, [], None
        done: asyncio.Future[AuditRecord] = loop.create_future()
        self._pending.append((row, extra, done))
        if self._drainer is None or self._drainer.done():
            # A context of its own: its log lines must not carry the first caller's request id.
            self._drainer = loop.create_task(self._drain(), context=contextvars.Context())
        return await done

    async def drain(self) -> None:
        """Wait until every record handed to :meth:`record` is committed (or has failed)."""
        if self._drainer is not None and self._group_loop is asyncio.get_running_loop():
            await asyncio.gather(self._drainer, return_exceptions=True)

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:GROUP_MAX], self._pending[GROUP_MAX:]
            try:
                await self._commit(batch)
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][2], error=exc)
                    continue
                log.warning("audit_group_commit_retrying_one_by_one", records=len(batch), error=type(exc).__name__)
                for item in batch:
                    try:
                        await self._commit([item])
                    except Exception as one:
                        _settle(item[2], error=one)
                    else:
                        self._count(item[0])
                        _settle(item[2], row=item[0])
            else:
                for row, _, done in batch:
                    self._count(row)
                    _settle(done, row=row)

    async def _commit(self, batch: list[tuple[AuditRecord, list[Any], asyncio.Future[AuditRecord]]]) -> None:
        """One transaction for the batch: each tenant's head locked once, the records and rows
        inserted in bulk (statements, not the ORM's unit of work), the heads moved on."""
        heads: dict[str, tuple[int, str]] = {}
        tables: dict[type, list[dict[str, Any]]] = {AuditRecord: []}
        async with self.sessions.begin() as session:
            # Heads locked in tenant order: two workers' batches can never wait for each other
            # in a cycle (PostgreSQL). Within a tenant, arrival order is kept.
            for row, extra, _ in sorted(batch, key=lambda item: item[0].tenant_id):
                head = heads.get(row.tenant_id)
                if head is None:
                    head = await self._lock_head_values(session, row.tenant_id)
                self._chain(row, *head)
                heads[row.tenant_id] = (row.seq, row.record_hash)
                tables[AuditRecord].append(_column_values(row))
                for obj in extra:
                    tables.setdefault(type(obj), []).append(_column_values(obj))
            for model, values in tables.items():  # the records first: the rows point at them
                if values:
                    await session.execute(insert(model), values)
            for tenant, (seq, last_hash) in heads.items():
                await session.execute(
                    update(AuditChainHead).where(AuditChainHead.tenant_id == tenant).values(last_seq=seq, last_hash=last_hash)
                )

    async def _lock_head_values(self, session: AsyncSession, tenant: str) -> tuple[int, str]:
        stmt = select(AuditChainHead.last_seq, AuditChainHead.last_hash).where(AuditChainHead.tenant_id == tenant).with_for_update()
        found = (await session.execute(stmt)).first()
        if found is None:
            await session.execute(_insert_ignore(session, tenant))
            found = (await session.execute(stmt)).one()
        return int(found[0]), str(found[1])

    def _build(self, entry: AuditEntry) -> AuditRecord:
        ctx = _context()
        tenant = entry.tenant_id or ctx.get("tenant")
        if not tenant:
            raise InvalidInput("an audit entry needs a tenant")
        if entry.input_redacted is not None:
            original = jsonable(entry.input_redacted)
        else:
            original = jsonable(entry.input)
        redactor = self._redactor() if self._redactor else None
        redacted = jsonable(redact_value(original, redactor))
        values = {
            "key_id": entry.key_id or ctx.get("key_id"),
            "endpoint": entry.endpoint,
            "request_id": entry.request_id or ctx.get("request_id"),
            "customer_id": None if entry.customer_id is None else str(entry.customer_id),
            "prompt": entry.prompt,
            "model": entry.model,
            "outcome": entry.outcome or "ok",
        }
        for name, limit in _LIMITS.items():
            if isinstance(values[name], str) and len(values[name]) > limit:
                values[name] = values[name][:limit]
        latency = entry.latency_ms if isinstance(entry.latency_ms, (int, float)) and math.isfinite(entry.latency_ms) else 0.0
        return AuditRecord(
            id=str(uuid.uuid4()),
            tenant_id=tenant,
            input_redacted=redacted if isinstance(redacted, dict) else {"value": redacted},
            input_hash=sha256(canonical(original)),
            articles=jsonable(list(entry.articles or [])),
            params=jsonable(redact_value(jsonable(dict(entry.params or {})), redactor)),
            tokens=jsonable(dict(entry.tokens or {})),
            # issue 8: findings and outputs may quote restored contact details; the copy is masked
            policy=jsonable(redact_value(jsonable(dict(entry.policy or {})), redactor)),
            latency_ms=round(float(latency), 3),
            output=_as_object(jsonable(redact_value(jsonable(entry.output), redactor))),
            erased=False,
            **values,
        )

    async def _lock_head(self, session: AsyncSession, tenant: str) -> AuditChainHead:
        stmt = (
            select(AuditChainHead)
            .where(AuditChainHead.tenant_id == tenant)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        head = (await session.execute(stmt)).scalar_one_or_none()
        if head is None:
            await session.execute(_insert_ignore(session, tenant))
            head = (await session.execute(stmt)).scalar_one()
        return head

    # -- reading -----------------------------------------------------------------------------------
    async def get(self, tenant: str, record_id: str) -> dict[str, Any]:
        async with self.sessions() as session:
            row = await session.get(AuditRecord, record_id)
        if row is None or row.tenant_id != tenant:
            raise NotFound(f"no audit record {record_id!r}")
        return record_to_dict(row)

    async def query(self, tenant: str, q: AuditQuery, *, limit: int = 50, before_seq: int | None = None) -> tuple[list[dict[str, Any]], int | None]:
        """Newest first; returns the page and the cursor (a seq) for the next one, or None."""
        stmt = select(AuditRecord).where(AuditRecord.tenant_id == tenant)
        if q.since is not None:
            stmt = stmt.where(AuditRecord.created_at >= q.since)
        if q.until is not None:
            stmt = stmt.where(AuditRecord.created_at < q.until)
        if q.endpoint:
            stmt = stmt.where(AuditRecord.endpoint == q.endpoint)
        if q.customer_id:
            stmt = stmt.where(AuditRecord.customer_id == q.customer_id)
        if q.prompt:
            if "@" in q.prompt:
                stmt = stmt.where(AuditRecord.prompt == q.prompt)
            else:
                stmt = stmt.where(AuditRecord.prompt.like(q.prompt.replace("%", r"\%").replace("_", r"\_") + "@%", escape="\\"))
        if q.outcome:
            stmt = stmt.where(AuditRecord.outcome == q.outcome)
        if q.request_id:
            stmt = stmt.where(AuditRecord.request_id == q.request_id)
        if before_seq is not None:
            stmt = stmt.where(AuditRecord.seq < before_seq)
        stmt = stmt.order_by(AuditRecord.seq.desc()).limit(limit + 1)
        async with self.sessions() as session:
            rows = list((await session.scalars(stmt)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        return [record_to_dict(r) for r in rows], (rows[-1].seq if more and rows else None)

    async def tenants(self) -> list[str]:
        async with self.sessions() as session:
            heads = set((await session.scalars(select(AuditChainHead.tenant_id))).all())
            recs = set((await session.scalars(select(AuditRecord.tenant_id).distinct())).all())
        return sorted(heads | recs)

    async def export(self, tenant: str | None = None, *, batch: int = 1000) -> AsyncIterator[dict[str, Any]]:
        """Every record, tenant by tenant, in chain order."""
        for t in [tenant] if tenant else await self.tenants():
            async for row in self._rows(t, batch=batch):
                yield record_to_dict(row)

    async def _rows(self, tenant: str, *, after_seq: int = 0, batch: int = 1000) -> AsyncIterator[AuditRecord]:
        last = after_seq
        while True:
            async with self.sessions() as session:
                rows = list((await session.scalars(
                    select(AuditRecord).where(AuditRecord.tenant_id == tenant, AuditRecord.seq > last).order_by(AuditRecord.seq).limit(batch)
                )).all())
            if not rows:
                return
            for row in rows:
                yield row
            last = rows[-1].seq

    # -- verification ------------------------------------------------------------------------------
    async def verify(self, tenant: str | None = None, *, stop_at_first: bool = False) -> VerifyReport:
        """Recompute every chain. ``first_broken`` is the first broken record (lowest seq) of the
        first tenant with a problem."""
        report = VerifyReport()
        for t in [tenant] if tenant else await self.tenants():
            problems, info = await self._verify_tenant(t, stop_at_first=stop_at_first)
            report.tenants[t] = info
            report.records += info["records"]
            if problems:
                report.ok = False
                report.problems.extend(problems)
                if report.first_broken is None:
                    report.first_broken = problems[0]
                if stop_at_first:
                    break
        return report

    async def _verify_tenant(self, tenant: str, *, stop_at_first: bool) -> tuple[list[Broken], dict[str, Any]]:
        async with self.sessions() as session:
            head = await session.get(AuditChainHead, tenant)
        anchor_seq = head.anchor_seq if head else 0
        anchor_hash = head.anchor_hash if head else GENESIS
        problems: list[Broken] = []
        expected_seq, prev = anchor_seq + 1, anchor_hash
        count = 0
        erased_seqs: set[int] = set()
        listed_erased: set[int] = set()
        last_purge: dict[str, Any] | None = None

        def broken(seq: int, rid: str | None, reason: str) -> None:
            problems.append(Broken(tenant, seq, rid, reason))

        upto = head.last_seq if head else None  # records appended while verifying are left for the next run
        beyond: AuditRecord | None = None
        async for row in self._rows(tenant, after_seq=0):
            if upto is not None and row.seq > upto:
                beyond = row
                break
            count += 1
            if row.seq <= anchor_seq:
                broken(row.seq, row.id, f"record is before the retention anchor (seq {anchor_seq}) but still present")
                continue
            if row.seq != expected_seq:
                broken(expected_seq, None, f"record(s) seq {expected_seq}..{row.seq - 1} are missing (deleted)")
            if row.prev_hash != prev:
                broken(row.seq, row.id, "prev_hash does not match the previous record's hash (a record before it was changed or removed)")
            if row.erased:
                erased_seqs.add(row.seq)
                if (row.customer_id, row.input_redacted, row.input_hash, row.output) != (None, ERASED, ERASED_HASH, ERASED):
                    broken(row.seq, row.id, "record is marked erased but its personal fields are not the erasure marker")
            elif personal_hash_of(row) != row.personal_hash:
                broken(row.seq, row.id, "personal fields (customer id, input or output) were changed")
            if record_hash_of(row, row.prev_hash, row.personal_hash) != row.record_hash:
                broken(row.seq, row.id, "record content does not match its hash (the record was changed)")
            if row.endpoint == "audit.erase" and isinstance(row.output, dict):
                listed_erased.update(int(s) for s in row.output.get("seqs", []) if isinstance(s, int))
            if row.endpoint == "audit.purge" and isinstance(row.output, dict):
                last_purge = row.output
            prev, expected_seq = row.record_hash, row.seq + 1
            if stop_at_first and problems:
                break
        if not (stop_at_first and problems):
            last_seq = expected_seq - 1
            if head is None:
                if count:
                    broken(1, None, "records exist but the chain head is missing")
            else:
                if head.last_seq != last_seq:
                    broken(last_seq + 1, None, f"the chain head says the last record is seq {head.last_seq}, the table ends at seq {last_seq} (records removed from the end?)")
                elif head.last_hash != prev:
                    broken(last_seq, None, "the last record's hash does not match the chain head")
                if anchor_seq:
                    if last_purge is None or last_purge.get("purged_through") != anchor_seq or last_purge.get("anchor_hash") != anchor_hash:
                        broken(anchor_seq + 1, None, "the retention anchor does not match the last audit.purge record")
            if beyond is not None:
                async with self.sessions() as session:
                    now_head = await session.get(AuditChainHead, tenant, populate_existing=True)
                if now_head is None or now_head.last_seq < beyond.seq:
                    broken(beyond.seq, beyond.id, "record is beyond the chain head (inserted by hand?)")
            for seq in sorted(erased_seqs - listed_erased):
                broken(seq, None, "record is erased but no audit.erase record lists it")
        problems.sort(key=lambda b: b.seq)
        info = {"records": count, "last_seq": head.last_seq if head else 0, "last_hash": head.last_hash if head else GENESIS, "anchor_seq": anchor_seq}
        return problems, info

    # -- retention and erasure -----------------------------------------------------------------------
    async def purge(self, older_than_days: float, *, tenant: str | None = None, reference: str | None = None) -> dict[str, Any]:
        """Delete records older than the age (with their suggestions and feedback), keeping every
        chain verifiable from a new anchor. Returns {tenant: count}."""
        if older_than_days <= 0:
            raise InvalidInput("the retention age must be positive")
        cutoff = self.clock().timestamp() - older_than_days * 86400
        cutoff_dt = datetime.fromtimestamp(cutoff, UTC)
        result: dict[str, Any] = {}
        for t in [tenant] if tenant else await self.tenants():
            async with self.sessions.begin() as session:
                head = await self._lock_head(session, t)
                keep_from = await session.scalar(
                    select(func.min(AuditRecord.seq)).where(AuditRecord.tenant_id == t, AuditRecord.created_at >= cutoff_dt)
                )
                through = (keep_from - 1) if keep_from is not None else head.last_seq
                if through <= head.anchor_seq:
                    result[t] = 0
                    continue
                anchor_hash = await session.scalar(
                    select(AuditRecord.record_hash).where(AuditRecord.tenant_id == t, AuditRecord.seq == through)
                )
                if anchor_hash is None:
                    raise InvalidInput(f"tenant {t}: record seq {through} is missing; run `assist audit verify`")
                doomed = select(AuditRecord.id).where(AuditRecord.tenant_id == t, AuditRecord.seq <= through)
                count = await session.scalar(select(func.count()).select_from(doomed.subquery()))
                await session.execute(delete(Feedback).where(Feedback.tenant_id == t, Feedback.audit_id.in_(doomed)))
                await session.execute(delete(Suggestion).where(Suggestion.tenant_id == t, Suggestion.audit_id.in_(doomed)))
                await session.execute(delete(AuditRecord).where(AuditRecord.tenant_id == t, AuditRecord.seq <= through))
                await self.append(session, AuditEntry(
                    endpoint="audit.purge", tenant_id=t, input={"older_than_days": older_than_days, "reference": reference},
                    output={"purged_through": through, "anchor_hash": anchor_hash, "count": count, "cutoff": iso(cutoff_dt)},
                    outcome="purged", key_id="cli", request_id=None,
                ))
                head.anchor_seq, head.anchor_hash = through, anchor_hash
                result[t] = count
                log.info("audit_purged", tenant=t, through=through, count=count)
        return result

    async def erase_customer(self, tenant: str, customer_id: str, *, reference: str | None = None,
                             record_ids: Iterable[str] = ()) -> dict[str, Any]:
        """Replace a customer's personal data in the trail (and the text of suggestions and
        feedback linked to those records) by a marker; the chain still verifies. ``record_ids``:
        further records of the customer that carry no customer id (feedback on its suggestions)."""
        if not customer_id:
            raise InvalidInput("a customer id is needed")
        extra = list(record_ids)
        async with self.sessions.begin() as session:
            await self._lock_head(session, tenant)
            mine = AuditRecord.customer_id == customer_id
            rows = list((await session.execute(
                select(AuditRecord.id, AuditRecord.seq).where(AuditRecord.tenant_id == tenant, or_(mine, AuditRecord.id.in_(extra)) if extra else mine)
            )).all())
            if not rows:
                return {"tenant": tenant, "records": 0, "suggestions": 0, "feedback": 0}
            ids = [r.id for r in rows]
            seqs = sorted(r.seq for r in rows)
            sugg = 0
            fb = 0
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                await session.execute(
                    update(AuditRecord).where(AuditRecord.id.in_(part)).values(
                        customer_id=None, input_redacted=ERASED, input_hash=ERASED_HASH, output=ERASED, erased=True
                    )
                )
                s = await session.execute(update(Suggestion).where(Suggestion.tenant_id == tenant, Suggestion.audit_id.in_(part)).values(text="[erased]", conversation_id=None))
                f = await session.execute(update(Feedback).where(Feedback.tenant_id == tenant, Feedback.audit_id.in_(part)).values(sent_text=None, reason=None))
                sugg += s.rowcount or 0
                fb += f.rowcount or 0
            await self.append(session, AuditEntry(
                endpoint="audit.erase", tenant_id=tenant, input={"reference": reference},
                output={"seqs": seqs, "count": len(seqs)}, outcome="erased", key_id="cli",
            ))
        log.info("audit_erased", tenant=tenant, records=len(seqs))
        return {"tenant": tenant, "records": len(seqs), "suggestions": sugg, "feedback": fb}


def _as_object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def _insert_ignore(session: AsyncSession, tenant: str) -> Any:
    values = {"tenant_id": tenant, "last_seq": 0, "last_hash": GENESIS, "anchor_seq": 0, "anchor_hash": GENESIS}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(AuditChainHead).values(**values).on_conflict_do_nothing(index_elements=["tenant_id"])
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(AuditChainHead).values(**values).on_conflict_do_nothing(index_elements=["tenant_id"])


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
