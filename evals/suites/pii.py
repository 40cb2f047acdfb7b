"""PII suite: the one redactor (:class:`service.domain.pii.Redactor`) on labelled strings.

Data: ``evals/datasets/pii.jsonl``: customer messages in eight locales (en-US, en-GB, fr-FR,
de-DE, en-IN, es-ES, it-IT, nl-NL) with the PII values they contain (phones in national and
international formats, cards written with dots, double spaces, full-width digits or zero-width
spaces, IBANs in any case, national ids and passport numbers after cues in each language,
passwords, one-time codes and card security codes, street addresses) and the values that must
NOT be masked (order ids, SKUs, tracking numbers, amounts).

Metrics per split (``dev.*``, ``held_out.*``; held-out ones are the headline and gated):

* ``recall``: labelled values masked (the value, and any run of 4+ of its digits, is gone);
* ``kept_rate``: order ids, SKUs, tracking numbers and amounts left exactly as written;
* ``wrongly_masked``: how many of those were masked (target 0).
"""

from __future__ import annotations

import re
from typing import Any

from evals.framework import COUNT, LOWER, CaseResult, RunContext, SuiteResult, load_dataset, scorers, suite

SPLITS = ("dev", "held_out")


def masked(value: str, redacted: str) -> bool:
    """Is ``value`` gone from ``redacted`` (compared normalised, and no 4+ digit run of it left)?"""
    from service.guardrails.normalise import clean

    v, out = clean(value), clean(redacted)
    if v in out or v.lower() in out.lower():
        return False
    digits = re.sub(r"\D", "", v)
    if len(digits) >= 4:
        runs = [r for r in re.findall(r"\d+", out) if len(r) >= 4]
        if any(r in digits for r in runs):
            return False
    return True


def score_case(case: Any, redactor_cls: Any) -> dict[str, Any]:
    redacted = redactor_cls().redact(case.input["text"])
    found = [masked(p["value"], redacted) for p in case.expected["pii"]]
    kept = [k in redacted for k in case.expected.get("keep", [])]
    return {"redacted": redacted, "found": found, "kept": kept}


def add_metrics(result: SuiteResult, rows: list[tuple[Any, dict[str, Any]]]) -> None:
    for split in SPLITS:
        part = [s for c, s in rows if c.meta.get("split") == split]
        found = [f for s in part for f in s["found"]]
        kept = [k for s in part for k in s["kept"]]
        held = split == "held_out"
        result.add(f"{split}.recall", scorers.mean(1.0 if f else 0.0 for f in found), headline=held, tolerance=0.0,
                   description=f"{len(found)} labelled PII values (target >= 0.95 on held_out)")
        result.add(f"{split}.kept_rate", scorers.mean(1.0 if k else 0.0 for k in kept), headline=held, tolerance=0.0,
                   description=f"{len(kept)} order ids, SKUs, tracking numbers and amounts left as written")
        result.add(f"{split}.wrongly_masked", sum(1 for k in kept if not k), direction=LOWER, kind=COUNT, headline=held,
                   tolerance=0.0, description="ids and amounts masked (target 0)")


@suite("pii", "The PII redactor on 150+ labelled strings in eight locales: recall of phones, cards, IBANs, national "
       "ids, secrets, one-time codes and addresses; order ids, SKUs and amounts must never be masked.")
def run(ctx: RunContext, redactor_cls: Any = None) -> SuiteResult:
    from service.domain.pii import Redactor

    data = load_dataset("pii")
    result = SuiteResult("pii", datasets=[data.describe()], system="service.domain.pii.Redactor")
    rows = []
    for case in data:
        s = score_case(case, redactor_cls or Redactor)
        rows.append((case, s))
        n = len(s["found"]) + len(s["kept"])
        ok = sum(s["found"]) + sum(s["kept"])
        result.cases.append(CaseResult(
            id=case.id, input=case.input, expected=case.expected, output={"redacted": s["redacted"]},
            scores={"correct": ok / n if n else 1.0}, primary="correct", tags=tuple(case.tags), variant=case.meta.get("split", ""),
        ))
    add_metrics(result, rows)
    return result
