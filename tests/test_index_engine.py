"""The index engine (`assist index serve`): one process owns the embedded Qdrant Edge shard and
workers reach it through EngineIndex. Its answers are the embedded adapter's, it survives a
restart, and its failures are Unavailable, never a wrong answer."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from service.adapters.index_client import EngineIndex
from service.adapters.qdrant_edge_index import EdgeIndex
from service.errors import Unavailable
from service.ports import ChunkRecord, ChunkVectors, SearchFilters, SparseVector
from service.settings import Settings, SettingsError
from service.startup.engine import EngineStartError, start_engine
from service.tenancy.keys import SHARED_TENANT
from tests.conftest import make_settings, running
from tests.test_index_congruence import FILTERS, bump, ingest, queries
from tests.test_workers import alive

TODAY = 20261115


@pytest.fixture
def engine_env(tmp_path):
    return {**os.environ, "ASSIST_DATA_DIR": str(tmp_path / "engine"), "ASSIST_LOG_FORMAT": "json",
            "ASSIST_LOG_LEVEL": "warning"}


@pytest.fixture
def engine(engine_env):
    process = start_engine(env=engine_env)
    yield process
    process.stop()


def chunks_and_vectors(n: int = 120, seed: int = 7) -> tuple[list[ChunkRecord], list[ChunkVectors]]:
    """Chunks with every shape the port carries: titles on first chunks only, empty sparse
    vectors, several tenants, channels, products and dates."""
    rng = np.random.default_rng(seed)
    chunks, vectors = [], []
    for i in range(n):
        dense = rng.normal(size=384).astype(np.float32)
        dense /= np.linalg.norm(dense)
        terms = sorted(set(rng.integers(0, 500, size=int(rng.integers(0, 6))).tolist()))
        chunks.append(ChunkRecord(
            chunk_id=f"00000000-0000-4000-8000-{i:012d}", article_id=f"article-{i // 3}", tenant_id=("acme", SHARED_TENANT)[i % 2],
            version=1 + i % 2, title=f"Title {i // 3} ünïcode", heading=f"Heading {i % 3}", text=f"Text of chunk {i}", position=i % 3,
            payload={"status": "approved" if i % 7 else "retired", "locale": "en-US", "channels": ["chat", "sms"][: 1 + i % 2],
                     "products": ["apparel"] if i % 4 == 0 else [], "tags": ["returns"], "effective_from": 20250101,
                     "review_by": 20271231 if i % 5 else 20260101, "content_hash": f"h{i}"}))
        vectors.append(ChunkVectors(dense=dense, sparse=SparseVector(terms, rng.random(len(terms)).tolist()),
                                    title=dense[::-1].copy() if i % 3 == 0 else None))
    return chunks, vectors


def fill(index, chunks, vectors) -> None:
    index.ensure_collection()
    index.upsert(chunks, vectors)
    index.delete_chunks([chunks[4].chunk_id, chunks[9].chunk_id])
    index.optimize()


def assert_same_hits(ours: list, theirs: list) -> None:
    """The same chunks in the same order with the same payloads; scores equal but for the last
    bit of a float32. Through the service (an ingest of many articles, edits, deletions), a BM25
    score of the engine's shard and of an embedded one sometimes differed in that bit (4 of 108
    sparse searches in 2 of 3 runs; the ranking never changed): the same sum in another order,
    as one shard's segments may be searched through the inverted index and the other's by a scan."""
    assert [(h.chunk_id, h.article_id, h.version, h.title, h.heading, h.text, h.payload) for h in ours] == \
        [(h.chunk_id, h.article_id, h.version, h.title, h.heading, h.text, h.payload) for h in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert a.score == pytest.approx(b.score, rel=2e-7, abs=1e-9), (a.chunk_id, a.score, b.score)


def test_the_engine_answers_exactly_as_the_embedded_shard(engine, tmp_path):
    chunks, vectors = chunks_and_vectors()
    remote, local = EngineIndex(url=engine.url, dimension=384), EdgeIndex(path=tmp_path / "local", dimension=384)
    for index in (remote, local):
        fill(index, chunks, vectors)
    assert remote.count() == local.count() == len(chunks) - 2
    for tenant in ("acme", SHARED_TENANT, "nobody"):
        assert remote.chunk_ids(tenant) == local.chunk_ids(tenant)
    filters = [SearchFilters(), SearchFilters(channel="sms"), SearchFilters(products=("apparel",)),
               SearchFilters(article_ids=("article-3", "article-8", "article-11"))]
    compared = 0
    for q in range(12):
        query = vectors[q * 5].dense
        sparse = vectors[q * 5 + 1].sparse if q % 3 else None
        for mode in ("dense", "sparse", "hybrid"):
            kwargs = {"tenants": ["acme", SHARED_TENANT][: 1 + q % 2], "dense": query, "sparse": sparse,
                      "filters": filters[q % len(filters)], "limit": 1 + q, "today": TODAY, "mode": mode}
            theirs = local.search(**kwargs)
            assert remote.search(**kwargs) == theirs, kwargs  # ids, scores, payloads, order
            compared += bool(theirs)
    assert compared > 20
    local.close()


async def test_the_service_on_the_engine_ranks_as_on_the_embedded_shard(engine, tmp_path, knowledge_copy, app_factory):
    """The same ingest through the service (edits, deletions, tenant articles) on the embedded
    shard and through the engine: the same chunks and the same ranked results (see assert_same_hits)."""
    remote = EngineIndex(url=engine.url, dimension=384)
    local_settings = make_settings(tmp_path / "local", content={"knowledge_dir": knowledge_copy})
    remote_settings = make_settings(tmp_path / "remote", content={"knowledge_dir": knowledge_copy})
    async with running(app_factory(local_settings)) as a, running(app_factory(remote_settings, index=remote)) as b:
        ea, eb = a.app.state.container, b.app.state.container
        assert isinstance(ea.index, EdgeIndex) and eb.index is remote
        for container in (ea, eb):
            await ingest(container, knowledge_copy)
        bump(knowledge_copy / "refunds" / "refunds-refund-methods.md", "## ", "Refunds to a gift card arrive within the hour.\n\n## ")
        (knowledge_copy / "troubleshooting" / "site-slow-website.md").unlink()
        for container in (ea, eb):
            await ingest(container, knowledge_copy)
        assert ea.index.count() == eb.index.count() > 100
        for tenant in (SHARED_TENANT, "acme", "globex"):
            assert ea.index.chunk_ids(tenant) == eb.index.chunk_ids(tenant)
        texts = queries()
        vectors = ea.embedder.embed(texts)
        for mode in ("dense", "sparse", "hybrid"):
            for i, (query, vector) in enumerate(zip(texts, vectors, strict=True)):
                kwargs = {"top_k": 10, "filters": FILTERS[i % len(FILTERS)], "mode": mode, "query_vector": vector}
                tenant = "acme" if i % 2 else "globex"
                assert_same_hits(await eb.knowledge.search(tenant, query, **kwargs), await ea.knowledge.search(tenant, query, **kwargs))


def test_threads_share_one_client(engine):
    """The worker's threads call one EngineIndex at once; each gets its own answer."""
    chunks, vectors = chunks_and_vectors()
    index = EngineIndex(url=engine.url, dimension=384)
    fill(index, chunks, vectors)
    expected = {i: index.search(tenants=["acme"], dense=vectors[i].dense, sparse=vectors[i].sparse, filters=SearchFilters(),
                                limit=5, today=TODAY) for i in range(16)}
    failures: list[object] = []

    def worker(offset: int) -> None:
        for round_ in range(10):
            i = (offset + round_) % 16
            got = index.search(tenants=["acme"], dense=vectors[i].dense, sparse=vectors[i].sparse, filters=SearchFilters(),
                               limit=5, today=TODAY)
            if got != expected[i]:
                failures.append((i, got))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def test_a_burst_of_new_connections_is_queued_not_refused(engine):
    """Every thread of a worker opens its own connection at a burst (a cold pool under load): more
    connects at once than socketserver's default accept queue of 5, which a Unix socket refuses
    at once (EAGAIN) when full. All of them must be answered."""
    clients = [EngineIndex(url=engine.url, dimension=384) for _ in range(96)]
    clients[0].ensure_collection()
    start = threading.Barrier(len(clients))
    failures: list[BaseException] = []

    def connect(client: EngineIndex) -> None:
        start.wait()
        try:
            assert client.ping()
            client.count()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=connect, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[:3]


