"""Stage ``frame_scores``: every sentence, and every own and reported voice unit, scored
on each codebook frame."""

from __future__ import annotations

import logging

import pandas as pd

from analysis import execution
from analysis import schema as S
from analysis.errors import StudyConfigError
from analysis.frames.axes import fit_codebook, foreign_exemplars, score_sentences
from analysis.frames.finetune import FinetunedClassifier, resolve_device
from analysis.frames.gold import gold_files
from analysis.frames.supervised import check_gold_size, cv_groups, supervised_scores
from analysis.frames.thresholds import frame_thresholds
from analysis.pipeline import Context, register
from analysis.stages.vectors import encode, scored_with_gold, unit_vectors


def _config(study) -> dict:
    """What frame scores depend on; a fine-tuned model also on the device type it ran on."""
    config = {
        "codebook": study.config.codebook.model_dump(),
        "scoring": study.config.scoring.model_dump(),
        "gold": study.config.gold,
        "coding": study.config.coding.adjudication,
        "embedding": study.config.embedding.identity(),
    }
    if study.config.scoring.method == "finetuned":
        config["device"] = resolve_device(study.config.scoring.finetune.device)
    return config


def score_shards(ctx: Context, rows: pd.DataFrame, X, scorer, cut: dict) -> pd.DataFrame:
    """``score_sentences`` over shards of articles (on the cluster, if there is one)."""
    shards, parts = execution.map_shards(
        ctx, _score_rows, rows[S.DOC_ID].to_numpy(), rows, X, scorer, cut
    )
    return execution.stitch_frames(shards, parts, per_row=len(scorer.frames_))


def _score_rows(positions, rows: pd.DataFrame, X, scorer, cut: dict) -> pd.DataFrame:
    return score_sentences(rows.iloc[positions].reset_index(drop=True), X[positions], scorer, cut)


def finetuned_estimator(study) -> FinetunedClassifier:
    """The study's fine-tuning settings; its models are kept in build/<study>/finetuned/."""
    return FinetunedClassifier(
        base_model=study.config.embedding.model,
        random_state=study.config.seed,
        cache_dir=study.build_dir / "finetuned",
        **study.config.scoring.finetune.model_dump(),
    )


log = logging.getLogger(__name__)


@register(
    "frame_scores",
    inputs=("articles", "sentences", "embeddings", "voice_units"),
    outputs={"frame_scores": S.FRAME_SCORES, "frame_thresholds": S.FRAME_THRESHOLDS},
    config=_config,
    raw_files=gold_files,
)
def frame_scores_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Score every sentence, and every own and reported unit, on each frame.

    Rows carry their view: ``all`` (the sentence), ``own`` or ``reported`` (its voice
    units, analysis/text/view_units.py). Presence thresholds are chosen on sentences (gold
    codes are per sentence) and applied to units alike.
    """
    study = ctx.study
    sentences, X, gold = scored_with_gold(ctx)
    units, X_units = unit_vectors(ctx)
    kept = units[S.SENT_KEY].isin(set(sentences[S.SENT_KEY])).to_numpy()  # no fragments
    units, X_units = units[kept].reset_index(drop=True), X_units[kept]
    method = study.config.scoring.method
    if method in ("supervised", "finetuned"):
        if gold is None:
            raise StudyConfigError(
                f"scoring.method is {method!r} but the study has no gold codes",
                hint="add `gold: <coded sentences.csv>` to study.yaml (see `framing annotate`), "
                "or use `scoring: {method: axis}`",
            )
        check_gold_size(gold, study.config.codebook, study.config.scoring.min_gold_per_code)
        groups = cv_groups(ctx.table("articles"), sentences)
        estimator = None
        if method == "finetuned":  # the encoder itself learns: it reads texts
            estimator = finetuned_estimator(study)
            X, X_units = sentences[S.TEXT].to_numpy(object), units[S.TEXT].to_numpy(object)
        scores, thresholds = supervised_scores(
            sentences,
            X,
            gold,
            study.config.codebook,
            groups,
            study.config.seed,
            units,
            X_units,
            estimator=estimator,
            source=method,
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
    scores = [score_shards(ctx, sentences, X, scorer, cut)]
    if len(units):
        scores.append(score_shards(ctx, units, X_units, scorer, cut))
    return {
        "frame_scores": pd.concat(scores, ignore_index=True),
        "frame_thresholds": thresholds,
    }
