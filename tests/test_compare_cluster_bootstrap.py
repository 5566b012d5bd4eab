"""The event-clustered bootstrap's pieces, checked by hand on tiny examples."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.compare.cluster_bootstrap import event_weights, interval

# Student-t quantiles from a printed table (two-sided 95%): t(0.975; df).
T_975 = {1: 12.706205, 4: 2.776445}


def test_t_interval_by_hand():
    """draws 1..5: sd 1.5811 (ddof 1); m = 5 events: CR1 factor sqrt(5/4), t with 4 df."""
    draws = np.arange(1.0, 6.0)[:, None]
    low, high = interval(np.array([3.0]), draws, np.array([5]), 0.95, "t")
    half = T_975[4] * np.sqrt(2.5) * np.sqrt(5 / 4)  # 4.908...
    assert low[0] == pytest.approx(3.0 - half, abs=1e-5)
    assert high[0] == pytest.approx(3.0 + half, abs=1e-5)


def test_t_interval_with_two_events_uses_one_degree_of_freedom():
    draws = np.array([[0.0], [2.0], [1.0], [1.0]])  # sd sqrt(2/3)
    low, high = interval(np.array([1.0]), draws, np.array([2]), 0.95, "t")
    half = T_975[1] * np.sqrt(2 / 3) * np.sqrt(2)
    assert (low[0], high[0]) == pytest.approx((1.0 - half, 1.0 + half), abs=1e-5)


def test_percentile_interval_by_hand():
    draws = np.arange(0.0, 101.0)[:, None]  # percentiles are the values themselves
    low, high = interval(np.array([50.0]), draws, np.array([30]), 0.95, "percentile")
    assert (low[0], high[0]) == pytest.approx((2.5, 97.5))


def test_too_few_events_or_draws_give_no_interval():
    draws = np.array([[1.0, 1.0], [2.0, np.nan], [3.0, np.nan]])
    low, high = interval(np.array([2.0, 1.0]), draws, np.array([1, 5]), 0.95, "t")
    assert np.isnan(low).all() and np.isnan(high).all()  # 1 event; 1 usable draw
    low, high = interval(np.array([2.0, 1.0]), draws, np.array([2, 2]), 0.95, "t")
    assert np.isfinite(low[0]) and np.isnan(low[1])


def test_each_draw_takes_as_many_events_as_there_are_uniformly():
    weights = event_weights(7, 4000, np.random.default_rng(0))
    assert weights.shape == (4000, 7)
    assert (weights.sum(axis=1) == 7).all()
    # each event is drawn once per draw on average (multinomial SE 0.015 here)
    np.testing.assert_allclose(weights.mean(axis=0), 1.0, atol=0.06)
