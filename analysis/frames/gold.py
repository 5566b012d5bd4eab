"""Gold (human) codes: what each coder said, where coders disagree, how that was
adjudicated, and the resolved codes the pipeline validates against.

A gold file (``gold:`` in study.yaml names one or several) codes spans of article text,
one row per span and coder:

- **coding format** (what ``framing annotate import`` writes): ``doc_id, char_start,
  char_end, coder``, then one column per codebook frame, named by the frame's id, holding
  one of that frame's pole ids or ``none``; an empty cell means *not coded* (never
  "none"). Then ``voice`` and ``speaker``.
- **single-pole format** (the demo's ``gold_sentences.csv``): a ``pole`` column holding at
  most one pole of the whole codebook. A row with a pole or a voice is coded on every
  frame: the frame of its pole gets the pole, every other frame ``none``.

Coders' codes are never overwritten. Where coders of a span disagree on a field (a frame
or the voice), the span's resolved code for that field comes from the adjudication file
(``coding.adjudication``: ``doc_id, char_start, char_end, field, code, note``); until
then it is left out of validation and listed in the disagreements table.

Spans are matched to pipeline sentences by character overlap, so gold stays valid when
the sentence splitter changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.errors import CorpusError
from analysis.frames.anchor import anchor_gold
from analysis.io import read_csv_table, write_csv
from analysis.study import Codebook, Frame, Study

GOLD_PREFIX = "gold_"
SPAN = [S.DOC_ID, S.CHAR_START, S.CHAR_END]
FIELD, CODE, NOTE = "field", "code", "note"
ADJUDICATION_COLUMNS = [*SPAN, FIELD, CODE, NOTE]
LEGACY_POLE = "pole"
ANCHOR_REPORT = "gold_anchoring.csv"

log = logging.getLogger(__name__)


def code_fields(codebook: Codebook) -> list[str]:
    """The fields a coder codes: every frame (by id), then the voice."""
    return [f.id for f in codebook.frames] + [S.VOICE]


def allowed_codes(codebook: Codebook) -> dict[str, list[str]]:
    """Field -> the codes allowed in it (an empty cell, "not coded", is always allowed)."""
    out = {f.id: [p.id for p in f.poles] + [S.NONE_CODE] for f in codebook.frames}
    out[S.VOICE] = list(S.VOICES)
    return out


def normalise_code(value: object) -> str | None:
    """A cell as a code: trimmed and lower-cased (spreadsheets capitalise first letters);
    None when empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().lower()
    return text or None


def check_code(value: str, fld: str, allowed: dict[str, list[str]], path: Path, line: int) -> None:
    if value not in allowed[fld]:
        what = "voice" if fld == S.VOICE else f"code of frame {fld!r}"
        raise CorpusError(
            f"{value!r} is not a {what}",
            path=str(path),
            line=line,
            field=fld,
            hint=f"use one of {allowed[fld]}, or leave the cell empty if it was not coded",
        )


def read_csv_strings(path: Path, what: str) -> pd.DataFrame:
    """A small CSV a person wrote, every cell as text, indexed by each row's line in the
    file (:func:`analysis.io.read_csv_table`), so errors name the line."""
    return read_csv_table(path, what, hint="check the path in study.yaml, or the file")


def first_line(mask: pd.Series) -> int:
    """The file line of the first flagged row (frames read by ``read_csv_strings`` are
    indexed by line)."""
    return int(mask.index[mask.to_numpy()][0])


