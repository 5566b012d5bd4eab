"""Stage ``frame_scores``: every sentence, and every own and reported voice unit, scored
on each codebook frame."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.errors import StudyConfigError
from analysis.frames.axes import fit_codebook, score_sentences
from analysis.frames.gold import gold_files, study_gold
from analysis.frames.supervised import check_gold_size, cv_groups, supervised_scores
from analysis.frames.thresholds import frame_thresholds
from analysis.pipeline import Context, register
from analysis.stages.vectors import encode, scored, sentence_vectors, unit_vectors


@register(
    "frame_scores",
    inputs=("articles", "sentences", "embeddings", "voice_units"),
    outputs={"frame_scores": S.FRAME_SCORES, "frame_thresholds": S.FRAME_THRESHOLDS},
    config=lambda s: {
        "codebook": s.config.codebook.model_dump(),
        "scoring": s.config.scoring.model_dump(),
        "gold": s.config.gold,
        "coding": s.config.coding.adjudication,
        "embedding": s.config.embedding.identity(),
    },
    raw_files=gold_files,
)
def frame_scores_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Score every sentence, and every own and reported unit, on each frame.

    Rows carry their view: ``all`` (the sentence), ``own`` or ``reported`` (its voice
    units, analysis/text/view_units.py). Presence thresholds are chosen on sentences (gold
    codes are per sentence) and applied to units alike.
    """
    study = ctx.study
    sentences, X = scored(*sentence_vectors(ctx))
    units, X_units = unit_vectors(ctx)
    kept = units[S.SENT_KEY].isin(set(sentences[S.SENT_KEY])).to_numpy()  # no fragments
    units, X_units = units[kept].reset_index(drop=True), X_units[kept]
    gold = study_gold(study, sentences)
    if study.config.scoring.method == "supervised":
        if gold is None:
            raise StudyConfigError(
                "scoring.method is 'supervised' but the study has no gold codes",
                hint="add `gold: <coded sentences.csv>` to study.yaml (see `framing annotate`), "
                "or use `scoring: {method: axis}`",
            )
        check_gold_size(gold, study.config.codebook, study.config.scoring.min_gold_per_code)
        groups = cv_groups(ctx.table("articles"), sentences)
        scores, thresholds = supervised_scores(
            sentences, X, gold, study.config.codebook, groups, study.config.seed, units, X_units
        )
        return {"frame_scores": scores, "frame_thresholds": thresholds}
    scorer = fit_codebook(
        study.config.codebook, lambda texts: encode(ctx, texts, desc="codebook exemplars")
    )
    thresholds = frame_thresholds(
        scorer.relevance(X), study.config.codebook, study.config.scoring, gold
    )
    cut = dict(zip(thresholds[S.FRAME], thresholds[S.THRESHOLD], strict=True))
    scores = [score_sentences(sentences, X, scorer, cut)]
    if len(units):
        scores.append(score_sentences(units, X_units, scorer, cut))
    return {
        "frame_scores": pd.concat(scores, ignore_index=True),
        "frame_thresholds": thresholds,
    }
