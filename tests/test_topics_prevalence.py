"""Topic prevalence by outlet: shares, cluster-bootstrap CIs, the regression, time bins.

The statistical claims are checked against known truth: hand calculations on tiny
tables, and simulated corpora whose per-outlet topic shares are known exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import schema as S
from analysis.topics.prevalence import (
    article_topic_shares,
    choose_time_bin,
    cluster_ratio_ci,
    outlet_topic_shares,
    topic_effects,
    topic_time,
)

# --- simulation ---------------------------------------------------------------------
# Three outlets, four topics. Article shares come from a Dirichlet around a mix of the
# outlet's own shares (weight 1 - LAM) and the event's agenda (weight LAM), and units
# are drawn from the article's shares. Event agendas are Dirichlet around the average
# outlet, so each outlet's expected article share is (1 - LAM) * mu_o + LAM * mean(mu).
MU = np.array([[0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]])
LAM = 0.6


def simulate(
    rng: np.random.Generator,
    n_events: int = 40,
    confound: float = 0.0,
    max_articles: int = 5,
) -> tuple[pd.DataFrame, np.ndarray]:
    """An article_topics table; ``confound`` > 0 makes outlet 0 cover topic-0-heavy events."""
    n_outlets, n_topics = MU.shape
    mean = MU.mean(axis=0)
    agendas = rng.dirichlet(5.0 * mean, size=n_events)
    rows = []
    for e in range(n_events):
        for o in range(n_outlets):
            p_cover = 0.8
            if o == 0 and confound:
                p_cover = float(np.clip(0.5 + confound * (agendas[e, 0] - mean[0]), 0.05, 1.0))
            if rng.random() > p_cover:
                continue
            for a in range(rng.integers(1, max_articles + 1)):
                theta = rng.dirichlet(8.0 * ((1 - LAM) * MU[o] + LAM * agendas[e]))
                n = 5 + rng.poisson(15)
                counts = rng.multinomial(n, theta)
                for k in range(n_topics):
                    rows.append((f"o{o}-e{e}-a{a}", f"outlet{o}", f"E{e:02d}", k, counts[k] / n, n))
    frame = pd.DataFrame(
        rows, columns=[S.DOC_ID, S.OUTLET, S.EVENT_ID, S.TOPIC, S.SHARE, S.N_UNITS]
    )
    frame[S.PUBLISHED] = pd.NaT
    return frame, agendas


def true_shares() -> np.ndarray:
    return (1 - LAM) * MU + LAM * MU.mean(axis=0)


def outlet_index(outlets: pd.Series) -> np.ndarray:
    return outlets.str.removeprefix("outlet").astype(int).to_numpy()


def covered(table: pd.DataFrame, truth: np.ndarray, low: str, high: str) -> np.ndarray:
    t = truth[outlet_index(table[S.OUTLET]), table[S.TOPIC].to_numpy()]
    return ((table[low] <= t) & (t <= table[high])).to_numpy()


@pytest.mark.slow
def test_bootstrap_cis_cover_true_shares_at_nominal_rate():
    """95% intervals must cover the true outlet shares in 90-99% of 1,200 intervals.

    100 simulated corpora x 3 outlets x 4 topics, 40 events, 1-5 articles per outlet
    and event. Resampling events, the intervals cover at close to 95%. A naive
    bootstrap over articles ignores that articles on one event share its agenda; with
    this much within-event correlation it covers clearly less, which shows the
    clustering is doing work (and that this test could fail).
    """
    rng = np.random.default_rng(20250210)
    truth = true_shares()
    clustered, naive = [], []
    for rep in range(100):
        frame, _ = simulate(rng)
        out = outlet_topic_shares(frame, n_boot=999, ci=0.95, seed=rep)
        assert set(out[S.CLUSTER_BY]) == {"event"}
        clustered.append(covered(out, truth, S.CI_LOW, S.CI_HIGH))
        by_article = outlet_topic_shares(
            frame.assign(**{S.EVENT_ID: None}), n_boot=999, ci=0.95, seed=rep
        )
        assert set(by_article[S.CLUSTER_BY]) == {"article"}
        naive.append(covered(by_article, truth, S.CI_LOW, S.CI_HIGH))
    rate, naive_rate = np.mean(clustered), np.mean(naive)
    assert 0.90 <= rate <= 0.99, rate
    assert naive_rate < rate - 0.03, (naive_rate, rate)


@pytest.mark.slow
def test_regression_recovers_planted_outlet_effects_under_confounding():
    """Outlet 0 covers events heavy in topic 0 more often, inflating its raw share.

    The truth of the outlet contrast is (1 - LAM) * (mu_o - mean over outlets of mu),
    whatever events an outlet covers. With event fixed effects the contrast's 95% CI
    covers it at close to the nominal rate (band 0.90-0.99 over 100 corpora x 12
    contrasts); the raw mean difference is biased upward for outlet 0's topic 0.
    """
    rng = np.random.default_rng(7)
    truth = (1 - LAM) * (MU - MU.mean(axis=0))
    hits, raw_bias, adj_bias = [], [], []
    for _ in range(100):
        frame, _ = simulate(rng, confound=6.0)
        effects = topic_effects(frame, ci=0.95)
        assert effects[S.MODEL].str.contains("event FE").all()
        hits.append(covered(effects, truth, S.DIFF_CI_LOW, S.DIFF_CI_HIGH))
        raw = frame.groupby([S.OUTLET, S.TOPIC])[S.SHARE].mean().unstack()
        raw_diff = raw - raw.mean(axis=0)
        raw_bias.append(raw_diff.loc["outlet0", 0] - truth[0, 0])
        row = effects[(effects[S.OUTLET] == "outlet0") & (effects[S.TOPIC] == 0)]
        adj_bias.append(row[S.DIFF].item() - truth[0, 0])
    rate = np.mean(hits)
    assert 0.90 <= rate <= 0.99, rate
    assert np.mean(raw_bias) > 0.02, np.mean(raw_bias)  # confounding is real...
    assert abs(np.mean(adj_bias)) < 0.01, np.mean(adj_bias)  # ...and adjusted away


def test_regression_without_events_reproduces_outlet_means():
    """Outlet indicators alone: the adjusted share is the outlet's mean article share."""
    frame = pd.DataFrame(
        {
            S.DOC_ID: ["a1", "a1", "a2", "a2", "a3", "a3", "b1", "b1", "b2", "b2"],
            S.OUTLET: ["A"] * 6 + ["B"] * 4,
            S.EVENT_ID: [None] * 10,
            S.PUBLISHED: pd.NaT,
            S.TOPIC: [0, 1] * 5,
            S.SHARE: [0.5, 0.5, 1.0, 0.0, 0.0, 1.0, 0.25, 0.75, 0.75, 0.25],
            S.N_UNITS: 4,
        }
    )
    effects = topic_effects(frame, ci=0.95).set_index([S.TOPIC, S.OUTLET])
    assert effects.loc[(0, "A"), S.ESTIMATE] == pytest.approx(0.5)
    assert effects.loc[(0, "B"), S.ESTIMATE] == pytest.approx(0.5)
    assert effects.loc[(1, "A"), S.DIFF] == pytest.approx(0.0)
    assert (effects[S.MODEL] == "ols ~ outlet; HC2 SEs").all()
    # HC2 for a mean is the classical unbiased s^2/n: outlet A, topic 0: s^2 = 0.25, n = 3.
    # The interval is Wilson-type at the effective sample size p(1 - p) / se^2 = 3 with
    # t(5 - 2) quantiles (articles minus outlets), so it stays inside 0-100%.
    se = np.sqrt(0.25 / 3)
    df = 5 - 2
    from scipy import stats

    z = stats.t.ppf(0.975, df)
    n = 0.25 / se**2
    centre, half = (
        (0.5 + z**2 / (2 * n)) / (1 + z**2 / n),
        z * np.sqrt(0.25 / n + z**2 / (4 * n**2)) / (1 + z**2 / n),
    )
    assert effects.loc[(0, "A"), S.CI_LOW] == pytest.approx(max(0.0, centre - half))
    assert effects.loc[(0, "A"), S.CI_HIGH] == pytest.approx(min(1.0, centre + half))
    assert ((effects[S.CI_LOW] >= 0) & (effects[S.CI_HIGH] <= 1)).all()


