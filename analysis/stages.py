"""The study's stages, registered by name. Each is a thin wrapper over a pure function.

Config slices passed to ``register`` decide what invalidates a stage: the codebook is
read only by ``frame_scores``, so a codebook edit re-runs scoring and what follows it.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import schema as S
from analysis.aggregate import article_frames, outlet_frames
from analysis.corpus.ingest import ingest, load_outlets
from analysis.embed import Encoder
from analysis.frames.axes import PoleAxisScorer, score_sentences
from analysis.io import matrix_to_arrow, write_text
from analysis.pipeline import Context, register
from analysis.study import Study
from analysis.text.sentences import split_sentences

log = logging.getLogger(__name__)


def encoder(ctx: Context) -> Encoder:
    cfg = ctx.study.config.embedding
    return ctx.resource("encoder", lambda: Encoder(cfg.model, batch_size=cfg.batch_size))


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


@register("sentences", version="1", inputs=("articles",), outputs=("sentences",))
def sentences_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Split articles into sentences with character offsets."""
    return {"sentences": split_sentences(ctx.table("articles"))}


@register(
    "embeddings",
    version="1",
    inputs=("sentences",),
    outputs=("embeddings",),
    config=lambda s: {"model": s.config.embedding.model},
)
def embeddings_stage(ctx: Context) -> dict[str, pa.Table]:
    """Embed every sentence; vectors come from the content-hash cache when present."""
    sentences = ctx.table("sentences")
    enc = encoder(ctx)
    vectors = enc.encode(sentences[S.TEXT].tolist(), desc="sentences")
    ctx.count("encoded", enc.last_stats.n_encoded)
    ctx.count("from_cache", enc.last_stats.n_cached)
    table = pa.table(
        {
            S.DOC_ID: sentences[S.DOC_ID].to_numpy(),
            S.SENT_ID: sentences[S.SENT_ID].to_numpy(),
            S.TEXT_KEY: enc.keys(sentences[S.TEXT].tolist()),
            S.EMBEDDING: matrix_to_arrow(vectors)
            if len(vectors)
            else pa.array([], pa.list_(pa.float32(), 1)),
        }
    )
    return {"embeddings": table}


def fit_codebook(ctx: Context) -> PoleAxisScorer:
    codebook = ctx.study.config.codebook
    texts, poles = [], []
    for frame in codebook.frames:
        for pole in frame.poles:
            texts.extend(pole.exemplars)
            poles.extend([pole.id] * len(pole.exemplars))
    enc = encoder(ctx)
    X = enc.encode(texts, desc="codebook exemplars")
    ctx.count("encoded", enc.last_stats.n_encoded)
    ctx.count("from_cache", enc.last_stats.n_cached)
    return PoleAxisScorer(codebook).fit(X, poles)


@register(
    "frame_scores",
    version="1",
    inputs=("sentences", "embeddings"),
    outputs=("frame_scores",),
    config=lambda s: {
        "codebook": s.config.codebook.model_dump(),
        "model": s.config.embedding.model,
    },
)
def frame_scores_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Project every sentence onto each codebook frame's pole axis."""
    sentences = ctx.table("sentences")
    keys, X = ctx.matrix("embeddings", S.EMBEDDING)
    if not (
        np.array_equal(keys[S.DOC_ID], sentences[S.DOC_ID])
        and np.array_equal(keys[S.SENT_ID], sentences[S.SENT_ID])
    ):
        raise RuntimeError("embeddings are not aligned with sentences; run with --force embeddings")
    return {"frame_scores": score_sentences(sentences, X, fit_codebook(ctx))}


@register(
    "aggregate",
    version="1",
    inputs=("frame_scores",),
    outputs=("article_frames", "outlet_frames"),
    config=lambda s: {"aggregate": s.config.aggregate.model_dump(), "seed": s.config.seed},
)
def aggregate_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Article means per frame, and outlet means with bootstrap CIs over articles."""
    cfg = ctx.study.config.aggregate
    articles = article_frames(ctx.table("frame_scores"))
    outlets = outlet_frames(articles, cfg.n_boot, cfg.ci, ctx.study.config.seed)
    return {"article_frames": articles, "outlet_frames": outlets}
