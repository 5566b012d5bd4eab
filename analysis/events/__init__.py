"""Event alignment: which articles, across outlets, cover the same event.

``assign_events`` turns the articles (with their given ids, if any), one vector per
article and the study's pins into the ``events`` table, and, when events were inferred
for articles that also carry given ids, scores the inference against them.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.events.align import EventAligner, days_since_epoch
from analysis.events.metrics import alignment_scores, bcubed
from analysis.events.pins import load_pins
from analysis.study import EventsConfig, configured

log = logging.getLogger(__name__)

__all__ = [
    "EventAligner",
    "alignment_scores",
    "assign_events",
    "bcubed",
    "days_since_epoch",
    "load_pins",
    "needs_inference",
]

INFERRED_PREFIX = "auto-"


def given_ids(articles: pd.DataFrame) -> pd.Series:
    """The corpus's event ids, None where missing or blank."""
    if S.EVENT_ID not in articles.columns:
        return pd.Series([None] * len(articles), index=articles.index, dtype=object)
    ids = articles[S.EVENT_ID].astype(object)
    blank = ids.isna() | (ids.map(lambda v: str(v).strip() if v is not None else "") == "")
    return ids.where(~blank, None)


def needs_inference(articles: pd.DataFrame, cfg: EventsConfig) -> np.ndarray:
    """Mask of the articles whose event is inferred under ``cfg``."""
    if not cfg.enabled or cfg.mode == "given":
        return np.zeros(len(articles), dtype=bool)
    if cfg.mode == "infer":
        return np.ones(len(articles), dtype=bool)
    return given_ids(articles).isna().to_numpy()


def assign_events(
    articles: pd.DataFrame,
    vectors: np.ndarray | None,
    cfg: EventsConfig,
    pins: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``events`` table and the ``event_alignment`` scores (empty without reference).

    ``vectors`` holds one unit vector per article (rows in ``articles`` order); only the
    rows of articles needing inference are used.
    """
    articles = articles.reset_index(drop=True)
    n = len(articles)
    doc_ids = articles[S.DOC_ID].astype(str).to_numpy()
    given = given_ids(articles)
    infer = needs_inference(articles, cfg)

    event = given.to_numpy(dtype=object).copy()
    source = np.where(given.notna(), "given", "inferred").astype(object)
    confidence = np.where(given.notna(), 1.0, np.nan)
    why = "events.enabled is false" if not cfg.enabled else f"events.mode is {cfg.mode!r}"
    note = np.where(given.notna(), "", f"no event id given; {why}").astype(object)
    nearest = np.full(n, -1, dtype=np.int64)
    nearest_sim = np.full(n, np.nan)
    metrics = pd.DataFrame({S.METRIC: pd.Series(dtype=str), S.VALUE: pd.Series(dtype=float)})

    idx = np.flatnonzero(infer)
    if len(idx):
        if vectors is None or len(vectors) != n:
            raise ValueError("vectors (one per article) are needed to infer events")
        days = (
            days_since_epoch(articles[S.PUBLISHED])
            if S.PUBLISHED in articles.columns
            else np.full(n, np.nan)
        )
        aligner = configured(EventAligner(), cfg).fit(
            vectors[idx], days[idx], articles[S.OUTLET].to_numpy()[idx]
        )
        labels = aligner.labels_
        names = _event_names(labels, doc_ids[idx], days[idx])
        event[idx] = names[labels]
        source[idx] = "inferred"
        confidence[idx] = aligner.cohesion_
        sizes = np.bincount(labels)[labels]
        undated = np.isnan(days[idx])
        note[idx] = np.select(
            [undated & (cfg.undated == "alone"), sizes == 1, undated],
            [
                "undated: left alone",
                "alone: no article in the window reached the threshold",
                "undated: matched on similarity alone",
            ],
            default="",
        )
        has_near = aligner.nearest_other_ >= 0
        nearest[idx[has_near]] = idx[aligner.nearest_other_[has_near]]
        nearest_sim[idx] = aligner.nearest_other_similarity_
        reference = given.to_numpy(dtype=object)[idx]
        scored = np.array([r is not None for r in reference])
        if scored.any():
            scores = alignment_scores(reference[scored].astype(str), labels[scored])
            metrics = pd.DataFrame({S.METRIC: list(scores), S.VALUE: list(scores.values())})
            log.info(
                "events: inferred events against the given ids: ARI %.3f, B-cubed F1 %.3f",
                scores["adjusted_rand_index"],
                scores["bcubed_f1"],
            )
        log.info(
            "events: %d articles grouped into %d events (%d alone; largest linked group %d)",
            len(idx),
            labels.max() + 1,
            int(np.sum(sizes == 1)),
            aligner.largest_component_,
        )

    left_alone = pd.isna(event)
    event[left_alone] = np.array([f"{INFERRED_PREFIX}{d}" for d in doc_ids[left_alone]], object)

    if pins is not None and len(pins):
        pos = pd.Index(doc_ids).get_indexer(pins[S.DOC_ID])
        event[pos] = pins[S.EVENT_ID].to_numpy(dtype=object)
        source[pos] = "pinned"
        confidence[pos] = 1.0
        note[pos] = "pinned"
        log.info("events: %d assignment(s) pinned", len(pos))

    table = pd.DataFrame(
        {
            S.DOC_ID: doc_ids,
            S.OUTLET: articles[S.OUTLET].astype(str).to_numpy(),
            S.EVENT_ID: event.astype(str),
            S.EVENT_SOURCE: source.astype(str),
            S.CONFIDENCE: confidence,
        }
    )
    grouped = table.groupby(S.EVENT_ID)
    table[S.N_ARTICLES] = grouped[S.DOC_ID].transform("size").astype("int64")
    table[S.N_OUTLETS] = grouped[S.OUTLET].transform("nunique").astype("int64")
    near_event = np.where(nearest >= 0, table[S.EVENT_ID].to_numpy()[np.maximum(nearest, 0)], None)
    table[S.NEAREST_OTHER_EVENT] = pd.Series(near_event, dtype=object)
    table[S.NEAREST_OTHER_SIMILARITY] = nearest_sim
    table[S.NOTE] = note.astype(str)
    return table, metrics


def _event_names(labels: np.ndarray, doc_ids: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Stable ids: ``auto-`` + the doc id of each event's earliest article."""
    order = np.lexsort((doc_ids, np.where(np.isnan(days), np.inf, days)))
    _, first = np.unique(labels[order], return_index=True)
    return np.array([f"{INFERRED_PREFIX}{d}" for d in doc_ids[order][first]], dtype=object)
