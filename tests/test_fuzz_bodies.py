"""Property-based fuzz (hypothesis) of article front matter and of every JSON body the API takes:
nesting depth, size, unicode (lone surrogates, NUL, bidi marks, emoji), and value types. No
answer may be a 5xx or larger than 64 KB; the parser raises only ArticleError, with a short
message. Bounded and derandomised for CI: ``ASSIST_FUZZ_BODY_EXAMPLES`` per route (default 20)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from service.app import create_app
from service.triage.signatures import sign
from service.knowledge.articles import Article, ArticleError, parse_article
from tests.conftest import KNOWLEDGE, make_settings

EXAMPLES = int(os.environ.get("ASSIST_FUZZ_BODY_EXAMPLES", "20"))
MAX_RESPONSE = 64 * 1024
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

# ---- value strategies ---------------------------------------------------------------------------

CHARS = ["x", "é", "€", "😀", "\u0000", "\u202e", "\ud800", "\n", "[", "{", '"', "\\", "/", "#", " "]
WORDS = ["chat", "email", "sms", "voice", "customer", "agent", "bot", "system", "shown", "accepted", "edited", "rejected",
         "hybrid", "dense", "auto", "extractive", "llm", "created", "updated", "billing", ".", "..", "/etc", "refunds",
         "2026-02-30", "2026-13-45", "2026-11-01T10:00:00Z", "9999-12-31T23:59:59+14:00", "a/b", "c#1", "refund please",
         "I forgot my password", "\ud800", "jane@example.com", "+1 415 555 0199", "order_placed", "x_custom", ""]

texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(WORDS),
    st.tuples(st.sampled_from(CHARS), st.integers(0, 120_000)).map(lambda t: t[0] * t[1]),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False),
                    texts)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
                           max_leaves=12)
message = st.fixed_dictionaries({"role": st.sampled_from(["customer", "agent", "bot", "system", "user", "x"]), "text": texts},
                                optional={"ts": texts, "extra": json_values})
messages = st.one_of(st.lists(message, max_size=4), st.integers(0, 600).map(lambda n: [{"role": "customer", "text": "refund"}] * n),
                     json_values)
interaction = st.fixed_dictionaries({}, optional={
    "id": texts, "customer_id": texts, "channel": texts, "author_role": texts, "direction": texts, "ts": texts,
    "text": texts, "thread_id": texts, "kind": texts, "metadata": json_values, "handle": json_values})
values = st.one_of(json_values, messages, interaction, st.lists(interaction, max_size=3),
                   st.integers(0, 700).map(lambda n: [{"id": f"i{i}", "customer_id": "c", "channel": "chat",
                                                        "author_role": "customer", "ts": "2026-11-01T10:00:00Z",
                                                        "text": "x" * 1000} for i in range(n)]))

EXTRA_FIELDS = {
    "/v1/interactions": ["interactions", "id", "customer_id", "channel", "author_role", "direction", "ts", "text",
                         "thread_id", "kind", "metadata", "handle"],
    "/v1/hooks/triage": ["event_id", "event", "ticket"],
    "/v1/hooks/triage/zendesk": ["type", "id", "time", "detail", "event"],
}


ITEM = {"id": "i-1", "customer_id": "c-1", "channel": "chat", "author_role": "customer", "ts": "2026-11-01T10:00:00Z",
        "text": "my refund never arrived"}
CONVERSATION = {"channel": "chat", "messages": [{"role": "customer", "text": "refund please"}], "use_llm": False,
                "customer": {"id": "c-1", "first_name": "Ann"}, "n": 2}
SEEDS: dict[str, dict[str, Any]] = {
    "/v1/knowledge/ingest": {"directory": "refunds"},
    "/v1/knowledge/articles": {"content": "---\nid: fuzz-a\ntitle: T\nstatus: approved\nversion: 1\n---\n# T\n\nText.\n"},
    "/v1/knowledge/search": {"query": "refund", "top_k": 5, "filters": {"channel": "chat"}},
    "/v1/identities": {"customer_id": "c-1", "handles": [{"kind": "email", "value": "ann@example.com"}]},
    "/v1/interactions": ITEM,
    "/v1/summaries": {"history": [ITEM], "max_tokens": 200},
    "/v1/suggestions": CONVERSATION,
    "/v1/suggestions/stream": CONVERSATION,
    "/v1/assist": CONVERSATION,
    "/v1/intents/classify": {"text": "I forgot my password"},
    "/v1/hooks/triage": {"event_id": "e-1", "ticket": {"id": "T-1", "subject": "refund", "customer": {"id": "c-1"},
                                                      "messages": [{"role": "customer", "text": "refund please"}]}},
    "/v1/hooks/triage/zendesk": {"type": "zen:event-type:ticket.created", "id": "e-1", "time": "2026-11-01T10:00:00Z",
                                 "detail": {"id": "1", "subject": "refund", "description": "refund please", "requester_id": "9"}},
    "feedback": {"event": "shown", "rating": 4},
}


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a seed body a value could be replaced: object keys and first list items."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list) and value:
        out += _paths(value[0], (*prefix, 0))
    return out


def _at(value: Any, path: tuple) -> Any:
    for step in path:
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value


def _like(old: Any) -> st.SearchStrategy[Any]:
    """Mostly a value of the same JSON type as ``old`` (any size or unicode), sometimes anything."""
    if isinstance(old, bool):
        return st.one_of(st.booleans(), values)
    if isinstance(old, int):
        return st.one_of(st.integers(-(2**40), 2**40), st.integers(0, 60), values)
    if isinstance(old, str):
        return st.one_of(texts, texts, texts, values)
    if isinstance(old, list):
        return st.one_of(messages, st.lists(st.builds(dict, st.just(old[0]) if old else st.just({})), max_size=300), values)
    return values


def _mutate(seed: dict[str, Any], changes: list[tuple[tuple, Any]]) -> dict[str, Any]:
    body = json.loads(json.dumps(seed))
    for path, new in changes:
        try:
            target = body
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = new
        except (KeyError, IndexError, TypeError):  # an earlier change replaced the container
            continue
    return body


def body_strategy(path: str, fields: list[str]) -> st.SearchStrategy[bytes]:
    """Half the time a valid body with one to three values replaced by anything (so the fuzz
    reaches the use cases), else an object of the body's fields (and an unknown one) holding
    any values, or any JSON at all; one value possibly replaced by arrays nested up to 1,500
    deep; encoded with or without ASCII escapes (lone surrogates then become invalid UTF-8)."""
    seed = SEEDS["feedback" if path.endswith("/feedback") else path] if (path.endswith("/feedback") or path in SEEDS) else {}
    change = st.sampled_from(_paths(seed) or [("x",)]).flatmap(lambda p: st.tuples(st.just(p), _like(_at(seed, p))))
    mutated = st.lists(change, min_size=1, max_size=3).map(lambda changes: _mutate(seed, changes))
    soup = st.fixed_dictionaries({}, optional={f: values for f in fields} | {"unknown_field": values})
    whole = st.one_of(mutated, mutated, soup, json_values)
    deep = st.one_of(st.none(), st.none(), st.none(), st.integers(1, 1500))
    return st.tuples(whole, st.booleans(), deep).map(_encode)


def _encode(args: tuple[Any, bool, int | None]) -> bytes:
    value, ascii_only, deep = args
    if deep is not None:
        value = {"__deep__": "__DEEP__"} if not isinstance(value, dict) else {**value, "__deep__": "__DEEP__"}
    text = json.dumps(value, ensure_ascii=ascii_only)
    if deep is not None:
        text = text.replace('"__DEEP__"', "[" * deep + "]" * deep)
    return text.encode("utf-8", "surrogatepass")


# ---- the app ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory, real_embedder, counter):
    tmp: Path = tmp_path_factory.mktemp("fuzz-bodies")
    knowledge = tmp / "knowledge"
    shutil.copytree(KNOWLEDGE / "refunds", knowledge / "refunds")
    s = make_settings(tmp / "data", content={"knowledge_dir": knowledge}, server={"log_level": "error", "rate_limit_per_minute": 0})
    app = create_app(s, {"embedder": real_embedder, "counter": counter})
    with TestClient(app=app) as client:
        container = app.state.container
        portal = client.blocking_portal
        portal.call(container.knowledge.ingest_dir, knowledge)
        key, _ = portal.call(container.keys.create, "fuzz", "admin,operator")
        secret = portal.call(container.keys.webhook_secret, "fuzz")
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        r = client.post("/v1/suggestions", json={"channel": "chat", "messages": [{"role": "customer", "text": "refund please"}],
                                                 "use_llm": False, "n": 1}, headers=headers)
        assert r.status_code == 200, r.text
        yield client, headers, secret, r.json()["suggestions"][0]["id"]


def json_routes(app: Any, suggestion_id: str) -> list[tuple[str, list[str]]]:
    """Every POST route that takes a JSON body, with the body's field names (from the schema)."""
    schema = app.openapi_schema.to_schema()
    components = schema.get("components", {}).get("schemas", {})
    out = []
    for path, item in schema["paths"].items():
        op = item.get("post")
        if op is None:
            continue
        body = ((op.get("requestBody") or {}).get("content") or {}).get("application/json", {}).get("schema")
        if body is None and path not in EXTRA_FIELDS:
            continue
        ref = (body or {}).get("$ref", "").rsplit("/", 1)[-1]
        fields = list(components.get(ref, {}).get("properties", {})) or EXTRA_FIELDS.get(path, [])
        out.append((path.replace("{suggestion_id}", suggestion_id), fields))
    return out


