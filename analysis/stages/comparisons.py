"""Stage ``comparisons``: outlets compared within events."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.compare import compare_outlets
from analysis.pipeline import Context, register


def _config(study):
    cfg = study.config.compare.model_dump(exclude={"fightin_words"})
    return {"compare": cfg, "seed": study.config.seed}


@register(
    "comparisons",
    inputs=("articles", "events", "aggregate"),
    outputs={
        "outlet_effects": S.OUTLET_EFFECTS,
        "pairwise_differences": S.PAIRWISE_DIFFERENCES,
        "frame_tests": S.FRAME_TESTS,
        "regression": S.REGRESSION,
        "comparison_units": S.COMPARISON_UNITS,
    },
    config=_config,
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
    tables = compare_outlets(frames, articles, events, cfg, seed, ctx.outlet_order())
    return tables.as_dict()
