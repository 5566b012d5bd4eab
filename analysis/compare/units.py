"""Which articles a comparison uses, and why each other article is left out.

Nothing is dropped silently: the ``comparison_units`` table lists every article once
per view with ``included`` and, when it is left out, the reason.
"""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.errors import StudyConfigError
from analysis.study import CompareConfig

REASON_DUPLICATE = "syndicated copy of {0}"
REASON_NOT_SELECTED = "outlet not listed in compare.outlets"
REASON_NO_VIEW = "no sentences in this view"
REASON_NO_EVENT = "no event assigned"


def eligible_articles(
    articles: pd.DataFrame, events: pd.DataFrame, cfg: CompareConfig
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Articles with their event, and the reason each left-out article is left out."""
    table = articles[[S.DOC_ID, S.OUTLET]].merge(
        events[[S.DOC_ID, S.EVENT_ID]], on=S.DOC_ID, how="left"
    )
    reasons: dict[str, str] = {}
    if cfg.outlets is not None:
        unknown = sorted(set(cfg.outlets) - set(table[S.OUTLET]))
        if unknown:
            raise StudyConfigError(
                f"compare.outlets: unknown outlet(s) {unknown}",
                hint=f"outlets in the articles: {sorted(table[S.OUTLET].unique())}",
            )
        for d in table.loc[~table[S.OUTLET].isin(cfg.outlets), S.DOC_ID]:
            reasons[d] = REASON_NOT_SELECTED
    if cfg.exclude_duplicates and S.DUPLICATE_OF in articles.columns:
        dup = articles[articles[S.DUPLICATE_OF].notna()]
        for d, original in zip(dup[S.DOC_ID], dup[S.DUPLICATE_OF], strict=True):
            reasons.setdefault(d, REASON_DUPLICATE.format(original))
    for d in table.loc[table[S.EVENT_ID].isna(), S.DOC_ID]:
        reasons.setdefault(d, REASON_NO_EVENT)
    return table[~table[S.DOC_ID].isin(reasons)], reasons


def unit_table(
    articles: pd.DataFrame,
    events: pd.DataFrame,
    view: str,
    reasons: dict[str, str],
    in_view: set[str],
) -> pd.DataFrame:
    table = articles[[S.DOC_ID, S.OUTLET]].merge(
        events[[S.DOC_ID, S.EVENT_ID]], on=S.DOC_ID, how="left"
    )
    reason = [reasons.get(d, "" if d in in_view else REASON_NO_VIEW) for d in table[S.DOC_ID]]
    return pd.DataFrame(
        {
            S.DOC_ID: table[S.DOC_ID].to_numpy(),
            S.VIEW: view,
            S.OUTLET: table[S.OUTLET].to_numpy(),
            S.EVENT_ID: table[S.EVENT_ID].astype(object).to_numpy(),
            S.INCLUDED: [r == "" for r in reason],
            S.REASON: reason,
        }
    )
