"""Stage ``topics``: BERTopic fitted on the cached sentence vectors (seeded, offline).

The fitted model is saved beside the tables, in ``build/<study>/topic_model/``.
Renaming topics, choosing the event source or the time bins re-runs only
``topic_prevalence``; the (slow) fit re-runs only when its own settings change.
"""

from __future__ import annotations

import logging
import shutil

import pandas as pd

from analysis import schema as S
from analysis.pipeline import Context, register
from analysis.stages.vectors import sentence_vectors
from analysis.study import Study
from analysis.topics.fit import fit_topics
from analysis.topics.persist import save_topic_model

log = logging.getLogger(__name__)

MODEL_DIR = "topic_model"
# Settings only topic_prevalence reads: changing them does not refit the model.
PREVALENCE_ONLY = {"rename", "event_source", "time_bin"}
TABLES = {
    "topic_units": S.TOPIC_UNITS,
    "topic_info": S.TOPIC_INFO,
    "topic_terms": S.TOPIC_TERMS,
}


def model_dir(study: Study):
    return study.build_dir / MODEL_DIR


def _fit_config(study: Study) -> dict:
    cfg = study.config.topics.model_dump(exclude=PREVALENCE_ONLY)
    return {"topics": cfg, "seed": study.config.seed, "model": study.config.embedding.model}


@register(
    "topics",
    inputs=("sentences", "embeddings"),
    outputs=TABLES,
    config=_fit_config,
)
def topics_stage(ctx: Context) -> dict[str, pd.DataFrame | None]:
    """Fit BERTopic on the cached sentence vectors (seeded, offline); save it as safetensors."""
    study = ctx.study
    if not study.config.topics.enabled:
        _remove_stale_model(study)
        return dict.fromkeys(TABLES)
    sentences, vectors = sentence_vectors(ctx)
    fit = fit_topics(
        sentences, vectors, study.config.topics, study.config.seed, study.config.embedding.model
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
