"""Stage ``aggregate``: article means per frame and shares per pole; outlet means and
shares with bootstrap CIs over articles."""

from __future__ import annotations

import logging

import pandas as pd

from analysis import execution
from analysis import schema as S
from analysis.aggregate import (
    article_frames,
    article_poles,
    outlet_frames,
    outlet_poles,
    pole_sides,
)
from analysis.pipeline import Context, register

log = logging.getLogger(__name__)


def _config(study):
    return {
        "aggregate": study.config.aggregate.model_dump(),
        "seed": study.config.seed,
        "poles": [list(p) for p in pole_sides(study.config.codebook)],
        # one rule for every outlet-level result (the comparisons read the same key)
        "exclude_duplicates": study.config.compare.exclude_duplicates,
    }


@register(
    "aggregate",
    inputs=("articles", "frame_scores"),
    outputs={
        "article_frames": S.ARTICLE_FRAMES,
        "outlet_frames": S.OUTLET_FRAMES,
        "article_poles": S.ARTICLE_POLES,
        "outlet_poles": S.OUTLET_POLES,
    },
    config=_config,
)
def aggregate_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Article means per frame and shares per pole (every article); outlet means and
    shares with CIs over articles, leaving syndicated copies out when
    ``compare.exclude_duplicates`` is set."""
    cfg = ctx.study.config.aggregate
    scores = ctx.table("frame_scores")
    articles = per_article(ctx, _article_frames, scores)
    poles = per_article(ctx, _article_poles, scores, ctx.study.config.codebook)
    copies = syndicated_copies(ctx)
    outlets = outlet_frames(
        articles[~articles[S.DOC_ID].isin(copies)], cfg.n_boot, cfg.ci, ctx.study.config.seed
    )
    return {
        "article_frames": articles,
        "outlet_frames": outlets,
        "article_poles": poles,
        "outlet_poles": outlet_poles(poles[~poles[S.DOC_ID].isin(copies)], cfg.ci),
    }


def per_article(ctx: Context, func, scores: pd.DataFrame, *args) -> pd.DataFrame:
    """A per-article table over shards of articles (on the cluster, if there is one)."""
    _, parts = execution.map_shards(ctx, func, scores[S.DOC_ID].to_numpy(), scores, *args)
    return execution.concat_by(parts, S.VIEW, S.VIEWS)


def _article_frames(rows, scores: pd.DataFrame) -> pd.DataFrame:
    return article_frames(scores.iloc[rows])


def _article_poles(rows, scores: pd.DataFrame, codebook) -> pd.DataFrame:
    return article_poles(scores.iloc[rows], codebook)


def syndicated_copies(ctx: Context) -> set[str]:
    """The doc_ids outlet means leave out: copies of an earlier article, when
    ``compare.exclude_duplicates`` is set (one rule for every outlet-level result)."""
    if not ctx.study.config.compare.exclude_duplicates:
        return set()
    corpus = ctx.table("articles")
    if S.DUPLICATE_OF not in corpus.columns:
        return set()
    copies = set(corpus.loc[corpus[S.DUPLICATE_OF].notna(), S.DOC_ID])
    if copies:
        log.info("outlet means leave out %d syndicated copies", len(copies))
    return copies
