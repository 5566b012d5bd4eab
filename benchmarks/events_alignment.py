"""Event alignment scores on NeuS and the demo corpus, over the settings that matter.

Both corpora carry true event ids, hidden from the alignment. For each setting the
script records the adjusted Rand index and B-cubed precision/recall/F1 against them,
with the trivial partitions (every article alone; one event per calendar day) for
scale. The defaults in ``EventsConfig`` are marked. Results go to
``benchmarks/results/events_alignment.json``; vectors come from the embedding cache.

    .venv/bin/python benchmarks/events_alignment.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.embed import Encoder
from analysis.events import EventAligner, alignment_scores, days_since_epoch
from analysis.events.reference import encode_title_lead, neus_articles
from analysis.study import EventsConfig

ROOT = Path(__file__).resolve().parent.parent
NEUS = ROOT.parent / "shared" / "data" / "neus" / "stories.jsonl"
DEMO = ROOT / "corpora" / "demo" / "articles.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "events_alignment.json"


def neus() -> pd.DataFrame:
    return neus_articles(NEUS)


def demo() -> pd.DataFrame:
    return pd.read_json(DEMO, lines=True, dtype={S.EVENT_ID: str})


def sweep(articles: pd.DataFrame, X: np.ndarray, defaults: EventsConfig) -> dict:
    truth = articles[S.EVENT_ID].astype(str).to_numpy()
    days = days_since_epoch(pd.to_datetime(articles[S.PUBLISHED], utc=True))
    outlets = articles[S.OUTLET].to_numpy()
    calendar_day = pd.to_datetime(articles[S.PUBLISHED], utc=True).dt.date.astype(str)
    out = {
        "articles": len(articles),
        "events": int(pd.Series(truth).nunique()),
        "baselines": {
            "every_article_alone": alignment_scores(truth, articles[S.DOC_ID].to_numpy()),
            "one_event_per_day": alignment_scores(truth, calendar_day.to_numpy()),
        },
        "settings": [],
    }
    for window in (1.0, 3.0, 7.0, 1e6):
        for one_per_outlet in (True, False):
            for threshold in np.round(np.arange(0.35, 0.701, 0.05), 2):
                start = time.perf_counter()
                labels = EventAligner(
                    threshold, window, defaults.undated, one_per_outlet
                ).fit_predict(X, days, outlets)
                scores = alignment_scores(truth, labels)
                out["settings"].append(
                    {
                        "threshold": float(threshold),
                        "window_days": window if window < 1e6 else None,
                        "one_per_outlet": one_per_outlet,
                        "default": bool(
                            threshold == defaults.threshold
                            and window == defaults.window_days
                            and one_per_outlet == defaults.one_per_outlet
                        ),
                        "seconds": round(time.perf_counter() - start, 3),
                        **{k: round(v, 4) for k, v in scores.items()},
                    }
                )
    return out


def main() -> int:
    if not NEUS.exists():
        print(f"NeuS not found at {NEUS}", file=sys.stderr)
        return 1
    defaults = EventsConfig()
    encoder = Encoder()
    results = {"defaults": defaults.model_dump(), "corpora": {}}
    for name, loader in (("neus", neus), ("demo", demo)):
        articles = loader()
        results["corpora"][name] = sweep(
            articles, encode_title_lead(articles, encoder, defaults), defaults
        )
        best = max(results["corpora"][name]["settings"], key=lambda s: s["bcubed_f1"])
        default = next(s for s in results["corpora"][name]["settings"] if s["default"])
        results["corpora"][name]["best"] = best
        results["corpora"][name]["at_default"] = default
        print(name, "default:", default, "\n  best:", best, flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
