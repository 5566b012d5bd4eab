"""Benchmark: infer events on the 10k ABP articles, then compare outlets within them.

ABP has no event ids, so events are inferred from title + lead similarity within a date
window, with the study defaults. Then outlets are compared within the inferred events.

1. Events on the whole corpus: the title and lead vectors (encoded through the cache) and
   the alignment itself, timed; how many articles end up in events several outlets
   covered.
2. The comparison needs frame scores, hence every sentence embedded: ~400k sentences for
   the whole corpus, hours on 2 CPU cores. Only articles in multi-outlet events enter a
   comparison (the others are excluded with a reason and cost nothing), so the pipeline
   runs on those articles as a study of its own, with events inferred again. Average
   linkage never merges across final events, so removing whole events leaves the others
   unchanged; the script checks that the events come out identical.
3. ``comparisons`` and ``fightin_words`` are timed on their own (forced re-runs, warm).

Study folders are written under ``build/benchmarks/`` (the data stay in ``../shared``;
the subset is written there as a build product). Results go to
``benchmarks/results/compare_abp.json``.

    .venv/bin/python benchmarks/compare_abp.py
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
ABP = ROOT.parent / "shared" / "data" / "abp" / "articles_train_sample.parquet"
BENCH_DIR = ROOT / "build" / "benchmarks"
RESULTS = ROOT / "benchmarks" / "results" / "compare_abp.json"

# Frames for US political news, written for this benchmark (not taken from the corpus).
# They make the comparison meaningful enough to read; the timing does not depend on them.
CODEBOOK = {
    "frames": [
        {
            "id": "conflict",
            "label": "Conflict ↔ cooperation",
            "description": "Politics as a fight between sides, or as working together.",
            "poles": [
                {
                    "id": "partisan_conflict",
                    "label": "Partisan conflict",
                    "exemplars": [
                        "The two parties traded bitter accusations as the standoff deepened.",
                        "Lawmakers lashed out at their opponents in a fierce floor fight.",
                        "The bill sets up another bruising battle between the rival camps.",
                        "Critics blasted the plan and vowed to block it at every turn.",
                        "The feud between the leaders escalated into open warfare.",
                    ],
                },
                {
                    "id": "cooperation",
                    "label": "Cooperation",
                    "exemplars": [
                        "Members of both parties worked together to reach a compromise.",
                        "The measure passed with broad bipartisan support.",
                        "Negotiators from each side found common ground on the deal.",
                        "The leaders set aside their differences for the good of the country.",
                        "A cross-party group drafted the agreement over several weeks.",
                    ],
                },
            ],
        },
        {
            "id": "consequences",
            "label": "Harm ↔ benefit",
            "description": "Whether a policy or event is presented as doing damage or doing good.",
            "poles": [
                {
                    "id": "harm",
                    "label": "Harm",
                    "exemplars": [
                        "The policy will cost thousands of families their health coverage.",
                        "Experts warned the change would devastate small businesses.",
                        "Millions of people could lose their jobs as a result.",
                        "The decision puts vulnerable communities at serious risk.",
                        "Residents fear the move will drive up prices and hurt workers.",
                    ],
                },
                {
                    "id": "benefit",
                    "label": "Benefit",
                    "exemplars": [
                        "The program will create jobs and lift wages across the region.",
                        "Supporters say the reform will make care cheaper for families.",
                        "The measure is expected to boost growth and help small firms.",
                        "The plan will protect millions of people and save lives.",
                        "Economists said the change would put money back in workers' pockets.",
                    ],
                },
            ],
        },
    ]
}


ABP_COLUMNS = {
    "doc_id": "ID",
    "outlet": "source",
    "text": "content_original",
    "title": "title",
    "published": "date",
    "url": "url",
}


def study_config(name: str, corpus: Path) -> dict:
    return {
        "name": name,
        "description": "Benchmark study over ../shared/data/abp, generated by "
        "benchmarks/compare_abp.py.",
        "corpus": [{"path": str(corpus), "columns": ABP_COLUMNS}],
        "seed": 20250210,
        "events": {"mode": "infer"},
        "codebook": CODEBOOK,
    }


def write_study(config: dict) -> Path:
    from analysis.io import write_text

    folder = BENCH_DIR / config["name"]
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    target = folder / "study.yaml"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        write_text(target, text)
    return folder


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def title_lead_vectors(study, articles: pd.DataFrame) -> tuple[np.ndarray, dict]:
    """The events stage's article vectors, from the sentences table (no full embedding)."""
    from analysis import schema as S
    from analysis.embed import Encoder
    from analysis.events.vectors import combine, lead_vectors
    from analysis.pipeline import load_table

    cfg = study.config.events
    sentences = load_table(study, "sentences")
    lead = sentences[sentences[S.SENT_ID] < cfg.lead_sentences].reset_index(drop=True)
    encoder = Encoder(study.config.embedding.model)
    start = time.perf_counter()
    lead_X = encoder.encode(lead[S.TEXT].tolist(), desc="leads")
    lead_stats = encoder.last_stats
    titles = articles[S.TITLE].fillna("").astype(str).str.strip()
    has_title = (titles != "").to_numpy()
    title_X = np.zeros((len(articles), lead_X.shape[1]))
    title_X[has_title] = encoder.encode(titles[has_title].tolist(), desc="titles")
    encode_seconds = time.perf_counter() - start
    means, has_lead = lead_vectors(articles[S.DOC_ID], lead, lead_X, cfg.lead_sentences)
    vectors = combine(title_X, has_title, means, has_lead, cfg.title_weight)
    info = {
        "texts_encoded": int(lead_stats.n_encoded + encoder.last_stats.n_encoded),
        "texts_from_cache": int(lead_stats.n_cached + encoder.last_stats.n_cached),
        "encode_seconds": round(encode_seconds, 1),
    }
    return vectors, info


