"""Krippendorff's alpha between coders, and the intervals around agreement figures:
checked against a published hand calculation, the reference package, and by simulation
with planted agreement."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score, roc_auc_score

from analysis.frames.agreement import (
    _weighted_auc,
    agreement,
    alpha_from_coincidence,
    intercoder_alpha,
    unit_coincidences,
)

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four
# observers, twelve units, missing values; nominal alpha = 0.743 by hand.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    "C": [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
}


def long_codes(wide: dict[str, list]) -> pd.DataFrame:
    rows = [(u, c, v) for c, vals in wide.items() for u, v in enumerate(vals)]
    return pd.DataFrame(rows, columns=["unit", "coder", "code"])


def test_alpha_matches_krippendorffs_hand_calculation():
    r = intercoder_alpha(long_codes(KRIPPENDORFF_2011), "unit", "coder", "code", n_boot=200)
    assert r.alpha == pytest.approx(0.743, abs=5e-4)
    # unit 12 has a single code: not pairable
    assert (r.n_units, r.n_codes, r.n_coders) == (11, 40, 4)
    assert r.n_disagreements == 3  # units 2, 6 and 8
    assert r.ci_low < r.alpha <= r.ci_high <= 1


def test_alpha_equals_reference_package_with_missing_codes():
    rng = np.random.default_rng(4)
    for _ in range(20):
        n_units, n_coders = rng.integers(5, 40), rng.integers(2, 5)
        data = rng.integers(0, 4, size=(n_coders, n_units)).astype(float)
        data[rng.random(data.shape) < 0.25] = np.nan
        if np.isnan(data).all(axis=0).all():
            continue
        wide = {f"c{i}": list(row) for i, row in enumerate(data)}
        ours = intercoder_alpha(long_codes(wide), "unit", "coder", "code", n_boot=100).alpha
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert ours == pytest.approx(theirs, abs=1e-12, nan_ok=True)


def test_codes_may_be_strings():
    codes = pd.DataFrame(
        {
            "unit": [1, 1, 2, 2, 3, 3],
            "coder": ["a", "b"] * 3,
            "code": ["heroic", "heroic", "none", "fodder", "none", "none"],
        }
    )
    numeric = codes.assign(code=codes["code"].map({"heroic": 0, "none": 1, "fodder": 2}))
    a = intercoder_alpha(codes, "unit", "coder", "code", n_boot=100)
    b = intercoder_alpha(numeric, "unit", "coder", "code", n_boot=100)
    assert a.alpha == pytest.approx(b.alpha)
    assert a.n_disagreements == 1


def test_perfect_and_constant_agreement():
    same = pd.DataFrame(
        {"unit": [1, 1, 2, 2], "coder": ["a", "b"] * 2, "code": ["x", "x", "y", "y"]}
    )
    assert intercoder_alpha(same, "unit", "coder", "code", n_boot=100).alpha == 1.0
    constant = same.assign(code="x")  # no variation: alpha is undefined, not 1 or 0
    assert np.isnan(intercoder_alpha(constant, "unit", "coder", "code", n_boot=100).alpha)


def test_bootstrap_replicate_is_the_alpha_of_the_resampled_units():
    # The weighted sum of per-unit coincidences must equal alpha computed afresh on the
    # resampled units (each drawn unit counted as many times as it was drawn).
    rng = np.random.default_rng(1)
    values = rng.integers(0, 3, size=(30, 3))
    values[rng.random(values.shape) < 0.2] = -1
    per_unit = unit_coincidences(values, 3)
    draw = rng.integers(0, 30, size=30)
    weights = np.bincount(draw, minlength=30)
    via_weights = alpha_from_coincidence(np.tensordot(weights, per_unit, axes=1))
    resampled = values[draw].astype(float)
    resampled[resampled < 0] = np.nan
    fresh = krippendorff.alpha(reliability_data=resampled.T, level_of_measurement="nominal")
    assert via_weights == pytest.approx(fresh, abs=1e-12)


def simulate_two_coders(n_units: int, planted: float, p: np.ndarray, rng) -> pd.DataFrame:
    """Coder b copies coder a with probability ``planted``, else codes independently from
    the same distribution; the population alpha is then exactly ``planted``."""
    a = rng.choice(len(p), size=n_units, p=p)
    copy = rng.random(n_units) < planted
    b = np.where(copy, a, rng.choice(len(p), size=n_units, p=p))
    return long_codes({"a": list(a), "b": list(b)})


def test_interval_covers_planted_alpha_at_nominal_rate():
    rng = np.random.default_rng(20250210)
    p = np.array([0.6, 0.25, 0.15])  # "none" dominates, as in real coding
    planted, n_sims, covered = 0.7, 200, 0
    estimates = []
    for i in range(n_sims):
        codes = simulate_two_coders(120, planted, p, rng)
        r = intercoder_alpha(codes, "unit", "coder", "code", n_boot=400, seed=i)
        covered += r.ci_low <= planted <= r.ci_high
        estimates.append(r.alpha)
    coverage = covered / n_sims
    # 95% intervals: binomial sd over 200 simulations is 1.5 points; percentile intervals
    # of a ratio estimator run slightly narrow, so allow 0.90-0.99.
    assert 0.90 <= coverage <= 0.99, coverage
    assert np.mean(estimates) == pytest.approx(planted, abs=0.02)


def test_weighted_auc_equals_sklearn_with_ties_and_repeats():
    rng = np.random.default_rng(2)
    truth = rng.random(200) < 0.3
    score = np.round(rng.normal(size=200) + truth, 1)  # rounded: many ties
    assert _weighted_auc(truth, score, np.ones((1, 200)))[0] == pytest.approx(
        roc_auc_score(truth, score)
    )
    counts = rng.integers(0, 3, size=200)
    repeated = np.repeat(np.arange(200), counts)
    assert _weighted_auc(truth, score, counts[None, :])[0] == pytest.approx(
        roc_auc_score(truth[repeated], score[repeated])
    )


def test_agreement_intervals_bracket_the_estimates_and_shrink_with_n():
    rng = np.random.default_rng(3)
    labels = ["a", "b", "none"]

    def run(n):
        human = rng.choice(labels, size=n)
        machine = np.where(rng.random(n) < 0.7, human, rng.choice(labels, size=n))
        proba = rng.random((n, 3))
        rows = agreement(human, machine, labels, proba, labels, n_boot=500, seed=1)
        return {(r["metric"], r["label"]): r for r in rows}, human, machine

    small, human, machine = run(60)
    large, _, _ = run(2000)
    assert small[("f1_macro", None)]["value"] == pytest.approx(
        f1_score(human, machine, labels=labels, average="macro")
    )
    for key, r in small.items():
        assert r["ci_low"] <= r["value"] + 1e-9 and r["value"] <= r["ci_high"] + 1e-9, key
    width = {k: r["ci_high"] - r["ci_low"] for k, r in small.items()}
    for key in [("f1_macro", None), ("krippendorff_alpha", None), ("auc_macro", None)]:
        assert large[key]["ci_high"] - large[key]["ci_low"] < width[key] / 3


def test_agreement_interval_resamples_clusters():
    # Rows of one cluster agree or disagree together; a row bootstrap would understate
    # the uncertainty, a cluster bootstrap must not.
    rng = np.random.default_rng(5)
    n_clusters, size = 40, 25
    agree = np.repeat(rng.random(n_clusters) < 0.7, size)
    human = rng.choice(["a", "none"], size=n_clusters * size)
    machine = np.where(agree, human, np.where(human == "a", "none", "a"))
    groups = np.repeat(np.arange(n_clusters), size)
    by_row = agreement(human, machine, ["a", "none"], n_boot=500, seed=0)
    by_cluster = agreement(human, machine, ["a", "none"], groups=groups, n_boot=500, seed=0)
    acc = {r["metric"]: r for r in by_row}["accuracy"]
    acc_c = {r["metric"]: r for r in by_cluster}["accuracy"]
    assert acc_c["ci_high"] - acc_c["ci_low"] > 3 * (acc["ci_high"] - acc["ci_low"])
