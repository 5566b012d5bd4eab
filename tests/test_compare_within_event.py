"""The within-event model, its bootstrap and permutation shortcuts, against brute force."""

from __future__ import annotations

from itertools import product

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from analysis import schema as S
from analysis.compare import Cells, TwoWayDesign, WithinEventComparison, bh_adjust, build_cells
from analysis.compare.permutation import omnibus_pvalues, pair_pvalues, swap_patterns
from analysis.compare.within_event import REASON_DISCONNECTED, REASON_SINGLE_OUTLET

SCORE = S.POSITION


def random_cells(E=12, K=5, F=2, p=0.7, seed=0, beta=None, noise=0.3):
    rng = np.random.default_rng(seed)
    present = rng.random((E, K)) < p
    present[:, :2] = True  # every event has two outlets; the graph stays connected
    beta = np.zeros((K, F)) if beta is None else np.asarray(beta, dtype=float).reshape(K, F)
    mu = rng.normal(size=(E, 1, F))
    values = np.where(present[:, :, None], mu + beta[None] + noise * rng.normal(size=(E, K, F)), 0)
    cells = Cells(
        events=np.array([f"e{i:02d}" for i in range(E)], dtype=object),
        outlets=np.array([f"o{k}" for k in range(K)], dtype=object),
        frames=np.array([f"f{f}" for f in range(F)], dtype=object),
        present=present,
        values=values,
        n_articles=present.astype(np.int64),
    )
    return cells


def long_table(cells: Cells) -> pd.DataFrame:
    e, o = np.nonzero(cells.present)
    return pd.DataFrame(
        {
            "y": cells.values[e, o, 0],
            S.OUTLET: pd.Categorical(cells.outlets[o], categories=list(cells.outlets)),
            S.EVENT_ID: cells.events[e],
        }
    )


def test_effects_equal_ols_with_event_fixed_effects_and_sum_contrasts():
    cells = random_cells(beta=np.linspace(-1, 1, 10))
    ours = TwoWayDesign(cells.present).estimate(cells.values)[:, 0]
    fit = smf.ols(f"y ~ C({S.OUTLET}, Sum) + C({S.EVENT_ID})", data=long_table(cells)).fit()
    sum_coefs = fit.params.filter(like="Sum").to_numpy()
    theirs = np.append(sum_coefs, -sum_coefs.sum())
    np.testing.assert_allclose(ours, theirs, atol=1e-10)
    assert abs(ours.sum()) < 1e-10


def test_noise_free_effects_are_recovered_exactly():
    beta = np.array([[0.3, -0.2], [0.1, 0.0], [-0.4, 0.5], [0.0, -0.3]])
    cells = random_cells(E=9, K=4, beta=beta, noise=0.0, p=0.6)
    est = TwoWayDesign(cells.present).estimate(cells.values)
    np.testing.assert_allclose(est, beta - beta.mean(axis=0), atol=1e-10)


def test_bootstrap_weights_equal_refitting_on_duplicated_events():
    cells = random_cells(E=8, K=4, seed=1)
    weights = np.array([[2, 0, 1, 1, 3, 0, 1, 0]], dtype=float)
    beta, rank = TwoWayDesign(cells.present).solve(cells.values, weights)
    drawn = np.repeat(np.arange(8), weights[0].astype(int))
    direct = TwoWayDesign(cells.present[drawn]).estimate(cells.values[drawn])
    np.testing.assert_allclose(beta[0], direct, atol=1e-10)
    assert rank[0] == 3


def test_a_draw_missing_an_outlet_is_flagged_by_its_rank():
    cells = random_cells(E=6, K=3, p=0.0)  # only outlets 0 and 1 ever present...
    cells.present[0, 2] = True  # ...outlet 2 covers one event
    weights = np.array([[0, 1, 1, 1, 1, 2], [1, 1, 1, 1, 1, 1]], dtype=float)
    _, rank = TwoWayDesign(cells.present).solve(cells.values, weights)
    assert rank.tolist() == [1, 2]


def brute_force_pair_pvalue(cells: Cells, a: int, b: int, frame: int = 0) -> float:
    """Swap a and b in every subset of their shared events and refit the model."""
    design = TwoWayDesign(cells.present)
    observed = design.estimate(cells.values)[:, frame]
    shared = np.flatnonzero(cells.present[:, a] & cells.present[:, b])
    stats = []
    for pattern in product([0, 1], repeat=len(shared)):
        values = cells.values.copy()
        for e, swap in zip(shared, pattern, strict=True):
            if swap:
                values[e, [a, b]] = values[e, [b, a]]
        est = design.estimate(values)[:, frame]
        stats.append(est[a] - est[b])
    stats = np.abs(np.array(stats))
    obs = abs(observed[a] - observed[b])
    return float(np.mean(stats >= obs - 1e-12))


