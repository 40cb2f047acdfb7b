"""Equal scores do not decide what search returns: the same query on the same articles gives the
same hits in the same order, on a fresh index as on the last one.

Weighted reciprocal rank fusion often gives two chunks exactly the same score (a sum of
weight / (k + rank) terms), and BM25 gives chunks with the same terms the same score. The engine
orders such ties as its internals fall, which made the cut at ``top_k``, and the grounded reply
built on it, change between two runs of the suggestions eval (paraphrase para-004 cited one or
two chunks of its article). The fusion and the cut are now made in ``index_schema``."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from service.adapters import index_schema as schema
from service.ports import SearchFilters, SearchHit
from tests.conftest import make_settings

HYBRID = [schema.Leg(schema.DENSE), schema.Leg(schema.SPARSE, sparse=True), schema.Leg(schema.TITLE)]


def hit(chunk: str, score: float, article: str = "", position: int = 0) -> SearchHit:
    return SearchHit(chunk_id=chunk, article_id=article or f"article-{chunk}", title="", text="", score=score, version=1,
                     payload={"article_id": article or f"article-{chunk}", "position": position})


def test_fused_scores_are_qdrants_weighted_rrf() -> None:
    """1 / ((position + 1) / weight + k - 1), summed over the lists; the figure of a real query
    ("shoping cart broken": the chunk third by vector, second by BM25, first by title) as the
    engine's own fusion gave it."""
    dense = [("x", 0.9), ("y", 0.8), ("a", 0.7)]
    sparse = [("z", 9.0), ("a", 8.0)]
    title = [("a", 0.6)]
    fused = schema.fuse([dense, sparse, title], HYBRID, 5)
    assert max(fused, key=fused.get) == "a" and abs(fused["a"] - 1.35) < 1e-6
    assert schema.rrf_score(0, 1.0) == 0.5  # k = 2: the unweighted first place


def test_the_order_equal_scores_come_in_changes_nothing() -> None:
    rng = random.Random(7)
    dense = [(f"d{i}", round(1 - i / 40, 3)) for i in range(30)]
    sparse = [("d3", 5.0), ("d9", 5.0), ("d1", 5.0), ("d20", 4.0), ("d21", 4.0), ("d2", 3.0)]
    title = [(f"d{i}", 0.5) for i in (4, 6, 8, 10, 12)]  # five titles equally close
    first = schema.fuse([dense, sparse, title], HYBRID, 6)
    for _ in range(20):
        assert schema.fuse([rng.sample(lst, len(lst)) for lst in (dense, sparse, title)], HYBRID, 6) == first


def test_equal_scores_in_one_list_share_the_better_place() -> None:
    """Three chunks BM25 scored alike each get the first place's term, not first, second and third."""
    sparse = [("d3", 5.0), ("d9", 5.0), ("d1", 5.0), ("d20", 4.0)]
    fused = schema.fuse([[], sparse, []], HYBRID, 6)
    weight = schema.FUSION_WEIGHTS[schema.SPARSE]
    assert fused["d3"] == fused["d9"] == fused["d1"] == schema.rrf_score(0, weight)
    assert fused["d20"] == schema.rrf_score(3, weight)  # competition ranking: 1, 1, 1, 4


def test_a_run_of_equal_scores_at_the_depth_is_kept_whole() -> None:
    depth = schema.prefetch_limit(5)
    sparse = [(f"s{i}", 100.0 - i) for i in range(depth - 1)] + [(f"t{i}", 1.0) for i in range(3)] + [("u", 0.5)]
    fused = schema.fuse([[], sparse, []], HYBRID, 5)
    assert {"t0", "t1", "t2"} <= fused.keys() and "u" not in fused
    assert fused["t0"] == fused["t1"] == fused["t2"]


def test_equal_fused_scores_are_cut_by_article_then_place_in_the_article() -> None:
    tied = [hit("c2", 0.5, "phone", 1), hit("c9", 0.5, "promo", 0), hit("c1", 0.5, "phone", 0), hit("c0", 0.9, "zeta", 0)]
    for order in (tied, tied[::-1]):
        assert [h.chunk_id for h in schema.ranked(order, 3)] == ["c0", "c1", "c2"]
    assert [h.chunk_id for h in tied] == ["c2", "c9", "c1", "c0"]  # a sorted copy, the input as it was


def test_payloads_are_read_for_the_points_that_can_make_the_cut_only() -> None:
    """The best three and every point tied with the third; the tie decided by article id."""
    lists = [[("p1", 9.0), ("p2", 8.0), ("p3", 7.0), ("p4", 7.0), ("p5", 6.0)]]
    asked: list[list[str]] = []

    def payloads(ids: list[str]) -> dict[str, dict[str, Any]]:
        asked.append(sorted(ids))
        return {i: {"article_id": {"p3": "zeta", "p4": "alpha"}.get(i, i), "position": 0} for i in ids if i != "p2"}

    best = schema.best_hits(lists, [schema.Leg(schema.SPARSE, sparse=True)], 3, payloads)
    assert asked == [["p1", "p2", "p3", "p4"]]
    # p2 was deleted between the two reads: left out, not an empty hit
    assert [h.chunk_id for h in best] == ["p1", "p4", "p3"]


async def test_the_same_query_on_two_fresh_indexes_gives_the_same_cut(tmp_path: Path, real_embedder: Any, counter: Any) -> None:
    """The queries whose cut at top_k fell on a tie (para-004 among them), on every channel,
    searched on two indexes built from scratch from the same articles."""
    from service.wiring import build_container

    queries = [
        "My mobile digits changed when I switched carriers, please put the fresh one on file",  # para-004
        "shoping cart broken",
        "When do your shops unlock their doors at the weekend?",
        "credit card declined",
    ]
    runs = []
    for name in ("first", "second"):
        c = await build_container(make_settings(tmp_path / name), {"embedder": real_embedder, "counter": counter, "intents": None})
        try:
            await c.knowledge.ingest_dir(make_settings(tmp_path / name).content.knowledge_dir)
            found = {}
            for q in queries:
                for channel in ("chat", "email", "sms"):
                    for mode, k in (("hybrid", 6), ("hybrid", 3), ("sparse", 5)):
                        hits = await c.knowledge.search("eval", q, top_k=k, filters=SearchFilters(channel=channel), mode=mode)
                        again = await c.knowledge.search("eval", q, top_k=k, filters=SearchFilters(channel=channel), mode=mode)
                        assert again == hits
                        found[(q, channel, mode, k)] = hits
            runs.append(found)
        finally:
            await c.close()
    for key, hits in runs[0].items():
        other = runs[1][key]
        assert [h.chunk_id for h in hits] == [h.chunk_id for h in other], key
        # fused scores are sums of rank terms, exact; BM25's differ in the last float digit
        # between two indexes (the engine sums its IDF statistics per segment)
        assert [h.score for h in hits] == pytest.approx([h.score for h in other], rel=1e-6), key



def test_ranked_leaves_the_engine_list_as_it_was() -> None:
    hits = [hit("b", 0.5), hit("a", 0.5)]
    assert [h.chunk_id for h in schema.ranked(hits, 2)] == ["a", "b"] and [h.chunk_id for h in hits] == ["b", "a"]
