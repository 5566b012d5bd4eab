"""Load a study's corpus into the articles table, accounting for every record.

Steps, each in its own module: read each corpus entry (readers), map its columns onto
the schema (mapping), normalise Unicode and whitespace (normalize), validate required
fields and unique ids with the pandera schema (validate), strip boilerplate lines
(boilerplate), parse dates (dates), detect the language and apply the study's language
filter (language), and mark exact and near-duplicates (dedup).

Every record read is either kept or rejected with its file, row, field and reason:
``n_read == n_kept + n_rejected`` is checked on every run. What is wrong with a kept
record (an unparseable date, a guessed encoding) is listed in ``problems``.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import schema as S
from analysis.corpus.boilerplate import BoilerplateStripper
from analysis.corpus.dates import DateParser
from analysis.corpus.dedup import DuplicateFinder
from analysis.corpus.filters import apply_filters
from analysis.corpus.language import LanguageDetector
from analysis.corpus.mapping import STRING_FIELDS, map_records
from analysis.corpus.normalize import normalize_field, normalize_text
from analysis.corpus.outlets import load_outlets
from analysis.corpus.readers import display_path, read_source
from analysis.corpus.report import (
    filtered_frame,
    problem,
    problems_frame,
    reject,
    rejects_frame,
)
from analysis.corpus.validate import screen_records, validate_records
from analysis.errors import CorpusError, InternalError
from analysis.io import write_csv
from analysis.study import Study, configured

log = logging.getLogger(__name__)

_SOURCE_INDEX = "__source_index"  # which corpus entry a record came from (dropped at the end)
# Column order of the articles table; extra source columns follow.
ARTICLE_COLUMNS = (
    *S.ARTICLE_FIELDS,
    S.LANGUAGE_SCORE,
    S.DUPLICATE_OF,
    S.DUPLICATE_KIND,
    S.DUPLICATE_SIMILARITY,
    S.BOILERPLATE_LINES,
    S.SOURCE_FILE,
    S.SOURCE_ROW,
)


@dataclass
class IngestResult:
    articles: pd.DataFrame
    rejects: pd.DataFrame
    problems: pd.DataFrame
    boilerplate: pd.DataFrame
    outlets: pd.DataFrame
    n_read: int
    filtered: pd.DataFrame = field(default_factory=lambda: filtered_frame([]))
    read_per_file: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per step
    # Per outlet and language: articles kept and left out by ingest.language.keep
    # (columns in schema.LANGUAGE_COUNT_COLUMNS); empty when no record got that far.
    languages: pd.DataFrame = field(default_factory=lambda: language_counts(pd.DataFrame()))

    @property
    def n_kept(self) -> int:
        return len(self.articles)

    @property
    def n_rejected(self) -> int:
        return len(self.rejects)

    @property
    def n_filtered(self) -> int:
        return len(self.filtered)


def ingest(study: Study) -> IngestResult:
    """Read, validate, normalise and deduplicate the study's corpus."""
    cfg = study.config.ingest
    timer = _Timer()
    frames: list[pd.DataFrame] = []
    rejects: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    read_per_file: Counter[str] = Counter()
    with timer("read"):
        for number, source in enumerate(study.config.corpus):
            raw = read_source(study, source)
            for label in raw.records.get(S.SOURCE_FILE, pd.Series(dtype=object)):
                read_per_file[label] += 1
            for r in raw.rejects:
                read_per_file[r[S.SOURCE_FILE]] += 1
            for path in raw.files:  # files that held no record still show up, with 0
                read_per_file.setdefault(display_path(study, path), 0)
            mapped = map_records(raw.records, source)
            rejects += raw.rejects + mapped.rejects
            problems += raw.problems + mapped.problems
            if len(mapped.frame):
                frames.append(mapped.frame.assign(**{_SOURCE_INDEX: number}))
            del raw, mapped  # the raw texts are not needed any more (memory)
    n_read = sum(read_per_file.values())
    if n_read == 0:
        raise CorpusError(
            "no records found in any corpus file",
            path=str(study.root),
            hint="check `corpus:` in study.yaml and that the files hold data",
        )

    with timer("normalize_validate"):
        df = pd.concat(frames, ignore_index=True) if frames else _empty_records()
        frames.clear()
        df, found = screen_records(df, cfg.max_chars, skip=(S.SOURCE_FILE, _SOURCE_INDEX))
        rejects += found
        df = _normalize(df)
        df, found = validate_records(df)
        rejects += found
    with timer("boilerplate"):
        df, boilerplate, found = _strip_boilerplate(df, cfg.boilerplate)
        rejects += found
    with timer("dates"):
        df, found = _parse_dates(df, study)
        problems += found
    with timer("language"):
        df, found, languages = _languages(df, cfg.language)
        rejects += found
    with timer("filter"):
        df, left_out = apply_filters(df, study.config.filter, str(study.root / "study.yaml"))
    with timer("duplicates"):
        df = _duplicates(df, cfg.duplicates)
    with timer("finish"):
        articles = _finish(df)
        outlets, found = load_outlets(study, articles)
        problems += found
    result = IngestResult(
        articles=articles,
        rejects=rejects_frame(rejects),
        problems=problems_frame(problems),
        boilerplate=boilerplate,
        outlets=outlets,
        n_read=n_read,
        filtered=filtered_frame(left_out),
        read_per_file=dict(sorted(read_per_file.items())),
        seconds=timer.seconds,
        languages=languages,
    )
    if result.n_kept + result.n_rejected + result.n_filtered != n_read:
        raise InternalError(
            f"{n_read} records read but {result.n_kept} kept + {result.n_rejected} rejected + "
            f"{result.n_filtered} filtered: a record was lost during ingestion"
        )
    log.info(
        "ingest: %d records read, %d kept, %d rejected, %d filtered out (filtered.csv), "
        "%d problem(s), %d boilerplate line(s)",
        n_read,
        result.n_kept,
        result.n_rejected,
        result.n_filtered,
        len(result.problems),
        len(boilerplate),
    )
    return result