def test_cluster_ratio_ci_is_degenerate_without_variation():
    rng = np.random.default_rng(0)
    sums = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 1.5]])  # topic never present; topic varies
    sizes = np.array([1.0, 2.0, 3.0])
    low, high = cluster_ratio_ci(sums, sizes, 500, 0.95, rng)
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert low[1] < 4.5 / 6 < high[1]
    low, high = cluster_ratio_ci(sums[:, :1], sizes[:1], 500, 0.95, rng)
    assert np.isnan(low).all()  # one cluster: nothing to resample


def test_cluster_bootstrap_weights_articles_not_clusters():
    """The point estimate is the mean over articles; a big event does not count once."""
    frame = pd.DataFrame(
        {
            S.DOC_ID: ["a", "b", "c", "d"],
            S.OUTLET: "X",
            S.EVENT_ID: ["E1", "E1", "E1", "E2"],
            S.PUBLISHED: pd.NaT,
            S.TOPIC: 0,
            S.SHARE: [1.0, 1.0, 1.0, 0.0],
            S.N_UNITS: 1,
        }
    )
    out = outlet_topic_shares(frame, 500, 0.95, seed=1)
    assert out[S.MEAN].item() == pytest.approx(0.75)
    assert out[S.N_CLUSTERS].item() == 2 and out[S.N_ARTICLES].item() == 4


