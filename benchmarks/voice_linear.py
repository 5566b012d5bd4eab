"""Voice labelling is linear in the length of an article.

Builds one long synthetic article by repeating a paragraph written for this benchmark
(quotations, reporting frames, indirect speech, a scare quote, a multi-sentence quote)
and times the sentences stage's work on it (sentence splitting, then voice spans) at
doubling lengths. Linear cost means a time ratio of about 2 per doubling. The
sentence-level rule this replaces scanned every quotation for every sentence: 1.1 s,
3.9 s and 14.8 s for 0.17, 0.34 and 0.68 MB (issue 12), a ratio of about 3.7.

Usage: .venv/bin/python benchmarks/voice_linear.py [--max-mb 1.4] [--huge]
``--huge`` also times one 30 MB article. Writes benchmarks/results/voice_linear.json.
Times are wall-clock on a shared machine (the fastest of three runs per length): compare
the ratios within one run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

from analysis.io import write_text
from analysis.provenance import package_versions
from analysis.text.sentences import sentence_spans
from analysis.text.spans import article_spans

RESULTS = Path(__file__).resolve().parent / "results" / "voice_linear.json"
PARAGRAPH = (
    "“We will rebuild every bridge,” the governor said on Monday, drawing cheers from a "
    "hall packed with supporters. Officials believe the storm damage will take a year to "
    "repair, and the ministry said the repairs were already under way. The opposition "
    "dismissed the plan as ‘theatre’, according to the regional paper. “The money is "
    "there. The will is not,” said one engineer, who asked not to be named.\n\n"
)
SIZES_MB = (0.17, 0.34, 0.68, 1.36)


def timed(text: str, repeats: int = 3) -> dict:
    """The fastest of ``repeats`` runs (the least disturbed by other work on the machine)."""
    best = None
    for _ in range(repeats):
        start = time.perf_counter()
        sentences = sentence_spans(text)
        split = time.perf_counter()
        spans = article_spans(text, [(s, e) for _, s, e in sentences])
        done = time.perf_counter()
        run = {
            "mb": round(len(text.encode("utf-8")) / 1e6, 3),
            "n_sentences": len(sentences),
            "n_spans": len(spans),
            "sentences_seconds": round(split - start, 3),
            "spans_seconds": round(done - split, 3),
            "seconds": round(done - start, 3),
        }
        if best is None or run["seconds"] < best["seconds"]:
            best = run
    return best


def article_of(mb: float) -> str:
    repeats = max(1, round(mb * 1e6 / len(PARAGRAPH.encode("utf-8"))))
    return PARAGRAPH * repeats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--huge", action="store_true", help="also time a 30 MB article")
    args = ap.parse_args(argv)
    rows = []
    for mb in SIZES_MB:
        rows.append(timed(article_of(mb)))
        print(rows[-1])
    for previous, row in itertools.pairwise(rows):
        row["ratio_to_half_size"] = round(row["seconds"] / previous["seconds"], 2)
    huge = None
    if args.huge:
        huge = timed(article_of(30), repeats=1)
        print(huge)
    out = {
        "what": "sentence splitting + voice spans of one article, doubling its length",
        "runs": rows,
        "huge_article": huge,
        "sentence_level_rule_issue_12": {"0.17": 1.1, "0.34": 3.9, "0.68": 14.8},
        "packages": package_versions(),
    }
    write_text(RESULTS, json.dumps(out, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
