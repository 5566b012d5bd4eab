"""Infer events: cluster articles by title-and-lead similarity within a date window.

Two articles can share an event only if they appeared within ``window_days`` of each
other. Within that constraint, articles are grouped by average linkage on cosine
distance and the tree is cut at ``1 - threshold``: every event's articles are, on
average, at least ``threshold`` similar to each other. Average linkage rather than single
linkage because single linkage chains: a run of loosely related daily stories would
merge into one "event" through their nearest neighbours.

The clustering is exact but never builds the full n x n similarity matrix:

1. Candidate links are the pairs inside the window with similarity >= threshold, found
   by blocked matrix products over the articles sorted by date.
2. Average linkage merges two clusters only when their mean cross similarity is
   >= threshold, so at least one cross pair is >= threshold (a mean cannot exceed the
   maximum): a link. Events therefore never cross the connected components of the
   candidate graph, and average linkage runs on each component separately, with pairs
   outside the window (or of one outlet) at an effectively infinite distance so that
   they are never merged.

Choosing the threshold (``EventsConfig.threshold``, default 0.5). Scored against true
event ids hidden from the alignment (benchmarks/results/events_alignment.json; 3-day
window, one article per outlet):

    threshold        0.40   0.45   0.50   0.55   0.60
    demo  B-cubed F1 0.964  0.917  0.899  0.838  0.703
    NeuS  B-cubed F1 0.835  0.857  0.868  0.879  0.878
    NeuS  precision  0.743  0.789  0.820  0.861  0.896

The synthetic demo favours low thresholds (its outlets headline each event in their own
framing, and its events are weeks apart), NeuS higher ones (~2.5 same-topic stories a
day). 0.5 leans toward precision: a merged event compares unrelated stories, while a
split one only loses some comparisons.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.base import BaseEstimator

log = logging.getLogger(__name__)

# Distance given to pairs outside the date window. Average linkage then never merges
# clusters holding such a pair: the mean over m1*m2 pairs stays above any cut < 2 as
# long as m1*m2 < _FAR / 2.
_FAR = 1e12
_BLOCK = 1024
_LARGE_COMPONENT = 5000


class EventAligner(BaseEstimator):
    """Group articles into events by vector similarity within a date window.

    Parameters
    ----------
    threshold : float
        Mean cosine similarity at which articles form an event (cut at 1 - threshold).
    window_days : float
        Articles further apart than this (in days) never share an event.
    undated : {"match", "alone"}
        Articles without a date: matched on similarity alone, or left as singletons.
    one_per_outlet : bool
        Never put two articles of one outlet into one event (their pair is treated like
        a pair outside the window). Coverage of one event is mostly one article per
        outlet; the constraint stops two same-day stories from merging.

    Attributes (after ``fit``)
    --------------------------
    labels_ : (n,) int, event index per article, numbered by each event's first article
        in date order.
    cohesion_ : (n,) float, mean cosine to the other articles of its event (NaN alone).
    nearest_other_ : (n,) int, the most similar article in another event inside the
        window (-1 when none).
    nearest_other_similarity_ : (n,) float, its cosine (NaN when none).
    n_components_, largest_component_ : size of the candidate graph's parts, for logs.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        window_days: float = 3.0,
        undated: str = "alone",
        one_per_outlet: bool = False,
    ):
        self.threshold = threshold
        self.window_days = window_days
        self.undated = undated
        self.one_per_outlet = one_per_outlet

    def fit(self, vectors: np.ndarray, days: np.ndarray, outlets=None) -> EventAligner:
        """``vectors``: (n, d) unit-length rows; ``days``: (n,) float days, NaN when undated;
        ``outlets``: (n,) labels, required when ``one_per_outlet``."""
        X = np.ascontiguousarray(vectors, dtype=np.float32)
        days = np.asarray(days, dtype=np.float64)
        n = X.shape[0]
        if self.one_per_outlet:
            if outlets is None:
                raise ValueError("one_per_outlet needs the outlet of each article")
            _, codes = np.unique(np.asarray(outlets, dtype=str), return_inverse=True)
        else:
            codes = np.arange(n)
        if days.shape != (n,):
            raise ValueError(f"days has shape {days.shape}, expected ({n},)")
        if self.undated not in ("match", "alone"):
            raise ValueError(f"undated must be 'match' or 'alone', not {self.undated!r}")
        # Date order (undated last, ties by input order) fixes every downstream choice.
        order = np.lexsort((np.arange(n), np.where(np.isnan(days), np.inf, days)))
        Xs, ts = X[order], days[order]
        self._codes = codes[order]
        rows, cols = self._links(Xs, ts)
        graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        n_comp, comp = connected_components(graph, directed=False)
        sizes = np.bincount(comp, minlength=n_comp)
        self.n_components_ = int(n_comp)
        self.largest_component_ = int(sizes.max()) if n else 0
        if self.largest_component_ > _LARGE_COMPONENT:
            log.warning(
                "events: %d articles are linked into one group before clustering; the "
                "threshold may be too low for this corpus",
                self.largest_component_,
            )
        labels_sorted = np.full(n, -1, dtype=np.int64)
        cohesion_sorted = np.full(n, np.nan)
        next_label = 0
        for c in np.flatnonzero(sizes > 1):
            members = np.flatnonzero(comp == c)
            sub, coh = self._cluster(Xs[members], ts[members], self._codes[members])
            labels_sorted[members] = sub + next_label
            cohesion_sorted[members] = coh
            next_label += int(sub.max()) + 1
        alone = labels_sorted < 0
        labels_sorted[alone] = np.arange(next_label, next_label + int(alone.sum()))
        labels_sorted = _renumber_by_first(labels_sorted)
        near, near_sim = self._nearest_other(Xs, ts, labels_sorted)

        inverse = np.empty(n, dtype=np.int64)
        inverse[order] = np.arange(n)
        self.labels_ = labels_sorted[inverse]
        self.cohesion_ = cohesion_sorted[inverse]
        near_orig = np.where(near >= 0, order[np.maximum(near, 0)], -1)
        self.nearest_other_ = near_orig[inverse]
        self.nearest_other_similarity_ = near_sim[inverse]
        return self

    def fit_predict(self, vectors: np.ndarray, days: np.ndarray, outlets=None) -> np.ndarray:
        return self.fit(vectors, days, outlets).labels_

    # --- steps ------------------------------------------------------------------------

    def _window_blocks(self, ts: np.ndarray):
        """(first row, end row, candidate columns) over the date-sorted articles."""
        n = len(ts)
        dated = int(np.sum(~np.isnan(ts)))  # dated articles come first
        for a in range(0, n, _BLOCK):
            b = min(a + _BLOCK, n)
            cols = np.arange(0, 0)
            if a < dated:
                last = min(b, dated) - 1
                lo = np.searchsorted(ts[:dated], ts[a] - self.window_days, side="left")
                hi = np.searchsorted(ts[:dated], ts[last] + self.window_days, side="right")
                cols = np.arange(lo, hi)
            if self.undated == "match":
                # undated rows are compared with everything; dated rows also with them
                cols = np.arange(n) if b > dated else np.concatenate([cols, np.arange(dated, n)])
            yield a, b, cols

    def _in_window(self, t_rows: np.ndarray, t_cols: np.ndarray) -> np.ndarray:
        dt = np.abs(t_rows[:, None] - t_cols[None, :])
        undated = np.isnan(t_rows)[:, None] | np.isnan(t_cols)[None, :]
        if self.undated == "alone":
            return ~undated & (dt <= self.window_days)
        return undated | (dt <= self.window_days)

    def _links(self, X: np.ndarray, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows, cols = [], []
        for a, b, cand in self._window_blocks(ts):
            if not len(cand):
                continue
            sim = X[a:b] @ X[cand].T
            ok = (sim >= self.threshold) & self._in_window(ts[a:b], ts[cand])
            ok &= self._codes[a:b, None] != self._codes[None, cand]
            ok &= cand[None, :] > np.arange(a, b)[:, None]
            r, c = np.nonzero(ok)
            rows.append(r + a)
            cols.append(cand[c])
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(rows), np.concatenate(cols)

    def _cluster(
        self, X: np.ndarray, ts: np.ndarray, codes: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Average linkage on one component: (labels from 0, cohesion per article)."""
        sim = np.clip(X.astype(np.float64) @ X.T.astype(np.float64), -1.0, 1.0)
        dist = 1.0 - sim
        dist[~self._in_window(ts, ts)] = _FAR
        dist[codes[:, None] == codes[None, :]] = _FAR
        np.fill_diagonal(dist, 0.0)
        tree = linkage(squareform(dist, checks=False), method="average")
        labels = fcluster(tree, t=1.0 - self.threshold, criterion="distance") - 1
        labels = _renumber_by_first(labels)
        same = labels[:, None] == labels[None, :]
        np.fill_diagonal(same, False)
        others = same.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cohesion = np.where(others > 0, (sim * same).sum(axis=1) / others, np.nan)
        return labels, cohesion

    def _nearest_other(
        self, X: np.ndarray, ts: np.ndarray, labels: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        n = len(ts)
        best = np.full(n, -1, dtype=np.int64)
        best_sim = np.full(n, np.nan)
        for a, b, cand in self._window_blocks(ts):
            if not len(cand):
                continue
            sim = X[a:b] @ X[cand].T
            valid = self._in_window(ts[a:b], ts[cand])
            valid &= labels[a:b, None] != labels[None, cand]
            sim = np.where(valid, sim, -np.inf)
            j = np.argmax(sim, axis=1)
            top = sim[np.arange(b - a), j]
            has = np.isfinite(top)
            best[a:b] = np.where(has, cand[j], -1)
            best_sim[a:b] = np.where(has, top, np.nan)
        return best, best_sim


def _renumber_by_first(labels: np.ndarray) -> np.ndarray:
    """Relabel 0..k-1 in order of each label's first occurrence."""
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    mapping = np.empty(labels.max() + 1 if len(labels) else 0, dtype=np.int64)
    mapping[np.unique(labels)[order]] = np.arange(len(order))
    return mapping[labels]


def days_since_epoch(published) -> np.ndarray:
    """UTC timestamps (a pandas Series or array) as float days; NaT becomes NaN."""
    import pandas as pd

    ts = pd.to_datetime(pd.Series(published), utc=True)
    out = (ts - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(dtype=np.float64)
    return out / 86400.0
