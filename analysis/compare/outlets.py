"""Compare outlets within events: effects, pairwise differences, tests.

``WithinEventComparison`` is the estimator on one view's cells (every frame at once).
``analysis.compare.levels`` extends it to levels of an outlet attribute, and
``analysis.compare.tables`` runs both over a study.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from tqdm.auto import tqdm

from analysis import schema as S
from analysis.compare.cluster_bootstrap import bootstrap_draws, event_weights, interval
from analysis.compare.permutation import omnibus_pvalues, pair_pvalues, swap_patterns
from analysis.compare.within_event import Cells, TwoWayDesign
from analysis.stats.bootstrap import unit_rng

log = logging.getLogger(__name__)

_PAIR_CHUNK_FLOATS = 20_000_000


class ComparisonSettings(BaseEstimator):
    """The resampling settings every comparison estimator takes (compare.* in study.yaml)."""

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


class WithinEventComparison(ComparisonSettings):
    """Outlet effects, pairwise differences and permutation tests on one view's cells.

    Parameters
    ----------
    n_boot, ci, ci_method : the event-clustered bootstrap (see ``cluster_bootstrap``).
    n_perm : permutations per test (see ``permutation``).
    seed : study seed; random streams are derived per view, pair and purpose, so adding
        an outlet leaves the other pairs' p-values unchanged.

    Attributes (after ``fit``): ``effects_``, ``pairs_``, ``omnibus_`` (DataFrames
    without the view column), ``estimate_`` (K, F), ``bootstrap_`` (every draw),
    ``weights_`` (the event weights of every draw) and ``draws_`` (B_used, K, F: the
    draws holding every outlet).
    """

    def fit(
        self,
        cells: Cells,
        stream: str = "",
        test_pairs: np.ndarray | None = None,
        omnibus: bool = True,
    ) -> WithinEventComparison:
        """Fit on ``cells``. ``test_pairs`` (a mask over the pairs in ``np.triu_indices``
        order; None: all) and ``omnibus`` say which permutation tests to run: levels of
        several outlets each are tested by ``levels`` instead."""
        design = TwoWayDesign(cells.present, cells.weights)
        values = cells.values
        E, K, F = cells.shape
        self.estimate_ = design.estimate(values)
        weights = event_weights(E, self.n_boot, unit_rng(self.seed, "bootstrap", stream))
        self.weights_ = weights
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
        self.pairs_ = self._pairs(cells, design, n_events, stream, test_pairs)
        stat, p = np.full(F, np.nan), np.full(F, np.nan)
        if omnibus:
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
        self,
        cells: Cells,
        design: TwoWayDesign,
        n_events: np.ndarray,
        stream: str,
        test_pairs: np.ndarray | None = None,
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
            if test_pairs is not None and not test_pairs[k]:
                continue
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
