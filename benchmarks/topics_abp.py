"""Benchmark: the ``topics`` stage on 2,000 real articles (ABP sample), sentence units.

    .venv/bin/python benchmarks/topics_abp.py [--articles 2000] [--out results.json]

What is measured, each in a fresh Python process (so imports and numba compilation
count, as they do for a user):

1. ``stage_cold``: the ``topics`` stage (build units, fit, tabulate, save the model)
   with an empty numba cache, so UMAP/HDBSCAN/pynndescent kernels are compiled;
2. ``stage_warm``: the same in a second process sharing that cache;
3. ``bertopic_default``: ``BERTopic().fit_transform(docs, embeddings)`` with all of
   BERTopic's defaults, on the same sentences and the same precomputed vectors (warm
   cache). Its UMAP is unseeded and uses every core; ours is seeded and single-threaded.

Each run reports wall time (whole process, and the fit alone), CPU time, peak resident
memory and the load average around it: on a shared machine wall times move with other
load (BERTopic's default UMAP uses every core, ours one), so compare runs whose load
stayed near zero, and read CPU time alongside.
The cold and warm stage runs must give identical topic assignments (determinism across
processes); the result records the check. Sentence vectors come from the project's
embedding cache (the first run encodes ~90k sentences: about 15-50 minutes here).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T_START = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "abp" / "articles_train_sample.parquet"
SAMPLE_SEED = 20250210
STUDY_SEED = 20250210


def prepare(work: Path, n_articles: int) -> dict:
    """Sample articles, split sentences, encode (cached), write the stage's input tables."""
    import pandas as pd
    import pyarrow as pa

    from analysis import schema as S
    from analysis.embed import Encoder
    from analysis.io import matrix_to_arrow, write_table
    from analysis.text.sentences import split_sentences

    raw = pd.read_parquet(DATA)
    raw = raw.sort_values("ID").sample(n=n_articles, random_state=SAMPLE_SEED)
    articles = pd.DataFrame(
        {
            S.DOC_ID: raw["ID"].to_numpy(),
            S.OUTLET: raw["source"].to_numpy(),
            S.TEXT: raw["content_original"].to_numpy(),
            S.PUBLISHED: pd.to_datetime(raw["date"], utc=True, errors="coerce").to_numpy(),
        }
    )
    sentences = split_sentences(articles)
    encoder = Encoder()
    vectors = encoder.encode(sentences[S.TEXT].tolist(), desc="abp sentences")
    build = work / "build" / "abp_bench"
    meta = {"benchmark": "topics_abp"}
    write_table(articles.drop(columns=[S.TEXT]), build / "articles.parquet", meta)
    outlets = pd.DataFrame({S.OUTLET: sorted(articles[S.OUTLET].unique())})
    write_table(outlets, build / "outlets.parquet", meta)
    write_table(sentences, build / "sentences.parquet", meta)
    embeddings = pa.table(
        {
            S.DOC_ID: sentences[S.DOC_ID].to_numpy(),
            S.SENT_ID: sentences[S.SENT_ID].to_numpy(),
            S.TEXT_KEY: encoder.keys(sentences[S.TEXT].tolist()),
            S.EMBEDDING: matrix_to_arrow(vectors),
        }
    )
    write_table(embeddings, build / "embeddings.parquet", meta)
    return {
        "articles": len(articles),
        "outlets": int(articles[S.OUTLET].nunique()),
        "sentences": len(sentences),
        "unique_sentences": int(sentences[S.TEXT].nunique()),
        "encoded_now": int(encoder.last_stats.n_encoded),
    }


def bench_study(work: Path):
    from analysis.study import Study, StudyConfig

    config = StudyConfig.model_validate(
        {
            "name": "abp_bench",
            "corpus": [{"path": str(DATA)}],
            "seed": STUDY_SEED,
            "topics": {"unit": "sentence", "event_source": "articles"},
            "codebook": {
                "frames": [{"id": "unused", "poles": [{"id": "unused_pole", "exemplars": ["x"]}]}]
            },
        }
    )
    return Study(work, config, build_root=work / "build")


