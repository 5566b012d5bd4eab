"""Stage ``sentences``: split articles into sentences with character offsets."""

from __future__ import annotations

import pandas as pd

from analysis.pipeline import Context, register
from analysis.text.sentences import split_sentences


@register("sentences", version="3", inputs=("articles",), outputs=("sentences",))
def sentences_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Split articles into sentences with character offsets."""
    return {"sentences": split_sentences(ctx.table("articles"))}
