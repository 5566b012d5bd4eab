"""Record-level validation against the articles schema (pandera), as rejects.

The schema in analysis/schema.py is the single definition of a valid article. It is run
lazily over all records; each failure case (a null, an empty string, a repeated doc_id)
becomes a reject naming the file, row, field and reason, and the record is left out.
Uniqueness is checked only among records that passed the other checks, so a broken
first copy does not take a valid second one down with it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

from analysis import schema as S
from analysis.corpus.report import SURROGATE, printable, reject

_REQUIRED = list(S.REQUIRED_ARTICLE_FIELDS)


def _record_schema(unique: bool) -> pa.DataFrameSchema:
    schema = S.ARTICLES.select_columns(_REQUIRED)
    return schema.update_column(S.DOC_ID, unique=unique, report_duplicates="exclude_first")


_FIELDS_SCHEMA = _record_schema(unique=False)
_UNIQUE_SCHEMA = _record_schema(unique=True)


def validate_records(
    frame: pd.DataFrame, stripped: pd.Series | None = None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The valid records and one reject per invalid record.

    ``stripped`` (boilerplate lines removed per record) explains a text that is empty
    only because everything in it was boilerplate.
    """
    frame = frame.reset_index(drop=True)
    failures = _failures(_FIELDS_SCHEMA, frame)
    rejects: list[dict[str, Any]] = []
    by_row: dict[int, list[tuple[str, str]]] = {}
    for row in failures.itertuples(index=False):
        by_row.setdefault(int(row.index), []).append((str(row.column), str(row.check)))
    for idx in sorted(by_row):
        problems = sorted(by_row[idx], key=lambda fc: _REQUIRED.index(fc[0]))
        fld, check = problems[0]
        code = "missing" if check == "not_nullable" else "empty"
        words = [_describe(f, c, stripped, idx) for f, c in problems]
        rejects.append(_reject(frame, idx, code, "; ".join(dict.fromkeys(words)), fld))
    valid = frame.drop(index=list(by_row))

    duplicates = _failures(_UNIQUE_SCHEMA, valid)
    if len(duplicates):
        first = valid.drop_duplicates(S.DOC_ID, keep="first").set_index(S.DOC_ID)
        dup_index = sorted(int(i) for i in duplicates["index"])
        for idx in dup_index:
            doc_id = valid.at[idx, S.DOC_ID]
            where = (
                f"{first.at[doc_id, S.SOURCE_FILE]} row {_row_text(first.at[doc_id, S.SOURCE_ROW])}"
            )
            rejects.append(
                _reject(
                    valid,
                    idx,
                    "duplicate_id",
                    f"doc_id {doc_id!r} is already used by the record at {where}; "
                    "give every article its own id (or set id_prefix per source)",
                    S.DOC_ID,
                )
            )
        valid = valid.drop(index=dup_index)
    return valid.reset_index(drop=True), rejects


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        return cases[cases["index"].notna()]
    return pd.DataFrame(columns=["index", "column", "check"])


def _describe(fld: str, check: str, stripped: pd.Series | None, idx: int) -> str:
    if check == "not_nullable":
        return f"{fld} is missing (null, NaN, or a CSV cell listed in na_values)"
    if fld == S.TEXT and stripped is not None and stripped.iloc[idx] > 0:
        return "text is empty after removing boilerplate lines (see boilerplate.csv)"
    return f"{fld} is empty or whitespace only"


def _reject(frame: pd.DataFrame, idx: int, code: str, reason: str, fld: str) -> dict[str, Any]:
    doc_id = frame.at[idx, S.DOC_ID] if S.DOC_ID in frame.columns else None
    return reject(
        str(frame.at[idx, S.SOURCE_FILE]),
        None if pd.isna(frame.at[idx, S.SOURCE_ROW]) else int(frame.at[idx, S.SOURCE_ROW]),
        code,
        reason,
        doc_id=doc_id if isinstance(doc_id, str) and doc_id else None,
        field=fld,
    )


def _row_text(value: Any) -> str:
    return "?" if pd.isna(value) else str(int(value))


def screen_records(
    frame: pd.DataFrame, max_chars: int, skip: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Records that can be stored and analysed, and a reject for each other one.

    Rejected: a record holding a lone surrogate in any field (code ``encoding``), and an
    article whose text is longer than ``max_chars`` (code ``too_large``; voice and
    sentence analysis of one 30 MB "article" would take hours). ``skip``: bookkeeping
    columns that are not the record's data.
    """
    frame = frame.reset_index(drop=True)
    found: dict[int, tuple[str, str, str]] = {}
    for column in frame.columns:
        if column in skip:
            continue
        values = frame[column]
        if values.dtype != object:
            continue
        named_badly = isinstance(column, str) and SURROGATE.search(column) is not None
        for idx, value in values.items():
            if idx in found or (not isinstance(value, str) and not named_badly):
                continue
            if named_badly and _present(value):
                found[idx] = ("encoding", printable(column), "a field name holds a lone surrogate")
            elif isinstance(value, str) and (hit := SURROGATE.search(value)):
                found[idx] = (
                    "encoding",
                    column,
                    f"{column} holds a lone surrogate (U+{ord(hit.group()):04X} at character "
                    f"{hit.start() + 1}): an invalid \\u escape or bytes the file's encoding "
                    "cannot read; fix the record in the source",
                )
        if named_badly:
            frame = frame.drop(columns=[column])
    if S.TEXT in frame.columns:
        lengths = frame[S.TEXT].map(lambda v: len(v) if isinstance(v, str) else 0)
        for idx in frame.index[lengths.to_numpy() > max_chars]:
            found.setdefault(
                idx,
                (
                    "too_large",
                    S.TEXT,
                    f"the text has {lengths[idx]:,} characters, over ingest.max_chars "
                    f"({max_chars:,}); split it into articles, or raise the cap in study.yaml",
                ),
            )
    rejects = [_reject(frame, idx, code, reason, fld) for idx, (code, fld, reason) in found.items()]
    return frame.drop(index=list(found)).reset_index(drop=True), rejects


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)
