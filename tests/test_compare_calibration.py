"""Calibration by simulation: do the intervals, p-values and FDR control do what they claim?

The data-generating process is built to be unkind: outlets cover events unevenly, event
effects are large, errors are heavy-tailed (t with 5 df), and each event amplifies or
damps the outlet differences (y = mu_e + lambda_e * beta_o + error, lambda_e ~ N(1, 0.5)),
so cells within an event are correlated beyond the additive event effect; only
resampling events accounts for that. The true outlet effects are E[lambda] * beta = beta.

Seeds are fixed, so each assertion is deterministic; the bands are set from the Monte
Carlo error of the number of replications (stated at each assertion), not from one run.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis import schema as S
from analysis.compare import Cells, WithinEventComparison, bh_adjust
from analysis.compare.simulate import simulate_cells

# Simulations of hundreds of replications: the full tier (`make test-all`) only.
pytestmark = pytest.mark.slow


def simulate(rng, E: int, beta: np.ndarray, coverage: float = 0.6) -> Cells:
    return simulate_cells(rng, E, beta, coverage=coverage, amplification=0.5, scale=0.5, df=5)


def coverage(E: int, reps: int, method: str, seed: int) -> tuple[float, float]:
    """Share of 95% intervals covering the truth: (outlet effects, pairwise differences)."""
    rng = np.random.default_rng(seed)
    beta = np.array([-0.6, -0.3, 0.0, 0.1, 0.3, 0.5])
    truth = beta - beta.mean()
    hits_effects, hits_pairs = [], []
    for r in range(reps):
        cells = simulate(rng, E, beta)
        fit = WithinEventComparison(n_boot=400, n_perm=99, ci=0.95, ci_method=method, seed=r).fit(
            cells
        )
        eff = fit.effects_
        t = truth[[int(o[1:]) for o in eff[S.OUTLET]]]
        hits_effects.append((eff[S.CI_LOW] <= t) & (t <= eff[S.CI_HIGH]))
        pairs = fit.pairs_
        a = np.array([int(o[1:]) for o in pairs[S.OUTLET_A]])
        b = np.array([int(o[1:]) for o in pairs[S.OUTLET_B]])
        d = truth[a] - truth[b]
        hits_pairs.append((pairs[S.CI_LOW] <= d) & (d <= pairs[S.CI_HIGH]))
    return float(np.mean(np.concatenate(hits_effects))), float(np.mean(np.concatenate(hits_pairs)))


@pytest.mark.parametrize(("events", "band"), [(30, (0.93, 0.97)), (14, (0.92, 0.98))])
def test_event_clustered_intervals_cover_the_truth_at_close_to_95(events, band, record_property):
    effects, pairs = coverage(events, reps=500, method="t", seed=events)
    record_property(f"coverage_effects_{events}_events", effects)
    record_property(f"coverage_pairs_{events}_events", pairs)
    # 500 replications x 6 outlets (15 pairs): if the intervals were independent the Monte
    # Carlo standard error would be ~0.004; intervals of one replication share its data,
    # which roughly doubles it. The band allows ~2.5 such errors around 0.95 at 30
    # events; with 14 events the t(m-1) correction errs on the conservative side.
    assert band[0] <= effects <= band[1]
    assert band[0] <= pairs <= band[1]


def test_percentile_intervals_are_too_narrow_with_few_events():
    # Why the default is the t interval: with 14 events the plain percentile interval
    # misses the truth noticeably more often than 5% of the time.
    effects, pairs = coverage(14, reps=300, method="percentile", seed=14)
    t_effects, t_pairs = coverage(14, reps=300, method="t", seed=14)
    assert effects < 0.935 and pairs < 0.935
    assert t_effects > effects and t_pairs > pairs


def test_permutation_pvalues_are_uniform_under_the_null():
    rng = np.random.default_rng(2024)
    beta = np.zeros(5)
    pair_p, omnibus_p = [], []
    for r in range(800):
        cells = simulate(rng, 30, beta, coverage=0.8)
        fit = WithinEventComparison(n_boot=100, n_perm=999, seed=r).fit(cells)
        first = fit.pairs_.iloc[0]  # one pair per replication: independent p-values
        assert not first[S.EXACT]  # enough shared events for a near-continuous p-value
        pair_p.append(first[S.P_VALUE])
        omnibus_p.append(fit.omnibus_[S.P_VALUE].iloc[0])
    # Kolmogorov-Smirnov against U(0, 1); the critical D for n = 800 at alpha = 0.001 is
    # 1.95 / sqrt(800) = 0.069. A test that is invalid under the null (e.g. ignoring the
    # within-event pairing) piles p-values near 0 and fails this by a wide margin.
    for p in (np.array(pair_p), np.array(omnibus_p)):
        result = stats.kstest(p, "uniform")
        assert result.statistic < 1.95 / np.sqrt(len(p)), result
        assert 0.04 <= np.mean(p <= 0.05) <= 0.065  # the 5% level holds (MC s.e. 0.008)


def test_benjamini_hochberg_keeps_the_false_discovery_rate_at_its_level():
    rng = np.random.default_rng(7)
    beta = np.array([0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.5])
    null = np.abs(beta[:, None] - beta[None, :]) == 0
    level = 0.10
    fdp, discoveries = [], []
    for r in range(300):
        cells = simulate(rng, 25, beta, coverage=0.7)
        pairs = WithinEventComparison(n_boot=100, n_perm=999, seed=r).fit(cells).pairs_
        rejected = bh_adjust(pairs[S.P_VALUE].to_numpy()) <= level
        a = np.array([int(o[1:]) for o in pairs[S.OUTLET_A]])
        b = np.array([int(o[1:]) for o in pairs[S.OUTLET_B]])
        false = rejected & null[a, b]
        fdp.append(false.sum() / max(rejected.sum(), 1))
        discoveries.append(rejected.sum())
    fdp = np.array(fdp)
    se = fdp.std(ddof=1) / np.sqrt(len(fdp))
    # 15 of the 28 pairs are true nulls: BH's FDR is at most level * 15/28 ~ 0.054.
    assert fdp.mean() <= level + 2 * se, (fdp.mean(), se)
    assert np.mean(discoveries) >= 5  # and it still finds the planted differences
