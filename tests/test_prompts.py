"""Prompts are reviewed, versioned content: validated at load, locked by content hash, routed
per task with tenant overrides and a stable A/B split."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from service.cli.main import main as cli_main
from service.prompts.registry import LOCK_FILE, PromptError, PromptRegistry, load_prompt
from tests.conftest import REPO, make_settings, running

PROMPTS = REPO / "prompts"

GOOD = """---
id: greet
version: {version}
task: greet
description: Greets the customer.
owner: team-a
parameters: {{temperature: 0.2, max_tokens: 50}}
inputs: [name, channel]
---
{{# system #}}
You greet people on {{{{ channel }}}}.{extra}
{{# user #}}
Say hello to {{{{ name }}}}.
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_prompt_in_the_repository_matches_its_locked_hash():
    """A released prompt's text never changes: the change goes into a new version file."""
    registry = PromptRegistry.load(PROMPTS)
    problems = registry.lock_problems(PROMPTS / LOCK_FILE)
    assert not problems, "\n".join(problems)


def test_every_task_the_service_asks_for_has_an_active_prompt():
    registry = PromptRegistry.load(PROMPTS, PROMPTS / LOCK_FILE)
    for task in ("suggest", "repair", "summary", "grounding_judge"):
        prompt = registry.active(task)
        assert prompt.ref == f"{prompt.id}@{prompt.version}"
        assert prompt.task == task


def test_changing_a_prompt_without_a_new_version_fails_naming_the_file(tmp_path):
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS, target)
    path = target / "suggest_reply@1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("never guess", "guess freely"), encoding="utf-8")
    with pytest.raises(PromptError) as err:
        PromptRegistry.load(target, target / LOCK_FILE)
    message = str(err.value)
    assert "suggest_reply@1.md" in message and "changed but its version did not" in message
    assert "suggest_reply@2.md" in message


def test_a_new_version_is_fine_once_locked_and_the_old_one_stays(tmp_path):
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS, target)
    old = (target / "suggest_reply@1.md").read_text(encoding="utf-8")
    (target / "suggest_reply@2.md").write_text(old.replace("version: 1", "version: 2").replace("never guess", "do not guess"), encoding="utf-8")
    (target / "registry.yaml").write_text("tasks:\n  suggest: {active: suggest_reply@2}\n", encoding="utf-8")
    with pytest.raises(PromptError, match="suggest_reply@2 is not in"):
        PromptRegistry.load(target, target / LOCK_FILE)
    registry = PromptRegistry.load(target)
    changes = registry.write_lock(target / LOCK_FILE)
    assert changes["added"] == ["suggest_reply@2"]
    registry = PromptRegistry.load(target, target / LOCK_FILE)
    assert registry.active("suggest").ref == "suggest_reply@2"
    # deleting a released version is refused: the audit trail still names it
    (target / "suggest_reply@1.md").unlink()
    (target / "registry.yaml").write_text("tasks:\n  suggest: {active: suggest_reply@2}\n", encoding="utf-8")
    with pytest.raises(PromptError, match="file is gone"):
        PromptRegistry.load(target, target / LOCK_FILE)


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda t: t.replace("inputs: [name, channel]", "inputs: [name]"), "undeclared variable(s) channel"),
        (lambda t: t.replace("inputs: [name, channel]", "inputs: [name, channel, order]"), "order are declared but the template never uses"),
        (lambda t: t.replace("{% if", "{% iff"), "template syntax error"),
        (lambda t: t.replace("version: 1", "version: 2"), "does not match the file name"),
        (lambda t: t.replace("owner: team-a\n", ""), "lacks owner"),
        (lambda t: t.replace("max_tokens: 50", "max_tokenz: 50"), "unknown parameter 'max_tokenz'"),
        (lambda t: t.replace("temperature: 0.2", "temperature: 3"), "parameter temperature must be between 0 and 2"),
        (lambda t: t.replace("max_tokens: 50", "max_tokens: true"), "parameter max_tokens has the wrong type (bool)"),
        (lambda t: t.replace("inputs: [name, channel]", "inputs: [name, channel]\noutput_schema: {type: objekt}"),
         "output_schema is not a valid JSON schema"),
        (lambda t: t.replace("{# user #}\n", ""), "one '{# user #}' part"),
        (lambda t: t.replace("task: greet", "task: greet\ncolour: red"), "unknown front matter key(s) colour"),
        (lambda t: t.replace("---\nid", "id"), "YAML front matter"),
    ],
)
def test_a_broken_prompt_file_is_refused_with_its_name_and_the_problem(tmp_path, mutate, needle):
    text = GOOD.format(version=1, extra="{% if channel %} Be brief.{% endif %}")
    write(tmp_path, "greet@1.md", mutate(text))
    with pytest.raises(PromptError) as err:
        PromptRegistry.load(tmp_path)
    assert "greet@1.md" in str(err.value)
    assert needle in str(err.value)