def test_an_engine_restart_is_unavailable_then_recovers(engine_env):
    chunks, vectors = chunks_and_vectors(30)
    first = start_engine(env=engine_env)
    index = EngineIndex(url=first.url, dimension=384)
    try:
        fill(index, chunks, vectors)
        before = index.search(tenants=["acme"], dense=vectors[0].dense, sparse=None, filters=SearchFilters(), limit=5, today=TODAY)
        assert index.ping()
    finally:
        assert first.stop() == 0  # a clean stop: SIGTERM closes the shard
    assert not index.ping()
    with pytest.raises(Unavailable, match="not answering"):
        index.search(tenants=["acme"], dense=vectors[0].dense, sparse=None, filters=SearchFilters(), limit=5, today=TODAY)
    with pytest.raises(Unavailable):
        index.upsert(chunks[:1], vectors[:1])
    second = start_engine(env=engine_env)
    try:
        assert second.url == first.url
        # the same client: its pooled connections died with the first engine; nothing was lost
        assert index.search(tenants=["acme"], dense=vectors[0].dense, sparse=None, filters=SearchFilters(), limit=5, today=TODAY) == before
        assert index.count() == len(chunks) - 2
    finally:
        second.stop()


def test_a_killed_engine_leaves_a_socket_the_next_one_replaces(engine_env):
    chunks, vectors = chunks_and_vectors(12)
    first = start_engine(env=engine_env)
    index = EngineIndex(url=first.url, dimension=384)
    fill(index, chunks, vectors)
    first.process.kill()
    first.process.wait()
    with pytest.raises(Unavailable):
        index.count()
    second = start_engine(env=engine_env)
    try:
        assert index.count() == len(chunks) - 2  # what returned before the kill is in the write-ahead log
    finally:
        second.stop()


