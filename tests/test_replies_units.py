"""Suggested replies, piece by piece: the reply stream, the LLM's JSON answer against its prompt's
schema, and the unit of work that keeps a suggestion with its audit record."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from service.adapters.sql.audit_repo import SqlAuditStore
from service.adapters.sql.engine import make_engine, migrate, session_factory
from service.adapters.sql.models import AuditRecord, Suggestion
from service.adapters.sql.suggestions_repo import SqlSuggestionLog
from service.audit import AuditEntry, AuditTrail
from service.ports import StoredSuggestion, SuggestionLog
from service.replies.llm_reply import ReplyStreamer, parse_llm_json


def streamed(*deltas: str) -> str:
    s = ReplyStreamer()
    return "".join(s.feed(d) for d in deltas)


def test_the_reply_streams_as_it_is_written_and_stops_at_its_closing_quote() -> None:
    s = ReplyStreamer()
    assert s.feed('Sure! {"rep') == ""
    assert s.feed('ly": "Hel') == "Hel"
    assert s.feed('lo there", "citations": ["A1"') == "lo there"
    assert s.feed(']}') == "" and s.done


def test_an_escape_split_between_two_deltas_waits_for_its_end() -> None:
    assert streamed('{"reply": "caf', "\\u00", 'e9 \\"ok\\"\\n', 'done"}') == 'café "ok"\ndone'


def test_broken_json_after_the_reply_keeps_the_reply() -> None:
    assert streamed('{"reply": "Hi', ' there", citations: [A1]}') == "Hi there"


def test_the_answer_is_checked_against_the_prompts_output_schema() -> None:
    assert parse_llm_json('```json\n{"reply": " Hi ", "citations": "A1"}\n```') == ("Hi", ["A1"])
    assert parse_llm_json('{"reply": "Hi", "citations": [1, "A2"]}') == ("Hi", ["1", "A2"])
    with pytest.raises(ValueError, match="the JSON lacks citations"):
        parse_llm_json('{"reply": "Hi"}')
    with pytest.raises(ValueError, match="'reply' must be a non-empty string"):
        parse_llm_json('{"reply": "  ", "citations": []}')
    with pytest.raises(ValueError, match="'citations' must be a list of strings"):
        parse_llm_json('{"reply": "Hi", "citations": [{"a": 1}]}')
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_llm_json('{"reply": "Hi", citations: [A1]}')
    schema = {"type": "object", "required": ["reply", "citations", "tone"],
              "properties": {"reply": {"type": "string"}, "citations": {"type": "array"}, "tone": {"enum": ["calm"]}}}
    with pytest.raises(ValueError, match="the JSON lacks tone"):
        parse_llm_json('{"reply": "Hi", "citations": []}', schema)
    with pytest.raises(ValueError, match="tone does not match the prompt's output schema"):
        parse_llm_json('{"reply": "Hi", "citations": [], "tone": "loud"}', schema)


# ---- a suggestion and its audit record: both or neither ------------------------------------


@pytest.fixture
async def sessions(tmp_path) -> AsyncIterator:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'replies.db'}")
    await migrate(engine)
    yield session_factory(engine)
    await engine.dispose()


def suggestions(tag: str) -> list[StoredSuggestion]:
    return [StoredSuggestion(id=f"{tag}-{i}", text=f"reply {i}", engine="grounded", prompt=None) for i in range(2)]


def audit_store(sessions, one_step: bool) -> SqlAuditStore:
    """The SQL audit store, committing a group in one step (SQLite: a thread) or statement by statement."""
    store = SqlAuditStore(sessions, sessions.kw["bind"] if one_step else None)
    assert store.one_step is one_step
    return store


@pytest.mark.parametrize("one_step", [True, False], ids=["one-step", "statement-by-statement"])
async def test_the_suggestions_are_kept_with_their_audit_record(sessions, one_step) -> None:
    trail = AuditTrail(audit_store(sessions, one_step))
    log = SqlSuggestionLog(sessions, audit=lambda: trail)
    assert isinstance(log, SuggestionLog)
    await log.record("acme", suggestions("ok"), {"tenant_id": "acme", "endpoint": "suggestions", "request_id": "req-ok"},
                     conversation_id="c1", intent="refund", channel="chat")
    async with sessions() as s:
        rows = (await s.scalars(select(Suggestion))).all()
        record = (await s.scalars(select(AuditRecord))).one()
    assert {r.id for r in rows} == {"ok-0", "ok-1"} and {r.audit_id for r in rows} == {record.id}
    assert {(r.conversation_id, r.intent, r.channel) for r in rows} == {("c1", "refund", "chat")}


@pytest.mark.parametrize("one_step", [True, False], ids=["one-step", "statement-by-statement"])
async def test_when_the_audit_write_fails_no_suggestion_row_remains(sessions, monkeypatch, one_step) -> None:
    import service.audit.trail as trail_module

    trail = AuditTrail(audit_store(sessions, one_step))
    async with sessions.begin() as s:  # an audit record whose id the next record will reuse: its insert fails
        await trail.append(s, AuditEntry(endpoint="suggestions", tenant_id="acme", request_id="earlier"))
    async with sessions() as s:
        taken = (await s.scalars(select(AuditRecord.id))).one()
    build = trail_module.build_record

    def colliding(entry):
        row = build(entry)
        row.id = taken
        return row

    monkeypatch.setattr(trail_module, "build_record", colliding)
    log = SqlSuggestionLog(sessions, audit=lambda: trail)
    with pytest.raises(Exception):
        await log.record("acme", suggestions("lost"), {"tenant_id": "acme", "endpoint": "suggestions", "request_id": "req-lost"},
                         conversation_id="c2", intent=None, channel="chat")
    async with sessions() as s:
        assert (await s.scalars(select(Suggestion))).all() == []
        assert (await s.scalars(select(AuditRecord.request_id))).all() == ["earlier"]
    assert (await trail.verify()).ok


async def test_a_failed_record_fails_the_request_and_names_no_suggestion() -> None:
    from types import SimpleNamespace

    from service.errors import Unavailable
    from service.replies.conversation import Conversation, Message
    from service.replies.policy import load_checker
    from service.replies.service import SuggestionService
    from service.settings import LLMSettings
    from service.llm.gateway import LLMGateway
    from tests.conftest import REPO

    class Failing:
        async def record(self, tenant, suggestions, audit, *, conversation_id, intent, channel) -> None:
            raise RuntimeError("audit write failed")

    checker = load_checker(REPO / "knowledge" / "policy.yaml")
    svc = SuggestionService(knowledge=SimpleNamespace(), gateway=LLMGateway(None, LLMSettings()), checker=checker, prompts=None,  # type: ignore[arg-type]
                            recorder=Failing(), today=lambda: datetime(2026, 11, 1, tzinfo=UTC).date())
    with pytest.raises(Unavailable, match="could not be recorded"):
        await svc.suggest("acme", Conversation("chat", [Message("customer", "where is my parcel?")]), use_llm=False, hits=[])
