"""Interactions are validated once, with every problem named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.domain.interactions import normalise_handle, parse_batch, parse_history, parse_interaction
from service.errors import InvalidInput, PayloadTooLarge


def raw(**kw):
    return {"id": "i1", "customer_id": "c1", "channel": "chat", "author_role": "customer",
            "ts": "2024-03-04T10:00:00Z", "text": "hello"} | kw


def test_defaults_come_from_the_role_and_aliases_are_understood() -> None:
    it = parse_interaction(raw(channel="phone"))
    assert (it.channel, it.direction, it.kind, it.ts.tzinfo) == ("voice", "inbound", "message", UTC)
    ev = parse_interaction(raw(author_role="system", kind="refund_issued", text="", channel="web"))
    assert ev.direction == "internal" and ev.is_event


def test_every_problem_of_a_batch_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_batch([raw(channel="fax"), raw(id="i2", author_role="robot"), raw(id="i3", ts="soon")])
    keys = [e["key"] for e in exc.value.errors]
    assert keys == ["interactions[0].channel", "interactions[1].author_role", "interactions[2].ts"]
    assert "unknown channel 'fax'" in exc.value.detail


def test_system_events_need_a_known_kind() -> None:
    with pytest.raises(InvalidInput):
        parse_interaction(raw(author_role="system", text=""))
    with pytest.raises(InvalidInput):
        parse_interaction(raw(author_role="system", kind="refund_sent"))
    assert parse_interaction(raw(author_role="system", kind="x_label_sent")).kind == "x_label_sent"


def test_oversized_text_is_413_and_big_batches_too() -> None:
    with pytest.raises(PayloadTooLarge):
        parse_batch([raw(text="x" * 20_001)])
    with pytest.raises(PayloadTooLarge):
        parse_batch([raw(id=f"i{i}") for i in range(501)])


def test_future_timestamps_are_refused() -> None:
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    with pytest.raises(InvalidInput, match="future"):
        parse_interaction(raw(ts=future))


def test_an_inline_history_must_be_in_time_order() -> None:
    with pytest.raises(InvalidInput, match="out of time order"):
        parse_history([raw(id="a", ts="2024-03-04T10:00:00Z"), raw(id="b", ts="2024-03-04T09:00:00Z")])
    ok = parse_history([{k: v for k, v in raw(id="a").items() if k != "customer_id"}])
    assert ok[0].customer_id == "inline"


def test_a_repeated_id_in_one_batch_is_fine_only_when_identical() -> None:
    assert len(parse_batch([raw(), raw()])) == 1
    with pytest.raises(InvalidInput, match="twice"):
        parse_batch([raw(), raw(text="changed")])


def test_handles_are_normalised() -> None:
    assert normalise_handle("email", " Jo@X.COM ") == ("email", "jo@x.com")
    assert normalise_handle("phone", "+1 (415) 555-0199") == ("phone", "+14155550199")
    assert normalise_handle("social", "Twitter:@Jo") == ("social", "twitter:jo")
    with pytest.raises(InvalidInput):
        normalise_handle("fax", "123")
