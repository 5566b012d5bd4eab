"""Stages ``frame_scores`` and ``aggregate``: codebook axes, then article/outlet means."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.aggregate import article_frames, outlet_frames
from analysis.errors import StudyConfigError
from analysis.frames.axes import PoleAxisScorer, score_sentences
from analysis.frames.gold import (
    adjudication_for,
    align_gold,
    frame_gold,
    load_gold_files,
    resolve,
)
from analysis.frames.supervised import cross_fitted_proba
from analysis.frames.thresholds import code_counts, frame_thresholds, too_small
from analysis.pipeline import Context, register
from analysis.stages.embeddings import encode

log = logging.getLogger(__name__)


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
    """The study's resolved gold codes aligned to ``sentences``, or None without gold.

    Where coders disagree and no adjudication settles it, the field is left uncoded.
    """
    codes = load_gold_files(ctx.study)
    if codes is None:
        return None
    resolved = resolve(codes, ctx.study.config.codebook, adjudication_for(ctx.study))
    return align_gold(sentences, resolved.codes)


def _gold_files(study):
    """Raw inputs of every stage that reads gold codes: the gold files and adjudication."""
    files = [study.path(f) for f in study.config.gold_files]
    return [*files, study.path(study.config.coding.adjudication)] if files else []


def scored(sentences: pd.DataFrame, X: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The sentences that are scored (fragments are not) and their vectors."""
    if S.FRAGMENT not in sentences.columns:
        return sentences, X
    keep = ~sentences[S.FRAGMENT].to_numpy(dtype=bool)
    return sentences[keep].reset_index(drop=True), X[keep]


@register(
    "frame_scores",
    version="4",
    inputs=("articles", "sentences", "embeddings"),
    outputs=("frame_scores", "frame_thresholds"),
    config=lambda s: {
        "codebook": s.config.codebook.model_dump(),
        "scoring": s.config.scoring.model_dump(),
        "gold": s.config.gold,
        "coding": s.config.coding.adjudication,
        "embedding": s.config.embedding.identity(),
    },
    raw_files=_gold_files,
)
def frame_scores_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Score every sentence on each frame: position, relevance, and whether it is present."""
    sentences = ctx.table("sentences")
    keys, X = ctx.matrix("embeddings", S.EMBEDDING)
    aligned = np.array_equal(keys[S.DOC_ID], sentences[S.DOC_ID]) and np.array_equal(
        keys[S.SENT_ID], sentences[S.SENT_ID]
    )
    if not aligned:
        raise RuntimeError("embeddings are not aligned with sentences; run with --force embeddings")
    sentences, X = scored(sentences, X)
    gold = gold_for(ctx, sentences)
    if ctx.study.config.scoring.method == "supervised":
        return supervised_scores(ctx, sentences, X, gold)
    scorer = fit_codebook(ctx)
    thresholds = frame_thresholds(
        scorer.relevance(X), ctx.study.config.codebook, ctx.study.config.scoring, gold
    )
    cut = dict(zip(thresholds[S.FRAME], thresholds[S.THRESHOLD], strict=True))
    return {
        "frame_scores": score_sentences(sentences, X, scorer, cut),
        "frame_thresholds": thresholds,
    }


def supervised_scores(
    ctx: Context, sentences: pd.DataFrame, X: np.ndarray, gold: pd.DataFrame | None
) -> dict[str, pd.DataFrame]:
    """Frame scores from classifiers fitted on the gold codes (cross-fitted where coded).

    Position is P(pole A) − P(pole B); relevance is P(pole A) + P(pole B); a frame is
    present where the classifier's most likely code is one of its poles' (relevance ≥ 0.5
    is the same rule for three classes only approximately, so presence uses argmax).
    """
    if gold is None:
        raise StudyConfigError(
            "scoring.method is 'supervised' but the study has no gold codes",
            hint="add `gold: <coded sentences.csv>` to study.yaml (see `framing annotate`), "
            "or use `scoring: {method: axis}`",
        )
    groups = sentence_groups(ctx, sentences)
    seed = ctx.study.config.seed
    frames = ctx.study.config.codebook.frames
    minimum = ctx.study.config.scoring.min_gold_per_code
    small = {f.id: code_counts(gold, f) for f in frames}
    small = {k: v for k, v in small.items() if too_small(v, minimum)}
    if small:
        raise StudyConfigError(
            "scoring.method is 'supervised' but the gold set is too small to train on: "
            + "; ".join(f"{k} {v}" for k, v in small.items())
            + f" (scoring.min_gold_per_code is {minimum})",
            hint="code more sentences (`framing annotate export`), or use "
            "`scoring: {method: axis}`",
        )
    positions, relevance, present, rows = [], [], [], []
    for frame in frames:
        labels, coded = frame_gold(gold, frame)
        proba, classes = cross_fitted_proba(X, labels, coded, groups, seed)
        by_class = {c: proba[:, i] for i, c in enumerate(classes)}
        zero = np.zeros(len(X))
        a = by_class.get(frame.poles[0].id, zero)
        b = by_class.get(frame.poles[1].id, zero) if frame.bipolar else zero
        positions.append(a - b)
        relevance.append(a + b)
        present.append(classes[proba.argmax(axis=1)] != S.NONE_CODE)
        rows.append(
            {
                S.FRAME: frame.id,
                S.THRESHOLD: float("nan"),
                S.THRESHOLD_SOURCE: "supervised",
                S.F1: None,
                S.N_CODED: int(coded.sum()),
                S.NOTE: None,
            }
        )
    scores = score_sentences(
        sentences,
        X,
        _FixedScores(np.column_stack(positions), np.column_stack(relevance), frames),
        {f.id: -np.inf for f in frames},
    )
    scores[S.PRESENT] = np.column_stack(present).reshape(-1)
    return {
        "frame_scores": S.FRAME_SCORES.validate(scores),
        "frame_thresholds": S.FRAME_THRESHOLDS.validate(pd.DataFrame(rows)),
    }


class _FixedScores:
    """Precomputed scores behind the scorer interface that score_sentences expects."""

    def __init__(self, positions: np.ndarray, relevance: np.ndarray, frames):
        self._positions, self._relevance = positions, relevance
        self.frames_ = [f.id for f in frames]

    def transform(self, X):
        return np.clip(self._positions, -1.0, 1.0)

    def relevance(self, X):
        return np.clip(self._relevance, -1.0, 1.0)


def sentence_groups(ctx: Context, sentences: pd.DataFrame) -> np.ndarray:
    """Cross-validation groups: each sentence's event when all are known, else its article."""
    articles = ctx.table("articles")
    if S.EVENT_ID in articles.columns and articles[S.EVENT_ID].notna().all():
        event = dict(zip(articles[S.DOC_ID], articles[S.EVENT_ID], strict=True))
        return sentences[S.DOC_ID].map(event).to_numpy()
    return sentences[S.DOC_ID].to_numpy()


@register(
    "aggregate",
    version="3",
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
