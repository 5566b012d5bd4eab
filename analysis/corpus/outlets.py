"""The outlets table: read from the study's outlets file, or derived from the articles.

With an outlets file (``outlets:`` in study.yaml), every outlet in the articles must be
listed. Without one, the table lists the outlets found in the articles, and
``ingest.outlet_metadata`` can fill outlet fields from article columns (e.g. the lean
``bias_text`` of ABP as ``group``, or an attribute of the study's own): each outlet
takes its most common value, and an outlet with conflicting values is reported. Every
column of the table is an attribute ``compare.by`` can compare.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import schema as S
from analysis.corpus.normalize import normalize_field
from analysis.corpus.report import problem
from analysis.errors import CorpusError, require_columns
from analysis.io import read_csv_table
from analysis.study import Study

log = logging.getLogger(__name__)


def load_outlets(study: Study, articles: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The outlets table and any problems found while deriving it."""
    if not study.config.outlets:
        return derive_outlets(articles, study.config.ingest.outlet_metadata)
    if study.config.ingest.outlet_metadata:
        log.warning(
            "ingest.outlet_metadata is ignored: the study has an outlets file (%s)",
            study.config.outlets,
        )
    path = study.path(study.config.outlets)
    outlets = read_outlets(path)
    unknown = sorted(set(articles[S.OUTLET]) - set(outlets[S.OUTLET]))
    if unknown:
        raise CorpusError(
            f"outlet(s) in the articles but not in the outlets file: {unknown[:20]}"
            f"{f' and {len(unknown) - 20} more' if len(unknown) > 20 else ''}",
            path=str(path),
            field=S.OUTLET,
            hint="add a row for each (outlet names must match exactly)",
        )
    return outlets, []


def read_outlets(path: Path) -> pd.DataFrame:
    """The outlets file: one row per outlet, names normalised as the articles' are.

    Every problem names the file and line: a ragged row, a missing column, an empty
    name, and a repeated outlet (at the repeat, naming the first).
    """
    hint = "fix `outlets:` in study.yaml or the file"
    raw = read_csv_table(path, "outlet metadata file", hint=hint)
    require_columns(
        raw.columns,
        S.OUTLET_FIELDS,
        path,
        f"the outlets file needs columns {list(S.OUTLET_FIELDS)}",
    )
    # The same normalisation as the articles' outlet field, so names that look alike are
    # alike (NFC, no invisible characters, one space).
    outlets = raw.apply(lambda col: col.map(lambda v: normalize_field(v) or None))
    first_line: dict[str, int] = {}
    for line, name in outlets[S.OUTLET].items():
        if name is None:
            raise CorpusError(
                "the outlet name is empty", path=str(path), line=int(line), field=S.OUTLET
            )
        if name in first_line:
            raise CorpusError(
                f"outlet {name!r} is listed twice (first on line {first_line[name]})",
                path=str(path),
                line=int(line),
                field=S.OUTLET,
                hint="keep one row per outlet (names are compared after normalising spaces "
                "and Unicode)",
            )
        first_line[name] = int(line)
    return S.OUTLETS.validate(outlets.reset_index(drop=True))


def derive_outlets(
    articles: pd.DataFrame, metadata: dict[str, str]
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """One row per outlet in the articles (sorted), fields filled from article columns."""
    names = sorted(articles[S.OUTLET].unique()) if len(articles) else []
    outlets = pd.DataFrame({S.OUTLET: pd.Series(names, dtype=object)})
    problems: list[dict[str, Any]] = []
    extra = [f for f in metadata if f not in S.OUTLET_FIELDS]  # attributes of the study's own
    for fld in [*S.OUTLET_FIELDS[1:], *extra]:
        column = metadata.get(fld)
        if column is None:
            outlets[fld] = None
            continue
        if column not in articles.columns:
            raise CorpusError(
                f"ingest.outlet_metadata: no article column {column!r} for outlet field {fld!r}",
                field=fld,
                hint=f"use one of the article columns: {sorted(map(str, articles.columns))[:40]}",
            )
        values = articles[[S.OUTLET, column]].dropna()
        values = values.assign(**{column: values[column].astype(str).str.strip()})
        values = values[values[column] != ""]
        counts = values.groupby([S.OUTLET, column]).size().reset_index(name="n")
        chosen: dict[str, str] = {}
        for outlet, group in counts.groupby(S.OUTLET, sort=True):
            group = group.sort_values(["n", column], ascending=[False, True])
            chosen[outlet] = group[column].iloc[0]
            if len(group) > 1:
                seen = ", ".join(
                    f"{v} ({n})" for v, n in zip(group[column], group["n"], strict=True)
                )
                problems.append(
                    problem(
                        "(articles)",
                        None,
                        "outlet_metadata",
                        f"outlet {outlet!r} has {len(group)} values for {fld} in column "
                        f"{column!r}: {seen}; used {chosen[outlet]!r}",
                        field=fld,
                        value=seen,
                    )
                )
        outlets[fld] = outlets[S.OUTLET].map(chosen).astype(object)
    return outlets, problems