def units_table(rows):
    return pd.DataFrame(rows, columns=[S.DOC_ID, S.UNIT_ID, S.OUTLET, S.TOPIC, S.EXCLUDED])


def test_article_shares_sum_to_one_and_count_only_modelled_units():
    units = units_table(
        [
            ("a", 0, "X", 0, None),
            ("a", 1, "X", 0, None),
            ("a", 2, "X", -1, None),
            ("a", 3, "X", None, "too_short"),
            ("b", 0, "Y", 1, None),
        ]
    )
    units[S.TOPIC] = units[S.TOPIC].astype("Int32")
    articles = pd.DataFrame(
        {
            S.DOC_ID: ["a", "b", "c"],
            S.OUTLET: ["X", "Y", "Y"],
            S.PUBLISHED: pd.to_datetime(["2025-01-01", None, "2025-02-01"], utc=True),
        }
    )
    events = pd.Series({"a": "E1", "b": None, "c": "E2"})
    shares = article_topic_shares(units, articles, [-1, 0, 1], events)
    wide = shares.pivot(index=S.DOC_ID, columns=S.TOPIC, values=S.SHARE)
    assert wide.loc["a"].tolist() == pytest.approx([1 / 3, 2 / 3, 0.0])
    assert wide.sum(axis=1).tolist() == pytest.approx([1.0, 1.0])
    assert "c" not in wide.index  # no modelled unit: no shares (and a warning)
    assert shares.set_index(S.DOC_ID)[S.N_UNITS].to_dict() == {"a": 3, "b": 1}
    assert shares.set_index(S.DOC_ID)[S.EVENT_ID].isna().to_dict() == {"a": False, "b": True}


def test_time_bins_follow_the_span():
    days = pd.Series(pd.date_range("2025-01-01", periods=60, freq="D", tz="UTC"))
    assert choose_time_bin(days) == "week"
    months = pd.Series(pd.date_range("2025-01-01", periods=10, freq="30D", tz="UTC"))
    assert choose_time_bin(months) == "month"
    years = pd.Series(pd.date_range("2010-01-01", periods=12, freq="365D", tz="UTC"))
    assert choose_time_bin(years) == "year"  # 44 quarters would be too many
    assert choose_time_bin(years, "month") == "month"


def test_topic_time_means_articles_per_period():
    frame = pd.DataFrame(
        {
            S.DOC_ID: ["a", "b", "c", "d"],
            S.OUTLET: ["X", "X", "X", "Y"],
            S.EVENT_ID: None,
            S.PUBLISHED: pd.to_datetime(["2025-01-03", "2025-01-20", "2025-02-02", None], utc=True),
            S.TOPIC: 0,
            S.SHARE: [0.2, 0.6, 1.0, 0.5],
            S.N_UNITS: 5,
        }
    )
    out = topic_time(frame, "month")
    assert out[S.PERIOD].dt.strftime("%Y-%m-%d").tolist() == ["2025-01-01", "2025-02-01"]
    assert out[S.MEAN].tolist() == pytest.approx([0.4, 1.0])
    assert out[S.N_ARTICLES].tolist() == [2, 1]
    assert "Y" not in set(out[S.OUTLET])  # undated: left out
