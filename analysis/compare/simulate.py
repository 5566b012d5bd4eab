"""Simulated outlet x event cells with known outlet (or level) effects, for calibration
and power.

    y[e, o] = mu_e + lambda_e * beta_o + scale * t_df,   mu_e ~ N(0, 1),
    lambda_e ~ N(1, amplification)

Outlets cover each event with probability ``coverage`` (at least two per event). The
event-specific amplification makes cells of one event correlated beyond the additive
event effect, as when a dramatic event pushes every outlet toward its own pole; the true
outlet effect is E[lambda] * beta = beta (centred to sum to zero). Use it to check a
design before collecting data: how many events are needed to tell two outlets apart?
"""

from __future__ import annotations

import numpy as np

from analysis.compare.within_event import Cells


def simulate_cells(
    rng: np.random.Generator,
    n_events: int,
    beta: np.ndarray,
    coverage: float = 0.6,
    amplification: float = 0.5,
    scale: float = 0.5,
    df: float = 5.0,
) -> Cells:
    """One view, one frame: cells of ``n_events`` events and ``len(beta)`` outlets."""
    beta = np.asarray(beta, dtype=np.float64)
    K = len(beta)
    present = rng.random((n_events, K)) < coverage
    for e in range(n_events):
        present[e, rng.choice(K, 2, replace=False)] = True
    mu = rng.normal(0.0, 1.0, (n_events, 1))
    lam = rng.normal(1.0, amplification, (n_events, 1))
    y = mu + lam * beta[None, :] + scale * rng.standard_t(df, (n_events, K))
    return Cells(
        events=np.array([f"e{i:04d}" for i in range(n_events)], dtype=object),
        outlets=np.array([f"o{k}" for k in range(K)], dtype=object),
        frames=np.array(["f"], dtype=object),
        present=present,
        values=np.where(present, y, 0.0)[:, :, None],
        n_articles=present.astype(np.int64),
    )


def simulate_level_cells(
    rng: np.random.Generator,
    n_events: int,
    gamma: np.ndarray,
    outlets_per_level: int,
    heterogeneity: float = 0.3,
    coverage: float = 0.5,
    amplification: float = 0.5,
    scale: float = 0.5,
    df: float = 5.0,
) -> tuple[Cells, np.ndarray]:
    """Outlet cells with outlets nested in levels, and each outlet's level.

        y[e, o] = mu_e + lambda_e * (gamma_g(o) + u_o) + scale * t_df,
        u_o ~ N(0, heterogeneity)

    Outlets of a level differ among themselves (``u_o``, drawn afresh each call), so the
    level effect ``gamma_g`` is a property of the population of outlets of that kind:
    the true level effect is gamma_g - mean(gamma), the true adjusted mean gamma_g.
    Every event is covered by outlets of at least two levels.
    """
    gamma = np.asarray(gamma, dtype=np.float64)
    G, n = len(gamma), outlets_per_level
    level = np.repeat(np.arange(G), n)
    beta = gamma[level] + rng.normal(0.0, heterogeneity, G * n)
    cells = simulate_cells(rng, n_events, beta, coverage, amplification, scale, df)
    for e in range(n_events):  # at least two levels per event
        if len(np.unique(level[cells.present[e]])) < 2:
            a, b = rng.choice(G, 2, replace=False)
            cells.present[e, a * n + rng.integers(n)] = True
            cells.present[e, b * n + rng.integers(n)] = True
    mu = rng.normal(0.0, 1.0, (n_events, 1))
    lam = rng.normal(1.0, amplification, (n_events, 1))
    y = mu + lam * beta[None, :] + scale * rng.standard_t(df, (n_events, G * n))
    values = np.where(cells.present, y, 0.0)[:, :, None]
    names = np.array([f"g{g}" for g in level], dtype=object)
    return (
        Cells(
            events=cells.events,
            outlets=cells.outlets,
            frames=cells.frames,
            present=cells.present,
            values=values,
            n_articles=cells.present.astype(np.int64),
        ),
        names,
    )
