"""How suggestions fare, per prompt version and per intent.

For every suggestion with feedback in the window: was it shown, and what was the agent's last
decision (accepted, edited, rejected). Rates are over decided suggestions:
``acceptance_rate`` = (accepted + edited) / decided (the suggestion was used),
``accepted_as_is_rate`` = accepted / decided. Edit distance is word-level and normalised (0: sent
as suggested, 1: nothing kept). A grounded reply (no LLM, no prompt) is grouped under
``engine:<name>``.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.audit.feedback import FINAL_EVENTS
from service.ports import FeedbackStore


@dataclass
class _Group:
    suggestions: int = 0
    shown: int = 0
    decided: Counter = field(default_factory=Counter)
    distances: list[float] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    ratings: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        decided = sum(self.decided.values())

        def rate(n: int) -> float | None:
            return round(n / decided, 4) if decided else None

        return {
            "suggestions": self.suggestions,
            "shown": self.shown,
            "decided": decided,
            "accepted": self.decided["accepted"],
            "edited": self.decided["edited"],
            "rejected": self.decided["rejected"],
            "acceptance_rate": rate(self.decided["accepted"] + self.decided["edited"]),
            "accepted_as_is_rate": rate(self.decided["accepted"]),
            "rejection_rate": rate(self.decided["rejected"]),
            "edit_distance": {
                "n": len(self.distances),
                "mean": round(statistics.fmean(self.distances), 4) if self.distances else None,
                "median": round(statistics.median(self.distances), 4) if self.distances else None,
            },
            "rejection_reasons": [{"reason": r, "count": c} for r, c in self.reasons.most_common(10)],
            "rating": {"n": len(self.ratings), "mean": round(statistics.fmean(self.ratings), 3) if self.ratings else None},
        }


async def feedback_report(store: FeedbackStore, tenant: str, *, since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
    per: dict[str, dict[str, Any]] = {}
    for row in await store.facts(tenant, since=since, until=until):
        s = per.setdefault(row.suggestion_id, {"prompt": row.prompt or f"engine:{row.engine}", "intent": row.intent or "(none)", "shown": False, "final": None, "ratings": []})
        s["shown"] = True  # any event means the agent saw it
        if row.event in FINAL_EVENTS:
            s["final"] = (row.event, row.edit_distance, row.reason)
        if row.rating is not None:
            s["ratings"].append(row.rating)
    groups: dict[str, dict[str, _Group]] = {"prompt": defaultdict(_Group), "intent": defaultdict(_Group)}
    overall = _Group()
    for s in per.values():
        for g in (groups["prompt"][s["prompt"]], groups["intent"][s["intent"]], overall):
            g.suggestions += 1
            g.shown += int(s["shown"])
            if s["ratings"]:
                g.ratings.append(s["ratings"][-1])
            if s["final"]:
                event, distance, reason = s["final"]
                g.decided[event] += 1
                if event == "edited" and distance is not None:
                    g.distances.append(distance)
                if event == "rejected" and reason:
                    g.reasons[" ".join(reason.lower().split())[:200]] += 1
    return {
        "tenant": tenant,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "overall": overall.as_dict(),
        "by_prompt": {k: v.as_dict() for k, v in sorted(groups["prompt"].items())},
        "by_intent": {k: v.as_dict() for k, v in sorted(groups["intent"].items())},
    }
