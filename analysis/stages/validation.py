"""Stage ``validation``: automated codes against the study's gold codes, out of sample."""

from __future__ import annotations

import logging

import pandas as pd

from analysis import schema as S
from analysis.frames.axes import fit_codebook
from analysis.frames.gold import gold_files
from analysis.frames.supervised import cv_groups
from analysis.frames.validation import validate_codes, validation_table
from analysis.pipeline import Context, register
from analysis.stages.vectors import encode, scored_with_gold
from analysis.text.voice_eval import span_validation_rows
from analysis.text.voice_gold import load_gold_articles


def _validation_files(study):
    files = gold_files(study)
    if study.config.voice.gold_spans:
        files.append(study.path(study.config.voice.gold_spans))
    return files


log = logging.getLogger(__name__)
N_BOOT = 1000  # resamples behind each validation interval


@register(
    "validation",
    inputs=("articles", "sentences", "embeddings"),
    outputs={"validation": S.VALIDATION},
    config=lambda s: {
        "codebook": s.config.codebook.model_dump(),
        "gold": s.config.gold,
        "coding": s.config.coding.adjudication,
        "min_gold_per_code": s.config.scoring.min_gold_per_code,
        "gold_spans": s.config.voice.gold_spans,
        "seed": s.config.seed,
        "embedding": s.config.embedding.identity(),
    },
    raw_files=_validation_files,
)
def validation_stage(ctx: Context) -> dict[str, pd.DataFrame | None]:
    """F1, AUC and Krippendorff's alpha of the automated codes against the gold codes."""
    study = ctx.study
    sentences, X, gold = scored_with_gold(ctx)
    if gold is None:
        log.info("validation: the study has no gold codes (`gold:` in study.yaml); skipped")
        return {"validation": None}
    scorer = fit_codebook(
        study.config.codebook, lambda texts: encode(ctx, texts, desc="codebook exemplars")
    )
    groups = cv_groups(ctx.table("articles"), sentences)
    table = validate_codes(
        sentences,
        X,
        gold,
        scorer,
        groups,
        study.config.seed,
        study.config.scoring.min_gold_per_code,
    )
    if study.config.voice.gold_spans:
        articles = ctx.table("articles")
        texts = dict(zip(articles[S.DOC_ID], articles[S.TEXT], strict=True))
        gold_spans = load_gold_articles(texts, study.path(study.config.voice.gold_spans))
        rows = span_validation_rows(gold_spans, sentences, ctx.table("spans"))
        table = pd.concat(
            [table, validation_table([(m, None, r) for m, r in rows])], ignore_index=True
        )
    for method in ("axis", "supervised"):
        f1 = table[(table[S.METHOD] == method) & (table[S.METRIC] == "f1_macro")]
        log.info(
            "validation %s: macro F1 by frame %s",
            method,
            dict(zip(f1[S.FRAME], f1[S.VALUE].round(3), strict=True)),
        )
    return {"validation": table}


def _count(code: str, n: int) -> dict:
    return {"metric": "n_gold", "label": code, "value": float(n), "support": n}
