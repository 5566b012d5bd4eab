"""Gold (human) sentence codes, aligned to the pipeline's sentences.

A gold file codes spans of article text: ``doc_id, char_start, char_end`` plus any of
``pole, own_pole, voice, speaker``. Spans are matched to pipeline sentences by character
overlap, so a gold file stays valid when the sentence splitter changes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.errors import CorpusError, require_columns
from analysis.frames.anchor import anchor_gold
from analysis.io import read_csv_table, write_csv
from analysis.study import Frame, Study

GOLD_CODES = (S.POLE, "own_pole", S.VOICE, S.SPEAKER)
GOLD_PREFIX = "gold_"
NONE = "none"  # the code of a sentence that takes neither pole of a frame
_REQUIRED = (S.DOC_ID, S.CHAR_START, S.CHAR_END)
ANCHOR_REPORT = "gold_anchoring.csv"

log = logging.getLogger(__name__)


def gold_files(study: Study) -> list[Path]:
    """The study's gold file, as a list of raw files (empty when it has none)."""
    return [study.path(study.config.gold)] if study.config.gold else []


def study_gold(study: Study, sentences: pd.DataFrame) -> pd.DataFrame | None:
    """The study's gold codes aligned to its sentences, or None when it has none."""
    if not study.config.gold:
        return None
    path = study.path(study.config.gold)
    gold = load_gold(path)
    if S.POLE in gold.columns:
        known = {p.id for f in study.config.codebook.frames for p in f.poles}
        unknown = gold[S.POLE].notna() & ~gold[S.POLE].isin(known)
        if unknown.any():
            line = int(gold.index[unknown.to_numpy()][0])
            raise CorpusError(
                f"pole {gold[S.POLE][unknown].iloc[0]!r} is not in the codebook",
                path=str(path),
                line=line,
                field=S.POLE,
                hint=f"use one of {sorted(known)}, or leave the field empty",
            )
    anchored = anchor_gold(gold, sentences)
    write_csv(anchored.report, study.build_dir / ANCHOR_REPORT)
    counts = anchored.counts()
    if anchored.gold.empty:
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
    return align_gold(sentences, anchored.gold)


def gold_labels(gold_pole: pd.Series, frame: Frame) -> np.ndarray:
    """Each sentence's gold code on ``frame``: one of its pole ids, or "none"."""
    poles = {p.id for p in frame.poles}
    return np.where(gold_pole.isin(poles), gold_pole.astype(object), NONE).astype(object)


def load_gold(path: Path) -> pd.DataFrame:
    """The gold file's rows (index: each row's line in the file); empty cells are None."""
    gold = read_csv_table(path, "gold file", hint="fix `gold:` in study.yaml, or the file")
    require_columns(
        gold.columns,
        _REQUIRED,
        path,
        f"a gold file needs {list(_REQUIRED)} and any of {list(GOLD_CODES)}",
    )
    gold = gold.map(lambda v: v if v.strip() else None)
    for col in (S.CHAR_START, S.CHAR_END):
        values = gold[col].map(lambda v: v.strip() if isinstance(v, str) else "")
        bad = ~values.str.fullmatch(r"\d+")
        if bad.any():
            raise CorpusError(
                f"not an integer: {values[bad].iloc[0]!r} (offsets count characters)",
                path=str(path),
                line=int(values.index[bad.to_numpy()][0]),
                field=col,
            )
        gold[col] = values.astype("int64")
    return gold


def align_gold(
    sentences: pd.DataFrame, gold: pd.DataFrame, min_overlap: float = 0.5
) -> pd.DataFrame:
    """One row per sentence with ``gold_<code>`` columns from the best-overlapping span.

    A sentence takes a gold span's codes when they share at least ``min_overlap`` of the
    shorter of the two; otherwise its gold columns are missing (not coded, not "none").
    """
    codes = [c for c in GOLD_CODES if c in gold.columns]
    keys = sentences[[S.DOC_ID, S.SENT_ID, S.CHAR_START, S.CHAR_END]]
    spans = gold[[S.DOC_ID, S.CHAR_START, S.CHAR_END, *codes]].rename(
        columns={S.CHAR_START: "g_start", S.CHAR_END: "g_end"}
    )
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
