"""The annotation round trip: a stratified sample out for human coding, codes back in.

``export_sample`` draws sentences stratified by outlet and by whether the codebook axis
finds a frame present, so coders see framed sentences from every outlet rather than a
sample dominated by the largest outlet and by unframed text. The file carries the
sentence, its neighbours for context, and empty code columns.

``import_codes`` validates a filled-in file against the codebook (every code must be a
pole id, ``none`` or empty; voices must be known) and returns it in the gold format the
pipeline reads (doc_id, char_start, char_end, pole, own_pole, voice, speaker, coder).
Rows nobody coded are listed, not silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.errors import CorpusError, require_columns
from analysis.io import read_csv_table
from analysis.stats.bootstrap import unit_rng
from analysis.study import Codebook

CODE_COLUMNS = ["pole", "own_pole", "voice", "speaker", "coder", "notes"]
KEY_COLUMNS = [S.DOC_ID, S.SENT_ID, S.CHAR_START, S.CHAR_END]
CONTEXT_COLUMNS = [S.OUTLET, "context_before", S.TEXT, "context_after"]
NONE_CODES = {"", "none", "None", "NONE", "-"}


def export_sample(
    sentences: pd.DataFrame,
    frame_scores: pd.DataFrame,
    n: int,
    seed: int,
    exclude: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``n`` sentences, stratified by outlet × (any frame present), in random order.

    Sentences already coded (``exclude``: rows with doc_id and char_start) are skipped, so
    a second round never asks coders for the same sentences again.
    """
    present = frame_scores.groupby([S.DOC_ID, S.SENT_ID])[S.PRESENT].any().rename("_framed")
    pool = sentences.join(present, on=[S.DOC_ID, S.SENT_ID])
    if exclude is not None and len(exclude):
        done = set(
            zip(exclude[S.DOC_ID].astype(str), exclude[S.CHAR_START].astype(int), strict=False)
        )
        keep = [
            (d, c) not in done for d, c in zip(pool[S.DOC_ID], pool[S.CHAR_START], strict=False)
        ]
        pool = pool[np.array(keep, dtype=bool)]
    pool = _with_context(pool, sentences)
    strata = list(pool.groupby([S.OUTLET, "_framed"], sort=True))
    quota = _allocate(n, [len(g) for _, g in strata])
    picks = []
    for ((outlet, framed), group), k in zip(strata, quota, strict=True):
        rng = unit_rng(seed, "annotate", str(outlet), str(framed))
        picks.append(group.iloc[np.sort(rng.choice(len(group), size=k, replace=False))])
    sample = pd.concat(picks) if picks else pool.iloc[:0]
    order = unit_rng(seed, "annotate-order").permutation(len(sample))
    sample = sample.iloc[order].reset_index(drop=True)
    for col in CODE_COLUMNS:
        sample[col] = ""
    return sample[KEY_COLUMNS + CONTEXT_COLUMNS + CODE_COLUMNS]


