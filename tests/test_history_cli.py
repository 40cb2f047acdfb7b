"""`assist history import` (JSON lines and CSV, progress on stderr, all-or-nothing on bad rows)
and the tenant set-up commands, run as a user runs them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import REPO


def run(args, env, stdin: str = "", check=True):
    proc = subprocess.run([sys.executable, "-m", "service", *args], env=env, capture_output=True, text=True, timeout=300,
                          cwd=REPO, input=stdin)
    if check:
        assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "ASSIST_DATA_DIR": str(tmp_path / "var"), "HF_HUB_OFFLINE": "1", "ASSIST_LOG_LEVEL": "warning"}


def rows(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, customer_id, channel, author_role FROM interactions ORDER BY id").fetchall()


def test_import_json_lines_and_csv_idempotently_with_handles(env, tmp_path):
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in [
        {"id": "zd-1", "customer_id": "c-9", "channel": "email", "role": "customer", "ts": "2026-11-01T10:00:00Z",
         "text": "My order 3100200300 is late", "email": "Ana@Example.com"},
        {"id": "zd-2", "customer_id": "c-9", "channel": "email", "author_role": "agent", "ts": "2026-11-01T11:00:00Z",
         "text": "I'll check with the courier today.", "handles": [{"kind": "phone", "value": "+44 7700 900777"}]},
    ]) + "\n")
    out = run(["history", "import", str(jsonl), "--tenant", "acme"], env)
    assert json.loads(out.stdout) == {"file": str(jsonl), "tenant": "acme", "rows": 2, "inserted": 2, "duplicates": 0,
                                      "handles_linked": 2}
    assert "import" in out.stderr and "2/2" in out.stderr  # the progress bar, on stderr
    again = json.loads(run(["history", "import", str(jsonl), "--tenant", "acme"], env).stdout)
    assert again["inserted"] == 0 and again["duplicates"] == 2
    csv_file = tmp_path / "export.csv"
    csv_file.write_text("id,customer_id,channel,role,ts,text,phone\n"
                        "cw-1,c-9,chat,customer,2026-11-02T09:00:00Z,\"Still waiting, any news?\",\n")
    out = json.loads(run(["history", "import", str(csv_file), "--tenant", "acme", "--no-progress"], env).stdout)
    assert out["inserted"] == 1
    db = tmp_path / "var" / "assist.db"
    assert rows(db) == [("cw-1", "c-9", "chat", "customer"), ("zd-1", "c-9", "email", "customer"), ("zd-2", "c-9", "email", "agent")]


def test_a_bad_row_imports_nothing_and_names_the_line(env, tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text(json.dumps({"id": "ok-1", "customer_id": "c", "channel": "chat", "role": "customer", "ts": "2026-11-01T10:00:00Z",
                             "text": "hi"}) + "\n" + json.dumps({"id": "bad 2", "customer_id": "c", "channel": "fax",
                                                                  "role": "customer", "ts": "yesterday", "text": "x"}) + "\n{oops\n")
    out = run(["history", "import", str(f), "--tenant", "acme"], env, check=False)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "line 2: channel" in out.stderr and "line 3: not JSON" in out.stderr and "nothing was imported" in out.stderr
    db = tmp_path / "var" / "assist.db"
    assert not db.exists() or rows(db) == []


def test_chatwoot_set_up_stores_the_token_encrypted_and_never_prints_it(env, tmp_path):
    key = run(["history", "new-key"], env).stdout.strip()
    env = {**env, "ASSIST_SECRET_KEY": key}
    out = run(["history", "chatwoot", "--tenant", "acme", "--url-secret", "--base-url", "https://chatwoot.example.com",
               "--account-id", "7", "--token", "--writeback", "on"], env, stdin="tok-SECRET-123\n")
    body = json.loads(out.stdout)
    assert body["webhook_path"].startswith("/hooks/chatwoot/acme/") and body["chatwoot_token_set"] is True
    assert "tok-SECRET-123" not in out.stdout + out.stderr
    with sqlite3.connect(tmp_path / "var" / "assist.db") as conn:
        stored = conn.execute("SELECT chatwoot_token_enc FROM helpdesk_settings").fetchone()[0]
    assert stored and "tok-SECRET-123" not in stored
    from service.adapters.secretbox import SecretBox

    assert SecretBox(key).open(stored) == "tok-SECRET-123"
    nokey = {k: v for k, v in env.items() if k != "ASSIST_SECRET_KEY"}
    bad = run(["history", "chatwoot", "--tenant", "acme", "--token"], nokey, stdin="x\n", check=False)
    assert bad.returncode == 1 and "ASSIST_SECRET_KEY" in bad.stderr
