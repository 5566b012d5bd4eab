"""Levels of an outlet attribute (group, country, ownership, ...) compared within events.

The question a paper asks is rarely "does outlet A differ from outlet B?" but "do the
state media of the sending country frame this differently from the opposing side's
press?". Outlets are then **nested** in the levels of an attribute, and the unit is
still the within-event cell: one outlet's articles on one event, averaged.

Model and estimate
------------------
Each outlet cell is an observation of the two-way model

    y[e, o] = mu_e + theta_g(o) + u_o + error,

with an event effect ``mu_e``, a level effect ``theta_g`` (summing to zero over levels:
a level's distance from the mean of levels) and the outlet's own departure ``u_o`` from
its level. ``theta`` is fitted by least squares on the outlet cells with event fixed
effects (``within_event.TwoWayDesign`` with a level's cell pooling its outlets' cells,
each outlet cell counting once), so an outlet with a single article on a shared event
still contributes to its level. Besides the effect, each level gets its **adjusted
mean**: ``theta_g`` plus the mean event effect, i.e. the level's expected score on the
average compared event. For shares of sentences that is a percentage a reader needs no
help with.

Intervals: what is independent
-------------------------------
Events are independent draws (an event's articles share its facts and news value), and
so are the outlets within a level (a level's outlets are a sample of the outlets of
that kind). Cells are neither: cells of one event share the event, cells of one outlet
share the outlet. The variance therefore has two resampled components, combined like
two-way cluster-robust variances (Cameron, Gelbach & Miller 2011):

    V = V_events + sum over levels g of max(0, V_outlets,g - V_cells,g)

- ``V_events``: the event-cluster bootstrap of ``cluster_bootstrap`` (events drawn with
  replacement and the model refitted; the CR1 factor m / (m - 1)), exactly as for
  outlets.
- ``V_outlets,g``: the outlets of level g resampled: a delete-one-outlet jackknife within
  the level. For a level mean of n outlets it equals s^2 / n, which is the variance of
  the (Rao-Wu rescaled) bootstrap of outlets within a stratum, without its Monte Carlo
  noise and without the n^n limit on distinct resamples of three outlets.
- ``V_cells,g``: the same jackknife deleting single cells of level g. Cell noise is in
  both of the components above; subtracting it once keeps it from being counted twice
  (the pigeonhole bootstrap, which resamples events and outlets together, counts it
  twice and over-covers when outlets differ little; Owen 2007). Truncating at zero is the
  moment estimator's usual rule: outlets that vary no more than their noise predicts add
  nothing.

This is a two-level resampling scheme rather than a mixed model because it keeps the
event-level behaviour the outlet comparison was calibrated on (event-specific
amplification of differences, heavy tails, uneven coverage), which a random-intercept
model would have to model explicitly, and needs no distributional assumption about
outlets. Intervals are ``estimate ± t(df) * sqrt(V)`` with Satterthwaite's df, from
m - 1 for the event component (m: events informing the estimate) and n_g - 1 for each
level's outlet component. Calibration by simulation (planted level effects, outlet
heterogeneity within levels, 3 to 10 outlets per level): tests/test_compare_levels.py
and benchmarks/compare_levels_calibration.py.

Levels with one outlet
----------------------
A level with a single outlet (the demo's ``group``: one outlet per kind) has no
between-outlet variation to resample: its interval holds the event component only and
speaks for that outlet, not for outlets of its kind. Tables say so in ``resampled``
("events" instead of "events+outlets"); the pairwise test of two such levels is the
outlets' within-event label-swap test of ``permutation``. A coarser attribute whose
levels hold several outlets each answers the between-outlet question.

Tests
-----
Pairwise: null "the outlets of levels a and b are exchangeable", i.e. the two kinds of
outlet frame alike. The level labels of the outlets of a and b are permuted (each outlet
keeps all its cells, so everything within events stays as observed) and the model is
refitted; every arrangement is enumerated when there are few (C(6, 3) = 20 for three
outlets a side: the smallest two-sided p-value is then 0.1, an honest limit of three
outlets a side), otherwise ``n_perm`` are drawn. Omnibus per frame: the labels of all
outlets are permuted; the statistic is the root mean square of the level effects.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd
from scipy import stats

from analysis import schema as S
from analysis.compare.cluster_bootstrap import interval
from analysis.compare.outlets import ComparisonSettings, WithinEventComparison
from analysis.compare.within_event import Cells, TwoWayDesign, pinv_psd
from analysis.stats.bootstrap import unit_rng

log = logging.getLogger(__name__)

_CHUNK_FLOATS = 10_000_000
_TOL = 1e-9
SCOPE_OUTLETS = "events+outlets"
SCOPE_EVENTS = "events"
TEST_SWAPS = "within-event label swaps"
TEST_LABELS = "outlet labels permuted"


@dataclass(frozen=True)
class CellList:
    """The present outlet cells of a ``Cells`` as a list (N cells)."""

    event: np.ndarray  # (N,) event index
    outlet: np.ndarray  # (N,) outlet index
    values: np.ndarray  # (N, F)
    n_events: int

    @classmethod
    def of(cls, cells: Cells) -> CellList:
        e, o = np.nonzero(cells.present)
        return cls(e, o, cells.values[e, o, :], cells.shape[0])


def pool_levels(cells: Cells, outlet_level: np.ndarray, levels: np.ndarray) -> Cells:
    """(event, level) cells pooling the outlet cells of each level: weights count them.

    ``outlet_level`` is each outlet's index into ``levels`` (the level names)."""
    onehot = np.eye(len(levels))[outlet_level]  # (K, G)
    counts = cells.present.astype(float) @ onehot  # (E, G)
    sums = np.einsum("ekf,kg->egf", np.where(cells.present[:, :, None], cells.values, 0), onehot)
    present = counts > 0
    values = np.where(present[:, :, None], sums / np.maximum(counts, 1)[:, :, None], 0.0)
    return Cells(
        events=cells.events,
        outlets=np.asarray(levels, dtype=object),
        frames=cells.frames,
        present=present,
        values=values,
        n_articles=(cells.n_articles @ onehot).astype(np.int64),
        weights=counts,
    )


