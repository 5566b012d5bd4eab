"""Topic prevalence by outlet, with uncertainty.

The estimand is an outlet's **article-level topic share**: the share of an article's
units (sentences or paragraphs) in a topic, averaged over the outlet's articles, each
article counting once however long it is. Topic -1 (outliers) is a topic like any
other here, so an article's shares sum to one and the outlier share is reported.

Two estimates of it, answering two questions:

1. :func:`outlet_topic_shares`: "what share of its coverage does the outlet give the
   topic?" The raw mean with a BCa bootstrap interval. Articles on one event share the
   event's agenda, so they are not independent draws: when events are known the
   bootstrap resamples the outlet's *events* (all its articles on an event together;
   articles without an event are their own cluster), otherwise its articles.

2. :func:`topic_effects`: "does the outlet give the topic more room than others do
   *when covering the same events*?" The counterpart of STM's ``estimateEffect``: per
   topic, a regression of article share on outlet indicators plus event fixed effects
   (when events are known). We use OLS (a linear probability model for the share) with
   cluster-robust (CR1) standard errors by event and t(G-1) intervals; without events,
   HC2 standard errors. Why not a fractional logit (GLM Binomial on shares)? In news,
   many topics belong to one event, so a topic's share is zero in every other event:
   with event fixed effects this is quasi-complete separation and the logit's event
   coefficients diverge. OLS stays finite, its coefficients read directly as
   differences in share, and with outlet indicators alone it reproduces each outlet's
   mean exactly. The model's outlet estimates are reported as adjusted shares
   (standardised: every outlet given the corpus's mix of events) and as differences
   from the average outlet, with a joint test that no outlet differs.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.stats.bootstrap import bca_bounds, unit_rng
from analysis.stats.shares import share_interval

log = logging.getLogger(__name__)

TIME_BINS = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}
MAX_AUTO_BINS = 24
BOOTSTRAP_BATCH_BYTES = 64 * 2**20


# --- article shares -----------------------------------------------------------------
def article_topic_shares(
    units: pd.DataFrame,
    articles: pd.DataFrame,
    topics: Sequence[int],
    events: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per (article, topic): the share of the article's modelled units in it.

    ``units`` is the ``topic_units`` table; ``events`` maps doc_id to event id (None
    when events are unknown). Articles with no modelled unit have no shares; they are
    counted in the log (their units are in ``topic_units`` with their reason).
    """
    modelled = units[units[S.TOPIC].notna()]
    counts = pd.crosstab(modelled[S.DOC_ID], modelled[S.TOPIC].astype(int))
    counts = counts.reindex(columns=list(topics), fill_value=0)
    extra = sorted(set(modelled[S.TOPIC].astype(int)) - set(topics))
    if extra:
        raise ValueError(f"units are assigned to topics {extra} missing from the topic list")
    n_units = counts.sum(axis=1)
    shares = counts.div(n_units, axis=0)
    missing = sorted(set(articles[S.DOC_ID]) - set(shares.index))
    if missing:
        log.warning(
            "%d article(s) have no modelled unit and no topic shares (e.g. %s); "
            "their units are listed in topic_units with the reason",
            len(missing),
            missing[0],
        )
    meta = articles.set_index(S.DOC_ID).reindex(shares.index)
    published = (
        meta[S.PUBLISHED]
        if S.PUBLISHED in meta
        else pd.Series(pd.NaT, index=meta.index, dtype="datetime64[ns, UTC]")
    )
    event = events.reindex(shares.index) if events is not None else None
    long = shares.stack().rename(S.SHARE).reset_index()
    long.columns = [S.DOC_ID, S.TOPIC, S.SHARE]
    by_doc = long[S.DOC_ID]
    out = pd.DataFrame(
        {
            S.DOC_ID: by_doc,
            S.OUTLET: by_doc.map(meta[S.OUTLET]),
            S.EVENT_ID: by_doc.map(event) if event is not None else None,
            S.PUBLISHED: by_doc.map(published),
            S.TOPIC: long[S.TOPIC].astype(np.int32),
            S.SHARE: long[S.SHARE].astype(np.float64),
            S.N_UNITS: by_doc.map(n_units).astype(np.int64),
        }
    )
    return out.sort_values([S.DOC_ID, S.TOPIC], ignore_index=True)