def event_summary(events: pd.DataFrame) -> dict:
    from analysis import schema as S

    per_event = events.drop_duplicates(S.EVENT_ID)
    multi = events[events[S.N_OUTLETS] >= 2]
    return {
        "articles": len(events),
        "events": int(per_event.shape[0]),
        "articles_alone": int((events[S.N_ARTICLES] == 1).sum()),
        "undated_articles": int(events[S.NOTE].str.startswith("undated").sum()),
        "events_by_outlet_count": {
            str(k): int(v) for k, v in per_event[S.N_OUTLETS].value_counts().sort_index().items()
        },
        "multi_outlet_events": int(multi[S.EVENT_ID].nunique()),
        "articles_in_multi_outlet_events": len(multi),
        "median_confidence_in_multi_outlet_events": round(float(multi[S.CONFIDENCE].median()), 3),
    }


def main() -> int:
    if not ABP.exists():
        print(f"ABP data not found at {ABP}; nothing to benchmark", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(message)s")

    from analysis import schema as S
    from analysis.events import assign_events
    from analysis.events.metrics import alignment_scores
    from analysis.pipeline import load_table, run
    from analysis.study import Study

    results: dict = {"corpus": str(ABP.relative_to(ROOT.parent))}

    # 1. Events on the whole corpus.
    full = Study.load(write_study(study_config("abp_compare", ABP)))
    reports, _ = run(full, targets=["sentences"])
    results["ingest_and_split_seconds"] = round(sum(r.seconds for r in reports), 1)
    articles = load_table(full, "articles")
    vectors, encode_info = title_lead_vectors(full, articles)
    start = time.perf_counter()
    events, _ = assign_events(articles, vectors, full.config.events)
    results["events_full_corpus"] = {
        "settings": full.config.events.model_dump(),
        **encode_info,
        "alignment_seconds": round(time.perf_counter() - start, 2),
        **event_summary(events),
    }

    # 2. The articles a comparison can use, as a study of their own.
    shared_ids = set(events.loc[events[S.N_OUTLETS] >= 2, S.DOC_ID])
    raw = pd.read_parquet(ABP)
    subset_file = BENCH_DIR / "abp_compare_shared" / "articles.parquet"
    subset_file.parent.mkdir(parents=True, exist_ok=True)
    raw[raw[ABP_COLUMNS["doc_id"]].astype(str).isin(shared_ids)].to_parquet(subset_file)
    shared = Study.load(write_study(study_config("abp_compare_shared", subset_file)))
    reports, ctx = run(shared, targets=["comparisons", "fightin_words"])
    results["pipeline_on_shared_events"] = {
        r.name: {"status": r.status, "seconds": round(r.seconds, 2)} for r in reports
    }
    results["sentences_embedded"] = {
        "encoded": ctx.counters.get("encoded", 0),
        "from_cache": ctx.counters.get("from_cache", 0),
    }
    # Agreement of the events inferred on the subset with those of the whole corpus. Not
    # exactly 1: ingestion strips boilerplate lines by their frequency in the corpus
    # (bylines repeated across the 10k articles), so some leads differ in the subset.
    again = load_table(shared, "events")
    truth = events.set_index(S.DOC_ID).loc[again[S.DOC_ID], S.EVENT_ID].to_numpy()
    agreement = alignment_scores(truth, again[S.EVENT_ID].to_numpy())
    results["subset_events_vs_full_corpus"] = {
        k: round(v, 4)
        for k, v in agreement.items()
        if k in ("adjusted_rand_index", "bcubed_f1", "n_reference_events", "n_inferred_events")
    }

    # 3. The comparison stages alone, warm.
    timings = {}
    for stage in ("events", "comparisons", "fightin_words"):
        reports, _ = run(shared, targets=[stage], force=[stage])
        timings[stage] = round(next(r.seconds for r in reports if r.name == stage), 2)
    results["stage_seconds_warm"] = timings

    def by_outlet(table):  # the outlet-by-outlet framing balance rows
        return table[(table[S.BY] == S.OUTLET) & (table[S.MEASURE] == "balance")]

    effects = by_outlet(load_table(shared, "comparison_effects"))
    pairs = by_outlet(load_table(shared, "comparison_differences"))
    units = load_table(shared, "comparison_units")
    units = units[units[S.BY] == S.OUTLET]
    tests = by_outlet(load_table(shared, "comparison_tests"))
    words = load_table(shared, "fightin_words")
    used = units[units[S.INCLUDED]]
    results["comparison"] = {
        "views": sorted(units[S.VIEW].unique()),
        "frames": sorted(effects[S.FRAME].unique()),
        "articles_used_per_view": used.groupby(S.VIEW).size().to_dict(),
        "articles_left_out_by_reason": units[~units[S.INCLUDED]]
        .groupby([S.VIEW, S.REASON])
        .size()
        .rename("n")
        .reset_index()
        .to_dict("records"),
        "outlets_compared": int(effects[S.LEVEL].nunique()),
        "events_used": int(tests[S.N_EVENTS].max()) if len(tests) else 0,
        "pairwise_tests": len(pairs),
        "pairs_with_shared_events": int((pairs[S.N_SHARED_EVENTS] > 0).sum()),
        "significant_after_bh": int(pairs[S.SIGNIFICANT].sum()),
        "frame_tests": tests[[S.FRAME, S.VIEW, S.STATISTIC, S.P_VALUE, S.Q_VALUE]]
        .round(5)
        .to_dict("records"),
        "median_bootstrap_draws_used": float(effects[S.N_BOOT_USED].median()),
        "fightin_words_rows": len(words),
    }
    results["peak_rss_mb"] = peak_rss_mb()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
