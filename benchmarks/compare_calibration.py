"""Calibration of the within-event comparisons by simulation, written to a results file.

Coverage of the event-clustered bootstrap intervals (t and percentile) by number of
events, uniformity of the permutation p-values under the null, and the false discovery
rate of Benjamini–Hochberg, on the data-generating process of
``analysis.compare.simulate`` (uneven coverage, heavy tails, event-level amplification).
The tests in tests/test_compare_calibration.py assert bands on a subset of these.

    .venv/bin/python benchmarks/compare_calibration.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from scipy import stats

from analysis import schema as S
from analysis.compare import WithinEventComparison, bh_adjust
from analysis.compare.simulate import simulate_cells

RESULTS = Path(__file__).resolve().parent / "results" / "compare_calibration.json"
BETA = np.array([-0.6, -0.3, 0.0, 0.1, 0.3, 0.5])


def _index(names) -> np.ndarray:
    return np.array([int(n[1:]) for n in names])


def coverage(n_events: int, method: str, reps: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    truth = BETA - BETA.mean()
    hits_e, hits_p, width = [], [], []
    for r in range(reps):
        cells = simulate_cells(rng, n_events, BETA)
        fit = WithinEventComparison(n_boot=1000, n_perm=99, ci_method=method, seed=r).fit(cells)
        eff, pairs = fit.effects_, fit.pairs_
        t = truth[_index(eff[S.OUTLET])]
        hits_e.append((eff[S.CI_LOW] <= t) & (t <= eff[S.CI_HIGH]))
        d = truth[_index(pairs[S.OUTLET_A])] - truth[_index(pairs[S.OUTLET_B])]
        hits_p.append((pairs[S.CI_LOW] <= d) & (d <= pairs[S.CI_HIGH]))
        width.append((eff[S.CI_HIGH] - eff[S.CI_LOW]).mean())
    return {
        "events": n_events,
        "method": method,
        "replications": reps,
        "coverage_outlet_effects": round(float(np.mean(np.concatenate(hits_e))), 4),
        "coverage_pairwise": round(float(np.mean(np.concatenate(hits_p))), 4),
        "mean_width_outlet_effects": round(float(np.mean(width)), 4),
    }


def null_pvalues(reps: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    pair, omnibus = [], []
    for r in range(reps):
        cells = simulate_cells(rng, 30, np.zeros(5), coverage=0.8)
        fit = WithinEventComparison(n_boot=100, n_perm=999, seed=r).fit(cells)
        pair.append(fit.pairs_[S.P_VALUE].iloc[0])
        omnibus.append(fit.omnibus_[S.P_VALUE].iloc[0])
    out = {"replications": reps}
    for name, p in (("pairwise", np.array(pair)), ("omnibus", np.array(omnibus))):
        ks = stats.kstest(p, "uniform")
        out[name] = {
            "ks_statistic": round(float(ks.statistic), 4),
            "ks_pvalue": round(float(ks.pvalue), 4),
            "rejection_rate_at_0.05": round(float(np.mean(p <= 0.05)), 4),
        }
    return out


def false_discovery_rate(reps: int, seed: int, level: float = 0.10) -> dict:
    rng = np.random.default_rng(seed)
    beta = np.array([0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.5])
    null = beta[:, None] == beta[None, :]
    fdp, found = [], []
    for r in range(reps):
        pairs = (
            WithinEventComparison(n_boot=100, n_perm=999, seed=r)
            .fit(simulate_cells(rng, 25, beta, coverage=0.7))
            .pairs_
        )
        rejected = bh_adjust(pairs[S.P_VALUE].to_numpy()) <= level
        false = rejected & null[_index(pairs[S.OUTLET_A]), _index(pairs[S.OUTLET_B])]
        fdp.append(false.sum() / max(rejected.sum(), 1))
        found.append(rejected.sum())
    return {
        "replications": reps,
        "level": level,
        "true_null_share": round(float(null[np.triu_indices(8, 1)].mean()), 4),
        "false_discovery_rate": round(float(np.mean(fdp)), 4),
        "fdr_standard_error": round(float(np.std(fdp, ddof=1) / np.sqrt(reps)), 4),
        "mean_discoveries_of_28": round(float(np.mean(found)), 2),
    }


def main() -> None:
    start = time.perf_counter()
    results = {
        "coverage": [
            coverage(n, method, reps=500, seed=n)
            for n in (10, 14, 30, 60, 120)
            for method in ("t", "percentile")
        ],
        "null_pvalues": null_pvalues(reps=1000, seed=2024),
        "bh": false_discovery_rate(reps=500, seed=7),
    }
    results["seconds"] = round(time.perf_counter() - start, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
