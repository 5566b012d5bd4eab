"""Outlet effects estimated within events.

The unit is the cell: one outlet's coverage of one event, scored as the mean over that
outlet's articles on the event (an outlet that wrote three pieces on an event does not
count three times). Cells follow the additive two-way model

    y[e, o] = mu_e + beta_o + error

with an event effect ``mu_e`` (the memorial ceremony is more "heroic" than the casualty
report, whoever covers it) and an outlet effect ``beta_o`` constrained to sum to zero:
``beta_o`` is outlet o's distance from the mean of the compared outlets, net of which
events each covered. ``beta_a - beta_b`` is the within-event difference between two
outlets. Outlets are compared directly in the events both covered and indirectly through
outlets they each share events with, which is why the two-way model rather than raw means
over each pair's shared events: the differences are then coherent (a - c = (a - b) +
(b - c)) and use every event.

Least squares after sweeping out the event effects reduces to a K x K system
(K = outlets): with V the (E, K) presence matrix and n_e the outlets in event e,

    A = diag(V' 1) - V' diag(1 / n) V,     b = Y' 1 - V' (row sums of Y / n),

and beta = A^+ b. A has rank K - 1 when the outlet-event graph is connected; the
pseudo-inverse picks the solution summing to zero. Event weights w (a bootstrap draw)
enter as A(w) = diag(V' w) - V' diag(w / n) V and b(w) likewise, so thousands of
bootstrap refits are a batch of small symmetric eigenproblems.

The same algebra fits levels of an outlet attribute (``analysis.compare.levels``): a
level's cell in an event then pools several outlet cells, V holds how many (the
observations are still the outlet cells, each counting once) and the values are their
means, so ``V * values`` are the sums entering b.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from threadpoolctl import ThreadpoolController

from analysis import schema as S

log = logging.getLogger(__name__)

_CHUNK_FLOATS = 20_000_000  # bound on a batch's working arrays


@dataclass(frozen=True)
class Cells:
    """Outlet x event cells of one view, for every frame at once."""

    events: np.ndarray  # (E,) event ids
    outlets: np.ndarray  # (K,) outlet names, in the study's outlet order
    frames: np.ndarray  # (F,) frame ids
    present: np.ndarray  # (E, K) bool: the outlet covered the event
    values: np.ndarray  # (E, K, F) cell means; 0 where absent
    n_articles: np.ndarray  # (E, K) articles behind each cell
    # (E, K) outlet cells pooled in each cell (levels of an attribute); None: one each
    weights: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.events), len(self.outlets), len(self.frames)


REASON_SINGLE_OUTLET = "no other compared outlet covered its event"
REASON_FEW_EVENTS = "its outlet covers fewer than {n} events shared with another outlet"
REASON_DISCONNECTED = "its outlet shares no events, even indirectly, with the main group"


def reasons_for(unit: str) -> tuple[str, str, str]:
    """The three reasons above, worded for ``unit`` (an outlet attribute such as group)."""
    return tuple(
        r.replace("outlet", unit)
        for r in (REASON_SINGLE_OUTLET, REASON_FEW_EVENTS, REASON_DISCONNECTED)
    )


def build_cells(
    scores: pd.DataFrame,
    score: str,
    min_events: int,
    outlet_order: list[str] | None = None,
    unit: str = S.OUTLET,
) -> tuple[Cells, dict[str, str]]:
    """Cells from article scores, keeping only what a within-event comparison can use.

    ``scores`` has one row per article and frame: doc_id, outlet, event_id, frame and
    the column ``score``. Events covered by one outlet say nothing about outlet
    differences; outlets with fewer than ``min_events`` shared events are dropped (their
    estimate would rest on too few events); both are repeated until stable, then the
    largest connected group of outlets is kept. Returns the cells and, for every article
    left out, why. ``unit`` names the column compared (an outlet attribute such as
    ``group`` in place of the outlet; its cells then average the level's articles).
    """
    kept, reasons = usable_scores(scores, min_events, unit)
    return dense_cells(kept, score, unit, outlet_order or sorted(scores[unit].unique())), reasons


def usable_scores(
    scores: pd.DataFrame, min_events: int, unit: str = S.OUTLET
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The rows of ``scores`` a within-event comparison of ``unit`` uses, and why each
    other article is left out (see ``build_cells``)."""
    single, few_events, disconnected = reasons_for(unit)
    per_cell = scores.groupby([S.EVENT_ID, unit], sort=False)[S.DOC_ID].nunique()
    cells = per_cell.reset_index()[[S.EVENT_ID, unit]]
    dropped_units: dict[str, str] = {}
    while True:
        n_units = cells.groupby(S.EVENT_ID)[unit].transform("nunique")
        lone = cells[n_units < 2]
        cells = cells[n_units >= 2]
        n_events = cells.groupby(unit)[S.EVENT_ID].transform("nunique")
        few = cells[n_events < min_events]
        for value in few[unit].unique():
            dropped_units[value] = few_events.format(n=min_events)
        cells = cells[n_events >= min_events]
        if not len(lone) and not len(few):
            break
    cells, off = _largest_connected(cells, unit)
    for value in off:
        dropped_units[value] = disconnected

    kept = scores.merge(cells, on=[S.EVENT_ID, unit], how="inner")
    left_out = scores.drop_duplicates(S.DOC_ID)
    left_out = left_out[~left_out[S.DOC_ID].isin(set(kept[S.DOC_ID]))]
    reasons = {
        doc_id: dropped_units.get(value, single)
        for doc_id, value in zip(left_out[S.DOC_ID], left_out[unit], strict=True)
    }
    return kept, reasons


def dense_cells(kept: pd.DataFrame, score: str, unit: str, order: list[str]) -> Cells:
    """(event, unit) cells of ``kept`` (rows of ``usable_scores``): each cell the mean of
    the unit's articles on the event, for every frame."""
    units = np.array([o for o in order if o in set(kept[unit])], dtype=object)
    events = np.array(sorted(kept[S.EVENT_ID].unique()), dtype=object)
    frames = np.array(sorted(kept[S.FRAME].unique()), dtype=object)
    means = kept.groupby([S.EVENT_ID, unit, S.FRAME], sort=False)[score].mean()
    counts = kept.groupby([S.EVENT_ID, unit], sort=False)[S.DOC_ID].nunique()
    e_idx = pd.Index(events)
    o_idx = pd.Index(units)
    f_idx = pd.Index(frames)
    values = np.zeros((len(events), len(units), len(frames)))
    present = np.zeros((len(events), len(units)), dtype=bool)
    n_articles = np.zeros((len(events), len(units)), dtype=np.int64)
    keys = means.index
    values[
        e_idx.get_indexer(keys.get_level_values(0)),
        o_idx.get_indexer(keys.get_level_values(1)),
        f_idx.get_indexer(keys.get_level_values(2)),
    ] = means.to_numpy()
    ce = e_idx.get_indexer(counts.index.get_level_values(0))
    co = o_idx.get_indexer(counts.index.get_level_values(1))
    present[ce, co] = True
    n_articles[ce, co] = counts.to_numpy()
    return Cells(events, units, frames, present, values, n_articles)


def _largest_connected(cells: pd.DataFrame, unit: str = S.OUTLET) -> tuple[pd.DataFrame, list[str]]:
    """Keep the connected group of outlets (via shared events) with the most outlets."""
    if cells.empty:
        return cells, []
    outlets, o_code = np.unique(cells[unit].to_numpy(dtype=str), return_inverse=True)
    _, e_code = np.unique(cells[S.EVENT_ID].to_numpy(dtype=str), return_inverse=True)
    k = len(outlets)
    n = k + int(e_code.max()) + 1
    graph = coo_matrix((np.ones(len(cells)), (o_code, k + e_code)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    outlet_comp = comp[:k]
    counts = np.bincount(outlet_comp)
    main = int(np.argmax(counts))  # ties: the component holding the first outlet by name
    off = [str(o) for o, c in zip(outlets, outlet_comp, strict=True) if c != main]
    if off:
        log.warning("comparisons: %s not connected to the others by shared events: %s", unit, off)
    return cells[~cells[unit].isin(off)], off


class TwoWayDesign:
    """The event + outlet least-squares problem for a fixed presence pattern."""

    def __init__(self, present: np.ndarray, weights: np.ndarray | None = None):
        self.present = np.asarray(present, dtype=bool)
        self.V = self.present.astype(np.float64)
        if weights is not None:  # outlet cells pooled in each (event, level) cell
            self.V = np.where(self.present, np.asarray(weights, dtype=np.float64), 0.0)
        self.n = self.V.sum(axis=1)
        if np.any(self.present.sum(axis=1) < 2):
            raise ValueError("every event in the design needs at least two outlets")
        self.n_events, self.n_outlets = self.V.shape
        # Each event adds v_e v_e' / n_e to V' diag(1/n) V: a handful of entries, so the
        # (E, K*K) map from event weights to that sum is sparse (events have few outlets).
        K = self.n_outlets
        e_idx, k_idx = np.nonzero(self.present)
        starts = np.searchsorted(e_idx, np.arange(self.n_events))
        ends = np.searchsorted(e_idx, np.arange(self.n_events), side="right")
        rows, cols, vals = [], [], []
        for e, (a, b) in enumerate(zip(starts, ends, strict=True)):
            ks = k_idx[a:b]
            v = self.V[e, ks]
            rows.append(np.full(len(ks) ** 2, e))
            cols.append((ks[:, None] * K + ks[None, :]).ravel())
            vals.append((v[:, None] * v[None, :]).ravel() / self.n[e])
        self._outer = csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(self.n_events, K * K),
        )

    def gram(self, weights: np.ndarray) -> np.ndarray:
        """A(w) = diag(V' w) - V' diag(w / n) V for each row of ``weights`` (B, E)."""
        w = np.atleast_2d(weights).astype(np.float64)
        K = self.n_outlets
        A = -np.asarray((self._outer.T @ w.T).T).reshape(-1, K, K)
        idx = np.arange(K)
        A[:, idx, idx] += w @ self.V
        return A

    def rhs(self, values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """b(w) for cell values (E, K, F): (B, K, F)."""
        w = np.atleast_2d(weights).astype(np.float64)
        E, K, F = values.shape
        sums = self.V[:, :, None] * values  # absent cells are 0
        row_mean = sums.sum(axis=1) / self.n[:, None]  # (E, F)
        centred = sums - self.V[:, :, None] * row_mean[:, None, :]
        return (w @ centred.reshape(E, K * F)).reshape(-1, K, F)

    def solve(self, values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Outlet effects (B, K, F) summing to zero, and each draw's rank of A(w).

        A draw is usable when its rank is K - 1: every outlet present and connected.
        """
        w = np.atleast_2d(weights)
        B = w.shape[0]
        K, F = self.n_outlets, values.shape[2]
        beta = np.empty((B, K, F))
        rank = np.empty(B, dtype=np.int64)
        chunk = max(1, _CHUNK_FLOATS // max(1, K * K + K * F))
        for start in range(0, B, chunk):
            part = w[start : start + chunk]
            pinv, r = pinv_psd(self.gram(part))
            beta[start : start + len(part)] = np.matmul(pinv, self.rhs(values, part))
            rank[start : start + len(part)] = r
        return beta, rank

    def estimate(self, values: np.ndarray) -> np.ndarray:
        """Outlet effects (K, F) from the observed events."""
        beta, rank = self.solve(values, np.ones((1, self.n_events)))
        if rank[0] != self.n_outlets - 1:
            raise ValueError("outlets are not connected through shared events")
        return beta[0]

    def contrast_pinv(self) -> np.ndarray:
        """A^+ of the observed design (K, K)."""
        pinv, _ = pinv_psd(self.gram(np.ones((1, self.n_events))))
        return pinv[0]


_THREADPOOLS: list[ThreadpoolController] = []


def single_threaded_blas():
    """A context limiting BLAS to one thread. The controller is made once: building one
    scans the loaded libraries (~0.1 s), which dominated batches of small solves."""
    if not _THREADPOOLS:
        _THREADPOOLS.append(ThreadpoolController())
    return _THREADPOOLS[0].limit(limits=1, user_api="blas")


def pinv_psd(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pseudo-inverses and ranks of a batch of symmetric PSD matrices (B, K, K)."""
    # Thousands of small eigenproblems: BLAS threads only add synchronisation (10x slower
    # on 2 busy cores), so they run single-threaded.
    with single_threaded_blas():
        vals, vecs = np.linalg.eigh(A)
    top = np.maximum(vals[:, -1:], 1.0)
    keep = vals > top * 1e-10
    inv = np.where(keep, 1.0 / np.where(keep, vals, 1.0), 0.0)
    pinv = np.matmul(vecs * inv[:, None, :], vecs.transpose(0, 2, 1))
    return pinv, keep.sum(axis=1)
