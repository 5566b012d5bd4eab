"""Stage ``articles``: load, validate, normalise and deduplicate the corpus."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.corpus.ingest import ingest, write_reports
from analysis.corpus.readers import source_files
from analysis.errors import CorpusError, FramingError
from analysis.pipeline import Context, register
from analysis.study import Study


def _corpus_files(study: Study):
    files = []
    for src in study.config.corpus:
        try:
            files.extend(source_files(study, src))
        except FramingError:
            files.append(study.path(src.path))  # the stage itself reports the problem
    if study.config.outlets:
        files.append(study.path(study.config.outlets))
    return files


@register(
    "articles",
    outputs={
        "articles": S.ARTICLES,
        "outlets": S.OUTLETS,
        "rejects": S.REJECTS,
        "filtered": S.FILTERED,
        "problems": S.PROBLEMS,
        "boilerplate": S.BOILERPLATE,
    },
    config=lambda s: {
        "corpus": [c.model_dump(mode="json") for c in s.config.corpus],
        "outlets": s.config.outlets,
        "ingest": s.config.ingest.model_dump(mode="json"),
        "filter": s.config.filter.model_dump(mode="json"),
    },
    raw_files=_corpus_files,
)
def articles_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Load, validate, normalise and deduplicate the corpus; list every rejected record."""
    study = ctx.study
    result = ingest(study)
    write_reports(study, result)
    if result.n_kept == 0:
        raise CorpusError(
            f"all {result.n_read} records were rejected or filtered out "
            f"({result.n_rejected} rejected, {result.n_filtered} filtered); nothing to analyse",
            path=str(study.build_dir / "rejects.csv"),
            hint=f"see the reasons there, or run `framing validate {study.root}`",
        )
    ctx.count("articles_read", result.n_read)
    ctx.count("articles_rejected", result.n_rejected)
    ctx.count("articles_filtered", result.n_filtered)
    return {
        "articles": result.articles,
        "outlets": result.outlets,
        "rejects": result.rejects,
        "filtered": result.filtered,
        "problems": result.problems,
        "boilerplate": result.boilerplate,
    }
