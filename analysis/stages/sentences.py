"""Stage ``sentences``: sentences with character offsets, and their voice spans."""

from __future__ import annotations

import logging

import pandas as pd

from analysis import schema as S
from analysis.pipeline import Context, register
from analysis.text.sentences import split_articles

log = logging.getLogger(__name__)


@register(
    "sentences",
    inputs=("articles",),
    outputs={"sentences": S.SENTENCES, "spans": S.SPANS},
    config=lambda s: {"sentences": s.config.sentences.model_dump()},
)
def sentences_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Split articles into sentences and voice spans (authorial, attribution, quoted,
    scare-quoted); mark fragments."""
    min_words = ctx.study.config.sentences.min_words
    sentences, spans = split_articles(ctx.table("articles"), min_words=min_words)
    log.info(
        "sentences: %d units, %d fragment(s) of fewer than %d words (sentences.min_words) "
        "left out of scoring",
        len(sentences),
        int(sentences[S.FRAGMENT].sum()),
        min_words,
    )
    return {"sentences": sentences, "spans": spans}
