"""Stage ``events``: which event each article covers (given, inferred or pinned)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.errors import StudyConfigError
from analysis.events import assign_events, load_pins, needs_inference
from analysis.events.vectors import title_lead_vectors
from analysis.io import write_csv
from analysis.pipeline import Context, register
from analysis.stages.vectors import encode, sentence_vectors
from analysis.study import Study

REVIEW_FILE = "event_review.csv"


def pins_path(study: Study):
    """The pins file to read, or None; a path the study sets explicitly must exist."""
    cfg = study.config.events
    path = study.path(cfg.pins)
    if path.exists():
        return path
    if "pins" in cfg.model_fields_set:
        raise StudyConfigError(
            f"events.pins: file not found: {path}",
            hint="create it with the columns doc_id,event_id, or remove `pins:` from study.yaml",
        )
    return None


def _pins_files(study: Study):
    path = study.path(study.config.events.pins)
    return [path] if path.exists() else []


def article_vectors(ctx: Context, articles: pd.DataFrame) -> np.ndarray:
    """Title + lead vector per article; lead vectors are read back, titles encoded (cached)."""
    cfg = ctx.study.config.events
    lead, lead_vectors = sentence_vectors(ctx, lead=cfg.lead_sentences)
    return title_lead_vectors(
        articles,
        lead,
        lead_vectors,
        lambda titles: encode(ctx, titles, desc="titles"),
        cfg.lead_sentences,
        cfg.title_weight,
    )


def review_table(articles: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """What a reviewer reads: events with their articles' titles, weakest links first."""
    cols = [c for c in (S.DOC_ID, S.PUBLISHED, S.TITLE) if c in articles.columns]
    review = events.merge(articles[cols], on=S.DOC_ID, how="left")
    weakest = review.groupby(S.EVENT_ID)[S.CONFIDENCE].transform("min")
    review = review.assign(_weakest=weakest.fillna(np.inf))
    sort = [c for c in ("_weakest", S.EVENT_ID, S.PUBLISHED, S.DOC_ID) if c in review.columns]
    return review.sort_values(sort, kind="stable").drop(columns="_weakest")


@register(
    "events",
    inputs=("articles", "sentences", "embeddings"),
    outputs={"events": S.EVENTS, "event_alignment": S.EVENT_ALIGNMENT},
    config=lambda s: {
        "events": s.config.events.model_dump(),
        "embedding": s.config.embedding.identity(),
    },
    raw_files=_pins_files,
)
def events_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Group articles into events: given ids, inferred by title+lead similarity, or pinned."""
    articles = ctx.table("articles")
    infer = needs_inference(articles, ctx.study.config.events)
    vectors = article_vectors(ctx, articles) if infer.any() else None
    path = pins_path(ctx.study)
    pins = load_pins(path, articles[S.DOC_ID]) if path else None
    events, alignment = assign_events(articles, vectors, ctx.study.config.events, pins)
    review = review_table(articles, events)
    write_csv(review, ctx.study.build_dir / REVIEW_FILE)
    return {"events": events, "event_alignment": alignment}
