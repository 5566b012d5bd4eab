"""``score ~ outlet + event`` with statsmodels, reported as a tidy table.

The article-level counterpart of the cell model in ``within_event``: every article is an
observation and the outlet enters with sum-to-zero contrasts, so each outlet's
coefficient is its distance from the mean of outlets, directly comparable with
``outlet_effects``. The event enters either

- as fixed effects ("fixed"), absorbed by demeaning within events (Frisch–Waugh–Lovell:
  the same outlet coefficients as event dummies, without a dense column per event),
  with standard errors clustered by event and a t(G - 1) reference. Event effects are
  nested in the clusters, so they are not counted in the small-sample correction
  (Cameron & Miller 2015, sec. IV.C); or
- as a random intercept ("mixed"), a linear mixed model fitted by REML.

All K outlet effects are reported: the omitted level's effect is minus the sum of the
others, with its standard error from the same covariance matrix.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from analysis import schema as S

log = logging.getLogger(__name__)


def sum_contrasts(outlets: pd.Series, levels: list[str]) -> np.ndarray:
    """(n, K-1) deviation coding: column k is 1 for level k, -1 for the last level."""
    codes = pd.Categorical(outlets, categories=levels).codes
    X = np.zeros((len(codes), len(levels) - 1))
    rows = np.flatnonzero(codes < len(levels) - 1)
    X[rows, codes[rows]] = 1.0
    X[codes == len(levels) - 1] = -1.0
    return X


def _fixed(y: np.ndarray, X: np.ndarray, events: np.ndarray):
    groups = pd.factorize(events)[0]
    counts = np.bincount(groups)

    def demean(a: np.ndarray) -> np.ndarray:
        sums = np.zeros((counts.size, a.shape[1]))
        np.add.at(sums, groups, a)
        return a - (sums / counts[:, None])[groups]

    yw = demean(y[:, None])[:, 0]
    Xw = demean(X)
    model = sm.OLS(yw, Xw, hasconst=False)  # demeaned: the event effects took the constant
    return model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def outlet_regression(
    data: pd.DataFrame, score: str, kind: str, outlets: list[str], ci: float = 0.95
) -> pd.DataFrame:
    """One row per outlet: estimate, std_error, statistic, p_value, ci_low, ci_high.

    ``data`` has one row per article: outlet, event_id and the ``score`` column.
    ``outlets`` fixes the order of levels; every outlet in ``data`` must be listed.
    """
    unlisted = sorted(set(data[S.OUTLET]) - set(outlets))
    if unlisted:
        raise ValueError(f"data holds outlets missing from `outlets`: {unlisted}")
    if kind not in ("fixed", "mixed"):
        raise ValueError(f"unknown regression kind {kind!r}")
    y = data[score].to_numpy(dtype=np.float64)
    events = data[S.EVENT_ID].astype(str).to_numpy()
    X = sum_contrasts(data[S.OUTLET], outlets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; checked below
        if kind == "fixed":
            result = _fixed(y, X, events)
            coef = list(range(len(outlets) - 1))
            width = X.shape[1]
        else:
            frame = pd.DataFrame(X, columns=[f"c{k}" for k in range(X.shape[1])])
            frame[score] = y
            formula = f"{score} ~ " + " + ".join(frame.columns[:-1])
            result = smf.mixedlm(formula, data=frame, groups=events).fit(reml=True)
            if not result.converged:
                log.warning("mixed model for %s did not converge", score)
            names = list(result.model.exog_names)  # fixed effects only (no variances)
            coef = [names.index(f"c{k}") for k in range(X.shape[1])]
            width = len(names)
    L = np.zeros((len(outlets), width))
    L[np.arange(len(outlets) - 1), coef] = 1.0
    L[-1, coef] = -1.0
    test = result.t_test(L)
    low, high = np.asarray(test.conf_int(alpha=1 - ci)).T
    return pd.DataFrame(
        {
            S.TERM: outlets,
            S.ESTIMATE: np.asarray(test.effect).ravel(),
            S.STD_ERROR: np.asarray(test.sd).ravel(),
            S.STATISTIC: np.asarray(test.tvalue).ravel(),
            S.P_VALUE: np.asarray(test.pvalue).ravel(),
            S.CI_LOW: low,
            S.CI_HIGH: high,
            S.N_OBS: len(data),
            S.N_EVENTS: int(pd.Series(events).nunique()),
        }
    )
