"""Stage ``aggregate``: article means per frame and shares per pole; outlet means and
shares with bootstrap CIs over articles."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.aggregate import (
    article_frames,
    article_poles,
    outlet_frames,
    outlet_poles,
    pole_sides,
)
from analysis.pipeline import Context, register


def _config(study):
    return {
        "aggregate": study.config.aggregate.model_dump(),
        "seed": study.config.seed,
        "poles": [list(p) for p in pole_sides(study.config.codebook)],
    }


@register(
    "aggregate",
    inputs=("frame_scores",),
    outputs={
        "article_frames": S.ARTICLE_FRAMES,
        "outlet_frames": S.OUTLET_FRAMES,
        "article_poles": S.ARTICLE_POLES,
        "outlet_poles": S.OUTLET_POLES,
    },
    config=_config,
)
def aggregate_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Article means per frame and shares per pole; outlet means and shares with CIs."""
    cfg = ctx.study.config.aggregate
    scores = ctx.table("frame_scores")
    articles = article_frames(scores)
    outlets = outlet_frames(articles, cfg.n_boot, cfg.ci, ctx.study.config.seed)
    poles = article_poles(scores, ctx.study.config.codebook)
    return {
        "article_frames": articles,
        "outlet_frames": outlets,
        "article_poles": poles,
        "outlet_poles": outlet_poles(poles, cfg.ci),
    }