class _Timer:
    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str):
        start = time.perf_counter()
        yield
        self.seconds[step] = round(time.perf_counter() - start, 3)


def _strip_boilerplate(df: pd.DataFrame, cfg) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    if not cfg.enabled or not len(df):
        df[S.BOILERPLATE_LINES] = np.zeros(len(df), dtype=np.int64)
        return df, pd.DataFrame(columns=list(S.BOILERPLATE.columns)), []
    stripper = configured(BoilerplateStripper(), cfg)
    texts, outlets = df[S.TEXT].tolist(), df[S.OUTLET].tolist()
    stripped = stripper.fit(texts, outlets).transform(texts, outlets, df[S.DOC_ID].tolist())
    df[S.TEXT] = stripped.texts
    df[S.BOILERPLATE_LINES] = stripped.n_lines
    # A text that was nothing but boilerplate is now empty: rejected, with that reason.
    df, found = validate_records(df, df[S.BOILERPLATE_LINES])
    return df, stripped.lines, found


def _empty_records() -> pd.DataFrame:
    cols = [*S.REQUIRED_ARTICLE_FIELDS, S.SOURCE_FILE, S.SOURCE_ROW, _SOURCE_INDEX]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def _normalize(df: pd.DataFrame) -> pd.DataFrame:
    for fld in STRING_FIELDS:
        if fld not in df.columns:
            continue
        fn = normalize_text if fld == S.TEXT else normalize_field
        df[fld] = df[fld].map(lambda v, fn=fn: fn(v) if isinstance(v, str) else None).astype(object)
    if S.LANGUAGE in df.columns:
        df[S.LANGUAGE] = (
            df[S.LANGUAGE]
            .map(lambda v: v.lower() if isinstance(v, str) and v else None)
            .astype(object)
        )
    return df


