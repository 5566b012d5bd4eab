import numpy as np
import pytest
from scipy import stats

from analysis.stats.bootstrap import bca_bounds, bias_correction, mean_ci, unit_rng


def test_bca_interval_covers_true_mean_at_nominal_rate():
    """Simulation with known truth: skewed data, n=25 articles, 95% intervals."""
    rng = np.random.default_rng(1)
    true_mean = 1.0  # exponential(1)
    hits, trials = 0, 400
    for t in range(trials):
        values = rng.exponential(1.0, size=25)
        _, low, high = mean_ci(values, n_boot=999, ci=0.95, rng=unit_rng(t, "sim"))
        hits += low <= true_mean <= high
    coverage = hits / trials
    # Binomial SE at 95% with 400 trials is 1.1 pp; BCa on n=25 skewed data runs ~1-2 pp low.
    assert 0.90 <= coverage <= 0.99, coverage


def test_degenerate_inputs_give_nan_interval_not_false_certainty():
    mean, low, high = mean_ci(np.array([0.3]), 200, 0.95, unit_rng(0))
    assert mean == 0.3 and np.isnan(low) and np.isnan(high)
    mean, low, high = mean_ci(np.array([0.2, 0.2, 0.2]), 200, 0.95, unit_rng(0))
    assert abs(mean - 0.2) < 1e-12 and np.isnan(low)


def test_same_seed_same_interval_and_labels_separate_streams():
    v = np.random.default_rng(3).normal(size=30)
    assert mean_ci(v, 500, 0.95, unit_rng(5, "a")) == mean_ci(v, 500, 0.95, unit_rng(5, "a"))
    assert mean_ci(v, 500, 0.95, unit_rng(5, "a")) != mean_ci(v, 500, 0.95, unit_rng(5, "b"))


def test_bca_equals_scipy_on_the_same_replicates_when_nothing_ties():
    """Hand-rolled BCa reproduces scipy's interval exactly on continuous data."""
    values = np.random.default_rng(11).lognormal(size=40)
    res = stats.bootstrap(
        (values,), np.mean, n_resamples=1999, method="BCa", rng=np.random.default_rng(2)
    )
    boot = res.bootstrap_distribution[None, :]
    jackknife = ((values.sum() - values) / (values.size - 1))[None, :]
    low, high = bca_bounds(np.array([values.mean()]), boot, jackknife, 0.95)
    assert low[0] == pytest.approx(res.confidence_interval.low, rel=1e-12)
    assert high[0] == pytest.approx(res.confidence_interval.high, rel=1e-12)


def test_ties_count_half_in_the_bias_correction():
    """Hand calculation: 1 replicate below, 2 tied, 1 above -> share 0.5 -> z0 = 0."""
    boot = np.array([[0.4, 0.5, 0.5, 0.6]])
    assert bias_correction(np.array([0.5]), boot)[0] == pytest.approx(0.0)
    # strictly below only (scipy's count) would give ndtri(0.25) = -0.674
    assert bias_correction(np.array([0.5]), np.array([[0.4, 0.5, 0.6, 0.6]]))[0] == pytest.approx(
        stats.norm.ppf(0.375)
    )


def test_last_bit_noise_does_not_move_the_interval():
    """Many articles with balance exactly 0: bootstrap means often tie with the mean.
    Noise far below any real difference (1e-15) must leave the bounds where they were."""
    values = np.array([0.0] * 8 + [0.05, -0.02, 0.013, 0.041])
    rng = np.random.default_rng(0)
    boot = values[rng.integers(0, values.size, (2000, values.size))].mean(axis=1)
    assert np.mean(np.abs(boot - values.mean()) < 1e-12) > 0.01  # ties are common here
    noisy = values + np.random.default_rng(1).normal(scale=1e-15, size=values.size)
    exact = mean_ci(values, 2000, 0.95, unit_rng(7, "x"))
    perturbed = mean_ci(noisy, 2000, 0.95, unit_rng(7, "x"))
    # counting ties as "above" (tolerance 0) moves the bounds by ~7e-5 here
    np.testing.assert_allclose(perturbed, exact, rtol=0, atol=1e-12)


def test_mean_ci_reproduces_scipys_bca_end_to_end_when_nothing_ties():
    """Same generator, same draws: resampling n of n units, the jackknife and BCa all
    agree with scipy.stats.bootstrap (the reference implementation) on continuous data."""
    values = np.random.default_rng(11).lognormal(size=40)
    res = stats.bootstrap(
        (values,), np.mean, n_resamples=1999, method="BCa", rng=np.random.default_rng(2)
    )
    mean, low, high = mean_ci(values, 1999, 0.95, np.random.default_rng(2))
    assert mean == pytest.approx(values.mean(), rel=1e-15)
    assert low == pytest.approx(res.confidence_interval.low, rel=1e-12)
    assert high == pytest.approx(res.confidence_interval.high, rel=1e-12)


def test_units_without_a_score_are_left_out_not_counted_as_zero():
    """An article with no sentence in a view scores NaN: it is not a unit of that view."""
    values = np.random.default_rng(4).normal(0.2, 0.1, size=30)
    with_gaps = np.insert(values, [3, 17, 30], np.nan)
    assert mean_ci(with_gaps, 500, 0.95, unit_rng(1, "o")) == mean_ci(
        values, 500, 0.95, unit_rng(1, "o")
    )
    assert np.isnan(mean_ci(np.array([np.nan, np.nan]), 500, 0.95, unit_rng(1))[0])
