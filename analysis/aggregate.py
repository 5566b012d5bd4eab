"""From sentence scores to article and outlet scores.

An article's score on a frame is the mean position of its sentences; an outlet's score
is the mean over its articles, each article counting once however long it is. The
outlet's interval resamples articles.
"""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.stats.bootstrap import mean_ci, unit_rng


def article_frames(frame_scores: pd.DataFrame) -> pd.DataFrame:
    grouped = frame_scores.groupby([S.DOC_ID, S.OUTLET, S.FRAME], sort=True, observed=True)
    out = grouped[S.POSITION].agg(["mean", "size"]).reset_index()
    out = out.rename(columns={"mean": S.POSITION, "size": S.N_SENTENCES})
    return S.ARTICLE_FRAMES.validate(out)


def outlet_frames(article_scores: pd.DataFrame, n_boot: int, ci: float, seed: int) -> pd.DataFrame:
    rows = []
    for (outlet, frame), group in article_scores.groupby([S.OUTLET, S.FRAME], sort=True):
        mean, low, high = mean_ci(
            group[S.POSITION].to_numpy(), n_boot, ci, unit_rng(seed, outlet, frame)
        )
        rows.append(
            {
                S.OUTLET: outlet,
                S.FRAME: frame,
                S.MEAN: mean,
                S.CI_LOW: low,
                S.CI_HIGH: high,
                S.N_ARTICLES: len(group),
            }
        )
    return S.OUTLET_FRAMES.validate(pd.DataFrame(rows))
