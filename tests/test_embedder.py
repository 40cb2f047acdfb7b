"""The embedder: concurrent requests share forward passes, the same text is encoded once, errors
reach every caller, and the ONNX backend gives the vectors sentence-transformers gives."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from service.adapters.embedder import INTERACTIVE_MAX, OnnxEmbedder, SharedEncoder, make_embedder, prepare_onnx
from service.errors import Unavailable


class Recording(SharedEncoder):
    """A backend that records each batch it is given and can be held at a gate."""

    dimension = 4

    def __init__(self, lanes: int = 1, fail: bool = False, cache_size: int = 16) -> None:
        self.calls: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.fail = fail
        super().__init__(lanes=lanes, cache_size=cache_size)

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.entered.set()
        self.gate.wait(10)
        self.calls.append(list(texts))
        if self.fail:
            raise RuntimeError("backend exploded")
        out = np.zeros((len(texts), 4), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, len(text) % 4] = 1.0
            out[row, 3] = len(text)
        return out


def test_rows_come_back_in_the_callers_order_for_small_and_bulk_requests():
    enc = Recording()
    texts = ["ccc", "a", "bb", "dddd"]
    assert enc.embed(texts)[:, 3].tolist() == [3, 1, 2, 4]
    bulk = [("x" * (i % 7 + 1)) for i in range(INTERACTIVE_MAX + 10)]
    assert enc.embed(bulk)[:, 3].tolist() == [len(t) for t in bulk]
    assert enc.embed([]).shape == (0, 4)


def test_waiting_requests_are_encoded_together_in_one_batch():
    enc = Recording()
    enc.gate.clear()
    with ThreadPoolExecutor(9) as pool:
        first = pool.submit(enc.embed, ["the first"])
        assert enc.entered.wait(5)  # the lane is busy with the first request
        rest = [pool.submit(enc.embed, [f"query number {i}"]) for i in range(8)]
        while sum(len(w) for w in enc._inflight.values()) < 9:
            threading.Event().wait(0.001)
        enc.gate.set()
        assert first.result(5)[0, 3] == len("the first")
        assert [f.result(5)[0, 3] for f in rest] == [len(f"query number {i}") for i in range(8)]
    assert len(enc.calls) == 2 and sorted(enc.calls[1]) == sorted(f"query number {i}" for i in range(8))


def test_the_same_text_asked_at_once_is_encoded_once_and_then_cached():
    enc = Recording()
    enc.gate.clear()
    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(enc.embed, ["where is my parcel"]) for _ in range(6)]
        assert enc.entered.wait(5)
        enc.gate.set()
        vectors = [f.result(5) for f in futures]
    assert all(np.array_equal(v, vectors[0]) for v in vectors)
    enc.embed(["where is my parcel"])
    assert sum(c.count("where is my parcel") for c in enc.calls) == 1


def test_bulk_work_is_not_cached():
    enc = Recording()
    bulk = [f"chunk {i}" for i in range(INTERACTIVE_MAX + 1)]
    enc.embed(bulk)
    enc.embed(bulk[:1])
    assert sum(c.count("chunk 0") for c in enc.calls) == 2


def test_a_backend_failure_reaches_every_waiting_caller_and_the_lane_keeps_working():
    enc = Recording(fail=True)
    enc.gate.clear()
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(enc.embed, [f"text {i}"]) for i in range(3)]
        assert enc.entered.wait(5)
        enc.gate.set()
        for f in futures:
            with pytest.raises(Unavailable, match="backend exploded"):
                f.result(5)
    enc.fail = False
    assert enc.embed(["text 0"])[0, 3] == 6  # not cached as a failure, encoded again
    assert not enc._inflight


def test_a_closed_embedder_refuses_work():
    enc = Recording()
    enc.close()
    with pytest.raises(Unavailable, match="closed"):
        enc.embed(["x"])


# ---- the real model ------------------------------------------------------------------------------------

SAMPLES = [
    "I forgot my password and cannot sign in",
    "Wo ist mein Paket?",
    "  leading and trailing spaces  ",
    "",
    "refund " * 400,  # longer than the model's 256 tokens: truncated the same way
]


@pytest.fixture(scope="module")
def torch_embedder():
    return make_embedder(backend="torch")


def test_onnx_gives_the_vectors_sentence_transformers_gives(real_embedder, torch_embedder):
    onnx = real_embedder.inner
    assert onnx.backend == "onnx" and torch_embedder.backend == "torch"
    got, want = onnx.embed(SAMPLES), torch_embedder.embed(SAMPLES)
    assert got.shape == want.shape == (len(SAMPLES), 384)
    assert np.abs(got - want).max() < 1e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_a_cached_graph_that_no_longer_reproduces_its_probes_is_refused(tmp_path: Path, real_embedder):
    cache = tmp_path / "models"
    graph, _ = prepare_onnx(Path(real_embedder.inner._model_path), cache)
    meta_file = graph.with_suffix(".json")
    meta = json.loads(meta_file.read_text())
    meta["probe_vectors"][0][0] += 0.5
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(Unavailable, match="does not reproduce its probe vectors"):
        OnnxEmbedder(cache_dir=cache)
    fallback = make_embedder(backend="auto", cache_dir=cache)
    assert fallback.backend == "torch"  # auto falls back and says so in the log


# ---- int8 (ASSIST_EMBEDDING_PRECISION=int8) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def int8_embedder(tmp_path_factory):
    cache = tmp_path_factory.mktemp("int8-models")
    return make_embedder(backend="onnx", cache_dir=cache, precision="int8"), cache


@pytest.mark.slow
def test_int8_vectors_stay_close_to_the_float_ones_and_do_not_depend_on_their_batch(int8_embedder, real_embedder):
    int8, _ = int8_embedder
    assert int8.precision == "int8" and int8.model_name.endswith("-int8")
    texts = [s for s in SAMPLES if s.strip()]
    got, want = int8.embed(texts), real_embedder.inner.embed(texts)
    cosine = (got * want).sum(1)
    assert cosine.min() > 0.95 and np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    alone = np.stack([int8._encode([t])[0] for t in texts])  # one at a time, not through the cache
    together = int8._encode(texts)
    assert np.abs(alone - together).max() < 1e-6


@pytest.mark.slow
def test_an_int8_model_that_drifts_too_far_is_refused_and_float_runs_instead(int8_embedder, monkeypatch):
    from service.adapters import embedder as module

    _, cache = int8_embedder
    for stale in cache.glob("*-int8.*"):
        stale.unlink()
    monkeypatch.setattr(module, "INT8_MIN_COSINE", 0.9999)
    with pytest.raises(Unavailable, match="drifts from the float one"):
        OnnxEmbedder(cache_dir=cache, precision="int8")
    fallback = make_embedder(backend="onnx", cache_dir=cache, precision="int8")
    assert fallback.precision == "float32"  # with a warning in the log
    assert not list(cache.glob("*-int8.onnx"))  # nothing half-written is left to be trusted


def test_the_precision_setting_is_validated():
    from service.settings import Settings, SettingsError

    assert Settings.from_env({}).models.embedding_precision == "float32"
    assert Settings.from_env({"ASSIST_EMBEDDING_PRECISION": "int8"}).models.embedding_precision == "int8"
    with pytest.raises(SettingsError, match="ASSIST_EMBEDDING_PRECISION"):
        Settings.from_env({"ASSIST_EMBEDDING_PRECISION": "int4"})
