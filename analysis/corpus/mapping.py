"""Map a source's raw records onto the article schema, as study.yaml says.

``columns`` maps schema fields onto source columns; ``constants`` sets a field to one
value; ``id_template`` builds doc_id from columns. A source column named like a schema
field maps onto it unless another column is mapped there, in which case it is kept as
``source_<name>``. Other columns are kept as they are (extra article columns).

Values are coerced to text: numbers become their digits (5607.0 -> "5607"), a list of
strings becomes paragraphs (text) or "; "-separated (other fields). A value that cannot
be text (an object, a number where text is expected) rejects its record.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.corpus import html as htmlx
from analysis.corpus.report import problem, reject
from analysis.errors import CorpusError
from analysis.study import CorpusSource

STRING_FIELDS = (S.DOC_ID, S.OUTLET, S.TEXT, S.TITLE, S.URL, S.LANGUAGE, S.EVENT_ID)
# Columns the pipeline computes; a source column of the same name is kept as source_<name>.
COMPUTED_COLUMNS = (
    S.DUPLICATE_OF,
    S.DUPLICATE_KIND,
    S.DUPLICATE_SIMILARITY,
    S.LANGUAGE_SCORE,
    S.BOILERPLATE_LINES,
)
TEMPLATE_ROW = "row"
TEMPLATE_FILE = "file"
_TEMPLATE = re.compile(r"\{([^{}:]+)(?::([^{}]*))?\}")
_LOCATION = (S.SOURCE_FILE, S.SOURCE_ROW)


@dataclass
class Mapped:
    frame: pd.DataFrame
    rejects: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)


class _Unusable(ValueError):
    """A value that cannot become the text of a schema field."""


def map_records(records: pd.DataFrame, source: CorpusSource) -> Mapped:
    """Schema fields + extra columns + location columns; rejects for unusable values."""
    if records.empty:
        return Mapped(records)
    _check_columns(records, source)
    out = Mapped(records)
    frame = records
    if source.id_template is not None:
        ids, bad = _template_ids(frame, source.id_template)
        for idx, reason in bad.items():
            out.rejects.append(_reject_at(frame, idx, "bad_id", reason, field=S.DOC_ID))
        frame = _put(frame.drop(index=list(bad)), S.DOC_ID, ids, consumed=())
    objects = _objects_in_fields(frame, source)
    for idx, (fld, reason) in objects.items():
        out.rejects.append(_reject_at(frame, idx, "bad_type", reason, field=fld))
    frame = _apply_columns(frame.drop(index=list(objects)), source)
    for fld, value in source.constants.items():
        frame = _put(frame, fld, pd.Series(value, index=frame.index, dtype=object), consumed=())
    frame = _protect_computed(frame)
    _check_required(frame, source)

    bad_rows: dict[Any, tuple[str, str]] = {}
    for fld in STRING_FIELDS:
        if fld not in frame.columns:
            continue
        values, errors = _coerce_column(frame[fld], fld)
        frame[fld] = values
        for idx, reason in errors.items():
            bad_rows.setdefault(idx, (fld, reason))
    for idx, (fld, reason) in bad_rows.items():
        out.rejects.append(_reject_at(frame, idx, "bad_type", reason, field=fld))
    frame = frame.drop(index=list(bad_rows))
    if source.id_prefix:
        frame[S.DOC_ID] = frame[S.DOC_ID].map(
            lambda v: f"{source.id_prefix}{v}" if isinstance(v, str) else v
        )
    if source.text_format == "html":
        frame = _extract_html(frame, out)
    out.frame = frame.reset_index(drop=True)
    return out


# --- columns ------------------------------------------------------------------------


def _check_columns(records: pd.DataFrame, source: CorpusSource) -> None:
    present = set(records.columns)
    missing = [
        f"{fld} (from column {col!r})" for fld, col in source.columns.items() if col not in present
    ]
    missing += [
        f"doc_id (id_template uses {name!r})"
        for name in source.template_fields
        if name not in present and name not in (TEMPLATE_ROW, TEMPLATE_FILE)
    ]
    if missing:
        shown = sorted(c for c in present if c not in _LOCATION)
        raise CorpusError(
            f"mapped column(s) not in the data: {', '.join(missing)}; columns present: "
            f"{shown[:40]}{' ...' if len(shown) > 40 else ''}",
            path=_where(records, source),
            line=_header_line(source),
            field=missing[0].split(" ")[0],
            hint="fix `columns:`/`id_template:` for this corpus entry in study.yaml "
            "(nested fields are written a.b)",
        )


def _objects_in_fields(frame: pd.DataFrame, source: CorpusSource) -> dict[Any, tuple[str, str]]:
    """Records whose schema-field column holds an object (read as dotted sub-columns)."""
    found: dict[Any, tuple[str, str]] = {}
    for fld in STRING_FIELDS:
        col = source.columns.get(fld, fld)
        parts = [c for c in frame.columns if isinstance(c, str) and c.startswith(f"{col}.")]
        if not parts or fld in source.constants:
            continue
        own = frame[col] if col in frame.columns else pd.Series(None, index=frame.index)
        has_parts = frame[parts].notna().any(axis=1)
        for idx in frame.index[(own.map(_is_missing) & has_parts).to_numpy(dtype=bool)]:
            shown = ", ".join(parts[:3]) + (" ..." if len(parts) > 3 else "")
            found.setdefault(
                idx,
                (
                    fld,
                    f"{fld}: an object ({shown}), not text; map one of its fields, e.g. "
                    f"`{fld}: {parts[0]}`",
                ),
            )
    return found


def _apply_columns(frame: pd.DataFrame, source: CorpusSource) -> pd.DataFrame:
    consumed = set(source.columns.values())
    new = {fld: frame[col] for fld, col in source.columns.items()}
    # A column named like a mapped field but not itself mapped is kept as source_<name>.
    clashes = [fld for fld in new if fld in frame.columns and fld not in consumed]
    frame = frame.rename(columns={c: _free_name(frame, f"source_{c}") for c in clashes})
    frame = frame.drop(columns=[c for c in consumed if c in frame.columns])
    for fld, values in new.items():
        frame[fld] = values
    return frame


def _put(frame: pd.DataFrame, fld: str, values: pd.Series, consumed) -> pd.DataFrame:
    if fld in frame.columns and fld not in consumed:
        frame = frame.rename(columns={fld: _free_name(frame, f"source_{fld}")})
    frame[fld] = values
    return frame


def _protect_computed(frame: pd.DataFrame) -> pd.DataFrame:
    clashes = [c for c in COMPUTED_COLUMNS if c in frame.columns]
    return frame.rename(columns={c: _free_name(frame, f"source_{c}") for c in clashes})


def _free_name(frame: pd.DataFrame, name: str) -> str:
    candidate, n = name, 1
    while candidate in frame.columns:
        n += 1
        candidate = f"{name}_{n}"
    return candidate


def _where(records: pd.DataFrame, source: CorpusSource) -> str:
    """The file (relative to the study folder) a column error is about."""
    files = records[S.SOURCE_FILE].unique() if S.SOURCE_FILE in records.columns else []
    if len(files) == 1:
        return str(files[0])
    return f"{source.path} ({len(files)} files)" if len(files) else source.path


def _header_line(source: CorpusSource) -> int | None:
    return 1 if source.resolved_format in ("csv", "tsv") else None  # columns come from line 1


def _check_required(frame: pd.DataFrame, source: CorpusSource) -> None:
    for fld in S.REQUIRED_ARTICLE_FIELDS:
        if fld not in frame.columns:
            shown = sorted(c for c in frame.columns if c not in _LOCATION)
            example = "id_template: '{id}'" if fld == S.DOC_ID else f"columns: {{{fld}: <column>}}"
            raise CorpusError(
                f"required field {fld!r} is missing: no column is named or mapped {fld!r} "
                f"(columns present: {shown[:40]})",
                path=_where(frame, source),
                line=_header_line(source),
                field=fld,
                hint=f"map it in study.yaml for this corpus entry, e.g. `{example}`"
                + (f" or `constants: {{{fld}: <value>}}`" if fld == S.OUTLET else ""),
            )


# --- doc_id templates ---------------------------------------------------------------


def _template_ids(frame: pd.DataFrame, template: str) -> tuple[pd.Series, dict[Any, str]]:
    ids: dict[Any, str] = {}
    bad: dict[Any, str] = {}
    names = {m.group(1) for m in _TEMPLATE.finditer(template)}
    columns = {n: frame[n] for n in names if n in frame.columns}
    for idx in frame.index:
        location = {
            TEMPLATE_ROW: frame.at[idx, S.SOURCE_ROW],
            TEMPLATE_FILE: PurePosixPath(str(frame.at[idx, S.SOURCE_FILE])).stem,
        }

        def fill(match: re.Match[str], idx=idx, location=location) -> str:
            name, spec = match.group(1), match.group(2) or ""
            value = columns[name].at[idx] if name in columns else location.get(name)
            if _is_missing(value) or (isinstance(value, str) and not value.strip()):
                raise _Unusable(f"column {name!r} is empty")
            value = _scalar(value)
            try:
                return format(value, spec)
            except (ValueError, TypeError) as exc:
                raise _Unusable(f"cannot format {value!r} with ':{spec}': {exc}") from None

        try:
            ids[idx] = _TEMPLATE.sub(fill, template)
        except _Unusable as exc:
            bad[idx] = f"cannot build doc_id from id_template {template!r}: {exc}"
    return pd.Series(ids, dtype=object), bad


# --- values -------------------------------------------------------------------------


def _coerce_column(values: pd.Series, fld: str) -> tuple[pd.Series, dict[Any, str]]:
    out: list[Any] = []
    errors: dict[Any, str] = {}
    for idx, value in values.items():
        try:
            out.append(_as_text(value, fld))
        except _Unusable as exc:
            errors[idx] = f"{fld}: {exc}"
            out.append(None)
    return pd.Series(out, index=values.index, dtype=object), errors


def _as_text(value: Any, fld: str) -> str | None:
    if isinstance(value, str):
        return value
    if _is_missing(value):
        return None
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise _Unusable("bytes that are not UTF-8 text") from None
    if isinstance(value, dict):
        raise _Unusable("an object, not text (map one of its fields, written a.b)")
    if isinstance(value, list | tuple | np.ndarray):
        parts = [_as_text(v, fld) for v in (value.tolist() if hasattr(value, "tolist") else value)]
        parts = [p for p in parts if p]
        if not parts:
            return None
        return "\n\n".join(parts) if fld == S.TEXT else "; ".join(parts)
    if fld in (S.TEXT, S.TITLE):
        kind = "number" if isinstance(value, int | float | np.number) else type(value).__name__
        raise _Unusable(f"a {kind} ({_short(value)}), not text")
    if isinstance(value, bool | np.bool_):
        raise _Unusable(f"a boolean ({value}), not text")
    return str(_scalar(value))


def _scalar(value: Any) -> Any:
    """Python scalars; integral floats as ints (ids read as 5607.0 are "5607")."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return False


