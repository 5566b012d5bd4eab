"""Readers: one per source format, each yielding raw records with their location.

A reader never drops a record. A record it cannot parse at all (a broken JSON line) is
returned as a :class:`Unreadable` with its location and reason, so ingestion can list it
among the rejects. A file that cannot be read as a whole raises :class:`CorpusError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import CorpusError

SOURCE_FILE = "source_file"  # provenance columns every ingested record carries
SOURCE_ROW = "source_row"


@dataclass(frozen=True)
class Unreadable:
    source_file: str
    source_row: int
    reason: str


ReadResult = tuple[pd.DataFrame, list[Unreadable]]


def _read_jsonl(path: Path) -> ReadResult:
    records: list[dict[str, Any]] = []
    bad: list[Unreadable] = []
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                bad.append(
                    Unreadable(str(path), line_no, f"invalid JSON: {exc.msg} at column {exc.colno}")
                )
                continue
            if not isinstance(obj, dict):
                bad.append(
                    Unreadable(str(path), line_no, f"a JSON {type(obj).__name__}, not an object")
                )
                continue
            obj[SOURCE_ROW] = line_no
            records.append(obj)
    return pd.DataFrame.from_records(records), bad


def _read_delimited(path: Path, sep: str) -> ReadResult:
    try:
        df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError as exc:
        raise CorpusError("the file is empty", path=str(path)) from exc
    except pd.errors.ParserError as exc:
        raise CorpusError(
            f"cannot parse as {'TSV' if sep == chr(9) else 'CSV'}: {exc}",
            path=str(path),
            hint="check the quoting of the line named above",
        ) from exc
    df[SOURCE_ROW] = range(2, len(df) + 2)  # line 1 is the header
    return df, []


def _read_parquet(path: Path) -> ReadResult:
    df = pd.read_parquet(path)
    df[SOURCE_ROW] = range(1, len(df) + 1)
    return df, []


READERS: dict[str, Callable[[Path], ReadResult]] = {
    "jsonl": _read_jsonl,
    "csv": lambda p: _read_delimited(p, ","),
    "tsv": lambda p: _read_delimited(p, "\t"),
    "parquet": _read_parquet,
}


def read_source(path: Path, fmt: str) -> ReadResult:
    if not path.exists():
        raise CorpusError(
            "corpus file not found",
            path=str(path),
            hint="fix `corpus: - path:` in study.yaml (paths are relative to the study folder)",
        )
    if fmt not in READERS:
        raise CorpusError(
            f"no reader for format {fmt!r}", path=str(path), hint=f"use one of {sorted(READERS)}"
        )
    df, bad = READERS[fmt](path)
    df[SOURCE_FILE] = str(path)
    return df, bad


def iter_formats() -> Iterator[str]:
    yield from READERS
