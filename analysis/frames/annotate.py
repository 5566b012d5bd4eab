"""Human coding: coding sheets out, codes back in.

**Export.** ``export_sample`` draws sentences stratified by outlet and by whether the
codebook axis finds a frame present, so coders see framed sentences from every outlet
rather than a sample dominated by the largest outlet and by unframed text. Fragments
(``sentences.min_words``) are never drawn. ``assign_coders`` gives every coder the
overlap share (``coding.overlap``: the sentences all coders code, for intercoder
agreement) plus an even part of the rest, each sheet in its own random order.

**One column per frame.** A sheet has one row per sentence and one column per codebook
frame, holding one of that frame's pole ids or ``none``. A coder reads each sentence once,
in its context, and codes every frame; a sentence can carry several frames, and each
frame's reliability is computed from its own column. (A sheet per frame would have every
coder read each sentence once per frame.) ``voice`` and ``speaker`` follow. An empty
cell means *not coded*, never ``none``: import lists rows and cells left empty.

**The codebook travels with the sheets**: ``codebook.csv`` (one row per allowed code of
every column, with its description and exemplars) and ``CODEBOOK.md`` (the same, for
reading), so a coder needs nothing else.

**Import.** ``import_sheet`` validates a filled-in sheet against the codebook (every code
must be allowed in its column; errors name the file, line and field) and returns it in
the coding format of :mod:`analysis.frames.gold`. ``merge_codes`` adds it to a gold
file: a second coder's codes are added beside the first's, never over them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.errors import CorpusError
from analysis.frames.gold import (
    LEGACY_POLE,
    SPAN,
    allowed_codes,
    check_code,
    code_fields,
    normalise_code,
    read_csv_strings,
)
from analysis.stats.bootstrap import unit_rng
from analysis.study import Codebook

log = logging.getLogger(__name__)

KEY_COLUMNS = [S.DOC_ID, S.SENT_ID, S.CHAR_START, S.CHAR_END]
CONTEXT_COLUMNS = [S.OUTLET, S.CONTEXT_BEFORE, S.TEXT, S.CONTEXT_AFTER]


def sheet_columns(codebook: Codebook) -> list[str]:
    return [*KEY_COLUMNS, *CONTEXT_COLUMNS, S.CODER, *code_fields(codebook), S.SPEAKER, S.NOTES]


def export_sample(
    sentences: pd.DataFrame,
    frame_scores: pd.DataFrame,
    n: int,
    seed: int,
    exclude: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``n`` sentences, stratified by outlet × (any frame present), in random order.

    Fragments are never drawn. Sentences already coded (``exclude``: rows with doc_id and
    char_start) are skipped, so a second round never asks for the same sentences again.
    """
    if S.VIEW in frame_scores.columns:  # sentences only, not their own/reported units
        frame_scores = frame_scores[frame_scores[S.VIEW] == S.VIEWS[0]]
    present = frame_scores.groupby([S.DOC_ID, S.SENT_ID])[S.PRESENT].any().rename("_framed")
    pool = sentences.join(present, on=[S.DOC_ID, S.SENT_ID])
    pool["_framed"] = pool["_framed"].fillna(False).astype(bool)
    if S.FRAGMENT in pool.columns:
        pool = pool[~pool[S.FRAGMENT].to_numpy(dtype=bool)]
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
    return sample.iloc[order].reset_index(drop=True)[KEY_COLUMNS + CONTEXT_COLUMNS]


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
    ids = list(zip(pool[S.DOC_ID], pool[S.SENT_ID], strict=False))
    before = [text.get((d, i - 1), "") for d, i in ids]
    after = [text.get((d, i + 1), "") for d, i in ids]
    return pool.assign(**{S.CONTEXT_BEFORE: before, S.CONTEXT_AFTER: after})


