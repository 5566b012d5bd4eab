"""Readers: one per source format, each returning raw records with their location.

A reader never drops a record. A record it cannot parse (a broken JSON line, a CSV row
with the wrong number of fields) becomes a reject with its file, line and reason, so
``n_read == len(records) + len(rejects)`` for every source. A file that cannot be read
as a whole (missing, empty, undecodable, an unclosed CSV quote that would swallow the
rest of the file) raises :class:`CorpusError` naming the file and line.

Locations: ``source_row`` is the line number for jsonl and csv/tsv (the header is line
1; a record spanning several lines gets its first line), the 1-based record number for
json and parquet, and empty for a folder (the file itself is the location).
"""

from __future__ import annotations

import csv
import glob as globlib
import io
import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from analysis import schema as S
from analysis.corpus import html as htmlx
from analysis.corpus.decode import decode
from analysis.corpus.report import problem, reject
from analysis.errors import CorpusError
from analysis.study import CorpusSource, Study

csv.field_size_limit(2**31 - 1)  # a 10 MB article is a legitimate field

# Columns of a record read from a folder of .txt/.html files.
FILE_COLUMN = "file"  # path relative to the corpus folder
FOLDER_COLUMN = "folder"  # the file's parent folder relative to the corpus folder
HTML_DATE = "html_date"  # the date trafilatura found in the page (map it onto published)
SITENAME = "sitename"
AUTHOR = "author"
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
_DEFAULT_GLOB = {
    "jsonl": "**/*.jsonl",
    "json": "**/*.json",
    "csv": "**/*.csv",
    "tsv": "**/*.tsv",
    "parquet": "**/*.parquet",
    "folder": "**/*",
}


@dataclass
class SourceRecords:
    """What one corpus entry yielded: records (raw columns + location), rejects, problems."""

    records: pd.DataFrame
    rejects: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def n_read(self) -> int:
        return len(self.records) + len(self.rejects)


@dataclass
class _FileRead:
    records: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    frame: pd.DataFrame | None = None  # parquet: records as a frame (no per-row Python)


def source_files(study: Study, source: CorpusSource) -> list[Path]:
    """The files a corpus entry reads, sorted; CorpusError if there are none. In a
    confined study, a file a glob or folder reaches through a symlink must stay inside."""
    files = _source_files(study, source)
    if study.confined:
        field = f"corpus[{study.config.corpus.index(source)}].path"
        for file in files:
            study.check_inside(file, field, source.path)
    return files


def _source_files(study: Study, source: CorpusSource) -> list[Path]:
    fmt = source.resolved_format
    if globlib.has_magic(source.path):
        pattern = str(study.path(source.path))
        files = sorted(Path(p) for p in globlib.glob(pattern, recursive=True) if Path(p).is_file())
        if not files:
            raise CorpusError(
                "the pattern matches no file",
                path=pattern,
                hint="fix `corpus: - path:` in study.yaml (paths are relative to the study folder)",
            )
        return [f for f in files if not _hidden(f, f.parent)]
    path = study.path(source.path)
    if not path.exists():
        collected = study.config.collect and path.is_relative_to(
            study.path(study.config.collect.output)
        )
        raise CorpusError(
            "corpus file not found",
            path=str(path),
            hint=f"it is written by `make collect STUDY={study.name}` (framing collect "
            f"{study.root}), which `make` never runs by itself: collect first"
            if collected
            else "fix `corpus: - path:` in study.yaml (paths are relative to the study folder)",
        )
    if path.is_file():
        return [path]
    pattern = source.glob or _DEFAULT_GLOB[fmt]
    files = sorted(p for p in path.glob(pattern) if p.is_file() and not _hidden(p, path))
    if not files:
        wanted = "files" if fmt == "folder" else f"files matching {pattern!r}"
        raise CorpusError(
            f"the folder holds no {wanted}",
            path=str(path),
            hint="put the corpus files there, or set `glob:`/`format:` for this corpus entry",
        )
    return files


def _hidden(path: Path, root: Path) -> bool:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = path.parts[-1:]
    return any(p.startswith(".") for p in parts)


