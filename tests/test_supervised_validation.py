import numpy as np
import pandas as pd
import pytest

from analysis.frames.agreement import agreement, krippendorff_alpha
from analysis.frames.supervised import EmbeddingClassifier, cross_fitted_proba, out_of_fold_proba
from analysis.frames.validation import axis_labels, validate_axis
from analysis.study import Codebook
from tests.conftest import TINY_CODEBOOK

CODEBOOK = Codebook.model_validate(TINY_CODEBOOK)
FRAME = CODEBOOK.frames[0]


def test_krippendorff_alpha_by_hand():
    # Pairs (0,0) (1,1) (1,0) (0,0): D_o = 2/8, D_e = 2*5*3/(8*7) -> alpha = 1 - 7/15
    assert krippendorff_alpha([0, 1, 1, 0], [0, 1, 0, 0]) == pytest.approx(8 / 15)
    assert krippendorff_alpha(list("abab"), list("abab")) == pytest.approx(1.0)


def test_agreement_rows_by_hand():
    human = ["a", "a", "b", "none"]
    machine = ["a", "b", "b", "none"]
    rows = {
        (r["metric"], r["label"]): r["value"] for r in agreement(human, machine, ["a", "b", "none"])
    }
    assert rows[("f1", "a")] == pytest.approx(2 / 3)  # P=1, R=1/2
    assert rows[("f1", "b")] == pytest.approx(2 / 3)  # P=1/2, R=1
    assert rows[("f1", "none")] == 1.0
    assert rows[("accuracy", None)] == 0.75


def planted(n=600, d=16, seed=0):
    """Embeddings with a planted frame: pole A along e0, pole B along e1, none elsewhere."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(["heroic_sacrifice", "cannon_fodder", "none"], size=n, p=[0.2, 0.2, 0.6])
    X = rng.normal(size=(n, d))
    X[labels == "heroic_sacrifice", 0] += 2.5
    X[labels == "cannon_fodder", 1] += 2.5
    groups = np.repeat(np.arange(n // 6), 6)
    return X / np.linalg.norm(X, axis=1, keepdims=True), labels, groups


def test_classifier_recovers_planted_classes_out_of_fold():
    X, y, groups = planted()
    proba, classes = out_of_fold_proba(EmbeddingClassifier(), X, y, groups, n_splits=4)
    predicted = classes[proba.argmax(axis=1)]
    rows = {
        (r["metric"], r["label"]): r["value"]
        for r in agreement(y, predicted, list(classes), proba, list(classes))
    }
    assert rows[("f1_macro", None)] > 0.8
    assert rows[("auc_macro", None)] > 0.9
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)  # calibrated probabilities


def test_cross_fitting_never_scores_a_coded_sentence_with_its_own_label():
    X, y, groups = planted(n=300)
    # Shuffled labels carry no signal: in-sample fits would still "predict" them well,
    # out-of-fold ones cannot.
    y_noise = np.random.default_rng(1).permutation(y)
    coded = np.ones(len(y), dtype=bool)
    proba, classes = cross_fitted_proba(X, y_noise, coded, groups, seed=0, n_splits=3)
    accuracy = (classes[proba.argmax(axis=1)] == y_noise).mean()
    majority = pd.Series(y_noise).value_counts(normalize=True).max()
    assert accuracy <= majority + 0.05


def test_axis_labels_and_validation():
    position = np.array([0.3, -0.2, 0.1, -0.4, 0.0, 0.05] * 20)
    relevance = np.array([0.6, 0.6, 0.2, 0.7, 0.1, 0.1] * 20)
    truth = np.array(
        ["heroic_sacrifice", "cannon_fodder", "none", "cannon_fodder", "none", "none"] * 20,
        dtype=object,
    )
    present = relevance >= 0.5
    assert list(axis_labels(position, present, FRAME)[:6]) == [
        "heroic_sacrifice",
        "cannon_fodder",
        "none",
        "cannon_fodder",
        "none",
        "none",
    ]
    rows = {
        (r["metric"], r["label"]): r["value"]
        for r in validate_axis(position, relevance, truth, FRAME, np.arange(120) // 6, seed=0)
    }
    assert rows[("f1_macro", None)] == 1.0
    assert rows[("auc_direction", None)] == 1.0
    assert rows[("threshold_mean", None)] == pytest.approx(0.6)