def solve_cells(
    cells: CellList,
    levels: np.ndarray,
    n_levels: int,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Refit the level model for a batch of cell weightings or level labellings.

    ``levels``: (N,) or (B, N) level of each cell; ``weights``: (B, N) weight of each cell
    (None: all 1). Returns level effects (B, G, F) summing to zero over the levels
    present, adjusted means (B, G, F) and whether each draw is usable (B,): every level
    present and all connected through shared events.
    """
    N, F = cells.values.shape
    E, G = cells.n_events, n_levels
    levels = np.atleast_2d(levels)
    B = max(levels.shape[0], 0 if weights is None else weights.shape[0])
    chunk = max(1, _CHUNK_FLOATS // max(1, E * G * (F + 2)))
    theta = np.empty((B, G, F))
    adjusted = np.empty((B, G, F))
    usable = np.empty(B, dtype=bool)
    for start in range(0, B, chunk):
        stop = min(B, start + chunk)
        b = stop - start
        lv = levels if levels.shape[0] == 1 else levels[start:stop]
        lv = np.broadcast_to(lv, (b, N))
        w = np.ones((b, N)) if weights is None else weights[start:stop]
        flat = (np.arange(b)[:, None] * (E * G) + cells.event[None, :] * G + lv).ravel()
        size = b * E * G
        count = np.bincount(flat, w.ravel(), minlength=size).reshape(b, E, G)
        sums = np.stack(
            [
                np.bincount(flat, (w * cells.values[None, :, f]).ravel(), minlength=size)
                for f in range(F)
            ],
            axis=-1,
        ).reshape(b, E, G, F)
        n = count.sum(axis=2)  # (b, E)
        inv_n = np.where(n > 0, 1.0 / np.where(n > 0, n, 1.0), 0.0)
        scaled = count * inv_n[:, :, None]  # (b, E, G)
        A = -np.einsum("beg,beh->bgh", scaled, count)
        idx = np.arange(G)
        A[:, idx, idx] += count.sum(axis=1)
        rows = sums.sum(axis=2)  # (b, E, F)
        rhs = sums.sum(axis=1) - np.einsum("beg,bef->bgf", scaled, rows)
        pinv, rank = pinv_psd(A)
        th = np.matmul(pinv, rhs)
        present = count.sum(axis=1) > 0
        usable[start:stop] = present.all(axis=1) & (rank == G - 1)
        theta[start:stop] = th
        adjusted[start:stop] = th + _mean_event(rows, scaled, th, inv_n, (n > 0).astype(float))
    return theta, adjusted, usable


def _mean_event(rows, scaled, theta, inv_n, event_weight) -> np.ndarray:
    """(B, 1, F) mean over events of the event effects mu_e = (row sum - V theta) / n_e."""
    mu = rows * inv_n[:, :, None] - np.einsum("beg,bgf->bef", scaled, theta)
    total = np.maximum(event_weight.sum(axis=1), 1e-300)[:, None]
    return (np.einsum("be,bef->bf", event_weight, mu) / total)[:, None, :]


def mean_event_effect(
    design: TwoWayDesign, values: np.ndarray, theta: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """(B, 1, F) weighted mean event effect for effects ``theta`` (B, G, F) fitted on
    event weights ``weights`` (B, E): what turns an effect into an adjusted mean."""
    inv_n = 1.0 / design.n
    rows = (design.V[:, :, None] * values).sum(axis=1) * inv_n[:, None]  # (E, F)
    scaled = design.V * inv_n[:, None]  # (E, G)
    w = np.atleast_2d(weights)
    total = w.sum(axis=1)[:, None]
    part_rows = (w @ rows) / total  # (B, F)
    part_theta = np.einsum("bg,bgf->bf", (w @ scaled) / total, theta)
    return (part_rows - part_theta)[:, None, :]


def _jackknife_var(replicates: np.ndarray) -> np.ndarray:
    """Delete-one jackknife variance over axis 0: (J - 1) / J * sum of squared deviations."""
    J = replicates.shape[0]
    if J < 2:
        return np.zeros(replicates.shape[1:])
    dev = replicates - replicates.mean(axis=0, keepdims=True)
    return (J - 1) / J * np.sum(dev**2, axis=0)


@dataclass(frozen=True)
class Components:
    """Variance components of a set of estimates (shape X)."""

    events: np.ndarray  # X: event bootstrap variance, CR1-scaled
    n_events: np.ndarray  # X: events informing each estimate (m)
    outlets: np.ndarray  # (G, *X): each level's outlet jackknife variance
    cells: np.ndarray  # (G, *X): each level's cell jackknife variance (the noise in it)
    n_outlets: np.ndarray  # (G,)

    def interval(self, estimate: np.ndarray, ci: float) -> tuple[np.ndarray, ...]:
        """(low, high, se, df): t(df) intervals with Satterthwaite's df.

        A level's between-outlet term max(0, outlets - cells) varies as its outlet
        jackknife does (n_g - 1 df; the cell term rests on many more cells), so that is
        the term's weight in Satterthwaite's formula.
        """
        multi = self.n_outlets >= 2
        raw = self.outlets[multi]
        between = np.maximum(0.0, raw - self.cells[multi])
        total = self.events + between.sum(axis=0)
        m = self.n_events.astype(float)
        shape = (-1,) + (1,) * self.events.ndim
        nu = (self.n_outlets[multi] - 1).astype(float).reshape(shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            denom = self.events**2 / (m - 1) + np.sum(raw**2 / nu, axis=0)
            df = np.where(denom > 0, total**2 / denom, m - 1)
            se = np.sqrt(total)
            half = stats.t.ppf(0.5 + ci / 2, df) * se
        bad = (m < 2) | ~np.isfinite(half)
        low = np.where(bad, np.nan, estimate - half)
        high = np.where(bad, np.nan, estimate + half)
        return low, high, np.where(bad, np.nan, se), np.where(bad, np.nan, df)


class LevelComparison(ComparisonSettings):
    """Levels of an outlet attribute compared within events (see the module docstring).

    Parameters are those of ``WithinEventComparison``: the event bootstrap (``n_boot``,
    ``ci``, ``ci_method``), permutations per test (``n_perm``) and the study ``seed``.

    ``fit(cells, outlet_level)`` takes outlet cells (one per outlet and event, as
    ``build_cells`` makes them) and each outlet's level. Attributes after ``fit``:
    ``effects_`` (per level: adjusted mean and effect with intervals), ``pairs_``
    (differences between levels, with permutation p-values) and ``omnibus_`` (one test
    per frame), all without the view column; ``levels_`` and ``n_outlets_``.
    """

    def fit(self, cells: Cells, outlet_level, stream: str = "") -> LevelComparison:
        outlet_level = np.asarray(outlet_level, dtype=object)
        self.levels_ = np.array(list(dict.fromkeys(outlet_level)), dtype=object)
        G = len(self.levels_)
        if G < 2:
            raise ValueError("need at least two levels to compare")
        code = pd.Index(self.levels_).get_indexer(outlet_level)
        self.n_outlets_ = np.bincount(code, minlength=G)
        pooled = pool_levels(cells, code, self.levels_)
        design = TwoWayDesign(pooled.present, pooled.weights)
        single = self.n_outlets_ < 2
        ia, ib = np.triu_indices(G, 1)
        self._base = WithinEventComparison(
            self.n_boot, self.n_perm, self.ci, self.ci_method, self.seed
        ).fit(pooled, stream=stream, test_pairs=single[ia] & single[ib], omnibus=single.all())
        base = self._base
        theta = base.estimate_
        ones = np.ones((1, len(design.n)))
        mean_event = mean_event_effect(design, pooled.values, theta[None], ones)
        adjusted = theta + mean_event[0]
        boot = base.bootstrap_
        complete = boot.complete
        w = base.weights_
        adj_draws = boot.beta + mean_event_effect(design, pooled.values, boot.beta, w)
        n_events = pooled.present.sum(axis=0)

        # Between-outlet components: jackknife over outlets and over cells of each level
        # holding two or more outlets.
        flat = CellList.of(cells)
        cell_level = code[flat.outlet]
        multi = np.flatnonzero(self.n_outlets_ >= 2)
        # Per level and estimate: (outlet jackknife, cell jackknife) variances.
        jack = {
            key: (np.zeros(shape), np.zeros(shape))
            for key, shape in (
                ("effects", (G, *theta.shape)),
                ("adjusted", (G, *theta.shape)),
                ("pairs", (G, len(ia), theta.shape[1])),
            )
        }
        for g in multi:
            comp = []
            for groups in (
                [np.flatnonzero(flat.outlet == k) for k in np.flatnonzero(code == g)],
                [np.array([i]) for i in np.flatnonzero(cell_level == g)],
            ):
                weights = np.ones((len(groups), len(cell_level)))
                for j, idx in enumerate(groups):
                    weights[j, idx] = 0.0
                th, adj, _ = solve_cells(flat, cell_level, G, weights)
                comp.append(
                    (
                        _jackknife_var(th),
                        _jackknife_var(adj),
                        _jackknife_var(th[:, ia] - th[:, ib]),
                    )
                )
            for kind, (outlet_var, cell_var) in zip(jack, zip(*comp, strict=True), strict=True):
                jack[kind][0][g], jack[kind][1][g] = outlet_var, cell_var
        self.jackknife_ = {"outlets": jack["pairs"][0], "cells": jack["pairs"][1]}

        m_eff = np.broadcast_to(n_events[:, None], theta.shape)
        eff_draws = boot.beta[complete]
        adj_used = adj_draws[complete]
        events_eff = _boot_var(eff_draws, m_eff)
        events_adj = _boot_var(adj_used, m_eff)
        eff_ci = self._interval(theta, eff_draws, m_eff, events_eff, jack["effects"])
        adj_ci = self._interval(adjusted, adj_used, m_eff, events_adj, jack["adjusted"])
        scope = np.where(self.n_outlets_ >= 2, SCOPE_OUTLETS, SCOPE_EVENTS)
        F = theta.shape[1]
        self.effects_ = pd.DataFrame(
            {
                S.FRAME: np.tile(cells.frames, G),
                S.LEVEL: np.repeat(self.levels_, F),
                S.ESTIMATE: adjusted.ravel(),
                S.CI_LOW: adj_ci[0].ravel(),
                S.CI_HIGH: adj_ci[1].ravel(),
                S.STD_ERROR: adj_ci[2].ravel(),
                S.DF: adj_ci[3].ravel(),
                S.DIFF: theta.ravel(),
                S.DIFF_CI_LOW: eff_ci[0].ravel(),
                S.DIFF_CI_HIGH: eff_ci[1].ravel(),
                S.N_OUTLETS: np.repeat(self.n_outlets_, F),
                S.N_EVENTS: np.repeat(n_events, F),
                S.N_ARTICLES: np.repeat(pooled.n_articles.sum(axis=0), F),
                S.N_BOOT_USED: int(complete.sum()),
                S.RESAMPLED: np.repeat(scope, F),
            }
        )
        self.pairs_ = self._pairs(cells, flat, code, boot, jack["pairs"], n_events, stream)
        self.omnibus_ = self._omnibus(flat, code, base, stream)
        self.estimate_, self.adjusted_ = theta, adjusted
        return self

    def _interval(self, estimate, draws, m, events_var, jackknife):
        """t intervals from the variance components. With one outlet in every level there
        is no outlet component and this is the outlet comparison's own interval; only
        then does ``ci_method="percentile"`` apply."""
        comps = Components(events_var, m, jackknife[0], jackknife[1], self.n_outlets_)
        low, high, se, df = comps.interval(estimate, self.ci)
        if self.ci_method == "percentile" and (self.n_outlets_ < 2).all():
            low, high = interval(estimate, draws, m, self.ci, self.ci_method)
        return low, high, se, df

    def _pairs(self, cells, flat, code, boot, jackknife, n_events, stream):
        G = len(self.levels_)
        F = len(cells.frames)
        ia, ib = np.triu_indices(G, 1)
        theta = self._base.estimate_
        estimate = theta[ia] - theta[ib]
        draws = boot.differences(ia, ib)
        m = np.broadcast_to(np.minimum(n_events[ia], n_events[ib])[:, None], estimate.shape)
        events_var = _boot_var(draws, m)
        low, high, se, df = self._interval(estimate, draws, m, events_var, jackknife)
        n_used = np.sum(~np.isnan(draws[:, :, 0]), axis=0)
        # p-values: the outlet comparison's within-event swaps for two single outlets,
        # permuted outlet labels otherwise.
        base = self._base.pairs_
        p = base[S.P_VALUE].to_numpy().reshape(len(ia), F).copy()
        n_perm = base[S.N_PERMUTATIONS].to_numpy().reshape(len(ia), F)[:, 0].copy()
        exact = base[S.EXACT].to_numpy().reshape(len(ia), F)[:, 0].copy()
        shared = base[S.N_SHARED_EVENTS].to_numpy().reshape(len(ia), F)[:, 0]
        test = np.full(len(ia), TEST_SWAPS, dtype=object)
        cell_level = code[flat.outlet]
        for k, (a, b) in enumerate(zip(ia, ib, strict=True)):
            if self.n_outlets_[a] < 2 and self.n_outlets_[b] < 2:
                continue
            names = (str(self.levels_[a]), str(self.levels_[b]))
            rng = unit_rng(self.seed, "level permutation", stream, *names)
            p[k], n_perm[k], exact[k] = pair_label_pvalues(
                flat, code, cell_level, G, a, b, estimate[k], self.n_perm, rng
            )
            test[k] = TEST_LABELS
        return pd.DataFrame(
            {
                S.FRAME: np.tile(cells.frames, len(ia)),
                S.LEVEL_A: np.repeat(self.levels_[ia], F),
                S.LEVEL_B: np.repeat(self.levels_[ib], F),
                S.ESTIMATE: estimate.ravel(),
                S.CI_LOW: low.ravel(),
                S.CI_HIGH: high.ravel(),
                S.STD_ERROR: se.ravel(),
                S.DF: df.ravel(),
                S.N_SHARED_EVENTS: np.repeat(shared, F),
                S.N_OUTLETS_A: np.repeat(self.n_outlets_[ia], F),
                S.N_OUTLETS_B: np.repeat(self.n_outlets_[ib], F),
                S.N_BOOT_USED: np.repeat(n_used, F),
                S.RESAMPLED: np.repeat(
                    np.where(
                        (self.n_outlets_[ia] >= 2) & (self.n_outlets_[ib] >= 2),
                        SCOPE_OUTLETS,
                        SCOPE_EVENTS,
                    ),
                    F,
                ),
                S.P_VALUE: p.ravel(),
                S.N_PERMUTATIONS: np.repeat(n_perm, F),
                S.EXACT: np.repeat(exact, F),
                S.TEST: np.repeat(test, F),
            }
        )

    def _omnibus(self, flat, code, base, stream):
        table = base.omnibus_.copy()
        table[S.N_LEVELS] = table.pop(S.N_OUTLETS)
        table[S.N_OUTLETS] = int(self.n_outlets_.sum())
        table[S.TEST] = TEST_SWAPS
        if (self.n_outlets_ >= 2).any():
            rng = unit_rng(self.seed, "level omnibus", stream)
            stat, p = omnibus_label_pvalues(flat, code, len(self.levels_), self.n_perm, rng)
            table[S.STATISTIC], table[S.P_VALUE] = stat, p
            table[S.TEST] = TEST_LABELS
        return table


def _boot_var(draws: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Bootstrap variance over axis 0 (NaN draws ignored), CR1-scaled by m / (m - 1)."""
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        var = np.nanvar(draws, axis=0, ddof=1)
        m = np.asarray(m, dtype=float)
        return var * m / (m - 1)


def pair_label_pvalues(
    flat: CellList,
    code: np.ndarray,
    cell_level: np.ndarray,
    n_levels: int,
    a: int,
    b: int,
    observed: np.ndarray,
    n_perm: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, int, bool]:
    """Two-sided p-values (F,) for levels a and b by permuting their outlets' labels.

    Every arrangement is enumerated when there are at most ``n_perm + 1`` of them (an
    exact p-value); otherwise ``n_perm`` random arrangements, p = (1 + #) / (1 + n).
    An arrangement whose levels fall apart (no shared events) counts as extreme.
    """
    pool = np.flatnonzero((code == a) | (code == b))
    n_a = int((code == a).sum())
    total = comb(len(pool), n_a)
    exact = total <= n_perm + 1
    if exact:
        chosen = np.array(list(combinations(range(len(pool)), n_a)), dtype=np.int64)
        labels = np.full((total, len(pool)), b)
        np.put_along_axis(labels, chosen, a, axis=1)
    else:
        base = np.where(code[pool] == a, a, b)
        labels = rng.permuted(np.tile(base, (n_perm, 1)), axis=1)
    outlet_labels = np.tile(code, (labels.shape[0], 1))
    outlet_labels[:, pool] = labels
    theta, _, usable = solve_cells(flat, outlet_labels[:, flat.outlet], n_levels)
    permuted = theta[:, a] - theta[:, b]  # (P, F)
    bar = np.abs(observed) - _TOL * np.maximum(1.0, np.abs(observed))
    extreme = (np.abs(permuted) >= bar[None, :]) | ~usable[:, None]
    count = extreme.sum(axis=0)
    if exact:
        return count / labels.shape[0], int(labels.shape[0]), True
    return (1.0 + count) / (1.0 + n_perm), int(n_perm), False


def omnibus_label_pvalues(
    flat: CellList, code: np.ndarray, n_levels: int, n_perm: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """RMS of the level effects (F,) and its p-value with every outlet's label permuted."""
    observed, _, _ = solve_cells(flat, code[flat.outlet], n_levels)
    stat = np.sqrt((observed[0] ** 2).mean(axis=0))
    labels = rng.permuted(np.tile(code, (n_perm, 1)), axis=1)
    theta, _, usable = solve_cells(flat, labels[:, flat.outlet], n_levels)
    perm = np.sqrt((theta**2).mean(axis=1))  # (P, F)
    bar = stat - _TOL * np.maximum(1.0, stat)
    count = ((perm >= bar[None, :]) | ~usable[:, None]).sum(axis=0)
    return stat, (1.0 + count) / (1.0 + n_perm)
