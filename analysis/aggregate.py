"""From sentence scores to article and outlet scores.

An article's score on a frame is the mean over its sentences of the sentence's position
where the frame is present, and zero where it is absent: the balance of the article's
framing between the two poles, with sentences that do not engage the frame counting as
neutral. (A plain mean of positions would let the topical drift of unframed sentences,
e.g. casualty figures read as faintly "cannon fodder", decide an outlet's score.) An
outlet's score is the mean over its articles, each article counting once however long
it is, and its interval resamples articles.

The balance needs explaining; a share does not. ``article_poles`` gives, per article,
the **percentage of its sentences that take each pole**: the frame is present and the
sentence lies on that pole's side of the axis (for a one-pole frame: present).
``outlet_poles`` averages articles (each counting once) with a Wilson-type interval
from the spread between articles (``analysis.stats.shares``), so it stays within
0-100%.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import schema as S
from analysis.stats.bootstrap import mean_ci, unit_rng
from analysis.stats.shares import share_interval
from analysis.study import Codebook


def _views(scores: pd.DataFrame):
    """(view, its rows) for every view: ``all`` holds sentences; ``own`` and ``reported``
    the voice units built from their spans (a table without views is all ``all``)."""
    if S.VIEW not in scores.columns:
        yield S.VIEWS[0], scores
        return
    for view in S.VIEWS:
        yield view, scores[scores[S.VIEW] == view]


def article_means(rows: pd.DataFrame, keys: list[str], means: dict[str, str]) -> pd.DataFrame:
    """Per group of ``keys`` (sorted): the mean of each column of ``means`` (output name:
    column) and the group's size, ``n_sentences``.

    Each group's sum runs over its own rows in order (``np.bincount``), so an article's
    mean does not depend on the other articles in the table; pandas' grouped mean can
    move in the 17th digit with them, and then a run over shards of articles
    (analysis/execution.py) would not be identical to one over all of them.
    """
    grouped = rows.groupby(keys, sort=True, observed=True)
    out = grouped.size().rename(S.N_SENTENCES).reset_index()
    codes = grouped.ngroup().to_numpy()
    size = out[S.N_SENTENCES].to_numpy()
    for name, column in means.items():
        weights = rows[column].to_numpy(dtype=float)
        out[name] = np.bincount(codes, weights=weights, minlength=len(out)) / size
    return out[[*keys, *means, S.N_SENTENCES]]


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
    parts = []
    for view, subset in _views(scores):
        out = article_means(
            subset,
            [S.DOC_ID, S.OUTLET, S.FRAME],
            {S.POSITION: "_framed", S.SHARE_PRESENT: "_present"},
        )
        out.insert(3, S.VIEW, view)
        parts.append(out)
    return pd.concat(parts, ignore_index=True)


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
    return pd.DataFrame(rows)


def pole_sides(codebook: Codebook) -> list[tuple[str, str, int]]:
    """(frame, pole, side) for every pole: +1 the first pole, -1 the second, 0 a
    one-pole frame (any present sentence takes it)."""
    out = []
    for frame in codebook.frames:
        if frame.bipolar:
            out += [(frame.id, frame.poles[0].id, 1), (frame.id, frame.poles[1].id, -1)]
        else:
            out.append((frame.id, frame.poles[0].id, 0))
    return out


def article_poles(frame_scores: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per article, frame, view and pole: the percentage of sentences taking the pole."""
    sides = pd.DataFrame(pole_sides(codebook), columns=[S.FRAME, S.POLE, "_side"])
    scores = frame_scores.merge(sides, on=S.FRAME, how="inner")
    sign = np.sign(scores[S.POSITION].to_numpy())
    side = scores["_side"].to_numpy()
    takes = scores[S.PRESENT].to_numpy(dtype=bool) & ((side == 0) | (sign == side))
    scores = scores.assign(_takes=100.0 * takes)
    parts = []
    keys = [S.DOC_ID, S.OUTLET, S.FRAME, S.POLE]
    for view, subset in _views(scores):
        out = article_means(subset, keys, {S.PERCENT: "_takes"})
        out.insert(3, S.VIEW, view)
        parts.append(out)
    return pd.concat(parts, ignore_index=True)


def outlet_poles(article_scores: pd.DataFrame, ci: float) -> pd.DataFrame:
    """Per outlet, frame, view and pole: mean percentage over articles, with an interval.

    The standard error is the spread between the outlet's articles (sd / sqrt(n)) on
    t(n - 1); ``share_interval`` turns it into a Wilson-type interval within 0-100%.
    One article gives no interval (NaN), as in ``outlet_frames``.
    """
    keys = [S.OUTLET, S.FRAME, S.VIEW, S.POLE]
    grouped = article_scores.groupby(keys, sort=True, observed=True)
    table = grouped.agg(
        **{
            S.PERCENT: (S.PERCENT, "mean"),
            "_sd": (S.PERCENT, "std"),
            S.N_ARTICLES: (S.PERCENT, "size"),
            S.N_SENTENCES: (S.N_SENTENCES, "sum"),
        }
    ).reset_index()
    n = table[S.N_ARTICLES].to_numpy(dtype=float)
    se = table["_sd"].to_numpy() / np.sqrt(n)
    df = np.where(n > 1, n - 1, np.nan)
    low, high = share_interval(table[S.PERCENT], se, table[S.N_SENTENCES], df, ci)
    table[S.CI_LOW], table[S.CI_HIGH] = low, high
    columns = [*keys, S.PERCENT, S.CI_LOW, S.CI_HIGH, S.N_ARTICLES, S.N_SENTENCES]
    return table[columns]
