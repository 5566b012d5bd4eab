"""Supervised frame scoring: a classifier on sentence embeddings, fitted on coded sentences.

Where human codes exist, a classifier can learn what the codebook's exemplars only
sketch. It is logistic regression on the (cached) sentence embeddings:

- class-balanced, because framed sentences are a minority;
- its regularisation strength chosen by cross-validation (macro F1);
- its probabilities calibrated (Platt scaling by default), so that P(pole) can be
  averaged into outlet shares;
- evaluated only out of fold, with folds grouped by article or event, so that a sentence
  and its syndicated copy never sit on both sides of a split.

The matrices are small (thousands × 384), so BLAS runs single-threaded here: on two
cores, multi-threaded BLAS made each fit some 40 times slower, not faster.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold, StratifiedKFold
from threadpoolctl import threadpool_limits


class EmbeddingClassifier(ClassifierMixin, BaseEstimator):
    """Class-balanced, cross-validated, calibrated logistic regression on embeddings."""

    def __init__(
        self,
        Cs: Sequence[float] = (0.1, 1.0, 10.0),
        cv: int = 5,
        calibration: str = "sigmoid",
        random_state: int = 0,
        max_iter: int = 3000,
    ):
        self.Cs = Cs
        self.cv = cv
        self.calibration = calibration
        self.random_state = random_state
        self.max_iter = max_iter

    def _folds(self, y, groups):
        n_splits = max(2, min(self.cv, int(np.min(np.unique(y, return_counts=True)[1]))))
        if groups is None:
            return StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
        return StratifiedGroupKFold(n_splits, shuffle=True, random_state=self.random_state)

    def fit(self, X, y, groups=None) -> EmbeddingClassifier:
        with threadpool_limits(1):
            return self._fit(X, y, groups)

    def _fit(self, X, y, groups) -> EmbeddingClassifier:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        base = LogisticRegression(class_weight="balanced", max_iter=self.max_iter)
        search = GridSearchCV(
            base, {"C": list(self.Cs)}, scoring="f1_macro", cv=self._folds(y, groups), n_jobs=1
        )
        search.fit(X, y, groups=groups)
        self.C_ = float(search.best_params_["C"])
        self.cv_f1_macro_ = float(search.best_score_)
        chosen = LogisticRegression(C=self.C_, class_weight="balanced", max_iter=self.max_iter)
        folds = list(self._folds(y, groups).split(X, y, groups))
        self.model_ = CalibratedClassifierCV(chosen, method=self.calibration, cv=folds)
        self.model_.fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        with threadpool_limits(1):
            return self.model_.predict_proba(np.asarray(X, dtype=np.float64))

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def out_of_fold_proba(
    estimator: EmbeddingClassifier,
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray | None,
    n_splits: int = 5,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities for every row from a model that never saw that row's group.

    Returns (proba with columns in ``classes``, classes).
    """
    y = np.asarray(y)
    classes = np.unique(y)
    folds = (
        StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed).split(X, y, groups)
        if groups is not None
        else StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(X, y)
    )
    proba = np.zeros((len(y), len(classes)))
    for train, test in folds:
        model = clone(estimator).fit(
            X[train], y[train], None if groups is None else np.asarray(groups)[train]
        )
        cols = np.searchsorted(classes, model.classes_)
        proba[np.ix_(test, cols)] = model.predict_proba(X[test])
    return proba, classes


def cross_fitted_proba(
    X: np.ndarray,
    labels: np.ndarray,
    coded: np.ndarray,
    groups: np.ndarray,
    seed: int,
    n_splits: int = 5,
    estimator: BaseEstimator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """P(class) for every sentence; coded sentences get out-of-fold predictions.

    A model fitted on all coded sentences scores the uncoded ones; each coded sentence is
    scored by a model that did not see its group, so a study's aggregates never contain
    a classifier's memory of its own training labels. ``estimator`` (default: the
    embedding classifier) is any classifier with ``fit(X, y, groups)``; ``X`` may be an
    array of texts.
    """
    if estimator is None:
        estimator = EmbeddingClassifier(random_state=seed)
    classes = np.unique(labels[coded])
    proba = np.zeros((len(X), len(classes)))
    if (~coded).any():  # a study whose every sentence is coded needs no full model
        full = clone(estimator).fit(X[coded], labels[coded], groups[coded])
        cols = np.searchsorted(classes, full.classes_)
        proba[np.ix_(np.flatnonzero(~coded), cols)] = full.predict_proba(X[~coded])
    oof, oof_classes = out_of_fold_proba(
        estimator, X[coded], labels[coded], groups[coded], n_splits=n_splits, seed=seed
    )
    proba[np.flatnonzero(coded)[:, None], np.searchsorted(classes, oof_classes)[None, :]] = oof
    return proba, classes
