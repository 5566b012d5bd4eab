"""Agreement between automated codes and human codes: F1, AUC, Krippendorff's alpha."""

from __future__ import annotations

from collections.abc import Sequence

import krippendorff
import numpy as np
from sklearn.metrics import f1_score, roc_auc_score

from analysis import schema as S


def krippendorff_alpha(a: Sequence, b: Sequence) -> float:
    """Nominal Krippendorff's alpha between two coders (e.g. machine and human)."""
    labels = sorted(set(a) | set(b), key=str)
    if len(labels) < 2:
        return float("nan")
    index = {label: i for i, label in enumerate(labels)}
    data = np.array([[index[x] for x in a], [index[x] for x in b]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def agreement(
    human: Sequence[str],
    machine: Sequence[str],
    labels: Sequence[str],
    proba: np.ndarray | None = None,
    proba_classes: Sequence[str] | None = None,
) -> list[dict]:
    """Tidy rows (metric, label, value): F1 per label, macro F1, alpha, and AUC from scores.

    ``proba`` holds a score per row for each of ``proba_classes``; AUC is one-vs-rest for
    each label and macro-averaged.
    """
    human = np.asarray(human, dtype=object)
    machine = np.asarray(machine, dtype=object)
    rows = []
    per_label = f1_score(human, machine, labels=list(labels), average=None, zero_division=0)
    for label, f1 in zip(labels, per_label, strict=True):
        rows.append(
            {
                S.METRIC: "f1",
                S.LABEL: label,
                S.VALUE: float(f1),
                S.SUPPORT: int((human == label).sum()),
            }
        )
    rows.append(
        {
            S.METRIC: "f1_macro",
            S.LABEL: None,
            S.VALUE: float(np.mean(per_label)),
            S.SUPPORT: len(human),
        }
    )
    rows.append(
        {
            S.METRIC: "accuracy",
            S.LABEL: None,
            S.VALUE: float((human == machine).mean()),
            S.SUPPORT: len(human),
        }
    )
    rows.append(
        {
            S.METRIC: "krippendorff_alpha",
            S.LABEL: None,
            S.VALUE: krippendorff_alpha(list(human), list(machine)),
            S.SUPPORT: len(human),
        }
    )
    if proba is not None and proba_classes is not None:
        aucs = []
        for j, label in enumerate(proba_classes):
            truth = human == label
            if truth.all() or not truth.any():
                continue
            auc = float(roc_auc_score(truth, proba[:, j]))
            aucs.append(auc)
            rows.append(
                {S.METRIC: "auc", S.LABEL: label, S.VALUE: auc, S.SUPPORT: int(truth.sum())}
            )
        if aucs:
            rows.append(
                {
                    S.METRIC: "auc_macro",
                    S.LABEL: None,
                    S.VALUE: float(np.mean(aucs)),
                    S.SUPPORT: len(human),
                }
            )
    return rows
