"""Stage ``articles``: load, validate and normalise the corpus."""

from __future__ import annotations

import pandas as pd

from analysis.corpus.ingest import ingest, load_outlets
from analysis.io import write_text
from analysis.pipeline import Context, register
from analysis.study import Study


def _corpus_files(study: Study):
    files = [study.path(src.path) for src in study.config.corpus]
    if study.config.outlets:
        files.append(study.path(study.config.outlets))
    return files


@register(
    "articles",
    version="1",
    outputs=("articles", "outlets", "rejects"),
    config=lambda s: {
        "corpus": [c.model_dump() for c in s.config.corpus],
        "outlets": s.config.outlets,
    },
    raw_files=_corpus_files,
)
def articles_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Load, validate and normalise the corpus; list every rejected record."""
    result = ingest(ctx.study)
    outlets = load_outlets(ctx.study, result.articles)
    write_text(ctx.study.build_dir / "rejects.csv", result.rejects.to_csv(index=False))
    return {"articles": result.articles, "outlets": outlets, "rejects": result.rejects}
