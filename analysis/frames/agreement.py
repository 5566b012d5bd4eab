"""Agreement between codes: among human coders, and between humans and the machine.

**Intercoder reliability** is Krippendorff's alpha for nominal codes, computed from the
coincidence matrix (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"):
any number of coders, missing codes allowed, units coded once ignored. Its interval
resamples *units* (sentences) with replacement: each unit's contribution to the
coincidence matrix is computed once, and a bootstrap replicate is a weighted sum of them,
so thousands of replicates cost one matrix product.

**Human vs machine** agreement (F1 per code, macro F1, accuracy, alpha, AUC) comes with
percentile intervals from a cluster bootstrap: sentences of one event (or article) are
resampled together, because they are not independent draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.metrics import f1_score, roc_auc_score

from analysis.stats.bootstrap import unit_rng


def krippendorff_alpha(a: Sequence, b: Sequence) -> float:
    """Nominal Krippendorff's alpha between two coders (e.g. machine and human)."""
    labels = sorted(set(a) | set(b), key=str)
    if len(labels) < 2:
        return float("nan")
    index = {label: i for i, label in enumerate(labels)}
    data = np.array([[index[x] for x in a], [index[x] for x in b]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


# --- intercoder reliability ------------------------------------------------------------


def unit_coincidences(values: np.ndarray, n_categories: int) -> np.ndarray:
    """Each unit's coincidence matrix, (units, k, k), from a (units, coders) array of
    category indices (-1: not coded). Units with fewer than two codes contribute zeros."""
    n_units = values.shape[0]
    counts = np.zeros((n_units, n_categories))
    rows, cols = np.nonzero(values >= 0)
    np.add.at(counts, (rows, values[rows, cols]), 1)
    m = counts.sum(axis=1)
    pairable = m >= 2
    out = counts[:, :, None] * counts[:, None, :]
    idx = np.arange(n_categories)
    out[:, idx, idx] -= counts
    out[pairable] /= (m[pairable] - 1)[:, None, None]
    out[~pairable] = 0.0
    return out


def alpha_from_coincidence(o: np.ndarray) -> np.ndarray:
    """Nominal alpha from coincidence matrices (..., k, k); NaN where codes never vary."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    observed = n - np.trace(o, axis1=-2, axis2=-1)  # off-diagonal mass
    expected = n**2 - (n_c**2).sum(axis=-1)  # sum over c != k of n_c n_k
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1) * observed / expected
    return np.where(expected > 0, alpha, np.nan)


def resample_counts(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    """(n_boot, n): how often each of ``n`` units is drawn in each bootstrap replicate."""
    draws = rng.integers(0, n, size=(n_boot, n)) + (np.arange(n_boot) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=n_boot * n).reshape(n_boot, n)


@dataclass(frozen=True)
class Reliability:
    alpha: float
    ci_low: float
    ci_high: float
    n_units: int  # units coded by at least two coders
    n_codes: int  # codes in those units (the pairable values)
    n_coders: int
    n_disagreements: int  # units whose coders did not all agree
    n_boot_used: int  # replicates where alpha was defined


def intercoder_alpha(
    codes: pd.DataFrame,
    unit: str | list[str],
    coder: str,
    value: str,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    label: str = "",
) -> Reliability:
    """Krippendorff's alpha (nominal) over the units of ``codes`` that two or more coders
    coded, with a percentile interval from resampling those units.

    ``codes`` is long: one row per unit and coder, ``value`` null where not coded.
    """
    unit = [unit] if isinstance(unit, str) else list(unit)
    coded = codes[codes[value].notna()]
    unit_index = (
        coded.groupby(unit, sort=True).ngroup().to_numpy() if len(coded) else np.zeros(0, np.int64)
    )
    coder_index, coders = pd.factorize(coded[coder], sort=True)
    category, categories = pd.factorize(coded[value].astype(str), sort=True)
    values = np.full((unit_index.max() + 1 if len(coded) else 0, len(coders)), -1, np.int64)
    values[unit_index, coder_index] = category  # a coder's last code of a unit counts
    pairable = (values >= 0).sum(axis=1) >= 2
    values = values[pairable]
    n_units = int(pairable.sum())
    masked = np.where(values >= 0, values, values.max(initial=0) + 1)
    low = masked.min(axis=1)
    high = np.where(values >= 0, values, -1).max(axis=1)
    n_disagree = int((low != high).sum())
    if n_units == 0 or len(categories) == 0:
        return Reliability(np.nan, np.nan, np.nan, 0, 0, len(coders), 0, 0)
    per_unit = unit_coincidences(values, len(categories))
    alpha = float(alpha_from_coincidence(per_unit.sum(axis=0)))
    rng = unit_rng(seed, "intercoder", label)
    weights = resample_counts(rng, n_units, n_boot)
    boot = alpha_from_coincidence(
        (weights @ per_unit.reshape(n_units, -1)).reshape(n_boot, *per_unit.shape[1:])
    )
    boot = boot[np.isfinite(boot)]
    lo, hi = np.quantile(boot, [(1 - ci) / 2, (1 + ci) / 2]) if len(boot) else (np.nan, np.nan)
    return Reliability(
        alpha=alpha,
        ci_low=float(lo),
        ci_high=float(hi),
        n_units=n_units,
        n_codes=int((values >= 0).sum()),
        n_coders=len(coders),
        n_disagreements=n_disagree,
        n_boot_used=len(boot),
    )


# --- human vs machine ------------------------------------------------------------------


def agreement(
    human: Sequence[str],
    machine: Sequence[str],
    labels: Sequence[str],
    proba: np.ndarray | None = None,
    proba_classes: Sequence[str] | None = None,
    groups: Sequence | None = None,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int = 0,
) -> list[dict]:
    """Tidy rows (metric, label, value, support, ci_low, ci_high): F1 per label, macro F1,
    accuracy, alpha, and AUC from scores.

    ``proba`` holds a score per row for each of ``proba_classes``; AUC is one-vs-rest for
    each label and macro-averaged. With ``n_boot`` > 0, intervals resample ``groups``
    (clusters of rows, e.g. events; default: each row alone).
    """
    human = np.asarray(human, dtype=object)
    machine = np.asarray(machine, dtype=object)
    labels = list(labels)
    rows = []
    per_label = f1_score(human, machine, labels=labels, average=None, zero_division=0)
    for label, f1 in zip(labels, per_label, strict=True):
        rows.append(_row("f1", label, f1, int((human == label).sum())))
    rows.append(_row("f1_macro", None, np.mean(per_label), len(human)))
    rows.append(_row("accuracy", None, (human == machine).mean(), len(human)))
    rows.append(
        _row("krippendorff_alpha", None, krippendorff_alpha(list(human), list(machine)), len(human))
    )
    aucs = {}
    if proba is not None and proba_classes is not None:
        for j, label in enumerate(proba_classes):
            truth = human == label
            if truth.all() or not truth.any():
                continue
            aucs[label] = j
            rows.append(_row("auc", label, roc_auc_score(truth, proba[:, j]), int(truth.sum())))
        if aucs:
            mean = np.mean([r["value"] for r in rows if r["metric"] == "auc"])
            rows.append(_row("auc_macro", None, mean, len(human)))
    if n_boot and len(human):
        bounds = _bootstrap_bounds(human, machine, labels, proba, aucs, groups, n_boot, ci, seed)
        for r in rows:
            r["ci_low"], r["ci_high"] = bounds.get((r["metric"], r["label"]), (np.nan, np.nan))
    return rows


def _row(metric: str, label: str | None, value: float, support: int) -> dict:
    return {
        "metric": metric,
        "label": label,
        "value": float(value),
        "support": int(support),
        "ci_low": np.nan,
        "ci_high": np.nan,
    }


def _bootstrap_bounds(
    human: np.ndarray,
    machine: np.ndarray,
    labels: list[str],
    proba: np.ndarray | None,
    aucs: dict[str, int],
    groups: Sequence | None,
    n_boot: int,
    ci: float,
    seed: int,
) -> dict[tuple[str, str | None], tuple[float, float]]:
    """Percentile bounds of every metric, resampling clusters of rows.

    The confusion matrix of a replicate is a weighted sum of per-cluster confusion
    matrices, and its AUCs weighted Mann-Whitney statistics, so no metric is refitted.
    """
    cats = labels + sorted({str(x) for x in np.concatenate([human, machine])} - set(labels))
    index = {c: i for i, c in enumerate(cats)}
    k = len(cats)
    h = np.array([index[str(x)] for x in human])
    m = np.array([index[str(x)] for x in machine])
    cluster = pd.factorize(pd.Series(groups if groups is not None else np.arange(len(h))))[0]
    n_clusters = int(cluster.max()) + 1
    per_cluster = np.zeros((n_clusters, k, k))
    np.add.at(per_cluster, (cluster, h, m), 1)
    rng = unit_rng(seed, "agreement", *labels)
    w = resample_counts(rng, n_clusters, n_boot)
    conf = (w @ per_cluster.reshape(n_clusters, -1)).reshape(n_boot, k, k).astype(float)
    tp = np.diagonal(conf, axis1=1, axis2=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = conf.sum(axis=2) + conf.sum(axis=1)  # (true + predicted) per label
        f1 = np.where(denom > 0, 2 * tp / denom, 0.0)[:, : len(labels)]
        accuracy = tp.sum(axis=1) / conf.sum(axis=(1, 2))
    alpha = alpha_from_coincidence(conf + conf.transpose(0, 2, 1))
    stats: dict[tuple[str, str | None], np.ndarray] = {
        ("f1_macro", None): f1.mean(axis=1),
        ("accuracy", None): accuracy,
        ("krippendorff_alpha", None): alpha,
    }
    for j, label in enumerate(labels):
        stats[("f1", label)] = f1[:, j]
    if aucs and proba is not None:
        row_weights = w[:, cluster]  # (B, n): how often each row is drawn
        per_label = []
        for label, j in aucs.items():
            stats[("auc", label)] = _weighted_auc(human == label, proba[:, j], row_weights)
            per_label.append(stats[("auc", label)])
        stats[("auc_macro", None)] = np.nanmean(np.vstack(per_label), axis=0)
    q = [(1 - ci) / 2, (1 + ci) / 2]
    out = {}
    for key, values in stats.items():
        finite = values[np.isfinite(values)]
        out[key] = tuple(np.quantile(finite, q)) if len(finite) else (np.nan, np.nan)
    return out


def _weighted_auc(truth: np.ndarray, score: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """AUC per row of ``weights`` (B, n): P(score of a positive > a negative's), ties half."""
    levels, inverse = np.unique(score, return_inverse=True)
    n = len(score)
    # (n, levels) one-hot of each row's score level, split by class: weights @ it sums
    # each replicate's weights per score level.
    onehot = sparse.csr_matrix((np.ones(n), (np.arange(n), inverse)), shape=(n, len(levels)))
    pos = np.asarray(onehot.T @ (weights * truth).T).T
    neg = np.asarray(onehot.T @ (weights * ~truth).T).T
    neg_below = np.cumsum(neg, axis=1) - neg  # negatives with a strictly lower score
    wins = (pos * (neg_below + 0.5 * neg)).sum(axis=1)
    total = pos.sum(axis=1) * neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, wins / total, np.nan)