def _offsets(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    for col in (S.CHAR_START, S.CHAR_END):
        values = df[col].str.strip()
        bad = ~values.str.fullmatch(r"\d+")
        if bad.any():
            line = first_line(bad)
            raise CorpusError(
                "not an integer",
                path=str(path),
                line=line,
                field=col,
                hint="character offsets come from the exported sheet; do not edit them",
            )
        df[col] = values.astype("int64")
    return df


def load_gold(path: Path, codebook: Codebook) -> pd.DataFrame:
    """A gold file in the coding format (one row per span and coder), validated.

    Errors name the file, the line and the field. Rows without a coder get the file's
    name as coder (a gold file without a coder column is one coder's work).
    """
    raw = read_csv_strings(path, "gold file")
    missing = [c for c in SPAN if c not in raw.columns]
    if missing:
        raise CorpusError(
            f"missing column(s) {missing}",
            path=str(path),
            field=missing[0],
            hint=f"a gold file needs {SPAN}, a coder column, and a column per frame "
            f"({[f.id for f in codebook.frames]}) or a single `pole` column",
        )
    raw = _offsets(raw, path)
    fields = code_fields(codebook)
    allowed = allowed_codes(codebook)
    legacy = LEGACY_POLE in raw.columns and not any(f.id in raw.columns for f in codebook.frames)
    out = raw[SPAN].copy()
    coder = raw[S.CODER].str.strip() if S.CODER in raw.columns else pd.Series("", index=raw.index)
    out[S.CODER] = coder.where(coder != "", path.stem)
    for fld in fields:
        out[fld] = None
    if legacy:
        _from_single_pole(raw, out, codebook, path)
    else:
        for fld in fields:
            if fld in raw.columns:
                out[fld] = raw[fld].map(normalise_code)
    for fld in fields:
        for i, value in out[fld].items():
            if pd.notna(value):
                check_code(value, fld, allowed, path, int(i))
    out[S.SPEAKER] = (
        raw[S.SPEAKER].str.strip().replace("", None) if S.SPEAKER in raw.columns else None
    )
    if S.TEXT in raw.columns:  # the coded words: lets the span be checked (frames/anchor.py)
        out[S.TEXT] = raw[S.TEXT].replace("", None)
    dupes = out.duplicated([*SPAN, S.CODER], keep="first")
    if dupes.any():
        line = first_line(dupes)
        raise CorpusError(
            f"span coded twice by coder {out.loc[dupes, S.CODER].iloc[0]!r}",
            path=str(path),
            line=line,
            hint="keep one row per span and coder",
        )
    return out.astype({f: object for f in fields})


def _from_single_pole(raw: pd.DataFrame, out: pd.DataFrame, codebook: Codebook, path: Path):
    """Single-pole rows to one column per frame: the pole's frame gets it, others none."""
    pole_of = {p.id: f.id for f in codebook.frames for p in f.poles}
    pole = raw[LEGACY_POLE].map(normalise_code)
    voice = raw[S.VOICE].map(normalise_code) if S.VOICE in raw.columns else pd.Series(None)
    for i, value in pole.items():
        if pd.notna(value) and value not in pole_of:
            raise CorpusError(
                f"pole {value!r} is not in the codebook",
                path=str(path),
                line=int(i),
                field=LEGACY_POLE,
                hint=f"use one of {sorted(pole_of)}, or leave the field empty",
            )
    coded = pole.notna() | voice.reindex(raw.index).notna()
    for frame in codebook.frames:
        mine = pole.map(lambda p, f=frame.id: p if pd.notna(p) and pole_of[p] == f else None)
        out[frame.id] = np.where(coded, mine.fillna(S.NONE_CODE), None)
    out[S.VOICE] = voice.reindex(raw.index)


def load_gold_files(study: Study) -> pd.DataFrame | None:
    """Every gold file of the study, concatenated; None when the study has none."""
    files = study.config.gold_files
    if not files:
        return None
    codebook = study.config.codebook
    return pd.concat([load_gold(study.path(f), codebook) for f in files], ignore_index=True)


def load_adjudication(path: Path, codebook: Codebook) -> pd.DataFrame:
    """Adjudicated codes, one row per span and field; an empty code is not yet decided."""
    raw = read_csv_strings(path, "adjudication file")
    missing = [c for c in [*SPAN, FIELD, CODE] if c not in raw.columns]
    if missing:
        raise CorpusError(
            f"missing column(s) {missing}",
            path=str(path),
            field=missing[0],
            hint=f"an adjudication file has the columns {ADJUDICATION_COLUMNS}; start from "
            "build/<study>/disagreements.csv",
        )
    raw = _offsets(raw, path)
    allowed = allowed_codes(codebook)
    rows = []
    for i, row in raw.iterrows():
        line = int(i)
        fld = row[FIELD].strip()
        if fld not in allowed:
            raise CorpusError(
                f"{fld!r} is not a coded field",
                path=str(path),
                line=line,
                field=FIELD,
                hint=f"use a frame id or voice: {list(allowed)}",
            )
        code = normalise_code(row[CODE])
        if code is not None:
            check_code(code, fld, allowed, path, line)
        rows.append({**{c: row[c] for c in SPAN}, FIELD: fld, CODE: code, NOTE: row.get(NOTE, "")})
    out = pd.DataFrame(rows, columns=ADJUDICATION_COLUMNS, index=raw.index)
    dupes = out.duplicated([*SPAN, FIELD])
    if dupes.any():
        line = first_line(dupes)
        raise CorpusError(
            "span and field adjudicated twice",
            path=str(path),
            line=line,
            field=FIELD,
            hint="keep one decision per span and field",
        )
    return out


def adjudication_for(study: Study) -> pd.DataFrame | None:
    path = study.path(study.config.coding.adjudication)
    return load_adjudication(path, study.config.codebook) if path.exists() else None


@dataclass
class Resolved:
    codes: pd.DataFrame  # one row per span: a resolved code per field (None: not settled)
    disagreements: pd.DataFrame  # one row per span and field where coders differ


DISAGREEMENT_COLUMNS = [*SPAN, FIELD, "codes", "n_coders", CODE, "status"]


def resolve(
    codes: pd.DataFrame, codebook: Codebook, adjudication: pd.DataFrame | None = None
) -> Resolved:
    """One code per span and field: the coders' common code, else the adjudicated one.

    Spans whose coders disagree and that no adjudication settles get no code for that
    field (they are left out of validation) and are listed as unresolved.
    """
    fields = code_fields(codebook)
    key = [*SPAN, FIELD]
    long = codes.melt(
        id_vars=[*SPAN, S.CODER], value_vars=fields, var_name=FIELD, value_name=CODE
    ).dropna(subset=[CODE])
    by_key = long.groupby(key, sort=True)
    n_distinct = by_key[CODE].nunique()
    chosen = by_key[CODE].first()[n_distinct == 1]
    differ = long.set_index(key).loc[n_distinct.index[n_distinct > 1]].reset_index()
    differ["_pair"] = differ[S.CODER].astype(str) + "=" + differ[CODE].astype(str)
    listed = differ.groupby(key, sort=True).agg(
        codes=("_pair", "; ".join), n_coders=(S.CODER, "size")
    )
    decided = pd.Series(None, index=listed.index, dtype=object)
    if adjudication is not None and len(adjudication):
        adj = adjudication.assign(**{CODE: adjudication[CODE].map(normalise_code)})
        adj = adj.astype({S.CHAR_START: "int64", S.CHAR_END: "int64"}).set_index(key)[CODE]
        decided = adj.reindex(listed.index).astype(object)
        decided = decided.where(decided.notna(), None)
    listed[CODE] = decided
    listed["status"] = np.where(decided.notna(), "adjudicated", "unresolved")
    settled = pd.concat([chosen, decided.dropna()])
    wide = settled.unstack(FIELD) if len(settled) else pd.DataFrame(index=settled.index)
    spans = codes.groupby(SPAN, sort=True)
    resolved = (
        wide.reindex(spans.size().index)
        .reindex(columns=fields)
        .astype(object)
        .assign(
            **{
                S.SPEAKER: spans[S.SPEAKER].first() if S.SPEAKER in codes else None,
                S.CODER: spans[S.CODER].agg(lambda c: ", ".join(sorted(set(c)))),
            }
        )
        .reset_index()
    )
    resolved = resolved.rename_axis(columns=None)
    resolved = resolved.where(resolved.notna(), None)
    disagreements = listed.reset_index()[DISAGREEMENT_COLUMNS]
    return Resolved(resolved[[*SPAN, *fields, S.SPEAKER, S.CODER]], disagreements)


def gold_files(study: Study) -> list[Path]:
    """Raw inputs of every stage that reads gold codes: the gold files and adjudication."""
    files = [study.path(f) for f in study.config.gold_files]
    return [*files, study.path(study.config.coding.adjudication)] if files else []


def study_gold(study: Study, sentences: pd.DataFrame) -> pd.DataFrame | None:
    """The study's resolved gold codes aligned to ``sentences``, or None without gold.

    Where coders disagree and no adjudication settles it, the field is left uncoded.
    """
    codes = load_gold_files(study)
    if codes is None:
        return None
    files = [study.path(f) for f in study.config.gold_files]
    parts, reports = [], []
    for path in files:
        gold = load_gold(path, study.config.codebook)
        anchored = anchor_gold(gold, sentences)
        reports.append(anchored.report.assign(file=path.name))
        counts = anchored.counts()
        if anchored.gold.empty:
            write_csv(pd.concat(reports, ignore_index=True), study.build_dir / ANCHOR_REPORT)
            raise CorpusError(
                f"none of the {len(gold)} gold rows matches an article ({counts})",
                path=str(path),
                hint=f"see {study.build_dir / ANCHOR_REPORT} for each row's reason; check that "
                "the gold file codes this study's corpus",
            )
        if counts.get("moved") or counts.get("rejected"):
            log.warning(
                "gold %s: %d spans verified, %d moved to where their text now is, %d rejected, "
                "%d without text to check (each row's outcome: %s)",
                path.name,
                counts.get("verified", 0),
                counts.get("moved", 0),
                counts.get("rejected", 0),
                counts.get("unchecked", 0),
                study.build_dir / ANCHOR_REPORT,
            )
        parts.append(anchored.gold)
    write_csv(pd.concat(reports, ignore_index=True), study.build_dir / ANCHOR_REPORT)
    codes = pd.concat(parts, ignore_index=True).drop(columns=[S.TEXT], errors="ignore")
    resolved = resolve(codes, study.config.codebook, adjudication_for(study))
    return align_gold(sentences, resolved.codes)


def align_gold(
    sentences: pd.DataFrame, gold: pd.DataFrame, min_overlap: float = 0.5
) -> pd.DataFrame:
    """One row per sentence with ``gold_<field>`` columns from the best-overlapping span.

    A sentence takes a gold span's codes when they share at least ``min_overlap`` of the
    shorter of the two; otherwise its gold columns are missing (not coded, not "none").
    """
    codes = [c for c in gold.columns if c not in SPAN and c != S.CODER]
    keys = sentences[[S.DOC_ID, S.SENT_ID, S.CHAR_START, S.CHAR_END]]
    spans = gold[[*SPAN, *codes]].rename(columns={S.CHAR_START: "g_start", S.CHAR_END: "g_end"})
    pairs = keys.merge(spans, on=S.DOC_ID, how="inner")
    overlap = (
        pairs[[S.CHAR_END, "g_end"]].min(axis=1) - pairs[[S.CHAR_START, "g_start"]].max(axis=1)
    ).clip(lower=0)
    shorter = pd.concat(
        [pairs[S.CHAR_END] - pairs[S.CHAR_START], pairs["g_end"] - pairs["g_start"]], axis=1
    ).min(axis=1)
    pairs = pairs.assign(_share=overlap / shorter.clip(lower=1))
    best = (
        pairs[pairs["_share"] >= min_overlap]
        .sort_values([S.DOC_ID, S.SENT_ID, "_share"], ascending=[True, True, False])
        .drop_duplicates([S.DOC_ID, S.SENT_ID])
    )
    out = keys[[S.DOC_ID, S.SENT_ID]].merge(
        best[[S.DOC_ID, S.SENT_ID, *codes]], on=[S.DOC_ID, S.SENT_ID], how="left"
    )
    return out.rename(columns={c: GOLD_PREFIX + c for c in codes})


def frame_gold(aligned: pd.DataFrame, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    """(codes, coded): each sentence's resolved code on ``frame`` (a pole id or "none";
    "none" also where not coded) and whether it was coded at all."""
    column = aligned.get(GOLD_PREFIX + frame.id)
    if column is None:
        return np.full(len(aligned), S.NONE_CODE, dtype=object), np.zeros(len(aligned), bool)
    coded = column.notna().to_numpy()
    return np.where(coded, column.astype(object), S.NONE_CODE).astype(object), coded
