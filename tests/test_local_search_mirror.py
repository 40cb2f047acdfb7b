"""The local-mode search mirror answers exactly as Qdrant's own local engine does."""

import numpy as np
import pytest
from qdrant_client import models

from evals.retrieval import load_cases
from service.adapters.qdrant_index import QdrantIndex
from service.knowledge import sparse
from service.ports import SearchFilters


@pytest.fixture
async def twin(client, tmp_path, knowledge_copy):
    """The app's index (with the mirror) and a second handle on Qdrant alone, same data."""
    container = client.app.state.container
    await container.knowledge.ingest_dir(knowledge_copy)
    plain = QdrantIndex(collection="plain", dimension=384, path=tmp_path / "plain", mirror=False)
    plain.ensure_collection()
    points, _ = container.index.client.scroll(container.index.collection, limit=10_000, with_payload=True, with_vectors=True)
    plain.client.upsert("plain", points=[models.PointStruct(id=p.id, vector=p.vector, payload=p.payload) for p in points], wait=True)
    yield container, plain
    plain.close()


@pytest.mark.parametrize("mode", ["dense", "sparse", "hybrid"])
async def test_mirror_ranks_like_qdrant_local_mode(twin, mode):
    container, plain = twin
    queries = [c.query for c in load_cases()[:40]]
    vectors = container.embedder.embed(queries)
    filters = [SearchFilters(), SearchFilters(channel="sms"), SearchFilters(tags=("returns", "refunds"))]
    overlaps: list[float] = []
    for i, (query, vector) in enumerate(zip(queries, vectors, strict=True)):
        args = dict(tenants=["acme", "_shared"], dense=vector, sparse=sparse.query_vector(query), filters=filters[i % 3], limit=5, today=20261123)
        ours = container.index.search(**args, mode=mode)
        theirs = plain.search(**args, mode=mode)
        if mode == "hybrid":
            # fused ranks inherit the order of tied keyword scores, which Qdrant breaks its own way
            assert ours[0].chunk_id == theirs[0].chunk_id, query
            overlaps.append(len({h.chunk_id for h in ours} & {h.chunk_id for h in theirs}) / len(ours))
            continue
        assert np.allclose([h.score for h in ours], [h.score for h in theirs], atol=1e-4), query
        # identical ids, except that equal scores at the cut-off may be broken in another order
        cutoff = min(h.score for h in ours) + 1e-4 if ours else 0
        assert {h.chunk_id for h in ours if h.score > cutoff} == {h.chunk_id for h in theirs if h.score > cutoff}, query
        assert [h.chunk_id for h in ours if h.score > cutoff] == [h.chunk_id for h in theirs if h.score > cutoff] or len(
            {round(h.score, 4) for h in ours}
        ) < len(ours), query
    if mode == "hybrid":
        assert sum(overlaps) / len(overlaps) >= 0.95


async def test_mirror_is_rebuilt_from_disk_on_restart(twin, tmp_path):
    container, _ = twin
    index = container.index
    count = index.count()
    assert count > 100
    index.close()
    reopened = QdrantIndex(collection=index.collection, dimension=384, path=container.settings.storage.qdrant_path)
    try:
        reopened.ensure_collection()
        assert reopened.count() == count
    finally:
        reopened.close()
        container.index = QdrantIndex(collection=index.collection, dimension=384, path=container.settings.storage.qdrant_path)
