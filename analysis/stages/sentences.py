"""Stage ``sentences``: split articles into sentences with character offsets."""

from __future__ import annotations

import logging

import pandas as pd

from analysis import schema as S
from analysis.pipeline import Context, register
from analysis.text.sentences import split_sentences

log = logging.getLogger(__name__)


@register(
    "sentences",
    version="3",
    inputs=("articles",),
    outputs=("sentences",),
    config=lambda s: {"sentences": s.config.sentences.model_dump()},
)
def sentences_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Split articles into sentences with character offsets; mark fragments."""
    min_words = ctx.study.config.sentences.min_words
    sentences = split_sentences(ctx.table("articles"), min_words=min_words)
    n = int(sentences[S.FRAGMENT].sum())
    log.info(
        "sentences: %d units, %d fragment(s) of fewer than %d words (sentences.min_words) "
        "left out of scoring",
        len(sentences),
        n,
        min_words,
    )
    return {"sentences": sentences}
