"""The audit trail on SQLite and PostgreSQL: hash chain, tamper detection, concurrency, erasure,
retention, export."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update

from service.audit import AuditEntry, AuditTrail
from service.cli.main import main as cli_main
from service.adapters.sql.audit_repo import SqlAuditStore
from service.adapters.sql.engine import make_engine, migrate, session_factory
from service.adapters.sql.models import AuditChainHead, AuditRecord, Feedback, Suggestion


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
async def sessions(db_url) -> AsyncIterator:
    engine = make_engine(db_url)
    await migrate(engine)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture(params=[True, False], ids=["one-step", "statement-by-statement"])
def one_step(request) -> bool:
    """A group of records committed in one step (the store has the engine, as the app builds it:
    SQLite in a thread, PostgreSQL on one pooled connection) or statement by statement."""
    return request.param


def group_store(sessions, one_step: bool, cls: type = SqlAuditStore) -> SqlAuditStore:
    store = cls(sessions, sessions.kw["bind"] if one_step else None)
    assert store.one_step is one_step
    return store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


async def add_suggestions(session, *, tenant_id, audit_id, conversation_id, intent, channel, suggestions) -> None:
    """Suggestion rows of one answer, in the caller's session (as the suggestion service writes them)."""
    for s in suggestions:
        session.add(Suggestion(id=s["id"], tenant_id=tenant_id, audit_id=audit_id, conversation_id=conversation_id,
                               prompt=s.get("prompt"), intent=intent, channel=channel, engine=s["engine"], text=s["text"],
                               created_at=datetime.now(UTC)))
    await session.flush()


def entry(i: int = 0, tenant: str = "acme", **kw) -> AuditEntry:
    base = dict(
        endpoint="knowledge.search", tenant_id=tenant, key_id="k1", request_id=f"req-{i}",
        input={"query": f"question {i}"}, articles=[{"article_id": "a", "version": 3}],
        prompt="suggest_reply@1", model="m", params={"top_k": 5}, tokens={"prompt": 10},
        policy={"passed": True}, latency_ms=1.5 + i, output={"hits": [{"article_id": "a", "version": 3}]},
    )
    base.update(kw)
    return AuditEntry(**base)


async def test_records_form_one_chain_per_tenant_that_verifies(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    for i in range(5):
        await trail.record(entry(i))
    await trail.record(entry(9, tenant="globex"))
    report = await trail.verify()
    assert report.ok, report.as_dict()
    assert report.records == 6 and set(report.tenants) == {"acme", "globex"}
    async with sessions() as s:
        rows = (await s.scalars(select(AuditRecord).where(AuditRecord.tenant_id == "acme").order_by(AuditRecord.seq))).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.record_hash for a, b in zip(rows, rows[1:]))
    assert rows[0].prev_hash == "0" * 64
    assert rows[2].request_id == "req-2" and rows[2].prompt == "suggest_reply@1" and rows[2].articles == [{"article_id": "a", "version": 3}]


