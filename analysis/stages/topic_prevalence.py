"""Stage ``topic_prevalence``: topic shares per outlet with cluster-bootstrap CIs,
regression effects, and shares over time."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.pipeline import Context, register
from analysis.study import Study
from analysis.topics.labels import topic_labels
from analysis.topics.prevalence import (
    article_topic_shares,
    outlet_topic_shares,
    topic_effects,
    topic_time,
)

TABLES = {
    "topic_labels": S.TOPIC_LABELS,
    "article_topics": S.ARTICLE_TOPICS,
    "outlet_topics": S.OUTLET_TOPICS,
    "topic_effects": S.TOPIC_EFFECTS,
    "topic_time": S.TOPIC_TIME,
}


def event_ids(ctx: Context, source: str, articles: pd.DataFrame) -> pd.Series | None:
    """doc_id -> event id from the configured source, or None when events are unknown.

    ``auto`` and ``events`` take the ``events`` stage's assignment (given, inferred or
    pinned); ``articles`` the corpus's own ``event_id``; ``none`` ignores events.
    """
    if source == "none":
        return None
    if source in ("auto", "events"):
        return _event_series(ctx.table("events"))
    if S.EVENT_ID not in articles.columns or articles[S.EVENT_ID].isna().all():
        return None
    return _event_series(articles)


def _event_series(table: pd.DataFrame) -> pd.Series:
    series = table.set_index(S.DOC_ID)[S.EVENT_ID]
    series = series[~series.index.duplicated()]
    return series.where(series.notna(), None).astype(object)


def _prevalence_config(study: Study) -> dict:
    t = study.config.topics
    return {
        "enabled": t.enabled,
        "rename": {k: v if isinstance(v, str) else v.model_dump() for k, v in t.rename.items()},
        "event_source": t.event_source,
        "time_bin": t.time_bin,
        "aggregate": study.config.aggregate.model_dump(),
        "seed": study.config.seed,
    }


@register(
    "topic_prevalence",
    inputs=("topics", "articles", "events"),
    outputs=TABLES,
    config=_prevalence_config,
)
def topic_prevalence_stage(ctx: Context) -> dict[str, pd.DataFrame | None]:
    """Topic shares per outlet with cluster-bootstrap CIs, regression effects, and over time."""
    study = ctx.study
    cfg = study.config.topics
    if not cfg.enabled:
        return dict.fromkeys(TABLES)
    units, info = ctx.table("topic_units"), ctx.table("topic_info")
    articles = ctx.table("articles")
    events = event_ids(ctx, cfg.event_source, articles)
    labels = topic_labels(
        info, ctx.table("topic_terms"), cfg.rename, str(study.root / "study.yaml")
    )
    articles = article_topic_shares(units, articles, info[S.TOPIC].tolist(), events)
    agg = study.config.aggregate
    return {
        "topic_labels": labels,
        "article_topics": articles,
        "outlet_topics": outlet_topic_shares(articles, agg.n_boot, agg.ci, study.config.seed),
        "topic_effects": topic_effects(articles, agg.ci, ctx.outlet_order()),
        "topic_time": topic_time(articles, cfg.time_bin),
    }