def _clusters(frame: pd.DataFrame) -> tuple[pd.Series, str]:
    """Each article's resampling cluster: its event, or itself when the event is unknown."""
    event = frame[S.EVENT_ID]
    if event.notna().any():
        return event.where(event.notna(), "article:" + frame[S.DOC_ID]), "event"
    return frame[S.DOC_ID], "article"


# --- outlet shares with cluster-bootstrap CIs ---------------------------------------
def outlet_topic_shares(
    article_topics: pd.DataFrame, n_boot: int, ci: float, seed: int
) -> pd.DataFrame:
    """Each outlet's mean article share per topic, with BCa CIs resampling clusters."""
    rows = []
    for outlet, group in article_topics.groupby(S.OUTLET, sort=True):
        wide = group.pivot(index=S.DOC_ID, columns=S.TOPIC, values=S.SHARE)
        docs = group.drop_duplicates(S.DOC_ID).set_index(S.DOC_ID).reindex(wide.index)
        cluster, cluster_by = _clusters(docs.reset_index())
        cluster.index = wide.index
        sums = wide.groupby(cluster, sort=True).sum()
        sizes = cluster.groupby(cluster, sort=True).size().reindex(sums.index)
        low, high = cluster_ratio_ci(
            sums.to_numpy().T,
            sizes.to_numpy(np.float64),
            n_boot,
            ci,
            unit_rng(seed, "topic_prevalence", outlet),
        )
        mean = wide.mean(axis=0)
        for i, topic in enumerate(wide.columns):
            rows.append(
                {
                    S.OUTLET: outlet,
                    S.TOPIC: int(topic),
                    S.MEAN: float(mean.iloc[i]),
                    S.CI_LOW: low[i],
                    S.CI_HIGH: high[i],
                    S.N_ARTICLES: len(wide),
                    S.N_CLUSTERS: len(sums),
                    S.CLUSTER_BY: cluster_by,
                }
            )
    return pd.DataFrame(rows, columns=list(S.OUTLET_TOPICS.columns))


