"""Permutation tests that shuffle outlet labels within events.

Pairwise test (outlets a and b). Null: in every event both covered, a's and b's cells
are exchangeable (the two outlets frame it alike). Under it, swapping the labels a <-> b
inside any subset of their shared events leaves the data's distribution unchanged, so
the p-value is the share of swap patterns giving an estimate at least as far from zero
as the observed one. Other outlets' cells stay where they are, so the test is exact for
the pair even when other outlets differ. The estimate is the two-way model's
beta_a - beta_b; a swap in event e moves b_a by -d_e and b_b by +d_e
(d_e = y[e, a] - y[e, b]) and leaves A unchanged, so every pattern s in {0, 1}^n gives

    T(s) = T - q * sum_e s_e d_e,     q = (e_a - e_b)' A^+ (e_a - e_b),

a single matrix product for thousands of patterns. With few shared events every pattern
is enumerated (an exact p-value, at best 2^-n); otherwise patterns are drawn at random
and p = (1 + #{|T(s)| >= |T|}) / (1 + n_perm).

Omnibus test per frame (does outlet matter at all?). Null: all outlets exchangeable
within each event. Each draw permutes the cells of every event among the outlets that
covered it; the statistic is the root mean square of the outlet effects (the typical
distance of an outlet from the mean of outlets).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from analysis.compare.within_event import TwoWayDesign

_TOL = 1e-9
_CHUNK_FLOATS = 20_000_000


def swap_patterns(n: int, n_perm: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """(P, n) 0/1 swap patterns and whether they enumerate all 2^n of them."""
    if n == 0:
        return np.zeros((0, 0)), False
    if n < 62 and 2**n <= n_perm + 1:
        codes = np.arange(2**n, dtype=np.int64)
        return ((codes[:, None] >> np.arange(n)) & 1).astype(np.float64), True
    return rng.integers(0, 2, size=(n_perm, n)).astype(np.float64), False


def pair_pvalues(
    observed: np.ndarray, q: float, diffs: np.ndarray, patterns: np.ndarray, exact: bool
) -> np.ndarray:
    """Two-sided p-values (F,) for one pair, every frame at once.

    ``observed``: (F,) beta_a - beta_b; ``diffs``: (n, F) per shared event y_a - y_b.
    """
    if patterns.shape[0] == 0:
        return np.full(observed.shape, np.nan)
    permuted = observed[None, :] - q * (patterns @ diffs)
    bar = np.abs(observed) - _TOL * np.maximum(1.0, np.abs(observed))
    extreme = (np.abs(permuted) >= bar[None, :]).sum(axis=0)
    if exact:
        return extreme / patterns.shape[0]
    return (1.0 + extreme) / (1.0 + patterns.shape[0])


def omnibus_pvalues(
    design: TwoWayDesign, values: np.ndarray, n_perm: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Statistic (F,) = RMS of the outlet effects, and its permutation p-value (F,)."""
    e_idx, o_idx = np.nonzero(design.present)  # row-major: cells sorted by event
    y = values[e_idx, o_idx, :]  # (N, F)
    N, F = y.shape
    K = design.n_outlets
    by_outlet = csr_matrix((np.ones(N), (o_idx, np.arange(N))), shape=(K, N))  # sums cells
    row_mean = values.sum(axis=1) / design.n[:, None]
    const = design.V.T @ row_mean  # (K, F): the part of b no permutation changes
    pinv = design.contrast_pinv()
    observed = pinv @ (by_outlet @ y - const)
    stat = np.sqrt((observed**2).mean(axis=0))
    bar = stat - _TOL * np.maximum(1.0, stat)
    count = np.zeros_like(stat)
    chunk = max(1, _CHUNK_FLOATS // max(1, y.size))
    for start in range(0, n_perm, chunk):
        p = min(chunk, n_perm - start)
        keys = rng.random((p, N)) + e_idx[None, :]
        shuffled = y[np.argsort(keys, axis=1)]  # (p, N, F), permuted within events
        sums = by_outlet @ shuffled.transpose(1, 0, 2).reshape(N, p * F)  # (K, p*F)
        b = sums.reshape(K, p, F).transpose(1, 0, 2) - const[None]
        beta = np.einsum("kl,plf->pkf", pinv, b)
        count += (np.sqrt((beta**2).mean(axis=1)) >= bar[None, :]).sum(axis=0)
    return stat, (1.0 + count) / (1.0 + n_perm)