def check(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:500]}"
    assert len(response.content) <= MAX_RESPONSE, f"{what}: a response of {len(response.content)} bytes"


def fuzz_route(client: Any, headers: dict[str, str], secret: str, path: str, fields: list[str], seen: dict[str, set[int]]) -> Any:
    @FUZZ
    @given(body=body_strategy(path, fields))
    def run(body: bytes) -> None:
        extra = {"X-Assist-Signature": sign(secret, body)} if path.startswith("/v1/hooks/triage") else {}
        response = client.post(path, content=body, headers={**headers, **extra})
        seen.setdefault(path, set()).add(response.status_code)
        check(response, f"POST {path} with {body[:300]!r}")

    return run


def test_every_json_route_survives_any_body(fuzz_client):
    client, headers, secret, suggestion_id = fuzz_client
    routes = json_routes(client.app, suggestion_id)
    assert len(routes) >= 12, routes
    seen: dict[str, set[int]] = {}
    for path, fields in routes:
        fuzz_route(client, headers, secret, path, fields, seen)()
    print("fuzz statuses:", {p: sorted(s) for p, s in seen.items()})
    assert set(seen) == {p for p, _ in routes}
    assert any(s == 200 for statuses in seen.values() for s in statuses), seen  # the fuzz reached real work


# ---- front matter -------------------------------------------------------------------------------

