"""BABE (SG2): the three frame scorers in 5-fold CV, next to the published fine-tuned BERT.

- ``axes``: a biased ↔ neutral codebook axis (exemplars written for this benchmark, not
  taken from BABE); "Biased" where the position reaches a threshold chosen F1-optimally
  on the training folds;
- ``supervised``: calibrated, class-balanced logistic regression on frozen MiniLM vectors;
- ``finetuned``: MiniLM fine-tuned on the training folds (``analysis/frames/finetune.py``),
  for each strategy named with ``--strategies``.

Every scorer sees the same folds (stratified, shuffled, seed 0) and is scored only on
the fold it did not see. Each scorer runs in its own process, so its peak RSS is its own.
Fine-tuned fold models are kept in ``build/bench/babe_finetuned/`` (keyed by their data
and settings), so an interrupted run resumes where it stopped; a fold that was loaded
instead of trained reports the training time recorded when it was trained.

The fine-tuning defaults were chosen with ``--select`` without looking at any test fold:
fold 0's *training* sentences are split 80/20 (stratified, seed 0), each setting in
``CANDIDATES`` is trained on the 80 and scored on the 20, and the best inner F1 wins.

Usage: nice -n 10 .venv/bin/python benchmarks/babe_scorers.py [--strategies head,contrastive]
       nice -n 10 .venv/bin/python benchmarks/babe_scorers.py --select
Writes benchmarks/results/babe_scorers.json and babe_scorers.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "babe" / "final_labels_SG2.csv"
OUT = ROOT / "benchmarks" / "results" / "babe_scorers.json"
MODELS = ROOT / "build" / "bench" / "babe_finetuned"
POSITIVE, SEED, N_SPLITS = "Biased", 0, 5
ENCODE_BATCH = 32
PUBLISHED_F1 = 0.80
INNER_VALIDATION = 0.2
# At most three settings, each one epoch: on this shared 2-core machine an all-layer epoch
# over a fold's 2938 sentences takes ~7 minutes, so a second epoch would not fit five folds
# into the session's time.
CANDIDATES = {
    "top2_lr5e-5": dict(train_layers=2, learning_rate=5e-5, epochs=1),
    "all_lr5e-5": dict(train_layers=None, learning_rate=5e-5, epochs=1),
    "all_lr2e-5": dict(train_layers=None, learning_rate=2e-5, epochs=1),
}

# Written for this benchmark: loaded, one-sided wording vs plain attribution of facts.
BIAS_CODEBOOK = {
    "frames": [
        {
            "id": "slant",
            "label": "Biased ↔ neutral wording",
            "poles": [
                {
                    "id": "biased",
                    "exemplars": [
                        "The radical senator launched yet another reckless crusade against "
                        "hardworking families.",
                        "The disastrous policy is a shameful betrayal cooked up by corrupt elites.",
                        "Extremist activists are pushing their dangerous agenda on our children.",
                        "The president's outrageous lies have once again exposed his "
                        "contempt for voters.",
                        "Greedy corporations are ruthlessly gouging struggling consumers.",
                        "The bill is a cynical power grab dressed up as reform.",
                    ],
                },
                {
                    "id": "neutral",
                    "exemplars": [
                        "The senator introduced the bill on Tuesday, according to the "
                        "committee record.",
                        "The policy takes effect next year and applies to companies with "
                        "more than 50 employees.",
                        "The group held a rally outside the state capitol on Saturday.",
                        "The president said in a statement that he would sign the measure.",
                        "Prices rose 3 percent over the past year, the agency reported.",
                        "The proposal would change how districts are drawn, officials said.",
                    ],
                },
            ],
        }
    ]
}


def load_babe() -> pd.DataFrame:
    babe = pd.read_csv(DATA, sep=";", encoding="utf-8-sig")
    return babe[babe["label_bias"].isin([POSITIVE, "Non-biased"])].reset_index(drop=True)


def folds(labels: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The folds of ``out_of_fold_proba(..., groups=None, seed=0)``: one sentence, one group."""
    from sklearn.model_selection import StratifiedKFold

    split = StratifiedKFold(N_SPLITS, shuffle=True, random_state=SEED)
    return list(split.split(np.zeros(len(labels)), labels))


