"""The abstention threshold, chosen per taxonomy when it is trained.

A new user loading their own taxonomy should get a threshold that fits it, not a constant: at
training time the classifier holds out a stratified share of the taxonomy's own examples (and of
its out-of-scope examples, if any), fits on the rest, and picks the threshold on what it held
out. The trade-off, documented in the README: the highest threshold (so the most out-of-scope
queries refused) whose in-scope accuracy on the held-out examples, counting an abstention as
wrong, is at most ``max_in_scope_loss`` below the accuracy without abstaining. A higher
``max_in_scope_loss`` refuses more out-of-scope queries and more in-scope ones.
"""

from __future__ import annotations

import numpy as np

DEFAULT_THRESHOLD = 0.5
"""Used when a taxonomy has too few examples to hold any out."""


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, in_scope: np.ndarray,
                     max_in_scope_loss: float) -> float:
    """The highest confidence threshold whose held-out in-scope accuracy (abstaining counts as
    wrong) is within ``max_in_scope_loss`` of the accuracy without abstention.

    ``confidence``: calibrated confidence of each held-out example; ``correct``: its best intent
    is its label; ``in_scope``: it is an intent's example (not an out-of-scope one).
    """
    conf = np.asarray(confidence, dtype=np.float64)[np.asarray(in_scope, dtype=bool)]
    ok = np.asarray(correct, dtype=bool)[np.asarray(in_scope, dtype=bool)]
    if not len(conf):
        return DEFAULT_THRESHOLD
    floor = ok.mean() - max_in_scope_loss - 1e-12
    best = 0.0
    for t in np.unique(conf):  # ascending; accuracy with abstention only falls as t rises
        if (ok & (conf >= t)).mean() < floor:
            break
        best = float(t)
    return best