def child_stage(work: Path) -> dict:
    """The registered ``topics`` stage, exactly as the pipeline runs it."""
    t0 = time.perf_counter()
    from analysis import schema as S
    from analysis.io import write_table
    from analysis.pipeline import Context, execute, register_all, table_path
    from analysis.topics.model import _bertopic

    _bertopic()  # import BERTopic (and torch) here, so the fit time below is the fit alone
    t_import = time.perf_counter() - t0
    study = bench_study(work)
    ctx = Context(study)
    t1 = time.perf_counter()
    tables = execute(register_all()["topics"], ctx)
    for name, table in tables.items():  # as the pipeline does after a stage runs
        write_table(table, table_path(study, name), {"stage": "topics"})
    t_stage = time.perf_counter() - t1
    units, info = tables["topic_units"], tables["topic_info"]
    out = info.set_index(S.TOPIC).loc[S.OUTLIER_TOPIC]
    units[[S.DOC_ID, S.UNIT_ID, S.TOPIC]].to_parquet(work / f"assign-{os.getpid()}.parquet")
    return {
        "import_s": t_import,
        "stage_s": t_stage,
        "units": len(units),
        "topics": int((info[S.TOPIC] >= 0).sum()),
        "outlier_share": float(out[S.N_UNITS] / max(len(units), 1)),
        "assignments": str(work / f"assign-{os.getpid()}.parquet"),
        "top_topics": info[info[S.TOPIC] >= 0]
        .sort_values(S.N_UNITS, ascending=False)
        .head(10)[[S.TOPIC, S.AUTO_LABEL, S.N_UNITS]]
        .to_dict("records"),
    }


def child_prevalence(work: Path) -> dict:
    """The ``topic_prevalence`` stage on the fitted topics (for reference)."""
    from analysis.pipeline import Context, execute, register_all

    study = bench_study(work)
    t1 = time.perf_counter()
    tables = execute(register_all()["topic_prevalence"], Context(study))
    return {"stage_s": time.perf_counter() - t1, "rows": {k: len(v) for k, v in tables.items()}}


def child_default(work: Path) -> dict:
    """BERTopic with every default, on the same sentences and precomputed vectors."""
    t0 = time.perf_counter()
    from bertopic import BERTopic

    from analysis import schema as S
    from analysis.io import read_matrix, read_table

    t_import = time.perf_counter() - t0
    build = work / "build" / "abp_bench"
    docs = read_table(build / "sentences.parquet")[S.TEXT].tolist()
    _, vectors = read_matrix(build / "embeddings.parquet", S.EMBEDDING)
    t1 = time.perf_counter()
    topics, _ = BERTopic().fit_transform(docs, vectors)
    t_fit = time.perf_counter() - t1
    return {
        "import_s": t_import,
        "stage_s": t_fit,
        "units": len(docs),
        "topics": int(max(topics) + 1),
        "outlier_share": float(sum(t == -1 for t in topics) / len(topics)),
    }


CHILDREN = {"stage": child_stage, "prevalence": child_prevalence, "default": child_default}


