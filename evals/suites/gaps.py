"""Gaps suite: the knowledge-gap finder over a synthetic month of agents' signals
(``evals/gaps.py``), scored per split; the held_out numbers are the headline."""

from __future__ import annotations

import asyncio

from evals.framework import COUNT, INFO, LOWER, CaseResult, Chart, RunContext, SuiteResult, load_dataset, suite

THRESHOLDS = {"gap_recall": 0.9, "gap_precision": 0.8, "outdated_named": 1.0, "draft_facts": 0.8}


@suite("gaps", "Knowledge gaps found in agents' rejections, edits, no-knowledge answers, low-score searches, intent "
       "abstentions and escalations: recall and precision of the planted missing topics and outdated articles, "
       "outdated articles named, and the facts agents sent found in the drafts; dev and held_out apart.")
def run(ctx: RunContext) -> SuiteResult:
    from evals import gaps as g
    from service.gaps.report import section

    data = load_dataset(g.DATASET, "gaps")
    result = SuiteResult("gaps", datasets=[data.describe()])
    embedder = ctx.embedder()
    clusterer = ctx.overrides.get("clusterer")
    html = []
    for split in g.SPLITS:
        r = asyncio.run(g.run_split(split, embedder, clusterer))
        m = r.metrics()
        for name in ("gap_recall", "gap_precision", "outdated_named", "draft_facts"):
            result.add(f"{split}.{name}", m[name], headline=split == "held_out", tolerance=0.05,
                       description=f"target >= {THRESHOLDS[name]}")
        result.add(f"{split}.duplicate_gaps", m["duplicate_gaps"], direction=LOWER, kind=COUNT, tolerance=2)
        result.add(f"{split}.missing_called_outdated", m["missing_called_outdated"], direction=LOWER, kind=COUNT, tolerance=0)
        result.add(f"{split}.gaps", m["gaps"], kind=INFO)
        result.add(f"{split}.signals", r.signals, kind=INFO)
        found = set()
        for i, o in enumerate(r.outcomes, 1):
            found.add(o.topic)
            total = len(o.facts_found) + len(o.facts_missing)
            result.cases.append(CaseResult(
                id=f"gap-{i:02d}", input={"title": o.gap["title"], "size": o.gap["size"], "signals": o.gap["signals"]},
                expected={"topic": o.topic}, output={"kind": o.gap["kind"], "article_id": o.gap["article_id"],
                                                      "facts_missing": o.facts_missing, "purity": o.purity},
                scores={"planted": 1.0 if o.topic else 0.0, "facts": len(o.facts_found) / total if total else 1.0},
                primary="planted", tags=(split, o.gap["kind"]), variant=split,
            ))
        for topic, exp in r.planted.items():
            if topic not in found:
                result.cases.append(CaseResult(
                    id=f"missed-{topic}", input={"topic": topic}, expected=exp, output=None,
                    scores={"planted": 0.0}, primary="planted", tags=(split, "missed"), variant=split,
                ))
        views = [{**o.gap, "key": f"{split}-{i}", "status": "open"} for i, o in enumerate(r.outcomes)]
        html.append(section(views, {f"{split}-{i}": o.draft for i, o in enumerate(r.outcomes)},
                            title=f"Gaps found in the {split} month (pinned {g.NOW.date()})"))
        result.charts.append(Chart("bars", f"{split}: gap sizes (signals)", {
            "items": [(o.gap["title"][:28], o.gap["size"], o.gap["size"]) for o in r.outcomes], "label": "signals",
            "x_max": float(max([o.gap["size"] for o in r.outcomes] + [1]))}))
    result.html = "".join(html)
    result.system = (f"service.gaps: signals -> {getattr(embedder, 'model_name', type(embedder).__name__)} -> "
                     f"{type(clusterer).__name__ if clusterer else 'AgglomerativeClusterer'} -> extractive drafts")
    return result
