"""Stage ``comparisons``: outlets and outlet groups compared within events."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.compare import compare_study
from analysis.pipeline import Context, register


def _config(study):
    cfg = study.config.compare.model_dump(exclude={"fightin_words"})
    return {"compare": cfg, "seed": study.config.seed}


@register(
    "comparisons",
    inputs=("articles", "events", "aggregate"),
    outputs={
        "comparison_effects": S.COMPARISON_EFFECTS,
        "comparison_differences": S.COMPARISON_DIFFERENCES,
        "comparison_tests": S.COMPARISON_TESTS,
        "regression": S.REGRESSION,
        "comparison_units": S.COMPARISON_UNITS,
    },
    config=_config,
)
def comparisons_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Outlets and outlet groups compared within events: effects, differences, tests.

    Intervals resample events (and outlets within a group); p-values permute labels and
    are corrected with Benjamini–Hochberg.
    """
    cfg = ctx.study.config.compare
    frames = ctx.table("article_frames")
    poles = ctx.table("article_poles")
    if not cfg.enabled:
        frames, poles = frames.iloc[0:0], poles.iloc[0:0]
    tables = compare_study(
        frames,
        poles,
        ctx.table("articles"),
        ctx.table("events"),
        ctx.table("outlets"),
        cfg,
        ctx.study.config.seed,
    )
    return tables.as_dict()
