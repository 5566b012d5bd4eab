"""Intervals for shares that stay inside 0-100%.

A share estimated from clustered data (sentences within articles, articles within
events) has a standard error from the clusters, not from the binomial. A symmetric
``estimate ± t * se`` interval then runs below 0% for rare poles and topics. Here the
standard error is turned into an *effective sample size*, n_eff = p (1 - p) / se^2 (the
number of independent sentences that would give the same precision), and the Wilson
score interval is taken at n_eff with the t quantile of the standard error's degrees of
freedom: Korn & Graubard's (1998) approach for proportions from complex samples. It is
asymmetric near 0% and 100% and never leaves them. Where the share is exactly 0 or 1
(no spread to measure), or the standard error is 0, n_eff is the number of sentences
behind the estimate: the interval then says how small a share that many sentences could
still hide.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def wilson(p, n, z) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for share ``p`` (0-1) from ``n`` trials at quantile ``z``."""
    p, n, z = (np.asarray(x, dtype=np.float64) for x in (p, n, z))
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = 1.0 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def share_interval(
    share, se, n_max, df=np.inf, ci: float = 0.95, scale: float = 100.0
) -> tuple[np.ndarray, np.ndarray]:
    """Interval for a share on ``scale`` (100: percent) from its clustered standard error.

    ``n_max`` is the number of sentences (or units) behind the estimate and caps the
    effective sample size; ``df`` the degrees of freedom of ``se`` (inf: normal). A
    share outside the scale (an additive model's adjusted share of a rare pole can fall
    below 0) is first clipped to it. NaN where ``se`` or ``n_max`` is missing.
    """
    p = np.clip(np.asarray(share, dtype=np.float64) / scale, 0.0, 1.0)
    se = np.asarray(se, dtype=np.float64) / scale
    n_max = np.asarray(n_max, dtype=np.float64)
    inside = (p > 0) & (p < 1) & (se > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(inside, p * (1 - p) / se**2, n_max)
    n_eff = np.clip(n_eff, 1.0, np.maximum(n_max, 1.0))
    z = stats.t.ppf(0.5 + ci / 2, np.asarray(df, dtype=np.float64))
    low, high = wilson(p, n_eff, z)
    bad = np.isnan(se) | np.isnan(n_max) | (n_max < 1) | np.isnan(z)
    return np.where(bad, np.nan, low * scale), np.where(bad, np.nan, high * scale)
