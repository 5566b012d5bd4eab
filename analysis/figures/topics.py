"""Topic figures: tables in, matplotlib figures out. No I/O here.

- :func:`topic_outlet_dots`: each outlet's share of each topic, raw (bootstrap CI) and
  event-adjusted (regression CI), one panel per topic;
- :func:`topic_time_lines`: each outlet's share of a topic per period;
- :func:`topic_term_bars`: each topic's top c-TF-IDF terms.

Topics are identified as ``"<id>: <label>"`` everywhere, so a figure can be matched to
``topic_info`` and to ``topics.rename`` in study.yaml.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from analysis import schema as S
from analysis.figures.style import (
    add_note,
    figure_size,
    figure_title,
    group_legend,
    hide_unused,
    level_colors,
    note_figure,
    outlet_colors,
    row_height,
)

NEUTRAL = "#4d4d4d"


def largest_topics(
    topic_info: pd.DataFrame, n: int = 12, include_outliers: bool = False
) -> list[int]:
    """The ``n`` topics holding the most units (ties: lower id first)."""
    info = topic_info
    if not include_outliers:
        info = info[info[S.TOPIC] != S.OUTLIER_TOPIC]
    ranked = info.sort_values([S.N_UNITS, S.TOPIC], ascending=[False, True])
    return ranked[S.TOPIC].astype(int).head(n).tolist()


def topic_title(topic: int, labels: pd.DataFrame, width: int = 24, lines: int = 2) -> str:
    """``"<id>: <label>"`` wrapped to ``lines`` lines of ``width`` characters."""
    label = labels.set_index(S.TOPIC)[S.LABEL].get(topic, f"topic {topic}")
    return "\n".join(textwrap.wrap(f"{topic}: {label}", width, max_lines=lines, placeholder="…"))


def _grid(n_panels: int, ncols: int, panel_height: float, columns: int = 2):
    ncols = max(1, min(ncols, n_panels))
    nrows = int(np.ceil(n_panels / ncols))
    width, _ = figure_size(columns)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width, panel_height * nrows + 0.45), squeeze=False
    )
    hide_unused(axes, n_panels)
    return fig, axes


def topic_outlet_dots(
    outlet_topics: pd.DataFrame,
    topic_effects: pd.DataFrame,
    labels: pd.DataFrame,
    outlets: Sequence[str],
    topics: Sequence[int],
    shown: Sequence[str] | None = None,
    ci: float = 0.95,
    ncols: int = 4,
    groups: dict[str, str] | None = None,
    max_rows: int = 60,
) -> Figure:
    """One panel per topic; a row per outlet: raw share and event-adjusted share.

    ``outlets`` is the study's full outlet list (outlets.csv order; it fixes colours and
    row order); ``shown`` restricts the rows. Filled circles: mean article share with the
    cluster-bootstrap CI. Open diamonds: the regression's adjusted share (every outlet
    on the corpus's mix of events) with its Wilson-type CI. Both stay inside 0-100%.
    With many outlets fewer topics are drawn; the figure says what it leaves out.
    """
    colors = outlet_colors(outlets, groups)
    present = set(outlet_topics[S.OUTLET])
    rows = [o for o in (shown or outlets) if o in present]
    if not rows or not len(topics):
        return note_figure("No topics to show per outlet.", 2)
    notes = []
    if len(rows) > max_rows:
        notes.append(f"{len(rows) - max_rows} outlets not shown")
        rows = rows[:max_rows]
    if len(present) > len(rows) and shown is not None:
        notes.append(f"{len(present) - len(rows)} of {len(present)} outlets not shown")
    if len(rows) > 20 and len(topics) > 8:
        notes.append(f"{len(topics) - 8} smaller topics not shown")
        topics = list(topics)[:8]
    height = row_height(len(rows) * int(np.ceil(len(topics) / ncols)), budget=6.5, high=0.16)
    fig, axes = _grid(len(topics), ncols, panel_height=height * len(rows) + 0.45)
    y = np.arange(len(rows))[::-1].astype(float)
    raw_all = outlet_topics.set_index([S.TOPIC, S.OUTLET])
    eff_all = topic_effects.set_index([S.TOPIC, S.OUTLET])
    for i, (ax, topic) in enumerate(zip(axes.flat, topics, strict=False)):
        raw = raw_all.loc[topic].reindex(rows)
        eff = eff_all.loc[topic].reindex(rows) if topic in eff_all.index else None
        for yi, outlet in zip(y, rows, strict=True):
            color = colors[outlet]
            _dot(ax, raw.loc[outlet], S.MEAN, S.CI_LOW, S.CI_HIGH, yi + 0.15, color, "o")
            if eff is not None:
                _dot(ax, eff.loc[outlet], S.ESTIMATE, S.CI_LOW, S.CI_HIGH, yi - 0.15, color, "D")
        ticks = rows if i % axes.shape[1] == 0 else [""] * len(rows)
        ax.set_yticks(y, ticks, fontsize=min(6.5, max(4.0, 150 / len(rows))))
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_xlim(left=min(0.0, ax.get_xlim()[0]))
        ax.axvline(0, color="#999999", lw=0.5, zorder=0)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_title(topic_title(topic, labels), loc="left")
        ax.grid(axis="x")
    handles = [
        Line2D([], [], marker="o", color=NEUTRAL, ls="", ms=3.5, label="mean share (bootstrap CI)"),
        Line2D(
            [],
            [],
            marker="D",
            color=NEUTRAL,
            mfc="white",
            ls="",
            ms=3,
            label="event-adjusted (Wilson-type CI)",
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    figure_title(fig, f"Topic share per outlet: mean article share, {ci:.0%} CIs")
    group_legend(fig, {o: colors[o] for o in rows}, groups, loc="outside upper right")
    if notes:
        add_note(fig, "; ".join(notes) + " (all are in outlet_topics and topic_effects).")
    return fig


def _dot(ax, row: pd.Series, mean: str, low: str, high: str, y: float, color: str, marker: str):
    m = row[mean]
    if pd.isna(m):
        return
    lo, hi = row[low], row[high]
    err = None if pd.isna(lo) or pd.isna(hi) else [[max(m - lo, 0)], [max(hi - m, 0)]]
    ax.errorbar(
        m,
        y,
        xerr=err,
        fmt=marker,
        color=color,
        mfc=color if marker == "o" else "white",
        ms=3.2 if marker == "o" else 2.8,
        capsize=1.2,
        elinewidth=0.7,
        mew=0.8,
    )


def topic_time_lines(
    topic_time: pd.DataFrame,
    labels: pd.DataFrame,
    outlets: Sequence[str],
    topics: Sequence[int],
    shown: Sequence[str] | None = None,
    ncols: int = 3,
    groups: dict[str, str] | None = None,
) -> Figure:
    """One panel per topic: each outlet's mean article share per period.

    With more than eight outlets and ``groups`` given, one line per group (the mean
    over its outlets' articles), so the lines stay readable; the title says so.
    """
    if topic_time.empty or not len(topics):
        return note_figure("No dated articles: no topic shares over time.", 2)
    colors = outlet_colors(outlets)
    present = set(topic_time[S.OUTLET])
    rows = [o for o in (shown or outlets) if o in present]
    per_group = bool(groups) and len(rows) > 8
    if per_group:
        data = topic_time[topic_time[S.OUTLET].isin(rows)]
        data = data.assign(
            **{S.OUTLET: data[S.OUTLET].map(lambda o: groups.get(o, "(no group)"))},
            _w=data[S.MEAN] * data[S.N_ARTICLES],
        )
        sums = data.groupby([S.OUTLET, S.PERIOD, S.TOPIC], as_index=False)[
            ["_w", S.N_ARTICLES]
        ].sum()
        topic_time = sums.assign(**{S.MEAN: sums["_w"] / sums[S.N_ARTICLES]})
        rows = list(dict.fromkeys(groups.get(o, "(no group)") for o in rows))
        colors = level_colors(rows)
    fig, axes = _grid(len(topics), ncols, panel_height=1.25)
    by_topic = topic_time.set_index(S.TOPIC)
    # Every period of the study, so a line breaks where an outlet published nothing
    periods = pd.DatetimeIndex(sorted(topic_time[S.PERIOD].unique())).tz_localize(None)
    for ax, topic in zip(axes.flat, topics, strict=False):
        data = by_topic.loc[[topic]] if topic in by_topic.index else by_topic.iloc[:0]
        for outlet in rows:
            line = data[data[S.OUTLET] == outlet]
            if line.empty:
                continue
            series = pd.Series(
                line[S.MEAN].to_numpy(), index=line[S.PERIOD].dt.tz_localize(None)
            ).reindex(periods)
            ax.plot(
                series.index,
                series.to_numpy(),
                marker="o",
                ms=2,
                lw=0.8,
                color=colors[outlet],
                label=outlet,
            )
        ax.set_title(topic_title(topic, labels), loc="left")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        locator = mdates.AutoDateLocator(maxticks=5)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="y")
    handles = [Line2D([], [], color=colors[o], marker="o", ms=2, lw=0.8, label=o) for o in rows]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(4, len(rows)), frameon=False)
    what = "per outlet group" if per_group else "per outlet"
    figure_title(fig, f"Topic share over time {what}: mean article share per period")
    return fig


def topic_term_bars(
    topic_terms: pd.DataFrame,
    labels: pd.DataFrame,
    topics: Sequence[int],
    n_terms: int = 8,
    ncols: int = 4,
) -> Figure:
    """One panel per topic: its top terms by c-TF-IDF weight."""
    fig, axes = _grid(len(topics), ncols, panel_height=0.11 * n_terms + 0.35)
    by_topic = topic_terms.set_index(S.TOPIC)
    for ax, topic in zip(axes.flat, topics, strict=False):
        if topic not in by_topic.index:
            ax.set_visible(False)
            continue
        terms = by_topic.loc[[topic]].sort_values(S.RANK).head(n_terms)
        y = np.arange(len(terms))[::-1]
        ax.barh(y, terms[S.WEIGHT], color=NEUTRAL, height=0.7)
        # Long n-grams would push the figure past its column width: cut them short.
        names = [t if len(t) <= 16 else t[:15] + "…" for t in terms[S.TERM]]
        ax.set_yticks(y, names)
        ax.set_title(topic_title(topic, labels, width=18), loc="left")
        ax.tick_params(axis="y", length=0)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
    figure_title(fig, "Top terms per topic (c-TF-IDF weight)")
    return fig
