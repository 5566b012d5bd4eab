"""Agreement between automated codes and human codes: F1, AUC, Krippendorff's alpha."""

from __future__ import annotations

from collections.abc import Sequence

import krippendorff
import numpy as np
from sklearn.metrics import f1_score, roc_auc_score


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
                "metric": "f1",
                "label": label,
                "value": float(f1),
                "support": int((human == label).sum()),
            }
        )
    rows.append(
        {
            "metric": "f1_macro",
            "label": None,
            "value": float(np.mean(per_label)),
            "support": len(human),
        }
    )
    rows.append(
        {
            "metric": "accuracy",
            "label": None,
            "value": float((human == machine).mean()),
            "support": len(human),
        }
    )
    rows.append(
        {
            "metric": "krippendorff_alpha",
            "label": None,
            "value": krippendorff_alpha(list(human), list(machine)),
            "support": len(human),
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
                {"metric": "auc", "label": label, "value": auc, "support": int(truth.sum())}
            )
        if aucs:
            rows.append(
                {
                    "metric": "auc_macro",
                    "label": None,
                    "value": float(np.mean(aucs)),
                    "support": len(human),
                }
            )
    return rows
