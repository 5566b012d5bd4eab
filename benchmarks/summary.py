"""One table of every benchmark figure beside its peer measured in the same run.

    .venv/bin/python benchmarks/summary.py [--quick]

Reads the results the other benchmarks wrote to benchmarks/results/ (it runs nothing
itself; ``make bench`` and ``make bench-quick`` run them first) and writes
benchmarks/results/summary.md. Each row pairs a figure with its peer from the same run
of one benchmark, so their ratio is fair on a loaded machine even when rows of
different benchmarks are not; each row names the result file it comes from and when
that file was written, so a stale row shows as stale. ``--quick`` takes the scale table
from scale_quick.json (``benchmarks/scale.py --quick``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"


def _load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def _written(name: str) -> str:
    """When a result file was written: its time if changed since the last commit, else
    that commit's date (a checkout resets file times)."""
    path = RESULTS / name
    git = ["git", "-C", str(ROOT)]
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--", str(path)], capture_output=True, text=True
    ).stdout.strip()
    if not changed:
        date = subprocess.run(
            [
                *git,
                "log",
                "-1",
                "--format=%cd",
                "--date=format-local:%Y-%m-%d %H:%M",
                "--",
                str(path),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "TZ": "UTC"},
        ).stdout.strip()
        if date:
            return f"{date} (committed)"
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(path.stat().st_mtime))


def _row(figure, value, peer, peer_value, source, ratio=None) -> dict:
    if ratio is None and isinstance(value, int | float) and peer_value:
        ratio = round(value / peer_value, 3)
    return {
        "figure": figure,
        "value": value,
        "peer": peer,
        "peer_value": peer_value,
        "ratio": ratio,
        "source": source,
    }


def encoding_rows() -> list[dict]:
    from encoding import summary_rows

    results = _load("encoding.json")
    if results is None:
        return []
    source = f"encoding.json ({results['command']})"
    return [{**row, "source": source} for row in summary_rows(results)]


def topics_rows() -> list[dict]:
    r = _load("topics_abp.json")
    if r is None:
        return []
    source = f"topics_abp.json ({r['corpus']['articles']:,} articles)"
    warm, default = r["stage_warm"], r["bertopic_default"]
    return [
        _row(
            "topics stage, fresh process, warm numba (s)",
            round(warm["process_wall_s"], 1),
            "BERTopic().fit_transform, defaults, same vectors",
            round(default["process_wall_s"], 1),
            source,
        ),
        _row(
            "topics stage, CPU (s)",
            round(warm["cpu_s"], 1),
            "BERTopic defaults, CPU",
            round(default["cpu_s"], 1),
            source,
        ),
        _row(
            "topics stage, peak RSS (MB)",
            round(warm["peak_rss_mb"]),
            "BERTopic defaults, peak RSS",
            round(default["peak_rss_mb"]),
            source,
        ),
    ]


def collect_rows() -> list[dict]:
    r = _load("collect.json")
    if r is None:
        return []
    source = f"collect.json ({r['pages']:,} pages, delay {r['per_host_delay_s']} s)"
    return [
        _row(
            "collection, fetch phase (pages/s)",
            r["pages_per_s"],
            "politeness bound (hosts / per-host delay)",
            r["politeness_bound_pages_per_s"],
            source,
        )
    ]


def rescore_rows() -> list[dict]:
    r = _load("rescore_codebook_edit.json")
    if r is None:
        return []
    source = f"rescore_codebook_edit.json ({r['n_sentences']:,} sentences)"
    return [
        _row(
            f"re-run after a one-exemplar codebook edit (s; {r['rescore_encoded']} encoded)",
            r["rescore_seconds"],
            f"first run of the same study ({r['first_run_encoded']:,} encoded)",
            r["first_run_seconds"],
            source,
        )
    ]


def scale_rows(quick: bool) -> list[dict]:
    name = "scale_quick.json" if quick else "scale.json"
    r = _load(name)
    if r is None:
        return []
    source = f"{name} ({r['command']})"
    sizes = [str(n) for n in r["sizes"]]
    small, large = sizes[0], sizes[-1]
    rows = []
    totals = r["total"]
    whole = all(totals[n].get("complete", True) for n in (small, large))
    for stage, row in [*r["stages"].items(), *([("all stages", totals)] if whole else [])]:
        a, b = row.get(small, {}), row.get(large, {})
        if "stage_s" not in a or "stage_s" not in b:
            continue
        rows.append(
            _row(
                f"scale, {stage}, {int(large):,} articles (s; slope {row.get('slope')})",
                b["stage_s"],
                f"same, {int(small):,} articles",
                a["stage_s"],
                source,
            )
        )
    both = [
        row for row in r["stages"].values() if "stage_s" in row[small] and "stage_s" in row[large]
    ]
    rows.append(
        _row(
            f"scale, peak RSS of any stage measured at both sizes, {int(large):,} articles (MB)",
            max(row[large]["peak_rss_mb"] for row in both),
            f"same, {int(small):,} articles",
            max(row[small]["peak_rss_mb"] for row in both),
            source,
        )
    )
    cache = r.get("cache")
    if cache:
        rows.append(
            _row(
                f"embedding cache lookups at {cache['vectors']:,} vectors (hits/s)",
                cache["hit_lookups_per_s"],
                "misses/s",
                cache["miss_lookups_per_s"],
                source,
            )
        )
    return rows


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(rows: list[dict], quick: bool) -> str:
    load = [round(x, 2) for x in os.getloadavg()]
    files = sorted({row["source"].split(" ")[0] for row in rows})
    lines = [
        "# Benchmark summary",
        "",
        f"Written by `benchmarks/summary.py{' --quick' if quick else ''}` (the last step "
        f"of `{'make bench-quick' if quick else 'make bench'}`) at "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
        f"{load[0]} / {load[1]} / {load[2]} (1/5/15 min) when written, on "
        f"{os.cpu_count()} shared cores. Each figure sits beside its peer from the same run "
        "of one benchmark, so the ratio is fair; figures of different rows come from "
        "different runs under different load. The scale rows use a STAND-IN encoder "
        "(benchmarks/scale.py): they time the pipeline, not the model.",
        "",
        "| figure | value | peer | peer value | ratio | from |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            "| "
            + " | ".join(
                _cell(row[k]) for k in ("figure", "value", "peer", "peer_value", "ratio", "source")
            )
            + " |"
        )
    lines += ["", "Result files, and when each was written (UTC):", ""]
    lines += [f"- `{name}`: {_written(name)}" for name in files]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scale table from scale_quick.json")
    args = parser.parse_args()
    from analysis.io import write_text

    rows = [
        *encoding_rows(),
        *topics_rows(),
        *collect_rows(),
        *rescore_rows(),
        *scale_rows(args.quick),
    ]
    text = markdown(rows, args.quick)
    write_text(RESULTS / "summary.md", text)
    print(text)


if __name__ == "__main__":
    main()