def _reject_at(frame: pd.DataFrame, idx: Any, code: str, reason: str, *, field: str) -> dict:
    doc_id = frame.at[idx, S.DOC_ID] if S.DOC_ID in frame.columns else None
    return reject(
        str(frame.at[idx, S.SOURCE_FILE]),
        _row(frame.at[idx, S.SOURCE_ROW]),
        code,
        reason,
        doc_id=doc_id if isinstance(doc_id, str) else None,
        field=field,
    )


def _row(value: Any) -> int | None:
    return None if _is_missing(value) else int(value)


# --- HTML in a text column ------------------------------------------------------------


def _extract_html(frame: pd.DataFrame, out: Mapped) -> pd.DataFrame:
    texts: dict[Any, str] = {}
    titles: dict[Any, str] = {}
    empty: list[Any] = []
    for idx, value in frame[S.TEXT].items():
        if not isinstance(value, str) or not value.strip():
            continue  # missing text is rejected by validation, with the right reason
        page = htmlx.extract(value)
        if page.text is None:
            empty.append(idx)
            out.rejects.append(
                _reject_at(frame, idx, "no_text", "no main text found in the HTML", field=S.TEXT)
            )
            continue
        texts[idx] = page.text
        if page.title:
            titles[idx] = page.title
        if page.fallback:
            out.problems.append(
                problem(
                    str(frame.at[idx, S.SOURCE_FILE]),
                    _row(frame.at[idx, S.SOURCE_ROW]),
                    "html_extraction",
                    "trafilatura found no main text; the whole page's text was used",
                    doc_id=frame.at[idx, S.DOC_ID] if S.DOC_ID in frame.columns else None,
                    field=S.TEXT,
                )
            )
    frame = frame.drop(index=empty)
    frame[S.TEXT] = pd.Series(texts, dtype=object).reindex(frame.index)
    if titles:
        current = frame[S.TITLE] if S.TITLE in frame.columns else pd.Series(None, index=frame.index)
        filled = pd.Series(titles, dtype=object).reindex(frame.index)
        frame[S.TITLE] = current.where(current.notna(), filled)
    return frame
