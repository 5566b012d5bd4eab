"""Compare outlets within events: effects, pairwise differences, tests, corrections.

``WithinEventComparison`` is the estimator on one view's cells (every frame at once);
``compare_outlets`` runs it over a study's views and assembles the tables the
``comparisons`` stage writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from tqdm.auto import tqdm

from analysis import schema as S
from analysis.compare.cluster_bootstrap import bootstrap_draws, event_weights, interval
from analysis.compare.multiple import bh_adjust
from analysis.compare.permutation import omnibus_pvalues, pair_pvalues, swap_patterns
from analysis.compare.regression import outlet_regression
from analysis.compare.units import eligible_articles, unit_table
from analysis.compare.within_event import Cells, TwoWayDesign, build_cells
from analysis.stats.bootstrap import unit_rng
from analysis.study import CompareConfig, configured

log = logging.getLogger(__name__)

_PAIR_CHUNK_FLOATS = 20_000_000


class WithinEventComparison(BaseEstimator):
    """Outlet effects, pairwise differences and permutation tests on one view's cells.

    Parameters
    ----------
    n_boot, ci, ci_method : the event-clustered bootstrap (see ``cluster_bootstrap``).
    n_perm : permutations per test (see ``permutation``).
    seed : study seed; random streams are derived per view, pair and purpose, so adding
        an outlet leaves the other pairs' p-values unchanged.

    Attributes (after ``fit``): ``effects_``, ``pairs_``, ``omnibus_`` (DataFrames
    without the view column), ``estimate_`` (K, F), ``bootstrap_`` (every draw) and
    ``draws_`` (B_used, K, F: the draws holding every outlet).
    """

    def __init__(
        self,
        n_boot: int = 2000,
        n_perm: int = 9999,
        ci: float = 0.95,
        ci_method: str = "t",
        seed: int = 0,
    ):
        self.n_boot = n_boot
        self.n_perm = n_perm
        self.ci = ci
        self.ci_method = ci_method
        self.seed = seed

    def fit(self, cells: Cells, stream: str = "") -> WithinEventComparison:
        design = TwoWayDesign(cells.present)
        values = cells.values
        E, K, F = cells.shape
        self.estimate_ = design.estimate(values)
        weights = event_weights(E, self.n_boot, unit_rng(self.seed, "bootstrap", stream))
        self.bootstrap_ = bootstrap_draws(design, values, weights)
        self.draws_ = self.bootstrap_.effects()
        n_used = self.draws_.shape[0]
        if n_used < 0.9 * self.n_boot:
            log.warning(
                "comparisons %s: only %d of %d bootstrap draws held every outlet; outlet "
                "effects rest on those (outlets with few events make draws incomplete; "
                "pairwise intervals use every draw holding the pair)",
                stream,
                n_used,
                self.n_boot,
            )
        n_events = cells.present.sum(axis=0)
        low, high = interval(
            self.estimate_, self.draws_, n_events[:, None], self.ci, self.ci_method
        )
        self.effects_ = pd.DataFrame(
            {
                S.FRAME: np.repeat(cells.frames[None, :], K, axis=0).ravel(),
                S.OUTLET: np.repeat(cells.outlets, F),
                S.ESTIMATE: self.estimate_.ravel(),
                S.CI_LOW: low.ravel(),
                S.CI_HIGH: high.ravel(),
                S.N_EVENTS: np.repeat(n_events, F),
                S.N_ARTICLES: np.repeat(cells.n_articles.sum(axis=0), F),
                S.N_BOOT_USED: n_used,
            }
        )
        self.pairs_ = self._pairs(cells, design, n_events, stream)
        stat, p = omnibus_pvalues(
            design, values, self.n_perm, unit_rng(self.seed, "omnibus", stream)
        )
        self.omnibus_ = pd.DataFrame(
            {
                S.FRAME: cells.frames,
                S.STATISTIC: stat,
                S.P_VALUE: p,
                S.N_PERMUTATIONS: self.n_perm,
                S.N_EVENTS: E,
                S.N_OUTLETS: K,
            }
        )
        return self

    def _pairs(
        self, cells: Cells, design: TwoWayDesign, n_events: np.ndarray, stream: str
    ) -> pd.DataFrame:
        _, K, F = cells.shape
        ia, ib = np.triu_indices(K, 1)
        estimate = self.estimate_[ia] - self.estimate_[ib]  # (P, F)
        m = np.minimum(n_events[ia], n_events[ib])[:, None]
        low = np.empty_like(estimate)
        high = np.empty_like(estimate)
        n_used = np.empty(len(ia), dtype=np.int64)
        chunk = max(1, _PAIR_CHUNK_FLOATS // max(1, self.n_boot * F))
        for s in range(0, len(ia), chunk):
            sl = slice(s, s + chunk)
            draws = self.bootstrap_.differences(ia[sl], ib[sl])
            low[sl], high[sl] = interval(estimate[sl], draws, m[sl], self.ci, self.ci_method)
            n_used[sl] = np.sum(~np.isnan(draws[:, :, 0]), axis=0)

        pinv = design.contrast_pinv()
        p = np.full_like(estimate, np.nan)
        n_shared = np.zeros(len(ia), dtype=np.int64)
        n_perm = np.zeros(len(ia), dtype=np.int64)
        exact = np.zeros(len(ia), dtype=bool)
        pairs = zip(ia, ib, strict=True)
        bar = tqdm(
            pairs,
            total=len(ia),
            desc=f"permutation tests {stream}",
            leave=False,
            disable=len(ia) < 500,  # a bar only where the wait is noticeable
        )
        for k, (a, b) in enumerate(bar):
            shared = cells.present[:, a] & cells.present[:, b]
            n_shared[k] = int(shared.sum())
            rng = unit_rng(self.seed, "permutation", stream, cells.outlets[a], cells.outlets[b])
            patterns, exact[k] = swap_patterns(n_shared[k], self.n_perm, rng)
            n_perm[k] = patterns.shape[0]
            diffs = cells.values[shared, a, :] - cells.values[shared, b, :]
            q = pinv[a, a] + pinv[b, b] - 2 * pinv[a, b]
            p[k] = pair_pvalues(estimate[k], q, diffs, patterns, bool(exact[k]))
        return pd.DataFrame(
            {
                S.FRAME: np.tile(cells.frames, len(ia)),
                S.OUTLET_A: np.repeat(cells.outlets[ia], F),
                S.OUTLET_B: np.repeat(cells.outlets[ib], F),
                S.ESTIMATE: estimate.ravel(),
                S.CI_LOW: low.ravel(),
                S.CI_HIGH: high.ravel(),
                S.N_SHARED_EVENTS: np.repeat(n_shared, F),
                S.N_BOOT_USED: np.repeat(n_used, F),
                S.P_VALUE: p.ravel(),
                S.N_PERMUTATIONS: np.repeat(n_perm, F),
                S.EXACT: np.repeat(exact, F),
            }
        )


@dataclass
class ComparisonTables:
    outlet_effects: pd.DataFrame
    pairwise_differences: pd.DataFrame
    frame_tests: pd.DataFrame
    regression: pd.DataFrame
    comparison_units: pd.DataFrame

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return {
            "outlet_effects": self.outlet_effects,
            "pairwise_differences": self.pairwise_differences,
            "frame_tests": self.frame_tests,
            "regression": self.regression,
            "comparison_units": self.comparison_units,
        }


def compare_outlets(
    article_frames: pd.DataFrame,
    articles: pd.DataFrame,
    events: pd.DataFrame,
    cfg: CompareConfig,
    seed: int,
    outlet_order: list[str] | None = None,
) -> ComparisonTables:
    """Every comparison table for a study, per frame and view."""
    score = cfg.score
    usable, reasons = eligible_articles(articles, events, cfg)
    order = outlet_order or sorted(articles[S.OUTLET].unique())
    views = [v for v in S.VIEWS if v in set(article_frames[S.VIEW])]
    effects, pairs, omnibus, regression, units = [], [], [], [], []
    for view in views:
        scores = article_frames[article_frames[S.VIEW] == view]
        scores = scores[[S.DOC_ID, S.FRAME, score]].merge(usable, on=S.DOC_ID, how="inner")
        view_reasons = dict(reasons)
        cells, dropped = build_cells(scores, score, cfg.min_events, order)
        view_reasons.update(dropped)
        in_view = set(scores[S.DOC_ID])
        units.append(unit_table(articles, events, view, view_reasons, in_view))
        E, K, _ = cells.shape
        if K < 2:
            log.warning(
                "comparisons: view %r has fewer than two outlets with %d shared events; "
                "nothing to compare",
                view,
                cfg.min_events,
            )
            continue
        log.info("comparisons: view %r: %d outlets over %d events", view, K, E)
        fit = configured(WithinEventComparison(seed=seed), cfg).fit(cells, stream=view)
        effects.append(fit.effects_.assign(**{S.VIEW: view}))
        pairs.append(fit.pairs_.assign(**{S.VIEW: view}))
        omnibus.append(fit.omnibus_.assign(**{S.VIEW: view}))
        if cfg.regression != "none":
            kept = scores[scores[S.DOC_ID].isin(in_view - set(view_reasons))]
            for frame in cells.frames:
                data = kept[kept[S.FRAME] == frame]
                try:
                    table = outlet_regression(
                        data, score, cfg.regression, list(cells.outlets), cfg.ci
                    )
                except (np.linalg.LinAlgError, ValueError) as exc:
                    log.warning(
                        "comparisons: %s regression for frame %r, view %r failed (%s); "
                        "its rows are missing from the regression table",
                        cfg.regression,
                        frame,
                        view,
                        exc,
                    )
                    continue
                regression.append(
                    table.assign(**{S.FRAME: frame, S.VIEW: view, S.MODEL: cfg.regression})
                )

    pair_table = _frame(pairs, S.PAIRWISE_DIFFERENCES)
    test_table = _frame(omnibus, S.FRAME_TESTS)
    family = [S.VIEW] if cfg.fdr_family == "view" else []
    pair_table[S.Q_VALUE] = _adjust(pair_table, family)
    pair_table[S.SIGNIFICANT] = pair_table[S.Q_VALUE].le(cfg.fdr).fillna(False).astype(bool)
    test_table[S.Q_VALUE] = _adjust(test_table, family)
    return ComparisonTables(
        outlet_effects=_frame(effects, S.OUTLET_EFFECTS),
        pairwise_differences=pair_table,
        frame_tests=test_table,
        regression=_frame(regression, S.REGRESSION),
        comparison_units=pd.concat(units, ignore_index=True)
        if units
        else _frame([], S.COMPARISON_UNITS),
    )


def _frame(parts: list[pd.DataFrame], schema) -> pd.DataFrame:
    columns = list(schema.columns)
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    return out[[c for c in columns if c in out.columns]]


def _adjust(table: pd.DataFrame, family: list[str]) -> pd.Series:
    if table.empty:
        return pd.Series(dtype=float)
    if not family:
        return pd.Series(bh_adjust(table[S.P_VALUE].to_numpy()), index=table.index)
    out = pd.Series(np.nan, index=table.index)
    for _, group in table.groupby(family, sort=False):
        out[group.index] = bh_adjust(group[S.P_VALUE].to_numpy())
    return out
