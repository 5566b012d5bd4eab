"""Bootstrap confidence intervals that resample whole units (articles, events).

Sentences within an article are not independent draws, so intervals resample the
article (or a coarser cluster), never the sentence.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

from analysis.provenance import hash_text


def unit_rng(seed: int, *labels: str) -> np.random.Generator:
    """A generator seeded by the study seed and stable labels (e.g. the outlet name).

    Adding an outlet to a study then leaves every other outlet's interval unchanged.
    """
    entropy = [seed] + [int(hash_text(label)[:8], 16) for label in labels]
    return np.random.default_rng(entropy)


def mean_ci(
    values: np.ndarray, n_boot: int, ci: float, rng: np.random.Generator
) -> tuple[float, float, float]:
    """Mean of ``values`` (one per unit) with a BCa bootstrap interval.

    Fewer than two units, or units that are all equal, give a NaN interval: there is
    nothing to resample, and a zero-width interval would claim certainty we lack.
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if values.size < 2 or np.ptp(values) == 0:
        return mean, float("nan"), float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=stats.DegenerateDataWarning)
        res = stats.bootstrap(
            (values,),
            np.mean,
            n_resamples=n_boot,
            confidence_level=ci,
            method="BCa",
            random_state=rng,
            vectorized=True,
        )
    return mean, float(res.confidence_interval.low), float(res.confidence_interval.high)
