"""What a new user meets on a fresh machine: key roles, where the data lives, one log format."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from service.tenancy.keys import scopes_for
from service.observability.logging import configure_logging
from service.tenancy.roles import ROLES
from service.settings import Settings
from tests.conftest import REPO


def run(args: list[str], env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service", *args], env=env, capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ASSIST_DATA_DIR": str(tmp_path / "var"), "ASSIST_LOG_FORMAT": "json", "HF_HUB_OFFLINE": "1"}


def test_roles_are_scope_lists_and_combine_with_extra_scopes():
    assert scopes_for(["agent"]) == sorted(ROLES["agent"])
    assert set(scopes_for(["reviewer", "integration"], "keys:admin")) == {*ROLES["reviewer"], *ROLES["integration"], "keys:admin"}
    assert scopes_for(["admin"]) == ["admin"]
    with pytest.raises(Exception, match="unknown role 'boss'"):
        scopes_for(["boss"])


def test_a_key_is_created_for_a_role_and_listed_with_its_scopes(env):
    made = run(["keys", "create", "--tenant", "acme", "--role", "integration", "--scopes", "audit:read", "--name", "hd"], env)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("aa_") and len(made.stdout.strip().splitlines()) == 1
    listed = run(["keys", "list", "--tenant", "acme"], env).stdout.split()
    assert set(listed[2].split(",")) == {*ROLES["integration"], "audit:read"} and listed[3] == "hd"
    neither = run(["keys", "create", "--tenant", "acme"], env)
    assert neither.returncode == 1 and "give --role (agent, reviewer, integration, admin) or --scopes" in neither.stderr
    roles = run(["keys", "roles"], env).stdout
    assert all(f"{role:12} {','.join(scopes)}" in roles for role, scopes in ROLES.items())


def test_read_only_commands_name_the_data_dir_and_never_create_a_database(env, tmp_path):
    data = tmp_path / "var"
    for args in (["keys", "webhook-secret", "--tenant", "acme"], ["keys", "list", "--tenant", "acme"],
                 ["knowledge", "search", "refund"], ["audit", "verify"]):
        done = run(args, env, cwd=tmp_path)
        assert done.returncode == 1, (args, done.stderr)
        assert f"no database at {data / 'assist.db'}" in done.stderr and "creates none" in done.stderr, done.stderr
        assert not (data / "assist.db").exists(), args


def test_a_missing_tenant_or_key_names_the_data_directory_it_looked_in(env, tmp_path):
    assert run(["keys", "create", "--tenant", "acme", "--role", "agent"], env).returncode == 0
    data = str(tmp_path / "var")
    other = run(["keys", "webhook-secret", "--tenant", "globex"], env)
    assert other.returncode == 1 and "no tenant 'globex'" in other.stderr and f"data directory {data}" in other.stderr
    key = run(["keys", "revoke", "--tenant", "acme", "abc123abc123"], env)
    assert key.returncode == 1 and "no key 'abc123abc123'" in key.stderr and f"data directory {data}" in key.stderr


def test_the_data_dir_is_resolved_once_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"ASSIST_DATA_DIR": "somewhere/var"})
    monkeypatch.chdir(REPO)  # a later change of directory changes nothing
    assert settings.storage.data_dir == tmp_path / "somewhere" / "var"
    assert settings.storage.sqlite_path == tmp_path / "somewhere" / "var" / "assist.db"
    assert str(tmp_path / "somewhere" / "var") in settings.storage.describe()


def test_library_logs_share_the_stream_and_its_json_format(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    configure_logging("info", "json", stream="stderr")
    try:
        logging.getLogger("alembic.runtime.migration").warning("Context impl %s.", "SQLiteImpl")
        logging.getLogger("uvicorn.error").error("port in use")
        logging.getLogger("alembic.runtime.migration").info("Running upgrade  -> 0001")  # libraries: warnings up
    finally:
        configure_logging("warning", "json")
    lines = [json.loads(line) for line in err.getvalue().splitlines()]
    assert [(r["logger"], r["event"], r["level"]) for r in lines] == [
        ("alembic.runtime.migration", "Context impl SQLiteImpl.", "warning"),
        ("uvicorn.error", "port in use", "error"),
    ]


def test_migrations_log_in_the_chosen_format(env):
    done = run(["db", "upgrade"], {**env, "ASSIST_LOG_LEVEL": "debug"})
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]  # every line is JSON
    assert any(r.get("logger", "").startswith("alembic") and "Running upgrade" in r["event"] for r in records)


def test_the_package_licence_is_an_spdx_string():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert project["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in project["build-system"]["requires"]  # the first to accept the SPDX string


@pytest.mark.parametrize(("uid", "sudo", "chromium", "says"), [
    ("1000", "exit 1", False, "SKIPPED: installing chromium needs root or sudo"),
    ("0", None, False, "SKIPPED: no apt-get here"),
    ("1000", "exit 1", True, "chromium is already installed, skipping apt-get"),
])
def test_make_skips_the_chromium_step_with_a_message_when_present_or_impossible(tmp_path, uid, sudo, chromium, says):
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    fake = tmp_path / "bin"  # a PATH without chromium or apt-get: only these two commands
    fake.mkdir()
    (fake / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    if sudo:
        (fake / "sudo").write_text(f"#!/bin/sh\n{sudo}\n")
    if chromium:
        (fake / "chromium").write_text("#!/bin/sh\n")
    for f in fake.iterdir():
        f.chmod(0o755)
    done = subprocess.run([make, "-s", "install-chromium"], cwd=REPO, env={"PATH": str(fake)}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert says in done.stdout and ("SKIPPED" not in says or "the eval-report rendering test fails without it" in done.stdout)
