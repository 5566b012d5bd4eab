"""Stages ``comparisons`` and ``fightin_words``: outlets compared within events."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.compare import FightinWords, compare_outlets, distinctive_words
from analysis.compare.units import eligible_articles
from analysis.pipeline import Context, outlet_order, register

COMPARISON_TABLES = (
    "outlet_effects",
    "pairwise_differences",
    "frame_tests",
    "regression",
    "comparison_units",
)


def _compare_config(study):
    cfg = study.config.compare.model_dump(exclude={"fightin_words"})
    return {"compare": cfg, "seed": study.config.seed}


def _words_config(study):
    cfg = study.config.compare
    return {
        "fightin_words": cfg.fightin_words.model_dump(),
        "enabled": cfg.enabled,
        "outlets": cfg.outlets,
        "exclude_duplicates": cfg.exclude_duplicates,
    }


@register(
    "comparisons",
    version="2",
    inputs=("articles", "events", "aggregate"),
    outputs=COMPARISON_TABLES,
    config=_compare_config,
)
def comparisons_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Outlets compared within events: effects, pairwise differences, tests, regression.

    Intervals resample events; p-values swap outlet labels within events and are
    corrected with Benjamini–Hochberg.
    """
    cfg = ctx.study.config.compare
    articles = ctx.table("articles")
    events = ctx.table("events")
    frames = ctx.table("article_frames")
    if not cfg.enabled:
        frames = frames.iloc[0:0]
    seed = ctx.study.config.seed
    tables = compare_outlets(frames, articles, events, cfg, seed, outlet_order(ctx.study))
    return tables.as_dict()


@register(
    "fightin_words",
    version="2",
    inputs=("articles", "sentences", "events"),  # sentences writes spans too
    outputs=("fightin_words",),
    config=_words_config,
)
def fightin_words_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Distinctive words per outlet and view (Fightin' Words log-odds with a prior)."""
    cfg = ctx.study.config.compare
    words = cfg.fightin_words
    articles = ctx.table("articles")
    events = ctx.table("events")
    usable, _ = eligible_articles(articles, events, cfg)
    if words.shared_events_only:
        shared = events.loc[events[S.N_OUTLETS] >= 2, S.DOC_ID]
        usable = usable[usable[S.DOC_ID].isin(set(shared))]
    if not (cfg.enabled and words.enabled):
        usable = usable.iloc[0:0]
    model = FightinWords(
        words.prior_scale, words.min_count, words.ngram_max, words.stop_words, words.pairwise_top
    )
    table = distinctive_words(
        ctx.table("sentences"),
        usable[S.DOC_ID],
        model,
        outlet_order(ctx.study),
        words.pairwise,
        spans=ctx.table("spans"),
    )
    return {"fightin_words": table}
