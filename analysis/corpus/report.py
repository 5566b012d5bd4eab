"""Rows of the rejects and problems tables, built the same way everywhere.

A *reject* is an input record that did not become an article; a *problem* is something
wrong with a kept record (or a whole file) that the researcher should know about. Both
name the file (relative to the study folder), the line/row, the field and the reason.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from analysis import schema as S

REJECT_COLUMNS = list(S.REJECTS.columns)
PROBLEM_COLUMNS = list(S.PROBLEMS.columns)
_MAX_VALUE_CHARS = 200
Row = dict[str, Any]


def reject(file: str, row: int | None, code: str, reason: str, **where: str | None) -> Row:
    """A record that did not become an article: its file (relative to the study), line or
    row, code and reason; ``where`` gives its ``doc_id`` and ``field`` when known."""
    assert code in S.REJECT_CODES, code
    return _row(file, row, code, reason, **where)


def filtered(
    source_file: str,
    source_row: int | None,
    code: str,
    reason: str,
    *,
    doc_id: str | None = None,
    field: str | None = None,
) -> dict[str, Any]:
    """A record the study's ``filter:`` left out (same columns as a reject)."""
    assert code in S.FILTER_CODES, code
    return {
        S.SOURCE_FILE: source_file,
        S.SOURCE_ROW: source_row,
        S.DOC_ID: doc_id,
        S.FIELD: field,
        S.REJECT_CODE: code,
        S.REASON: reason,
    }


def problem(
    file: str, row: int | None, code: str, reason: str, value: Any = None, **where: str | None
) -> Row:
    """Something wrong with a kept record (or a whole file), with the offending value."""
    assert code in S.PROBLEM_CODES, code
    return {**_row(file, row, code, reason, **where), S.VALUE: _value(value)}


def _row(file: str, row: int | None, code: str, reason: str, doc_id=None, field=None) -> Row:
    """``doc_id``: the record's id; ``field``: the field concerned (both may be None)."""
    return {
        S.SOURCE_FILE: printable(file),
        S.SOURCE_ROW: row,
        S.DOC_ID: printable(doc_id),
        S.FIELD: printable(field),
        S.REJECT_CODE: code,
        S.REASON: printable(reason),
    }


def _value(value: Any) -> str | None:
    return None if value is None else shorten(printable(str(value)))


# A lone surrogate (a JSON "\ud800" escape, or a byte no encoding could read, kept as
# U+DC80..U+DCFF) cannot be written as UTF-8.
SURROGATE = re.compile("[\ud800-\udfff]")


def printable(value: Any) -> Any:
    """A string with lone surrogates as ``\\udXXX`` escapes (so it can be written);
    anything else unchanged."""
    if not isinstance(value, str):
        return value
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def shorten(value: str, limit: int = _MAX_VALUE_CHARS) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def rejects_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return _frame(rows, REJECT_COLUMNS)


def filtered_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return S.FILTERED.validate(_frame(rows, REJECT_COLUMNS))


def problems_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return _frame(rows, PROBLEM_COLUMNS)


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Rows in file, then line order (whole-file rows first), whatever order they came in."""
    df = pd.DataFrame(rows, columns=columns).astype(object)
    df[S.SOURCE_ROW] = pd.array(df[S.SOURCE_ROW].tolist(), dtype="Int64")
    order = sorted(
        range(len(df)),
        key=lambda i: (
            str(df[S.SOURCE_FILE].iat[i]),
            -1 if pd.isna(df[S.SOURCE_ROW].iat[i]) else int(df[S.SOURCE_ROW].iat[i]),
        ),
    )
    return df.iloc[order].reset_index(drop=True)
