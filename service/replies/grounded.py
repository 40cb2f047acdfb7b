"""The grounded reply engine (no LLM).

A grounded reply is assembled only from the approved reply text of a retrieved article
(``## Suggested reply`` / ``## Suggested reply (sms)``; the SMS variant on SMS when the article
has one), filled with facts the agent already knows (``{first_name}``, ``{order_id}``) and
shaped for the channel (:mod:`service.replies.channels`). It never adds a sentence that is not
in an approved article or in the policy (disclosures, sign-off).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from service.replies.channels import fill, shape
from service.replies.policy import Candidate, Policy
from service.ports import SearchHit


@dataclass
class GroundedReply:
    candidate: Candidate
    article_id: str
    version: int
    score: float
    rank: int
    chunk_ids: list[str] = field(default_factory=list)


class GroundedEngine:
    """Replies from approved article text only, one per distinct retrieved article."""

    SHAPED = 2048
    """Shaped replies kept (see :meth:`shaped`)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._shaped: OrderedDict[Hashable, str] = OrderedDict()
        self._shaped_for = policy

    def replies(
        self,
        hits: Sequence[SearchHit],
        channel: str,
        *,
        facts: dict[str, str],
        intent: str | None = None,
        limit: int = 3,
    ) -> list[GroundedReply]:
        by_article: dict[str, list[SearchHit]] = {}
        for hit in hits:
            by_article.setdefault(hit.article_id, []).append(hit)
        out: list[GroundedReply] = []
        for rank, (article_id, article_hits) in enumerate(by_article.items()):
            replies = (article_hits[0].payload or {}).get("replies") or {}
            template = (replies.get(channel) if channel in replies else None) or (
                replies.get("sms") if channel == "sms" else None
            ) or replies.get("default")
            if not template:
                continue
            tags = {t for h in article_hits for t in (h.payload or {}).get("tags") or ()}
            disclosures = self.policy.disclosures_for(channel, intent, tags)
            text = self.shaped(template, channel, facts, disclosures)
            chunk_ids = [h.chunk_id for h in article_hits]
            out.append(
                GroundedReply(
                    candidate=Candidate(text=text, citations=chunk_ids, engine="grounded"),
                    article_id=article_id,
                    version=article_hits[0].version,
                    score=max(h.score for h in article_hits),
                    rank=rank,
                    chunk_ids=chunk_ids,
                )
            )
            if len(out) >= limit:
                break
        return out

    def shaped(self, template: str, channel: str, facts: dict[str, str], disclosures: Sequence[object]) -> str:
        """The template filled and shaped for the channel: a pure function of its arguments and
        the policy, kept for the next request that gets the same article on the same channel
        with the same facts (issue 18: shaping and filling were a tenth of a request's CPU)."""
        if self._shaped_for is not self.policy:
            self._shaped.clear()
            self._shaped_for = self.policy
        key = (template, channel, tuple(facts.items()), tuple(disclosures))
        text = self._shaped.get(key)
        if text is None:
            text = shape(fill(template, facts), channel, self.policy, facts=facts, disclosures=disclosures)
            self._shaped[key] = text
            if len(self._shaped) > self.SHAPED:
                self._shaped.popitem(last=False)
        else:
            self._shaped.move_to_end(key)
        return text

    def confidence(self, reply: GroundedReply, top_score: float) -> float:
        """Retrieval strength relative to the best hit, lowered by rank: a reply from the best
        article scores about 0.8, the next ones less."""
        rel = reply.score / top_score if top_score > 0 else 0.0
        return round(max(0.05, min(0.95, 0.35 + 0.45 * rel - 0.1 * reply.rank)), 2)
