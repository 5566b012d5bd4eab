"""Load a study's corpus into the articles table, accounting for every record.

Each record read is either kept or rejected with its file, row, field and reason:
``n_read == n_kept + n_rejected`` holds on every run and is checked before returning.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from analysis import schema as S
from analysis.corpus.readers import SOURCE_FILE, SOURCE_ROW, Unreadable, read_source
from analysis.errors import CorpusError
from analysis.study import CorpusSource, Study

log = logging.getLogger(__name__)

REJECT_COLUMNS = ["source_file", "source_row", "doc_id", "field", "reason"]
_STRING_FIELDS = (S.DOC_ID, S.OUTLET, S.TEXT, S.TITLE, S.URL, S.LANGUAGE, S.EVENT_ID)


@dataclass
class IngestResult:
    articles: pd.DataFrame
    rejects: pd.DataFrame
    n_read: int
    notes: list[str] = field(default_factory=list)

    @property
    def n_kept(self) -> int:
        return len(self.articles)


def normalize_text(text: str) -> str:
    """NFC, unified line breaks, trimmed lines, at most one blank line in a row.

    Quotation marks are left exactly as written: voice detection depends on them.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _map_columns(df: pd.DataFrame, source: CorpusSource, path: str) -> pd.DataFrame:
    missing = [
        f"{fld} (from column {col!r})"
        for fld, col in source.columns.items()
        if col not in df.columns
    ]
    if missing and len(df):
        raise CorpusError(
            f"mapped column(s) not in the file: {', '.join(missing)}; columns present: "
            f"{sorted(c for c in df.columns if c not in (SOURCE_FILE, SOURCE_ROW))}",
            path=path,
            field=next(iter(source.columns)),
            hint="fix `columns:` for this corpus entry in study.yaml",
        )
    renamed = {col: fld for fld, col in source.columns.items()}
    clash = [fld for fld, col in source.columns.items() if fld in df.columns and fld != col]
    # A source column already named like a schema field we map onto is kept as source_<name>.
    df = df.rename(columns={c: f"source_{c}" for c in clash})
    df = df.rename(columns=renamed)
    for fld in S.REQUIRED_ARTICLE_FIELDS:
        if fld not in df.columns and len(df):
            raise CorpusError(
                f"required field {fld!r} is missing",
                path=path,
                field=fld,
                hint=f"map it in study.yaml, e.g. `columns: {{{fld}: <source column>}}`",
            )
    return df


def _to_str(series: pd.Series) -> pd.Series:
    def conv(v):
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return None
        return v if isinstance(v, str) else str(v)

    return series.map(conv).astype(object)


def _reject_rows(df: pd.DataFrame, mask: pd.Series, fld: str, reason) -> pd.DataFrame:
    rows = df.loc[mask]
    reasons = rows.apply(reason, axis=1) if callable(reason) else reason
    return pd.DataFrame(
        {
            "source_file": rows[SOURCE_FILE],
            "source_row": rows[SOURCE_ROW],
            "doc_id": rows.get(S.DOC_ID),
            "field": fld,
            "reason": reasons,
        }
    )


