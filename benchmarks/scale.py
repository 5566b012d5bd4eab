"""Scale benchmark: every stage at 1k and 10k articles, with a STAND-IN encoder.

    .venv/bin/python benchmarks/scale.py [--sizes 1000 10000] [--quick]
        [--cache-vectors 1000000]

Measures the pipeline, not the model. The corpus is generated at run time into
``build/bench/scale/`` (git-ignored, never committed) by recombining paragraphs of the
ABP sample (``../shared/data/abp``): each article takes 4 to 10 random paragraphs, a
random ABP title, outlet and a date in 2024, seeded. The study is the demo study's
settings and codebook, without gold codes and given events (so events are inferred).

THE ENCODER IS A STAND-IN (:class:`StandInEncoder`): a hashed bag of words projected to
384 dimensions and normalised, deterministic and cheap. It is injected into the run's
:class:`analysis.pipeline.Context` by this script alone (the ``encoder`` resource); no
study.yaml setting can reach it. Its vectors carry no meaning, so the topic and event
counts it produces are not results; the ``embeddings`` and ``voice_units`` rows time
the table plumbing around the encoder, not encoding.

Each stage runs in its own Python process (upstream tables already built), so its peak
RSS (``ru_maxrss``) is its own; the row also gives the process's RSS after imports.
The slope is the log-log fit of stage time against articles between the sizes (1 is
linear; n log n between 1k and 10k is ~1.1). It also measures the SQLite embedding
cache (:class:`analysis.vector_cache.EmbeddingCache`) at ``--cache-vectors`` random
384-d vectors in a temporary folder: insert rate, lookup rate (hits and misses) and
file size.

Writes benchmarks/results/scale.json and scale.md.
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

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ABP = ROOT.parent / "shared" / "data" / "abp" / "articles_train_sample.parquet"
WORK = ROOT / "build" / "bench" / "scale"
RESULTS = ROOT / "benchmarks" / "results"
SEED = 20250210
DIM = 384
STAGE_TIMEOUT_S = 1800  # --stage-timeout


class StandInEncoder:
    """BENCHMARK ONLY: hashed bag of words, projected to 384 dims, unit length.

    Deterministic (murmur hashing, seeded projection) and cheap, so the scale benchmark
    measures the pipeline rather than the model. Offers what stages use of
    :class:`analysis.embed.Encoder`: ``encode``, ``keys``, ``last_stats``, ``model_id``.
    """

    model_id = "STAND-IN hashed-bow-384 (benchmark only)"
    n_features = 2**14

    def __init__(self):
        from sklearn.feature_extraction.text import HashingVectorizer

        from analysis.embed import EncodeStats

        self._stats_type = EncodeStats
        self.last_stats = EncodeStats()
        self._hasher = HashingVectorizer(
            n_features=self.n_features, alternate_sign=False, norm=None, dtype=np.float32
        )
        rng = np.random.default_rng(SEED)
        self._projection = rng.standard_normal((self.n_features, DIM), dtype=np.float32)

    def keys(self, texts):
        from analysis.embed import text_key

        return [text_key(self.model_id, t, "standin") for t in texts]

    def encode(self, texts, desc: str = "encoding") -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), DIM), np.float32)
        for start in range(0, len(texts), 20_000):  # bounded memory per chunk
            chunk = texts[start : start + 20_000]
            x = np.asarray(self._hasher.transform(chunk) @ self._projection, np.float32)
            norms = np.linalg.norm(x, axis=1, keepdims=True)
            x[norms[:, 0] == 0, 0] = 1.0  # a text without words: a fixed unit vector
            norms[norms == 0] = 1.0
            out[start : start + len(chunk)] = x / norms
        self.last_stats = self._stats_type(len(texts), len(set(texts)), 0, len(set(texts)), 0)
        return out


def generate(folder: Path, n_articles: int) -> dict:
    """A study of ``n_articles`` recombined ABP articles in ``folder`` (no text kept in git)."""
    import pandas as pd
    import yaml

    abp = pd.read_parquet(ABP, columns=["source", "title", "content_original"])
    paragraphs = [
        p.strip() for text in abp["content_original"] for p in text.split("\n") if p.strip()
    ]
    rng = np.random.default_rng(SEED + n_articles)
    lengths = rng.integers(4, 11, n_articles)
    picks = rng.integers(0, len(paragraphs), int(lengths.sum()))
    outlets = rng.choice(abp["source"].to_numpy(), n_articles)
    titles = rng.choice(abp["title"].fillna("").to_numpy(), n_articles)
    days = rng.integers(0, 366, n_articles)
    ends = np.cumsum(lengths)
    rows = []
    for i in range(n_articles):
        body = "\n\n".join(paragraphs[j] for j in picks[ends[i] - lengths[i] : ends[i]])
        published = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(days[i]))
        rows.append(
            {
                "doc_id": f"scale-{i:07d}",
                "outlet": outlets[i],
                "title": titles[i],
                "published": published.strftime("%Y-%m-%d"),
                "text": body,
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_json(folder / "articles.jsonl", orient="records", lines=True)
    config = yaml.safe_load((ROOT / "corpora" / "demo" / "study.yaml").read_text())
    config.update(name=f"scale_{n_articles}", corpus=[{"path": "articles.jsonl"}], synthetic=False)
    for key in ("outlets", "gold", "voice", "compare", "events", "description"):
        config.pop(key, None)
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return {
        "articles": n_articles,
        "paragraphs": int(lengths.sum()),
        "outlets": len(set(outlets)),
        "corpus_mb": round((folder / "articles.jsonl").stat().st_size / 2**20, 1),
    }


def child(stage: str, folder: Path) -> dict:
    """Run one stage (its upstream already built) with the stand-in encoder."""
    from analysis.pipeline import Context, run
    from analysis.study import Study

    study = Study.load(folder, build_root=folder / "build")
    ctx = Context(study, resources={"encoder": StandInEncoder()})
    rss_imports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    reports, _ = run(study, targets=[stage], force=[stage], context=ctx)
    seconds = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_SELF)
    ran = [r.name for r in reports if r.status == "ran"]
    outputs = sum(p.stat().st_size for p in study.build_dir.glob("*.parquet") if p.stat().st_size)
    return {
        "stage_s": round(seconds, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "rss_after_imports_mb": round(rss_imports, 1),
        "ran": ran,
        "build_tables_mb": round(outputs / 2**20, 1),
    }


def run_child(stage: str, folder: Path, timeout: float = STAGE_TIMEOUT_S) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    env["NUMBA_CACHE_DIR"] = str(WORK / "numba")
    cmd = [sys.executable, __file__, "--child", stage, "--study", str(folder)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1][:300] if proc.stderr else "failed"}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = round(time.perf_counter() - start, 2)
    return result


def slope(sizes: list[int], seconds: list[float]) -> float | None:
    """Log-log least-squares slope of time against size (1 = linear)."""
    pairs = [(n, s) for n, s in zip(sizes, seconds, strict=True) if s and s > 0]
    if len(pairs) < 2:
        return None
    x, y = np.log([p[0] for p in pairs]), np.log([p[1] for p in pairs])
    return round(float(np.polyfit(x, y, 1)[0]), 2)


def cache_benchmark(n_vectors: int, batch: int = 10_000, lookups: int = 100_000) -> dict:
    """Insert ``n_vectors`` random unit vectors into a fresh EmbeddingCache; time lookups."""
    from analysis.embed import text_key
    from analysis.vector_cache import EmbeddingCache

    rng = np.random.default_rng(SEED)
    with tempfile.TemporaryDirectory(prefix="scale-cache-", dir=WORK) as tmp:
        path = Path(tmp) / "embeddings.sqlite"
        cache = EmbeddingCache(path)
        keys: list[str] = []
        t = time.perf_counter()
        for start in range(0, n_vectors, batch):
            n = min(batch, n_vectors - start)
            ks = [text_key("bench", f"text {i}") for i in range(start, start + n)]
            vs = rng.standard_normal((n, DIM), dtype=np.float32)
            vs /= np.linalg.norm(vs, axis=1, keepdims=True)
            cache.put(dict(zip(ks, vs, strict=True)))
            keys.extend(ks[:: max(1, n_vectors // (4 * lookups))])
        insert_s = time.perf_counter() - t
        probe = list(rng.choice(np.array(keys), min(lookups, len(keys)), replace=False))
        t = time.perf_counter()
        found = cache.get(probe, dim=DIM, unit=True)
        hit_s = time.perf_counter() - t
        misses = [text_key("bench", f"absent {i}") for i in range(len(probe))]
        t = time.perf_counter()
        none = cache.get(misses, dim=DIM)
        miss_s = time.perf_counter() - t
        cache.close()
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    assert len(found) == len(probe) and not none
    return {
        "vectors": n_vectors,
        "insert_per_s": round(n_vectors / insert_s),
        "insert_s": round(insert_s, 1),
        "lookups": len(probe),
        "hit_lookups_per_s": round(len(probe) / hit_s),
        "miss_lookups_per_s": round(len(misses) / miss_s),
        "file_mb": round(size / 2**20, 1),
        "bytes_per_vector": round(size / n_vectors),
    }


def markdown(result: dict) -> str:
    sizes = result["sizes"]
    head = " | ".join(f"{n:,} art.: s / peak MB" for n in sizes)
    lines = [
        "# Scale benchmark (stand-in encoder: measures the pipeline, not the model)",
        "",
        f"Command: `{result['command']}`. Load average {result['load_average_start']} at "
        f"the start, {result['load_average_end']} at the end ({result['machine']['cpus']} "
        "cores, shared): one run, compare within it. Each stage ran in its own process; "
        "peak RSS is that process's `ru_maxrss` (imports included). The encoder is a "
        "hashed bag of words (benchmark only), so topic and event counts mean nothing.",
        "",
        "Corpora: "
        + "; ".join(
            f"{c['articles']:,} articles, {c['paragraphs']:,} paragraphs, {c['corpus_mb']} MB"
            for c in result["corpora"].values()
        ),
        "",
        f"| stage | {head} | slope (log-log), wall | slope, CPU |",
        "|---|" + "---|" * (len(sizes) + 2),
    ]
    for stage, row in result["stages"].items():
        cells = []
        for n in sizes:
            r = row.get(str(n), {})
            cells.append(r["error"] if "error" in r else f"{r['stage_s']} / {r['peak_rss_mb']:.0f}")
        lines.append(
            f"| {stage} | {' | '.join(cells)} | {row.get('slope')} | {row.get('cpu_slope')} |"
        )
    total = result["total"]
    lines.append(
        "| **all stages** | "
        + " | ".join(
            f"{total[str(n)]['stage_s']} / {total[str(n)]['peak_rss_mb']:.0f} (max)"
            + ("" if total[str(n)]["complete"] else f", {total[str(n)]['stages_measured']} stages")
            for n in sizes
        )
        + f" | {total.get('slope')} | |"
    )
    c = result.get("cache")
    if c:
        lines += [
            "",
            f"SQLite embedding cache at {c['vectors']:,} random 384-d vectors: insert "
            f"{c['insert_per_s']:,}/s, lookups {c['hit_lookups_per_s']:,}/s (hits) and "
            f"{c['miss_lookups_per_s']:,}/s (misses) in one `get` of {c['lookups']:,} keys, "
            f"file {c['file_mb']:,} MB ({c['bytes_per_vector']} bytes per vector).",
        ]
    if result.get("projection"):
        lines += ["", "## Projection", "", result["projection"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--cache-vectors", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="500 and 1k articles, 100k vectors")
    parser.add_argument("--stage-timeout", type=float, default=STAGE_TIMEOUT_S)
    parser.add_argument(
        "--finish",
        type=Path,
        default=None,
        help="write results from an interrupted run's build/bench/scale/<name>.partial.json",
    )
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--study", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.study)))
        return
    if args.finish:
        finish(json.loads(args.finish.read_text()), args.finish.name.split(".")[0])
        return
    if not ABP.exists():
        raise SystemExit(f"{ABP} not found: this benchmark needs ../shared/data")
    if args.quick:
        args.sizes, args.cache_vectors = [500, 1000], 100_000
    from analysis.pipeline import order

    WORK.mkdir(parents=True, exist_ok=True)
    stages = [s.name for s in order()]
    result: dict = {
        "benchmark": "scale",
        "command": "benchmarks/scale.py "
        + ("--quick" if args.quick else f"--sizes {' '.join(map(str, args.sizes))}")
        + f" --cache-vectors {args.cache_vectors}",
        "encoder": StandInEncoder.model_id,
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "sizes": args.sizes,
        "corpora": {},
        "stages": {s: {} for s in stages},
        "total": {},
    }
    name = "scale_quick" if args.quick else "scale"
    partial, timeout = WORK / f"{name}.partial.json", args.stage_timeout
    if args.cache_vectors:
        result["cache"] = cache_benchmark(args.cache_vectors)
        print(f"cache: {result['cache']}", flush=True)
    for n in args.sizes:
        folder = WORK / f"n{n}"
        result["corpora"][str(n)] = generate(folder, n)
        print(f"corpus {n}: {result['corpora'][str(n)]}", flush=True)
        failed = False
        for stage in stages:
            row = {"error": "upstream failed"} if failed else run_child(stage, folder, timeout)
            failed = failed or "error" in row
            result["stages"][stage][str(n)] = row
            print(f"  {stage:16s} {row}", flush=True)
            partial.write_text(json.dumps(result, indent=2, default=str) + "\n")
    finish(result, name)


def finish(result: dict, name: str) -> None:
    """Totals and slopes over what was measured; writes ``<name>.json`` and ``.md``.

    Also run alone (``--finish``) on the partial results of an interrupted run: sizes
    or stages not reached are reported as such, never estimated.
    """
    from analysis.io import write_text
    from analysis.provenance import git_commit, package_versions

    sizes = [n for n in result["sizes"] if str(n) in result["corpora"]]
    for n in sizes:
        rows = [r.get(str(n), {"error": "not run"}) for r in result["stages"].values()]
        for row in result["stages"].values():
            row.setdefault(str(n), {"error": "not run (benchmark stopped)"})
        done = [r for r in rows if "error" not in r]
        result["total"][str(n)] = {
            "stage_s": round(sum(r["stage_s"] for r in done), 1),
            "peak_rss_mb": max((r["peak_rss_mb"] for r in done), default=0),
            "stages_measured": len(done),
            "complete": len(done) == len(rows),
        }
    result["sizes"] = sizes
    complete = [n for n in sizes if result["total"][str(n)]["complete"]]
    for row in result["stages"].values():
        row["slope"] = slope(sizes, [row[str(n)].get("stage_s") for n in sizes])
        row["cpu_slope"] = slope(sizes, [row[str(n)].get("cpu_s") for n in sizes])
    result["total"]["slope"] = slope(
        complete, [result["total"][str(n)]["stage_s"] for n in complete]
    )
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform()}
    result["packages"] = package_versions()
    result["git"] = git_commit()
    write_text(RESULTS / f"{name}.json", json.dumps(result, indent=2, default=str) + "\n")
    write_text(RESULTS / f"{name}.md", markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