def metrics(labels: np.ndarray, predicted: np.ndarray, score: np.ndarray) -> dict:
    from sklearn.metrics import f1_score, roc_auc_score

    from analysis.frames.agreement import krippendorff_alpha

    truth = labels == POSITIVE
    return {
        "f1_biased": float(f1_score(truth, predicted == POSITIVE)),
        "f1_macro": float(f1_score(labels, predicted, average="macro")),
        "auc": float(roc_auc_score(truth, score)),
        "krippendorff_alpha": float(krippendorff_alpha(list(labels), list(predicted))),
        "accuracy": float(np.mean(labels == predicted)),
    }


def per_fold(labels: np.ndarray, predicted: np.ndarray, score: np.ndarray) -> list[dict]:
    """Each fold's figures, to set beside a scorer that finished only some folds."""
    return [
        {
            "fold": k,
            **{m: round(v, 4) for m, v in metrics(labels[t], predicted[t], score[t]).items()},
        }
        for k, (_, t) in enumerate(folds(labels))
    ]


def vectors(texts: list[str]) -> tuple[np.ndarray, float]:
    from analysis.embed import Encoder

    start = time.perf_counter()
    # Batched: 3-4x faster than the exact scheme on a busy CPU; vectors differ from the
    # exact ones in the seventh decimal, which moves none of the reported figures.
    X = Encoder(batch_size=ENCODE_BATCH).encode(texts, desc="BABE sentences")
    return X, time.perf_counter() - start


def run_axes(babe: pd.DataFrame) -> dict:
    from analysis.frames.axes import PoleAxisScorer
    from analysis.frames.presence import f1_optimal_threshold
    from analysis.study import Codebook

    X, encode_seconds = vectors(babe["text"].tolist())
    start = time.perf_counter()
    codebook = Codebook.model_validate(BIAS_CODEBOOK)
    exemplars = [(t, p.id) for p in codebook.frames[0].poles for t in p.exemplars]
    E, _ = vectors([t for t, _ in exemplars])
    scorer = PoleAxisScorer(codebook).fit(E, [p for _, p in exemplars])
    position = scorer.transform(X)[:, 0]
    labels = babe["label_bias"].to_numpy()
    predicted = np.empty(len(labels), dtype=object)
    for train, test in folds(labels):
        tau, _ = f1_optimal_threshold(position[train], labels[train] == POSITIVE)
        predicted[test] = np.where(position[test] >= tau, POSITIVE, "Non-biased")
    return {
        **metrics(labels, predicted, position),
        "folds": per_fold(labels, predicted, position),
        "model": "biased ↔ neutral codebook axis (6 + 6 exemplars), threshold cross-fitted",
        "encode_seconds": round(encode_seconds, 1),
        "cv_seconds": round(time.perf_counter() - start, 1),
    }


def run_supervised(babe: pd.DataFrame) -> dict:
    from analysis.frames.supervised import EmbeddingClassifier, out_of_fold_proba

    X, encode_seconds = vectors(babe["text"].tolist())
    labels = babe["label_bias"].to_numpy()
    start = time.perf_counter()
    proba, classes = out_of_fold_proba(
        EmbeddingClassifier(random_state=SEED), X, labels, None, n_splits=N_SPLITS, seed=SEED
    )
    predicted = classes[proba.argmax(axis=1)]
    score = proba[:, list(classes).index(POSITIVE)]
    return {
        **metrics(labels, predicted, score),
        "folds": per_fold(labels, predicted, score),
        "model": "calibrated, class-balanced logistic regression on frozen MiniLM vectors",
        "encode_seconds": round(encode_seconds, 1),
        "cv_seconds": round(time.perf_counter() - start, 1),
    }