async def test_the_input_copy_is_redacted_and_hashed(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    row = await trail.record(entry(input={"query": "my email is jane.doe@example.com, card 4111 1111 1111 1111"}))
    stored = json.dumps(row.input_redacted)
    assert "jane.doe@example.com" not in stored and "4111" not in stored
    assert "[EMAIL_1]" in stored
    assert len(row.input_hash) == 64


async def test_a_record_appended_in_a_rolled_back_transaction_leaves_no_trace(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    await trail.record(entry(1))
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            await trail.append(session, entry(2))
            raise RuntimeError("the work failed")
    await trail.record(entry(3))
    report = await trail.verify()
    assert report.ok and report.records == 2


async def test_the_work_and_its_record_commit_together(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    async with sessions.begin() as session:
        record = await trail.append(session, entry(1, endpoint="suggestions"))
        await add_suggestions(session, tenant_id="acme", audit_id=record.id, conversation_id="c1", intent="refund", channel="chat",
                              suggestions=[{"id": "s1", "text": "Hello", "engine": "grounded", "prompt": None}])
    async with sessions() as s:
        row = await s.get(Suggestion, "s1")
    assert row.audit_id == record.id


@pytest.mark.parametrize("column", ["output", "outcome", "prompt", "created_at", "customer_id", "input_redacted"])
async def test_editing_one_row_by_hand_is_detected_and_named(sessions, column):
    trail = AuditTrail(SqlAuditStore(sessions))
    for i in range(6):
        await trail.record(entry(i, customer_id="cust-1"))
    values = {
        "output": {"hits": []},
        "outcome": "error",
        "prompt": "suggest_reply@2",
        "created_at": datetime(2025, 1, 1, tzinfo=UTC),
        "customer_id": "cust-2",
        "input_redacted": {"query": "something else"},
    }
    async with sessions.begin() as s:
        victim = (await s.scalars(select(AuditRecord).where(AuditRecord.seq == 4))).one()
        await s.execute(update(AuditRecord).where(AuditRecord.id == victim.id).values({column: values[column]}))
    report = await trail.verify()
    assert not report.ok
    assert report.first_broken.seq == 4 and report.first_broken.record_id == victim.id


async def test_deleting_a_record_is_detected(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    for i in range(5):
        await trail.record(entry(i))
    async with sessions.begin() as s:
        await s.execute(delete(AuditRecord).where(AuditRecord.seq == 3))
    report = await trail.verify()
    assert not report.ok and report.first_broken.seq == 3 and "missing" in report.first_broken.reason
    async with sessions.begin() as s:
        await s.execute(delete(AuditRecord).where(AuditRecord.seq >= 3))
        await s.execute(update(AuditChainHead).values(last_seq=2))
    report = await trail.verify()
    assert not report.ok  # the head's hash no longer matches the last record


async def test_removing_the_newest_record_is_detected(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    for i in range(3):
        await trail.record(entry(i))
    async with sessions.begin() as s:
        await s.execute(delete(AuditRecord).where(AuditRecord.seq == 3))
    report = await trail.verify()
    assert not report.ok and "chain head" in report.first_broken.reason


async def test_concurrent_appends_never_fork_the_chain(sessions, one_step):
    trail = AuditTrail(group_store(sessions, one_step))
    await asyncio.gather(*(trail.record(entry(i, tenant=("acme", "globex")[i % 2])) for i in range(60)))
    report = await trail.verify()
    assert report.ok, report.as_dict()
    assert report.records == 60
    assert report.tenants["acme"]["last_seq"] == 30 and report.tenants["globex"]["last_seq"] == 30


async def test_erasing_a_customer_keeps_the_chain_verifiable(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    async with sessions.begin() as session:
        rec = await trail.append(session, entry(0, endpoint="suggestions", customer_id="cust-9", input={"text": "I am Jane, jane@example.com"}))
        await add_suggestions(session, tenant_id="acme", audit_id=rec.id, conversation_id="conv-9", intent=None, channel="chat",
                              suggestions=[{"id": "s9", "text": "Hi Jane", "engine": "grounded"}])
        session.add(Feedback(id=str(uuid.uuid4()), tenant_id="acme", suggestion_id="s9", audit_id=rec.id, event="edited",
                             sent_text="Hi Jane!", reason=None, rating=4, edit_distance=0.1, created_at=datetime.now(UTC)))
    await trail.record(entry(1, customer_id="cust-9"))
    await trail.record(entry(2, customer_id="someone-else"))
    result = await trail.erase_customer("acme", "cust-9", reference="DSR-1")
    assert result == {"tenant": "acme", "records": 2, "suggestions": 1, "feedback": 1}
    report = await trail.verify()
    assert report.ok, report.as_dict()
    async with sessions() as s:
        rows = (await s.scalars(select(AuditRecord).order_by(AuditRecord.seq))).all()
        sugg = await s.get(Suggestion, "s9")
        fb = (await s.scalars(select(Feedback))).one()
    assert [r.erased for r in rows] == [True, True, False, False]
    assert rows[0].customer_id is None and rows[0].input_redacted == {"erased": True} and rows[0].output == {"erased": True}
    assert rows[3].endpoint == "audit.erase" and rows[3].output["seqs"] == [1, 2]
    assert "cust-9" not in json.dumps([r.input_redacted for r in rows] + [r.output for r in rows])
    assert sugg.text == "[erased]" and fb.sent_text is None
    # marking a record erased by hand (to hide an edit) is detected
    async with sessions.begin() as s:
        await s.execute(update(AuditRecord).where(AuditRecord.seq == 3).values(erased=True, customer_id=None, input_redacted={"erased": True}, input_hash="erased", output={"erased": True}))
    report = await trail.verify()
    assert not report.ok and report.first_broken.seq == 3


async def test_retention_purges_old_records_and_the_chain_still_verifies(sessions):
    clock = Clock()
    trail = AuditTrail(SqlAuditStore(sessions), clock=clock)
    for i in range(4):
        rec = await trail.record(entry(i))
    async with sessions.begin() as session:
        await add_suggestions(session, tenant_id="acme", audit_id=rec.id, conversation_id=None, intent=None, channel="chat",
                              suggestions=[{"id": "old", "text": "x", "engine": "grounded"}])
    clock.now += timedelta(days=100)
    for i in range(4, 7):
        await trail.record(entry(i))
    assert await trail.purge(30) == {"acme": 4}
    report = await trail.verify()
    assert report.ok, report.as_dict()
    assert report.tenants["acme"]["anchor_seq"] == 4
    async with sessions() as s:
        seqs = (await s.scalars(select(AuditRecord.seq).order_by(AuditRecord.seq))).all()
        assert await s.get(Suggestion, "old") is None
    assert seqs == [5, 6, 7, 8]  # 8 is the audit.purge record
    assert await trail.purge(30) == {"acme": 0}
    # moving the anchor by hand to hide a deletion is detected
    async with sessions.begin() as s:
        await s.execute(delete(AuditRecord).where(AuditRecord.seq == 5))
        await s.execute(update(AuditChainHead).values(anchor_seq=5, anchor_hash=(await s.scalar(select(AuditRecord.prev_hash).where(AuditRecord.seq == 7)))))
    report = await trail.verify()
    assert not report.ok


async def test_cli_verify_names_the_first_broken_record_and_export_writes_jsonl(sessions, db_url, tmp_path, monkeypatch, capsys):
    trail = AuditTrail(SqlAuditStore(sessions))
    for i in range(4):
        await trail.record(entry(i))
    monkeypatch.setenv("ASSIST_DATABASE_URL", db_url)
    monkeypatch.setenv("ASSIST_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "audit.jsonl"
    await asyncio.to_thread(cli_main, ["audit", "export", "--output", str(out)])
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["seq"] for r in lines] == [1, 2, 3, 4] and lines[0]["input"] == {"query": "question 0"}
    assert await asyncio.to_thread(cli_main, ["audit", "verify"]) == 0
    async with sessions.begin() as s:
        victim = (await s.scalars(select(AuditRecord).where(AuditRecord.seq == 2))).one()
        await s.execute(text("UPDATE audit_records SET outcome = 'tampered' WHERE id = :id"), {"id": victim.id})
    capsys.readouterr()
    assert await asyncio.to_thread(cli_main, ["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "record seq 2" in err and victim.id in err


async def test_a_record_inserted_by_hand_beyond_the_head_is_detected(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    for i in range(3):
        await trail.record(entry(i))
    async with sessions.begin() as s:
        last = (await s.scalars(select(AuditRecord).where(AuditRecord.seq == 3))).one()
        s.add(AuditRecord(**{**{c: getattr(last, c) for c in ("tenant_id", "prev_hash", "record_hash", "created_at", "key_id", "endpoint", "request_id", "customer_id", "input_redacted", "input_hash", "articles", "prompt", "model", "params", "tokens", "policy", "outcome", "latency_ms", "output", "erased", "personal_hash")}, "id": str(uuid.uuid4()), "seq": 4}))
    report = await trail.verify()
    assert not report.ok and report.first_broken.seq == 4


async def test_verify_while_records_are_being_appended_does_not_raise_false_alarms(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    for i in range(20):
        await trail.record(entry(i))

    async def writer():
        for i in range(20, 60):
            await trail.record(entry(i))

    results = await asyncio.gather(writer(), *(trail.verify() for _ in range(5)))
    assert all(r.ok for r in results[1:]), [r.as_dict() for r in results[1:] if not r.ok]
    assert (await trail.verify()).records == 60


async def test_output_policy_and_params_are_masked_but_identifiers_are_kept(sessions):
    trail = AuditTrail(SqlAuditStore(sessions))
    chunk = "d6de0c6b-0078-4937-8269-92295c0241af"  # a UUID the phone detector would mangle
    row = await trail.record(entry(
        output={"suggestions": [{"id": chunk, "citations": [{"chunk_id": chunk}]}], "note": "call +44 20 7946 0958"},
        policy={"findings": ["reply contains dana.leak@example.com"]},
        params={"channel": "chat", "greeting": "Hi jane@example.com"},
    ))
    assert row.output["suggestions"][0]["id"] == chunk and row.output["suggestions"][0]["citations"][0]["chunk_id"] == chunk
    stored = json.dumps([row.output, row.policy, row.params])
    assert "7946" not in stored and "example.com" not in stored
    assert (await trail.verify()).ok


async def test_concurrent_answers_share_commits_and_each_keeps_its_own_rows(sessions, one_step):
    """record() group-commits: 40 answers at once take far fewer transactions than 40, every
    answer's record and rows land together, and the chain still verifies."""
    class CountingStore(SqlAuditStore):
        transactions = 0

        def transaction(self):
            self.transactions += 1
            return super().transaction()

        async def commit_linked(self, tenants, linker):
            self.transactions += 1
            return await super().commit_linked(tenants, linker)

    store = group_store(sessions, one_step, CountingStore)
    trail = AuditTrail(store)

    def rows_for(i: int):
        return lambda rec: [Suggestion(id=f"s-{i}-{k}", tenant_id="acme", audit_id=rec.id, prompt=None, intent=None,
                                       channel="chat", engine="grounded", text=f"reply {i}.{k}", created_at=datetime.now(UTC))
                            for k in range(2)]

    records = await asyncio.gather(*(trail.record(entry(i), rows=rows_for(i)) for i in range(40)))
    assert store.transactions < 40, "concurrent answers were committed one transaction each"
    assert (await trail.verify()).ok
    async with sessions() as s:
        linked = dict((await s.execute(select(Suggestion.id, Suggestion.audit_id))).all())
    assert len(linked) == 80
    assert all(linked[f"s-{i}-{k}"] == records[i].id for i in range(40) for k in range(2))


async def test_one_bad_answer_in_a_group_fails_alone_and_leaves_nothing_half_written(sessions, one_step):
    trail = AuditTrail(group_store(sessions, one_step))
    async with sessions.begin() as s:  # a suggestion id that already exists: its insert must fail
        s.add(Suggestion(id="taken", tenant_id="acme", audit_id="earlier", prompt=None, intent=None, channel="chat",
                         engine="grounded", text="x", created_at=datetime.now(UTC)))

    def rows(sid: str):
        return lambda rec: [Suggestion(id=sid, tenant_id="acme", audit_id=rec.id, prompt=None, intent=None, channel="chat",
                                       engine="grounded", text="y", created_at=datetime.now(UTC))]

    results = await asyncio.gather(*(trail.record(entry(i), rows=rows("taken" if i == 3 else f"ok-{i}")) for i in range(8)),
                                   return_exceptions=True)
    failed = [i for i, r in enumerate(results) if isinstance(r, BaseException)]
    assert failed == [3]
    async with sessions() as s:
        requests = set((await s.scalars(select(AuditRecord.request_id))).all())
        ids = set((await s.scalars(select(Suggestion.id))).all())
    assert "req-3" not in requests and requests == {f"req-{i}" for i in range(8) if i != 3}
    assert ids == {"taken"} | {f"ok-{i}" for i in range(8) if i != 3}
    assert (await trail.verify()).ok
