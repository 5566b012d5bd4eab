"""Time to re-score ~10k cached sentences after a one-exemplar codebook edit.

Builds a throwaway study from the first ABP articles that hold 10,000 sentences (with
the demo codebook), runs it once (encoding whatever is not cached yet), adds one
exemplar to the codebook and times the second run. Only the new exemplar may be
encoded, and only frame scoring and what follows may run.

Usage: .venv/bin/python benchmarks/rescore_codebook_edit.py
Writes benchmarks/results/rescore_codebook_edit.json.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from pathlib import Path

import pandas as pd
import yaml

from analysis import paths
from analysis.io import write_text
from analysis.pipeline import run
from analysis.provenance import package_versions
from analysis.study import Study
from analysis.text.sentences import sentence_spans

ROOT = Path(__file__).resolve().parent.parent
ABP = ROOT.parent / "shared" / "data" / "abp" / "articles_train_sample.parquet"
N_SENTENCES = 10_400  # counted before ingest, which trims boilerplate lines
TARGETS = ["aggregate"]


def make_study(folder: Path) -> None:
    abp = pd.read_parquet(ABP, columns=["ID", "source", "content_original"])
    rows, total = [], 0
    for art in abp.itertuples(index=False):
        rows.append({"doc_id": art.ID, "outlet": art.source, "text": art.content_original})
        total += len(sentence_spans(art.content_original))
        if total >= N_SENTENCES:
            break
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_json(folder / "articles.jsonl", orient="records", lines=True)
    config = yaml.safe_load((ROOT / "corpora" / "demo" / "study.yaml").read_text())
    config.update(name="bench_rescore", corpus=[{"path": "articles.jsonl"}], synthetic=False)
    for key in ("outlets", "gold", "topics", "events", "compare"):
        config.pop(key, None)
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    folder = paths.build_root() / "bench" / "rescore_study"
    make_study(folder)
    study = Study.load(folder)
    start = time.perf_counter()
    _, ctx = run(study, targets=TARGETS)
    first = time.perf_counter() - start

    config = yaml.safe_load((folder / "study.yaml").read_text())
    # A new sentence each run, so the cache cannot already hold it.
    nonce = uuid.uuid4().hex[:8]
    config["codebook"]["frames"][0]["poles"][1]["exemplars"].append(
        f"Their generals spent the lives of young men as if they cost nothing ({nonce})."
    )
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    start = time.perf_counter()
    reports, ctx2 = run(Study.load(folder), targets=TARGETS)
    rescore = time.perf_counter() - start
    sentences = pd.read_parquet(study.build_dir / "sentences.parquet")
    result = {
        "n_articles": int(sentences["doc_id"].nunique()),
        "n_sentences": len(sentences),
        "first_run_seconds": round(first, 2),
        "first_run_encoded": ctx.counters.get("encoded", 0),
        "rescore_seconds": round(rescore, 2),
        "rescore_encoded": ctx2.counters.get("encoded", 0),
        "rescore_from_cache": ctx2.counters.get("from_cache", 0),
        "stages_run_after_edit": [r.name for r in reports if r.status == "ran"],
        "packages": package_versions(),
    }
    write_text(
        ROOT / "benchmarks" / "results" / "rescore_codebook_edit.json",
        json.dumps(result, indent=2) + "\n",
    )
    print(json.dumps({k: v for k, v in result.items() if k != "packages"}, indent=2))


if __name__ == "__main__":
    main()