def assign_coders(
    sample: pd.DataFrame, coders: list[str], overlap: float, seed: int, codebook: Codebook
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """One sheet per coder, and the assignment (which coders got each sentence).

    ``round(overlap × n)`` sentences go to every coder; the rest are dealt out in turn.
    With one coder, every sentence is theirs.
    """
    if not coders or len(set(coders)) != len(coders):
        raise CorpusError("coder names must be given and distinct", field="coders")
    n = len(sample)
    shared = n if len(coders) == 1 else round(overlap * n)
    order = unit_rng(seed, "assign").permutation(n)
    owners: list[list[str]] = [[] for _ in range(n)]
    for rank, row in enumerate(order):
        owners[row] = list(coders) if rank < shared else [coders[(rank - shared) % len(coders)]]
    sheets = {}
    for coder in coders:
        mine = sample[[coder in o for o in owners]]
        mine = mine.iloc[unit_rng(seed, "sheet", coder).permutation(len(mine))]
        sheet = mine.reset_index(drop=True).copy()
        sheet[S.CODER] = coder
        for col in [*code_fields(codebook), S.SPEAKER, S.NOTES]:
            sheet[col] = ""
        sheets[coder] = sheet[sheet_columns(codebook)]
    assignment = sample[KEY_COLUMNS].assign(
        coders=[",".join(o) for o in owners], overlap=[len(o) > 1 for o in owners]
    )
    return sheets, assignment


def codebook_table(codebook: Codebook) -> pd.DataFrame:
    """One row per allowed code of every sheet column, with what it means."""
    rows = []
    for frame in codebook.frames:
        about = f"{frame.label or frame.id}: {frame.description}".strip(": ")
        for pole in frame.poles:
            rows.append(
                {
                    "column": frame.id,
                    "code": pole.id,
                    "label": pole.label or pole.id,
                    "description": pole.description or about,
                    "exemplars": " | ".join(pole.exemplars),
                }
            )
        rows.append(
            {
                "column": frame.id,
                "code": S.NONE_CODE,
                "label": "none",
                "description": f"The sentence does not engage this frame ({about}).",
                "exemplars": "",
            }
        )
    for voice, meaning in VOICE_MEANINGS.items():
        rows.append(
            {
                "column": S.VOICE,
                "code": voice,
                "label": voice,
                "description": meaning,
                "exemplars": "",
            }
        )
    return pd.DataFrame(rows, columns=["column", "code", "label", "description", "exemplars"])


VOICE_MEANINGS = {
    "authorial": "The outlet's own words, no quotation.",
    "quoted": "A direct quotation or attributed indirect speech is the sentence's main content.",
    "scare_quoted": "The outlet's own sentence with a short quoted fragment (one to four words) "
    "it does not adopt, e.g. the so-called 'liberation'.",
}


def codebook_markdown(codebook: Codebook, study: str) -> str:
    """The coding instructions: what each column means and the codes allowed in it."""
    lines = [
        f"# Coding sheet instructions: study `{study}`",
        "",
        "Each row is one sentence, shown with the sentences before and after it. Code it on",
        "every frame column and on `voice`:",
        "",
        "- write exactly one code per cell, from the lists below (case does not matter);",
        "- write `none` when the sentence does not engage the frame: **an empty cell means",
        "  'not coded'**, and import lists every empty cell;",
        "- do not edit `doc_id`, `sent_id`, `char_start`, `char_end` or `coder`;",
        "- `speaker`: who is quoted, as named in the text (optional); `notes`: anything else.",
        "",
    ]
    table = codebook_table(codebook)
    for frame in codebook.frames:
        lines += [f"## Column `{frame.id}`: {frame.label or frame.id}", ""]
        if frame.description:
            lines += [frame.description, ""]
        for row in table[table["column"] == frame.id].itertuples(index=False):
            lines.append(f"- `{row.code}`: {row.label}. {row.description}")
            for ex in [e for e in row.exemplars.split(" | ") if e]:
                lines.append(f"    - e.g. “{ex}”")
        lines.append("")
    lines += ["## Column `voice`", ""]
    lines += [f"- `{v}`: {m}" for v, m in VOICE_MEANINGS.items()]
    return "\n".join(lines) + "\n"


def manifest(
    study: str, seed: int, overlap: float, coders: list[str], assignment: pd.DataFrame
) -> str:
    return json.dumps(
        {
            "study": study,
            "seed": seed,
            "overlap": overlap,
            "coders": coders,
            "sentences": len(assignment),
            "coded_by_all": int(assignment["overlap"].sum()),
        },
        indent=2,
    )


@dataclass
class ImportResult:
    codes: pd.DataFrame  # coding format: span, coder, one column per field, speaker
    uncoded: list[int] = field(default_factory=list)  # lines with no code at all
    incomplete: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, empty fields)
    ignored_columns: list[str] = field(default_factory=list)


