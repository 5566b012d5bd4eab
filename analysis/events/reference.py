"""Reference partitions for evaluating event alignment.

NeuS (Lee et al., NAACL 2022) gives each AllSides story as covered by a left, a center
and a right outlet: the story id is a true event id the alignment never sees. Used by
``tests/test_events_real.py`` and ``benchmarks/events_alignment.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.embed import Encoder
from analysis.events.vectors import title_lead_vectors
from analysis.study import EventsConfig
from analysis.text.sentences import split_sentences


def neus_articles(stories: Path) -> pd.DataFrame:
    """One article per story side: the AllSides headline, the paragraphs as text.

    NeuS dates stories, not articles, and the story timestamps are unique, so each
    article gets only its story's calendar day: the window then narrows the candidates
    to the stories of neighbouring days without identifying the story by itself.
    """
    rows = []
    with open(stories, encoding="utf-8") as fh:
        for line in fh:
            story = json.loads(line)
            day = pd.Timestamp(story["date"]).strftime("%Y-%m-%dT12:00:00Z")
            for side, item in story["news"].items():
                body = [p.strip() for p in item.get("newBody") or [] if p and p.strip()]
                if not body:
                    continue
                rows.append(
                    {
                        S.DOC_ID: f"{story['id']}-{side}",
                        S.OUTLET: item["newsSource"],
                        S.TITLE: item["newsTitle"],
                        S.TEXT: "\n".join(body),
                        S.PUBLISHED: day,
                        S.EVENT_ID: str(story["id"]),
                    }
                )
    table = pd.DataFrame(rows)
    table[S.PUBLISHED] = pd.to_datetime(table[S.PUBLISHED], utc=True)
    return table


def encode_title_lead(articles: pd.DataFrame, encoder: Encoder, cfg: EventsConfig) -> np.ndarray:
    """The events stage's vectors for articles outside a study (no embeddings table)."""
    sentences = split_sentences(articles)
    lead = sentences[sentences[S.SENT_ID] < cfg.lead_sentences].reset_index(drop=True)
    lead_X = encoder.encode(lead[S.TEXT].tolist(), desc="leads")
    return title_lead_vectors(
        articles,
        lead[[S.DOC_ID, S.SENT_ID]],
        lead_X,
        lambda titles: encoder.encode(titles, desc="titles"),
        cfg.lead_sentences,
        cfg.title_weight,
    )
