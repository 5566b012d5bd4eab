"""Stage ``aggregate``: article means per frame, and outlet means with bootstrap CIs."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.aggregate import article_frames, outlet_frames
from analysis.pipeline import Context, register


@register(
    "aggregate",
    inputs=("frame_scores",),
    outputs={"article_frames": S.ARTICLE_FRAMES, "outlet_frames": S.OUTLET_FRAMES},
    config=lambda s: {"aggregate": s.config.aggregate.model_dump(), "seed": s.config.seed},
)
def aggregate_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Article means per frame, and outlet means with bootstrap CIs over articles."""
    cfg = ctx.study.config.aggregate
    articles = article_frames(ctx.table("frame_scores"))
    outlets = outlet_frames(articles, cfg.n_boot, cfg.ci, ctx.study.config.seed)
    return {"article_frames": articles, "outlet_frames": outlets}