def test_exact_pair_pvalue_equals_brute_force_refits():
    cells = random_cells(E=7, K=4, seed=5, beta=[0.5, 0, 0, -0.2, 0, 0, 0.1, 0], p=0.6)
    design = TwoWayDesign(cells.present)
    est = design.estimate(cells.values)
    pinv = design.contrast_pinv()
    for a, b in [(0, 1), (0, 3), (2, 3)]:
        shared = cells.present[:, a] & cells.present[:, b]
        patterns, exact = swap_patterns(int(shared.sum()), 999, np.random.default_rng(0))
        assert exact
        diffs = cells.values[shared, a, :] - cells.values[shared, b, :]
        q = pinv[a, a] + pinv[b, b] - 2 * pinv[a, b]
        p = pair_pvalues(est[a] - est[b], q, diffs, patterns, exact)
        assert p[0] == pytest.approx(brute_force_pair_pvalue(cells, a, b, 0))


def test_swap_patterns_enumerate_when_few_and_sample_when_many():
    rng = np.random.default_rng(0)
    patterns, exact = swap_patterns(4, 99, rng)
    assert exact and patterns.shape == (16, 4) and len({tuple(p) for p in patterns}) == 16
    patterns, exact = swap_patterns(20, 99, rng)
    assert not exact and patterns.shape == (99, 20)
    assert swap_patterns(0, 99, rng)[0].shape[0] == 0


def test_omnibus_test_rejects_planted_outlet_effects_and_not_their_absence():
    strong = random_cells(E=15, K=4, F=2, beta=[1, 0, 0, 0, -1, 0, 0, 0], noise=0.2, seed=2)
    stat, p = omnibus_pvalues(
        TwoWayDesign(strong.present), strong.values, 999, np.random.default_rng(0)
    )
    assert p[0] == pytest.approx(1 / 1000)  # no shuffle comes close
    assert p[1] > 0.01  # frame 1 has no planted effect
    assert stat[0] > stat[1]


def test_omnibus_statistic_matches_refit_on_an_explicit_shuffle():
    cells = random_cells(E=6, K=3, seed=7, p=1.0)
    design = TwoWayDesign(cells.present)
    stat, _ = omnibus_pvalues(design, cells.values, 9, np.random.default_rng(0))
    direct = np.sqrt((design.estimate(cells.values) ** 2).mean(axis=0))
    np.testing.assert_allclose(stat, direct, atol=1e-12)


def test_comparison_recovers_planted_pairs_and_keeps_null_pairs():
    beta = np.array([0.6, 0.6, 0.0, 0.0, -0.6])
    cells = random_cells(E=25, K=5, F=1, beta=beta, noise=0.25, seed=11, p=0.8)
    fit = WithinEventComparison(n_boot=500, n_perm=999, seed=3).fit(cells, stream="all")
    pairs = fit.pairs_.set_index([S.OUTLET_A, S.OUTLET_B])
    assert pairs.loc[("o0", "o4"), S.P_VALUE] < 0.01
    assert pairs.loc[("o0", "o4"), S.CI_LOW] > 0.8
    assert pairs.loc[("o0", "o1"), S.P_VALUE] > 0.05
    effects = fit.effects_.set_index(S.OUTLET)
    truth = beta - beta.mean()
    inside = (effects[S.CI_LOW] <= truth) & (truth <= effects[S.CI_HIGH])
    assert inside.sum() >= 4
    assert (effects[S.N_BOOT_USED] > 450).all()


def test_same_seed_same_numbers_and_streams_are_per_pair():
    cells = random_cells(E=20, K=4, F=2, seed=4)
    one = WithinEventComparison(n_boot=200, n_perm=199, seed=9).fit(cells, "all")
    two = WithinEventComparison(n_boot=200, n_perm=199, seed=9).fit(cells, "all")
    pd.testing.assert_frame_equal(one.pairs_, two.pairs_)
    pd.testing.assert_frame_equal(one.effects_, two.effects_)


def scores_table(rows):
    return pd.DataFrame(rows, columns=[S.DOC_ID, S.OUTLET, S.EVENT_ID, S.FRAME, SCORE])