def run_finetuned(
    babe: pd.DataFrame, strategy: str, only_fold: int | None, out: Path | None = None
) -> dict:
    from analysis.frames.finetune import FinetunedClassifier

    texts = babe["text"].to_numpy(dtype=object)
    labels = babe["label_bias"].to_numpy()
    estimator = FinetunedClassifier(
        strategy=strategy, random_state=SEED, cache_dir=MODELS / strategy
    )
    proba = np.full(len(labels), np.nan)
    per_fold = []
    start = time.perf_counter()
    for k, (train, test) in enumerate(folds(labels)):
        if only_fold is not None and k != only_fold:
            continue
        fit_start = time.perf_counter()
        model = estimator.__class__(**estimator.get_params()).fit(texts[train], labels[train])
        fold_start = time.perf_counter()
        proba[test] = model.predict_proba(texts[test])[:, list(model.classes_).index(POSITIVE)]
        recorded = json.loads((model._model_path().with_name("model.json")).read_text())
        per_fold.append(
            {
                "fold": k,
                "loaded": bool(model.loaded_),
                "train_seconds": float(recorded["train_seconds"]),
                "predict_seconds": round(time.perf_counter() - fold_start, 1),
                "wall_seconds_this_run": round(time.perf_counter() - fit_start, 1),
                "load_average_after": load_average(),
                "n_train": len(train),
                "n_test": len(test),
            }
        )
        fold_predicted = np.where(proba[test] >= 0.5, POSITIVE, "Non-biased")
        fold_metrics = metrics(labels[test], fold_predicted, proba[test])
        per_fold[-1].update({k: round(v, 4) for k, v in fold_metrics.items()})
        print(json.dumps({"strategy": strategy, **per_fold[-1]}), flush=True)
        if out is not None:  # what is done so far survives an interrupted run
            partial = finetuned_summary(labels, proba, per_fold, estimator, strategy, start)
            out.write_text(json.dumps({**partial, "complete": False, **peak_rss()}, default=str))
    return {
        **finetuned_summary(labels, proba, per_fold, estimator, strategy, start),
        "complete": True,
    }


def run_selection(babe: pd.DataFrame, out: Path | None = None) -> dict:
    """Each candidate trained on 80% of fold 0's training sentences, scored on the other
    20%; the test folds are never touched."""
    from sklearn.model_selection import train_test_split

    from analysis.frames.finetune import FinetunedClassifier

    texts = babe["text"].to_numpy(dtype=object)
    labels = babe["label_bias"].to_numpy()
    train, _ = folds(labels)[0]
    inner_train, inner_val = train_test_split(
        train, test_size=INNER_VALIDATION, stratify=labels[train], random_state=SEED
    )
    tried = []
    for name, settings in CANDIDATES.items():
        model = FinetunedClassifier(
            random_state=SEED, cache_dir=MODELS / "selection", **settings
        ).fit(texts[inner_train], labels[inner_train])
        recorded = json.loads((model._model_path().with_name("model.json")).read_text())
        train_seconds = float(recorded["train_seconds"])
        score = model.predict_proba(texts[inner_val])[:, list(model.classes_).index(POSITIVE)]
        predicted = np.where(score >= 0.5, POSITIVE, "Non-biased")
        tried.append(
            {
                "name": name,
                "settings": settings,
                **{m: round(v, 4) for m, v in metrics(labels[inner_val], predicted, score).items()},
                "loaded": bool(model.loaded_),
                "train_seconds": train_seconds,
                "seconds_per_epoch_per_1000": round(
                    train_seconds / settings["epochs"] / (len(inner_train) / 1000), 1
                ),
                "load_average": load_average(),
            }
        )
        print(json.dumps(tried[-1]), flush=True)
        result = {
            "split": f"fold 0 training sentences, {1 - INNER_VALIDATION:.0%} / "
            f"{INNER_VALIDATION:.0%} stratified (seed {SEED}); test folds not used",
            "n_inner_train": len(inner_train),
            "n_inner_validation": len(inner_val),
            "tried": tried,
            "chosen": max(tried, key=lambda t: t["f1_biased"])["name"],
        }
        if out is not None:
            out.write_text(json.dumps({**result, **peak_rss()}, default=str))
    return result