def _parse_dates(df: pd.DataFrame, study: Study) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    dates = study.config.ingest.dates
    found: list[dict[str, Any]] = []
    if S.PUBLISHED not in df.columns:
        return df, found
    published = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    if len(df):
        for number, rows in df.groupby(_SOURCE_INDEX, sort=True):
            source = study.config.corpus[int(number)]
            parser = DateParser(
                dayfirst=source.dayfirst,
                date_format=source.date_format,
                timezone_name=source.timezone,
                earliest=dates.earliest,
                latest=dates.latest,
            )
            parsed, issues = parser.parse(rows[S.PUBLISHED])
            published.loc[rows.index] = parsed
            for issue in issues:
                found.append(
                    problem(
                        str(df.at[issue.index, S.SOURCE_FILE]),
                        _row(df.at[issue.index, S.SOURCE_ROW]),
                        issue.code,
                        issue.reason,
                        doc_id=df.at[issue.index, S.DOC_ID],
                        field=S.PUBLISHED,
                        value=issue.value,
                    )
                )
    df[S.PUBLISHED] = published
    return df, found


def _languages(df: pd.DataFrame, cfg) -> tuple[pd.DataFrame, list[dict[str, Any]], pd.DataFrame]:
    given = df[S.LANGUAGE] if S.LANGUAGE in df.columns else pd.Series(None, index=df.index)
    languages = given.astype(object).where(given.notna(), None)
    scores = np.full(len(df), np.nan)
    if cfg.detect and len(df):
        todo = np.flatnonzero(languages.isna().to_numpy())
        detector = configured(LanguageDetector(), cfg)
        codes, found_scores = detector.detect(df[S.TEXT].iloc[todo].tolist())
        languages.iloc[todo] = codes
        scores[todo] = found_scores
    df[S.LANGUAGE] = languages.astype(object)
    df[S.LANGUAGE_SCORE] = scores
    rejects: list[dict[str, Any]] = []
    out = pd.Series(False, index=df.index)
    if cfg.keep is not None and len(df):
        keep = {code.lower() for code in cfg.keep}
        lang = df[S.LANGUAGE]
        out = lang.map(
            lambda v: (v not in keep) if isinstance(v, str) else not cfg.keep_undetermined
        ).astype(bool)
        for idx in df.index[out.to_numpy(dtype=bool)]:
            value = lang.at[idx]
            what = f"language {value!r}" if isinstance(value, str) else "undetermined language"
            rejects.append(
                reject(
                    str(df.at[idx, S.SOURCE_FILE]),
                    _row(df.at[idx, S.SOURCE_ROW]),
                    "language",
                    f"{what} is not among ingest.language.keep {sorted(keep)}",
                    doc_id=df.at[idx, S.DOC_ID],
                    field=S.LANGUAGE,
                )
            )
    counts = language_counts(df.assign(**{_LEFT_OUT: out.to_numpy(dtype=bool)}))
    if cfg.keep is not None and len(df):
        df = df.loc[~out.to_numpy(dtype=bool)].reset_index(drop=True)
        _log_left_out(counts, cfg.keep)
    return df, rejects, counts


_LEFT_OUT = "__left_out"


