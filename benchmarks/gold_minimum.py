"""How many gold sentences per code before the gold set may choose a presence threshold?

The demo's gold set codes every sentence (1,295), so it can stand in for the population a
study's gold set is drawn from. Gold sets of m sentences are drawn from it with
replacement (as a study's export draws from its corpus, at the corpus's prevalence of
each code), for m from 50 to 2,400, 300 times each. On each draw the F1-optimal presence
threshold is chosen, as the pipeline would, and applied to the whole gold set. Draws are
grouped by the count of their rarest code (the quantity ``scoring.min_gold_per_code``
limits), and reported per frame and group: the spread of the chosen thresholds (5-95%
range) and the F1 lost against the whole gold set's own optimum (median and 90th
percentile). The suggested minimum is the smallest rarest-code count from which nine draws
in ten lose at most 0.04 of F1, on every frame.

These are development figures: the demo is synthetic and its gold is planted.

Usage: .venv/bin/python benchmarks/gold_minimum.py
Writes benchmarks/results/gold_minimum.json.
"""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path

import numpy as np
from analysis.stages.frames import scored

from analysis import schema as S
from analysis.frames.gold import align_gold, frame_gold, load_gold_files, resolve
from analysis.frames.presence import f1_optimal_threshold
from analysis.io import write_text
from analysis.pipeline import load_table, run
from analysis.study import MIN_GOLD_PER_CODE, Study

ROOT = Path(__file__).resolve().parent.parent
SIZES = [50, 100, 200, 300, 400, 600, 800, 1200, 1600, 2400]
DRAWS = 300
SEED = 20250210
BINS = [0, 5, 10, 15, 20, 30, 40, 60, 10_000]  # rarest-code counts, [low, high)
# The minimum is the smallest rarest-code count from which, on every frame, nine gold sets
# in ten choose a threshold that loses at most this much F1 against the whole gold set's.
MAX_LOSS_90 = 0.04


def f1_at(relevance: np.ndarray, framed: np.ndarray, tau: float) -> float:
    predicted = relevance >= tau
    tp = np.sum(predicted & framed)
    return float(2 * tp / (predicted.sum() + framed.sum()))


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    study = Study.load(ROOT / "corpora" / "demo")
    run(study, targets=["frame_scores"])
    sentences = load_table(study, "sentences")
    scores = load_table(study, "frame_scores")
    sentences, _ = scored(sentences, np.zeros((len(sentences), 1)))
    gold = align_gold(sentences, resolve(load_gold_files(study), study.config.codebook).codes)
    rng = np.random.default_rng(SEED)
    results: dict = {"draws_per_size": DRAWS, "sizes": SIZES, "frames": {}}
    for frame in study.config.codebook.frames:
        labels, coded = frame_gold(gold, frame)
        rel = (
            scores[scores[S.FRAME] == frame.id]
            .set_index([S.DOC_ID, S.SENT_ID])[S.RELEVANCE]
            .reindex(list(zip(sentences[S.DOC_ID], sentences[S.SENT_ID], strict=True)))
            .to_numpy()
        )
        labels, rel = labels[coded], rel[coded]
        framed = labels != S.NONE_CODE
        best_tau, best_f1 = f1_optimal_threshold(rel, framed)
        codes = [p.id for p in frame.poles] + [S.NONE_CODE]
        draws = []  # (rarest count, tau, F1 loss)
        for m in SIZES:
            for _ in range(DRAWS):
                pick = rng.integers(0, len(labels), size=m)
                rarest = min(int((labels[pick] == c).sum()) for c in codes)
                if framed[pick].all() or not framed[pick].any():
                    continue
                tau, _ = f1_optimal_threshold(rel[pick], framed[pick])
                draws.append((rarest, tau, best_f1 - f1_at(rel, framed, tau)))
        arr = np.array(draws)
        rows = []
        for low, high in itertools.pairwise(BINS):
            sel = arr[(arr[:, 0] >= low) & (arr[:, 0] < high)]
            if len(sel) < 20:
                continue
            lo, hi = np.quantile(sel[:, 1], [0.05, 0.95])
            rows.append(
                {
                    "rarest_code_count": f"{low}-{high - 1}" if high < 10_000 else f"{low}+",
                    "draws": len(sel),
                    "threshold_5_95_range": round(float(hi - lo), 4),
                    "f1_loss_median": round(float(np.median(sel[:, 2])), 4),
                    "f1_loss_90": round(float(np.quantile(sel[:, 2], 0.9)), 4),
                }
            )
        results["frames"][frame.id] = {
            "gold_per_code": {c: int((labels == c).sum()) for c in codes},
            "full_gold_threshold": round(best_tau, 4),
            "full_gold_f1": round(best_f1, 4),
            "by_rarest_code_count": rows,
        }
    ok: dict[int, bool] = {}
    for r in results["frames"].values():
        for row in r["by_rarest_code_count"]:
            low = int(row["rarest_code_count"].split("-")[0].rstrip("+"))
            ok[low] = ok.get(low, True) and row["f1_loss_90"] <= MAX_LOSS_90
    lows = sorted(ok)
    stable = [low for i, low in enumerate(lows) if all(ok[x] for x in lows[i:])]
    results["criterion"] = f"90th-percentile F1 loss <= {MAX_LOSS_90} on every frame"
    results["minimum_suggested"] = stable[0] if stable else None
    results["min_gold_per_code_default"] = MIN_GOLD_PER_CODE
    out = ROOT / "benchmarks" / "results" / "gold_minimum.json"
    write_text(out, json.dumps(results, indent=2) + "\n")
    for fid, r in results["frames"].items():
        print(fid, r["gold_per_code"], "full-gold F1", r["full_gold_f1"])
        for row in r["by_rarest_code_count"]:
            print("   ", row)
    print(f"suggested minimum per code: {results['minimum_suggested']}; wrote {out}")


if __name__ == "__main__":
    main()