def cluster_ratio_ci(
    sums: np.ndarray, sizes: np.ndarray, n_boot: int, ci: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """BCa intervals for ``sums[k].sum() / sizes.sum()``, resampling clusters (columns).

    ``sums`` is (statistics, clusters): per cluster, the sum of its articles' values;
    ``sizes`` the number of articles per cluster. All statistics share the same resamples.
    A statistic with fewer than two clusters, or the same mean in every cluster, gets a
    NaN interval: there is nothing to resample, and a zero-width interval would claim
    certainty we lack.
    """
    sums = np.atleast_2d(np.asarray(sums, np.float64))
    sizes = np.asarray(sizes, np.float64)
    low = np.full(sums.shape[0], np.nan)
    high = np.full(sums.shape[0], np.nan)
    if sums.shape[1] < 2:
        return low, high
    cluster_means = sums / sizes
    varies = np.ptp(cluster_means, axis=1) > 1e-12
    if not varies.any():
        return low, high

    stat_sums = sums[varies]
    n_clusters = sums.shape[1]
    # Paired resampling of clusters, in batches of resamples (statistics x clusters x
    # resamples would not fit in memory for large corpora).
    batch = max(1, int(BOOTSTRAP_BATCH_BYTES // (8 * stat_sums.shape[0] * n_clusters)))
    draws = rng.integers(0, n_clusters, size=(n_boot, n_clusters))
    boot = np.empty((stat_sums.shape[0], n_boot))
    for start in range(0, n_boot, batch):
        idx = draws[start : start + batch]
        boot[:, start : start + batch] = stat_sums[:, idx].sum(axis=-1) / sizes[idx].sum(axis=-1)
    estimate = stat_sums.sum(axis=1) / sizes.sum()
    jackknife = (stat_sums.sum(axis=1, keepdims=True) - stat_sums) / (sizes.sum() - sizes)
    lows, highs = bca_bounds(estimate, boot, jackknife, ci)
    low[varies] = lows
    high[varies] = highs
    return low, high


# --- regression: the counterpart of STM's estimateEffect ----------------------------
def topic_effects(
    article_topics: pd.DataFrame, ci: float = 0.95, outlets: Sequence[str] | None = None
) -> pd.DataFrame:
    """Per topic, OLS of article share on outlet (+ event fixed effects), robust CIs.

    ``estimate`` is the outlet's adjusted share: the model's mean prediction over all
    articles of the corpus with the outlet set to this one (so every outlet is compared
    on the same mix of events). ``diff`` is the estimate minus the mean estimate over
    outlets; ``p_outlet`` tests that all outlets' estimates are equal.

    A linear model's interval for a rare topic's share runs below 0%. The estimate's
    interval is therefore Wilson-type from its robust standard error
    (``analysis.stats.shares``), inside 0-100%, and an adjusted share the linear model
    puts below 0 is reported as 0; ``diff`` and its interval stay on the linear scale.
    """
    import statsmodels.api as sm

    wide = article_topics.pivot(index=S.DOC_ID, columns=S.TOPIC, values=S.SHARE)
    docs = article_topics.drop_duplicates(S.DOC_ID).set_index(S.DOC_ID).reindex(wide.index)
    present = set(docs[S.OUTLET])
    names = [o for o in (outlets or sorted(present)) if o in present]
    names += sorted(present - set(names))
    outlet_x = (docs[S.OUTLET].to_numpy()[:, None] == np.asarray(names)[None, :]).astype(float)
    cluster, cluster_by = _clusters(docs.reset_index())
    design, event_means, model = outlet_x, np.zeros(0), "ols ~ outlet; HC2 SEs"
    if cluster_by == "event" and cluster.nunique() > 1:
        levels = np.asarray(sorted(cluster.unique()))[1:]  # first level is the baseline
        event_x = (cluster.to_numpy()[:, None] == levels[None, :]).astype(float)
        candidate = np.hstack([outlet_x, event_x])
        if np.linalg.matrix_rank(candidate) == candidate.shape[1]:
            design, event_means = candidate, event_x.mean(axis=0)
            model = "ols ~ outlet + event FE; CR1 SEs clustered by event"
        else:
            log.warning(
                "outlet and event indicators are collinear (an outlet's events are covered "
                "by no other outlet): topic effects are estimated without event fixed effects"
            )
            model = "ols ~ outlet; CR1 SEs clustered by event (event FE not identified)"
    n_outlets = len(names)
    # Rows of L: adjusted share of each outlet (outlet indicator + the corpus event mix)
    adjusted = np.hstack([np.eye(n_outlets), np.tile(event_means, (n_outlets, 1))])
    centred = np.hstack(
        [np.eye(n_outlets) - 1.0 / n_outlets, np.zeros((n_outlets, len(event_means)))]
    )
    n_articles = docs[S.OUTLET].value_counts().reindex(names).to_numpy()
    n_units = docs.groupby(S.OUTLET)[S.N_UNITS].sum().reindex(names).to_numpy(np.float64)
    # The joint test compares the outlets whose share has a variance (2+ articles)
    tested = np.flatnonzero(n_articles >= 2)
    joint = None
    if len(tested) > 1:
        joint = np.zeros((len(tested) - 1, design.shape[1]))
        joint[np.arange(len(tested) - 1), tested[1:]] = 1.0
        joint[:, tested[0]] = -1.0
    if cluster_by == "event":
        fit_kw = {"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(cluster)[0]}}
    else:
        fit_kw = {"cov_type": "HC2"}
    rows = []
    alpha = 1 - ci
    for topic in wide.columns:
        y = wide[topic].to_numpy(np.float64)
        nan = np.full(n_outlets, np.nan)
        est_ci, diff_ci, p_diff, p_joint = (nan, nan), (nan, nan), nan, np.nan
        if np.ptp(y) == 0 or len(y) <= design.shape[1]:
            # a constant share (e.g. no outliers left) or no residual degrees of freedom
            beta = np.linalg.lstsq(design, y, rcond=None)[0]
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # singular-covariance notes on tiny groups
                res = sm.OLS(y, design).fit(use_t=True, **fit_kw)
                beta = res.params
                t_est = res.t_test(adjusted)
                t_diff = res.t_test(centred)
                est_ci = share_interval(
                    adjusted @ res.params,
                    _finite(np.asarray(t_est.sd, np.float64).reshape(-1)),
                    n_units,
                    res.df_resid,
                    ci,
                    scale=1.0,
                )
                diff_ci = tuple(_finite(t_diff.conf_int(alpha=alpha)).T)
                p_diff = _finite(np.asarray(t_diff.pvalue, np.float64).reshape(-1))
                if joint is not None:
                    p_joint = _joint_p(res, joint)
        est, diff = adjusted @ beta, centred @ beta
        for i, outlet in enumerate(names):
            rows.append(
                {
                    S.TOPIC: int(topic),
                    S.OUTLET: outlet,
                    S.ESTIMATE: float(np.clip(est[i], 0.0, 1.0)),
                    S.CI_LOW: float(est_ci[0][i]),
                    S.CI_HIGH: float(est_ci[1][i]),
                    S.DIFF: float(diff[i]),
                    S.DIFF_CI_LOW: float(diff_ci[0][i]),
                    S.DIFF_CI_HIGH: float(diff_ci[1][i]),
                    S.P_VALUE: float(p_diff[i]),
                    S.P_OUTLET: p_joint,
                    S.N_ARTICLES: int(n_articles[i]),
                    S.MODEL: model,
                }
            )
    return pd.DataFrame(rows, columns=list(S.TOPIC_EFFECTS.columns))


def _joint_p(res, restrictions: np.ndarray) -> float:
    """Wald F test p-value, NaN when the robust covariance cannot support it.

    With clustered errors the covariance has rank at most (clusters - 1); testing more
    restrictions than that is not possible, and statsmodels refuses.
    """
    try:
        return float(np.squeeze(res.f_test(restrictions).pvalue))
    except (ValueError, np.linalg.LinAlgError) as exc:
        log.debug("joint outlet test not possible: %s", exc)
        return float("nan")


def _finite(values: np.ndarray) -> np.ndarray:
    """NaN where a variance was infinite or undefined (e.g. an outlet with one article)."""
    values = np.asarray(values, np.float64)
    return np.where(np.isfinite(values), values, np.nan)


# --- over time ----------------------------------------------------------------------
def choose_time_bin(published: pd.Series, time_bin: str = "auto") -> str:
    """The finest of week/month/quarter/year giving at most 24 periods (for "auto")."""
    if time_bin != "auto":
        return time_bin
    dated = published.dropna()
    if dated.empty:
        return "month"
    for name, code in TIME_BINS.items():
        periods = _periods(dated, code)
        if (periods.max() - periods.min()).n + 1 <= MAX_AUTO_BINS:
            return name
    return "year"


def _periods(published: pd.Series, code: str) -> pd.Series:
    return published.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period(code)


def topic_time(article_topics: pd.DataFrame, time_bin: str = "auto") -> pd.DataFrame:
    """Mean article share per (outlet, period, topic); undated articles are left out."""
    dated = article_topics[article_topics[S.PUBLISHED].notna()]
    n_undated = article_topics.loc[article_topics[S.PUBLISHED].isna(), S.DOC_ID].nunique()
    if n_undated:
        log.warning(
            "%d article(s) without a publication date are left out of topic_time", n_undated
        )
    columns = list(S.TOPIC_TIME.columns)
    if dated.empty:
        return pd.DataFrame(columns=columns)
    code = TIME_BINS[choose_time_bin(dated[S.PUBLISHED], time_bin)]
    start = _periods(dated[S.PUBLISHED], code).dt.start_time.dt.tz_localize("UTC")
    frame = dated.assign(**{S.PERIOD: start})
    out = (
        frame.groupby([S.OUTLET, S.PERIOD, S.TOPIC], sort=True)
        .agg(**{S.MEAN: (S.SHARE, "mean"), S.N_ARTICLES: (S.DOC_ID, "nunique")})
        .reset_index()
    )
    return out[columns]
