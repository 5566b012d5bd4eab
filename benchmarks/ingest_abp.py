"""Benchmark: ingest the 10k full-text ABP articles (corpora/abp) in a fresh process.

Each repetition runs in a new Python process, so peak memory (ru_maxrss) is that of one
ingestion, imports included. Wall time is reported for the whole process and for
``ingest()`` alone, with CPU time beside it: on a shared machine the wall time depends on
what else is running, the CPU time much less. Writes ``benchmarks/results/ingest_abp.json``
with the median repetition, every repetition, and the corpus summary (records read, kept,
rejected, duplicates, languages, problems).

    .venv/bin/python benchmarks/ingest_abp.py            # 3 repetitions
    .venv/bin/python benchmarks/ingest_abp.py --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUDY = ROOT / "corpora" / "abp"
RESULTS = ROOT / "benchmarks" / "results" / "ingest_abp.json"


def child() -> None:
    """One measured ingestion; prints its measurements as JSON."""
    start = time.perf_counter()
    from analysis.corpus.ingest import ingest
    from analysis.corpus.summary import summarize
    from analysis.study import Study

    study = Study.load(STUDY)
    imported = time.perf_counter()
    result = ingest(study)
    done = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "wall_seconds_process": round(done - start, 2),
                "wall_seconds_ingest": round(done - imported, 2),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
                "step_seconds": result.seconds,
                "summary": summarize(result),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    if not (ROOT.parent / "shared" / "data" / "abp").is_dir():
        sys.exit("ABP data not found at ../shared/data/abp")
    runs = []
    for i in range(args.repeat):
        load_before = os.getloadavg()[0]
        out = subprocess.run(
            [sys.executable, __file__, "--child"],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        run = json.loads(out.stdout.strip().splitlines()[-1])
        run["load_average_before"] = round(load_before, 2)
        runs.append(run)
        print(
            f"run {i + 1}: ingest {run['wall_seconds_ingest']}s wall, "
            f"{run['cpu_seconds']}s CPU, peak {run['peak_rss_mib']} MiB "
            f"(load average {load_before:.1f})",
            flush=True,
        )
    median = sorted(runs, key=lambda r: r["wall_seconds_ingest"])[len(runs) // 2]
    summaries = {json.dumps(r["summary"], sort_keys=True) for r in runs}
    result = {
        "benchmark": "ingest_abp",
        "study": "corpora/abp",
        "records": median["summary"]["records_read"],
        "median": {k: v for k, v in median.items() if k != "summary"},
        "wall_seconds_ingest_all": [r["wall_seconds_ingest"] for r in runs],
        "cpu_seconds_all": [r["cpu_seconds"] for r in runs],
        "peak_rss_mib_max": max(r["peak_rss_mib"] for r in runs),
        "identical_summaries": len(summaries) == 1,
        "summary": median["summary"],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "median_of": len(runs),
        "cpu_seconds_median": statistics.median(r["cpu_seconds"] for r in runs),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, RESULTS)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