def run_child(kind: str, work: Path, numba_dir: Path) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(numba_dir), "PYTHONHASHSEED": "0"}
    env.setdefault("MPLBACKEND", "Agg")
    cmd = [sys.executable, __file__, "--child", kind, "--work", str(work)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"child {kind} failed ({proc.returncode})")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = wall
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/topics_abp.json")
    parser.add_argument("--work", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=sorted(CHILDREN), default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        load_before = os.getloadavg()[0]
        result = CHILDREN[args.child](args.work)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        result["peak_rss_mb"] = usage.ru_maxrss / 1024
        # CPU seconds (all threads): less sensitive than wall time to other load
        result["cpu_s"] = usage.ru_utime + usage.ru_stime
        # 1-minute load average (this machine has os.cpu_count() cores) before and after
        result["load_before_after"] = [load_before, os.getloadavg()[0]]
        result["since_process_start_s"] = time.perf_counter() - T_START
        print(json.dumps(result, default=str))
        return

    if not DATA.exists():
        raise SystemExit(f"{DATA} not found: this benchmark needs ../shared/data")
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    from analysis import schema as S
    from analysis.provenance import git_commit, package_versions

    with tempfile.TemporaryDirectory(prefix="topics-abp-") as tmp:
        work = Path(tmp)
        numba_dir = work / "numba-cache"
        numba_dir.mkdir()
        t = time.perf_counter()
        corpus = prepare(work, args.articles)
        corpus["prepare_s"] = time.perf_counter() - t
        print(f"corpus: {corpus}", flush=True)
        cold = run_child("stage", work, numba_dir)
        print(f"stage, cold numba cache: {cold['process_wall_s']:.1f}s", flush=True)
        warm = run_child("stage", work, numba_dir)
        print(f"stage, warm numba cache: {warm['process_wall_s']:.1f}s", flush=True)
        prevalence = run_child("prevalence", work, numba_dir)
        default = run_child("default", work, numba_dir)
        print(f"BERTopic defaults: {default['process_wall_s']:.1f}s", flush=True)
        a, b = (pd.read_parquet(r.pop("assignments")) for r in (cold, warm))
        identical = bool(a.equals(b))
        agreement = {
            "same_topic_share": float((a[S.TOPIC] == b[S.TOPIC]).mean()),
            "ari": float(adjusted_rand_score(a[S.TOPIC], b[S.TOPIC])),
        }
        cached_files = sum(1 for p in numba_dir.rglob("*") if p.is_file())

    result = {
        "benchmark": "topics_abp",
        "data": "../shared/data/abp/articles_train_sample.parquet",
        "sample": {"articles": args.articles, "random_state": SAMPLE_SEED},
        "corpus": corpus,
        "settings": "TopicsConfig defaults: sentence units, min_topic_size 10, UMAP "
        "(15 neighbours, 5 dims, cosine, seeded, n_jobs=1), HDBSCAN eom, English stop "
        "words, (1,2)-grams, no outlier reduction",
        "stage_cold": cold,
        "stage_warm": warm,
        "prevalence_warm": prevalence,
        "bertopic_default": default,
        "identical_assignments_cold_vs_warm": identical,
        "cold_vs_warm_agreement": agreement,
        "numba_cache_files": cached_files,
        "ratios": {
            "stage_warm_over_default_process_wall": warm["process_wall_s"]
            / default["process_wall_s"],
            "stage_warm_over_default_fit": warm["stage_s"] / default["stage_s"],
            "cold_over_warm_process_wall": cold["process_wall_s"] / warm["process_wall_s"],
        },
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "packages": package_versions(),
        "git": git_commit(),
    }
    r = result["ratios"]
    result["note"] = (
        f"{corpus['sentences']:,} sentences of {corpus['articles']:,} articles. Topic stage in a "
        f"fresh process: {cold['process_wall_s']:.0f} s with a cold numba cache, "
        f"{warm['process_wall_s']:.0f} s warm (fit {warm['stage_s']:.0f} s); peak memory "
        f"{warm['peak_rss_mb']:.0f} MB. BERTopic's default fit_transform on the same vectors: "
        f"{default['process_wall_s']:.0f} s (fit {default['stage_s']:.0f} s), peak "
        f"{default['peak_rss_mb']:.0f} MB. Ratio ours/default: "
        f"{r['stage_warm_over_default_process_wall']:.2f} (process), "
        f"{r['stage_warm_over_default_fit']:.2f} (fit alone); CPU time ours/default "
        f"{warm['cpu_s'] / default['cpu_s']:.2f}. Cold and warm runs gave "
        f"{'identical' if identical else 'DIFFERENT'} assignments."
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(result["note"])


if __name__ == "__main__":
    main()
