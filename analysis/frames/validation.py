"""Validate automated codes against human (gold) codes.

Every number here is out of sample. The codebook axis's presence threshold is chosen on
training folds and applied to the held-out fold (cross-fitting); the supervised
classifier is scored on folds it never saw. Folds are grouped by event where events are
known, else by article, so syndicated copies of one story never straddle a split.

Each frame is scored as a three-way code per sentence: its first pole, its second pole,
or ``none``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from analysis import schema as S
from analysis.frames.agreement import agreement
from analysis.frames.axes import PoleAxisScorer
from analysis.frames.gold import GOLD_PREFIX, NONE, gold_labels
from analysis.frames.presence import f1_optimal_threshold
from analysis.frames.supervised import EmbeddingClassifier, out_of_fold_proba
from analysis.study import Frame

log = logging.getLogger(__name__)

# Framed and unframed gold sentences a frame needs before it is cross-validated (one per
# fold of the default 5); with fewer its row says so instead.
MIN_PER_CLASS = 5


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
            S.METRIC: "threshold_mean",
            S.LABEL: None,
            S.VALUE: float(np.mean(taus)),
            S.SUPPORT: len(truth),
        }
    )
    rows.append(
        {
            S.METRIC: "auc_presence",
            S.LABEL: None,
            S.VALUE: float(roc_auc_score(framed, relevance)),
            S.SUPPORT: len(truth),
        }
    )
    if frame.bipolar and framed.any():
        is_a = truth[framed] == frame.poles[0].id
        if 0 < is_a.sum() < len(is_a):
            rows.append(
                {
                    S.METRIC: "auc_direction",
                    S.LABEL: None,
                    S.VALUE: float(roc_auc_score(is_a, position[framed])),
                    S.SUPPORT: int(framed.sum()),
                }
            )
    return rows


def validate_supervised(
    X: np.ndarray, truth: np.ndarray, frame: Frame, groups: np.ndarray, seed: int, n_splits: int = 5
) -> list[dict]:
    """Agreement of the embedding classifier, scored out of fold."""
    proba, classes = out_of_fold_proba(
        EmbeddingClassifier(random_state=seed), X, truth, groups, n_splits=n_splits, seed=seed
    )
    predicted = classes[np.argmax(proba, axis=1)]
    labels = [p.id for p in frame.poles] + [NONE]
    return agreement(truth, predicted, labels, proba, list(classes))


def validate_codes(
    sentences: pd.DataFrame,
    X: np.ndarray,
    gold: pd.DataFrame,
    scorer: PoleAxisScorer,
    groups: np.ndarray,
    seed: int,
) -> pd.DataFrame:
    """The validation table: the codebook axes and the classifier on every frame, and the
    voice rules, against the gold codes of the sentences coded for voice.

    ``X``, ``gold`` and ``groups`` are aligned with ``sentences``; the axes are validated
    whatever ``scoring.method`` the study uses.
    """
    coded = gold[GOLD_PREFIX + S.VOICE].notna().to_numpy()
    groups = groups[coded]
    all_positions, all_relevance = scorer.transform(X), scorer.relevance(X)
    blocks = []
    for j, frame in enumerate(scorer.codebook.frames):
        truth = gold_labels(gold[GOLD_PREFIX + S.POLE], frame)[coded]
        n_framed = int((truth != NONE).sum())
        if n_framed < MIN_PER_CLASS or len(truth) - n_framed < MIN_PER_CLASS:
            # Cross-validation needs both kinds in every fold: say so in the table.
            log.warning(
                "frame %s not validated: the gold codes have %d framed and %d unframed "
                "sentences (need %d of each)",
                frame.id,
                n_framed,
                len(truth) - n_framed,
                MIN_PER_CLASS,
            )
            row = {S.METRIC: "not_validated_n_framed", S.LABEL: None, S.VALUE: float(n_framed)}
            blocks.append(("axis", frame.id, [{**row, S.SUPPORT: len(truth)}]))
            continue
        position = all_positions[coded, j]
        relevance = all_relevance[coded, j]
        blocks.append(
            ("axis", frame.id, validate_axis(position, relevance, truth, frame, groups, seed))
        )
        blocks.append(
            ("supervised", frame.id, validate_supervised(X[coded], truth, frame, groups, seed))
        )
    voice_truth = gold[GOLD_PREFIX + S.VOICE].to_numpy()[coded]
    voice_pred = sentences[S.VOICE].to_numpy()[coded]
    blocks.append(("voice_rules", None, agreement(voice_truth, voice_pred, list(S.VOICES))))
    return validation_table(blocks)


def validation_table(blocks: list[tuple[str, str | None, list[dict]]]) -> pd.DataFrame:
    rows = [{S.METHOD: method, S.FRAME: frame, **row} for method, frame, rs in blocks for row in rs]
    return pd.DataFrame(rows, columns=list(S.VALIDATION.columns))


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
        (r[S.METRIC], r[S.LABEL]): r[S.VALUE]
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