def test_build_cells_averages_an_outlets_articles_and_explains_every_exclusion():
    rows = []
    for e in range(4):
        for o in ("A", "B", "C"):
            rows.append((f"{o}{e}", o, f"E{e}", "f", float(e)))
    rows.append(("A0bis", "A", "E0", "f", 2.0))  # a second A article on E0
    rows.append(("Z0", "Z", "E9", "f", 0.0))  # E9: only Z covered it
    rows.append(("D0", "D", "E0", "f", 0.0))  # D covers one shared event only
    rows += [("X0", "X", "E7", "f", 0.0), ("Y0", "Y", "E7", "f", 1.0)]  # X,Y: on their own
    rows += [("X1", "X", "E8", "f", 0.0), ("Y1", "Y", "E8", "f", 1.0)]
    cells, reasons = build_cells(scores_table(rows), SCORE, min_events=2)
    assert cells.outlets.tolist() == ["A", "B", "C"]
    assert cells.events.tolist() == ["E0", "E1", "E2", "E3"]
    a0 = cells.values[0, 0, 0]
    assert a0 == pytest.approx(1.0) and cells.n_articles[0, 0] == 2  # mean of 0 and 2
    assert reasons["Z0"] == REASON_SINGLE_OUTLET
    assert reasons["D0"].startswith("its outlet covers fewer than 2 events")
    assert reasons["X0"] == reasons["Y1"] == REASON_DISCONNECTED
    assert set(reasons) == {"Z0", "D0", "X0", "X1", "Y0", "Y1"}


def test_bh_adjust_matches_hand_calculation_and_skips_nan():
    # Sorted p: .01 .02 .03 .50 -> p * m / rank = .04 .04 .04 .50 (monotone from the top)
    q = bh_adjust([0.03, np.nan, 0.01, 0.5, 0.02])
    np.testing.assert_allclose(q[[0, 2, 3, 4]], [0.04, 0.04, 0.5, 0.04])
    assert np.isnan(q[1])
    assert np.isnan(bh_adjust([np.nan])).all()


def test_unknown_outlets_in_the_config_are_named():
    from analysis.compare.units import eligible_articles
    from analysis.errors import StudyConfigError
    from analysis.study import CompareConfig

    articles = pd.DataFrame({S.DOC_ID: ["a", "b"], S.OUTLET: ["X", "Y"]})
    events = pd.DataFrame({S.DOC_ID: ["a", "b"], S.EVENT_ID: ["e", "e"]})
    with pytest.raises(StudyConfigError, match=r"unknown outlet\(s\) \['Z'\]"):
        eligible_articles(articles, events, CompareConfig(outlets=["X", "Z"]))
    usable, reasons = eligible_articles(articles, events, CompareConfig(outlets=["X"]))
    assert usable[S.DOC_ID].tolist() == ["a"] and reasons == {
        "b": "outlet not listed in compare.outlets"
    }


def test_pairs_use_every_draw_that_holds_both_outlets():
    from analysis.compare.cluster_bootstrap import bootstrap_draws, event_weights

    # o3 covers only two of twenty events, so a draw misses it with probability
    # (18/20)^20 ~ 0.12. Pairs not involving o3 must still use those draws; o3's own
    # pairs and the outlet effects (which need every outlet) cannot.
    cells = random_cells(E=20, K=4, p=0.9, seed=6)
    cells.present[:, 3] = False
    cells.present[:2, 3] = True
    cells.values[~cells.present] = 0.0
    design = TwoWayDesign(cells.present)
    weights = event_weights(20, 300, np.random.default_rng(1))
    draws = bootstrap_draws(design, cells.values, weights)
    missing_o3 = ~draws.present[:, 3]
    assert 0.05 < missing_o3.mean() < 0.25
    diffs = draws.differences(np.array([0, 0]), np.array([1, 3]))
    assert np.isnan(diffs[missing_o3, 1, 0]).all()
    assert not np.isnan(diffs[:, 0, 0]).any()
    assert len(draws.effects()) == int((~missing_o3).sum())
    # Where o3 is absent, the others' differences equal a fit without o3 at all.
    first = np.flatnonzero(missing_o3)[0]
    drawn = np.repeat(np.arange(20), weights[first].astype(int))
    without = TwoWayDesign(cells.present[drawn][:, :3]).estimate(cells.values[drawn][:, :3])
    assert diffs[first, 0, 0] == pytest.approx(without[0, 0] - without[1, 0])
