"""Sentence fragments on real news text, before and after the splitter's repairs.

For NeuS (every article) and a seeded sample of 1,000 ABP articles: how many units
sentencex alone produces and how many remain after :func:`false_boundary` undoes
abbreviation splits; how many units look like a bad split (end on a lone initial such as
"D-N.", or start with a lowercase word); and, per word count, how many units there are
how many are cut off (end in an ellipsis: NeuS's summaries are truncated that way) and
how many look like whole sentences (capitalised, ending in . ! or ?, not cut off; not a
heading, byline, "Advertisement" or list number). That last table is what
``sentences.min_words`` is chosen from: the smallest word count at which most units are
whole sentences in both corpora.

Only counts are written (no text from the datasets).

Usage: .venv/bin/python benchmarks/fragments.py
Writes benchmarks/results/fragments.json.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np

from analysis import schema as S
from analysis.corpus.ingest import ingest
from analysis.io import write_text
from analysis.study import MIN_SENTENCE_WORDS, Study
from analysis.text.sentences import sentence_spans, word_count

ROOT = Path(__file__).resolve().parent.parent
ABP_SAMPLE = 1000
SEED = 20250210
MAX_WORDS = 10  # word counts tabulated one by one; longer units are pooled

_LONE_INITIAL = re.compile(r"(?:^|[\s\-(])[A-Z]\.$")  # "…Schumer, D-N."
_LOWER_START = re.compile(r"^[a-z]")
_CUT_OFF = re.compile(r"(?:\.\.\.|…)[\"”’']?$")
# Looks like a whole sentence: starts with a capital (or a quotation mark), has a lowercase
# word, ends with . ! or ? (perhaps inside quotes), and is not cut off. Headings, bylines,
# "Advertisement", list numbers ("4.") and truncated text fail this.
_COMPLETE = re.compile(r"^[\"“‘'(]?[A-Z0-9].*[a-z].*[.!?][\"”’')]?$")


def measure(texts: list[str]) -> dict:
    out = {}
    for repair in (False, True):
        units = [t[a:b] for t in texts for _, a, b in sentence_spans(t, repair=repair)]
        words = np.array([word_count(u) for u in units])
        cut = np.array([bool(_CUT_OFF.search(u)) for u in units])
        complete = np.array([bool(_COMPLETE.match(u)) for u in units]) & ~cut
        by_words = {}
        for k in range(MAX_WORDS + 1):
            mask = words == k if k < MAX_WORDS else words >= k
            key = str(k) if k < MAX_WORDS else f"{k}+"
            by_words[key] = {
                "units": int(mask.sum()),
                "cut_off": int((cut & mask).sum()),
                "complete_sentences": int((complete & mask).sum()),
            }
        out["repaired" if repair else "sentencex_only"] = {
            "units": len(units),
            "lone_initial_end": sum(bool(_LONE_INITIAL.search(u)) for u in units),
            "lowercase_start": sum(bool(_LOWER_START.match(u)) for u in units),
            "cut_off": int(cut.sum()),
            "by_words": by_words,
            "fragments_by_min_words": {
                str(m): int((words < m).sum()) for m in range(1, MAX_WORDS + 1)
            },
        }
    return out


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    results = {"min_words_default": MIN_SENTENCE_WORDS}
    neus = ingest(Study.load(ROOT / "corpora" / "neus")).articles
    results["neus"] = {"articles": len(neus), **measure(neus[S.TEXT].tolist())}
    abp = ingest(Study.load(ROOT / "corpora" / "abp")).articles
    pick = np.sort(np.random.default_rng(SEED).choice(len(abp), ABP_SAMPLE, replace=False))
    results["abp_sample"] = {"articles": ABP_SAMPLE, **measure(abp[S.TEXT].iloc[pick].tolist())}
    out = ROOT / "benchmarks" / "results" / "fragments.json"
    write_text(out, json.dumps(results, indent=2) + "\n")
    for name in ("neus", "abp_sample"):
        before, after = results[name]["sentencex_only"], results[name]["repaired"]
        print(
            f"{name}: units {before['units']} -> {after['units']}, lone-initial ends "
            f"{before['lone_initial_end']} -> {after['lone_initial_end']}, fragments "
            f"(< {MIN_SENTENCE_WORDS} words) "
            f"{before['fragments_by_min_words'][str(MIN_SENTENCE_WORDS)]} -> "
            f"{after['fragments_by_min_words'][str(MIN_SENTENCE_WORDS)]}"
        )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
