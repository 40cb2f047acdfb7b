"""POST /v1/intents/classify (text, texts, messages), GET /v1/intents, POST /v1/intents/reload."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import KNOWLEDGE, make_settings, new_key, running


@pytest.fixture
async def client(app_factory, tmp_path):
    # A private copy of the taxonomy, so reload tests can break and fix it.
    shutil.copy(KNOWLEDGE / "intents.yaml", tmp_path / "intents.yaml")
    shutil.copy(KNOWLEDGE / "intents_examples.csv", tmp_path / "intents_examples.csv")
    settings = make_settings(tmp_path / "data", content={"intents_file": tmp_path / "intents.yaml"})
    async with running(app_factory(settings)) as c:
        c.taxonomy = tmp_path / "intents.yaml"
        yield c


async def test_classify_one_text(client):
    headers = await new_key(client, "acme", "intents:read")
    r = await client.post("/v1/intents/classify", json={"text": "I never got my package, tracking says delivered"}, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["intent"] == "shipping_missing_item"
    assert 0 <= body["confidence"] <= 1 and len(body["alternatives"]) == 3
    assert set(body["alternatives"][0]) == {"intent", "confidence"}
    assert body["taxonomy_version"] == client.app.state.container.intents.version


async def test_classify_a_batch_and_abstain_on_out_of_scope(client):
    headers = await new_key(client, "acme", "intents:read")
    r = await client.post("/v1/intents/classify", json={"texts": ["my promo code says expired", "who won the world cup in 2010"]},
                          headers=headers)
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["intent"] for x in results] == ["promo_code_expired", None]


async def test_classify_a_conversation_returns_the_current_need(client):
    headers = await new_key(client, "acme", "intents:read")
    messages = [
        {"role": "customer", "text": "Hi, I need to change the phone number on my account"},
        {"role": "agent", "text": "Done! Anything else?"},
        {"role": "customer", "text": "Yes, the website keeps rejecting my credit card at checkout"},
        {"role": "agent", "text": "Let me check. What's your email?"},
        {"role": "customer", "text": "jane@example.com"},
    ]
    r = await client.post("/v1/intents/classify", json={"messages": messages}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["intent"] == "site_credit_card_invalid" and r.json()["turn"] == 2


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "exactly one"),
        ({"text": "hi", "texts": ["hi"]}, "exactly one"),
        ({"text": ""}, "text"),
        ({"texts": []}, "texts"),
        ({"texts": ["x"] * 300}, "texts"),
        ({"messages": [{"role": "agent", "text": "hello"}]}, "no customer message"),
        ({"text": "hi", "colour": "red"}, "colour"),
    ],
)
async def test_bad_classify_requests_get_422(client, body, needle):
    headers = await new_key(client, "acme", "intents:read")
    r = await client.post("/v1/intents/classify", json=body, headers=headers)
    assert r.status_code in (400, 422), r.text
    assert needle in r.text


async def test_classify_needs_the_intents_read_scope(client):
    headers = await new_key(client, "acme", "knowledge:read")
    r = await client.post("/v1/intents/classify", json={"text": "refund please"}, headers=headers)
    assert r.status_code == 403


async def test_taxonomy_listing(client):
    headers = await new_key(client, "acme", "intents:read")
    r = await client.get("/v1/intents", headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert body["ready"] and body["taxonomy"]["intents"] == 55 and len(body["intents"]) == 55
    assert {"name", "description", "queue", "priority", "examples"} <= set(body["intents"][0])


async def test_reload_refuses_a_bad_file_and_keeps_serving_then_swaps_a_good_one(client):
    read = await new_key(client, "acme", "intents:read")
    write = await new_key(client, "ops", "operator")
    before = client.app.state.container.intents.version
    good = client.taxonomy.read_text()
    duplicate = "  - name: recover_username\n    description: again\n    queue: accounts\n    priority: low\n    examples: [a, b]\n"
    client.taxonomy.write_text(good.replace("\nout_of_scope_examples:", duplicate + "\nout_of_scope_examples:"))
    r = await client.post("/v1/intents/reload", headers=write)
    assert r.status_code == 422 and "duplicate intent 'recover_username'" in r.json()["detail"]
    r = await client.post("/v1/intents/classify", json={"text": "I forgot my password"}, headers=read)
    assert r.status_code == 200 and r.json()["taxonomy_version"] == before

    client.taxonomy.write_text(good.replace("priority: low", "priority: normal", 1))
    r = await client.post("/v1/intents/reload", headers=write)
    assert r.status_code == 200 and r.json()["changed"] and r.json()["previous_version"] == before
    r = await client.post("/v1/intents/classify", json={"text": "I forgot my password"}, headers=read)
    after = client.app.state.container.intents.version
    assert r.json()["taxonomy_version"] == after != before

    r = await client.post("/v1/intents/reload", headers=read)
    assert r.status_code == 403
