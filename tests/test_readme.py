"""The README's quick start and one example per flow, run as written against a real `assist serve`.

The commands are read from the README (the bash blocks marked ``<!-- readme-test: NAME -->``)
and from the Makefile's ``serve`` recipe, so neither can drift from the code. Only three things
are substituted: ``.venv/bin/`` and ``$(BIN)/`` become the directory of the Python running the
tests (the same .venv under `make test`), ``localhost:8000`` becomes the port the server says it
listens on (``ASSIST_PORT=0``: any free port), and the data directory is a temporary one.
The blocks run in order in one bash (variables such as ``$AGENT`` carry over), in a temporary
working directory (the triage example writes ``ticket.json`` there)."""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from service.tenancy.roles import ROLES
from tests.conftest import KNOWLEDGE, REPO

FLOWS = ["quickstart", "keys", "search", "interactions", "summaries", "assist", "stream", "feedback", "triage"]
BIN = Path(sys.executable).parent


def readme_blocks() -> dict[str, str]:
    text = (REPO / "README.md").read_text()
    return dict(re.findall(r"<!-- readme-test: (\S+) -->\n```bash\n(.*?)\n```", text, re.S))


def serve_recipe() -> list[str]:
    """The commands of `make serve`, in order."""
    lines = (REPO / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("serve:"))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def literal(command: str, port: int | str = 8000) -> str:
    command = re.sub(r"(?<![\w/.])\.venv/bin/", f"{BIN}/", command)
    return command.replace("$(BIN)/", f"{BIN}/").replace("localhost:8000", f"localhost:{port}")


def documents(text: str) -> list[Any]:
    """Every JSON document printed one after another (curl prints no newline between them)."""
    decoder, docs, i = json.JSONDecoder(), [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        doc, i = decoder.raw_decode(text, i)
        docs.append(doc)
    return docs


def progress(message: str) -> None:
    print(f"test_readme: {message}", file=sys.stderr, flush=True)  # shown with -s


def get(url: str) -> tuple[int, Any, Any]:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.status, r.headers, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read())


def test_every_flow_the_readme_documents_has_a_tested_example():
    blocks = readme_blocks()
    assert set(FLOWS) <= set(blocks), f"README examples missing: {set(FLOWS) - set(blocks)}"
    assert "cat > ticket.json" in blocks["triage"], "the triage example shows the ticket it sends"
    assert serve_recipe()[-1] == "$(BIN)/assist serve"