def test_render_needs_exactly_the_declared_inputs(tmp_path):
    prompt = load_prompt(write(tmp_path, "greet@1.md", GOOD.format(version=1, extra="")))
    messages = prompt.render(name="Ana", channel="chat")
    assert [(m.role, m.content) for m in messages] == [("system", "You greet people on chat."), ("user", "Say hello to Ana.")]
    with pytest.raises(PromptError, match=r"greet@1.md: greet@1: missing input\(s\) channel"):
        prompt.render(name="Ana")
    with pytest.raises(PromptError, match=r"undeclared input\(s\) tone"):
        prompt.render(name="Ana", channel="chat", tone="warm")


def test_templates_are_sandboxed(tmp_path):
    text = GOOD.format(version=1, extra="").replace("Say hello to {{ name }}.", "{{ name.__class__.__mro__ }}")
    prompt = load_prompt(write(tmp_path, "greet@1.md", text))
    with pytest.raises(PromptError, match="rendering failed"):
        prompt.render(name="Ana", channel="chat")


def test_tenant_overrides_and_a_split_stable_by_conversation(tmp_path):
    write(tmp_path, "greet@1.md", GOOD.format(version=1, extra=""))
    write(tmp_path, "greet@2.md", GOOD.format(version=2, extra=" Smile."))
    write(tmp_path, "registry.yaml", "tasks:\n  greet:\n    active: greet@1\n    split: {greet@2: 0.5}\n    tenants: {acme: greet@2}\n")
    registry = PromptRegistry.load(tmp_path)
    assert registry.active("greet").ref == "greet@1"  # no conversation: the active version
    assert registry.active("greet", tenant="acme", conversation_id="c1").ref == "greet@2"
    served = Counter(registry.active("greet", tenant="other", conversation_id=f"conv-{i}").ref for i in range(2000))
    assert 850 < served["greet@2"] < 1150
    for i in range(50):  # the same conversation always gets the same version
        first = registry.active("greet", conversation_id=f"c-{i}").ref
        assert all(registry.active("greet", conversation_id=f"c-{i}").ref == first for _ in range(3))


def test_with_history_serves_a_request_with_a_customer_history(tmp_path):
    """tasks.<task>.with_history (issue 14): a request carrying a customer's history gets that
    prompt unless the one routed to it already takes the history; other requests are unchanged."""
    write(tmp_path, "greet@1.md", GOOD.format(version=1, extra=""))
    write(tmp_path, "greet@2.md", GOOD.format(version=2, extra=" Smile. {{ customer_history }}").replace(
        "inputs: [name, channel]", "inputs: [name, channel, customer_history]"))
    write(tmp_path, "registry.yaml", "tasks:\n  greet:\n    active: greet@1\n    with_history: greet@2\n")
    registry = PromptRegistry.load(tmp_path)
    assert registry.active("greet").ref == "greet@1"
    assert registry.active("greet", history=True).ref == "greet@2"
    assert registry.active("greet", tenant="acme", history=True).ref == "greet@2"
    assert registry.routes["greet"].as_dict()["with_history"] == "greet@2"
    # a prompt without the customer_history input cannot be the history prompt
    write(tmp_path, "registry.yaml", "tasks:\n  greet:\n    active: greet@2\n    with_history: greet@1\n")
    with pytest.raises(PromptError) as err:
        PromptRegistry.load(tmp_path)
    assert "with_history: greet@1 has no 'customer_history' input" in str(err.value)


