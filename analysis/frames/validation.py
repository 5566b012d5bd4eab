"""Validate automated codes against human (gold) codes.

Every number here is out of sample. The codebook axis's presence threshold is chosen on
training folds and applied to the held-out fold (cross-fitting); the supervised
classifier is scored on folds it never saw. Folds are grouped by event where events are
known, else by article, so syndicated copies of one story never straddle a split.

Each frame is scored as a three-way code per sentence: its first pole, its second pole,
or ``none``. Every figure comes with a percentile interval from a bootstrap that resamples
the same groups the folds keep apart, and with its n.

With few coded sentences the folds shrink to what the rarest code allows; a frame whose
rarest code has fewer than two sentences cannot be cross-validated and gets no figures
(its n is still reported).
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
from analysis.frames.gold import GOLD_PREFIX, frame_gold
from analysis.frames.presence import f1_optimal_threshold
from analysis.frames.supervised import EmbeddingClassifier, out_of_fold_proba
from analysis.frames.thresholds import code_counts, too_small
from analysis.study import Frame

log = logging.getLogger(__name__)
NONE = S.NONE_CODE


def n_folds(labels: np.ndarray, groups: np.ndarray, wanted: int = 5) -> int:
    """As many folds as the rarest code and the number of groups allow, at most ``wanted``
    (fewer than two: no cross-validation is possible)."""
    if not len(labels):
        return 0
    rarest = int(pd.Series(labels).value_counts().min())
    return int(min(wanted, rarest, len(set(groups))))


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
    n_boot: int = 1000,
) -> list[dict]:
    """Agreement of the axis scorer, with its presence threshold cross-fitted."""
    framed = truth != NONE
    presence = np.where(framed, "framed", NONE)
    n_splits = n_folds(presence, groups, n_splits)
    if n_splits < 2 or framed.all():
        return []
    present = np.zeros(len(truth), dtype=bool)
    taus = []
    for train, test in _folds(presence, groups, n_splits, seed):
        tau, _ = f1_optimal_threshold(relevance[train], framed[train])
        taus.append(tau)
        present[test] = relevance[test] >= tau
    labels = [p.id for p in frame.poles] + [NONE]
    # Scores for AUC: lean toward each pole scaled by engagement, and lack of engagement.
    lean = np.clip(position, 0, None), np.clip(-position, 0, None)
    scores = np.column_stack([*lean[: len(frame.poles)], -relevance])
    rows = agreement(
        truth,
        axis_labels(position, present, frame),
        labels,
        scores,
        labels,
        groups=groups,
        n_boot=n_boot,
        seed=seed,
    )
    rows.append(_extra("threshold_mean", float(np.mean(taus)), len(truth)))
    rows.append(_extra("auc_presence", float(roc_auc_score(framed, relevance)), len(truth)))
    if frame.bipolar and framed.any():
        is_a = truth[framed] == frame.poles[0].id
        if 0 < is_a.sum() < len(is_a):
            auc = float(roc_auc_score(is_a, position[framed]))
            rows.append(_extra("auc_direction", auc, int(framed.sum())))
    return rows


def _extra(metric: str, value: float, support: int) -> dict:
    return {
        "metric": metric,
        "label": None,
        "value": value,
        "support": support,
        "ci_low": np.nan,
        "ci_high": np.nan,
    }


def validate_supervised(
    X: np.ndarray,
    truth: np.ndarray,
    frame: Frame,
    groups: np.ndarray,
    seed: int,
    n_splits: int = 5,
    n_boot: int = 1000,
) -> list[dict]:
    """Agreement of the embedding classifier, scored out of fold."""
    n_splits = n_folds(truth, groups, n_splits)
    if n_splits < 2 or len(set(truth)) < 2:
        return []
    proba, classes = out_of_fold_proba(
        EmbeddingClassifier(random_state=seed), X, truth, groups, n_splits=n_splits, seed=seed
    )
    predicted = classes[np.argmax(proba, axis=1)]
    labels = [p.id for p in frame.poles] + [NONE]
    return agreement(
        truth, predicted, labels, proba, list(classes), groups=groups, n_boot=n_boot, seed=seed
    )


def validate_codes(
    sentences: pd.DataFrame,
    X: np.ndarray,
    gold: pd.DataFrame,
    scorer: PoleAxisScorer,
    groups: np.ndarray,
    seed: int,
    min_gold_per_code: int,
    n_boot: int = 1000,
) -> pd.DataFrame:
    """The validation table: per frame the gold counts, the codebook axes and (when every
    code has ``min_gold_per_code`` examples) the classifier; and the voice rules. Each
    against the gold codes of the sentences coded on that field, with intervals from
    ``n_boot`` resamples of CV groups.

    ``X``, ``gold`` and ``groups`` are aligned with ``sentences``; the axes are validated
    whatever ``scoring.method`` the study uses.
    """
    all_positions, all_relevance = scorer.transform(X), scorer.relevance(X)
    blocks = []
    for j, frame in enumerate(scorer.codebook.frames):
        labels, coded = frame_gold(gold, frame)
        truth, frame_groups = labels[coded], groups[coded]
        counts = code_counts(gold, frame)
        blocks.append(("gold", frame.id, [_count(c, n) for c, n in counts.items()]))
        position, relevance = all_positions[coded, j], all_relevance[coded, j]
        axis = validate_axis(position, relevance, truth, frame, frame_groups, seed, n_boot=n_boot)
        blocks.append(("axis", frame.id, axis))
        if too_small(counts, min_gold_per_code):
            log.info(
                "validation %s: classifier not validated (gold codes %s; fewer than %d per code)",
                frame.id,
                counts,
                min_gold_per_code,
            )
            continue
        supervised = validate_supervised(X[coded], truth, frame, frame_groups, seed, n_boot=n_boot)
        blocks.append(("supervised", frame.id, supervised))
    voice = gold.get(GOLD_PREFIX + S.VOICE)
    if voice is not None and voice.notna().any():
        coded = voice.notna().to_numpy()
        rows = agreement(
            voice.to_numpy()[coded],
            sentences[S.VOICE].to_numpy()[coded],
            list(S.VOICES),
            groups=groups[coded],
            n_boot=n_boot,
            seed=seed,
        )
        blocks.append(("voice_rules", None, rows))
    return validation_table(blocks)


def _count(code: str, n: int) -> dict:
    return {
        S.METRIC: "n_gold",
        S.LABEL: code,
        S.VALUE: float(n),
        S.SUPPORT: n,
        S.CI_LOW: np.nan,
        S.CI_HIGH: np.nan,
    }


def validation_table(blocks: list[tuple[str, str | None, list[dict]]]) -> pd.DataFrame:
    rows = [{S.METHOD: method, S.FRAME: frame, **row} for method, frame, rs in blocks for row in rs]
    table = pd.DataFrame(rows, columns=list(S.VALIDATION.columns))
    return table.astype({S.VALUE: "float64", S.CI_LOW: "float64", S.CI_HIGH: "float64"})


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
