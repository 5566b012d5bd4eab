"""Simulated outlet x event cells with known outlet effects, for calibration and power.

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