@pytest.mark.slow
def test_the_readme_runs_as_written_against_a_real_server(tmp_path):
    blocks = readme_blocks()
    env = {
        **os.environ,
        "ASSIST_DATA_DIR": str(tmp_path / "var"),
        "ASSIST_KNOWLEDGE_DIR": str(KNOWLEDGE),
        "ASSIST_INTENTS_FILE": str(KNOWLEDGE / "intents.yaml"),
        "ASSIST_PROMPTS_DIR": str(REPO / "prompts"),
        "ASSIST_POLICY_FILE": str(KNOWLEDGE / "policy.yaml"),
        "ASSIST_PORT": "0",
        "ASSIST_LOG_FORMAT": "json",
        "ASSIST_LOG_LEVEL": "info",
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("ASSIST_LLM_BASE_URL", None)
    *prepare, serve = serve_recipe()
    progress("make serve: " + "; ".join(literal(c) for c in prepare + [serve]))
    for command in prepare:  # `assist knowledge ingest`
        done = subprocess.run(shlex.split(literal(command)), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, done.stderr[-3000:]

    server = subprocess.Popen(shlex.split(literal(serve)), env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    seen: list[str] = []

    def pump() -> None:
        for line in server.stdout:  # type: ignore[union-attr]
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()

    def next_event() -> dict[str, Any]:
        line = lines.get(timeout=900)
        assert line is not None, "the server exited: " + server.stderr.read()[-3000:]  # type: ignore[union-attr]
        seen.append(line)
        return json.loads(line)  # one format per stream: every stdout line is JSON

    try:
        # The first line says where it listens, before anything is loaded.
        first = next_event()
        progress(f"first line: {first}")
        assert first["event"] == "listening", first
        port = int(first["address"].rsplit(":", 1)[1])
        base = f"http://127.0.0.1:{port}"
        status, headers, body = get(f"{base}/readyz")
        assert get(f"{base}/healthz")[0] == 200
        readiness = [(status, body)]
        while status != 200:  # 503 with the phase and Retry-After until loaded
            assert status == 503 and headers.get("Retry-After") == "2", (status, body)
            assert body["status"] == "starting" and body["reason"].startswith("starting: "), body
            time.sleep(int(headers["Retry-After"]))  # as a client would
            status, headers, body = get(f"{base}/readyz")
            readiness.append((status, body))
        progress(f"ready after {len(readiness)} probes: {readiness[:1]} ... {readiness[-1]}")
        events = [first["event"]]
        while "ready" not in events:
            events.append(next_event()["event"])
        assert events.index("listening") < events.index("intent_taxonomy_loaded") < events.index("ready")

        script = ["set -eo pipefail"]
        for name in FLOWS:
            script += [f'echo "@@@ {name}"', literal(blocks[name], port), "echo"]
        progress("running the README blocks")
        run = subprocess.run(["bash", "-c", "\n".join(script)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=1200)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        out = dict(re.findall(r"@@@ (\S+)\n(.*?)(?=\n@@@ |\Z)", run.stdout, re.S))
        check_answers(out, tmp_path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    # uvicorn shuts down cleanly on SIGTERM, then re-raises it: -15, not -9 (killed) or 1 (failed).
    assert server.returncode in (0, -signal.SIGTERM), server.stderr.read()[-3000:]  # type: ignore[union-attr]
    stderr = server.stderr.read()  # type: ignore[union-attr]
    assert all(json.loads(line) for line in stderr.splitlines() if line.strip()), stderr[-3000:]


def check_answers(out: dict[str, str], workdir: Path) -> None:
    [quick] = documents(out["quickstart"])
    assert len(quick["hits"]) == 3 and quick["hits"][0]["article_id"]

    listed = {line.split()[-1]: line.split()[2] for line in out["keys"].strip().splitlines() if len(line.split()) == 4}
    assert {name: set(scopes.split(",")) for name, scopes in listed.items()} == {
        "desk": set(ROLES["agent"]), "qa": set(ROLES["reviewer"]), "helpdesk": set(ROLES["integration"])}

    [search] = documents(out["search"])
    assert 1 <= len(search["hits"]) <= 3 and all(h["article_id"] and h["version"] for h in search["hits"])

    [recorded] = documents(out["interactions"])
    assert recorded["inserted"] == 3 and recorded["inserted_ids"] == ["m-1", "m-2", "m-3"]

    [summary] = documents(out["summaries"])
    assert summary["customer_id"] == "c-42" and summary["headline"]["sources"]
    assert {s for item in summary["open_issues"] for s in item["sources"]} <= {"m-1", "m-2", "m-3"}

    [assist] = documents(out["assist"])
    assert assist["summary"] is not None and assist["knowledge"] and 1 <= len(assist["suggestions"]) <= 2
    assert all(s["citations"] and all(c["passed"] for c in s["checks"]) for s in assist["suggestions"])

    events = re.findall(r"^event: (\w+)$", out["stream"], re.M)
    assert events[0] == "meta" and events[-1] == "final"
    final = json.loads(out["stream"].rsplit("event: final\ndata: ", 1)[1].split("\n", 1)[0])
    assert len(final["suggestions"]) == 1 and final["suggestions"][0]["text"]

    feedback, report = documents(out["feedback"])
    assert feedback["event"] == "accepted" and feedback["audit_id"] and feedback["feedback_audit_id"]
    assert report["overall"]["accepted"] == 1

    [triage] = documents(out["triage"])
    ticket = json.loads((workdir / "ticket.json").read_text())
    assert triage["ticket_id"] == ticket["ticket"]["id"] and triage["event_id"] == ticket["event_id"]
    assert triage["queue"] and triage["priority"] and triage["taxonomy_version"]
