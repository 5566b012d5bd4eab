"""Stages ``frame_scores`` and ``aggregate``: codebook axes, then article/outlet means."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.aggregate import article_frames, outlet_frames
from analysis.errors import CorpusError
from analysis.frames.axes import PoleAxisScorer, score_sentences
from analysis.frames.gold import align_gold, load_gold
from analysis.frames.thresholds import frame_thresholds
from analysis.pipeline import Context, register
from analysis.stages.embeddings import encode


def fit_codebook(ctx: Context) -> PoleAxisScorer:
    """Fit the pole axes on the codebook's exemplars (encoded through the cache)."""
    codebook = ctx.study.config.codebook
    texts, poles = [], []
    for frame in codebook.frames:
        for pole in frame.poles:
            texts.extend(pole.exemplars)
            poles.extend([pole.id] * len(pole.exemplars))
    return PoleAxisScorer(codebook).fit(encode(ctx, texts, desc="codebook exemplars"), poles)


def gold_for(ctx: Context, sentences: pd.DataFrame) -> pd.DataFrame | None:
    """The study's gold codes aligned to its sentences, or None when it has none."""
    if not ctx.study.config.gold:
        return None
    path = ctx.study.path(ctx.study.config.gold)
    gold = load_gold(path)
    if S.POLE in gold.columns:
        known = {p.id for f in ctx.study.config.codebook.frames for p in f.poles}
        unknown = gold[S.POLE].notna() & ~gold[S.POLE].isin(known)
        if unknown.any():
            line = int(unknown.to_numpy().nonzero()[0][0]) + 2
            raise CorpusError(
                f"pole {gold[S.POLE][unknown].iloc[0]!r} is not in the codebook",
                path=str(path),
                line=line,
                field=S.POLE,
                hint=f"use one of {sorted(known)}, or leave the field empty",
            )
    return align_gold(sentences, gold)


def _gold_files(study):
    return [study.path(study.config.gold)] if study.config.gold else []


@register(
    "frame_scores",
    version="2",
    inputs=("sentences", "embeddings"),
    outputs=("frame_scores", "frame_thresholds"),
    config=lambda s: {
        "codebook": s.config.codebook.model_dump(),
        "scoring": s.config.scoring.model_dump(),
        "gold": s.config.gold,
        "model": s.config.embedding.model,
    },
    raw_files=_gold_files,
)
def frame_scores_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Project every sentence onto each frame's pole axis; mark where the frame is present."""
    sentences = ctx.table("sentences")
    keys, X = ctx.matrix("embeddings", S.EMBEDDING)
    aligned = np.array_equal(keys[S.DOC_ID], sentences[S.DOC_ID]) and np.array_equal(
        keys[S.SENT_ID], sentences[S.SENT_ID]
    )
    if not aligned:
        raise RuntimeError("embeddings are not aligned with sentences; run with --force embeddings")
    scorer = fit_codebook(ctx)
    thresholds = frame_thresholds(
        scorer.relevance(X),
        ctx.study.config.codebook,
        ctx.study.config.scoring,
        gold_for(ctx, sentences),
    )
    cut = dict(zip(thresholds[S.FRAME], thresholds[S.THRESHOLD], strict=True))
    return {
        "frame_scores": score_sentences(sentences, X, scorer, cut),
        "frame_thresholds": thresholds,
    }


@register(
    "aggregate",
    version="2",
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
