"""Pinned event assignments: a reviewer's corrections, read from a CSV file.

The file has a header and the columns ``doc_id,event_id`` (others, such as a note, are
allowed and ignored). A pinned article goes to the named event whatever the inference
says; pin two articles to the same new id to join them, or an article to an id of its
own to take it out of an event.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import schema as S
from analysis.errors import CorpusError
from analysis.io import read_csv_table

_HINT = "each row is `doc_id,event_id`; doc ids are listed in build/<study>/event_review.csv"


def load_pins(path: Path, known_doc_ids) -> pd.DataFrame:
    """The pins as a (doc_id, event_id) table; every problem names its line and field."""
    path = Path(path)
    raw = read_csv_table(path, "pins file", hint=_HINT)
    if raw.columns.empty:
        return pd.DataFrame({S.DOC_ID: pd.Series(dtype=str), S.EVENT_ID: pd.Series(dtype=str)})
    for field in (S.DOC_ID, S.EVENT_ID):
        if field not in raw.columns:
            raise CorpusError(
                f"column {field!r} is missing (columns: {list(raw.columns)})",
                path=str(path),
                line=1,
                field=field,
                hint=_HINT,
            )
    pins = raw[[S.DOC_ID, S.EVENT_ID]].apply(lambda col: col.str.strip())
    known = set(known_doc_ids)
    first_line: dict[str, int] = {}
    for line, doc_id, event_id in pins.itertuples(index=True):
        line = int(line)  # the row's line in the file (read_csv_table's index)
        for field, value in ((S.DOC_ID, doc_id), (S.EVENT_ID, event_id)):
            if not value:
                raise CorpusError(f"{field} is empty", path=str(path), line=line, field=field)
        if doc_id not in known:
            raise CorpusError(
                f"doc_id {doc_id!r} is not in the study's articles",
                path=str(path),
                line=line,
                field=S.DOC_ID,
                hint=_HINT,
            )
        if doc_id in first_line:
            raise CorpusError(
                f"doc_id {doc_id!r} is pinned twice (first on line {first_line[doc_id]})",
                path=str(path),
                line=line,
                field=S.DOC_ID,
                hint="keep one row per article",
            )
        first_line[doc_id] = line
    return pins.reset_index(drop=True)
