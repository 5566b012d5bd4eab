"""Stage ``fightin_words``: distinctive words per outlet and view."""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.compare import FightinWords, distinctive_words
from analysis.compare.units import eligible_articles
from analysis.pipeline import Context, register
from analysis.study import configured


def _config(study):
    cfg = study.config.compare
    return {
        "fightin_words": cfg.fightin_words.model_dump(),
        "enabled": cfg.enabled,
        "outlets": cfg.outlets,
        "exclude_duplicates": cfg.exclude_duplicates,
    }


@register(
    "fightin_words",
    inputs=("articles", "sentences", "events"),
    outputs={"fightin_words": S.FIGHTIN_WORDS},
    config=_config,
)
def fightin_words_stage(ctx: Context) -> dict[str, pd.DataFrame]:
    """Distinctive words per outlet and view (Fightin' Words log-odds with a prior)."""
    cfg = ctx.study.config.compare
    words = cfg.fightin_words
    articles = ctx.table("articles")
    events = ctx.table("events")
    usable, _ = eligible_articles(articles, events, cfg)
    if words.shared_events_only:
        shared = events.loc[events[S.N_OUTLETS] >= 2, S.DOC_ID]
        usable = usable[usable[S.DOC_ID].isin(set(shared))]
    if not (cfg.enabled and words.enabled):
        usable = usable.iloc[0:0]
    model = configured(FightinWords(), words)
    table = distinctive_words(
        ctx.table("sentences"),
        usable[S.DOC_ID],
        model,
        ctx.outlet_order(),
        words.pairwise,
        spans=ctx.table("spans"),
    )
    return {"fightin_words": table}