def read_source(study: Study, source: CorpusSource) -> SourceRecords:
    """Read every file of one corpus entry into raw records."""
    fmt = source.resolved_format
    files = source_files(study, source)
    frames: list[pd.DataFrame] = []
    out = SourceRecords(records=pd.DataFrame(), files=files)
    folder_root = study.path(source.path)
    quiet = True if len(files) < 200 else None  # None: only on a terminal
    for path in tqdm(files, desc="files", unit="file", disable=quiet, leave=False):
        label = display_path(study, path)
        if fmt == "folder":
            got = _read_document(path, label, source, folder_root if folder_root.is_dir() else None)
        elif fmt == "parquet":
            got = _read_parquet(path, label)
        else:
            got = _read_text_format(path, label, fmt, source)
        if source.explode is not None:
            rows = got.records if got.frame is None else _frame_records(got.frame)
            got.records, exploded_rejects = _explode(rows, source, label)
            got.frame = None
            got.rejects.extend(exploded_rejects)
        frame = got.frame if got.frame is not None else _records_frame(got.records)
        if len(frame):
            frame[S.SOURCE_FILE] = label
            frames.append(frame)
        out.rejects.extend(got.rejects)
        out.problems.extend(got.problems)
    if frames:
        out.records = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out


def display_path(study: Study, path: Path) -> str:
    """A file's path as shown in tables: relative to the study folder when possible."""
    try:
        return Path(os.path.relpath(path, study.root)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    if not records:
        return pd.DataFrame()
    # object dtype keeps values exactly as read: no int -> float for a column with gaps
    # (which would corrupt long numeric ids), no guessing of types.
    return pd.DataFrame(records, dtype=object)


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict("records")


# --- text formats -------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc


def _read_text_format(path: Path, label: str, fmt: str, source: CorpusSource) -> _FileRead:
    data = _read_bytes(path)
    if not data.strip():
        raise CorpusError(
            "the file is empty",
            path=str(path),
            hint="remove it from `corpus:` in study.yaml, or export the data again",
        )
    decoded = decode(data, path, source.encoding)
    got = _FileRead()
    if decoded.guessed:
        got.problems.append(
            problem(label, None, "encoding_guessed", decoded.guess_report(), value=decoded.encoding)
        )
    text = decoded.text
    if fmt == "jsonl":
        _parse_jsonl(text, label, got, decoded.bad_lines)
    elif fmt == "json":
        _parse_json(text, path, label, source, got)
    else:
        delimiter = source.delimiter or ("\t" if fmt == "tsv" else ",")
        _parse_delimited(text, path, label, delimiter, source, got, decoded.bad_lines)
    return got


def _parse_jsonl(text: str, label: str, got: _FileRead, bad_lines: dict[int, str]) -> None:
    for line_no, line in enumerate(text.split("\n"), start=1):
        if line_no in bad_lines:
            got.rejects.append(reject(label, line_no, "encoding", bad_lines[line_no]))
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            got.rejects.append(
                reject(
                    label, line_no, "unreadable", f"invalid JSON: {exc.msg} at column {exc.colno}"
                )
            )
            continue
        except RecursionError:
            got.rejects.append(reject(label, line_no, "unreadable", "JSON nested too deeply"))
            continue
        _keep_object(
            obj,
            label,
            line_no,
            got,
            "the line holds a JSON {}, not an object (one record per line)",
        )


def _parse_json(text: str, path: Path, label: str, source: CorpusSource, got: _FileRead) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusError(
            f"invalid JSON: {exc.msg} at column {exc.colno}",
            path=str(path),
            line=exc.lineno,
            hint="a .json file must hold one JSON document; for one record per line use jsonl",
        ) from exc
    except RecursionError as exc:
        raise CorpusError("JSON nested too deeply", path=str(path)) from exc
    items = doc
    if source.record_path:
        for step, key in enumerate(source.record_path.split(".")):
            if not isinstance(items, dict) or key not in items:
                where = ".".join(source.record_path.split(".")[:step]) or "the top level"
                keys = sorted(items) if isinstance(items, dict) else []
                raise CorpusError(
                    f"record_path {source.record_path!r}: no key {key!r} under {where} "
                    f"(keys there: {keys[:20]})",
                    path=str(path),
                    field="record_path",
                    hint="fix `record_path:` for this corpus entry",
                )
            items = items[key]
    if isinstance(items, dict) and not source.record_path:
        lists = sorted(k for k, v in items.items() if isinstance(v, list))
        raise CorpusError(
            "the JSON document is an object, not a list of records",
            path=str(path),
            field="record_path",
            hint=f"set `record_path:` to the key holding the records (lists here: {lists[:20]})",
        )
    if not isinstance(items, list):
        raise CorpusError(
            f"expected a list of records, found a JSON {_json_kind(items)}",
            path=str(path),
            field="record_path",
            hint="point `record_path:` at the list of records",
        )
    for number, obj in enumerate(items, start=1):
        _keep_object(obj, label, number, got, "record is a JSON {}, not an object")


def _keep_object(obj: Any, label: str, row: int, got: _FileRead, not_object: str) -> None:
    """A JSON object becomes a record; anything else is rejected with ``not_object``,
    whose ``{}`` names what it is."""
    if not isinstance(obj, dict):
        got.rejects.append(reject(label, row, "unreadable", not_object.format(_json_kind(obj))))
        return
    record = _protect(_flatten(obj))
    record[S.SOURCE_ROW] = row
    got.records.append(record)


def _json_kind(obj: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(obj), "number" if isinstance(obj, int | float) else type(obj).__name__
    )


_LOCATION_CLASH = {c: f"source_{c}" for c in (S.SOURCE_FILE, S.SOURCE_ROW)}


def _protect(record: dict[str, Any]) -> dict[str, Any]:
    """A source column named like a location column is kept as source_<name>."""
    if S.SOURCE_ROW in record or S.SOURCE_FILE in record:
        return {_LOCATION_CLASH.get(k, k): v for k, v in record.items()}
    return record


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted columns: {"a": {"b": 1}} -> {"a.b": 1}."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _parse_delimited(
    text: str,
    path: Path,
    label: str,
    delimiter: str,
    source: CorpusSource,
    got: _FileRead,
    bad_lines: dict[int, str],
) -> None:
    kind = "TSV" if delimiter == "\t" else "CSV"
    quotechar = source.quotechar
    quoting = csv.QUOTE_MINIMAL if quotechar else csv.QUOTE_NONE
    missing = set(source.na_values)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar=quotechar or '"',
        quoting=quoting,
        strict=True,
    )
    header: list[str] | None = None
    previous_end = 0
    for start, row, error in _csv_rows(reader):
        line = previous_end + 1
        previous_end = start
        if error is not None:
            if error == "unexpected end of data":
                raise CorpusError(
                    f"a quoted field opened on line {line} is never closed, so the rest of "
                    "the file would be read as one field",
                    path=str(path),
                    line=line,
                    hint="fix the quoting on that line (a field with a quote inside must be "
                    'quoted with the quote doubled: "say ""hi"""), or set `quotechar:` to null',
                )
            got.rejects.append(
                reject(label, line, "unreadable", f"cannot parse as {kind}: {error}")
            )
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        undecodable = [n for n in range(line, start + 1) if n in bad_lines]
        if undecodable:
            if header is None:
                raise CorpusError(
                    bad_lines[undecodable[0]], path=str(path), line=undecodable[0], field="header"
                )
            got.rejects.append(reject(label, line, "encoding", bad_lines[undecodable[0]]))
            continue
        if header is None:
            header = _header(row, path, line)
            continue
        if len(row) != len(header):
            got.rejects.append(
                reject(
                    label,
                    line,
                    "unreadable",
                    f"{len(row)} field(s) but the header has {len(header)}: check the quoting "
                    f"and that the delimiter is {delimiter!r}",
                )
            )
            continue
        cells = (None if cell.strip() in missing else cell for cell in row)
        record: dict[str, Any] = _protect(dict(zip(header, cells, strict=True)))
        record[S.SOURCE_ROW] = line
        got.records.append(record)
    if header is None:
        raise CorpusError(f"the {kind} file has no header line", path=str(path))


