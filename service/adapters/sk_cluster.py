"""scikit-learn clustering behind the gaps :class:`~service.gaps.clustering.Clusterer` port."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import AgglomerativeClustering


DISTANCE = 0.55
"""Cosine distance at which merging stops; tuned on the dev split of the gaps eval (0.5 split
topics in two, 0.6 merged different topics)."""


class AgglomerativeClusterer:
    """Average-linkage agglomerative clustering on cosine distance, cut at ``distance``: no
    number of clusters to guess, deterministic, and fine for the few thousand signals of a
    tenant's month."""

    def __init__(self, distance: float = DISTANCE) -> None:
        self.distance = distance

    def labels(self, vectors: np.ndarray) -> list[int]:
        n = len(vectors)
        if n == 0:
            return []
        if n == 1:
            return [0]
        model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=self.distance)
        return [int(x) for x in model.fit_predict(np.asarray(vectors, dtype=np.float32))]
