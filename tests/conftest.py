"""Shared fixtures: one real embedder per session, apps built by the factory on temp dirs,
and a throwaway PostgreSQL database per test that asks for one."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import httpx  # noqa: E402
from litestar import Litestar  # noqa: E402

from service.app import create_app  # noqa: E402
from service.settings import Settings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"
SHARED_DATA = REPO.parent / "shared" / "data"
PG_ADMIN_URL = os.environ.get("ASSIST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


class CountingEmbedder:
    """The real embedder, counting the texts it embeds (to prove incremental ingest)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.dimension = inner.dimension
        self.model_name = inner.model_name
        self.texts = 0

    def embed(self, texts: Any) -> Any:
        self.texts += len(texts)
        return self.inner.embed(texts)


class MemoEmbedder:
    """The real model, remembering every text it embedded during the test session: tests
    re-ingest the same sample knowledge many times, and each text is embedded once."""

    def __init__(self, inner: Any) -> None:
        import numpy as np

        self._np = np
        self.inner = inner
        self.dimension = inner.dimension
        self.model_name = inner.model_name
        self._memo: dict[str, Any] = {}

    def embed(self, texts: Any) -> Any:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            for text, vector in zip(missing, self.inner.embed(missing), strict=True):
                self._memo[text] = vector
        if not texts:
            return self.inner.embed(texts)
        return self._np.stack([self._memo[t] for t in texts])


@pytest.fixture(scope="session")
def real_embedder() -> Any:
    from service.adapters.embedder import make_embedder

    return MemoEmbedder(make_embedder(backend="onnx", threads=2))


@pytest.fixture(scope="session")
def counter() -> Any:
    from service.adapters.tokens import TiktokenCounter

    return TiktokenCounter()


@pytest.fixture
def embedder(real_embedder: Any) -> CountingEmbedder:
    return CountingEmbedder(real_embedder)


def make_settings(data_dir: Path, **groups: dict[str, Any]) -> Settings:
    base = Settings.from_env({"ASSIST_DATA_DIR": str(data_dir), "ASSIST_LOG_FORMAT": "json", "ASSIST_LOG_LEVEL": "warning"})
    content = {
        "knowledge_dir": KNOWLEDGE,
        "intents_file": KNOWLEDGE / "intents.yaml",
        "prompts_dir": REPO / "prompts",
        "policy_file": KNOWLEDGE / "policy.yaml",
    }
    content.update(groups.pop("content", {}))
    return base.replace(content=content, **groups)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def app_factory(tmp_path: Path, embedder: CountingEmbedder, counter: Any) -> Callable[..., Litestar]:
    """Build an app on a temp data dir with the shared real embedder; extra overrides allowed."""

    def build(settings: Settings | None = None, **overrides: Any) -> Litestar:
        overrides.setdefault("embedder", embedder)
        overrides.setdefault("counter", counter)
        return create_app(settings or make_settings(tmp_path / "data"), overrides)

    return build


class AppClient(httpx.AsyncClient):
    """An HTTP client for an app whose lifespan runs in the test's own event loop (so database
    pools, asyncpg included, are shared safely between the app and the test)."""

    app: Litestar


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[AppClient]:
    """Start the app's lifespan in one task of this loop (anyio scopes must enter and exit in
    the same task), hand out a client, and shut the app down afterwards."""
    started, stop = asyncio.Event(), asyncio.Event()
    failure: list[BaseException] = []

    async def hold() -> None:
        try:
            async with app.lifespan():
                started.set()
                await stop.wait()
        except BaseException as exc:
            failure.append(exc)
            started.set()

    task = asyncio.create_task(hold())
    await started.wait()
    if failure:
        raise failure[0]
    try:
        async with AppClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as c:
            c.app = app
            yield c
    finally:
        stop.set()
        await task
        if failure:
            raise failure[0]


@pytest.fixture
async def client(app_factory: Callable[..., Litestar]) -> AsyncIterator[AppClient]:
    async with running(app_factory()) as c:
        yield c


async def new_key(client: AppClient, tenant: str, scopes: str) -> dict[str, str]:
    """Create a key in the running app and return the Authorization header for it."""
    key, _ = await client.app.state.container.keys.create(tenant, scopes)
    return {"Authorization": f"Bearer {key}"}


@asynccontextmanager
async def knowledge_app(settings: Settings, overrides: dict[str, Any], **client_options: Any) -> AsyncIterator[tuple[Any, Any]]:
    """For a module-scoped fixture: an app on ``settings`` with the sample knowledge ingested,
    its Litestar test client and its container."""
    from litestar.testing import AsyncTestClient

    app = create_app(settings, overrides)
    async with AsyncTestClient(app=app, **client_options) as c:
        container = app.state.container
        await container.knowledge.ingest_dir(settings.content.knowledge_dir)
        yield c, container


async def authorize(client: Any, container: Any, tenant: str, scopes: str) -> str:
    """A key for ``tenant`` with ``scopes``, made the client's default Authorization; returns it."""
    key, _ = await container.keys.create(tenant, scopes)
    client.headers["Authorization"] = f"Bearer {key}"
    return key


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample knowledge (articles only)."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("*.yaml", "*.csv", "*.jsonl"))
    return target


@pytest.fixture
def pg_url() -> Any:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    asyncpg = pytest.importorskip("asyncpg")
    name = f"assist_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    yield f"{base}/{name}"
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