def language_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Articles kept and left out by the language filter, per outlet and language."""
    columns = list(S.LANGUAGE_COUNT_COLUMNS)
    if df.empty or S.LANGUAGE not in df.columns:
        return pd.DataFrame(
            {c: pd.Series(dtype=object if i < 2 else "int64") for i, c in enumerate(columns)}
        )
    frame = pd.DataFrame(
        {
            S.OUTLET: df[S.OUTLET].to_numpy(),
            S.LANGUAGE: df[S.LANGUAGE].map(lambda v: v if isinstance(v, str) else UNDETERMINED),
            S.N_LEFT_OUT: df[_LEFT_OUT].astype("int64").to_numpy(),
        }
    )
    frame[S.N_KEPT] = 1 - frame[S.N_LEFT_OUT]
    grouped = frame.groupby([S.OUTLET, S.LANGUAGE], sort=True)[[S.N_KEPT, S.N_LEFT_OUT]].sum()
    return grouped.reset_index()[columns].astype({S.N_KEPT: "int64", S.N_LEFT_OUT: "int64"})


UNDETERMINED = "undetermined"


def _log_left_out(counts: pd.DataFrame, keep: list[str]) -> None:
    left = counts[counts[S.N_LEFT_OUT] > 0]
    if left.empty:
        return
    per_outlet = (
        left.groupby(S.OUTLET, sort=True)
        .apply(
            lambda g: ", ".join(
                f"{lang} {n}" for lang, n in zip(g[S.LANGUAGE], g[S.N_LEFT_OUT], strict=True)
            ),
            include_groups=False,
        )
        .to_dict()
    )
    log.info(
        "language filter (keep %s) left out %d article(s): %s",
        keep,
        int(left[S.N_LEFT_OUT].sum()),
        "; ".join(f"{o}: {v}" for o, v in per_outlet.items()),
    )


def _duplicates(df: pd.DataFrame, cfg) -> pd.DataFrame:
    df[S.DUPLICATE_OF] = pd.Series(None, index=df.index, dtype=object)
    df[S.DUPLICATE_KIND] = pd.Series(None, index=df.index, dtype=object)
    df[S.DUPLICATE_SIMILARITY] = np.nan
    if not cfg.enabled or len(df) < 2:
        return df
    # The original is the earliest copy; undated articles come after dated ones, then
    # input order decides.
    if S.PUBLISHED in df.columns:
        seconds = (df[S.PUBLISHED] - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
        priority = seconds.fillna(np.inf).to_numpy()
    else:
        priority = np.zeros(len(df))
    finder = configured(DuplicateFinder(), cfg).fit(df[S.TEXT].tolist(), priority)
    has = finder.duplicate_of_ >= 0
    ids = df[S.DOC_ID].to_numpy(dtype=object)
    df.loc[has, S.DUPLICATE_OF] = ids[finder.duplicate_of_[has]]
    df.loc[has, S.DUPLICATE_KIND] = np.asarray(finder.kind_, dtype=object)[has]
    df[S.DUPLICATE_SIMILARITY] = finder.similarity_
    log.info(
        "duplicates: %d exact, %d near (%d candidate pairs checked)",
        sum(k == "exact" for k in finder.kind_),
        sum(k == "near" for k in finder.kind_),
        finder.n_candidates_,
    )
    return df


# Optional fields no source provides are left out rather than added empty: downstream
# stages test `field in articles.columns` to learn whether a corpus has, e.g., titles.
_ONLY_IF_GIVEN = (S.TITLE, S.PUBLISHED, S.URL, S.EVENT_ID)


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    for col in ARTICLE_COLUMNS:
        if col not in df.columns and col not in _ONLY_IF_GIVEN:
            df[col] = pd.Series(None, index=df.index, dtype=object)
    df[S.SOURCE_ROW] = pd.array(
        [None if pd.isna(v) else int(v) for v in df[S.SOURCE_ROW]], dtype="Int64"
    )
    extras = [c for c in df.columns if c not in ARTICLE_COLUMNS and c != _SOURCE_INDEX]
    df = df[[c for c in ARTICLE_COLUMNS if c in df.columns] + extras].reset_index(drop=True)
    for col in extras:
        df[col] = _arrow_safe(df[col])
    return df


_NESTED = (list, dict, tuple, np.ndarray)


def _arrow_safe(values: pd.Series) -> pd.Series:
    """An extra column as Parquet can store it: nested values as JSON, mixed types as text."""
    if values.dtype != object:
        return values
    nested = values.map(lambda v: isinstance(v, _NESTED)).to_numpy(dtype=bool)
    if not nested.any():
        try:
            pa.array(values, from_pandas=True)
            return values
        except (pa.ArrowException, OverflowError, TypeError, ValueError):
            pass  # mixed kinds (text and numbers) or out-of-range numbers: store as text

    def convert(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, _NESTED):
            return json.dumps(v.tolist() if isinstance(v, np.ndarray) else v, default=str)
        return str(v)

    return values.map(convert).astype(object)


def _row(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def write_reports(study: Study, result: IngestResult) -> None:
    """The researcher-facing CSVs beside the tables (each written atomically)."""
    study.claim_outputs()
    for name, table in (
        ("languages", result.languages),  # kept and left out per outlet and language
        ("rejects", result.rejects),
        ("filtered", result.filtered),
        ("problems", result.problems),
        ("boilerplate", result.boilerplate),
        ("outlets", result.outlets),  # a starting point for a study's own outlets file
    ):
        write_csv(table, study.build_dir / f"{name}.csv")