def test_the_shipped_registry_serves_suggest_history_with_a_customer_history():
    registry = PromptRegistry.load(PROMPTS)
    assert registry.active("suggest").ref == "suggest_reply@1"
    assert registry.active("suggest", tenant="acme", conversation_id="c1", history=True).ref == "suggest_history@1"


@pytest.mark.parametrize(
    ("registry_yaml", "needle"),
    [
        ("tasks:\n  greet: {active: greet@3}\n", "'greet@3' is not a prompt file"),
        ("tasks:\n  greet: {active: greet@1, split: {greet@2: 1.5}}\n", "share must be a number"),
        ("tasks:\n  greet: {active: greet@1, weights: {}}\n", "needs 'active'"),
        ("", "has several prompt versions"),
    ],
)
def test_a_bad_registry_is_refused(tmp_path, registry_yaml, needle):
    write(tmp_path, "greet@1.md", GOOD.format(version=1, extra=""))
    write(tmp_path, "greet@2.md", GOOD.format(version=2, extra=" Smile."))
    write(tmp_path, "registry.yaml", registry_yaml)
    with pytest.raises(PromptError) as err:
        PromptRegistry.load(tmp_path)
    assert "registry.yaml" in str(err.value) and needle in str(err.value)


def test_get_and_all(tmp_path):
    write(tmp_path, "greet@1.md", GOOD.format(version=1, extra=""))
    registry = PromptRegistry.load(tmp_path)
    assert registry.get("greet", 1).ref == "greet@1"
    assert [p.ref for p in registry.all()] == ["greet@1"]
    with pytest.raises(PromptError, match="no prompt greet@9"):
        registry.get("greet", 9)
    with pytest.raises(PromptError, match="no prompt for task 'nope'"):
        registry.active("nope")


def test_cli_lists_and_diffs_prompt_versions(tmp_path, monkeypatch, capsys):
    write(tmp_path, "greet@1.md", GOOD.format(version=1, extra=""))
    write(tmp_path, "greet@2.md", GOOD.format(version=2, extra=" Smile."))
    write(tmp_path, "registry.yaml", "tasks:\n  greet: {active: greet@1, split: {greet@2: 0.1}}\n")
    monkeypatch.setenv("ASSIST_PROMPTS_DIR", str(tmp_path))
    assert cli_main(["prompts", "lock"]) == 0
    assert json.loads((tmp_path / LOCK_FILE).read_text())["greet@2"]
    capsys.readouterr()
    assert cli_main(["prompts", "list", "--json"]) == 0
    rows = {r["ref"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["greet@1"]["serving"] == ["active"] and rows["greet@2"]["serving"] == ["split 10%"]
    assert rows["greet@1"]["lock"] == "locked"
    assert cli_main(["prompts", "diff", "greet", "1", "2"]) == 0
    out = capsys.readouterr().out
    assert "-version: 1" in out and "+version: 2" in out and "+You greet people on {{ channel }}. Smile." in out


async def test_a_broken_prompt_stops_the_service_start_naming_the_file(tmp_path, app_factory):
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS, target)
    (target / "summary@1.md").write_text((PROMPTS / "summary@1.md").read_text().replace("{{ as_of }}", "{{ as_off }}"))
    settings = make_settings(tmp_path / "data", content={"prompts_dir": target})
    with pytest.raises(BaseException) as err:
        async with running(app_factory(settings)):
            pass
    leaves = [err.value]
    while any(isinstance(e, BaseExceptionGroup) for e in leaves):
        leaves = [x for e in leaves for x in (e.exceptions if isinstance(e, BaseExceptionGroup) else [e])]
    assert any(isinstance(e, PromptError) and "summary@1.md: the template uses undeclared variable(s) as_off" in str(e) for e in leaves), leaves


async def test_the_running_service_exposes_the_registry(client):
    registry = client.app.state.container.prompts
    assert registry.active("suggest").ref == "suggest_reply@1"
