"""BABE (SG2): cross-validated F1 of the supervised scorer, next to the published 0.80.

Usage: .venv/bin/python benchmarks/babe_supervised.py
Writes benchmarks/results/babe_supervised.json.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from analysis.embed import Encoder
from analysis.frames.validation import cross_validated_classifier
from analysis.io import write_text
from analysis.provenance import package_versions

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "babe" / "final_labels_SG2.csv"


def main() -> None:
    babe = pd.read_csv(DATA, sep=";", encoding="utf-8-sig")
    babe = babe[babe["label_bias"].isin(["Biased", "Non-biased"])]
    start = time.perf_counter()
    X = Encoder().encode(babe["text"].tolist(), desc="BABE sentences")
    encoded = time.perf_counter() - start
    start = time.perf_counter()
    result = cross_validated_classifier(X, babe["label_bias"].to_numpy(), "Biased", seed=0)
    result.update(
        dataset="BABE final_labels_SG2.csv",
        model="all-MiniLM-L6-v2 embeddings + calibrated, class-balanced logistic regression",
        cv="5-fold stratified, out of fold",
        published_reference_f1="0.80 (fine-tuned BERT, Spinde et al. 2021, 5-fold CV)",
        encode_seconds=round(encoded, 1),
        cv_seconds=round(time.perf_counter() - start, 1),
        packages=package_versions(),
    )
    out = ROOT / "benchmarks" / "results" / "babe_supervised.json"
    write_text(out, json.dumps(result, indent=2, default=str) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "packages"}, indent=2))


if __name__ == "__main__":
    main()