def finetuned_summary(labels, proba, per_fold, estimator, strategy, start) -> dict:
    done = ~np.isnan(proba)
    predicted = np.where(proba[done] >= 0.5, POSITIVE, "Non-biased")
    params = {k: v for k, v in estimator.get_params().items() if k not in ("cache_dir",)}
    return {
        **metrics(labels[done], predicted, proba[done]),
        "model": f"all-MiniLM-L6-v2 fine-tuned ({strategy})",
        "settings": params,
        "folds": per_fold,
        "n_scored": int(done.sum()),
        "train_seconds_total": round(sum(f["train_seconds"] for f in per_fold), 1),
        "wall_seconds_this_run": round(time.perf_counter() - start, 1),
    }


def child(scorer: str, out: Path, only_fold: int | None) -> None:
    babe = load_babe()
    if scorer == "select":
        result = run_selection(babe, out)
    elif scorer == "axes":
        result = run_axes(babe)
    elif scorer == "supervised":
        result = run_supervised(babe)
    else:
        result = run_finetuned(babe, scorer.split(":", 1)[1], only_fold, out)
    out.write_text(json.dumps({**result, **peak_rss()}, default=str))


def peak_rss() -> dict:
    return {"peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--strategies", default="head", help="fine-tuning strategies, comma-separated"
    )
    parser.add_argument("--scorers", default="axes,supervised,finetuned")
    parser.add_argument(
        "--fold", type=int, default=None, help="run the fine-tuning on one fold only"
    )
    parser.add_argument(
        "--select",
        action="store_true",
        help="choose fine-tuning settings on an inner split of fold 0's training sentences",
    )
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.out), args.fold)
        return
    from analysis.io import write_text
    from analysis.provenance import package_versions

    previous = json.loads(OUT.read_text()) if OUT.exists() else {}
    results = previous.get("scorers", {})
    selection = previous.get("selection")
    jobs = [s for s in args.scorers.split(",") if s != "finetuned"]
    if "finetuned" in args.scorers.split(","):
        jobs += [f"finetuned:{s}" for s in args.strategies.split(",")]
    if args.select:
        jobs = ["select"]
    for job in jobs:
        out = OUT.with_name(f".babe_{job.replace(':', '_')}.json")
        load_before = load_average()
        start = time.perf_counter()
        cmd = [sys.executable, __file__, "--child", job, "--out", str(out)]
        if args.fold is not None:
            cmd += ["--fold", str(args.fold)]
        finished = subprocess.run(cmd, check=False)
        if not out.exists():
            raise SystemExit(f"{job} failed (exit {finished.returncode}) before any result")
        # An interrupted fine-tuning run leaves the folds it finished ("complete": false).
        result = json.loads(out.read_text())
        out.unlink()
        result.update(
            wall_seconds=round(time.perf_counter() - start, 1),
            load_average_before=load_before,
            load_average_after=load_average(),
        )
        if job == "select":
            selection = result
        else:
            results[job.replace("finetuned:", "finetuned_")] = result
        summary = {
            "dataset": "BABE final_labels_SG2.csv (Biased vs Non-biased)",
            "cv": f"{N_SPLITS}-fold stratified, shuffled (seed {SEED}), out of fold; the same "
            "folds for every scorer",
            "published_reference_f1": f"{PUBLISHED_F1} (fine-tuned BERT, Spinde et al. 2021)",
            "machine": f"{os.cpu_count()} cores, shared with other engineers' jobs; run under "
            "nice (axes and supervised at 10, fine-tuning and its selection at 5), so wall "
            "times are upper bounds (load averages recorded per scorer)",
            "scorers": results,
            "selection": selection,
            "packages": package_versions(),
        }
        write_text(OUT, json.dumps(summary, indent=2, default=str) + "\n")
        write_text(OUT.with_suffix(".md"), markdown(summary))
        print(json.dumps({job: {k: v for k, v in result.items() if k != "settings"}}, indent=1))