def _allocate(n: int, sizes: list[int]) -> list[int]:
    """Split ``n`` as evenly as possible across strata, never beyond a stratum's size."""
    quota = [0] * len(sizes)
    left = min(n, sum(sizes))
    while left > 0:
        open_ = [i for i, s in enumerate(sizes) if quota[i] < s]
        share = max(1, left // len(open_))
        for i in open_:
            take = min(share, sizes[i] - quota[i], left)
            quota[i] += take
            left -= take
            if left == 0:
                break
    return quota


def _with_context(pool: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    text = sentences.set_index([S.DOC_ID, S.SENT_ID])[S.TEXT]
    before = [
        text.get((d, i - 1), "") for d, i in zip(pool[S.DOC_ID], pool[S.SENT_ID], strict=False)
    ]
    after = [
        text.get((d, i + 1), "") for d, i in zip(pool[S.DOC_ID], pool[S.SENT_ID], strict=False)
    ]
    return pool.assign(context_before=before, context_after=after)


@dataclass
class ImportResult:
    codes: pd.DataFrame  # gold format
    uncoded: list[int] = field(default_factory=list)  # file lines with no code at all


def import_codes(path: Path, codebook: Codebook) -> ImportResult:
    """Read a coded sample; validate every code; return it in the gold format."""
    df = read_csv_table(path, "coded file")
    require_columns(
        df.columns,
        [S.DOC_ID, S.CHAR_START, S.CHAR_END, "pole", "voice"],
        path,
        "import the file `framing annotate export` wrote, with its columns intact",
    )
    poles = {p.id for f in codebook.frames for p in f.poles}
    voices = set(S.VOICES)
    rows, uncoded = [], []
    for i, row in df.iterrows():
        line = int(i)  # the row's line in the file
        pole, voice = row["pole"].strip(), row["voice"].strip()
        own = row.get("own_pole", "").strip()
        if not pole and not voice and not own:
            uncoded.append(line)
            continue
        for fld, value in (("pole", pole), ("own_pole", own)):
            if value not in NONE_CODES and value not in poles:
                raise CorpusError(
                    f"{value!r} is not a pole of the codebook",
                    path=str(path),
                    line=line,
                    field=fld,
                    hint=f"use one of {sorted(poles)}, or `none`",
                )
        if voice not in voices:
            raise CorpusError(
                f"voice {voice!r} is not one of {sorted(voices)}",
                path=str(path),
                line=line,
                field="voice",
                hint="every coded sentence needs a voice",
            )
        for fld in (S.CHAR_START, S.CHAR_END):
            if not row[fld].strip().isdigit():
                raise CorpusError("not an integer", path=str(path), line=line, field=fld)
        rows.append(
            {
                S.DOC_ID: row[S.DOC_ID],
                S.CHAR_START: int(row[S.CHAR_START]),
                S.CHAR_END: int(row[S.CHAR_END]),
                "pole": None if pole in NONE_CODES else pole,
                "own_pole": None if own in NONE_CODES else own,
                "voice": voice,
                "speaker": row.get("speaker", "").strip() or None,
                "coder": row.get("coder", "").strip() or None,
                # kept so the span can be checked against the article (analysis/frames/anchor.py)
                S.TEXT: row.get(S.TEXT) or None,
            }
        )
    codes = pd.DataFrame(
        rows,
        columns=[
            S.DOC_ID,
            S.CHAR_START,
            S.CHAR_END,
            "pole",
            "own_pole",
            "voice",
            "speaker",
            "coder",
            S.TEXT,
        ],
    )
    dupes = codes.duplicated([S.DOC_ID, S.CHAR_START], keep=False)
    if dupes.any():
        first = codes[dupes].iloc[0]
        raise CorpusError(
            f"sentence coded twice (doc_id {first[S.DOC_ID]!r}, char_start {first[S.CHAR_START]})",
            path=str(path),
            hint="keep one row per sentence",
        )
    return ImportResult(codes, uncoded)


def merge_codes(existing: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Add new codes to an existing gold file; a sentence coded differently is an error."""
    if existing is None or existing.empty:
        return new.reset_index(drop=True)
    key = [S.DOC_ID, S.CHAR_START]
    both = existing.merge(new, on=key, suffixes=("_old", "_new"))
    for col in ("pole", "voice"):
        old, fresh = both[f"{col}_old"].fillna(""), both[f"{col}_new"].fillna("")
        clash = both[old != fresh]
        if len(clash):
            c = clash.iloc[0]
            raise CorpusError(
                f"sentence (doc_id {c[S.DOC_ID]!r}, char_start {c[S.CHAR_START]}) is already "
                f"coded {col}={c[f'{col}_old']!r}, the new file says {c[f'{col}_new']!r}",
                field=col,
                hint="resolve the disagreement in one of the files, then import again",
            )
    fresh = new.merge(existing[key], on=key, how="left", indicator=True)
    fresh = fresh[fresh["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([existing, fresh], ignore_index=True)
