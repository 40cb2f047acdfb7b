"""Scoring one continuity case from the body of POST /v1/assist (pure functions).

* ``fact_recall``: share of the facts the customer gave that the summary lists (by value);
* ``commitment_status``: share of the story's commitments the summary lists with their true
  status (matched by the interaction that made them);
* ``need_hit``: the summary's current need names what the customer asks now (a keyword);
* ``re_asks``: sentences, over all suggestions, that ask for a fact already given (target 0);
* ``broken_acknowledged``: for a story with a broken commitment, the top suggestion cites one of
  them in ``history_citations`` (target 90%); None for stories without one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from service.continuity.replies import re_asks

_NON_ALNUM = re.compile(r"[\W_]+")


def _norm(value: str) -> str:
    return _NON_ALNUM.sub("", str(value).lower())


def score_case(expected: dict[str, Any], body: dict[str, Any]) -> dict[str, float | None]:
    summary = body.get("summary") or {}
    given = {_norm(f.get("value", "")) for f in summary.get("facts", [])}
    facts = expected["facts"]
    fact_recall = sum(1 for f in facts if _norm(f["value"]) in given) / len(facts) if facts else 1.0
    status = {}
    for c in summary.get("commitments", []):
        if c.get("sources"):
            status.setdefault(c["sources"][0], c.get("status"))
    commitments = expected["commitments"]
    commitment_status = (sum(1 for c in commitments if status.get(c["source"]) == c["status"]) / len(commitments)
                         if commitments else 1.0)
    need = (summary.get("current_need") or {}).get("text", "").lower()
    need_hit = 1.0 if any(k.lower() in need for k in expected["need_keywords"]) else 0.0
    known = {f["kind"] for f in facts}
    suggestions = body.get("suggestions") or []
    asks = sum(len(re_asks(s.get("text", ""), known)) for s in suggestions)
    acknowledged: float | None = None
    if expected.get("broken"):
        top = suggestions[0] if suggestions else {}
        cited = {h.get("interaction_id") for h in top.get("history_citations") or []}
        acknowledged = 1.0 if cited & set(expected["broken"]) else 0.0
    return {"fact_recall": round(fact_recall, 4), "commitment_status": round(commitment_status, 4),
            "need_hit": need_hit, "re_asks": float(asks), "broken_acknowledged": acknowledged}


def aggregate(rows: Iterable[dict[str, float | None]]) -> dict[str, float]:
    rows = list(rows)

    def mean(key: str) -> float:
        vals = [r[key] for r in rows if r.get(key) is not None]
        return round(sum(vals) / len(vals), 4) if vals else 0.0  # type: ignore[arg-type]

    return {
        "fact_recall": mean("fact_recall"),
        "commitment_status_accuracy": mean("commitment_status"),
        "current_need_hit": mean("need_hit"),
        "re_asks": float(sum(r["re_asks"] or 0.0 for r in rows)),
        "broken_acknowledged": mean("broken_acknowledged"),
        "cases": float(len(rows)),
    }
