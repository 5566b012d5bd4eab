"""From sentence scores to article and outlet scores.

An article's score on a frame is the mean over its sentences of the sentence's position
where the frame is present, and zero where it is absent: the balance of the article's
framing between the two poles, with sentences that do not engage the frame counting as
neutral. (A plain mean of positions would let the topical drift of unframed sentences,
e.g. casualty figures read as faintly "cannon fodder", decide an outlet's score.) An
outlet's score is the mean over its articles, each article counting once however long
it is, and its interval resamples articles.
"""

from __future__ import annotations

import pandas as pd

from analysis import schema as S
from analysis.stats.bootstrap import mean_ci, unit_rng


def article_frames(frame_scores: pd.DataFrame) -> pd.DataFrame:
    """Framing balance per article, frame and view.

    The views are those of the score rows: ``all`` (sentences), ``own`` (the outlet's
    authorial and attribution spans of each sentence) and ``reported`` (what it quotes
    or reports), see analysis/text/view_units.py. Rows without a view are ``all``. An
    article contributes to a view only if it has units in that view, so ``n_sentences``
    counts the view's sentences and is never zero.
    """
    framed = frame_scores[S.POSITION].where(frame_scores[S.PRESENT], 0.0)
    scores = frame_scores.assign(_framed=framed, _present=frame_scores[S.PRESENT].astype(float))
    if S.VIEW not in scores.columns:
        scores[S.VIEW] = S.VIEWS[0]
    parts = []
    for view in S.VIEWS:
        subset = scores[scores[S.VIEW] == view]
        grouped = subset.groupby([S.DOC_ID, S.OUTLET, S.FRAME], sort=True, observed=True)
        out = grouped.agg(
            **{
                S.POSITION: ("_framed", "mean"),
                S.SHARE_PRESENT: ("_present", "mean"),
                S.N_SENTENCES: ("_framed", "size"),
            }
        ).reset_index()
        out.insert(3, S.VIEW, view)
        parts.append(out)
    return S.ARTICLE_FRAMES.validate(pd.concat(parts, ignore_index=True))


def outlet_frames(article_scores: pd.DataFrame, n_boot: int, ci: float, seed: int) -> pd.DataFrame:
    rows = []
    keys = [S.OUTLET, S.FRAME, S.VIEW]
    for (outlet, frame, view), group in article_scores.groupby(keys, sort=True):
        mean, low, high = mean_ci(
            group[S.POSITION].to_numpy(), n_boot, ci, unit_rng(seed, outlet, frame, view)
        )
        rows.append(
            {
                S.OUTLET: outlet,
                S.FRAME: frame,
                S.VIEW: view,
                S.MEAN: mean,
                S.CI_LOW: low,
                S.CI_HIGH: high,
                S.N_ARTICLES: len(group),
            }
        )
    return S.OUTLET_FRAMES.validate(pd.DataFrame(rows))
