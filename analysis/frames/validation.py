"""Validate automated codes against human (gold) codes.

Every number here is out of sample. The codebook axis's presence threshold is chosen on
training folds and applied to the held-out fold (cross-fitting); the supervised
classifier is scored on folds it never saw. Folds are grouped by event where events are
known, else by article, so syndicated copies of one story never straddle a split.

Each frame is scored as a three-way code per sentence: its first pole, its second pole,
or ``none``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from analysis.frames.agreement import agreement
from analysis.frames.presence import f1_optimal_threshold
from analysis.frames.supervised import EmbeddingClassifier, out_of_fold_proba
from analysis.study import Frame

NONE = "none"
VALIDATION_COLUMNS = ["method", "frame", "metric", "label", "value", "support"]


def gold_labels(gold_pole: pd.Series, frame: Frame) -> np.ndarray:
    """Each sentence's gold code on ``frame``: one of its pole ids, or "none"."""
    poles = {p.id for p in frame.poles}
    return np.where(gold_pole.isin(poles), gold_pole.astype(object), NONE).astype(object)


def axis_labels(position: np.ndarray, present: np.ndarray, frame: Frame) -> np.ndarray:
    """Three-way codes from the codebook axis: the pole a present sentence leans to."""
    a = frame.poles[0].id
    b = frame.poles[1].id if frame.bipolar else a
    lean = np.where(position >= 0, a, b).astype(object)
    return np.where(present, lean, NONE).astype(object)


def _folds(labels: np.ndarray, groups: np.ndarray, n_splits: int, seed: int):
    return StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed).split(
        np.zeros(len(labels)), labels, groups
    )


def validate_axis(
    position: np.ndarray,
    relevance: np.ndarray,
    truth: np.ndarray,
    frame: Frame,
    groups: np.ndarray,
    seed: int,
    n_splits: int = 5,
) -> list[dict]:
    """Agreement of the axis scorer, with its presence threshold cross-fitted."""
    framed = truth != NONE
    present = np.zeros(len(truth), dtype=bool)
    taus = []
    for train, test in _folds(np.where(framed, "framed", NONE), groups, n_splits, seed):
        tau, _ = f1_optimal_threshold(relevance[train], framed[train])
        taus.append(tau)
        present[test] = relevance[test] >= tau
    labels = [p.id for p in frame.poles] + [NONE]
    # Scores for AUC: lean toward each pole scaled by engagement, and lack of engagement.
    lean = np.clip(position, 0, None), np.clip(-position, 0, None)
    scores = np.column_stack([*lean[: len(frame.poles)], -relevance])
    rows = agreement(truth, axis_labels(position, present, frame), labels, scores, labels)
    rows.append(
        {
            "metric": "threshold_mean",
            "label": None,
            "value": float(np.mean(taus)),
            "support": len(truth),
        }
    )
    rows.append(
        {
            "metric": "auc_presence",
            "label": None,
            "value": float(roc_auc_score(framed, relevance)),
            "support": len(truth),
        }
    )
    if frame.bipolar and framed.any():
        is_a = truth[framed] == frame.poles[0].id
        if 0 < is_a.sum() < len(is_a):
            rows.append(
                {
                    "metric": "auc_direction",
                    "label": None,
                    "value": float(roc_auc_score(is_a, position[framed])),
                    "support": int(framed.sum()),
                }
            )
    return rows


def validate_supervised(
    X: np.ndarray,
    truth: np.ndarray,
    frame: Frame,
    groups: np.ndarray,
    seed: int,
    n_splits: int = 5,
) -> list[dict]:
    """Agreement of the embedding classifier, scored out of fold."""
    proba, classes = out_of_fold_proba(
        EmbeddingClassifier(random_state=seed), X, truth, groups, n_splits=n_splits, seed=seed
    )
    predicted = classes[np.argmax(proba, axis=1)]
    labels = [p.id for p in frame.poles] + [NONE]
    return agreement(truth, predicted, labels, proba, list(classes))


def validation_table(blocks: list[tuple[str, str | None, list[dict]]]) -> pd.DataFrame:
    rows = [{"method": method, "frame": frame, **row} for method, frame, rs in blocks for row in rs]
    return pd.DataFrame(rows, columns=VALIDATION_COLUMNS)


def cross_validated_classifier(
    X: np.ndarray,
    labels: np.ndarray,
    positive: str,
    groups: np.ndarray | None = None,
    seed: int = 0,
    n_splits: int = 5,
) -> dict[str, float]:
    """Out-of-fold F1 (of ``positive``), macro F1, AUC and alpha of the embedding classifier.

    For sentence-level human labels such as BABE's biased / non-biased. The trivial
    baseline (labelling everything ``positive``) is reported beside it.
    """
    proba, classes = out_of_fold_proba(
        EmbeddingClassifier(random_state=seed), X, labels, groups, n_splits=n_splits, seed=seed
    )
    predicted = classes[proba.argmax(axis=1)]
    rows = {
        (r["metric"], r["label"]): r["value"]
        for r in agreement(labels, predicted, list(classes), proba, list(classes))
    }
    share = float(np.mean(labels == positive))
    return {
        "n": len(labels),
        "f1_positive": rows[("f1", positive)],
        "f1_macro": rows[("f1_macro", None)],
        "auc": rows[("auc", positive)],
        "krippendorff_alpha": rows[("krippendorff_alpha", None)],
        "accuracy": rows[("accuracy", None)],
        "positive_share": share,
        "f1_all_positive_baseline": 2 * share / (1 + share),
    }