def _csv_rows(reader) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(last line of the row, row, None) or (last line, None, error message)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, None, str(exc)
            continue
        yield reader.line_num, row, None


def _header(row: list[str], path: Path, line: int) -> list[str]:
    names = [name.strip() or f"unnamed_{i + 1}" for i, name in enumerate(row)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise CorpusError(
                f"column {name!r} appears twice in the header",
                path=str(path),
                line=line,
                field=name,
                hint="rename one of them in the file",
            )
        seen.add(name)
    return names


# --- parquet ------------------------------------------------------------------------


def _read_parquet(path: Path, label: str) -> _FileRead:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise CorpusError(
            f"cannot read as Parquet: {exc}",
            path=str(path),
            hint="check that the file is Parquet (or set `format:` for this corpus entry)",
        ) from exc
    frame = table.to_pandas(integer_object_nulls=True)
    frame.columns = [_LOCATION_CLASH.get(str(c), str(c)) for c in frame.columns]
    frame[S.SOURCE_ROW] = range(1, len(frame) + 1)
    return _FileRead(frame=frame)


# --- folders of documents -------------------------------------------------------------


def _read_document(path: Path, label: str, source: CorpusSource, root: Path | None) -> _FileRead:
    """One .txt or .html file as one record; other files are rejected, not skipped."""
    suffix = path.suffix.lower()
    relative = path.relative_to(root) if root is not None else Path(path.name)
    record: dict[str, Any] = {
        S.DOC_ID: relative.with_suffix("").as_posix(),
        FILE_COLUMN: relative.as_posix(),
        FOLDER_COLUMN: relative.parent.as_posix() if relative.parent != Path(".") else None,
        S.SOURCE_ROW: None,
    }
    got = _FileRead()
    if suffix not in TEXT_SUFFIXES + HTML_SUFFIXES:
        got.rejects.append(
            reject(
                label,
                None,
                "unsupported_file",
                f"a {suffix or 'suffix-less'} file in a corpus folder; only .txt and .html are "
                "read (convert it, or move it out of the folder)",
                doc_id=record[S.DOC_ID],
            )
        )
        return got
    data = _read_bytes(path)
    if suffix in HTML_SUFFIXES:
        # Bytes let trafilatura honour the page's own charset declaration; a configured
        # encoding overrides it.
        html = decode(data, path, source.encoding).text if source.encoding else data
        page = htmlx.extract(html) if data.strip() else htmlx.Page(text=None)
        if page.text is None:
            got.rejects.append(
                reject(
                    label,
                    None,
                    "no_text",
                    "no main text found in the HTML page",
                    doc_id=record[S.DOC_ID],
                    field=S.TEXT,
                )
            )
            return got
        if page.fallback:
            got.problems.append(
                problem(
                    label,
                    None,
                    "html_extraction",
                    "trafilatura found no main text; the whole page's text was used (check it "
                    "for navigation and other page furniture)",
                    doc_id=record[S.DOC_ID],
                    field=S.TEXT,
                )
            )
        record.update(
            {
                S.TEXT: page.text,
                S.TITLE: page.title,
                S.URL: page.url,
                HTML_DATE: page.date,
                SITENAME: page.sitename,
                AUTHOR: page.author,
            }
        )
    else:
        decoded = decode(data, path, source.encoding) if data else None
        if decoded is not None and decoded.guessed:
            got.problems.append(
                problem(
                    label,
                    None,
                    "encoding_guessed",
                    f"not UTF-8; read as {decoded.encoding} (detected). If characters look "
                    "wrong, set `encoding:` for this corpus entry",
                    doc_id=record[S.DOC_ID],
                    value=decoded.encoding,
                )
            )
        record[S.TEXT] = decoded.text if decoded is not None else ""
    got.records.append(record)
    return got


# --- nested records -----------------------------------------------------------------


def _explode(
    rows: list[dict[str, Any]], source: CorpusSource, label: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One record per entry of ``source.explode``; a record with no entries is rejected."""
    name, key_column = source.explode, source.key_column
    assert name is not None and key_column is not None
    prefix = f"{name}."
    out: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for row in rows:
        nested = {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}
        value = row.get(name)
        parent = {k: v for k, v in row.items() if k != name and not k.startswith(prefix)}
        if nested and _is_missing(value):
            value = _unflatten(nested)  # a non-empty object was flattened by the reader
        items = _items(value)
        if items is None:
            rejected.append(
                reject(
                    label,
                    row.get(S.SOURCE_ROW),
                    "bad_type",
                    f"`{name}` holds a {_json_kind(value)}; `explode` needs a list or an object",
                    field=name,
                )
            )
            continue
        if not items:
            rejected.append(
                reject(
                    label,
                    row.get(S.SOURCE_ROW),
                    "no_items",
                    f"`{name}` holds no entries, so this record yields no article",
                    field=name,
                )
            )
            continue
        for key, item in items:
            record = dict(parent)
            if isinstance(item, dict):
                record.update({f"{prefix}{k}": v for k, v in _flatten(item).items()})
            else:
                record[name] = item
            record[key_column] = key
            out.append(record)
    return out, rejected


def _items(value: Any) -> list[tuple[Any, Any]] | None:
    if _is_missing(value):
        return []
    if isinstance(value, dict):
        return [(k, v) for k, v in value.items() if v is not None]
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        seq = value.tolist() if hasattr(value, "tolist") else value
        if isinstance(seq, list):
            return [(i, v) for i, v in enumerate(seq) if v is not None]
    return None


def _unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        head, _, rest = key.partition(".")
        if rest:
            out.setdefault(head, {})
            if isinstance(out[head], dict):
                out[head][rest] = value
        else:
            out[head] = value
    return {k: _unflatten(v) if isinstance(v, dict) else v for k, v in out.items()}


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
