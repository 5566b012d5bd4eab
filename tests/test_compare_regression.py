"""score ~ outlet + event with statsmodels: planted effects, tidy output, agreement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import schema as S
from analysis.compare import TwoWayDesign, build_cells, outlet_regression

OUTLETS = ["A", "B", "C", "D"]
TRUTH = {"A": 0.3, "B": 0.1, "C": -0.1, "D": -0.3}  # sums to zero


def articles(n_events=40, per_cell=1, noise=0.2, seed=0, coverage=0.8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for e in range(n_events):
        mu = rng.normal(0, 1)
        covering = [o for o in OUTLETS if rng.random() < coverage] or OUTLETS[:2]
        if len(covering) < 2:
            covering = OUTLETS[:2]
        for o in covering:
            for k in range(per_cell):
                rows.append(
                    {
                        S.DOC_ID: f"{o}-{e}-{k}",
                        S.OUTLET: o,
                        S.EVENT_ID: f"E{e:03d}",
                        S.FRAME: "f",
                        S.POSITION: mu + TRUTH[o] + noise * rng.normal(),
                    }
                )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("kind", ["fixed", "mixed"])
def test_planted_outlet_effects_are_recovered(kind):
    data = articles(seed=1)
    table = outlet_regression(data, S.POSITION, kind, OUTLETS).set_index(S.TERM)
    assert list(table.index) == OUTLETS
    assert table[S.ESTIMATE].sum() == pytest.approx(0, abs=1e-9)
    assert np.allclose(table[S.ESTIMATE], pd.Series(TRUTH), atol=0.08)
    assert (table[S.STD_ERROR] > 0).all() and (table[S.P_VALUE].loc[["A", "D"]] < 1e-6).all()
    assert table[S.N_OBS].iloc[0] == len(data)
    assert table[S.N_EVENTS].iloc[0] == data[S.EVENT_ID].nunique()


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "reps"), [("fixed", 300), ("mixed", 120)])
def test_regression_intervals_cover_the_truth_at_close_to_95(kind, reps):
    truth = pd.Series(TRUTH)
    hits = []
    for seed in range(reps):
        table = outlet_regression(articles(seed=100 + seed), S.POSITION, kind, OUTLETS)
        table = table.set_index(S.TERM)
        hits.append((table[S.CI_LOW] <= truth) & (truth <= table[S.CI_HIGH]))
    coverage = float(np.mean(np.concatenate(hits)))
    # reps x 4 intervals (the four sum to zero, so they are not independent): Monte
    # Carlo s.e. ~0.006 (fixed) and ~0.01 (mixed); the band allows ~3 of them.
    assert 0.92 <= coverage <= 0.98, coverage


def test_fixed_effects_equal_the_cell_model_with_one_article_per_cell():
    data = articles(n_events=15, seed=2)
    table = outlet_regression(data, S.POSITION, "fixed", OUTLETS).set_index(S.TERM)
    cells, _ = build_cells(data, S.POSITION, min_events=2, outlet_order=OUTLETS)
    cell_effects = TwoWayDesign(cells.present).estimate(cells.values)[:, 0]
    np.testing.assert_allclose(table[S.ESTIMATE].to_numpy(), cell_effects, atol=1e-10)


def test_last_level_standard_error_comes_from_the_covariance_of_the_others():
    data = articles(n_events=20, seed=3)
    table = outlet_regression(data, S.POSITION, "fixed", OUTLETS).set_index(S.TERM)
    # With sum-to-zero coding, D = -(A + B + C): its interval is not a copy of another's.
    assert table.loc["D", S.STD_ERROR] != pytest.approx(table.loc["C", S.STD_ERROR], rel=1e-6)
    low, high = table.loc["D", [S.CI_LOW, S.CI_HIGH]]
    assert low < table.loc["D", S.ESTIMATE] < high


def test_unknown_kind_and_unlisted_outlets_are_errors():
    data = articles(n_events=5, seed=4)
    with pytest.raises(ValueError, match="unknown regression kind"):
        outlet_regression(data, S.POSITION, "bayes", OUTLETS)
    with pytest.raises(ValueError, match="missing from `outlets`"):
        outlet_regression(data, S.POSITION, "fixed", OUTLETS[:3])


def test_absorbed_event_effects_match_event_dummies():
    import statsmodels.formula.api as smf

    data = articles(n_events=25, per_cell=2, seed=5)
    ours = outlet_regression(data, S.POSITION, "fixed", OUTLETS).set_index(S.TERM)
    dummies = smf.ols(
        f"{S.POSITION} ~ C({S.OUTLET}, Sum) + C({S.EVENT_ID})",
        data=data.assign(**{S.OUTLET: pd.Categorical(data[S.OUTLET], categories=OUTLETS)}),
    ).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(data[S.EVENT_ID])[0]})
    coefs = dummies.params.filter(like="Sum").to_numpy()
    np.testing.assert_allclose(ours[S.ESTIMATE], np.append(coefs, -coefs.sum()), atol=1e-10)
    # Same cluster-robust covariance up to the small-sample factor (N-1)/(N-K): event
    # dummies count in K there, not once absorbed (they are nested in the clusters).
    n, k_dummies, k_within = len(data), len(dummies.params), len(OUTLETS) - 1
    ratio = np.sqrt((n - k_within) / (n - k_dummies))
    se_dummies = dummies.bse.filter(like="Sum").to_numpy()
    np.testing.assert_allclose(ours[S.STD_ERROR].to_numpy()[:-1] * ratio, se_dummies, rtol=1e-8)
