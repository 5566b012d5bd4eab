"""Stage ``validation``: automated codes against the study's gold codes, out of sample."""

from __future__ import annotations

import logging

import pandas as pd

from analysis import schema as S
from analysis.frames.agreement import agreement
from analysis.frames.gold import GOLD_PREFIX, frame_gold
from analysis.frames.thresholds import code_counts, too_small
from analysis.frames.validation import (
    VALIDATION_COLUMNS,
    validate_axis,
    validate_supervised,
    validation_table,
)
from analysis.pipeline import Context, register
from analysis.stages.frames import _gold_files, fit_codebook, gold_for, scored, sentence_groups

log = logging.getLogger(__name__)
N_BOOT = 1000  # resamples behind each validation interval


@register(
    "validation",
    version="2",
    inputs=("articles", "sentences", "embeddings"),
    outputs=("validation",),
    config=lambda s: {
        "codebook": s.config.codebook.model_dump(),
        "gold": s.config.gold,
        "coding": s.config.coding.adjudication,
        "min_gold_per_code": s.config.scoring.min_gold_per_code,
        "seed": s.config.seed,
        "embedding": s.config.embedding.identity(),
    },
    raw_files=_gold_files,
)
def validation_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """F1, AUC and Krippendorff's alpha of the automated codes against the gold codes."""
    _, X = ctx.matrix("embeddings", S.EMBEDDING)
    sentences, X = scored(ctx.table("sentences"), X)
    gold = gold_for(ctx, sentences)
    if gold is None:
        log.info("validation: the study has no gold codes (`gold:` in study.yaml); skipped")
        return {"validation": pd.DataFrame(columns=VALIDATION_COLUMNS)}
    seed = ctx.study.config.seed
    minimum = ctx.study.config.scoring.min_gold_per_code
    all_groups = sentence_groups(ctx, sentences)
    # The codebook axes are validated whatever scoring.method the study uses.
    scorer = fit_codebook(ctx)
    all_positions, all_relevance = scorer.transform(X), scorer.relevance(X)
    blocks = []
    for j, frame in enumerate(ctx.study.config.codebook.frames):
        labels, coded = frame_gold(gold, frame)
        truth, groups = labels[coded], all_groups[coded]
        counts = code_counts(gold, frame)
        blocks.append(("gold", frame.id, [_count(c, n) for c, n in counts.items()]))
        position, relevance = all_positions[coded, j], all_relevance[coded, j]
        axis = validate_axis(position, relevance, truth, frame, groups, seed, n_boot=N_BOOT)
        blocks.append(("axis", frame.id, axis))
        if too_small(counts, minimum):
            log.info(
                "validation %s: classifier not validated (gold codes %s; fewer than %d per code)",
                frame.id,
                counts,
                minimum,
            )
            continue
        supervised = validate_supervised(X[coded], truth, frame, groups, seed, n_boot=N_BOOT)
        blocks.append(("supervised", frame.id, supervised))
    voice = gold.get(GOLD_PREFIX + S.VOICE)
    if voice is not None and voice.notna().any():
        coded = voice.notna().to_numpy()
        blocks.append(
            (
                "voice_rules",
                None,
                agreement(
                    voice.to_numpy()[coded],
                    sentences[S.VOICE].to_numpy()[coded],
                    list(S.VOICES),
                    groups=all_groups[coded],
                    n_boot=N_BOOT,
                    seed=seed,
                ),
            )
        )
    table = validation_table(blocks)
    for method in ("axis", "supervised"):
        f1 = table[(table["method"] == method) & (table["metric"] == "f1_macro")]
        log.info(
            "validation %s: macro F1 by frame %s",
            method,
            dict(zip(f1["frame"], f1["value"].round(3), strict=True)),
        )
    return {"validation": table}


def _count(code: str, n: int) -> dict:
    return {"metric": "n_gold", "label": code, "value": float(n), "support": n}
