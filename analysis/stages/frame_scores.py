"""Stage ``frame_scores``: every sentence scored on each codebook frame."""

from __future__ import annotations

import logging

import pandas as pd

from analysis import schema as S
from analysis.errors import StudyConfigError
from analysis.frames.axes import fit_codebook, foreign_exemplars, score_sentences
from analysis.frames.gold import gold_files, study_gold
from analysis.frames.supervised import cv_groups, supervised_scores
from analysis.frames.thresholds import frame_thresholds
from analysis.pipeline import Context, register
from analysis.stages.vectors import encode, sentence_vectors

log = logging.getLogger(__name__)


@register(
    "frame_scores",
    inputs=("articles", "sentences", "embeddings"),
    outputs={"frame_scores": S.FRAME_SCORES, "frame_thresholds": S.FRAME_THRESHOLDS},
    config=lambda s: {
        "codebook": s.config.codebook.model_dump(),
        "scoring": s.config.scoring.model_dump(),
        "gold": s.config.gold,
        "embedding": s.config.embedding.identity(),
    },
    raw_files=gold_files,
)
def frame_scores_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Score every sentence on each frame: position, relevance, and whether it is present."""
    study = ctx.study
    sentences, X = sentence_vectors(ctx)
    gold = study_gold(study, sentences)
    if study.config.scoring.method == "supervised":
        if gold is None:
            raise StudyConfigError(
                "scoring.method is 'supervised' but the study has no gold codes",
                hint="add `gold: <coded sentences.csv>` to study.yaml (see `framing annotate`), "
                "or use `scoring: {method: axis}`",
            )
        groups = cv_groups(ctx.table("articles"), sentences)
        scores, thresholds = supervised_scores(
            sentences, X, gold, study.config.codebook, groups, study.config.seed
        )
        return {"frame_scores": scores, "frame_thresholds": thresholds}
    for pole, text, language, confidence in foreign_exemplars(
        study.config.codebook, study.config.embedding.model
    ):
        log.warning(
            "codebook pole %r: exemplar %r reads as language %r (confidence %.2f), but %s is "
            "an English model; use English exemplars or a multilingual model",
            pole,
            text[:60],
            language,
            confidence,
            study.config.embedding.model,
        )
    scorer = fit_codebook(
        study.config.codebook, lambda texts: encode(ctx, texts, desc="codebook exemplars")
    )
    thresholds = frame_thresholds(
        scorer.relevance(X), study.config.codebook, study.config.scoring, gold
    )
    cut = dict(zip(thresholds[S.FRAME], thresholds[S.THRESHOLD], strict=True))
    return {
        "frame_scores": score_sentences(sentences, X, scorer, cut),
        "frame_thresholds": thresholds,
    }
