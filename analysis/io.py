"""Atomic writes and Parquet tables that carry their provenance.

Every output is written to a temporary file beside its target and moved into place
with ``os.replace``, so an interrupted run never leaves a half-written table that a
later run would trust.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.errors import OutputError

META_KEY = b"framing"
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(
    target: Path, suffix: str | None = None, keep_if_unchanged: bool = False
) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target`` atomically.

    With ``keep_if_unchanged`` an identical existing file is left alone, so its
    modification time (what ``make`` looks at) only moves when its content does.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=suffix or target.suffix or ".tmp", dir=target.parent
        )
    except OSError as exc:
        raise _output_error(target, exc) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs should be readable
    try:
        yield tmp_path
        if not (keep_if_unchanged and _same_bytes(tmp_path, target)):
            os.replace(tmp_path, target)
    except OSError as exc:
        if exc.errno not in _DISK_ERRNOS:
            raise
        raise _output_error(target, exc) from exc
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


# A read-only folder or file system, no permission, a full disk or quota.
_DISK_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}


def _output_error(target: Path, exc: OSError) -> OutputError:
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return OutputError(
        f"cannot write {target}: {exc.strerror or exc}",
        hint=(
            "free some space on that disk"
            if full
            else "make the folder writable, or set FRAMING_BUILD_DIR to a writable folder"
        )
        + " (FRAMING_FIGURES_DIR and FRAMING_CACHE_DIR move figures and the cache)",
    )


def _same_bytes(a: Path, b: Path) -> bool:
    if not b.exists() or a.stat().st_size != b.stat().st_size:
        return False
    return a.read_bytes() == b.read_bytes()


def write_text(target: Path, text: str, keep_if_unchanged: bool = True) -> None:
    with atomic_path(target, keep_if_unchanged=keep_if_unchanged) as tmp:
        tmp.write_text(text, encoding="utf-8")


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (=HYPERLINK(...) in a news text would run when a coder opens the sheet). Such cells get
# a leading apostrophe, which spreadsheets show as text and hide (OWASP's advice).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot be read as spreadsheet formulas."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
            )
    return out


def unescape_cell(value: str) -> str:
    """Undo :func:`spreadsheet_safe` on a cell read back from a CSV."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def write_csv(df: pd.DataFrame, target: Path, keep_if_unchanged: bool = True) -> None:
    """``df`` as a CSV a person may open in a spreadsheet: formula-safe, written atomically.

    Rows end in CRLF (RFC 4180): Python's csv writer quotes a cell holding a bare carriage
    return only when CR is part of the line terminator, and an unquoted one splits the row.
    """
    text = spreadsheet_safe(df).to_csv(index=False, lineterminator="\r\n")
    write_text(target, text, keep_if_unchanged)


def decode_or_fail(data: bytes, codec: str, path: Path, declared: str, hint: str) -> str:
    """``data`` decoded with ``codec``; bytes it cannot read raise :class:`CorpusError`
    naming the file, the line and the byte."""
    from analysis.errors import CorpusError  # errors imports nothing from here

    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"not valid {declared}: byte {data[exc.start : exc.start + 1]!r} at offset {exc.start}",
            path=str(path),
            line=data[: exc.start].count(b"\n") + 1,
            hint=hint,
        ) from exc


def read_csv_table(path: Path, what: str, hint: str | None = None) -> pd.DataFrame:
    """A small CSV file a person wrote (outlets, gold codes, pins), every cell as text.

    The index is each row's line in the file (the header is line 1; a row spanning
    lines gets its first), so every later error can name the line. A row with more or
    fewer fields than the header, an unclosed quote, a repeated column name or bytes that
    are not UTF-8 raise :class:`CorpusError` naming the file and line; pandas would
    raise a ParserError, or silently shift a row with one field too many into its index.
    Blank lines are skipped; cells escaped by :func:`write_csv` are read back as written.
    An empty file gives an empty table without columns.
    """
    from analysis.errors import CorpusError  # errors imports nothing from here

    path = Path(path)
    where = {"path": str(path), "hint": hint}
    if not path.exists():
        raise CorpusError(f"{what} not found", **where)
    if not path.is_file():
        raise CorpusError(f"{what} is not a file (a folder?)", **where)
    text = decode_or_fail(
        path.read_bytes(), "utf-8-sig", path, "UTF-8", f"save the {what} as UTF-8 CSV"
    )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    end = 0
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            detail = (
                "a quoted field opened here is never closed"
                if "end of data" in str(exc) or reader.line_num > start
                else str(exc)
            )
            raise CorpusError(f"not a readable CSV row: {detail}", line=start, **where) from exc
        end = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if header is None:
            header = [name.strip() for name in row]
            repeated = sorted({n for n in header if header.count(n) > 1})
            if repeated:
                raise CorpusError(
                    f"column {repeated[0]!r} appears twice in the header",
                    line=start,
                    field=repeated[0],
                    **where,
                )
            continue
        if len(row) != len(header):
            fields = f"{len(row)} field{'s' if len(row) != 1 else ''}"
            raise CorpusError(
                f"{fields} but the header has {len(header)} (columns: {header}); check the "
                "quoting, and that every row has one cell per column",
                line=start,
                **where,
            )
        rows.append([unescape_cell(cell) for cell in row])
        lines.append(start)
    table = pd.DataFrame(rows, columns=header or [], dtype=object)
    table.index = pd.Index(lines, name="line", dtype="int64")
    return table


def write_table(df: pd.DataFrame | pa.Table, target: Path, meta: dict[str, Any]) -> None:
    """Write ``df`` as Parquet with ``meta`` (JSON) in the file's key-value metadata."""
    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, preserve_index=False)
    existing = table.schema.metadata or {}
    table = table.replace_schema_metadata(
        {**existing, META_KEY: json.dumps(meta, sort_keys=True, default=str).encode("utf-8")}
    )
    with atomic_path(target, keep_if_unchanged=True) as tmp:
        pq.write_table(table, tmp)


def read_table(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    return pq.read_table(path, columns=columns).to_pandas()


def read_meta(path: Path) -> dict[str, Any] | None:
    """The provenance stored with a table, or None when absent or unreadable."""
    try:
        raw = (pq.read_schema(path).metadata or {}).get(META_KEY)
    except (OSError, pa.ArrowInvalid):
        return None
    return json.loads(raw) if raw else None


def matrix_to_arrow(matrix: np.ndarray) -> pa.FixedSizeListArray:
    """A (n, d) float32 matrix as one fixed-size-list column, without a Python loop."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    return pa.FixedSizeListArray.from_arrays(pa.array(matrix.reshape(-1)), matrix.shape[1])


def arrow_to_matrix(column: pa.ChunkedArray | pa.FixedSizeListArray) -> np.ndarray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    width = column.type.list_size
    return np.asarray(column.values.to_numpy(zero_copy_only=False), dtype=np.float32).reshape(
        -1, width
    )


def read_matrix(path: Path, column: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The table's other columns as a DataFrame, and ``column`` as an (n, d) matrix."""
    table = pq.read_table(path)
    matrix = arrow_to_matrix(table.column(column))
    return table.drop_columns([column]).to_pandas(), matrix
