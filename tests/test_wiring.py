"""How the service is put together: one typed container, fakes handed in by name, an unknown
name refused, and readiness that asks the model to work rather than trusting it was loaded."""

from __future__ import annotations

from typing import Any

import pytest

from service.app import create_app
from service.errors import Unavailable
from service.wiring import Container, Overrides
from tests.conftest import make_settings, running


class BreakableEmbedder:
    """The real model until ``broken`` is set; then every encode fails as a dead model would."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.dimension = inner.dimension
        self.model_name = inner.model_name
        self.broken = False

    def embed(self, texts: Any) -> Any:
        if self.broken:
            raise Unavailable("the embedding model failed: RuntimeError: ONNX session lost")
        return self.inner.embed(texts)


async def test_readyz_reports_not_ready_when_the_embedding_model_cannot_encode(app_factory, real_embedder):
    embedder = BreakableEmbedder(real_embedder)
    async with running(app_factory(embedder=embedder)) as client:
        embedder.broken = True  # after the start: the model was loaded, then stopped working
        ready = await client.get("/readyz")
        assert ready.status_code == 503, ready.text
        body = ready.json()
        assert body["checks"]["model"] is False and body["checks"]["index"] is True
        assert "model" in body["reason"] and "retry-after" in ready.headers


async def test_readyz_model_check_encodes_for_real(app_factory, real_embedder):
    embedder = BreakableEmbedder(real_embedder)
    async with running(app_factory(embedder=embedder)) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["model"] is True


def test_the_shipped_embedder_ping_bypasses_its_cache(real_embedder):
    """``ping`` goes through a lane every time, so a model that died after answering once is seen."""
    inner = real_embedder.inner
    assert inner.ping() is True
    batches = inner.batches
    assert inner.ping() is True
    assert inner.batches == batches + 1


async def test_every_component_is_a_typed_field_of_the_container(app_factory):
    async with running(app_factory(intents=None)) as client:
        c = client.app.state.container
        assert isinstance(c, Container) and not hasattr(c, "extras")
        assert c.intents is None and c.triage is None  # no classifier: no triage hook either
        assert c.suggester is not None and c.assist is not None and c.audit is not None
        assert c.summaries.on_summary is not None  # summaries are audited whatever the build order
        headers = {"Authorization": "Bearer " + (await c.keys.create("acme", ["intents:read"]))[0]}
        r = await client.post("/v1/intents/classify", json={"text": "where is my parcel"}, headers=headers)
        assert r.status_code == 503 and "not configured" in r.json()["detail"]


def test_an_unknown_override_is_refused_with_the_names_it_accepts(tmp_path):
    with pytest.raises(TypeError, match=r"unknown override\(s\) chat_modle; .*accepts: .*chat_model"):
        create_app(make_settings(tmp_path / "data"), {"chat_modle": object()})
    assert Overrides.of({"embedder": None}).given("embedder") is False  # None: build the default one
    assert Overrides.of({"intents": None}).given("intents") is True  # None: do without it
