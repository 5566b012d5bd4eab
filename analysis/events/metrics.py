"""How well inferred events match reference events: adjusted Rand index and B-cubed.

B-cubed (Bagga & Baldwin 1998; Amigó et al. 2009) scores each article: precision is the
share of its inferred event that truly shares its event, recall the share of its true
event that landed with it; both are averaged over articles. Unlike pair counting it
does not let a few large events dominate, and unlike purity it penalises both splitting
and merging.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.cluster import contingency_matrix


def bcubed(truth, predicted) -> tuple[float, float, float]:
    """(precision, recall, F1) averaged over items."""
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    if truth.shape != predicted.shape or truth.ndim != 1:
        raise ValueError("truth and predicted must be 1-d and of the same length")
    n = len(truth)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    # n_ij = items in true event i and predicted event j. An item in cell (i, j) has
    # precision n_ij / |pred j| and recall n_ij / |true i|; n_ij items share the cell.
    table = contingency_matrix(truth, predicted, sparse=True).tocoo()
    nij = table.data.astype(np.float64)
    pred_size = np.asarray(table.sum(axis=0)).ravel()[table.col]
    true_size = np.asarray(table.sum(axis=1)).ravel()[table.row]
    precision = float(np.sum(nij * nij / pred_size) / n)
    recall = float(np.sum(nij * nij / true_size) / n)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def alignment_scores(truth, predicted) -> dict[str, float]:
    """ARI, B-cubed precision/recall/F1 and the number of events on each side."""
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    p, r, f1 = bcubed(truth, predicted)
    return {
        "adjusted_rand_index": float(adjusted_rand_score(truth, predicted)),
        "bcubed_precision": p,
        "bcubed_recall": r,
        "bcubed_f1": f1,
        "n_articles": float(len(truth)),
        "n_reference_events": float(len(np.unique(truth))),
        "n_inferred_events": float(len(np.unique(predicted))),
    }
