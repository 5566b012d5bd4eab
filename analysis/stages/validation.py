"""Stage ``validation``: automated codes against the study's gold codes, out of sample."""

from __future__ import annotations

import logging

import pandas as pd

from analysis import schema as S
from analysis.frames.agreement import agreement
from analysis.frames.gold import GOLD_PREFIX
from analysis.frames.validation import (
    VALIDATION_COLUMNS,
    gold_labels,
    validate_axis,
    validate_supervised,
    validation_table,
)
from analysis.pipeline import Context, register
from analysis.stages.frames import _gold_files, fit_codebook, gold_for, sentence_groups
from analysis.text.voice_eval import span_validation_rows
from analysis.text.voice_gold import load_gold_articles


def _validation_files(study):
    files = _gold_files(study)
    if study.config.voice.gold_spans:
        files.append(study.path(study.config.voice.gold_spans))
    return files


log = logging.getLogger(__name__)


@register(
    "validation",
    version="2",
    inputs=("articles", "sentences", "embeddings"),
    outputs=("validation",),
    config=lambda s: {
        "codebook": s.config.codebook.model_dump(),
        "gold": s.config.gold,
        "gold_spans": s.config.voice.gold_spans,
        "seed": s.config.seed,
        "embedding": s.config.embedding.identity(),
    },
    raw_files=_validation_files,
)
def validation_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """F1, AUC and Krippendorff's alpha of the automated codes against the gold codes."""
    sentences = ctx.table("sentences")
    gold = gold_for(ctx, sentences)
    if gold is None:
        log.info("validation: the study has no gold codes (`gold:` in study.yaml); skipped")
        return {"validation": pd.DataFrame(columns=VALIDATION_COLUMNS)}
    coded = gold[GOLD_PREFIX + S.VOICE].notna().to_numpy()
    seed = ctx.study.config.seed
    groups = sentence_groups(ctx, sentences)[coded]
    _, X = ctx.matrix("embeddings", S.EMBEDDING)
    # The codebook axes are validated whatever scoring.method the study uses.
    scorer = fit_codebook(ctx)
    all_positions, all_relevance = scorer.transform(X), scorer.relevance(X)
    blocks = []
    for j, frame in enumerate(ctx.study.config.codebook.frames):
        truth = gold_labels(gold[GOLD_PREFIX + S.POLE], frame)[coded]
        position = all_positions[coded, j]
        relevance = all_relevance[coded, j]
        blocks.append(
            ("axis", frame.id, validate_axis(position, relevance, truth, frame, groups, seed))
        )
        blocks.append(
            ("supervised", frame.id, validate_supervised(X[coded], truth, frame, groups, seed))
        )
    voice_truth = gold[GOLD_PREFIX + S.VOICE].to_numpy()[coded]
    voice_pred = sentences[S.VOICE].to_numpy()[coded]
    blocks.append(("voice_rules", None, agreement(voice_truth, voice_pred, list(S.VOICES))))
    if ctx.study.config.voice.gold_spans:
        articles = ctx.table("articles")
        texts = dict(zip(articles[S.DOC_ID], articles[S.TEXT], strict=True))
        gold_spans = load_gold_articles(texts, ctx.study.path(ctx.study.config.voice.gold_spans))
        for method, rows in span_validation_rows(gold_spans, sentences, ctx.table("spans")):
            blocks.append((method, None, rows))
    table = validation_table(blocks)
    for method in ("axis", "supervised"):
        f1 = table[(table["method"] == method) & (table["metric"] == "f1_macro")]
        log.info(
            "validation %s: macro F1 by frame %s",
            method,
            dict(zip(f1["frame"], f1["value"].round(3), strict=True)),
        )
    return {"validation": table}
