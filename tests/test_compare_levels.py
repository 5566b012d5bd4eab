"""Levels of an outlet attribute compared within events: estimates against OLS and hand
calculations, degenerate levels, and calibration by simulation (a fast version of
benchmarks/compare_levels_calibration.py).

The simulation plants level effects and lets outlets differ within their level
(``simulate_level_cells``): y = mu_e + lambda_e * (gamma_g + u_o) + t_5 noise, with
u_o ~ N(0, 0.3) drawn afresh in every replication, so the truth is a property of the
population of outlets of each kind, and only intervals that resample outlets within
levels as well as events can cover it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from analysis import schema as S
from analysis.compare import Cells, LevelComparison, WithinEventComparison
from analysis.compare.levels import SCOPE_EVENTS, SCOPE_OUTLETS, TEST_LABELS, TEST_SWAPS
from analysis.compare.simulate import simulate_cells, simulate_level_cells


def level_index(names) -> np.ndarray:
    return np.array([int(str(n)[1:]) for n in names])


def test_level_effects_equal_ols_on_outlet_cells_with_event_fixed_effects():
    rng = np.random.default_rng(3)
    cells, level = simulate_level_cells(rng, 12, np.array([0.5, 0.0, -0.4]), 3)
    fit = LevelComparison(n_boot=100, n_perm=99).fit(cells, level)
    e, o = np.nonzero(cells.present)
    data = pd.DataFrame({"y": cells.values[e, o, 0], "level": level[o], "event": cells.events[e]})
    ols = smf.ols("y ~ C(level, Sum) + C(event)", data=data).fit()
    coef = ols.params.filter(like="level").to_numpy()
    ours = fit.effects_.set_index(S.LEVEL)[S.DIFF].loc[["g0", "g1", "g2"]].to_numpy()
    np.testing.assert_allclose(ours, np.append(coef, -coef.sum()), atol=1e-10)
    # The adjusted mean is the OLS prediction for the level, averaged over events.
    grid = pd.DataFrame(
        [(g, ev) for g in ("g0", "g1", "g2") for ev in cells.events], columns=["level", "event"]
    )
    predicted = grid.assign(y=ols.predict(grid)).groupby("level")["y"].mean()
    adjusted = fit.effects_.set_index(S.LEVEL)[S.ESTIMATE]
    np.testing.assert_allclose(adjusted.loc[predicted.index], predicted, atol=1e-10)


def test_one_outlet_per_level_reproduces_the_outlet_comparison():
    rng = np.random.default_rng(5)
    cells = simulate_cells(rng, 20, np.array([0.4, 0.0, -0.2, 0.1]))
    outlet = WithinEventComparison(n_boot=300, n_perm=199, seed=1).fit(cells)
    level = LevelComparison(n_boot=300, n_perm=199, seed=1).fit(cells, cells.outlets)
    eff = level.effects_
    np.testing.assert_allclose(eff[S.DIFF], outlet.effects_[S.ESTIMATE], atol=1e-12)
    np.testing.assert_allclose(eff[S.DIFF_CI_LOW], outlet.effects_[S.CI_LOW], atol=1e-12)
    np.testing.assert_allclose(eff[S.DIFF_CI_HIGH], outlet.effects_[S.CI_HIGH], atol=1e-12)
    assert set(eff[S.RESAMPLED]) == {SCOPE_EVENTS}
    pairs = level.pairs_
    for column in (S.ESTIMATE, S.CI_LOW, S.CI_HIGH, S.P_VALUE):
        np.testing.assert_allclose(pairs[column], outlet.pairs_[column], atol=1e-12)
    assert set(pairs[S.TEST]) == {TEST_SWAPS}
    np.testing.assert_allclose(level.omnibus_[S.P_VALUE], outlet.omnibus_[S.P_VALUE])


def balanced(n_per_level=3, n_events=8, seed=0):
    """Every outlet covers every event: level means are plain means of outlet means."""
    rng = np.random.default_rng(seed)
    G, n = 2, n_per_level
    K = G * n
    beta = np.array([0.5] * n + [0.0] * n) + rng.normal(0, 0.3, K)
    values = rng.normal(0, 1, (n_events, 1)) + beta[None, :] + rng.normal(0, 0.2, (n_events, K))
    cells = Cells(
        events=np.array([f"e{i}" for i in range(n_events)], dtype=object),
        outlets=np.array([f"o{k}" for k in range(K)], dtype=object),
        frames=np.array(["f"], dtype=object),
        present=np.ones((n_events, K), dtype=bool),
        values=values[:, :, None],
        n_articles=np.ones((n_events, K), dtype=np.int64),
    )
    return cells, np.array(["ga"] * n + ["gb"] * n, dtype=object)


def test_outlet_component_is_the_variance_of_a_mean_of_outlets_by_hand():
    cells, level = balanced()
    fit = LevelComparison(n_boot=200, n_perm=99).fit(cells, level)
    outlet_means = cells.values[:, :, 0].mean(axis=0)
    diff = outlet_means[:3].mean() - outlet_means[3:].mean()
    assert fit.pairs_[S.ESTIMATE].iloc[0] == pytest.approx(diff)
    # Deleting one outlet of level a: the variance of a mean of 3 outlets, s^2 / 3.
    by_hand = outlet_means[:3].var(ddof=1) / 3
    assert fit.jackknife_["outlets"][0, 0, 0] == pytest.approx(by_hand)
    assert fit.jackknife_["outlets"][1, 0, 0] == pytest.approx(outlet_means[3:].var(ddof=1) / 3)


def test_three_outlets_a_side_give_an_exact_test_with_twenty_arrangements():
    cells, level = balanced()
    cells.values[:, :3] += 5.0  # level a far above b: the observed split is the extreme one
    fit = LevelComparison(n_boot=100, n_perm=999).fit(cells, level)
    pair = fit.pairs_.iloc[0]
    assert pair[S.TEST] == TEST_LABELS and pair[S.EXACT]
    assert pair[S.N_PERMUTATIONS] == 20
    assert pair[S.P_VALUE] == pytest.approx(2 / 20)  # itself and its mirror image
    assert pair[S.RESAMPLED] == SCOPE_OUTLETS
    assert fit.omnibus_[S.TEST].iloc[0] == TEST_LABELS


def test_a_single_article_outlet_still_counts_for_its_level():
    cells, level = balanced(n_per_level=3, n_events=8)
    present = cells.present.copy()
    present[1:, 0] = False  # outlet o0 wrote about one event only
    cells = Cells(cells.events, cells.outlets, cells.frames, present, cells.values, present * 1)
    fit = LevelComparison(n_boot=100, n_perm=99).fit(cells, level)
    assert fit.effects_.set_index(S.LEVEL).loc["ga", S.N_OUTLETS] == 3
    assert fit.jackknife_["outlets"][0, 0, 0] > 0  # deleting it changes the estimate


def test_a_level_of_one_outlet_is_flagged_and_keeps_an_event_interval():
    rng = np.random.default_rng(11)
    cells, level = simulate_level_cells(rng, 15, np.array([0.3, 0.0, -0.3]), 3)
    level = level.copy()
    level[level == "g2"] = np.array(["g2", "g3", "g3"], dtype=object)  # g2 keeps one outlet
    fit = LevelComparison(n_boot=200, n_perm=99).fit(cells, level)
    eff = fit.effects_.set_index(S.LEVEL)
    assert eff.loc["g2", S.RESAMPLED] == SCOPE_EVENTS
    assert eff.loc["g0", S.RESAMPLED] == SCOPE_OUTLETS
    assert np.isfinite(eff.loc["g2", S.CI_LOW])
    pairs = fit.pairs_.set_index([S.LEVEL_A, S.LEVEL_B])
    assert pairs.loc[("g0", "g2"), S.TEST] == TEST_LABELS  # 1 vs 3 outlets: 4 arrangements
    assert pairs.loc[("g0", "g2"), S.N_PERMUTATIONS] == 4


# --- calibration ----------------------------------------------------------------------

GAMMA = np.array([-0.4, 0.0, 0.1, 0.3])


def coverage(n_per_level: int, reps: int, seed: int) -> tuple[float, float, float]:
    """Coverage of level effects and pairwise differences, and of the event-only
    intervals (what the outlet comparison would give if levels were outlets)."""
    rng = np.random.default_rng(seed)
    truth = GAMMA - GAMMA.mean()
    hits_effects, hits_pairs, hits_events_only = [], [], []
    for r in range(reps):
        cells, level = simulate_level_cells(rng, 30, GAMMA, n_per_level)
        fit = LevelComparison(n_boot=150, n_perm=19, seed=r).fit(cells, level)
        eff = fit.effects_
        t = truth[level_index(eff[S.LEVEL])]
        hits_effects.append((eff[S.DIFF_CI_LOW] <= t) & (t <= eff[S.DIFF_CI_HIGH]))
        pairs = fit.pairs_
        d = truth[level_index(pairs[S.LEVEL_A])] - truth[level_index(pairs[S.LEVEL_B])]
        hits_pairs.append((pairs[S.CI_LOW] <= d) & (d <= pairs[S.CI_HIGH]))
        base = fit._base.pairs_  # the same pairs, intervals resampling events only
        hits_events_only.append((base[S.CI_LOW] <= d) & (d <= base[S.CI_HIGH]))
    return tuple(
        float(np.mean(np.concatenate(h))) for h in (hits_effects, hits_pairs, hits_events_only)
    )


@pytest.mark.parametrize("n_per_level", [3, 5, 10])
def test_level_intervals_cover_the_planted_effects(n_per_level, record_property):
    effects, pairs, events_only = coverage(n_per_level, reps=25, seed=n_per_level)
    record_property(f"coverage_effects_{n_per_level}", effects)
    record_property(f"coverage_pairs_{n_per_level}", pairs)
    record_property(f"coverage_events_only_{n_per_level}", events_only)
    # 25 replications x 4 levels (6 pairs), correlated within a replication: the Monte
    # Carlo standard error is about 0.025, so this fast check allows 0.88-0.995; the
    # benchmark (300 replications per size) gives the precise figures. Intervals that
    # resample events only ignore that outlets differ within levels, and miss more often.
    assert 0.88 <= effects <= 0.995
    assert 0.88 <= pairs <= 0.995
    assert events_only < pairs - 0.03


def test_level_permutation_pvalues_are_uniform_under_the_null():
    """With three outlets a side the exact p-value takes the values 0.1, 0.2, ..., 1 (each
    arrangement ties with its mirror image). Breaking that tie uniformly gives a p-value
    that is U(0, 1) exactly when the permutation distribution is right; the reported
    p-value is the conservative one, P(p <= a) <= a."""
    rng = np.random.default_rng(99)
    pair_p, pair_rand, omnibus = [], [], []
    for r in range(80):
        cells, level = simulate_level_cells(rng, 20, np.zeros(3), 3)
        fit = LevelComparison(n_boot=50, n_perm=199, seed=r).fit(cells, level)
        p = fit.pairs_[S.P_VALUE].iloc[0]  # one pair per replication: independent
        n = fit.pairs_[S.N_PERMUTATIONS].iloc[0]
        pair_p.append(p)
        pair_rand.append(p - 2 / n * rng.random())
        omnibus.append(fit.omnibus_[S.P_VALUE].iloc[0])
    pair_p = np.array(pair_p)
    assert np.mean(pair_p <= 0.1) <= 0.1 + 2 * np.sqrt(0.09 / 80)  # 2 Monte Carlo s.e.
    # Kolmogorov-Smirnov against U(0, 1) at alpha = 0.001 (critical D = 1.95 / sqrt(n)).
    for p in (np.array(pair_rand), np.array(omnibus)):
        assert stats.kstest(p, "uniform").statistic < 1.95 / np.sqrt(len(p))
