"""From the ``sentences`` and ``embeddings`` tables to the topic tables (pure; no I/O)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.study import TopicsConfig
from analysis.topics.model import TopicModel
from analysis.topics.units import build_units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicFit:
    model: TopicModel
    units: pd.DataFrame  # topic_units
    info: pd.DataFrame  # topic_info
    terms: pd.DataFrame  # topic_terms


def fit_topics(
    sentences: pd.DataFrame,
    vectors: np.ndarray,
    config: TopicsConfig,
    seed: int,
    embedding_model: str,
) -> TopicFit:
    """Build the units, fit the topic model on their cached vectors, tabulate the result.

    ``vectors`` are the sentences' vectors, row for row.
    """
    units = build_units(sentences, vectors, config.unit, config.min_words)
    model = TopicModel.from_config(config, seed, embedding_model).fit(units.texts, units.vectors)
    table = units.table.copy()
    included = units.included
    topic = pd.array([pd.NA] * len(table), dtype="Int32")
    initial = topic.copy()
    probability = np.full(len(table), np.nan)
    topic[included] = model.topics_
    initial[included] = model.initial_topics_
    probability[included] = model.probabilities_
    table[S.TOPIC] = topic
    table[S.TOPIC_INITIAL] = initial
    table[S.PROBABILITY] = probability
    table = table[list(S.TOPIC_UNITS.columns)]
    info = model.info(table.loc[included, S.DOC_ID].tolist())
    if model.fitted_:  # the saved model carries the same labels as topic_info
        model.model_.set_topic_labels(dict(zip(info[S.TOPIC], info[S.AUTO_LABEL], strict=True)))
    outliers = info.set_index(S.TOPIC).loc[S.OUTLIER_TOPIC]
    n = max(int(included.sum()), 1)
    log.info(
        "%d %ss (%d excluded as too short): %d topics; outliers (topic -1) %.1f%% "
        "of units before outlier reduction, %.1f%% after",
        len(table),
        config.unit,
        int((~included).sum()),
        int((info[S.TOPIC] != S.OUTLIER_TOPIC).sum()),
        100 * outliers[S.N_UNITS_INITIAL] / n,
        100 * outliers[S.N_UNITS] / n,
    )
    return TopicFit(model, table, info, model.terms())
