"""Incremental ingest: idempotent, re-embeds only what changed, retires and deletes cleanly."""

import re

from service.tenancy.keys import SHARED_TENANT


def bump_version(path):
    text = path.read_text()
    version = int(re.search(r"^version: (\d+)$", text, re.M).group(1))
    path.write_text(re.sub(r"^version: \d+$", f"version: {version + 1}", text, count=1, flags=re.M))
    return version + 1


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


async def ids_for(knowledge, query, top_k=10):
    return [h.article_id for h in await knowledge.search("acme", query, top_k=top_k)]


async def test_second_ingest_changes_nothing(client, knowledge_copy, embedder):
    knowledge = client.app.state.container.knowledge
    first = await knowledge.ingest_dir(knowledge_copy)
    assert len(first.added) >= 40 and first.errors == []
    chunks = client.app.state.container.index.count()
    embedded = embedder.texts
    second = await knowledge.ingest_dir(knowledge_copy)
    assert not second.changed and second.chunks_written == 0
    assert embedder.texts == embedded
    assert client.app.state.container.index.count() == chunks


async def test_editing_one_article_re_embeds_only_that_article(client, knowledge_copy, embedder):
    container = client.app.state.container
    await container.knowledge.ingest_dir(knowledge_copy)
    chunks_before = container.index.count()
    path = knowledge_copy / "account" / "account-reset-password.md"
    new_version = bump_version(path)
    edit(path, "## ", "Passwords are reset with the customer's quokka phrase.\n\n## ")
    embedded = embedder.texts
    report = await container.knowledge.ingest_dir(knowledge_copy)
    assert report.updated == ["account-reset-password"] and not report.added and not report.retired
    doc = next(d for d in await container.knowledge.documents("acme") if d.article_id == "account-reset-password")
    assert embedder.texts - embedded == len(doc.chunk_ids) + 1  # its chunks and its title view
    # the old chunks are gone: only the new version is returned, and nothing was left behind
    hits = await container.knowledge.search("acme", "quokka phrase password", top_k=10)
    versions = {h.version for h in hits if h.article_id == "account-reset-password"}
    assert versions == {new_version}
    assert container.index.count() - chunks_before in (0, 1)
    assert set(container.index.chunk_ids(SHARED_TENANT)) == {c for d in await container.knowledge.documents("x") for c in d.chunk_ids}


async def test_retiring_an_article_removes_it_from_results(client, knowledge_copy):
    knowledge = client.app.state.container.knowledge
    await knowledge.ingest_dir(knowledge_copy)
    assert "account-recover-username" in await ids_for(knowledge, "forgot my username")
    path = knowledge_copy / "account" / "account-recover-username.md"
    edit(path, "status: approved", "status: retired")
    bump_version(path)
    report = await knowledge.ingest_dir(knowledge_copy)
    assert report.retired == ["account-recover-username"]
    assert "account-recover-username" not in await ids_for(knowledge, "forgot my username", 20)


async def test_deleting_an_article_file_removes_it(client, knowledge_copy):
    knowledge = client.app.state.container.knowledge
    await knowledge.ingest_dir(knowledge_copy)
    (knowledge_copy / "account" / "account-recover-username.md").unlink()
    report = await knowledge.ingest_dir(knowledge_copy)
    assert report.removed == ["account-recover-username"]
    assert "account-recover-username" not in await ids_for(knowledge, "forgot my username", 20)


async def test_a_broken_article_is_reported_and_the_rest_still_index(client, knowledge_copy):
    knowledge = client.app.state.container.knowledge
    path = knowledge_copy / "account" / "account-recover-username.md"
    path.write_text(re.sub(r"^status: approved$", "status: ???", path.read_text(), flags=re.M))
    report = await knowledge.ingest_dir(knowledge_copy)
    assert [(e["source"], e["field"]) for e in report.errors] == [("account/account-recover-username.md", "status")]
    assert len(report.added) >= 40


async def test_a_broken_edit_keeps_the_previous_version_serving(client, knowledge_copy):
    knowledge = client.app.state.container.knowledge
    await knowledge.ingest_dir(knowledge_copy)
    path = knowledge_copy / "account" / "account-recover-username.md"
    path.write_text(path.read_text().replace("title:", "title: [broken"))
    report = await knowledge.ingest_dir(knowledge_copy)
    assert report.errors and not report.removed
    assert "account-recover-username" in await ids_for(knowledge, "forgot my username")


async def test_orphan_chunks_from_an_interrupted_ingest_are_swept(client, knowledge_copy):
    import numpy as np

    from service.ports import ChunkRecord, ChunkVectors, SparseVector

    container = client.app.state.container
    await container.knowledge.ingest_dir(knowledge_copy)
    count = container.index.count()
    orphan = ChunkRecord("00000000-0000-4000-8000-000000000001", "ghost", SHARED_TENANT, 1, "Ghost", "", "ghost text", 0, {"status": "approved"})
    container.index.upsert([orphan], [ChunkVectors(np.ones(384, dtype=np.float32) / 384**0.5, SparseVector([1], [1.0]))])
    report = await container.knowledge.ingest_dir(knowledge_copy)
    assert report.orphans_removed == 1
    assert container.index.count() == count