def import_sheet(path: Path, codebook: Codebook) -> ImportResult:
    """Read a filled-in coding sheet; validate every code; return it in the coding format."""
    df = read_csv_strings(path, "coding sheet")
    fields = code_fields(codebook)
    if LEGACY_POLE in df.columns and not any(f in df.columns for f in fields[:-1]):
        raise CorpusError(
            "this sheet has a single `pole` column (the old one-frame export)",
            path=str(path),
            field=LEGACY_POLE,
            hint="export new sheets with `framing annotate export` (one column per frame)",
        )
    missing = [c for c in [*SPAN, S.CODER] if c not in df.columns]
    present = [f for f in fields if f in df.columns]
    if missing or not present:
        first = missing[0] if missing else fields[0]
        raise CorpusError(
            f"missing column(s) {missing or fields}",
            path=str(path),
            field=first,
            hint="import the sheet `framing annotate export` wrote, with its columns intact",
        )
    known = set(sheet_columns(codebook))
    ignored = [c for c in df.columns if c not in known]
    allowed = allowed_codes(codebook)
    rows, uncoded, incomplete = [], [], []
    for i, row in df.iterrows():
        line = int(i)
        codes = {f: normalise_code(row[f]) if f in present else None for f in fields}
        if all(v is None for v in codes.values()):
            uncoded.append(line)
            continue
        empty = [f for f in present if codes[f] is None]
        if empty:
            incomplete.append((line, empty))
        for fld, value in codes.items():
            if value is not None:
                check_code(value, fld, allowed, path, line)
        coder = row[S.CODER].strip()
        if not coder:
            raise CorpusError(
                "coded row without a coder",
                path=str(path),
                line=line,
                field=S.CODER,
                hint="every sheet row carries its coder's name; restore it",
            )
        for col in (S.CHAR_START, S.CHAR_END):
            if not row[col].strip().isdigit():
                raise CorpusError("not an integer", path=str(path), line=line, field=col)
        speaker = row.get(S.SPEAKER, "").strip() or None
        rows.append(
            {
                S.DOC_ID: row[S.DOC_ID],
                S.CHAR_START: int(row[S.CHAR_START]),
                S.CHAR_END: int(row[S.CHAR_END]),
                S.CODER: coder,
                **codes,
                S.SPEAKER: speaker,
                # kept so the span can be checked against the article (frames/anchor.py)
                S.TEXT: row.get(S.TEXT) or None,
            }
        )
    codes_df = pd.DataFrame(rows, columns=[*SPAN, S.CODER, *fields, S.SPEAKER, S.TEXT])
    dupes = codes_df.duplicated([*SPAN, S.CODER], keep=False)
    if dupes.any():
        first = codes_df[dupes].iloc[0]
        raise CorpusError(
            f"sentence coded twice by {first[S.CODER]!r} (doc_id {first[S.DOC_ID]!r}, "
            f"char_start {first[S.CHAR_START]})",
            path=str(path),
            hint="keep one row per sentence",
        )
    if ignored:
        log.warning("%s: column(s) %s are not part of the sheet and were ignored", path, ignored)
    return ImportResult(codes_df, uncoded, incomplete, ignored)


def merge_codes(
    existing: pd.DataFrame | None, new: pd.DataFrame, fields: list[str]
) -> pd.DataFrame:
    """Add a coder's codes to a gold file. Other coders' codes are kept beside them; the
    same coder re-importing the same codes changes nothing; a coder's existing code is
    never changed (cells they left empty may be filled)."""
    if existing is None or existing.empty:
        return new.reset_index(drop=True)
    key = [*SPAN, S.CODER]
    both = existing.merge(new, on=key, suffixes=("_old", "_new"))
    for col in fields:
        old, fresh = both[f"{col}_old"], both[f"{col}_new"]
        clash = both[old.notna() & fresh.notna() & (old != fresh)]
        if len(clash):
            c = clash.iloc[0]
            raise CorpusError(
                f"coder {c[S.CODER]!r} already coded sentence (doc_id {c[S.DOC_ID]!r}, "
                f"char_start {c[S.CHAR_START]}) {col}={c[f'{col}_old']!r}; the new sheet says "
                f"{c[f'{col}_new']!r}",
                field=col,
                hint="codes are never overwritten: change it in the gold file by hand if the "
                "coder revised it, or record a decision in the adjudication file",
            )
    merged = existing.set_index(key).astype(object)
    incoming = new.set_index(key).astype(object)
    merged.update(incoming, overwrite=False)  # fills only cells left empty; keeps row order
    fresh = incoming[~incoming.index.isin(merged.index)]
    out = pd.concat([merged, fresh]).reset_index()
    order = [*[c for c in existing.columns], *[c for c in out.columns if c not in existing]]
    return out[order]
