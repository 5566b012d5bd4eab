"""The study's selection of records (``filter:`` in study.yaml).

A filter is not a rejection: the record is fine, the study just does not analyse it. So
filtered records get their own list (``build/<study>/filtered.csv``, same columns as
``rejects.csv``), with the filter that removed each one and why, and ``records read =
kept + rejected + filtered`` is checked on every run.

Filters apply after dates are parsed and languages detected (they filter on both), and
before duplicates are marked (a copy's original must be among the analysed records).
Each record is listed once, under the first filter it fails, in the order outlet,
language, date, text.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.corpus.report import filtered
from analysis.errors import StudyConfigError
from analysis.study import FilterConfig


def text_matcher(cfg: FilterConfig) -> re.Pattern | None:
    """One case-insensitive pattern: any keyword as a whole word, or any pattern."""
    parts = [rf"(?<!\w){re.escape(k.strip())}(?!\w)" for k in cfg.keywords if k.strip()]
    parts += [f"(?:{p})" for p in cfg.patterns]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def apply_filters(
    df: pd.DataFrame, cfg: FilterConfig, study_file: str = "study.yaml"
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The records passing every filter, and one filtered-list row for each other one."""
    if not cfg.active or not len(df):
        return df, []
    _check_outlets(df, cfg, study_file)
    reason = pd.Series(None, index=df.index, dtype=object)
    code = pd.Series(None, index=df.index, dtype=object)

    def mark(mask: np.ndarray, what: str, why: pd.Series | str) -> None:
        fresh = mask & reason.isna().to_numpy()
        code[fresh] = what
        reason[fresh] = why[fresh] if isinstance(why, pd.Series) else why

    outlet = df[S.OUTLET]
    if cfg.outlets is not None:
        mark(
            ~outlet.isin(cfg.outlets).to_numpy(),
            "outlet",
            "outlet " + outlet.map(repr) + " is not among filter.outlets",
        )
    if cfg.exclude_outlets:
        mark(
            outlet.isin(cfg.exclude_outlets).to_numpy(),
            "outlet",
            "outlet " + outlet.map(repr) + " is in filter.exclude_outlets",
        )
    if cfg.languages is not None:
        keep = {c.lower() for c in cfg.languages}
        lang = df[S.LANGUAGE] if S.LANGUAGE in df.columns else pd.Series(None, index=df.index)
        out = ~lang.map(lambda v: isinstance(v, str) and v.lower() in keep).to_numpy(dtype=bool)
        shown = lang.map(lambda v: repr(v) if isinstance(v, str) else "undetermined")
        mark(
            out, "language", "language " + shown + f" is not among filter.languages {sorted(keep)}"
        )
    if cfg.date_from is not None or cfg.date_to is not None:
        _filter_dates(df, cfg, mark)
    matcher = text_matcher(cfg)
    if matcher is not None:
        fields = [f for f in cfg.search_in if f in df.columns]
        hay = df[fields].fillna("").astype(str).agg("\n".join, axis=1) if fields else ""
        hit = pd.Series(hay, index=df.index).map(lambda t: matcher.search(t) is not None)
        mark(
            ~hit.to_numpy(dtype=bool),
            "text",
            f"no filter.keywords or filter.patterns match in {'/'.join(cfg.search_in)}",
        )
    out = reason.notna().to_numpy()
    rows = [
        filtered(
            str(df.at[i, S.SOURCE_FILE]),
            None if pd.isna(df.at[i, S.SOURCE_ROW]) else int(df.at[i, S.SOURCE_ROW]),
            str(code[i]),
            str(reason[i]),
            doc_id=df.at[i, S.DOC_ID],
            field=_FIELD[str(code[i])],
        )
        for i in df.index[out]
    ]
    return df.loc[~out].reset_index(drop=True), rows


_FIELD = {"outlet": S.OUTLET, "language": S.LANGUAGE, "date": S.PUBLISHED, "text": None}


def _filter_dates(df: pd.DataFrame, cfg: FilterConfig, mark) -> None:
    published = (
        df[S.PUBLISHED]
        if S.PUBLISHED in df.columns
        else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    )
    day = published.dt.tz_convert("UTC").dt.date if len(published) else published
    undated = published.isna().to_numpy()
    if not cfg.keep_undated:
        mark(undated, "date", "no publication date (filter.keep_undated is false)")
    shown = day.map(str)
    if cfg.date_from is not None:
        early = ~undated & (day < cfg.date_from).fillna(False).to_numpy(dtype=bool)
        mark(early, "date", "published " + shown + f" is before filter.date_from {cfg.date_from}")
    if cfg.date_to is not None:
        late = ~undated & (day > cfg.date_to).fillna(False).to_numpy(dtype=bool)
        mark(late, "date", "published " + shown + f" is after filter.date_to {cfg.date_to}")


def _check_outlets(df: pd.DataFrame, cfg: FilterConfig, study_file: str) -> None:
    """An outlet name that matches nothing is a typo, not a wish to filter everything."""
    known = set(df[S.OUTLET])
    for key, names in (("outlets", cfg.outlets or []), ("exclude_outlets", cfg.exclude_outlets)):
        unknown = sorted(set(names) - known)
        if unknown:
            close = difflib.get_close_matches(unknown[0], sorted(known), n=5, cutoff=0.3)
            raise StudyConfigError(
                f"{study_file}: filter.{key} names outlet(s) {unknown} that no record has",
                hint=f"outlet names are matched exactly; the closest in the corpus: {close}",
            )
