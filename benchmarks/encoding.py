"""Encoding: exact vs plain batches, backends, and throughput under competing load.

Every figure is measured in one run beside its peer, because the machine is shared
(the load average is recorded at the start and the end):

1. *Row independence*, measured first: does a row of a ``Linear`` product keep its bits
   when the number of rows changes, with one and with two intra-op threads?
2. *Exact vs raw*: the exact scheme (``Encoder``, rows grouped by token length, worker
   threads) against plain ``SentenceTransformer.encode(batch_size=32)`` and against
   one-text-at-a-time encoding, on the same news sentences, interleaved repetitions.
3. *Backends*: torch, onnx, onnx-int8: throughput, cosine to torch (mean, minimum), and
   the downstream effect: demo validation macro-F1, demo outlet effects (largest absolute
   change, and whether every table is equal), NeuS event ARI at the default settings.
4. *Under load*: throughput of each scheme and backend with 0, 1 and 2 competing busy
   processes (``python -c 'while True: pass'``), as a ratio to the unloaded figure.

    .venv/bin/python benchmarks/encoding.py [--quick]

Writes benchmarks/results/encoding.json and encoding.md; :func:`summary_rows` gives
(figure, value, peer, peer value, ratio) rows for benchmarks/results/summary.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
ABP = SHARED / "abp" / "articles_train_sample.parquet"
NEUS = SHARED / "neus" / "stories.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "encoding.json"
BACKENDS = ("torch", "onnx", "onnx-int8")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def news_sentences(n: int, skip: int = 0) -> list[str]:
    from analysis.text.sentences import sentence_spans

    abp = pd.read_parquet(ABP, columns=["content_original"])
    out: list[str] = []
    for text in abp["content_original"][skip:]:
        out.extend(text[s:e] for _, s, e in sentence_spans(text))
        if len(set(out)) >= n:
            break
    return list(dict.fromkeys(out))[:n]


def row_independence() -> dict:
    """Does row 0 of x @ W keep its bits as the number of rows M changes?"""
    import torch

    out = {}
    before = torch.get_num_threads()
    gen = torch.Generator().manual_seed(0)
    W = torch.randn(1536, 384, generator=gen) / 40
    X = torch.randn(4096, 1536, generator=gen)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        big = X @ W
        groups: dict[bytes, list[int]] = {}
        differs = []
        for M in [*range(1, 64), *range(64, 257, 7), 1024, 4096]:
            y = X[:M] @ W
            groups.setdefault(y[0].numpy().tobytes(), []).append(M)
            if M >= 16 and not torch.equal(y, big[:M]):
                differs.append(M)
        out[f"{threads}_thread"] = {
            "distinct_results_of_row_0": len(groups),
            "row_count_ranges": [[g[0], g[-1]] for g in groups.values()],
            "m_from_16_differing_from_m_4096": differs,
        }
    torch.set_num_threads(before)
    return out


def encoder(backend: str = "torch", exact: bool = True, threads: int | None = None, cache=None):
    from analysis.embed import Encoder

    enc = Encoder(
        cache_dir=cache or tempfile.mkdtemp(prefix="bench-enc-"),
        show_progress=False,
        backend=backend,
        exact=exact,
        threads=threads,
    )
    enc._encode_uncached(["Warm up the model and its kernels."] * 2)
    return enc


def timed(fn, texts) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    X = fn(texts)
    return len(texts) / (time.perf_counter() - start), X


def methods(backends=BACKENDS) -> dict:
    """name -> encode function; the first is the peer (plain SentenceTransformer.encode)."""
    import torch

    from analysis.device import available_threads

    threads = available_threads()
    torch.set_num_threads(threads)
    cache = tempfile.mkdtemp(prefix="bench-enc-")  # one ONNX export for both ONNX backends
    exact = {b: encoder(b, cache=cache) for b in backends}
    model = exact["torch"]._model

    def raw(texts):
        return model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)

    def alone(texts):
        return np.vstack([raw([t]) for t in texts])

    out = {"st_encode_batch32": raw, "one_at_a_time": alone}
    out.update({f"exact_{b}": exact[b]._encode_uncached for b in backends})
    return out


def throughput_table(fns: dict, texts: list[str], repeats: int) -> tuple[dict, dict]:
    """Interleaved repetitions (the order rotates), median sentences/s per method."""
    rates: dict[str, list[float]] = {name: [] for name in fns}
    vectors = {}
    names = list(fns)
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            rate, X = timed(fns[name], texts)
            rates[name].append(rate)
            vectors[name] = X
    return {n: round(statistics.median(v), 2) for n, v in rates.items()}, vectors


def busy(n: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def under_load(fns: dict, texts: list[str]) -> dict:
    out: dict[str, dict] = {}
    for n_busy in (0, 1, 2):
        procs = busy(n_busy)
        try:
            time.sleep(1.0)
            rates, _ = throughput_table(fns, texts, repeats=1)
        finally:
            for p in procs:
                p.kill()
                p.wait()
        out[str(n_busy)] = rates
    for name in fns:
        base = out["0"][name]
        for n_busy in ("1", "2"):
            out[n_busy][f"{name}_vs_idle"] = round(out[n_busy][name] / base, 3)
    return out


def demo_downstream(backend: str, work: Path) -> dict:
    """Run the demo study with this backend; its validation and outlet effects."""
    from analysis.pipeline import run
    from analysis.study import Study

    folder = work / f"demo_{backend.replace('-', '_')}"
    shutil.copytree(ROOT / "corpora" / "demo", folder)
    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["name"] = f"bench_encoding_{backend.replace('-', '_')}"
    config["embedding"] = {**config.get("embedding", {}), "backend": backend}
    config.setdefault("topics", {})["enabled"] = False
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    study = Study.load(folder, work / "build")
    run(study, targets=["validation", "comparisons"])
    validation = pd.read_parquet(study.build_dir / "validation.parquet")
    effects = pd.read_parquet(study.build_dir / "comparison_effects.parquet")
    macro = validation[validation["metric"] == "macro_f1"]
    return {
        "macro_f1": {f"{r.method}/{r.frame}": round(float(r.value), 4) for r in macro.itertuples()},
        "effects": effects,
        "tables": {
            name: pd.read_parquet(study.build_dir / f"{name}.parquet")
            for name in ("frame_scores", "outlet_frames", "comparison_effects", "validation")
        },
    }


def neus_ari(enc, n_stories: int | None) -> float:
    from analysis import schema as S
    from analysis.events import EventAligner, alignment_scores, days_since_epoch
    from analysis.events.reference import encode_title_lead, neus_articles
    from analysis.study import EventsConfig

    articles = neus_articles(NEUS)
    if n_stories:
        keep = sorted(articles[S.EVENT_ID].unique())[:n_stories]
        articles = articles[articles[S.EVENT_ID].isin(keep)].reset_index(drop=True)
    cfg = EventsConfig()
    X = encode_title_lead(articles, enc, cfg)
    days = days_since_epoch(pd.to_datetime(articles[S.PUBLISHED], utc=True))
    labels = EventAligner(cfg.threshold, cfg.window_days, cfg.undated, cfg.one_per_outlet)
    labels = labels.fit_predict(X, days, articles[S.OUTLET].to_numpy())
    return round(alignment_scores(articles[S.EVENT_ID].astype(str).to_numpy(), labels)["ari"], 4)


def tables_equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.shape == b.shape and a.reset_index(drop=True).equals(b.reset_index(drop=True))


def backends_downstream(n_stories: int | None) -> dict:
    out: dict[str, dict] = {}
    ref = None
    with tempfile.TemporaryDirectory(prefix="bench-encoding-") as tmp:
        work = Path(tmp)
        os.environ["FRAMING_CACHE_DIR"] = str(work / "cache")
        for backend in BACKENDS:
            demo = demo_downstream(backend, work)
            ari = neus_ari(encoder(backend, cache=work / "cache"), n_stories)
            row = {"demo_macro_f1": demo["macro_f1"], "neus_event_ari": ari}
            if ref is None:
                ref = demo
            else:
                merged = ref["effects"].merge(
                    demo["effects"],
                    on=["by", "level", "frame", "view", "measure", "pole"],
                    suffixes=("_ref", ""),
                )
                row["demo_outlet_effect_max_abs_change"] = round(
                    float((merged["estimate"] - merged["estimate_ref"]).abs().max()), 5
                )
                row["demo_tables_equal_to_torch"] = {
                    name: tables_equal(ref["tables"][name], demo["tables"][name])
                    for name in ref["tables"]
                }
            out[backend] = row
    return out


def cosine_to_torch(vectors: dict) -> dict:
    ref = vectors["exact_torch"]
    out = {}
    for name, X in vectors.items():
        cos = (X * ref).sum(axis=1)
        out[name] = {"mean": round(float(cos.mean()), 6), "min": round(float(cos.min()), 6)}
    return out


def summary_rows(results: dict | None = None) -> list[dict]:
    """(figure, value, peer, peer value, ratio) rows for benchmarks/results/summary.md."""
    r = results or json.loads(RESULTS.read_text())
    t = r["throughput_sentences_per_s"]
    peer = t["st_encode_batch32"]
    rows = [
        {
            "figure": f"encoding throughput, {name} (sentences/s)",
            "value": rate,
            "peer": "SentenceTransformer.encode, batch 32",
            "peer_value": peer,
            "ratio": round(rate / peer, 3),
        }
        for name, rate in t.items()
        if name != "st_encode_batch32"
    ]
    for name, cos in r["cosine_to_exact_torch"].items():
        rows.append(
            {
                "figure": f"cosine to exact torch, {name} (mean / min)",
                "value": cos["mean"],
                "peer": "minimum",
                "peer_value": cos["min"],
                "ratio": None,
            }
        )
    load = r["under_load"]
    for name in t:
        for n_busy in ("1", "2"):
            rows.append(
                {
                    "figure": f"{name} with {n_busy} busy process(es) (sentences/s)",
                    "value": load[n_busy][name],
                    "peer": "same, no busy process",
                    "peer_value": load["0"][name],
                    "ratio": load[n_busy][f"{name}_vs_idle"],
                }
            )
    down = r.get("downstream", {})
    base = down.get("torch")
    for backend, row in down.items():
        if backend == "torch" or base is None:
            continue
        for key, value in row["demo_macro_f1"].items():
            rows.append(
                {
                    "figure": f"demo macro-F1 {key}, {backend}",
                    "value": value,
                    "peer": "torch",
                    "peer_value": base["demo_macro_f1"].get(key),
                    "ratio": None,
                }
            )
        rows.append(
            {
                "figure": f"NeuS event ARI, {backend}",
                "value": row["neus_event_ari"],
                "peer": "torch",
                "peer_value": base["neus_event_ari"],
                "ratio": None,
            }
        )
        rows.append(
            {
                "figure": f"demo outlet effects, largest |change|, {backend}",
                "value": row["demo_outlet_effect_max_abs_change"],
                "peer": "torch",
                "peer_value": 0.0,
                "ratio": None,
            }
        )
    return rows


def markdown(results: dict) -> str:
    lines = [
        "# Encoding benchmark",
        "",
        f"Command: `{results['command']}`. {results['n_sentences']} ABP news sentences; "
        f"load average {results['load_average_start']} at the start, "
        f"{results['load_average_end']} at the end (a shared 2-core machine: compare "
        "within this table only).",
        "",
        "| figure | value | peer | peer value | ratio |",
        "|---|---|---|---|---|",
    ]
    for row in summary_rows(results):
        ratio = "" if row["ratio"] is None else row["ratio"]
        lines.append(
            f"| {row['figure']} | {row['value']} | {row['peer']} | {row['peer_value']} | {ratio} |"
        )
    lines += ["", "Row independence of a Linear product (row 0 across row counts M):", ""]
    for threads, probe in results["row_independence"].items():
        lines.append(
            f"- {threads}: {probe['distinct_results_of_row_0']} distinct results "
            f"(M ranges {probe['row_count_ranges']}); M ≥ 16 differing from M = 4096: "
            f"{probe['m_from_16_differing_from_m_4096'] or 'none'}"
        )
    return "\n".join(lines) + "\n"


def save(results: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    RESULTS.with_suffix(".md").write_text(markdown(results), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small samples (a few minutes)")
    parser.add_argument(
        "--part",
        choices=["all", "speed", "downstream"],
        default="all",
        help="speed: throughput, cosine, under load; downstream: the demo and NeuS runs "
        "(added to the existing results)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if not ABP.exists():
        print(f"ABP not found at {ABP}", file=sys.stderr)
        return 1
    n, repeats, n_load, n_stories = (120, 1, 48, 60) if args.quick else (1200, 3, 320, None)
    command = "benchmarks/encoding.py" + (" --quick" if args.quick else "")
    if args.part == "downstream":
        results = json.loads(RESULTS.read_text())
    else:
        results = {"command": command, "load_average_start": load_average(), "n_sentences": n}
        results["row_independence"] = row_independence()
        texts = news_sentences(n)
        fns = methods()
        rates, vectors = throughput_table(fns, texts, repeats)
        results["throughput_sentences_per_s"] = rates
        results["exact_torch_vs_st_encode"] = round(
            rates["exact_torch"] / rates["st_encode_batch32"], 3
        )
        results["cosine_to_exact_torch"] = cosine_to_torch(vectors)
        print(json.dumps(rates), flush=True)
        results["under_load"] = under_load(fns, news_sentences(n_load, skip=2000))
        results["load_average_end"] = load_average()
        save(results)
    if args.part in ("all", "downstream"):
        results["downstream_command"] = f"{command} --part downstream"
        results["downstream_load_average_start"] = load_average()
        results["downstream"] = backends_downstream(n_stories)
        results["neus_stories"] = n_stories or "all"
        results["downstream_load_average_end"] = load_average()
        save(results)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
