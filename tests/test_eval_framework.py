"""The eval framework on its own: datasets are validated, scorers are right, the gate names the
metric and the cases that got worse, recorded LLM answers replay exactly, the CLI gates."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from evals.framework import CaseResult, SuiteResult, load_dataset, scorers
from evals.framework.dataset import DatasetError
from evals.framework.gate import compare, load_baseline, write_baseline
from evals.framework.suite import COUNT, LOWER, TIMING, select
from evals.replay import RECORD, REPLAY, ReplayChatModel, ReplayMiss
from service.ports import ChatMessage, ChatResult

# ---- datasets ------------------------------------------------------------------------------


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_every_committed_dataset_follows_the_case_format() -> None:
    datasets = sorted((Path(__file__).resolve().parents[1] / "evals" / "datasets").glob("*.jsonl"))
    assert datasets
    for path in datasets:
        data = load_dataset(path)
        assert len(data) > 0 and len(data.version) == 12


def test_a_dataset_with_a_duplicate_id_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    row = {"id": "a", "input": {"q": "x"}, "expected": {}, "tags": []}
    path = write_jsonl(tmp_path / "d.jsonl", [row, row])
    with pytest.raises(DatasetError, match=r"d.jsonl:2: duplicate id 'a'"):
        load_dataset(path)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"input": {}, "expected": {}}, "missing id"),
        ({"id": "a", "input": "text", "expected": {}}, "input must be an object"),
        ({"id": "a", "input": {}, "expected": {}, "tags": "x"}, "tags must be a list"),
    ],
)
def test_a_malformed_case_is_refused_with_the_reason(tmp_path: Path, row: dict, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        load_dataset(write_jsonl(tmp_path / "d.jsonl", [row]))


def test_the_dataset_version_changes_when_its_content_does(tmp_path: Path) -> None:
    row = {"id": "a", "input": {"q": "x"}, "expected": {}}
    v1 = load_dataset(write_jsonl(tmp_path / "d.jsonl", [row])).version
    v2 = load_dataset(write_jsonl(tmp_path / "d.jsonl", [{**row, "input": {"q": "y"}}])).version
    assert v1 != v2


# ---- scorers -------------------------------------------------------------------------------


def test_classification_scorers() -> None:
    gold = ["a", "a", "b", "oos", "oos"]
    pred = ["a", "b", "b", "oos", "a"]
    assert scorers.accuracy(gold, pred) == pytest.approx(0.6)
    # F1: a = 2*1/(2+1+1) = 0.5; b = 2/(2+1+0) = 0.667; oos = 2/(2+0+1) = 0.667
    assert scorers.macro_f1(gold, pred) == pytest.approx((0.5 + 2 / 3 + 2 / 3) / 3)
    assert scorers.oos_recall(gold, pred, "oos") == 0.5
    assert scorers.in_scope_accuracy(gold, pred, "oos") == pytest.approx(2 / 3)
    assert scorers.confusion_pairs(gold, pred)[0] == {"gold": "a", "predicted": "b", "count": 1}
    assert scorers.confusion_matrix(gold, pred, ["a", "b", "oos"]) == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]


def test_ranking_scorers() -> None:
    ranked = ["x", "y", "z"]
    assert scorers.recall_at(ranked, {"y"}, 1) == 0 and scorers.recall_at(ranked, {"y"}, 2) == 1
    assert scorers.reciprocal_rank(ranked, {"z"}) == pytest.approx(1 / 3)
    assert scorers.ndcg_at(ranked, {"x"}) == 1.0
    assert scorers.recall_curve([(ranked, {"y"})], ks=(1, 2)) == [(1, 0.0), (2, 1.0)]


def test_text_scorers() -> None:
    sources = ["Gold members can return items at any time. Silver members have 6 months."]
    assert scorers.groundedness("Gold members can return items at any time.", sources) == 1.0
    assert scorers.groundedness("We will refund you twice the price tomorrow by courier.", sources) == 0.0
    assert scorers.citation_validity(["a", "b"], {"a"}) == 0.5
    assert scorers.expected_fact_recall("Order #3348-917502 for $94.00", ["3348917502", "$94", "refund"]) == pytest.approx(2 / 3)
    assert scorers.within_channel_length("x" * 161, 160) == 0.0
    assert scorers.percentile([1, 2, 3, 4, 100], 50) == 3 and scorers.percentile([], 95) == 0.0


# ---- the gate ------------------------------------------------------------------------------


def fake_result(value: float, case_scores: dict[str, float], violations: int = 0, latency: float = 5.0) -> SuiteResult:
    r = SuiteResult("toy", datasets=[{"name": "toy", "version": "abc", "cases": len(case_scores), "path": "toy"}])
    r.add("accuracy", value, headline=True, tolerance=0.05)
    r.add("violations", violations, direction=LOWER, kind=COUNT)
    r.add("latency_p50_ms", latency, direction=LOWER, kind=TIMING)
    r.cases = [CaseResult(k, {"q": k}, {}, {}, {"ok": v}, "ok") for k, v in case_scores.items()]
    return r


def test_the_gate_fails_naming_the_metric_and_the_cases_that_got_worse(tmp_path: Path) -> None:
    write_baseline([fake_result(0.9, {"c1": 1.0, "c2": 1.0, "c3": 0.0})], tmp_path)
    gate = compare([fake_result(0.8, {"c1": 1.0, "c2": 0.0, "c3": 1.0}, latency=500)], load_baseline(tmp_path))
    assert not gate.passed
    [failure] = gate.failures
    assert failure.metric == "accuracy" and failure.worse_cases == [{"case": "c2", "baseline": 1.0, "current": 0.0}]
    assert "toy.accuracy dropped from 0.9 to 0.8" in gate.message() and "c2 1->0" in gate.message()
    assert "latency" not in gate.message()  # timings vary by machine: reported, never gated


def test_the_gate_allows_a_drop_within_tolerance_and_counts_must_not_rise(tmp_path: Path) -> None:
    write_baseline([fake_result(0.9, {"c1": 1.0})], tmp_path)
    assert compare([fake_result(0.86, {"c1": 1.0})], load_baseline(tmp_path)).passed
    gate = compare([fake_result(0.9, {"c1": 1.0}, violations=1)], load_baseline(tmp_path))
    assert [f.metric for f in gate.failures] == ["violations"]


def test_a_suite_with_a_baseline_that_did_not_run_fails_the_gate(tmp_path: Path) -> None:
    write_baseline([fake_result(0.9, {"c1": 1.0})], tmp_path)
    gate = compare([SuiteResult("toy", status="error", reason="boom")], load_baseline(tmp_path))
    assert not gate.passed and "did not run (boom)" in gate.message()


def test_updating_the_baseline_keeps_a_tolerance_edited_by_hand(tmp_path: Path) -> None:
    [path] = write_baseline([fake_result(0.9, {"c1": 1.0})], tmp_path)
    data = json.loads(path.read_text())
    data["metrics"]["accuracy"]["tolerance"] = 0.2
    path.write_text(json.dumps(data))
    write_baseline([fake_result(0.95, {"c1": 1.0})], tmp_path)
    data = json.loads(path.read_text())
    assert data["metrics"]["accuracy"] == {"value": 0.95, "tolerance": 0.2, "direction": "higher", "kind": "quality"}


def test_the_committed_baseline_covers_every_fast_suite_with_tolerances() -> None:
    baseline = load_baseline()
    for s in select(None, fast_only=True):
        if s.name in baseline:
            assert all("tolerance" in m for m in baseline[s.name]["metrics"].values())
    assert "retrieval" in baseline and any(k.endswith("hybrid.recall@5") and m["tolerance"] > 0 for k, m in baseline["retrieval"]["metrics"].items())


def test_suite_groups_select_every_member() -> None:
    names = [s.name for s in select(["retrieval", "summaries"])]
    assert names == ["retrieval", "retrieval.paraphrase", "summaries", "summaries.llm"]
    with pytest.raises(KeyError, match="no eval suite 'nope'"):
        select(["nope"])


# ---- replayed LLM answers ------------------------------------------------------------------


class ScriptedModel:
    model = "scripted"

    def __init__(self) -> None:
        self.calls = 0

    async def complete(self, messages, *, temperature=0.2, max_tokens=512, json_mode=False):  # noqa: ANN001
        self.calls += 1
        return ChatResult(f"answer {self.calls} to {messages[-1].content}", "scripted", "stop", 10, 5, 12.0)

    async def stream(self, messages, *, temperature=0.2, max_tokens=512):  # noqa: ANN001
        for piece in ("Hello ", "there"):
            yield piece


def test_recorded_answers_replay_exactly_and_a_changed_input_is_a_clear_miss(tmp_path: Path) -> None:
    path = tmp_path / "suite.jsonl"
    msgs = [ChatMessage("system", "prompt v1"), ChatMessage("user", "where is my order")]

    async def record() -> tuple[str, str]:
        rec = ReplayChatModel(path, mode=RECORD, inner=ScriptedModel())
        first = (await rec.complete(msgs)).text
        streamed = "".join([p async for p in rec.stream(msgs)])
        rec.save()
        return first, streamed

    first, streamed = asyncio.run(record())

    async def replay() -> tuple[str, str]:
        rep = ReplayChatModel(path, mode=REPLAY)
        again = (await rep.complete(msgs)).text
        pieces = [p async for p in rep.stream(msgs)]
        assert pieces == ["Hello ", "there"]
        with pytest.raises(ReplayMiss, match="re-record"):
            await rep.complete([ChatMessage("system", "prompt v2"), msgs[1]])  # the prompt changed
        with pytest.raises(ReplayMiss):
            await rep.complete(msgs, temperature=0.9)  # so did the parameters
        assert len(rep.misses) == 2 and rep.hits == 2
        return again, "".join(pieces)

    assert asyncio.run(replay()) == (first, streamed)


# ---- the command ---------------------------------------------------------------------------


def test_assist_eval_writes_three_reports_and_fails_the_gate_naming_the_metric(tmp_path: Path, capfd) -> None:  # noqa: ANN001
    """`assist eval` runs `python -m evals` in a child process (the service does not import the evals)."""
    from evals.framework.gate import BASELINE_DIR
    from service.cli.main import main

    assert main(["eval", "summaries", "--out", str(tmp_path / "ok"), "--no-progress"]) == 0
    assert {p.name for p in (tmp_path / "ok").iterdir()} >= {"report.json", "summary.md", "report.html"}
    assert "summaries" in capfd.readouterr().out

    # A baseline that claims better numbers than the system has: the gate must fail and say which.
    strict = tmp_path / "baseline"
    strict.mkdir()
    data = json.loads((BASELINE_DIR / "summaries.json").read_text())
    data["metrics"]["held_out.fact_recall"]["value"] = 1.0
    data["metrics"]["held_out.fact_recall"]["tolerance"] = 0.0
    data["cases"] = {k: 1.0 for k in data["cases"]}
    (strict / "summaries.json").write_text(json.dumps(data))
    assert main(["eval", "summaries", "--baseline", str(strict), "--out", str(tmp_path / "bad"), "--no-progress"]) == 1
    out = capfd.readouterr().out
    assert "gate: FAILED" in out and "summaries.held_out.fact_recall dropped" in out and "cases that got worse" in out
    report = json.loads((tmp_path / "bad" / "report.json").read_text())
    assert report["gate"]["passed"] is False


def test_two_prompt_versions_are_compared_side_by_side(tmp_path: Path, counter) -> None:  # noqa: ANN001
    import shutil

    from evals.framework import RunContext
    from evals.framework.report import write_all
    from evals.framework.runner import run_suite
    from service.settings import Settings

    prompts = tmp_path / "prompts"
    prompts.mkdir()
    v1 = Path(__file__).resolve().parents[1] / "prompts" / "summary@1.md"
    shutil.copy(v1, prompts / "summary@1.md")
    (prompts / "summary@2.md").write_text(v1.read_text().replace("version: 1", "version: 2", 1))

    class NotJSON(ScriptedModel):
        async def complete(self, messages, **kw):  # noqa: ANN001, ANN003
            self.calls += 1
            return ChatResult("not json", "scripted", "stop", 1, 1, 1.0)

    model = NotJSON()
    ctx = RunContext(settings=Settings.from_env().replace(content={"prompts_dir": prompts}), progress=False,
                     overrides={"chat": model, "counter": counter}, prompt_versions={"summary": ["1", "2"]})
    [suite] = select(["summaries.llm"])
    result = run_suite(suite, ctx)
    assert result.ok, result.reason
    assert model.calls > 0 and result.comparison is not None
    assert result.comparison["versions"] == ["1", "2"] and len(result.comparison["cases"]) == len(result.cases) == 6
    assert result.metric("held_out.llm_answer_used_rate").value == 0.0  # the model never answered in JSON: the fallback served
    html = write_all(tmp_path / "out", {"commit": "x"}, [result], None, {})["html"].read_text()
    assert "Prompt versions side by side: summary v1 vs v2" in html
