"""Benjamini–Hochberg false discovery rate control (statsmodels' implementation)."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests


def bh_adjust(pvalues) -> np.ndarray:
    """BH-adjusted p-values (q-values); NaN p-values stay NaN and do not count as tests.

    Rejecting every test with q <= alpha keeps the expected share of false rejections
    at or below alpha for independent or positively dependent tests (Benjamini &
    Hochberg 1995; Benjamini & Yekutieli 2001).
    """
    p = np.asarray(pvalues, dtype=np.float64)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return q
