"""Encoding on a Dask cluster: 2 worker processes x 1 thread against 1 process x 1 thread.

The same news sentences (ABP sample) are encoded cold (a fresh embedding cache each
time) by the exact scheme, alternately in this process with one thread and on a local
cluster of two single-thread worker processes through ``analysis.execution`` (the path
the ``embeddings`` stage takes). Model loading is paid before the clock starts on both
sides (a warm-up on other sentences). The vectors must be bit-identical. The machine is
shared, so the load average is recorded at the start and the end, and the figure is a
ratio of the two measured in one run.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/dask_encoding.py \
        [--n 500] [--repeats 3]

Writes benchmarks/results/dask.json and dask.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.encoding import load_average, news_sentences  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "dask.json"
GOAL = 1.7


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="sentences to encode")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each side")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    from analysis import execution
    from analysis.embed import Encoder
    from analysis.pipeline import Context
    from analysis.study import EmbeddingConfig

    load_start = load_average()
    texts = news_sentences(args.n)
    warmup = news_sentences(40, skip=2000)
    kwargs = EmbeddingConfig().encoder_kwargs()
    model = EmbeddingConfig().model

    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    ctx = Context(study=None, resources={"dask": client})  # type: ignore[arg-type]

    def on_cluster(cache: str) -> np.ndarray:
        rows, parts = execution.map_shards(
            ctx,
            execution.encode_rows,
            np.arange(len(texts)),
            np.asarray(texts, dtype=object),
            model,
            kwargs,
            cache,
        )
        assert sum(p[1] for p in parts) == len(set(texts))  # all encoded, none cached
        return execution.stitch(rows, [p[0] for p in parts])

    def in_process(cache: str) -> np.ndarray:
        enc = Encoder(model, cache_dir=Path(cache), show_progress=False, **{**kwargs, "threads": 1})
        enc._runner, enc._model, enc.row_independent = loaded  # the model is loaded once
        vectors = enc.encode(texts)
        assert enc.last_stats.n_encoded == len(set(texts))
        return vectors

    with tempfile.TemporaryDirectory() as tmp:
        # Warm-up: every worker, and this process, load the model before the clock starts.
        warm = client.gather(
            [
                client.submit(
                    execution.encode_rows,
                    np.arange(len(warmup)),
                    np.asarray(warmup, dtype=object),
                    model,
                    kwargs,
                    str(Path(tmp, "warm")),
                    workers=[address],
                    pure=False,
                )
                for address in client.nthreads()
            ]
        )
        one = Encoder(model, cache_dir=Path(tmp, "warm"), show_progress=False, threads=1)
        one.encode(warmup)
        loaded = (one._runner, one._model, one.row_independent)
        times: dict[str, list[float]] = {"one_process": [], "dask": []}
        cpu: dict[str, list[float]] = {"one_process": [], "dask": []}
        clocks = {
            "one_process": time.process_time,
            "dask": lambda: sum(client.run(time.process_time).values()),
        }
        vectors = {}
        for r in range(args.repeats):
            for name, fn in (("one_process", in_process), ("dask", on_cluster)):
                cpu_start, start = clocks[name](), time.perf_counter()
                vectors[name] = fn(str(Path(tmp, f"{name}-{r}")))
                times[name].append(time.perf_counter() - start)
                cpu[name].append(clocks[name]() - cpu_start)
                print(f"{name} run {r}: {times[name][-1]:.1f}s, {cpu[name][-1]:.1f} CPU s")
    client.close()
    cluster.close()
    load_end = load_average()

    rate = {k: len(texts) / statistics.median(v) for k, v in times.items()}
    results = {
        "what": f"exact encoding of {len(texts)} ABP news sentences, cold cache, "
        f"{args.workers} Dask worker processes x 1 thread vs 1 process x 1 thread",
        "command": "OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 nice -n 10 .venv/bin/python "
        f"benchmarks/dask_encoding.py --n {args.n} --repeats {args.repeats} "
        f"--workers {args.workers}",
        "n_sentences": len(texts),
        "cpus": os.cpu_count(),
        "workers_warmed": len(warm),
        "seconds": {k: [round(x, 2) for x in v] for k, v in times.items()},
        "sentences_per_second": {k: round(v, 2) for k, v in rate.items()},
        # CPU seconds the encoding processes got (the workers' in total): on a shared
        # machine the wall time is decided by this share, not by the work
        "cpu_seconds": {k: [round(x, 2) for x in v] for k, v in cpu.items()},
        "cpu_share": {k: round(sum(cpu[k]) / sum(times[k]), 2) for k in times},
        "sentences_per_cpu_second": {
            k: round(len(texts) / statistics.median(v), 2) for k, v in cpu.items()
        },
        "speedup": round(rate["dask"] / rate["one_process"], 3),
        "goal": GOAL,
        "vectors_identical": bool(np.array_equal(vectors["dask"], vectors["one_process"])),
        "load_average_start": load_start,
        "load_average_end": load_end,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    RESULTS.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    return 0


def markdown(r: dict) -> str:
    met = "met" if r["speedup"] >= r["goal"] else "NOT met"
    return "\n".join(
        [
            "# Encoding on Dask: 2 workers x 1 thread vs 1 process x 1 thread",
            "",
            f"{r['what']}. Median of {len(r['seconds']['dask'])} alternating runs each; "
            "model loading excluded on both sides. Shared machine: "
            f"{r['cpus']} CPUs, load average (1, 5, 15 min) {r['load_average_start']} at the "
            f"start and {r['load_average_end']} at the end.",
            "",
            "| | seconds per run | sentences/s | CPU seconds per run | CPUs held | "
            "sentences per CPU second |",
            "|---|---|---|---|---|---|",
            *(
                f"| {label} | {r['seconds'][k]} | {r['sentences_per_second'][k]} | "
                f"{r['cpu_seconds'][k]} | {r['cpu_share'][k]} | "
                f"{r['sentences_per_cpu_second'][k]} |"
                for k, label in (
                    ("one_process", "1 process x 1 thread"),
                    ("dask", "Dask, 2 workers x 1 thread"),
                )
            ),
            "",
            "CPUs held: CPU seconds over wall seconds (2 would be both cores the whole time).",
            "",
            f"Speed-up: **{r['speedup']}x** (goal {r['goal']}x: {met}). "
            f"Vectors bit-identical: {r['vectors_identical']}.",
            "",
            f"Command: `{r['command']}`",
            "",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
