"""Stage ``sentences``: sentences with character offsets, and their voice spans."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.pipeline import Context, register
from analysis.text.sentences import split_articles


@register(
    "sentences",
    inputs=("articles",),
    outputs={"sentences": S.SENTENCES, "spans": S.SPANS},
)
def sentences_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Split articles into sentences and voice spans (authorial, attribution, quoted, scare)."""
    sentences, spans = split_articles(ctx.table("articles"))
    return {"sentences": sentences, "spans": spans}
