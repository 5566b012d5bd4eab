"""Choose the articles of the voice development set (see GUIDE.md, "How articles were chosen").

Reads ``../shared/data`` (never copies its text) and prints the chosen articles as CSV:
id, source, locator, url_sha256, text_sha256, stage. Stage 1 is a seeded random sample of
articles with double quotation marks; stage 2 (top-up) walks further down the same
seeded order and takes the first articles matching a pattern's search expression, for
patterns that stage 1 left with fewer than three instances.

Usage:  python corpora/dev_voice/select.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 1212  # issue 12
N_ABP, N_NEUS = 25, 20
ABP_MAX_CHARS = 6000  # one annotator reads every article whole; the ABP median is 5,164
DOUBLE_QUOTES = re.compile('["“”]')
# Stage 2: patterns stage 1 covered fewer than three times, with the expression used to
# find further articles (applied in the same seeded order, skipping stage 1's articles).
TOP_UP: dict[str, str] = {
    # a paragraph opening a quotation that it does not close, followed by a paragraph
    # that opens with a quotation mark again (news style's multi-paragraph quotation)
    "multi_paragraph_quote": r'(?m)^“[^”\n]*\n+“|^"[^"\n]*\n+"',
}
TOP_UP_PER_PATTERN = 2


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def abp_rows(data: Path) -> pd.DataFrame:
    df = pd.read_parquet(data / "abp" / "articles_train_sample.parquet")
    return df[["ID", "url", "content_original"]].rename(columns={"content_original": "text"})


def neus_text(article: dict) -> str:
    """A NeuS side's text as the neus study ingests it: paragraphs joined by a blank line."""
    return "\n\n".join(article["newBody"])


def neus_rows(data: Path) -> pd.DataFrame:
    rows = []
    with open(data / "neus" / "stories.jsonl", encoding="utf-8") as fh:
        for line in fh:
            story = json.loads(line)
            for side in sorted(story["news"]):
                art = story["news"][side]
                rows.append(
                    {
                        "ID": f"{story['id']}:{side}",
                        "url": art.get("newsLink") or "",
                        "text": neus_text(art),
                    }
                )
    return pd.DataFrame(rows)


def seeded_order(n: int, salt: int) -> np.ndarray:
    return np.random.default_rng([SEED, salt]).permutation(n)


def select(data: Path) -> list[dict]:
    out = []
    abp = abp_rows(data)
    eligible = abp[
        (abp["text"].str.count(DOUBLE_QUOTES) >= 2) & (abp["text"].str.len() <= ABP_MAX_CHARS)
    ].reset_index(drop=True)
    order = seeded_order(len(eligible), 1)
    taken = set()
    for i in order[:N_ABP]:
        row = eligible.iloc[i]
        taken.add(row["ID"])
        out.append(_record("abp", row, "random"))
    for pattern, expr in TOP_UP.items():
        found = 0
        for i in order[N_ABP:]:
            row = eligible.iloc[i]
            if row["ID"] in taken or not re.search(expr, row["text"]):
                continue
            taken.add(row["ID"])
            out.append(_record("abp", row, f"top_up:{pattern}"))
            found += 1
            if found == TOP_UP_PER_PATTERN:
                break
    neus = neus_rows(data)
    eligible = neus[neus["text"].str.count(DOUBLE_QUOTES) >= 2].reset_index(drop=True)
    for i in seeded_order(len(eligible), 2)[:N_NEUS]:
        out.append(_record("neus", eligible.iloc[i], "random"))
    return out


def _record(source: str, row: pd.Series, stage: str) -> dict:
    return {
        "doc_id": f"{source}:{row['ID']}",
        "source": source,
        "url_sha256": sha256(row["url"])[:16],
        "text_sha256": sha256(row["text"]),
        "n_chars": len(row["text"]),
        "stage": stage,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parents[2].parent / "shared" / "data")
    args = ap.parse_args(argv)
    records = select(args.data)
    writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
