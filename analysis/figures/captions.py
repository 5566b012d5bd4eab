"""One sentence per figure: what its unit means and how large the differences are.

Captions (and so ``index.html``) end with these, computed from the tables drawn, so a
reader never has to guess whether 0.05 is a lot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import schema as S


def _range(values: pd.Series) -> tuple[float, float]:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return (float(values.min()), float(values.max())) if len(values) else (np.nan, np.nan)


def articles_sentence(articles: pd.DataFrame) -> str:
    counts = articles.groupby(S.OUTLET).size()
    if counts.empty:
        return "Unit: articles; there are none."
    return (
        f"Unit: articles; the {len(counts)} outlets have between {counts.min()} and "
        f"{counts.max()} articles each."
    )


def balance_sentence(values: pd.Series, what: str = "outlets") -> str:
    low, high = _range(values)
    if np.isnan(low):
        return "Unit: framing balance; nothing to compare."
    return (
        "Unit: framing balance, the mean over an article's sentences of their position "
        "toward the frame's first pole where the frame is present (0 elsewhere), from -1 "
        f"to 1; {what} range from {low:.2f} to {high:.2f}."
    )


def effect_sentence(values: pd.Series) -> str:
    low, high = _range(values)
    if np.isnan(low):
        return "Unit: framing balance; nothing to compare."
    return (
        "Unit: framing balance (-1..1) relative to the mean of outlets on the same events; "
        f"effects range from {low:+.2f} to {high:+.2f}."
    )


def shares_sentence(table: pd.DataFrame, value: str, level: str, what: str) -> str:
    """For pole shares in percent: the largest spread between ``level`` values."""
    data = table.dropna(subset=[value])
    if data.empty:
        return "Unit: % of sentences; nothing to compare."
    spread = data.groupby([S.FRAME, S.POLE])[value].agg(lambda s: s.max() - s.min())
    (frame, pole), largest = spread.idxmax(), float(spread.max())
    return (
        "Unit: the percentage of sentences that engage the frame on that pole's side; "
        f"{what} differ by up to {largest:.0f} percentage points "
        f"({str(pole).replace('_', ' ')}, frame {frame})."
    )


def topic_sentence(outlet_topics: pd.DataFrame) -> str:
    data = outlet_topics[outlet_topics[S.TOPIC] != S.OUTLIER_TOPIC]
    if data.empty:
        return "Unit: share of an article's units in the topic; no topics."
    spread = data.groupby(S.TOPIC)[S.MEAN].agg(lambda s: s.max() - s.min())
    return (
        "Unit: the share of an article's units (sentences or paragraphs) in the topic, "
        f"averaged over the outlet's articles; outlets differ by up to {100 * spread.max():.0f} "
        f"percentage points (topic {spread.idxmax()})."
    )


def words_sentence(words: pd.DataFrame) -> str:
    z = words[S.Z].abs() if len(words) else pd.Series(dtype=float)
    if z.empty:
        return "Unit: z-score of a word's log-odds ratio; no words."
    return (
        "Unit: z-score of the word's log-odds ratio between the outlet and the others "
        f"(|z| > 1.96: unlikely by chance at 5%); the largest |z| is {z.max():.1f}."
    )


def agreement_sentence(validation: pd.DataFrame) -> str:
    values = validation[validation["metric"].isin(["f1_macro", "krippendorff_alpha"])]["value"]
    low, high = _range(values)
    if np.isnan(low):
        return "Unit: agreement with human codes; no gold codes."
    return (
        "Unit: agreement with human codes (F1 and Krippendorff's alpha: 1 is perfect, "
        f"alpha 0 is chance); values range from {low:.2f} to {high:.2f}."
    )
