"""When does a sentence engage a frame at all? A relevance threshold per frame.

The threshold is chosen on gold codes where a study has them (the F1-optimal cut for
"the sentence carries one of this frame's poles"), and otherwise taken from study.yaml.
Either way it is written to the ``frame_thresholds`` table, so the paper can report it.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve


def f1_optimal_threshold(relevance: np.ndarray, framed: np.ndarray) -> tuple[float, float]:
    """(threshold, F1) maximising F1 of ``relevance >= threshold`` against ``framed``."""
    framed = np.asarray(framed, dtype=bool)
    if framed.all() or not framed.any():
        raise ValueError("gold codes must contain both framed and unframed sentences")
    precision, recall, thresholds = precision_recall_curve(framed, relevance)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = int(np.argmax(f1[:-1]))  # the last point has no threshold
    return float(thresholds[best]), float(f1[best])
