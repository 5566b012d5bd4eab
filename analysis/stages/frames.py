"""Stages ``frame_scores`` and ``aggregate``: codebook axes, then article/outlet means."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.aggregate import article_frames, outlet_frames
from analysis.errors import CorpusError, StudyConfigError
from analysis.frames.axes import PoleAxisScorer, score_sentences
from analysis.frames.finetune import FinetunedClassifier, resolve_device
from analysis.frames.gold import GOLD_PREFIX, align_gold, load_gold
from analysis.frames.supervised import cross_fitted_proba
from analysis.frames.thresholds import frame_thresholds
from analysis.frames.validation import NONE, gold_labels
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


def _scoring_config(study) -> dict:
    """What frame scores depend on; a fine-tuned model also on the device type it ran on."""
    config = {
        "codebook": study.config.codebook.model_dump(),
        "scoring": study.config.scoring.model_dump(),
        "gold": study.config.gold,
        "embedding": study.config.embedding.identity(),
    }
    if study.config.scoring.method == "finetuned":
        config["device"] = resolve_device(study.config.scoring.finetune.device)
    return config


@register(
    "frame_scores",
    version="3",
    inputs=("articles", "sentences", "embeddings"),
    outputs=("frame_scores", "frame_thresholds"),
    config=_scoring_config,
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
    gold = gold_for(ctx, sentences)
    if ctx.study.config.scoring.method in ("supervised", "finetuned"):
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
    method = ctx.study.config.scoring.method
    if gold is None:
        raise StudyConfigError(
            f"scoring.method is {method!r} but the study has no gold codes",
            hint="add `gold: <coded sentences.csv>` to study.yaml (see `framing annotate`), "
            "or use `scoring: {method: axis}`",
        )
    coded = gold[GOLD_PREFIX + S.POLE].notna().to_numpy().copy()
    if GOLD_PREFIX + S.VOICE in gold.columns:
        coded |= gold[GOLD_PREFIX + S.VOICE].notna().to_numpy()
    groups = sentence_groups(ctx, sentences)
    seed = ctx.study.config.seed
    frames = ctx.study.config.codebook.frames
    features, estimator = X, None
    if method == "finetuned":
        features = sentences[S.TEXT].to_numpy(dtype=object)
        estimator = finetuned_estimator(ctx.study)
    positions, relevance, present, rows = [], [], [], []
    for frame in frames:
        labels = gold_labels(gold[GOLD_PREFIX + S.POLE], frame)
        proba, classes = cross_fitted_proba(
            features, labels, coded, groups, seed, estimator=estimator
        )
        by_class = {c: proba[:, i] for i, c in enumerate(classes)}
        zero = np.zeros(len(X))
        a = by_class.get(frame.poles[0].id, zero)
        b = by_class.get(frame.poles[1].id, zero) if frame.bipolar else zero
        positions.append(a - b)
        relevance.append(a + b)
        present.append(classes[proba.argmax(axis=1)] != NONE)
        rows.append(
            {
                S.FRAME: frame.id,
                S.THRESHOLD: float("nan"),
                S.THRESHOLD_SOURCE: method,
                S.F1: None,
                S.N_CODED: int(coded.sum()),
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


def finetuned_estimator(study) -> FinetunedClassifier:
    """The study's fine-tuning settings; its models are kept in build/<study>/finetuned/."""
    return FinetunedClassifier(
        base_model=study.config.embedding.model,
        random_state=study.config.seed,
        cache_dir=study.build_dir / "finetuned",
        **study.config.scoring.finetune.model_dump(),
    )


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
