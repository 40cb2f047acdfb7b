"""The `assist` command as a user runs it: keys, ingest, search, and a real server answering /readyz."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import KNOWLEDGE, REPO


def run(args, env, check=True):
    proc = subprocess.run([sys.executable, "-m", "service", *args], env=env, capture_output=True, text=True, timeout=300, cwd=REPO)
    if check:
        assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "ASSIST_DATA_DIR": str(tmp_path / "var"), "ASSIST_KNOWLEDGE_DIR": str(KNOWLEDGE), "HF_HUB_OFFLINE": "1"}


def test_keys_create_prints_a_key_once(env):
    out = run(["keys", "create", "--tenant", "acme", "--scopes", "knowledge:read,intents:read"], env)
    key = out.stdout.strip()
    assert key.startswith("aa_") and len(key) > 40
    assert key not in out.stderr
    listed = run(["keys", "list", "--tenant", "acme"], env).stdout
    assert key.split("_")[1] in listed and key not in listed


def test_cli_errors_are_clear_messages_not_tracebacks(env):
    bad = run(["keys", "create", "--tenant", "acme", "--scopes", "nope"], env, check=False)
    assert bad.returncode == 1 and "unknown scope" in bad.stderr and "Traceback" not in bad.stderr
    bad = run(["knowledge", "ingest", "/does/not/exist"], env, check=False)
    assert bad.returncode == 1 and "does not exist" in bad.stderr
    bad = run(["settings"], {**env, "ASSIST_PORT": "x"}, check=False)
    assert bad.returncode == 2 and "ASSIST_PORT" in bad.stderr


@pytest.mark.slow
def test_ingest_twice_then_search_from_the_cli(env):
    first = run(["knowledge", "ingest", "--json"], env)
    report = json.loads(first.stdout)
    assert len(report["added"]) >= 40 and report["errors"] == []
    second = json.loads(run(["knowledge", "ingest", "--json"], env).stdout)
    assert second["added"] == second["updated"] == second["removed"] == [] and second["chunks_written"] == 0
    hits = json.loads(run(["knowledge", "search", "where is my package", "--top-k", "3", "--json"], env).stdout)["hits"]
    assert len(hits) == 3 and {"article_id", "chunk_id", "title", "text", "score", "version"} <= set(hits[0])


@pytest.mark.slow
def test_assist_serve_becomes_ready(env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "service", "serve", "--port", str(port)], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        status = None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    status = r.status
                    body = json.loads(r.read())
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                time.sleep(0.5)
        assert status == 200 and body["status"] == "ready"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_cli_logs_go_to_the_stderr_of_the_moment_not_of_configuration(monkeypatch):
    """A command's stdout is its output, so its logs go to stderr; and the stream is the one
    in place when a line is written (a caller that swapped and closed sys.stderr in between,
    as pytest's capture does, must not make every later log line raise)."""
    import io

    import structlog

    from service.observability.logging import configure_logging

    first, second, out = io.StringIO(), io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("info", "json", stream="stderr")
    try:
        structlog.get_logger("t").info("one")
        first.close()
        monkeypatch.setattr(sys, "stderr", second)
        structlog.get_logger("t").info("two")
    finally:
        configure_logging("warning", "json")
    assert '"event": "two"' in second.getvalue() and out.getvalue() == ""


def test_a_tenants_webhook_secret_can_be_replaced_by_one_a_help_desk_generated(env):
    run(["keys", "create", "--tenant", "acme", "--scopes", "triage:write"], env)
    generated = run(["keys", "webhook-secret", "--tenant", "acme"], env).stdout.strip()
    zendesk = "dGhpcyBpcyBaZW5kZXNrJ3Mgc2lnbmluZyBzZWNyZXQ"

    def set_secret(value: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "service", "keys", "webhook-secret", "--tenant", "acme", "--set"],
                              input=value + "\n", env=env, capture_output=True, text=True, timeout=120, cwd=REPO)

    done = set_secret(zendesk)
    assert done.returncode == 0, done.stderr
    assert zendesk not in done.stdout + done.stderr  # never echoed
    now = run(["keys", "webhook-secret", "--tenant", "acme"], env).stdout.strip()
    assert now == zendesk != generated
    short = set_secret("too short")
    assert short.returncode == 1 and "16-256 printable characters" in short.stderr
    assert run(["keys", "webhook-secret", "--tenant", "acme"], env).stdout.strip() == zendesk
