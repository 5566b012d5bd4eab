"""Stages ``topics`` (fit BERTopic on the cached vectors) and ``topic_prevalence``.

Renaming topics, choosing the event source or the time bins re-runs only
``topic_prevalence``; the (slow) fit re-runs only when its own settings change.
The fitted model is saved beside the tables, in ``build/<study>/topic_model/``.
"""

from __future__ import annotations

import logging
import shutil

import pandas as pd
import pandera.pandas as pa

from analysis import schema as S
from analysis.errors import StageError
from analysis.pipeline import REGISTRY, Context, outlet_order, register
from analysis.study import Study
from analysis.topics.fit import fit_topics
from analysis.topics.labels import topic_labels
from analysis.topics.persist import save_topic_model
from analysis.topics.prevalence import (
    article_topic_shares,
    outlet_topic_shares,
    topic_effects,
    topic_time,
)

log = logging.getLogger(__name__)

MODEL_DIR = "topic_model"
EVENTS_TABLE = "events"
_PREVALENCE_ONLY = {"rename", "event_source", "time_bin"}


def model_dir(study: Study):
    return study.build_dir / MODEL_DIR


def _fit_config(study: Study) -> dict:
    cfg = study.config.topics.model_dump(exclude=_PREVALENCE_ONLY)
    return {"topics": cfg, "seed": study.config.seed, "model": study.config.embedding.model}


def _empty(schema: pa.DataFrameSchema) -> pd.DataFrame:
    return schema.validate(pd.DataFrame({c: pd.Series(dtype=object) for c in schema.columns}))


@register(
    "topics",
    version="1",
    inputs=("sentences", "embeddings"),
    outputs=("topic_units", "topic_info", "topic_terms"),
    config=_fit_config,
)
def topics_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Fit BERTopic on the cached sentence vectors (seeded, offline); save it as safetensors."""
    study = ctx.study
    if not study.config.topics.enabled:
        _remove_stale_model(study)
        return {t: _empty(s) for t, s in _TOPIC_TABLES.items()}
    keys, vectors = ctx.matrix("embeddings", S.EMBEDDING)
    fit = fit_topics(
        ctx.table("sentences"),
        keys,
        vectors,
        study.config.topics,
        study.config.seed,
        study.config.embedding.model,
    )
    if fit.model.fitted_:
        save_topic_model(fit.model, model_dir(study), {"study": study.name, **_fit_config(study)})
    else:
        _remove_stale_model(study)
    return {"topic_units": fit.units, "topic_info": fit.info, "topic_terms": fit.terms}


def _remove_stale_model(study: Study) -> None:
    """A saved model from an earlier fit would contradict the new tables: remove it."""
    folder = model_dir(study)
    if folder.exists():
        log.info("removing %s: this run fitted no topic model", folder)
        shutil.rmtree(folder)


_TOPIC_TABLES = {
    "topic_units": S.TOPIC_UNITS,
    "topic_info": S.TOPIC_INFO,
    "topic_terms": S.TOPIC_TERMS,
}
_PREVALENCE_TABLES = {
    "topic_labels": S.TOPIC_LABELS,
    "article_topics": S.ARTICLE_TOPICS,
    "outlet_topics": S.OUTLET_TOPICS,
    "topic_effects": S.TOPIC_EFFECTS,
    "topic_time": S.TOPIC_TIME,
}


def _events_stage() -> str | None:
    """The registered stage writing the ``events`` table, if any."""
    for stage in REGISTRY.values():
        if EVENTS_TABLE in stage.outputs:
            return stage.name
    return None


def event_ids(ctx: Context, source: str, articles: pd.DataFrame) -> pd.Series | None:
    """doc_id -> event id from the configured source, or None when events are unknown."""
    study = ctx.study
    if source == "none":
        return None
    if source == "events" or (source == "auto" and _EVENTS_STAGE is not None):
        if _EVENTS_STAGE is None:
            raise StageError(
                f"{study.root / 'study.yaml'}: topics.event_source is 'events' but no stage "
                "produces an events table",
                hint="use event_source: articles (the corpus's event_id) or auto",
            )
        events = ctx.table(EVENTS_TABLE)
        missing = {S.DOC_ID, S.EVENT_ID} - set(events.columns)
        if missing:
            raise StageError(f"the events table lacks column(s) {sorted(missing)}")
        return _event_series(events)
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


# Registered after the events stage when there is one, so that its table is
# an input: `auto` then uses inferred events and their changes re-run this stage.
_EVENTS_STAGE = _events_stage()


@register(
    "topic_prevalence",
    version="2",
    inputs=("topics", "articles") + ((_EVENTS_STAGE,) if _EVENTS_STAGE else ()),
    outputs=tuple(_PREVALENCE_TABLES),
    config=_prevalence_config,
)
def topic_prevalence_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Topic shares per outlet with cluster-bootstrap CIs, regression effects, and over time."""
    study = ctx.study
    cfg = study.config.topics
    if not cfg.enabled:
        return {t: _empty(s) for t, s in _PREVALENCE_TABLES.items()}
    units, info = ctx.table("topic_units"), ctx.table("topic_info")
    articles = ctx.table("articles")
    events = event_ids(ctx, cfg.event_source, articles)
    labels = topic_labels(
        info, ctx.table("topic_terms"), cfg.rename, str(study.root / "study.yaml")
    )
    articles = article_topic_shares(units, articles, info[S.TOPIC].tolist(), events)
    agg = study.config.aggregate
    outlets = outlet_order(study)
    return {
        "topic_labels": labels,
        "article_topics": articles,
        "outlet_topics": outlet_topic_shares(articles, agg.n_boot, agg.ci, study.config.seed),
        "topic_effects": topic_effects(articles, agg.ci, outlets),
        "topic_time": topic_time(articles, cfg.time_bin),
    }
