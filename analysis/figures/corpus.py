"""Corpus overview figures: who published what, when, and how much of it is copy."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import schema as S
from analysis.figures.style import (
    EDGE,
    add_note,
    figure_size,
    group_legend,
    note_figure,
    outlet_colors,
    row_height,
)

MAX_TIMELINE_OUTLETS = 12
MAX_OUTLETS = 60


def corpus_overview(
    articles: pd.DataFrame, outlets: Sequence[str], groups: dict[str, str] | None = None
) -> Figure:
    """Left: articles per outlet, originals vs marked duplicates. Right: articles over time
    (one dot per article for small studies; monthly counts per outlet else).

    Every outlet is drawn, up to ``MAX_OUTLETS`` (beyond that the ones with the most
    articles, and the figure says how many are left out); with many outlets, outlets
    take their group's colour."""
    counts = articles.groupby(S.OUTLET).size()
    shown = [o for o in outlets if o in counts.index]
    if not shown:
        return note_figure("No articles: every record was rejected (see rejects.csv).", 2)
    many = len(shown) > MAX_TIMELINE_OUTLETS
    left_out = []
    if len(shown) > MAX_OUTLETS:
        keep = set(counts.loc[shown].sort_values(ascending=False).index[:MAX_OUTLETS])
        left_out = [o for o in shown if o not in keep]
        shown = [o for o in shown if o in keep]
    colors = outlet_colors(list(outlets), groups)
    width, _ = figure_size(2)
    height = 0.7 + row_height(len(shown), budget=7.0, high=0.2) * len(shown)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(width, height), width_ratios=[1, 2.2], sharey=True
    )
    y = np.arange(len(shown))[::-1]
    dup = articles[S.DUPLICATE_OF].notna() if S.DUPLICATE_OF in articles else False
    originals = articles[~dup].groupby(S.OUTLET).size().reindex(shown, fill_value=0)
    copies = articles[dup].groupby(S.OUTLET).size().reindex(shown, fill_value=0)
    bar_colors = [colors.get(o, "#7f7f7f") for o in shown]
    left.barh(y, originals, color=bar_colors, edgecolor=EDGE, linewidth=0.3)
    left.barh(
        y, copies, left=originals, color="white", edgecolor=bar_colors, hatch="////", linewidth=0.6
    )
    left.set_yticks(y, shown, fontsize=min(6.5, max(4.0, 150 / len(shown))))
    left.set_xlabel("articles")
    handles = [
        plt.Rectangle(
            (0, 0), 1, 1, facecolor="#888888", edgecolor=EDGE, linewidth=0.3, label="original"
        ),
        plt.Rectangle(
            (0, 0),
            1,
            1,
            facecolor="white",
            edgecolor="#555555",
            hatch="////",
            linewidth=0.6,
            label="duplicate of an earlier article",
        ),
    ]
    fig.legend(handles=handles, loc="outside lower left", ncols=2, frameon=False)
    left.set_title("Articles per outlet", loc="left")

    dated = articles.dropna(subset=[S.PUBLISHED]) if S.PUBLISHED in articles else articles.iloc[:0]
    if many and len(dated):
        monthly = (
            dated[dated[S.OUTLET].isin(shown)]
            .assign(month=lambda d: d[S.PUBLISHED].dt.tz_convert(None).dt.to_period("M"))
            .groupby([S.OUTLET, "month"])
            .size()
            .unstack(fill_value=0)
            .reindex(shown)
        )
        im = right.imshow(
            monthly.to_numpy(),
            aspect="auto",
            cmap="Greys",
            extent=(-0.5, monthly.shape[1] - 0.5, -0.5, len(shown) - 0.5),
        )
        ticks = np.linspace(0, monthly.shape[1] - 1, min(6, monthly.shape[1])).astype(int)
        right.set_xticks(ticks, [str(monthly.columns[t]) for t in ticks])
        fig.colorbar(im, ax=right, label="articles per month", shrink=0.8)
    elif len(dated):
        row = dict(zip(shown, y, strict=True))
        for outlet, group in dated[dated[S.OUTLET].isin(shown)].groupby(S.OUTLET):
            is_dup = group[S.DUPLICATE_OF].notna() if S.DUPLICATE_OF in group else False
            when = group[S.PUBLISHED].dt.tz_convert(None)
            c = colors.get(outlet, "#7f7f7f")
            right.scatter(
                when[~is_dup],
                np.full((~is_dup).sum(), row[outlet]),
                s=9,
                color=c,
                edgecolors=EDGE,
                linewidths=0.3,
            )
            if np.any(is_dup):
                right.scatter(
                    when[is_dup],
                    np.full(is_dup.sum(), row[outlet]),
                    s=9,
                    facecolors="white",
                    edgecolors=c,
                    linewidths=0.7,
                )
        right.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=7))
        right.xaxis.set_major_formatter(
            mdates.ConciseDateFormatter(right.xaxis.get_major_locator())
        )
        right.grid(axis="x")
    else:
        right.text(0.5, 0.5, "no publication dates", transform=right.transAxes, ha="center")
    right.set_title("Publication dates (hollow: duplicate)", loc="left")
    if many:
        group_legend(fig, {o: colors[o] for o in shown}, groups, loc="outside upper center")
    if left_out:
        add_note(
            fig,
            f"{len(left_out)} outlets with the fewest articles not shown: "
            + ", ".join(left_out[:10]),
        )
    return fig
