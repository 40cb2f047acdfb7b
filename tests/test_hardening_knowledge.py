"""Issue 12, knowledge: who may change shared knowledge, what a folder ingest touches, and
front matter a client controls (alias bombs, impossible dates, deep nesting, huge values)."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from service.tenancy.keys import Principal
from service.knowledge.articles import ArticleError, load_dir, parse_article
from tests.conftest import KNOWLEDGE, make_settings, new_key, running

ARTICLE = """---
id: {id}
title: {title}
status: approved
version: {version}
{extra}---
# {id}

The {id} article explains how velvet capes are stitched and returned.
"""


def article(id_: str, *, title: str = "Velvet capes", version: int = 1, extra: str = "") -> str:
    return ARTICLE.format(id=id_, title=title, version=version, extra=extra)


@pytest.fixture
def kdir(tmp_path: Path) -> Path:
    """A knowledge directory of two folders: account/ (11 articles) and billing/ (2)."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE / "account", root / "account")
    shutil.copytree(KNOWLEDGE / "billing", root / "billing")
    (root / "billing" / "billing-capes.md").write_text(article("billing-capes"))
    return root


@pytest.fixture
async def svc(kdir: Path, tmp_path: Path, app_factory) -> AsyncIterator:
    settings = make_settings(tmp_path / "data", content={"knowledge_dir": kdir})
    async with running(app_factory(settings)) as client:
        yield client


async def shared_ids(client) -> set[str]:
    headers = await new_key(client, "reader", "knowledge:read")
    return {d["article_id"] for d in (await client.get("/v1/knowledge/articles", headers=headers)).json() if d["shared"]}


# ---- 1. shared knowledge: operators only, and a folder ingest touches only that folder ----------


def test_admin_does_not_grant_the_operator_scope():
    admin = Principal("k1", "acme", frozenset({"admin"}))
    assert admin.allows("knowledge:write") and admin.allows("keys:admin")
    assert not admin.allows("operator")
    assert Principal("k2", "ops", frozenset({"operator"})).allows("operator")


async def test_a_tenant_admin_key_cannot_change_shared_knowledge(svc):
    operator = await new_key(svc, "ops", "operator")
    r = await svc.post("/v1/knowledge/ingest", json={}, headers=operator)
    assert r.status_code == 200, r.text
    before = await shared_ids(svc)
    assert len(before) == 13
    tenant_admin = await new_key(svc, "globex", "admin")
    for body in ({}, {"directory": "billing"}):
        r = await svc.post("/v1/knowledge/ingest", json=body, headers=tenant_admin)
        assert r.status_code == 403, r.text
        assert "operator" in r.json()["detail"]
    assert await shared_ids(svc) == before


async def test_ingesting_a_folder_adds_updates_and_removes_only_inside_it(svc, kdir):
    operator = await new_key(svc, "ops", "operator")
    assert (await svc.post("/v1/knowledge/ingest", json={}, headers=operator)).status_code == 200
    before = await shared_ids(svc)
    (kdir / "billing" / "billing-capes.md").unlink()
    (kdir / "billing" / "billing-new.md").write_text(article("billing-new"))
    (kdir / "account" / "account-late.md").write_text(article("account-late"))  # outside the folder: not read
    r = await svc.post("/v1/knowledge/ingest", json={"directory": "billing"}, headers=operator)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["added"] == ["billing-new"] and body["removed"] == ["billing-capes"] and body["errors"] == []
    assert await shared_ids(svc) == (before - {"billing-capes"}) | {"billing-new"}


async def test_a_folder_ingest_cannot_take_over_an_article_id_of_another_folder(svc, kdir):
    operator = await new_key(svc, "ops", "operator")
    assert (await svc.post("/v1/knowledge/ingest", json={}, headers=operator)).status_code == 200
    (kdir / "billing" / "impostor.md").write_text(article("account-reset-password", title="Billing impostor", version=9))
    r = await svc.post("/v1/knowledge/ingest", json={"directory": "billing"}, headers=operator)
    assert r.status_code == 200
    assert [e["field"] for e in r.json()["errors"]] == ["id"] and "account/" in r.json()["errors"][0]["message"]
    docs = (await svc.get("/v1/knowledge/articles", headers=await new_key(svc, "reader", "knowledge:read"))).json()
    assert next(d for d in docs if d["article_id"] == "account-reset-password")["title"] != "Billing impostor"


@pytest.mark.parametrize("directory", ["\u0000", "x" * 5000, "../../etc", "/etc", "billing/\u0007", "no-such-folder"])
async def test_a_bad_directory_is_a_clear_4xx_that_never_shows_the_server_path(svc, kdir, directory):
    operator = await new_key(svc, "ops", "operator")
    r = await svc.post("/v1/knowledge/ingest", json={"directory": directory}, headers=operator)
    assert 400 <= r.status_code < 500, r.text
    assert str(kdir.parent) not in r.text and str(kdir.resolve().parent) not in r.text
    assert len(r.content) < 4000


# ---- 2. YAML alias bombs, deep nesting; parsing off the event loop -----------------------------

BOMB = "".join(
    [f"l0: &l0 [{', '.join(['lol'] * 9)}]\n"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 8)]
)


