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
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold, StratifiedKFold
from threadpoolctl import threadpool_limits

from analysis import schema as S
from analysis.errors import StudyConfigError
from analysis.frames.axes import frame_score_table
from analysis.frames.gold import frame_gold
from analysis.frames.thresholds import code_counts, too_small
from analysis.study import Codebook


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


def _fold_models(
    estimator: EmbeddingClassifier,
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray | None,
    n_splits: int,
    seed: int,
):
    """(model fitted without the fold, the fold's row indices), fold by fold."""
    folds = (
        StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed).split(X, y, groups)
        if groups is not None
        else StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(X, y)
    )
    for train, test in folds:
        model = clone(estimator).fit(
            X[train], y[train], None if groups is None else np.asarray(groups)[train]
        )
        yield model, test


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
    proba = np.zeros((len(y), len(classes)))
    for model, test in _fold_models(estimator, X, y, groups, n_splits, seed):
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
    proba, _, classes = cross_fitted_units(
        X, labels, coded, groups, seed, X[:0], np.zeros(0, int), n_splits, estimator
    )
    return proba, classes


def cross_fitted_units(
    X: np.ndarray,
    labels: np.ndarray,
    coded: np.ndarray,
    groups: np.ndarray,
    seed: int,
    X_units: np.ndarray,
    unit_rows: np.ndarray,
    n_splits: int = 5,
    estimator: BaseEstimator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As :func:`cross_fitted_proba`, and P(class) for extra rows (a sentence's own and
    reported units, ``unit_rows`` giving each one's sentence row in ``X``): a unit of a
    coded sentence is scored by the model that did not see that sentence's group, so
    no view's aggregate holds the classifier's memory of a training label either.

    Returns (sentence proba, unit proba, classes).
    """
    if estimator is None:
        estimator = EmbeddingClassifier(random_state=seed)
    classes = np.unique(labels[coded])
    proba = np.zeros((len(X), len(classes)))
    unit_proba = np.zeros((len(X_units), len(classes)))
    unit_coded = coded[unit_rows] if len(unit_rows) else np.zeros(0, bool)
    if (~coded).any() or (~unit_coded).any():  # every row coded: no full model needed
        full = clone(estimator).fit(X[coded], labels[coded], groups[coded])
        cols = np.searchsorted(classes, full.classes_)
        if (~coded).any():
            proba[np.ix_(np.flatnonzero(~coded), cols)] = full.predict_proba(X[~coded])
        if (~unit_coded).any():
            rows = np.flatnonzero(~unit_coded)
            unit_proba[np.ix_(rows, cols)] = full.predict_proba(X_units[~unit_coded])
    coded_rows = np.flatnonzero(coded)
    y = np.asarray(labels[coded])
    for model, test in _fold_models(estimator, X[coded], y, groups[coded], n_splits, seed):
        cols = np.searchsorted(classes, model.classes_)
        proba[np.ix_(coded_rows[test], cols)] = model.predict_proba(X[coded_rows[test]])
        held_out = np.isin(unit_rows, coded_rows[test])
        if held_out.any():
            unit_proba[np.ix_(np.flatnonzero(held_out), cols)] = model.predict_proba(
                X_units[held_out]
            )
    return proba, unit_proba, classes


def cv_groups(articles: pd.DataFrame, sentences: pd.DataFrame) -> np.ndarray:
    """Cross-validation groups: each sentence's event when all are known, else its article."""
    if S.EVENT_ID in articles.columns and articles[S.EVENT_ID].notna().all():
        event = dict(zip(articles[S.DOC_ID], articles[S.EVENT_ID], strict=True))
        return sentences[S.DOC_ID].map(event).to_numpy()
    return sentences[S.DOC_ID].to_numpy()


def check_gold_size(gold: pd.DataFrame, codebook: Codebook, minimum: int) -> None:
    """Refuse to train on a gold set with fewer than ``minimum`` sentences of some code."""
    small = {f.id: code_counts(gold, f) for f in codebook.frames}
    small = {k: v for k, v in small.items() if too_small(v, minimum)}
    if small:
        raise StudyConfigError(
            "the gold set is too small to train a scorer on (supervised, finetuned): "
            + "; ".join(f"{k} {v}" for k, v in small.items())
            + f" (scoring.min_gold_per_code is {minimum})",
            hint="code more sentences (`framing annotate export`), or use "
            "`scoring: {method: axis}`",
        )


def supervised_scores(
    sentences: pd.DataFrame,
    X: np.ndarray,
    gold: pd.DataFrame,
    codebook: Codebook,
    groups: np.ndarray,
    seed: int,
    units: pd.DataFrame | None = None,
    X_units: np.ndarray | None = None,
    estimator: BaseEstimator | None = None,
    source: str = "supervised",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frame scores from classifiers fitted on the gold codes (cross-fitted where coded).

    Returns the frame_scores and frame_thresholds tables. Position is P(pole A) −
    P(pole B); relevance is P(pole A) + P(pole B); a frame is present where the
    classifier's most likely code is one of its poles' (relevance ≥ 0.5 is the same rule
    for three classes only approximately, so presence uses argmax). ``gold`` is aligned
    with ``sentences`` (:func:`analysis.frames.gold.study_gold`). ``units`` (the own and
    reported voice units, with their ``sent_key`` and ``view``) and their vectors are
    scored too, each by a model that never saw its sentence's group. ``estimator``
    (default: the embedding classifier) may take texts instead (``X`` and ``X_units`` are
    then arrays of texts); ``source`` names it in the thresholds table.
    """
    if units is None or X_units is None:
        units, X_units = sentences.iloc[0:0].assign(**{S.VIEW: []}), X[:0]
    row_of = {k: i for i, k in enumerate(sentences[S.SENT_KEY])}
    unit_rows = units[S.SENT_KEY].map(row_of).to_numpy(dtype=int)
    positions, relevance, present, rows = [], [], [], []
    for frame in codebook.frames:
        labels, coded = frame_gold(gold, frame)
        proba, unit_proba, classes = cross_fitted_units(
            X, labels, coded, groups, seed, X_units, unit_rows, estimator=estimator
        )
        both = np.vstack([proba, unit_proba])
        by_class = {c: both[:, i] for i, c in enumerate(classes)}
        zero = np.zeros(len(both))
        a = by_class.get(frame.poles[0].id, zero)
        b = by_class.get(frame.poles[1].id, zero) if frame.bipolar else zero
        positions.append(a - b)
        relevance.append(a + b)
        present.append(classes[both.argmax(axis=1)] != S.NONE_CODE)
        rows.append(
            {
                S.FRAME: frame.id,
                S.THRESHOLD: float("nan"),
                S.THRESHOLD_SOURCE: source,
                S.F1: None,
                S.N_CODED: int(coded.sum()),
                S.NOTE: None,
            }
        )
    keys = pd.concat([sentences.assign(**{S.VIEW: S.VIEWS[0]}), units], ignore_index=True)
    scores = frame_score_table(
        keys,
        [f.id for f in codebook.frames],
        np.clip(np.column_stack(positions), -1.0, 1.0),
        np.clip(np.column_stack(relevance), -1.0, 1.0),
        np.column_stack(present),
    )
    return scores, pd.DataFrame(rows)