def test_engine_errors_are_unavailable_with_the_reason(engine):
    index = EngineIndex(url=engine.url, dimension=384)
    assert index.ping()  # a fresh engine answers before any worker has created the shard
    with pytest.raises(Unavailable, match="not created yet"):
        index.count()


def test_a_second_engine_on_one_data_directory_is_refused(engine, engine_env, tmp_path):
    EngineIndex(url=engine.url, dimension=384).ensure_collection()
    other = f"unix://{tmp_path / 'other.sock'}"
    with pytest.raises(EngineStartError, match="exited"):
        start_engine(url=other, env=engine_env)


@pytest.mark.parametrize("url", ["http://127.0.0.1:7781", "unix://", "tcp://127.0.0.1", "tcp://127.0.0.1:99999"])
def test_a_bad_index_url_is_refused_at_start(url):
    with pytest.raises(SettingsError, match="ASSIST_INDEX_URL"):
        Settings.from_env({"ASSIST_INDEX_URL": url})


def test_an_index_url_and_a_qdrant_url_do_not_mix():
    with pytest.raises(SettingsError, match="not both"):
        Settings.from_env({"ASSIST_INDEX_URL": "unix:///tmp/x.sock", "ASSIST_QDRANT_URL": "http://q:6333"})


def test_the_engine_serves_on_loopback_tcp_too(engine_env, tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = start_engine(url=f"tcp://127.0.0.1:{port}", env=engine_env)
    try:
        chunks, vectors = chunks_and_vectors(12)
        index = EngineIndex(url=process.url, dimension=384)
        fill(index, chunks, vectors)
        assert index.count() == 10
    finally:
        process.stop()
    with pytest.raises(EngineStartError):
        start_engine(url="tcp://0.0.0.0:7781", env=engine_env)  # no authentication: loopback only


def test_the_engine_exits_when_the_serve_process_is_killed(engine_env):
    """`assist serve --workers N` killed with SIGKILL cannot stop its engine: the engine notices
    its parent is gone and exits by itself, closing the shard (no orphan holding the data directory)."""
    import subprocess
    import sys
    import time

    parent = subprocess.Popen([sys.executable, "-c", "from service.startup.engine import start_engine; import time; "
                               "e = start_engine(); print(e.process.pid, flush=True); time.sleep(600)"],
                              env=engine_env, stdout=subprocess.PIPE, text=True)
    try:
        engine_pid = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 60  # a deadline, not a measurement
    while alive(engine_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(engine_pid)
    again = start_engine(env=engine_env)  # the data directory is free again
    again.stop()