def ingest(study: Study) -> IngestResult:
    frames, rejects = [], []
    n_read = 0
    for source in study.config.corpus:
        path = study.path(source.path)
        raw, unreadable = read_source(path, source.resolved_format)
        n_read += len(raw) + len(unreadable)
        rejects.append(_unreadable_frame(unreadable))
        if len(raw):
            frames.append(_map_columns(raw, source, str(path)))
    if not frames:
        raise CorpusError(
            "no records found in any corpus file",
            path=str(study.root),
            hint="check `corpus:` in study.yaml",
        )
    df = pd.concat(frames, ignore_index=True)
    for fld in _STRING_FIELDS:
        if fld in df.columns:
            df[fld] = _to_str(df[fld])
    for fld in (S.TEXT, S.TITLE):
        if fld in df.columns:
            df[fld] = df[fld].map(lambda t: normalize_text(t) if isinstance(t, str) else t)
    for fld in (S.DOC_ID, S.OUTLET):
        df[fld] = df[fld].map(lambda t: t.strip() if isinstance(t, str) else t)

    for fld in S.REQUIRED_ARTICLE_FIELDS:
        bad = df[fld].isna() | (df[fld].fillna("") == "")
        rejects.append(_reject_rows(df, bad, fld, f"{fld} is missing or empty"))
        df = df.loc[~bad]
    first_row = df.groupby(S.DOC_ID)[SOURCE_ROW].transform("first")
    first_file = df.groupby(S.DOC_ID)[SOURCE_FILE].transform("first")
    dup = df.duplicated(S.DOC_ID, keep="first")
    rejects.append(
        _reject_rows(
            df.assign(_f=first_file, _r=first_row),
            dup,
            S.DOC_ID,
            lambda r: f"duplicate doc_id; first seen at {r['_f']} row {r['_r']}",
        )
    )
    df = df.loc[~dup]
    if S.PUBLISHED in df.columns:
        df[S.PUBLISHED] = pd.to_datetime(
            df[S.PUBLISHED], utc=True, errors="coerce", format="ISO8601"
        )
    try:
        articles = S.ARTICLES.validate(df.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as exc:  # anything left is a bug in the steps above
        raise CorpusError(f"articles table failed validation:\n{exc.failure_cases}") from exc
    reject_df = (
        pd.concat([r for r in rejects if len(r)], ignore_index=True)
        if any(len(r) for r in rejects)
        else pd.DataFrame(columns=REJECT_COLUMNS)
    )
    result = IngestResult(articles, reject_df[REJECT_COLUMNS], n_read)
    assert result.n_kept + len(result.rejects) == n_read, "a record was lost during ingestion"
    log.info(
        "ingest: %d records read, %d kept, %d rejected", n_read, result.n_kept, len(result.rejects)
    )
    return result


def _unreadable_frame(items: list[Unreadable]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "source_file": u.source_file,
                "source_row": u.source_row,
                "doc_id": None,
                "field": None,
                "reason": u.reason,
            }
            for u in items
        ],
        columns=REJECT_COLUMNS,
    )


def load_outlets(study: Study, articles: pd.DataFrame) -> pd.DataFrame:
    """The outlet metadata table; every outlet in the articles must be listed."""
    if not study.config.outlets:
        outlets = pd.DataFrame({S.OUTLET: sorted(articles[S.OUTLET].unique())})
        for col in S.OUTLET_FIELDS[1:]:
            outlets[col] = None
        return S.OUTLETS.validate(outlets)
    path = study.path(study.config.outlets)
    if not path.exists():
        raise CorpusError(
            "outlet metadata file not found",
            path=str(path),
            hint="fix `outlets:` in study.yaml or remove it",
        )
    outlets = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing_cols = [c for c in S.OUTLET_FIELDS if c not in outlets.columns]
    if missing_cols:
        raise CorpusError(
            f"missing column(s) {missing_cols}",
            path=str(path),
            field=missing_cols[0],
            hint=f"the outlets file needs columns {list(S.OUTLET_FIELDS)}",
        )
    try:
        outlets = S.OUTLETS.validate(outlets, lazy=True)
    except pa.errors.SchemaErrors as exc:
        first = exc.failure_cases.iloc[0]
        raise CorpusError(
            f"{first['check']} failed for {first['failure_case']!r}",
            path=str(path),
            line=int(first["index"]) + 2 if pd.notna(first["index"]) else None,
            field=str(first["column"]),
        ) from exc
    unknown = sorted(set(articles[S.OUTLET]) - set(outlets[S.OUTLET]))
    if unknown:
        raise CorpusError(
            f"outlet(s) in the articles but not in the outlets file: {unknown}",
            path=str(path),
            field=S.OUTLET,
            hint="add a row for each (outlet names must match exactly)",
        )
    return outlets
