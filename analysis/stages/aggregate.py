"""Stage ``aggregate``: article means per frame, and outlet means with bootstrap CIs."""

from __future__ import annotations

import logging

import pandas as pd

from analysis import schema as S
from analysis.aggregate import article_frames, outlet_frames
from analysis.pipeline import Context, register

log = logging.getLogger(__name__)


@register(
    "aggregate",
    inputs=("articles", "frame_scores"),
    outputs={"article_frames": S.ARTICLE_FRAMES, "outlet_frames": S.OUTLET_FRAMES},
    config=lambda s: {
        "aggregate": s.config.aggregate.model_dump(),
        "seed": s.config.seed,
        # one rule for every outlet-level result (the comparisons read the same key)
        "exclude_duplicates": s.config.compare.exclude_duplicates,
    },
)
def aggregate_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Article means per frame (every article), and outlet means with bootstrap CIs over
    articles, leaving syndicated copies out when ``compare.exclude_duplicates`` is set."""
    cfg = ctx.study.config.aggregate
    articles = article_frames(ctx.table("frame_scores"))
    counted = articles
    if ctx.study.config.compare.exclude_duplicates:
        corpus = ctx.table("articles")
        if S.DUPLICATE_OF in corpus.columns:
            copies = set(corpus.loc[corpus[S.DUPLICATE_OF].notna(), S.DOC_ID])
            counted = articles[~articles[S.DOC_ID].isin(copies)]
            if copies:
                log.info("outlet means leave out %d syndicated copies", len(copies))
    outlets = outlet_frames(counted, cfg.n_boot, cfg.ci, ctx.study.config.seed)
    return {"article_frames": articles, "outlet_frames": outlets}
