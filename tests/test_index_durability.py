"""The embedded index and the database agree after a crash: what the index lost is written
again by the next ingest, what the database never recorded is swept (kill -9 during ingest is
tests/test_faults.py::test_sigkill_during_ingest_then_a_rerun_leaves_no_orphan_or_duplicate_chunks)."""

from __future__ import annotations

import shutil

from service.adapters.qdrant_edge_index import EdgeIndex
from service.tenancy.keys import SHARED_TENANT


async def test_a_lost_embedded_index_is_rebuilt_by_the_next_ingest(client, knowledge_copy):
    container = client.app.state.container
    first = await container.knowledge.ingest_dir(knowledge_copy)
    assert first.repaired == []
    path = container.index.path
    container.index.close()
    shutil.rmtree(path)  # the shard is gone (disk replaced, folder deleted); the database is not
    container.index = container.knowledge.index = EdgeIndex(path=path, dimension=384)
    assert container.index.count() == 0
    report = await container.knowledge.ingest_dir(knowledge_copy)
    docs = await container.knowledge.documents(SHARED_TENANT)
    approved = sorted(d.article_id for d in docs if d.status == "approved")
    assert report.repaired == approved and len(approved) >= 50
    assert set(container.index.chunk_ids(SHARED_TENANT)) == {c for d in docs for c in d.chunk_ids}
    assert (await container.knowledge.search("acme", "forgot my username", top_k=3))[0].article_id == "account-recover-username"
    again = await container.knowledge.ingest_dir(knowledge_copy)
    assert again.repaired == [] and again.chunks_written == 0


async def test_the_embedded_index_keeps_every_returned_write_across_a_reopen(client, knowledge_copy):
    container = client.app.state.container
    await container.knowledge.ingest_dir(knowledge_copy)
    ids = container.index.chunk_ids(SHARED_TENANT)
    path = container.index.path
    container.index.close()
    reopened = EdgeIndex(path=path, dimension=384)
    container.index = container.knowledge.index = reopened
    assert reopened.chunk_ids(SHARED_TENANT) == ids


def test_a_second_process_on_the_same_embedded_index_gets_a_clear_error(tmp_path):
    import pytest

    from service.errors import Unavailable

    first = EdgeIndex(path=tmp_path / "shard", dimension=8)
    first.ensure_collection()
    try:
        with pytest.raises(Unavailable, match="in use by another process"):
            EdgeIndex(path=tmp_path / "shard", dimension=8).ensure_collection()
    finally:
        first.close()