def markdown(summary: dict) -> str:
    lines = [
        "# BABE SG2: frame scorers in 5-fold CV",
        "",
        f"{summary['cv']}. Published fine-tuned BERT: F1(Biased) {PUBLISHED_F1}.",
        f"Machine: {summary['machine']}.",
        "",
        "| scorer | F1 (Biased) | AUC | Krippendorff's α | sentences scored | wall s | "
        "training s | peak RSS MiB | load avg |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in summary["scorers"].items():
        n = r.get("n_scored", 3673)
        done = [f["fold"] for f in r.get("folds", []) if "loaded" in f]
        if r.get("complete") is False:
            name = f"{name} (folds {done} only: interrupted)"
        elif done and len(done) < N_SPLITS:
            name = f"{name} (folds {done} only)"
        lines.append(
            f"| {name} | {r['f1_biased']:.3f} | {r['auc']:.3f} | {r['krippendorff_alpha']:.3f} "
            f"| {n} | {r['wall_seconds']:.0f} | {r.get('train_seconds_total', '–')} | "
            f"{r['peak_rss_mib']:.0f} | {r['load_average_before'][0]:.1f} |"
        )
    lines += [
        "",
        "Wall s: this run of the scorer, encoding included (a fold model loaded from "
        "build/bench/ costs its prediction only); training s: the recorded training time of "
        "its fold models, whichever run trained them. Peak RSS is the scorer's own process.",
        "",
        "Per fold (the same held-out sentences for every scorer):",
        "",
        "| fold | " + " | ".join(f"{name} F1 / AUC / α" for name in summary["scorers"]) + " |",
        "|---|" + "---|" * len(summary["scorers"]),
    ]
    by_fold: dict[int, list[str]] = {}
    for i, r in enumerate(summary["scorers"].values()):
        for f in r.get("folds", []):
            cells = by_fold.setdefault(f["fold"], ["–"] * len(summary["scorers"]))
            cells[i] = f"{f['f1_biased']:.3f} / {f['auc']:.3f} / {f['krippendorff_alpha']:.3f}"
    lines += [f"| {k} | " + " | ".join(v) + " |" for k, v in sorted(by_fold.items())]
    for name, r in summary["scorers"].items():
        if name.startswith("finetuned_"):
            lines += finetuned_fold_lines(name, r)
    if summary.get("selection"):
        lines += selection_lines(summary["selection"])
    return "\n".join(lines) + "\n"


def finetuned_fold_lines(name: str, r: dict) -> list[str]:
    lines = [
        "",
        f"{name} per fold (training s as recorded when the fold model was trained; wall s "
        "and load average from this run):",
        "",
        "| fold | F1 | AUC | α | trained here | training s | wall s | load avg after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in r["folds"]:
        load = f.get("load_average_after", ["–"])[0]
        lines.append(
            f"| {f['fold']} | {f['f1_biased']:.3f} | {f['auc']:.3f} | "
            f"{f['krippendorff_alpha']:.3f} | {'no' if f['loaded'] else 'yes'} | "
            f"{f['train_seconds']:.0f} | {f.get('wall_seconds_this_run', '–')} | {load} |"
        )
    return lines


def selection_lines(sel: dict) -> list[str]:
    lines = [
        "",
        "## How the fine-tuning defaults were chosen",
        "",
        f"Inner validation: {sel['split']} ({sel['n_inner_train']} train, "
        f"{sel['n_inner_validation']} validation). Chosen by inner F1: **{sel['chosen']}**.",
        "",
        "| setting | train_layers | lr | epochs | inner F1 | inner AUC | training s | "
        "s / epoch / 1000 sentences | load avg |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for t in sel["tried"]:
        s = t["settings"]
        lines.append(
            f"| {t['name']} | {s['train_layers'] or 'all'} | {s['learning_rate']:g} | "
            f"{s['epochs']} | {t['f1_biased']:.3f} | {t['auc']:.3f} | {t['train_seconds']:.0f} "
            f"| {t['seconds_per_epoch_per_1000']} | {t['load_average'][0]} |"
        )
    skipped = [name for name in CANDIDATES if name not in {t["name"] for t in sel["tried"]}]
    if skipped:
        lines += [
            "",
            f"Not measured (stopped before it finished, for the session's time): "
            f"{', '.join(skipped)}; the choice is among the settings above only.",
        ]
    return lines


if __name__ == "__main__":
    main()