YAML_TOKENS = ["&a ", "*a", "&b [*a, *a]", "<<: *a", "[", "]", "{", "}", ": ", "- ", "\n", "  ", "? ", "!!python/object:os.system",
               "!!binary", "!!timestamp", "2026-02-30", "2026-13-45", "2026-01-01 10:00:00", "99999999999999999999999", "1e400",
               ".nan", "~", "'", '"', "\\", "\t", "#", "|", ">", "%YAML 1.1", "---", "...", "é", "\u0000", "\ud800"]
FIELDS = ["id", "title", "status", "version", "locale", "channels", "products", "tags", "effective_from", "review_by", "owner"]

yaml_scalars = st.one_of(st.sampled_from(["approved", "draft", "retired", "1", "0", "-3", "2026-02-30", "2026-13-45", "2026-01-01",
                                          "2026-01-01 10:00:00", "chat", "[chat, sms]", "[*a]", "&a x", "*a", "{a: b}", "99" * 30,
                                          "fuzz-id", "null", "true", "x" * 5000]),
                         st.text(max_size=30).map(json.dumps))
front_matter = st.one_of(
    st.lists(st.tuples(st.sampled_from(FIELDS + ["x"]), yaml_scalars), max_size=12)
      .map(lambda kv: "".join(f"{k}: {v}\n" for k, v in kv)),
    st.lists(st.sampled_from(YAML_TOKENS + FIELDS), max_size=60).map("".join),
    st.integers(1, 3000).map(lambda d: "tags: " + "[" * d + "]" * d + "\n"),
    st.integers(1, 12).map(lambda n: "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9 if i else ['x'] * 9)}]\n"
                                             for i in range(n))),
)
BASE = "id: fuzz-base\ntitle: Fuzz\nstatus: approved\nversion: 1\n"


@FUZZ
@given(fm=front_matter, keep_base=st.booleans())
def test_any_front_matter_is_an_article_or_a_short_article_error(fm: str, keep_base: bool):
    text = f"---\n{BASE if keep_base else ''}{fm}\n---\n# Body\n\nSome text.\n"
    try:
        assert isinstance(parse_article(text, "fuzz.md"), Article)
    except ArticleError as exc:
        assert len(str(exc)) < 400, str(exc)[:500]


def test_any_front_matter_over_the_api_is_never_a_5xx_or_huge(fuzz_client):
    client, headers, _, _ = fuzz_client

    @FUZZ
    @given(fm=front_matter, keep_base=st.booleans())
    def run(fm: str, keep_base: bool) -> None:
        text = f"---\n{BASE if keep_base else ''}{fm}\n---\n# Body\n\nSome text.\n"
        body = json.dumps({"content": text}).encode("utf-8", "surrogatepass")
        check(client.post("/v1/knowledge/articles", content=body, headers=headers), f"front matter {fm[:300]!r}")

    run()
