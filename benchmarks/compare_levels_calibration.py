"""Calibration of the level comparisons (outlets nested in levels) by simulation.

Planted level effects gamma = (-0.4, 0, 0.1, 0.3) for four levels of 3, 5 or 10 outlets
each, outlets differing within their level (u_o ~ N(0, 0.3), drawn afresh in every
replication), 30 events, half of the outlets covering each event, event-specific
amplification and t_5 noise (``analysis.compare.simulate.simulate_level_cells``).

Reported per outlets-per-level: coverage of the 95% intervals for level effects,
pairwise differences and adjusted means; and under the null (no level effect, the same
outlet heterogeneity), Kolmogorov-Smirnov statistics of the omnibus p-values and of the
pairwise p-values (with ties broken uniformly: with three outlets a side the exact
p-value takes the values 0.1, 0.2, ..., 1), and rejection rates at 5% and 10%.
tests/test_compare_levels.py asserts bands on a smaller version.

    .venv/bin/python benchmarks/compare_levels_calibration.py [replications]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

from analysis import schema as S
from analysis.compare import LevelComparison
from analysis.compare.simulate import simulate_level_cells

RESULTS = Path(__file__).resolve().parent / "results" / "compare_levels_calibration.json"
GAMMA = np.array([-0.4, 0.0, 0.1, 0.3])


def _index(names) -> np.ndarray:
    return np.array([int(str(n)[1:]) for n in names])


def coverage(n_per_level: int, reps: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    truth = GAMMA - GAMMA.mean()
    hits = {"effects": [], "pairs": [], "adjusted": []}
    width = []
    for r in range(reps):
        cells, level = simulate_level_cells(rng, 30, GAMMA, n_per_level)
        fit = LevelComparison(n_boot=500, n_perm=19, seed=r).fit(cells, level)
        eff, pairs = fit.effects_, fit.pairs_
        g = _index(eff[S.LEVEL])
        hits["effects"].append((eff[S.DIFF_CI_LOW] <= truth[g]) & (truth[g] <= eff[S.DIFF_CI_HIGH]))
        hits["adjusted"].append((eff[S.CI_LOW] <= GAMMA[g]) & (GAMMA[g] <= eff[S.CI_HIGH]))
        d = truth[_index(pairs[S.LEVEL_A])] - truth[_index(pairs[S.LEVEL_B])]
        hits["pairs"].append((pairs[S.CI_LOW] <= d) & (d <= pairs[S.CI_HIGH]))
        width.append((pairs[S.CI_HIGH] - pairs[S.CI_LOW]).mean())
    out = {"outlets_per_level": n_per_level, "replications": reps}
    for key, values in hits.items():
        out[f"coverage_{key}"] = round(float(np.mean(np.concatenate(values))), 4)
    out["mean_width_pairs"] = round(float(np.mean(width)), 4)
    return out


def null_pvalues(n_per_level: int, reps: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    pair, pair_broken, omnibus = [], [], []
    for r in range(reps):
        cells, level = simulate_level_cells(rng, 30, np.zeros(4), n_per_level)
        fit = LevelComparison(n_boot=100, n_perm=999, seed=r).fit(cells, level)
        row = fit.pairs_.iloc[0]  # one pair per replication: independent p-values
        pair.append(row[S.P_VALUE])
        # Exact p-values tie each arrangement with its mirror image: break the tie.
        tie = 2 / row[S.N_PERMUTATIONS] if row[S.EXACT] else 0.0
        pair_broken.append(row[S.P_VALUE] - tie * rng.random())
        omnibus.append(fit.omnibus_[S.P_VALUE].iloc[0])
    out = {"outlets_per_level": n_per_level, "replications": reps}
    for name, p, ks_of in (
        ("pairwise", np.array(pair), np.array(pair_broken)),
        ("omnibus", np.array(omnibus), np.array(omnibus)),
    ):
        ks = stats.kstest(ks_of, "uniform")
        out[name] = {
            "ks_statistic": round(float(ks.statistic), 4),
            "ks_pvalue": round(float(ks.pvalue), 4),
            "rejection_rate_at_0.05": round(float(np.mean(p <= 0.05)), 4),
            "rejection_rate_at_0.10": round(float(np.mean(p <= 0.10)), 4),
        }
    return out


def main(reps: int = 300) -> None:
    start = time.perf_counter()
    results = {
        "coverage": [coverage(n, reps, seed=n) for n in (3, 5, 10)],
        "null_pvalues": [null_pvalues(n, reps, seed=100 + n) for n in (3, 5, 10)],
    }
    results["seconds"] = round(time.perf_counter() - start, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