async def test_a_yaml_alias_bomb_is_refused_with_a_short_error(svc):
    headers = await new_key(svc, "acme", "knowledge:write")
    content = article("bomb", extra=BOMB + "tags: *l7\n")
    assert len(content) < 1000
    r = await svc.post("/v1/knowledge/articles", json={"content": content}, headers=headers)
    assert r.status_code == 422, r.text[:300]
    assert "aliases" in r.json()["detail"] and len(r.content) < 2000


def test_values_are_never_echoed_in_full_in_an_article_error():
    for extra in ("effective_from: [" + ", ".join(["x" * 50] * 500) + "]\n", "locale: en\nchannels: [" + "q" * 5000 + "]\n"):
        with pytest.raises(ArticleError) as err:
            parse_article(article("big", extra=extra), "api")
        assert len(str(err.value)) < 300


def test_front_matter_nested_deeper_than_the_cap_is_refused():
    with pytest.raises(ArticleError, match="nested deeper"):
        parse_article(article("deep", extra="tags: " + "[" * 5000 + "]" * 5000 + "\n"), "api")


async def test_an_article_is_parsed_off_the_event_loop(svc, monkeypatch):
    """While an API article is being parsed, the loop still answers /healthz."""
    import service.knowledge.service as knowledge_service

    started, healthz_answered = threading.Event(), threading.Event()
    seen: list[bool] = []

    def slow_parse(text: str, source: str):
        started.set()
        seen.append(healthz_answered.wait(timeout=20))  # on the loop this could only time out
        return parse_article(text, source)

    monkeypatch.setattr(knowledge_service, "parse_article", slow_parse)
    headers = await new_key(svc, "acme", "knowledge:write")
    post = asyncio.create_task(svc.post("/v1/knowledge/articles", json={"content": article("loop-check")}, headers=headers))
    while not started.is_set():
        await asyncio.sleep(0.01)
    assert (await svc.get("/healthz")).status_code == 200
    healthz_answered.set()
    assert (await post).status_code == 200
    assert seen == [True]


# ---- 4. impossible dates ------------------------------------------------------------------------


async def test_impossible_dates_are_a_422_naming_the_field_and_a_date_like_title_is_text(svc):
    headers = await new_key(svc, "acme", "knowledge:write")
    r = await svc.post("/v1/knowledge/articles", json={"content": article("feb", extra="effective_from: 2026-02-30\n")}, headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "effective_from", r.text
    r = await svc.post("/v1/knowledge/articles", json={"content": article("month", extra="review_by: 2026-13-45\n")}, headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "review_by", r.text
    r = await svc.post("/v1/knowledge/articles", json={"content": article("odd-title", title="2026-13-45")}, headers=headers)
    assert r.status_code == 200, r.text
    r = await svc.post("/v1/knowledge/articles", json={"content": article("stamp", extra="effective_from: 2026-01-01 10:00:00\n")},
                       headers=headers)
    assert r.status_code == 200, r.text


def test_a_directory_with_an_impossible_date_reports_that_file_and_loads_the_others(tmp_path):
    (tmp_path / "good.md").write_text(article("good"))
    (tmp_path / "bad.md").write_text(article("bad", extra="effective_from: 2026-02-30\n"))
    (tmp_path / "worse.md").write_text(article("worse", title="2026-13-45", extra="review_by: 2026-13-45\n"))
    loaded = load_dir(tmp_path)
    assert [a.id for a in loaded.articles] == ["good"]
    assert sorted((e.source, e.field) for e in loaded.errors) == [("bad.md", "effective_from"), ("worse.md", "review_by")]


def test_the_cli_ingest_reports_a_bad_date_and_ingests_the_good_articles(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    root = tmp_path / "knowledge"
    (root / "a").mkdir(parents=True)
    (root / "a" / "good.md").write_text(article("good"))
    (root / "a" / "bad.md").write_text(article("bad", extra="effective_from: 2026-02-30\n"))
    env = {**os.environ, "ASSIST_DATA_DIR": str(tmp_path / "var"), "ASSIST_KNOWLEDGE_DIR": str(root), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "service", "knowledge", "ingest"], env=env, capture_output=True, text=True,
                          timeout=300, cwd=REPO)
    assert "Traceback" not in proc.stderr, proc.stderr[-1500:]
    assert "added    good" in proc.stdout and "a/bad.md: effective_from" in proc.stderr
    assert proc.returncode == 1  # errors were reported


# ---- 8. a version downgrade over the API --------------------------------------------------------


async def test_an_older_version_over_the_api_is_a_409_and_changes_nothing(svc):
    headers = await new_key(svc, "acme", "knowledge:write,knowledge:read")
    assert (await svc.post("/v1/knowledge/articles", json={"content": article("capes", version=3)}, headers=headers)).status_code == 200
    r = await svc.post("/v1/knowledge/articles", json={"content": article("capes", title="Old capes", version=2)}, headers=headers)
    assert r.status_code == 409, r.text
    assert "older than the indexed version 3" in r.json()["detail"]
    docs = (await svc.get("/v1/knowledge/articles", headers=headers)).json()
    assert next(d for d in docs if d["article_id"] == "capes")["version"] == 3
